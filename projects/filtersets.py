"""One FilterSet per list, used by the page, the API and the export alike."""

import django_filters
from django.db.models import Q

from core.sorting import Sorts, by
from core.years import YEAR_MAX, YEAR_MIN
from towns.choices import Tier

from .choices import BondType, PeriodType, ProjectStatus
from .models import ProgressReport, Project, TaskArea


class ProjectFilterSet(django_filters.FilterSet):
    """Over Project.objects.with_flags() (town_tier, key_support, bond_type are annotations)."""

    city = django_filters.CharFilter(field_name="town__city_id", label="市（州）代码")
    county = django_filters.CharFilter(field_name="town__county_id", label="县（市、区）代码")
    town = django_filters.CharFilter(
        method="filter_town", label="镇区划代码", help_text="镇的区划代码，或镇的完整名称"
    )
    tier = django_filters.ChoiceFilter(
        choices=[*Tier.choices, ("none", "非示范镇")], method="filter_tier", label="镇的示范层级"
    )
    task_area = django_filters.ModelChoiceFilter(
        queryset=TaskArea.objects.all(), to_field_name="code", label="任务领域（T01–T15）"
    )
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices, label="状态")
    key_support = django_filters.BooleanFilter(field_name="key_support", label="省级重点支持")
    bond_type = django_filters.ChoiceFilter(
        choices=BondType.choices, field_name="bond_type", label="推荐债券类型"
    )
    year = django_filters.NumberFilter(
        method="filter_year", label="年度（建设期内）", min_value=YEAR_MIN, max_value=YEAR_MAX
    )
    search = django_filters.CharFilter(method="filter_search", label="关键词")

    class Meta:
        model = Project
        fields = [
            "city",
            "county",
            "town",
            "tier",
            "task_area",
            "status",
            "key_support",
            "bond_type",
            "year",
            "search",
        ]

    def filter_town(self, queryset, name, value):
        """A code, or (the town field typed without its suggestions) the town's exact name."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(town_id=value) if value.isdigit() else queryset.filter(town__name=value)

    def filter_tier(self, queryset, name, value):
        if value == "none":
            return queryset.filter(town_tier__isnull=True)
        return queryset.filter(town_tier=value)

    def filter_year(self, queryset, name, value):
        return queryset.filter(start_year__lte=int(value), end_year__gte=int(value))

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return (
            queryset.filter(Q(name__icontains=value) | Q(town__name__icontains=value)) if value else queryset
        )


class ProgressReportFilterSet(django_filters.FilterSet):
    project = django_filters.NumberFilter(field_name="project_id", label="项目 ID")
    city = django_filters.CharFilter(field_name="project__town__city_id", label="市（州）代码")
    county = django_filters.CharFilter(field_name="project__town__county_id", label="县（市、区）代码")
    town = django_filters.CharFilter(field_name="project__town_id", label="镇区划代码")
    period_type = django_filters.ChoiceFilter(choices=PeriodType.choices, label="报送周期")
    year = django_filters.NumberFilter(
        field_name="year", label="年度", min_value=YEAR_MIN, max_value=YEAR_MAX
    )

    class Meta:
        model = ProgressReport
        fields = ["project", "city", "county", "town", "period_type", "year"]


# --- sort keys of the pages' lists (core.sorting) ---------------------------------------------------------

_PROJECT_KEYS = {
    "name": "name",
    "town": "town_id",
    "county": "town__county_id",
    "city": "town__city_id",
    "task_area": "task_area_id",
    "public_welfare": "public_welfare",
    "investment": "investment",
    "status": by("status", ranked=ProjectStatus.values),
    "key_support": "key_support",
    "bond_type": by("bond_type", ranked=BondType.values),
    "completed": "completed_investment",
    "percent": "percent_complete",
    "reported": by("last_reported_period", text=True),
}
_PROJECT_LABELS = {
    "name": "项目名称",
    "town": "镇",
    "county": "县（市、区）",
    "city": "市（州）",
    "task_area": "任务领域",
    "public_welfare": "公益性",
    "investment": "总投资",
    "status": "状态",
    "key_support": "省级重点支持",
    "bond_type": "推荐债券类型",
    "completed": "累计完成投资",
    "percent": "形象进度",
    "reported": "最近报送",
}
# The project list and its export (over visible_projects(): key_support and bond_type are annotations); by
# default by town and task area, as Project.Meta.ordering.
PROJECT_SORTS = Sorts(
    {**_PROJECT_KEYS, "town": by("town_id", "task_area_id")},
    default="town",
    tiebreak=("pk",),
    labels=_PROJECT_LABELS,
)
# The projects that have not reported a period: grouped by city and county on the page and in the export,
# sorted by the key inside each county.
UNREPORTED_SORTS = Sorts(_PROJECT_KEYS, default="town", tiebreak=("pk",), labels=_PROJECT_LABELS)

# The progress reports across projects (the page, its export): the latest period first.
REPORT_SORTS = Sorts(
    {
        "project": "project__name",
        "town": "project__town_id",
        "county": "project__town__county_id",
        "city": "project__town__city_id",
        "period": by("period_end", "number"),
        "investment": "cumulative_investment",
        "percent": "percent_complete",
        "reported_by": "reported_by__username",
        "reported": "created_at",
    },
    default="-period",
    tiebreak=("project_id", "-pk"),
    labels={
        "project": "项目名称",
        "town": "镇",
        "county": "县（市、区）",
        "city": "市（州）",
        "period": "周期",
        "investment": "累计完成投资",
        "percent": "形象进度",
        "reported_by": "报送人",
        "reported": "报送时间",
    },
)
