"""Serializers of API v1 for the annual assessment (R7–R9).

Reads only shape rows the selectors chose (proposed results reach province roles alone); writes go through
assessment.services, whose Chinese refusals are what the client reads.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import BlankAsNullChoiceField, LabelField
from core.api.jobs import JobSerializer
from towns.choices import Tier

from .. import rules
from ..choices import Grade
from ..models import (
    POINTS,
    AssessmentRound,
    Elimination,
    Exemption,
    Indicator,
    IndicatorSystem,
    JobState,
    Notice,
    NoticeKind,
    Publication,
    Result,
    ResultStatus,
    RoundState,
    Score,
    TalkFollowUp,
    TalkStatus,
    Veto,
)


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
    job_state = serializers.SerializerMethodField(
        label="计算任务状态",
        help_text="idle、queued、running、done、failed；排队或计算中的任务超过租约没有心跳（进程被终止、断开连接）时为 failed",
    )
    job_state_label = serializers.SerializerMethodField(label="计算任务状态名称")
    # Read from the round's current run (a tracked job, GET /api/v1/jobs/{id}/); idle: 0 and null.
    job_progress = serializers.IntegerField(read_only=True, label="进度（%）")
    job_message = serializers.SerializerMethodField(label="任务说明", help_text="失败时为失败原因")
    job_started_at = serializers.DateTimeField(read_only=True, allow_null=True, label="开始时间")
    job_finished_at = serializers.DateTimeField(read_only=True, allow_null=True, label="结束时间")
    unassessed = serializers.SerializerMethodField(
        label="未评镇数",
        help_text="当年有认定但尚无任何得分的示范镇个数；仅省级角色可见，其他角色为 null",
    )
    exists = serializers.SerializerMethodField(
        label="是否已建立", help_text="false：该年度尚无任何写入（设置、得分、导入、计算），显示的是默认设置"
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
            "version",
            "job_state",
            "job_state_label",
            "job_progress",
            "job_message",
            "job_started_at",
            "job_finished_at",
            "published_at",
            "doc_prefix",
            "reopened_reason",
            "run_confirmed_incomplete",
            "run_confirmation",
            "unassessed",
            "exists",
        ]
        read_only_fields = fields

    def _job(self, assessment_round):
        from ..selectors import effective_job

        return effective_job(assessment_round)

    @extend_schema_field(serializers.ChoiceField(choices=JobState.choices))
    def get_job_state(self, assessment_round):
        return self._job(assessment_round)[0]

    @extend_schema_field(OpenApiTypes.STR)
    def get_job_state_label(self, assessment_round):
        return JobState(self._job(assessment_round)[0]).label

    @extend_schema_field(OpenApiTypes.STR)
    def get_job_message(self, assessment_round):
        return self._job(assessment_round)[1]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_unassessed(self, assessment_round):
        return self.context.get("unassessed", {}).get(assessment_round.year)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_exists(self, assessment_round):
        return assessment_round.pk is not None


class TownToScoreSerializer(serializers.Serializer):
    """A designated town whose scoring is not complete (评分不完整) or has not started (未评)."""

    town_code = serializers.CharField(source="town.code", read_only=True, label="镇区划代码")
    town_name = serializers.CharField(source="town.name", read_only=True, label="镇名称")
    county = serializers.CharField(source="town.county_id", read_only=True, label="县（市、区）代码")
    county_name = serializers.CharField(source="town.county.name", read_only=True, label="县（市、区）名称")
    city = serializers.CharField(source="town.city_id", read_only=True, label="市（州）代码")
    tier = serializers.ChoiceField(choices=Tier.choices, read_only=True, label="层级")
    scored = serializers.IntegerField(read_only=True, label="已评指标数")
    missing = serializers.ListField(child=serializers.CharField(), read_only=True, label="未评指标代码")


class PublicationSerializer(serializers.ModelSerializer):
    published_by = serializers.CharField(
        source="published_by.username", read_only=True, allow_null=True, label="发布人"
    )
    is_correction = serializers.BooleanField(read_only=True, label="是否为更正发布")
    notices = serializers.SerializerMethodField(label="本次发布的通报文号")

    class Meta:
        model = Publication
        fields = [
            "number",
            "is_correction",
            "published_at",
            "published_by",
            "doc_prefix",
            "notices",
            "correction_doc_no",
            "reason",
            "summary",
            "issuer",
            "signed_on",
            "recipients",
            "copied_to",
            "printer",
            "printed_on",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_notices(self, publication):
        return [notice.doc_no for notice in publication.notices.all()]


class AssessmentRoundDetailSerializer(AssessmentRoundSerializer):
    """The round with the towns still to score and its publications (issue 8, points 2 and 7)."""

    incomplete_towns = serializers.SerializerMethodField(
        label="评分不完整的镇",
        help_text="当年有认定、部分指标已评分的镇（限用户权限范围）；仅省级角色和市（州）工作人员可见，其他为 null",
    )
    unassessed_towns = serializers.SerializerMethodField(
        label="未评分的镇",
        help_text="当年有认定、尚无任何得分且未登记免评的镇（限用户权限范围）；可见范围同 incomplete_towns",
    )
    publications = PublicationSerializer(many=True, read_only=True, label="发布记录")

    class Meta(AssessmentRoundSerializer.Meta):
        fields = [
            *AssessmentRoundSerializer.Meta.fields,
            "incomplete_towns",
            "unassessed_towns",
            "publications",
        ]
        read_only_fields = fields

    @extend_schema_field(TownToScoreSerializer(many=True, allow_null=True))
    def get_incomplete_towns(self, assessment_round):
        gaps = self.context.get("gaps")
        return None if gaps is None else TownToScoreSerializer(gaps[0], many=True).data

    @extend_schema_field(TownToScoreSerializer(many=True, allow_null=True))
    def get_unassessed_towns(self, assessment_round):
        gaps = self.context.get("gaps")
        return None if gaps is None else TownToScoreSerializer(gaps[1], many=True).data

    def to_representation(self, instance):
        data = super().to_representation(instance) if instance.pk else self._unsaved(instance)
        return data

    def _unsaved(self, instance):
        data = AssessmentRoundSerializer(instance, context=self.context).data
        data["incomplete_towns"] = self.get_incomplete_towns(instance)
        data["unassessed_towns"] = self.get_unassessed_towns(instance)
        data["publications"] = []
        return data


class RoundSettingsSerializer(serializers.Serializer):
    """PATCH of a round's settings (R7, R8): any of them; province_admin, before scoring (or while a
    published year is reopened for correction)."""

    excellent_threshold = serializers.DecimalField(required=False, label="优秀分数线", **POINTS)
    good_threshold = serializers.DecimalField(required=False, label="良好分数线", **POINTS)
    pass_threshold = serializers.DecimalField(required=False, label="合格分数线", **POINTS)
    top_count = serializers.IntegerField(
        required=False, min_value=1, max_value=1000, label="表扬名额（前 N 名）"
    )
    bottom_count = serializers.IntegerField(
        required=False, min_value=1, max_value=1000, label="批评名额（后 N 名）"
    )


class RunSerializer(serializers.Serializer):
    confirm_incomplete = serializers.BooleanField(
        required=False,
        default=False,
        label="确认在评分不完整时计算",
        help_text="有评分不完整或未评分的镇时须为 true（仅省级管理员），确认记录在本次计算和受影响的结果上",
    )


class AssessmentRoundStartedSerializer(AssessmentRoundSerializer):
    started = serializers.BooleanField(
        read_only=True,
        label="是否已提交",
        help_text="false：该年度的计算已在排队或进行中，本次没有重复提交",
    )
    job = JobSerializer(
        read_only=True,
        label="计算任务",
        help_text="本年度当前的计算任务（与 GET /api/v1/jobs/{id}/ 相同），started=false 时为正在进行的那一个",
    )

    class Meta(AssessmentRoundSerializer.Meta):
        fields = [*AssessmentRoundSerializer.Meta.fields, "started", "job"]
        read_only_fields = fields


def _notice_text(name, help_text):
    """A publication parameter (rules.NoticeParameters); omitted, the default; checked by the service (a
    blank 发文机关 is refused there, in the words the page uses)."""
    return serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=True,
        label=rules.NOTICE_LABELS[name],
        help_text=help_text,
    )


def _notice_date(name, help_text):
    return serializers.DateField(
        required=False,
        allow_null=True,
        label=rules.NOTICE_LABELS[name],
        help_text=help_text,
        error_messages={
            "invalid": f"{rules.NOTICE_LABELS[name]}格式不正确，应为 YYYY-MM-DD，如 2025-01-20。"
        },
    )


class PublishSerializer(serializers.Serializer):
    """The prefix of the numbers and what the notices issued show (GB/T 9704-2012); each omitted field takes
    its default."""

    doc_prefix = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        label="发文字号前缀",
        help_text="如 吉示范镇办；通报文号为 前缀〔年〕序号号，年为成文日期的年份",
    )
    issuer = _notice_text(
        "issuer",
        f"红头（发文机关标志）与落款署名，至多 {rules.NOTICE_TEXT_LIMITS['issuer']} 字；默认 {rules.DEFAULT_ISSUER}",
    )
    signed_on = _notice_date("signed_on", "不晚于今天、不早于评价年度；默认今天")
    recipients = _notice_text("recipients", f"默认 {rules.DEFAULT_RECIPIENTS}")
    copied_to = _notice_text(
        "copied_to",
        f"多个机关以逗号分隔，空字符串表示不抄送；默认 {rules.DEFAULT_COPIED_TO}",
    )
    printer = _notice_text("printer", "版记的印发机关；默认与发文机关相同")
    printed_on = _notice_date("printed_on", "不早于成文日期、不晚于今天；默认与成文日期相同")

    def parameters(self):
        """The service's keyword arguments: the fields given (an omitted one takes its default)."""
        names = ("issuer", "signed_on", "recipients", "copied_to", "printer", "printed_on")
        return {name: self.validated_data[name] for name in names if name in self.validated_data}


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default="", label="重新开放原因"
    )


class SimulateSerializer(serializers.Serializer):
    """What-if of a year (issue 8, point 8): nothing is written."""

    settings = serializers.DictField(
        required=False,
        default=dict,
        label="设置",
        help_text="excellent_threshold、good_threshold、pass_threshold、top_count、bottom_count 中的任意几项",
    )
    vetoes = serializers.ListField(
        child=serializers.CharField(max_length=12),
        required=False,
        default=list,
        label="假设一票否决的镇区划代码",
    )
    scores = serializers.DictField(
        child=serializers.DictField(),
        required=False,
        default=dict,
        label="更正后的得分",
        help_text='{镇区划代码: {指标代码: 得分}}，如 {"220112102": {"T01": "9.5"}}',
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
    grade = BlankAsNullChoiceField(choices=Grade.choices, label="等次", help_text="未评时为 null")
    grade_label = LabelField(Grade, source="grade", label="等次名称")
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
            "incomplete",
            "exempt",
            "status",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "incomplete": {"help_text": "评分不完整（部分指标无得分），经省级管理员确认后参加计算"},
            "exempt": {"help_text": "免评（登记了原因和文号），不参加排名"},
        }


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
    superseded_by = serializers.CharField(
        source="superseded_by.doc_no",
        read_only=True,
        allow_null=True,
        label="被替代为",
        help_text="结果更正后重新发文时，替代本通报的新通报文号；本通报仍保留原文号（status=superseded）",
    )

    class Meta:
        model = Notice
        fields = ["id", "doc_no", "kind", "kind_label", "year", "date", "status", "towns", "superseded_by"]
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
    grade = BlankAsNullChoiceField(choices=Grade.choices, label="等次")
    grade_label = LabelField(Grade, source="grade", label="等次名称")

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
    substitute_disclosed = serializers.SerializerMethodField(
        label="是否显示递补的镇",
        help_text="递补的镇不在用户权限范围内时为 false，其代码、名称、所在市和得分为 null（页面同样不显示）",
    )
    status = DocumentedChoiceField(ResultStatus, label="状态")

    SUBSTITUTE_FIELDS = (
        "substitute_code",
        "substitute_name",
        "substitute_city",
        "substitute_tier",
        "substitute_score",
    )

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_substitute_disclosed(self, elimination):
        from ..selectors import substitute_disclosed

        request = self.context.get("request")
        return substitute_disclosed(getattr(request, "user", None), elimination)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not data["substitute_disclosed"]:
            for name in self.SUBSTITUTE_FIELDS:
                data[name] = None
        return data

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
            "substitute_disclosed",
            "same_city",
            "status",
        ]
        read_only_fields = fields


# --- vetoes, exemptions, talks ---------------------------------------------------------------------------


class VetoSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="round.year", read_only=True, label="年度")
    town = serializers.CharField(source="town_id", read_only=True, label="镇区划代码")
    town_name = serializers.CharField(source="town.name", read_only=True, label="镇名称")
    recorded_by = serializers.CharField(
        source="recorded_by.username", read_only=True, allow_null=True, label="登记人"
    )
    has_document = serializers.SerializerMethodField(label="是否上传证明文件")

    class Meta:
        model = Veto
        fields = [
            "id",
            "year",
            "town",
            "town_name",
            "reason",
            "doc_no",
            "has_document",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_has_document(self, veto):
        return bool(veto.document)


class VetoCreateSerializer(serializers.Serializer):
    town = serializers.CharField(max_length=12, label="镇区划代码")
    year = serializers.IntegerField(label="年度")
    reason = serializers.CharField(max_length=300, label="否决事项")
    doc_no = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", label="证明文件文号"
    )


class ExemptionSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="round.year", read_only=True, label="年度")
    town = serializers.CharField(source="town_id", read_only=True, label="镇区划代码")
    town_name = serializers.CharField(source="town.name", read_only=True, label="镇名称")
    recorded_by = serializers.CharField(
        source="recorded_by.username", read_only=True, allow_null=True, label="登记人"
    )

    class Meta:
        model = Exemption
        fields = ["id", "year", "town", "town_name", "reason", "doc_no", "recorded_by", "created_at"]
        read_only_fields = fields


class ExemptionCreateSerializer(serializers.Serializer):
    town = serializers.CharField(max_length=12, label="镇区划代码")
    year = serializers.IntegerField(label="年度")
    reason = serializers.CharField(max_length=300, label="免评原因")
    doc_no = serializers.CharField(max_length=100, label="文号")


class TalkSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="round.year", read_only=True, label="年度")
    town = serializers.CharField(source="town_id", read_only=True, label="镇区划代码")
    town_name = serializers.CharField(source="town.name", read_only=True, label="镇名称")
    city = serializers.CharField(source="town.city_id", read_only=True, label="市（州）代码")
    status = DocumentedChoiceField(TalkStatus, label="状态")
    status_label = LabelField(TalkStatus, source="status", label="状态名称")

    class Meta:
        model = TalkFollowUp
        fields = [
            "id",
            "year",
            "town",
            "town_name",
            "city",
            "status",
            "status_label",
            "due_on",
            "held_on",
            "note",
        ]
        read_only_fields = fields


class TalkHeldSerializer(serializers.Serializer):
    held_on = serializers.DateField(label="约谈日期")
    note = serializers.CharField(required=False, allow_blank=True, default="", label="约谈情况")


# --- publication preview and what-if (documentation of the plain answers built by the selectors) ---------


class TownRefSerializer(serializers.Serializer):
    town_code = serializers.CharField(label="镇区划代码")
    town_name = serializers.CharField(label="镇名称")


class NoticePreviewSerializer(serializers.Serializer):
    kind = serializers.CharField(label="类别", help_text="praise 或 criticism")
    kind_label = serializers.CharField(label="类别名称")
    reissue = serializers.BooleanField(
        label="是否重新发文", help_text="名单有变化时取新文号，原通报保留并标为已替代"
    )
    current_doc_no = serializers.CharField(allow_null=True, label="现行通报文号")
    towns_added = TownRefSerializer(many=True, label="新列入的镇")
    towns_removed = TownRefSerializer(many=True, label="不再列入的镇")


class DesignationChangeSerializer(serializers.Serializer):
    action = serializers.CharField(label="变更", help_text="restore、eliminate、revoke、promote")
    action_label = serializers.CharField(label="变更名称")
    town_code = serializers.CharField(label="镇区划代码")
    town_name = serializers.CharField(label="镇名称")
    description = serializers.CharField(label="说明")


class PublicationPreviewSerializer(serializers.Serializer):
    year = serializers.IntegerField(label="年度")
    number = serializers.IntegerField(label="第几次发布")
    first = serializers.BooleanField(label="是否首次发布")
    changes_nothing = serializers.BooleanField(
        label="是否没有任何变化", help_text="true：重新发布不改变认定、不重新发文"
    )
    new_documents = serializers.IntegerField(label="将取用的新文号数")
    notices = NoticePreviewSerializer(many=True, label="通报")
    designations = DesignationChangeSerializer(many=True, label="认定变更")
    talks_added = TownRefSerializer(many=True, label="新增约谈")
    talks_cancelled = TownRefSerializer(many=True, label="撤销约谈")
    unexempted = TownRefSerializer(many=True, label="未评且未免评的省级示范镇", help_text="不为空时不能发布")


class CityUnderMinimumSerializer(serializers.Serializer):
    city = serializers.CharField(label="市（州）代码")
    city_name = serializers.CharField(label="市（州）名称")
    count = serializers.IntegerField(label="变更后的省级示范镇数")


class OutcomeSerializer(serializers.Serializer):
    rankings = RankingSerializer(
        many=True, label="排名", help_text="与 rankings 接口的条目形状相同（只含参评的镇）"
    )
    notices = NoticeDetailSerializer(many=True, label="通报", help_text="与 notices 接口详情的形状相同")
    eliminations = EliminationSerializer(
        many=True, label="淘汰与递补", help_text="与 eliminations 接口的条目形状相同"
    )
    cities_under_minimum = CityUnderMinimumSerializer(many=True, label="省级示范镇不足 2 个的市（州）")


class ChangeSerializer(serializers.Serializer):
    kind = serializers.CharField(
        label="变化类别", help_text="rank、grade、praise、criticism、elimination、substitute、under_minimum"
    )
    kind_label = serializers.CharField(label="变化类别名称")
    code = serializers.CharField(label="镇或市（州）区划代码")
    name = serializers.CharField(label="名称")
    before = serializers.CharField(allow_null=True, label="草稿")
    after = serializers.CharField(allow_null=True, label="模拟")
    description = serializers.CharField(label="说明")


class SimulationSerializer(OutcomeSerializer):
    year = serializers.IntegerField(label="年度")
    settings = serializers.DictField(label="模拟采用的设置")
    draft = OutcomeSerializer(label="当前草稿", help_text="按现有得分、否决和设置计算的结果（status=draft）")
    changes = ChangeSerializer(many=True, label="变化")
