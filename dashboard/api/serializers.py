"""Serializers of the top floor's API: the to-do list, a town's summary (the town page as JSON), the global
search, and the dashboard (GET /api/v1/dashboard/: the same figures, table rows and chart numbers as the page).

The rows are the apps' own, shaped by the apps' own serializers where one fits (a project as
/api/v1/projects/ gives it, a result as /api/v1/rankings/ does …)."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessment.api.serializers import (
    NoticeSerializer,
    RankingSerializer,
    TalkSerializer,
    VetoSerializer,
    points_field,
)
from core.api.fields import LabelField
from projects.api.serializers import ProjectSerializer
from projects.choices import FundingSource
from selection.api.serializers import SubmissionEventSerializer
from selection.choices import SubmissionStatus
from selection.models import Submission
from towns.api.serializers import DesignationHistorySerializer, TownSerializer
from towns.choices import Tier

from ..choices import SearchKind, TodoKind
from ..search import MAX_LENGTH, MAX_LIMIT
from ..selectors import Dashboard
from ..town_summary import notice_url

MONEY = {"max_digits": 14, "decimal_places": 2}


class TownSubmissionSerializer(serializers.ModelSerializer):
    """One candidate submission of the town (R3) with its workflow steps as the caller is shown them."""

    round = serializers.IntegerField(source="round_id", read_only=True, label="评选批次 ID")
    round_name = serializers.CharField(source="round.name", read_only=True, label="评选批次名称")
    deadline = serializers.DateField(source="round.deadline", read_only=True, label="申报截止日期")
    tier = serializers.ChoiceField(choices=Tier.choices, read_only=True, label="申报层级")
    tier_label = LabelField(Tier, source="tier", label="申报层级名称")
    status = serializers.ChoiceField(choices=SubmissionStatus.choices, read_only=True, label="状态")
    status_label = LabelField(SubmissionStatus, source="status", label="状态名称")
    designation = serializers.IntegerField(
        source="designation_id", read_only=True, allow_null=True, label="入选后的认定 ID"
    )
    events = SubmissionEventSerializer(
        source="shown_events",
        many=True,
        read_only=True,
        label="流转记录",
        help_text="按时间先后（最早的在前）；被拒绝的尝试只对能查看审计日志的角色列出",
    )

    class Meta:
        model = Submission
        fields = [
            "id",
            "round",
            "round_name",
            "deadline",
            "tier",
            "tier_label",
            "status",
            "status_label",
            "decision_doc_no",
            "designation",
            "events",
        ]
        read_only_fields = fields


class FundingLineSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=FundingSource.choices, label="资金来源")
    source_label = serializers.CharField(source="label", label="资金来源名称")
    amount = serializers.DecimalField(**MONEY, label="金额（万元）")
    count = serializers.IntegerField(label="安排笔数")
    share = serializers.DecimalField(max_digits=4, decimal_places=1, label="占比（%）")


class TownNoticeSerializer(NoticeSerializer):
    """A notice (通报) that lists the town, with the town's score and rank as the notice lists them (R8)."""

    towns = None
    score = points_field(source="town_score", allow_null=True, label="该镇综合得分")
    rank = serializers.IntegerField(
        source="town_rank", read_only=True, allow_null=True, label="该镇层级内排名"
    )
    url = serializers.SerializerMethodField(label="通报页面")

    class Meta(NoticeSerializer.Meta):
        fields = [
            "id",
            "doc_no",
            "kind",
            "kind_label",
            "year",
            "date",
            "status",
            "superseded_by",
            "score",
            "rank",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, notice) -> str:
        return notice_url(notice)


class TownTotalsSerializer(serializers.Serializer):
    projects = serializers.IntegerField(label="项目数")
    investment = serializers.DecimalField(**MONEY, label="总投资（万元）")
    completed_investment = serializers.DecimalField(**MONEY, label="累计完成投资（万元）")
    allocated = serializers.DecimalField(**MONEY, label="已安排资金（万元）")


class TownSummarySerializer(serializers.Serializer):
    """Everything of one town the caller's scope allows: the town page's sections, in the same order."""

    town = TownSerializer(read_only=True, label="乡镇")
    designations = DesignationHistorySerializer(many=True, read_only=True, label="认定历史（最近的在前）")
    submissions = TownSubmissionSerializer(many=True, read_only=True, label="候选镇申报（最近的批次在前）")
    projects = ProjectSerializer(many=True, read_only=True, label="建设项目（按任务领域）")
    totals = serializers.SerializerMethodField(label="项目与资金合计")
    funding = FundingLineSerializer(many=True, read_only=True, label="资金安排（按来源）")
    results = RankingSerializer(
        many=True,
        read_only=True,
        label="年度评价结果（按年度，最早的在前）",
        help_text="每年一条：省级角色在结果待发布时看到待发布的结果，其他情况为已发布的结果",
    )
    vetoes = VetoSerializer(many=True, read_only=True, label="一票否决")
    notices = TownNoticeSerializer(many=True, read_only=True, label="列入该镇的通报（最近的在前）")
    talks = TalkSerializer(many=True, read_only=True, label="约谈")

    @extend_schema_field(TownTotalsSerializer)
    def get_totals(self, summary) -> dict:
        return TownTotalsSerializer(
            {
                "projects": len(summary.projects),
                "investment": summary.investment,
                "completed_investment": summary.completed_investment,
                "allocated": summary.funding_total,
            }
        ).data


# --- search ---------------------------------------------------------------------------------------------


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        label="查找内容",
        help_text=(
            f"名称（包含即可）、区划代码的开头几位、拼音首字母（如 cc 找到长春市）或通报文号；1 至 {MAX_LENGTH} 个字，"
            "为空时返回 400"
        ),
    )
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_LIMIT, label="每类最多条数", help_text="默认 8"
    )


class SearchHitSerializer(serializers.Serializer):
    title = serializers.CharField(label="名称")
    detail = serializers.CharField(label="说明")
    url = serializers.CharField(label="页面")


class SearchGroupSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SearchKind.choices, label="类别")
    label = serializers.CharField(label="类别名称")
    results = SearchHitSerializer(source="hits", many=True, label="结果")
    more = serializers.BooleanField(
        label="是否还有更多", help_text="超过 limit 条时为 true，可到 /search/?q= 查看"
    )


class SearchResultSerializer(serializers.Serializer):
    q = serializers.CharField(label="查找内容")
    groups = SearchGroupSerializer(many=True, label="结果（按类别）")


# --- the to-do list ----------------------------------------------------------------------------------------


class TodoItemSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=TodoKind.choices,
        read_only=True,
        label="类别",
        help_text="、".join(f"{value}（{label}）" for value, label in TodoKind.choices),
    )
    kind_label = serializers.CharField(read_only=True, label="类别名称")
    title = serializers.CharField(read_only=True, label="事项")
    detail = serializers.CharField(read_only=True, label="说明")
    link = serializers.CharField(read_only=True, label="办理页面（站内路径）")
    due = serializers.DateField(read_only=True, allow_null=True, label="期限")
    overdue = serializers.BooleanField(read_only=True, label="已逾期")
    mark = serializers.CharField(read_only=True, label="标记（已退回、已逾期）")
    ref = serializers.CharField(
        read_only=True,
        label="所指对象",
        help_text="如 submission:12、project:3、talk:5、town:220112100、round:2024",
    )


class TodoListSerializer(serializers.Serializer):
    count = serializers.IntegerField(read_only=True, label="事项数")
    results = TodoItemSerializer(many=True, read_only=True)


# --- the dashboard (GET /api/v1/dashboard/) ------------------------------------------------------------

OPTIONAL_TEXT = serializers.CharField(allow_null=True)


@extend_schema_field({"type": "number", "nullable": True})
class NumberField(serializers.Field):
    """A JSON number: an integer for a count, a decimal number for money (万元), points and percentages; null
    for no value (e.g. a region without any project due to report)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value: int | Decimal | float | None) -> int | float | None:
        if value is None or isinstance(value, int):
            return value
        return float(value)


class DashboardSeriesSerializer(serializers.Serializer):
    name = serializers.CharField(label="系列")
    values = serializers.ListField(child=NumberField(allow_null=True), label="数值（与 categories 一一对应）")
    stack = serializers.CharField(label="堆叠组（同名堆叠）")
    kind = serializers.CharField(label="画法（line：目标线）")


class DashboardChartSerializer(serializers.Serializer):
    key = serializers.CharField(label="图表代码")
    title = serializers.CharField(label="标题")
    kind = serializers.CharField(label="图表类型：bar、hbar、line、pie、funnel、map")
    unit = serializers.CharField(label="单位")
    places = serializers.IntegerField(label="小数位数")
    category_header = serializers.CharField(label="类别名称")
    categories = serializers.ListField(child=serializers.CharField(), label="类别")
    series = DashboardSeriesSerializer(many=True, label="数据系列")
    links = serializers.ListField(child=serializers.CharField(), label="各类别的链接（页面地址）")
    note = serializers.CharField(label="说明")


class DashboardFigureSerializer(serializers.Serializer):
    key = serializers.CharField(label="指标代码")
    label = serializers.CharField(label="指标")
    value = NumberField(allow_null=True, label="数值")
    unit = serializers.CharField(label="单位")


class DashboardRowSerializer(serializers.Serializer):
    code = serializers.CharField(label="区划代码")
    name = serializers.CharField(label="名称")
    tier = serializers.CharField(label="镇的有效认定层级（provincial/city/county；市县行及未认定为空）")
    provincial = serializers.IntegerField(label="省级示范镇")
    city = serializers.IntegerField(label="市级示范镇")
    county = serializers.IntegerField(label="县级示范镇")
    designations = serializers.IntegerField(label="示范镇合计")
    required = serializers.IntegerField(label="最低名额（R1）")
    gap = serializers.IntegerField(allow_null=True, label="名额缺口（镇行、无建制镇的县为 null）")
    projects = serializers.IntegerField(label="建设项目")
    investment = serializers.DecimalField(max_digits=14, decimal_places=2, label="项目总投资（万元）")
    due = serializers.IntegerField(label="本期应报送进度的项目")
    reported = serializers.IntegerField(label="本期已报送进度的项目")
    rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True, label="本期报送率（%）")
    score = serializers.DecimalField(
        max_digits=6, decimal_places=2, allow_null=True, label="综合得分（市县为平均分，score_year 年）"
    )


class DashboardSerializer(serializers.Serializer):
    level = serializers.CharField(label="看板层级：province、city、county；无查看范围时为空")
    title = serializers.CharField(label="地区")
    region_code = serializers.CharField(label="区划代码")
    parent_code = serializers.CharField(label="上级区划代码（县级看板）")
    period = serializers.SerializerMethodField(label="进度报送的本期（如 2026-03）")
    period_label = serializers.SerializerMethodField(label="本期名称（如 2026年3月）")
    score_year = serializers.IntegerField(allow_null=True, label="得分所属年度（最近已发布的年度评价）")
    measure = serializers.SerializerMethodField(label="地图指标（仅省级看板）")
    figures = DashboardFigureSerializer(many=True, label="主要指标")
    rows = DashboardRowSerializer(many=True, label="分地区（或分镇）情况")
    charts = DashboardChartSerializer(many=True, label="图表（与页面图表及其数据表、Excel 导出的数字相同）")

    @extend_schema_field(OPTIONAL_TEXT)
    def get_period(self, dashboard: Dashboard) -> str | None:
        return dashboard.period.key if dashboard.period else None

    @extend_schema_field(OPTIONAL_TEXT)
    def get_period_label(self, dashboard: Dashboard) -> str | None:
        return dashboard.period.label if dashboard.period else None

    @extend_schema_field(OPTIONAL_TEXT)
    def get_measure(self, dashboard: Dashboard) -> str | None:
        return dashboard.measure.key if dashboard.measure else None
