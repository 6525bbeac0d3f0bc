"""Reads of the assessment: what each role may see of results (proposed results: province roles only)."""

from collections import defaultdict

from django.db.models import Prefetch

from accounts.models import Role
from core.scoping import restrict

from .models import Elimination, Notice, Result, ResultStatus, Score, TalkFollowUp, Veto

PROVINCE_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.PROVINCE_VIEWER, Role.AUDITOR})


def sees_proposed(user):
    """R9: proposed results are the province's working draft; every other role and partner sees published
    results alone."""
    return getattr(user, "role", None) in PROVINCE_ROLES


def _published_unless_province(queryset, user):
    return queryset if sees_proposed(user) else queryset.filter(status=ResultStatus.PUBLISHED)


def visible_results(user):
    results = Result.objects.select_related("round", "town", "town__county", "town__city")
    return _published_unless_province(restrict(results, user), user)


def visible_notices(user):
    """Notices are province-wide documents; a regional user sees the published ones, listing only the towns
    of their own region (a town outside one's scope is absent everywhere, notices included)."""
    towns = restrict(Result.objects.select_related("town").order_by("rank", "town_id"), user)
    notices = Notice.objects.select_related("round").prefetch_related(Prefetch("results", queryset=towns))
    return _published_unless_province(notices, user)


def visible_eliminations(user):
    eliminations = Elimination.objects.select_related(
        "round", "town", "town__city", "substitute", "substitute__city"
    )
    return _published_unless_province(restrict(eliminations, user), user)


def visible_scores(user):
    scores = Score.objects.select_related("round", "town", "indicator")
    return _published_scores(restrict(scores, user), user)


def _published_scores(scores, user):
    if sees_proposed(user) or getattr(user, "role", None) == Role.CITY_OFFICIAL:
        return scores  # the city enters its towns' scores; the province sees all
    return scores.filter(round__state="published")


def visible_vetoes(user):
    return restrict(Veto.objects.select_related("round", "town"), user)


def visible_talks(user):
    return restrict(TalkFollowUp.objects.select_related("round", "town", "town__city"), user)


def earlier_ranks(user, town_codes, before_year):
    """town code → [(year, tier, rank)] of the published years before `before_year`, one query."""
    rows = (
        visible_results(user)
        .filter(town_id__in=list(town_codes), round__year__lt=before_year, status=ResultStatus.PUBLISHED)
        .order_by("town_id", "-round__year")
        .values_list("town_id", "round__year", "tier", "rank")
    )
    history = defaultdict(list)
    for code, year, tier, rank in rows:
        history[code].append((year, tier, rank))
    return history


# --- Appended for the assessment pages (issue 5): read-only helpers of the pages ---------------------------


def provincial_counts_by_city(province_code=None):
    """city code → towns with an active provincial designation, every city of the province listed (0 too),
    as `rules.cities_under_minimum` wants them (R1, R9). Two queries."""
    from django.conf import settings
    from django.db.models import Count

    from towns.choices import Tier
    from towns.models import Designation, Region, RegionLevel

    province_code = province_code or settings.PROGRAM_PROVINCE_CODE
    counts = dict.fromkeys(
        Region.objects.filter(level=RegionLevel.CITY, code__startswith=province_code).values_list(
            "code", flat=True
        ),
        0,
    )
    active = (
        Designation.objects.active()
        .filter(tier=Tier.PROVINCIAL, town__code__startswith=province_code)
        .values("town__city_id")
        .annotate(count=Count("id"))
        .values_list("town__city_id", "count")
    )
    counts.update(dict(active))
    return counts


def scoring_sheet(user, assessment_round):
    """The towns of the user's scope designated in the round's year, with the points the user may see:
    [(town, tier, {indicator code: points})] by town code. A constant number of queries."""
    from towns.models import Town

    from .services import designated_in_year

    held = designated_in_year(assessment_round.year)
    towns = restrict(Town.objects.select_related("county", "city"), user).filter(code__in=list(held))
    points = defaultdict(dict)
    rows = (
        visible_scores(user)
        .filter(round=assessment_round, town_id__in=list(held))
        .values_list("town_id", "indicator__code", "points")
    )
    for town_code, indicator_code, value in rows:
        points[town_code][indicator_code] = value
    return [(town, held[town.code][0], points.get(town.code, {})) for town in towns.order_by("code")]
