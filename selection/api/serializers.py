from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Role
from core.api.fields import BlankAsNullChoiceField, LabelField
from core.years import YEAR_MAX, YEAR_MIN
from towns.choices import Tier
from towns.services.designations import actor_of

from .. import selectors
from ..choices import DocumentKind, SubmissionAction, SubmissionStatus
from ..models import SelectionRound, Submission, SubmissionDocument, SubmissionEvent
from ..rules import available_actions


@extend_schema_field({"type": "array", "items": {"type": "string", "enum": Tier.values}})
class TierListField(serializers.ListField):
    """The tiers of a round. Any strings are accepted here: save_round() refuses unknown ones in Chinese."""

    child = serializers.CharField(max_length=16)


class SelectionRoundSerializer(serializers.ModelSerializer):
    """A selection round (R3); written by province_admin through selection.services.save_round()."""

    # Declared (not derived from the model) so that uniqueness and tier checks stay with save_round().
    name = serializers.CharField(max_length=120, label="名称")
    tiers = TierListField(label="评选层级", help_text="provincial、city、county 中的一个或多个")
    tier_labels = serializers.SerializerMethodField(label="评选层级名称")
    deadline = serializers.DateField(label="申报截止日期", help_text="YYYY-MM-DD，当日（北京时间）仍可上报")
    year = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        label="认定年度",
        help_text="入选后认定的起始年度；省略时为截止日期所在年度",
    )
    is_open = serializers.BooleanField(read_only=True, label="是否仍在申报期内")

    class Meta:
        model = SelectionRound
        fields = [
            "id",
            "name",
            "tiers",
            "tier_labels",
            "deadline",
            "year",
            "is_open",
            "version",
            "created_at",
        ]
        read_only_fields = ["id", "version", "created_at"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_tier_labels(self, obj):
        return [Tier(tier).label for tier in obj.tiers if tier in Tier.values]


DOCUMENT_KIND_HELP = "work_plan（“十四五”建设工作方案）或 implementation_plan（实施方案）"


class DocumentKindField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", DOCUMENT_KIND_HELP)
        super().__init__(choices=DocumentKind.choices, **kwargs)


class SubmissionDocumentSerializer(serializers.ModelSerializer):
    """One plan document; `url` downloads it (same scoping as the submission)."""

    kind = DocumentKindField(read_only=True, label="材料类型")
    kind_label = LabelField(DocumentKind, source="kind", label="材料类型名称")
    uploaded_at = serializers.DateTimeField(source="created_at", read_only=True, label="上传时间")
    url = serializers.SerializerMethodField(label="下载地址")

    class Meta:
        model = SubmissionDocument
        fields = ["kind", "kind_label", "original_name", "file_type", "size", "sha256", "uploaded_at", "url"]
        read_only_fields = fields

    def get_url(self, document) -> str:
        path = reverse(
            "api-submission-document", kwargs={"pk": document.submission_id, "kind": document.kind}
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


INFORMATION_FIELDS = [
    "registered_population",
    "resident_population",
    "area_km2",
    "gdp",
    "fiscal_revenue",
    "characteristic_industry",
    "industrial_park",
    "distance_to_county_km",
    "distance_to_city_km",
    *Submission.PRIORITY_FACTORS,
]


class SubmissionSerializer(serializers.ModelSerializer):
    """A candidate town of a round (R3), as the list shows it."""

    round = serializers.IntegerField(source="round_id", read_only=True, label="评选批次 ID")
    round_name = serializers.CharField(source="round.name", read_only=True, label="评选批次名称")
    town = serializers.CharField(source="town_id", read_only=True, label="镇区划代码")
    town_name = serializers.CharField(source="town.name", read_only=True, label="镇名称")
    county = serializers.CharField(source="town.county_id", read_only=True, label="县（市、区）代码")
    county_name = serializers.CharField(source="town.county.name", read_only=True, label="县（市、区）名称")
    city = serializers.CharField(source="town.city_id", read_only=True, label="市（州）代码")
    city_name = serializers.CharField(source="town.city.name", read_only=True, label="市（州）名称")
    tier_label = LabelField(Tier, source="tier", label="申报层级名称")
    status_label = LabelField(SubmissionStatus, source="status", label="状态名称")
    designation = serializers.IntegerField(
        source="designation_id",
        read_only=True,
        allow_null=True,
        label="入选后的认定 ID",
        help_text="入选前为 null；见 /api/v1/designations/{id}/",
    )
    documents = SubmissionDocumentSerializer(many=True, read_only=True, label="申报材料")
    returned_comment = serializers.SerializerMethodField(
        label="退回意见", help_text="市级退回、县级尚未重新上报时为最近一次退回意见，否则为 null"
    )

    class Meta:
        model = Submission
        fields = [
            "id",
            "round",
            "round_name",
            "town",
            "town_name",
            "county",
            "county_name",
            "city",
            "city_name",
            "tier",
            "tier_label",
            "status",
            "status_label",
            *INFORMATION_FIELDS,
            "decision_doc_no",
            "designation",
            "documents",
            "returned_comment",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_returned_comment(self, submission) -> str | None:
        # The queryset annotates the latest accepted return (selectors.submissions_with_return_comment);
        # selectors.returned_comment() answers the same for an object fetched without it.
        if submission.status != SubmissionStatus.DRAFT:
            return None
        if hasattr(submission, "latest_return_comment"):
            return submission.latest_return_comment
        return selectors.returned_comment(submission)


class BlankAsNullCharField(serializers.CharField):
    def to_representation(self, value):
        return None if value in (None, "") else super().to_representation(value)


class SubmissionEventSerializer(serializers.ModelSerializer):
    """One workflow step of a submission, or one refused attempt (accepted=false, with the refusal)."""

    action_label = LabelField(SubmissionAction, source="action", label="操作名称")
    actor = serializers.CharField(
        source="actor.username",
        read_only=True,
        allow_null=True,
        label="操作人用户名",
        help_text="账号已删除时为 null",
    )
    role = BlankAsNullChoiceField(
        choices=Role.choices,
        source="actor_role",
        read_only=True,
        allow_null=True,
        label="操作人角色",
        help_text="操作时的角色；未知时为 null",
    )
    role_label = LabelField(Role, source="actor_role", label="操作人角色名称")
    time = serializers.DateTimeField(source="at", read_only=True, label="时间")
    to_status = BlankAsNullChoiceField(
        choices=SubmissionStatus.choices,
        read_only=True,
        allow_null=True,
        label="新状态",
        help_text="被拒绝的操作没有新状态，为 null",
    )
    refusal = BlankAsNullCharField(
        read_only=True, allow_null=True, label="拒绝原因", help_text="已执行的操作为 null"
    )

    class Meta:
        model = SubmissionEvent
        fields = [
            "action",
            "action_label",
            "actor",
            "role",
            "role_label",
            "time",
            "comment",
            "from_status",
            "to_status",
            "doc_no",
            "accepted",
            "refusal",
        ]
        read_only_fields = fields


class SubmissionDetailSerializer(SubmissionSerializer):
    available_actions = serializers.SerializerMethodField(
        label="当前可执行的操作",
        help_text="调用者此刻可以执行的流转操作（POST /api/v1/submissions/{id}/{action}/）",
    )
    events = serializers.SerializerMethodField(
        label="流转记录",
        help_text=(
            "每一步流转（上报、推荐、退回、审定）及每次被拒绝的尝试（accepted=false，refusal 为原因），"
            "按时间先后排列（最早的在前）；权限范围内的用户都能看到全部记录。"
        ),
    )

    class Meta(SubmissionSerializer.Meta):
        fields = [*SubmissionSerializer.Meta.fields, "available_actions", "events"]
        read_only_fields = fields

    @extend_schema_field(SubmissionEventSerializer(many=True))
    def get_events(self, submission):
        return SubmissionEventSerializer(selectors.ordered_events(submission), many=True).data

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=SubmissionAction.choices))
    )
    def get_available_actions(self, submission):
        request = self.context.get("request")
        if request is None:
            return []
        return available_actions(selectors.submission_facts(submission), actor_of(request.user))


class SubmissionInformationSerializer(serializers.ModelSerializer):
    """The basic information a county fills in (R3); PATCH sends only what changes."""

    class Meta:
        model = Submission
        fields = INFORMATION_FIELDS
        validators = []  # the model's constraints are the service's to check


class SubmissionCreateSerializer(SubmissionInformationSerializer):
    round = serializers.IntegerField(label="评选批次 ID")
    town = serializers.CharField(
        max_length=12, label="镇区划代码", help_text="9 位乡级区划代码，如 220112100"
    )
    tier = serializers.ChoiceField(choices=Tier.choices, label="申报层级")

    class Meta(SubmissionInformationSerializer.Meta):
        fields = ["round", "town", "tier", *INFORMATION_FIELDS]

    def validate_round(self, value):
        selection_round = selectors.rounds().filter(pk=value).first()
        if selection_round is None:
            raise serializers.ValidationError(f"评选批次 {value} 不存在。")
        return selection_round

    def validate_town(self, value):
        # A town outside the caller's scope is answered exactly as a code that does not exist.
        request = self.context.get("request")
        town = selectors.scoped_town(request.user if request is not None else None, code=value)
        if town is None:
            raise serializers.ValidationError(f"乡镇“{value}”不存在。")
        return town


class TransitionSerializer(serializers.Serializer):
    """The body of a workflow step; which of the two a step needs is said by its description."""

    comment = serializers.CharField(required=False, allow_blank=True, default="", label="意见")
    doc_no = serializers.CharField(required=False, allow_blank=True, default="", label="决定文号")


class DocumentUploadSerializer(serializers.Serializer):
    kind = DocumentKindField(label="材料类型")
    file = serializers.FileField(
        label="文件",
        help_text="PDF、Word（.doc/.docx）或 Excel（.xls/.xlsx），不超过 20 MB；按内容检查文件类型",
    )
