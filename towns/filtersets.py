"""One FilterSet per list, used by the page, the API and the export alike."""

import django_filters
from django.db.models import Q

from core.years import YEAR_MAX, YEAR_MIN

from .choices import DevType, Tier, TownKind
from .models import Designation, Region, RegionLevel, Town

NO_TIER = "none"


class TownFilterSet(django_filters.FilterSet):
    city = django_filters.CharFilter(field_name="city_id", label="市（州）代码")
    county = django_filters.CharFilter(field_name="county_id", label="县（市、区）代码")
    tier = django_filters.ChoiceFilter(
        label="示范镇层级",
        choices=[*Tier.choices, (NO_TIER, "非示范镇")],
        method="filter_tier",
        empty_label="全部",
    )
    dev_type = django_filters.ChoiceFilter(label="发展类型", choices=DevType.choices, empty_label="全部")
    kind = django_filters.ChoiceFilter(
        label="乡镇类别",
        choices=[*TownKind.choices, ("all", "全部乡级单位")],
        method="filter_kind",
        empty_label="镇（默认）",
        help_text="默认只列出建制镇；all 列出全部乡级单位。",
    )
    search = django_filters.CharFilter(label="关键词", method="filter_search", help_text="名称或区划代码")

    class Meta:
        model = Town
        fields = ["city", "county", "tier", "dev_type", "kind", "search"]

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("kind"):
            queryset = queryset.filter(kind=TownKind.TOWN)
        return queryset

    def filter_tier(self, queryset, name, value):
        if value == NO_TIER:
            return queryset.filter(active_tier__isnull=True)
        return queryset.filter(active_tier=value)

    def filter_kind(self, queryset, name, value):
        if value == "all":
            return queryset
        return queryset.filter(kind=value)

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))


class DesignationFilterSet(django_filters.FilterSet):
    town = django_filters.CharFilter(field_name="town_id", label="镇区划代码")
    city = django_filters.CharFilter(field_name="town__city_id", label="市（州）代码")
    county = django_filters.CharFilter(field_name="town__county_id", label="县（市、区）代码")
    tier = django_filters.ChoiceFilter(choices=Tier.choices, label="层级")
    active = django_filters.BooleanFilter(field_name="to_year", lookup_expr="isnull", label="是否有效")
    year = django_filters.NumberFilter(
        method="filter_year", label="年度（该年内有效）", min_value=YEAR_MIN, max_value=YEAR_MAX
    )

    class Meta:
        model = Designation
        fields = ["town", "city", "county", "tier", "active", "year"]

    def filter_year(self, queryset, name, value):
        return queryset.in_year(int(value))


class RegionFilterSet(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices, label="层级")
    parent = django_filters.CharFilter(field_name="parent_id", label="上级区划代码")
    search = django_filters.CharFilter(method="filter_search", label="关键词")

    class Meta:
        model = Region
        fields = ["level", "parent", "search"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value.strip()) | Q(code__startswith=value.strip()))
