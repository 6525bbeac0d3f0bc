"""Reads of the assessment: what each role may see of results (proposed results: province roles only)."""

from collections import defaultdict

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
    """Notices are province-wide documents: a regional user sees the published ones (their towns listed)."""
    notices = Notice.objects.select_related("round").prefetch_related("results__town")
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
