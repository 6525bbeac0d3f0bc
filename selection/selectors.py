"""Database rows → the plain data the selection rules decide on, in a constant number of queries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Role
from core.scoping import restrict
from towns.models import Town
from towns.rules import TIER_SENIORITY
from towns.selectors import town_fact, town_lookup, within_region

from .choices import SubmissionStatus
from .models import Submission
from .rules import SubmissionFacts

if TYPE_CHECKING:
    from accounts.models import User


def submission_facts(submission):
    """The plain facts the workflow rules decide on (submission fetched with_town())."""
    kinds = frozenset(submission.documents.values_list("kind", flat=True))
    missing = tuple(
        str(Submission._meta.get_field(name).verbose_name)
        for name in Submission.INFORMATION_FIELDS
        if getattr(submission, name) in (None, "")
    )
    fact = town_fact(submission.town)
    return SubmissionFacts(
        status=submission.status,
        tier=submission.tier,
        town_name=submission.town.name,
        county_code=submission.town.county_id,
        city_code=submission.town.city_id,
        round_open=submission.round.is_open(),
        deadline_text=f"{submission.round.deadline:%Y-%m-%d}",
        documents=kinds,
        missing_information=missing,
        active_tier=fact.active_tier if fact else None,
    )


def visible_submissions(user, with_documents=True):
    submissions = Submission.objects.with_town()
    if with_documents:
        submissions = submissions.prefetch_related("documents")
    return restrict(submissions, user)


def awaiting_action(user):
    """The submissions waiting for this user's step: county drafts, city reviews, provincial decisions."""
    submissions = visible_submissions(user, with_documents=False)
    if user.role == Role.COUNTY_OFFICIAL:
        return submissions.filter(status=SubmissionStatus.DRAFT, round__deadline__gte=timezone.localdate())
    if user.role == Role.CITY_OFFICIAL:
        return submissions.filter(status=SubmissionStatus.SUBMITTED)
    if user.role == Role.PROVINCE_ADMIN:
        return submissions.filter(status=SubmissionStatus.RECOMMENDED)
    return submissions.none()


def candidate_towns(user, selection_round):
    """The county official's 镇 that may still become candidates in this round (R2, R3), in one query.

    A town is offered when it is not yet in the round and its active designation (if any) is below the
    round's highest tier; a lower tier of the same round is then refused by the service with its reason.
    """
    highest = max(
        (TIER_SENIORITY[tier] for tier in selection_round.tiers), default=max(TIER_SENIORITY.values())
    )
    blocked = [tier for tier, order in TIER_SENIORITY.items() if order >= highest]
    return (
        Town.objects.towns_only()
        .filter(county_id=user.region_id)
        .exclude(code__in=Submission.objects.filter(round=selection_round).values("town_id"))
        .with_active_designation()
        .filter(Q(active_tier__isnull=True) | ~Q(active_tier__in=blocked))
        .order_by("code")
    )


# --- dashboards (issue 10) ----------------------------------------------------------------------------------


def submission_counts(user: User, *, by: str, region: str | None = None) -> dict[str, dict[str, int]]:
    """key → status → submissions inside the user's scope and the region, in one query grouped in SQL. The
    key is the code of the city, county or town (by), or, for by="round", the round's name (rounds by
    deadline)."""
    key = "round__name" if by == "round" else town_lookup(by)
    order = ("round__deadline", key) if by == "round" else (key,)
    rows = (
        within_region(restrict(Submission.objects.all(), user), region)
        .order_by(*order)
        .values(*order, "status")
        .annotate(n=Count("id"))
    )
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row[key], {})[row["status"]] = row["n"]
    return counts
