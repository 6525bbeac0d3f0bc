"""One FilterSet per list, used by the page, the API and the export alike: the candidates of a round
(review page, its export, the API)."""

import django_filters

from core.sorting import Sorts, by
from towns.choices import Tier
from towns.rules import TIER_DISPLAY_ORDER

from .choices import SubmissionStatus
from .models import Submission


class SubmissionFilterSet(django_filters.FilterSet):
    """Candidate submissions; params: round, status, city, county, tier, town."""

    round = django_filters.NumberFilter(field_name="round_id", label="评选批次")
    status = django_filters.ChoiceFilter(choices=SubmissionStatus.choices, label="状态", empty_label="全部")
    city = django_filters.CharFilter(field_name="town__city_id", label="市（州）代码")
    county = django_filters.CharFilter(field_name="town__county_id", label="县（市、区）代码")
    tier = django_filters.ChoiceFilter(choices=Tier.choices, label="申报层级", empty_label="全部")
    town = django_filters.CharFilter(field_name="town_id", label="镇区划代码")

    class Meta:
        model = Submission
        fields = ["round", "status", "city", "county", "tier", "town"]


# Sort keys of the review table and its export: key → fields; "-key" sorts descending; ties fall back to the
# town code.
_PLACE_SORTS = {
    "town": "town_id",
    "county": "town__county_id",
    "city": "town__city_id",
    "tier": by("tier", ranked=TIER_DISPLAY_ORDER),
    "status": by("status", ranked=SubmissionStatus.values),
}
_PLACE_LABELS = {
    "town": "镇",
    "county": "县（市、区）",
    "city": "市（州）",
    "tier": "申报层级",
    "status": "状态",
}


def _field_label(name):
    return str(Submission._meta.get_field(name).verbose_name)


SUBMISSION_SORTS = Sorts(
    {
        **_PLACE_SORTS,
        "registered_population": "registered_population",
        "resident_population": "resident_population",
        "area": "area_km2",
        "gdp": "gdp",
        "fiscal_revenue": "fiscal_revenue",
        "distance_county": "distance_to_county_km",
        "distance_city": "distance_to_city_km",
    },
    default="town",
    tiebreak=("town_id",),
    labels={
        **_PLACE_LABELS,
        "registered_population": _field_label("registered_population"),
        "resident_population": _field_label("resident_population"),
        "area": _field_label("area_km2"),
        "gdp": _field_label("gdp"),
        "fiscal_revenue": _field_label("fiscal_revenue"),
        "distance_county": _field_label("distance_to_county_km"),
        "distance_city": _field_label("distance_to_city_km"),
    },
)
# The round's own page lists its candidates as read (documents prefetched): sorted as rows.
ROUND_SUBMISSION_SORTS = Sorts(
    {
        **_PLACE_SORTS,
        "documents": by(value=lambda submission: len(submission.documents.all())),
        "updated": "updated_at",
    },
    default="town",
    tiebreak=("town_id",),
    labels={**_PLACE_LABELS, "documents": "申报材料", "updated": "更新时间"},
)
# The rounds' list (rows of the page: the round, whether it is open, its counts by status): latest deadline
# first by default.
ROUND_SORTS = Sorts(
    {
        "name": "round__name",
        "tiers": by(
            value=lambda row: [
                TIER_DISPLAY_ORDER.index(tier) for tier in row["round"].tiers if tier in TIER_DISPLAY_ORDER
            ]
        ),
        "deadline": "round__deadline",
        "year": "round__year",
        "open": "is_open",
        **{f"status_{status}": f"by_status__{status}" for status in SubmissionStatus.values},
        "total": "total",
    },
    default="-deadline",
    tiebreak=("-round__pk",),
    labels={
        "name": "批次名称",
        "tiers": "评选层级",
        "deadline": "申报截止日期",
        "year": "认定年度",
        "open": "状态",
        **{f"status_{status.value}": status.short_label for status in SubmissionStatus},
        "total": "合计",
    },
)
