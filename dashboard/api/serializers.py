"""The dashboard as JSON (GET /api/v1/dashboard/): the same figures, table rows and chart numbers as the page."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dashboard.selectors import Dashboard

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


class SeriesSerializer(serializers.Serializer):
    name = serializers.CharField(label="系列")
    values = serializers.ListField(child=NumberField(allow_null=True), label="数值（与 categories 一一对应）")
    stack = serializers.CharField(label="堆叠组（同名堆叠）")
    kind = serializers.CharField(label="画法（line：目标线）")


class ChartSerializer(serializers.Serializer):
    key = serializers.CharField(label="图表代码")
    title = serializers.CharField(label="标题")
    kind = serializers.CharField(label="图表类型：bar、hbar、line、pie、funnel、map")
    unit = serializers.CharField(label="单位")
    places = serializers.IntegerField(label="小数位数")
    category_header = serializers.CharField(label="类别名称")
    categories = serializers.ListField(child=serializers.CharField(), label="类别")
    series = SeriesSerializer(many=True, label="数据系列")
    links = serializers.ListField(child=serializers.CharField(), label="各类别的链接（页面地址）")
    note = serializers.CharField(label="说明")


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField(label="指标代码")
    label = serializers.CharField(label="指标")
    value = NumberField(allow_null=True, label="数值")
    unit = serializers.CharField(label="单位")


class RowSerializer(serializers.Serializer):
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
    figures = FigureSerializer(many=True, label="主要指标")
    rows = RowSerializer(many=True, label="分地区（或分镇）情况")
    charts = ChartSerializer(many=True, label="图表（与页面图表及其数据表、Excel 导出的数字相同）")

    @extend_schema_field(OPTIONAL_TEXT)
    def get_period(self, dashboard: Dashboard) -> str | None:
        return dashboard.period.key if dashboard.period else None

    @extend_schema_field(OPTIONAL_TEXT)
    def get_period_label(self, dashboard: Dashboard) -> str | None:
        return dashboard.period.label if dashboard.period else None

    @extend_schema_field(OPTIONAL_TEXT)
    def get_measure(self, dashboard: Dashboard) -> str | None:
        return dashboard.measure.key if dashboard.measure else None
