"""One FilterSet per list, used by the page, the API and the export alike."""

import django_filters

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
