"""One FilterSet per list, used by the page, the API and the export alike."""

import django_filters

from core.sorting import Sorts, by
from core.years import YEAR_MAX, YEAR_MIN
from projects.choices import BondType

from .choices import FundingSource
from .models import Allocation, DebtQuota


class DebtQuotaFilterSet(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region_id", label="地区代码")
    city = django_filters.CharFilter(
        field_name="region__code", lookup_expr="startswith", label="市（州）代码"
    )
    year = django_filters.NumberFilter(
        field_name="year", label="年度", min_value=YEAR_MIN, max_value=YEAR_MAX
    )

    class Meta:
        model = DebtQuota
        fields = ["region", "city", "year"]


class AllocationFilterSet(django_filters.FilterSet):
    project = django_filters.NumberFilter(field_name="project_id", label="项目 ID")
    city = django_filters.CharFilter(field_name="project__town__city_id", label="市（州）代码")
    county = django_filters.CharFilter(field_name="project__town__county_id", label="县（市、区）代码")
    town = django_filters.CharFilter(field_name="project__town_id", label="镇区划代码")
    task_area = django_filters.CharFilter(field_name="project__task_area_id", label="任务领域（T01–T15）")
    source = django_filters.ChoiceFilter(choices=FundingSource.choices, label="资金来源")
    bond_type = django_filters.ChoiceFilter(
        choices=[(kind.value, kind.label) for kind in (BondType.GENERAL, BondType.SPECIAL)],
        method="filter_bond_type",
        label="债券类型",
    )
    year = django_filters.NumberFilter(
        field_name="year", label="年度", min_value=YEAR_MIN, max_value=YEAR_MAX
    )
    quota_region = django_filters.CharFilter(
        field_name="quota__region_id",
        label="占用限额的地区代码（市（州）4 位为市本级限额，县（市、区）6 位）",
    )

    class Meta:
        model = Allocation
        fields = [
            "project",
            "city",
            "county",
            "town",
            "task_area",
            "source",
            "bond_type",
            "year",
            "quota_region",
        ]

    def filter_bond_type(self, queryset, name, value):
        source = (
            FundingSource.PROVINCIAL_GENERAL_BOND
            if value == BondType.GENERAL
            else FundingSource.PROVINCIAL_SPECIAL_BOND
        )
        return queryset.filter(source=source)


# --- sort keys of the pages' lists (core.sorting) ---------------------------------------------------------

# The quotas with their usage (selectors.with_usage annotates allocated and remaining); latest year first.
QUOTA_SORTS = Sorts(
    {
        "year": "year",
        "code": "region_id",
        "region": by("region__initials", "region__name"),
        "parent": "region__parent_id",
        "general_amount": "general_amount",
        "general_allocated": "general_allocated",
        "general_remaining": "general_remaining",
        "special_amount": "special_amount",
        "special_allocated": "special_allocated",
        "special_remaining": "special_remaining",
    },
    default="-year",
    tiebreak=("region_id", "pk"),
    labels={
        "year": "年度",
        "code": "区划代码",
        "region": "地区",
        "parent": "所属市（州）",
        "general_amount": "一般债券限额",
        "general_allocated": "一般债券已安排",
        "general_remaining": "一般债券剩余",
        "special_amount": "专项债券限额",
        "special_allocated": "专项债券已安排",
        "special_remaining": "专项债券剩余",
    },
)

# The allocations; latest year first, as Allocation.Meta.ordering.
ALLOCATION_SORTS = Sorts(
    {
        "year": "year",
        "project": "project__name",
        "town": "project__town_id",
        "county": "project__town__county_id",
        "city": "project__town__city_id",
        "task_area": "project__task_area_id",
        "source": by("source", ranked=FundingSource.values),
        "amount": "amount",
        "quota": by("quota__region_id", "quota__year"),
        "note": by("note", text=True),
        "created_by": "created_by__username",
        "created": "created_at",
    },
    default="-year",
    tiebreak=("project_id", "pk"),
    labels={
        "year": "年度",
        "project": "项目",
        "town": "镇",
        "county": "县（市、区）",
        "city": "市（州）",
        "task_area": "任务领域",
        "source": "资金来源",
        "amount": "金额",
        "quota": "占用限额",
        "note": "备注",
        "created_by": "安排人",
        "created": "安排时间",
    },
)
