"""One FilterSet per list, used by the page, the API and the export alike."""

import django_filters
from django.db.models import Q

from core.pinyin import initials
from core.sorting import Sorts, by
from core.years import YEAR_MAX, YEAR_MIN

from .choices import Began, DevType, Ended, Tier, TownKind
from .models import Designation, Region, RegionLevel, Town
from .rules import TIER_DISPLAY_ORDER

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


# --- sort keys of the pages' lists (core.sorting): place columns sort in the official code order, a name
# column beside its code column by pinyin initials --------------------------------------------------------

TOWN_SORTS = Sorts(
    {
        "code": "code",
        "name": by("initials", "name"),
        "city": "city_id",
        "county": "county_id",
        "tier": by("active_tier", ranked=TIER_DISPLAY_ORDER),
        "since": "active_since",
        "dev_type": by("dev_type", ranked=DevType.values),
    },
    default="code",
    tiebreak=("code",),
    labels={
        "code": "区划代码",
        "name": "名称",
        "city": "市（州）",
        "county": "县（市、区）",
        "tier": "示范镇层级",
        "since": "认定起始年度",
        "dev_type": "发展类型",
    },
)

# A town's designation history (its page) and the designations across towns (their list): newest first.
DESIGNATION_SORTS = Sorts(
    {
        "town": "town_id",
        "county": "town__county_id",
        "city": "town__city_id",
        "tier": by("tier", ranked=TIER_DISPLAY_ORDER),
        "period": by("from_year", "to_year"),
        "began": by("began", ranked=Began.values),
        "ended": by("ended", ranked=Ended.values),
        "doc_no": by("doc_no", text=True),
        "end_doc_no": by("end_doc_no", text=True),
        "dev_type": by("dev_type", ranked=DevType.values),
    },
    default="-period",
    tiebreak=("-pk",),
    labels={
        "town": "镇",
        "county": "县（市、区）",
        "city": "市（州）",
        "tier": "层级",
        "period": "起止年度",
        "began": "认定方式",
        "ended": "终止方式",
        "doc_no": "认定文号",
        "end_doc_no": "终止文号",
        "dev_type": "发展类型",
    },
)


def _tier_count(tier):
    return lambda quota: quota.line(tier).count


def _shortfall(quota):
    return sum(line.shortfall for line in quota.lines) if quota.applicable else None


def _standing(quota):
    """未达标 first, then 达标, then 不适用 (a county with no 镇)."""
    if not quota.applicable:
        return 2
    return 1 if quota.met else 0


_QUOTA_KEYS = {
    "code": "code",
    "name": by(value=lambda quota: initials(quota.name) or quota.name),
    "towns": "town_count",
    "met": by(value=_standing),
}
_QUOTA_LABELS = {"code": "区划代码", "name": "名称", "towns": "建制镇数", "met": "是否达标"}
CITY_QUOTA_SORTS = Sorts(
    {
        **_QUOTA_KEYS,
        "provincial": by(value=_tier_count(Tier.PROVINCIAL)),
        "city": by(value=_tier_count(Tier.CITY)),
        "county": by(value=_tier_count(Tier.COUNTY)),
        "shortfall": by(value=_shortfall),
    },
    default="code",
    tiebreak=("code",),
    param="city_sort",
    labels={**_QUOTA_LABELS, "provincial": "省级", "city": "市级", "county": "县级", "shortfall": "缺口"},
    caption="市（州）排序",
)
COUNTY_QUOTA_SORTS = Sorts(
    {
        **_QUOTA_KEYS,
        "parent": "parent_code",
        "county": by(value=lambda quota: quota.line(Tier.COUNTY).count if quota.applicable else None),
    },
    default="code",
    tiebreak=("code",),
    param="county_sort",
    labels={**_QUOTA_LABELS, "parent": "所属市（州）", "county": "县级"},
    caption="县（市、区）排序",
)
