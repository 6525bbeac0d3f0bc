"""Serializers of API v1 for task areas (R4), projects (R5) and their progress reports.

Writes go through projects.services: the serializers here only shape the body and describe it in the
OpenAPI schema. Money is passed on as sent (MoneyField), so that the service's Chinese reasons about
amounts (negative, more than two decimals, wrong unit …) are what the client reads.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import LabelField

from ..choices import BondType, PeriodType, ProjectStatus
from ..models import ProgressReport, Project, TaskArea

MONEY_SCHEMA = {
    "type": "string",
    "format": "decimal",
    "pattern": r"^\d{1,8}(?:\.\d{1,2})?$",
    "example": "1200.00",
}


@extend_schema_field(MONEY_SCHEMA)
class MoneyField(serializers.Field):
    """A sum in 万元 as sent ("1200.00", 1200 or 1200.5): checked and rounded by the service, whose
    refusals (negative, more than two decimals, over 10,000,000 万元) are in Chinese."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int | float):
            raise serializers.ValidationError('应为金额（万元），如 "1200.00"。')
        return data

    def to_representation(self, value):
        return None if value is None else f"{value:.2f}"


PROJECT_STATUS_HELP = "planned（储备）、approved（已批复）、under_construction（在建）、completed（已完工）或 cancelled（已终止）"


# Submissions have a "status" too (selection.choices.SubmissionStatus): SPECTACULAR_SETTINGS
# ["ENUM_NAME_OVERRIDES"] names this one ProjectStatusEnum; the help text spells out each value's label.
class ProjectStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", PROJECT_STATUS_HELP)
        super().__init__(choices=ProjectStatus.choices, **kwargs)


class TaskAreaSerializer(serializers.ModelSerializer):
    """One of the 15 task areas in 5 groups (R4)."""

    class Meta:
        model = TaskArea
        fields = ["code", "name", "group", "group_name"]
        read_only_fields = fields


class ProjectSerializer(serializers.ModelSerializer):
    """A project as read (from projects.selectors.visible_projects(), i.e. with_flags())."""

    town = serializers.CharField(source="town_id", read_only=True, label="镇区划代码")
    town_name = serializers.CharField(source="town.name", read_only=True, label="镇名称")
    county = serializers.CharField(source="town.county_id", read_only=True, label="县（市、区）代码")
    county_name = serializers.CharField(source="town.county.name", read_only=True, label="县（市、区）名称")
    city = serializers.CharField(source="town.city_id", read_only=True, label="市（州）代码")
    city_name = serializers.CharField(source="town.city.name", read_only=True, label="市（州）名称")
    task_area = serializers.CharField(
        source="task_area_id", read_only=True, label="任务领域代码", help_text="T01–T15"
    )
    task_area_name = serializers.CharField(source="task_area.name", read_only=True, label="任务领域名称")
    status = ProjectStatusField(read_only=True, label="状态")
    status_label = LabelField(ProjectStatus, source="status", label="状态名称")
    key_provincial_support = serializers.BooleanField(
        source="key_support",
        read_only=True,
        label="省级重点支持",
        help_text="系统计算（R5）：镇为有效的省级示范镇、公益性项目、总投资超过 500 万元（恰为 500.00 不算）",
    )
    recommended_bond_type = serializers.ChoiceField(
        choices=BondType.choices,
        source="bond_type",
        read_only=True,
        label="推荐债券类型",
        help_text="系统计算（R5）：公益性且无收益 → general；公益性、属专项债券投向领域且年收益覆盖年还本付息"
        " → special；否则 none",
    )
    recommended_bond_type_label = LabelField(BondType, source="bond_type", label="推荐债券类型名称")

    class Meta:
        model = Project
        fields = [
            "id",
            "town",
            "town_name",
            "county",
            "county_name",
            "city",
            "city_name",
            "task_area",
            "task_area_name",
            "name",
            "public_welfare",
            "special_bond_field",
            "investment",
            "annual_revenue",
            "annual_debt_service",
            "start_year",
            "end_year",
            "status",
            "status_label",
            "planning_approval_date",
            "planning_approval_doc_no",
            "design_approval_date",
            "design_approval_doc_no",
            "key_provincial_support",
            "recommended_bond_type",
            "recommended_bond_type_label",
            "completed_investment",
            "percent_complete",
            "last_reported_period",
            "completion_note",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "completion_note": {
                "help_text": "最近一期进度报送未达 100% 即转为已完工时填写的说明（POST …/status/ 的 completion_note）"
            },
            "version": {
                "help_text": "每次修改项目信息或变更状态加 1；在 PATCH 或状态变更的请求中带上读到的 version，"
                "项目在此期间已被他人修改时返回 409，不作修改"
            },
            "completed_investment": {"help_text": "最近一期进度报送的累计完成投资"},
            "percent_complete": {"help_text": "最近一期进度报送的形象进度"},
            "last_reported_period": {
                "help_text": "最近报送的周期：月度如 2026-05，季度如 2026-Q2；未报送为空"
            },
        }


# What a client reads but never writes: computed by the system (R5), moved by the status action, or
# following from the progress reports. Sent in a body, they are refused (never silently dropped).
NOT_WRITABLE = (
    "key_provincial_support",
    "recommended_bond_type",
    "recommended_bond_type_label",
    "status",
    "status_label",
    "completed_investment",
    "percent_complete",
    "last_reported_period",
    "completion_note",
)


class ProjectUpdateSerializer(serializers.Serializer):
    """The declared fields of a project (R5); PATCH sends only what changes."""

    task_area = serializers.CharField(max_length=8, label="任务领域代码", help_text="T01–T15，如 T03")
    name = serializers.CharField(max_length=200, label="项目名称")
    public_welfare = serializers.BooleanField(required=False, label="公益性项目")
    special_bond_field = serializers.BooleanField(
        required=False, label="属于专项债券投向领域", help_text="由县（市、区）申报"
    )
    investment = MoneyField(label="总投资（万元）")
    annual_revenue = MoneyField(required=False, label="预期年收益（万元）", help_text="省略时为 0")
    annual_debt_service = MoneyField(required=False, label="年还本付息（万元）", help_text="省略时为 0")
    start_year = serializers.IntegerField(label="开工年度")
    end_year = serializers.IntegerField(label="完工年度")
    planning_approval_date = serializers.DateField(required=False, allow_null=True, label="规划批复日期")
    planning_approval_doc_no = serializers.CharField(
        required=False, allow_blank=True, max_length=100, label="规划批复文号"
    )
    design_approval_date = serializers.DateField(required=False, allow_null=True, label="设计批复日期")
    design_approval_doc_no = serializers.CharField(
        required=False, allow_blank=True, max_length=100, label="设计批复文号"
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        label="版本",
        help_text="可选：读到的项目 version。项目在此期间已被他人修改（version 已变）时返回 409 并说明，"
        "不作修改；省略时只修改所提交的字段，作用于最新的项目。",
    )


class ProjectCreateSerializer(ProjectUpdateSerializer):
    town = serializers.CharField(
        max_length=12, label="镇区划代码", help_text="本县（市、区）示范镇的 9 位乡级区划代码，如 220112100"
    )

    def get_fields(self):
        fields = super().get_fields()
        fields.pop("version")  # a new project has no version to compare with
        return {"town": fields.pop("town"), **fields}


VERSION_HELP = (
    "可选：读到的项目 version。项目在此期间已被他人修改（version 已变）时返回 409 并说明，不作修改；"
    "省略时修改直接作用于最新的项目。"
)


class ProjectStatusChangeSerializer(serializers.Serializer):
    status = ProjectStatusField(label="新状态")
    completion_note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=500,
        label="完工说明",
        help_text="转为已完工（completed）而最近一期进度报送的形象进度未达 100%（或尚未报送）时必填，记入项目",
    )
    version = serializers.IntegerField(required=False, min_value=1, label="版本", help_text=VERSION_HELP)


class ProgressReportSerializer(serializers.ModelSerializer):
    """One progress report (月/季 调度): cumulative figures as of the end of the period."""

    project = serializers.IntegerField(source="project_id", read_only=True, label="项目 ID")
    project_name = serializers.CharField(source="project.name", read_only=True, label="项目名称")
    town = serializers.CharField(source="project.town_id", read_only=True, label="镇区划代码")
    town_name = serializers.CharField(source="project.town.name", read_only=True, label="镇名称")
    county = serializers.CharField(source="project.town.county_id", read_only=True, label="县（市、区）代码")
    city = serializers.CharField(source="project.town.city_id", read_only=True, label="市（州）代码")
    period_type_label = LabelField(PeriodType, source="period_type", label="报送周期名称")
    period_label = serializers.CharField(
        read_only=True, label="周期", help_text="如 2026年5月、2026年第2季度"
    )

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "project",
            "project_name",
            "town",
            "town_name",
            "county",
            "city",
            "period_type",
            "period_type_label",
            "year",
            "number",
            "period_label",
            "period_end",
            "cumulative_investment",
            "percent_complete",
            "narrative",
            "created_at",
        ]
        read_only_fields = fields


class ProgressReportCreateSerializer(serializers.Serializer):
    project = serializers.IntegerField(label="项目 ID")
    period_type = serializers.ChoiceField(choices=PeriodType.choices, label="报送周期")
    year = serializers.IntegerField(label="年度")
    number = serializers.IntegerField(label="月份或季度", help_text="月度 1–12，季度 1–4")
    cumulative_investment = MoneyField(label="累计完成投资（万元）", help_text="截至本期末，不少于上一期")
    percent_complete = MoneyField(label="形象进度（%）", help_text="0–100，最多两位小数，不低于上一期")
    narrative = serializers.CharField(required=False, allow_blank=True, default="", label="进展情况")
