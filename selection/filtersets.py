"""One FilterSet per list, used by the page, the API and the export alike: the candidates of a round
(review page, its export, the API)."""

import django_filters
from django.db.models import Case, F, Value, When

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


def _rank(field, order):
    """A CASE expression ranking field's values in the given order (for sorting tiers and statuses)."""
    return Case(*(When(**{field: value}, then=Value(rank)) for rank, value in enumerate(order)), default=99)


# Sort keys of the review table and its export: key → expression (or field); "-key" sorts descending.
SUBMISSION_SORTS = {
    "town": F("town_id"),
    "county": F("town__county_id"),
    "city": F("town__city_id"),
    "tier": _rank("tier", TIER_DISPLAY_ORDER),
    "status": _rank("status", SubmissionStatus.values),
    "registered_population": F("registered_population"),
    "resident_population": F("resident_population"),
    "area": F("area_km2"),
    "gdp": F("gdp"),
    "fiscal_revenue": F("fiscal_revenue"),
    "distance_county": F("distance_to_county_km"),
    "distance_city": F("distance_to_city_km"),
}
DEFAULT_SUBMISSION_SORT = "town"


def sort_submissions(queryset, sort):
    """Order by a whitelisted key ("gdp", "-gdp" …; anything else: town code). Returns (queryset, key).

    Empty values always come last; ties fall back to the town code.
    """
    sort = (sort or "").strip()
    key = sort.removeprefix("-")
    if key not in SUBMISSION_SORTS:
        sort, key = DEFAULT_SUBMISSION_SORT, DEFAULT_SUBMISSION_SORT
    expression = SUBMISSION_SORTS[key]
    ordered = expression.desc(nulls_last=True) if sort.startswith("-") else expression.asc(nulls_last=True)
    return queryset.order_by(ordered, "town_id"), sort
