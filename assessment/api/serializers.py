"""Serializers of API v1 for the annual assessment (R7–R9).

Reads only shape rows the selectors chose (proposed results reach province roles alone); writes go through
assessment.services, whose Chinese refusals are what the client reads.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import LabelField
from towns.choices import Tier

from ..models import (
    POINTS,
    AssessmentRound,
    Elimination,
    Indicator,
    IndicatorSystem,
    JobState,
    Notice,
    NoticeKind,
    Result,
    ResultStatus,
    RoundState,
    Score,
)
from ..rules import GRADE_LABELS

GRADE_CHOICES = list(GRADE_LABELS.items())


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A choice stored as "" when it does not apply (an unassessed town's grade, no substitute's tier):
    rendered as null."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return None if value in (None, "") else super().to_representation(value)


# Workaround until SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] names these choice sets ("NoticeKindEnum":
# "assessment.models.NoticeKind", "ResultStatusEnum": "assessment.models.ResultStatus", "TierEnum":
# "towns.choices.Tier"): "kind", "status" and a second tier field would make the schema generator warn about
# enum name collisions, so these fields are documented as strings with their values in the help text.
@extend_schema_field(OpenApiTypes.STR)
class DocumentedChoiceField(serializers.ChoiceField):
    def __init__(self, choices, **kwargs):
        values = "、".join(f"{value}（{label}）" for value, label in choices.choices)
        kwargs.setdefault("help_text", values)
        kwargs.setdefault("read_only", True)
        super().__init__(choices=choices.choices, **kwargs)


@extend_schema_field(OpenApiTypes.STR)
class DocumentedBlankAsNullChoiceField(BlankAsNullChoiceField):
    pass


def points_field(**kwargs):
    return serializers.DecimalField(read_only=True, **POINTS, **kwargs)


# --- indicator systems (R7) -------------------------------------------------------------------------------


class IndicatorSerializer(serializers.ModelSerializer):
    task_area = serializers.CharField(
        source="task_area_id", read_only=True, label="任务领域代码", help_text="T01–T15"
    )
    task_area_name = serializers.CharField(source="task_area.name", read_only=True, label="任务领域名称")

    class Meta:
        model = Indicator
        fields = ["code", "name", "task_area", "task_area_name", "max_points"]
        read_only_fields = fields


class IndicatorSystemSerializer(serializers.ModelSerializer):
    """One year's indicator system: its indicators by task area and their maximum total (100)."""

    copied_from = serializers.IntegerField(
        source="copied_from.year",
        read_only=True,
        allow_null=True,
        label="复制自（年度）",
        help_text="从其他年度复制而来时为该年度，否则为 null",
    )
    indicators = IndicatorSerializer(many=True, read_only=True, label="指标")
    total = serializers.SerializerMethodField(label="满分合计")

    class Meta:
        model = IndicatorSystem
        fields = ["year", "name", "copied_from", "indicators", "total"]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(**POINTS))
    def get_total(self, system):
        total = sum((indicator.max_points for indicator in system.indicators.all()), start=0)
        return f"{total:.2f}"


# --- rounds ------------------------------------------------------------------------------------------------


class ThresholdsSerializer(serializers.Serializer):
    """The grade thresholds of the round: 优秀 ≥ excellent, 良好 ≥ good, 合格 ≥ pass (R7)."""

    excellent = points_field(source="excellent_threshold", label="优秀分数线")
    good = points_field(source="good_threshold", label="良好分数线")

    def get_fields(self):
        fields = super().get_fields()
        # "pass" is a Python keyword: it cannot be declared as a class attribute.
        fields["pass"] = points_field(source="pass_threshold", label="合格分数线")
        return fields


class AssessmentRoundSerializer(serializers.ModelSerializer):
    """One year's assessment: settings, state and the progress of its job.

    `unassessed` comes from the view (context["unassessed"]: year → count) for province roles only.
    """

    state = serializers.ChoiceField(choices=RoundState.choices, read_only=True, label="状态")
    state_label = LabelField(RoundState, source="state", label="状态名称")
    thresholds = ThresholdsSerializer(source="*", read_only=True, label="等次分数线")
    job_state = serializers.ChoiceField(choices=JobState.choices, read_only=True, label="计算任务状态")
    job_state_label = LabelField(JobState, source="job_state", label="计算任务状态名称")
    unassessed = serializers.SerializerMethodField(
        label="未评镇数",
        help_text="当年有认定但尚无任何得分的示范镇个数；仅省级角色可见，其他角色为 null",
    )

    class Meta:
        model = AssessmentRound
        fields = [
            "year",
            "state",
            "state_label",
            "thresholds",
            "top_count",
            "bottom_count",
            "job_state",
            "job_state_label",
            "job_progress",
            "job_message",
            "job_started_at",
            "job_finished_at",
            "published_at",
            "doc_prefix",
            "reopened_reason",
            "unassessed",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_unassessed(self, assessment_round):
        return self.context.get("unassessed", {}).get(assessment_round.year)


class AssessmentRoundStartedSerializer(AssessmentRoundSerializer):
    started = serializers.BooleanField(
        read_only=True,
        label="是否已提交",
        help_text="false：该年度的计算已在排队或进行中，本次没有重复提交",
    )

    class Meta(AssessmentRoundSerializer.Meta):
        fields = [*AssessmentRoundSerializer.Meta.fields, "started"]
        read_only_fields = fields


class PublishSerializer(serializers.Serializer):
    doc_prefix = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        label="发文字号前缀",
        help_text="如 吉示范镇办；通报文号为 前缀〔年〕序号号",
    )


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default="", label="重新开放原因"
    )


# --- scores ------------------------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "format": "decimal", "pattern": r"^\d{1,3}(?:\.\d{1,2})?$"})
class PointsInputField(serializers.Field):
    """Points as sent ("8.5", 8.5 or 8): checked by the service, whose refusals (outside 0 … the indicator's
    maximum, more than two decimals) are in Chinese."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int | float):
            raise serializers.ValidationError('应为得分，如 "8.5"。')
        if isinstance(data, str) and not data.strip():
            raise serializers.ValidationError("请填写得分。")
        return data

    def to_representation(self, value):
        return None if value is None else f"{value:.2f}"


class ScoreSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="round.year", read_only=True, label="年度")
    town = serializers.CharField(source="town_id", read_only=True, label="镇区划代码")
    town_name = serializers.CharField(source="town.name", read_only=True, label="镇名称")
    indicator = serializers.CharField(source="indicator.code", read_only=True, label="指标代码")
    indicator_name = serializers.CharField(source="indicator.name", read_only=True, label="指标名称")

    class Meta:
        model = Score
        fields = ["id", "year", "town", "town_name", "indicator", "indicator_name", "points"]
        read_only_fields = fields


class ScoreCreateSerializer(serializers.Serializer):
    town = serializers.CharField(
        max_length=12, label="镇区划代码", help_text="9 位乡级区划代码，如 220112102"
    )
    year = serializers.IntegerField(label="年度")
    indicator = serializers.CharField(
        max_length=16, label="指标代码", help_text="当年指标体系中的代码，如 T01"
    )
    points = PointsInputField(label="得分", help_text="0 至该指标满分，最多两位小数")


# --- rankings, notices, eliminations (R7–R9) --------------------------------------------------------------


class RankingSerializer(serializers.ModelSerializer):
    """A designated town's result for the year: composite score, rank within its tier, grade (R7, R8)."""

    town_code = serializers.CharField(source="town_id", read_only=True, label="镇区划代码")
    town_name = serializers.CharField(source="town.name", read_only=True, label="镇名称")
    county = serializers.CharField(source="town.county_id", read_only=True, label="县（市、区）代码")
    county_name = serializers.CharField(source="town.county.name", read_only=True, label="县（市、区）名称")
    city = serializers.CharField(source="town.city_id", read_only=True, label="市（州）代码")
    city_name = serializers.CharField(source="town.city.name", read_only=True, label="市（州）名称")
    year = serializers.IntegerField(source="round.year", read_only=True, label="年度")
    tier = serializers.ChoiceField(choices=Tier.choices, read_only=True, label="层级")
    tier_label = LabelField(Tier, source="tier", label="层级名称")
    score = points_field(allow_null=True, label="综合得分", help_text="未评（没有得分）时为 null")
    rank = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        label="层级内排名",
        help_text="全省同层级竞争排名（1, 2, 2, 4），一票否决的镇排在所有未否决的镇之后；未评时为 null",
    )
    grade = BlankAsNullChoiceField(choices=GRADE_CHOICES, label="等次", help_text="未评时为 null")
    grade_label = LabelField(GRADE_CHOICES, source="grade", label="等次名称")
    status = DocumentedChoiceField(ResultStatus, label="状态")

    class Meta:
        model = Result
        fields = [
            "town_code",
            "town_name",
            "county",
            "county_name",
            "city",
            "city_name",
            "year",
            "tier",
            "tier_label",
            "score",
            "rank",
            "grade",
            "grade_label",
            "vetoed",
            "assessed",
            "status",
        ]
        read_only_fields = fields


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class TownCodesField(serializers.Field):
    """The town codes of a notice, in rank order (from the prefetched results)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, results):
        return [result.town_id for result in results.all()]


class NoticeSerializer(serializers.ModelSerializer):
    """A notice (通报) of praise or criticism; doc_no and date are null until published (R8)."""

    kind = DocumentedChoiceField(NoticeKind, label="类别")
    kind_label = LabelField(NoticeKind, source="kind", label="类别名称")
    year = serializers.IntegerField(source="round.year", read_only=True, label="年度")
    status = DocumentedChoiceField(ResultStatus, label="状态")
    towns = TownCodesField(source="results", label="镇区划代码", help_text="通报的镇，按排名先后")

    class Meta:
        model = Notice
        fields = ["id", "doc_no", "kind", "kind_label", "year", "date", "status", "towns"]
        read_only_fields = fields
        extra_kwargs = {"doc_no": {"help_text": "发布前为 null"}, "date": {"help_text": "发布前为 null"}}


class NoticeEntrySerializer(serializers.ModelSerializer):
    """One town of a notice with its score and rank."""

    town_code = serializers.CharField(source="town_id", read_only=True, label="镇区划代码")
    town_name = serializers.CharField(source="town.name", read_only=True, label="镇名称")
    city = serializers.CharField(source="town.city_id", read_only=True, label="市（州）代码")
    tier = serializers.ChoiceField(choices=Tier.choices, read_only=True, label="层级")
    score = points_field(allow_null=True, label="综合得分")
    rank = serializers.IntegerField(read_only=True, allow_null=True, label="层级内排名")
    grade = BlankAsNullChoiceField(choices=GRADE_CHOICES, label="等次")
    grade_label = LabelField(GRADE_CHOICES, source="grade", label="等次名称")

    class Meta:
        model = Result
        fields = ["town_code", "town_name", "city", "tier", "score", "rank", "grade", "grade_label", "vetoed"]
        read_only_fields = fields


class NoticeDetailSerializer(NoticeSerializer):
    entries = NoticeEntrySerializer(source="results", many=True, read_only=True, label="通报名单")

    class Meta(NoticeSerializer.Meta):
        fields = [*NoticeSerializer.Meta.fields, "entries"]
        read_only_fields = fields


class EliminationSerializer(serializers.ModelSerializer):
    """A provincial town eliminated after two years in the bottom N, and its substitute (R9)."""

    year = serializers.IntegerField(source="round.year", read_only=True, label="年度")
    town_code = serializers.CharField(source="town_id", read_only=True, label="淘汰的镇区划代码")
    town_name = serializers.CharField(source="town.name", read_only=True, label="淘汰的镇名称")
    city = serializers.CharField(source="town.city_id", read_only=True, label="市（州）代码")
    city_name = serializers.CharField(source="town.city.name", read_only=True, label="市（州）名称")
    substitute_code = serializers.CharField(
        source="substitute_id",
        read_only=True,
        allow_null=True,
        label="递补的镇区划代码",
        help_text="没有符合条件（考核优秀的市级、县级示范镇）的镇可递补时为 null",
    )
    substitute_name = serializers.CharField(
        source="substitute.name", read_only=True, allow_null=True, label="递补的镇名称"
    )
    substitute_city = serializers.CharField(
        source="substitute.city_id", read_only=True, allow_null=True, label="递补的镇所在市（州）代码"
    )
    substitute_tier = DocumentedBlankAsNullChoiceField(
        choices=Tier.choices,
        label="递补的镇原层级",
        help_text="city（市级）或 county（县级）；没有递补的镇时为 null",
    )
    substitute_score = points_field(allow_null=True, label="递补的镇综合得分")
    status = DocumentedChoiceField(ResultStatus, label="状态")

    class Meta:
        model = Elimination
        fields = [
            "year",
            "town_code",
            "town_name",
            "city",
            "city_name",
            "substitute_code",
            "substitute_name",
            "substitute_city",
            "substitute_tier",
            "substitute_score",
            "same_city",
            "status",
        ]
        read_only_fields = fields
