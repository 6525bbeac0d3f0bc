"""Database rows → the plain data the selection rules, pages and API read, in a constant number of queries."""

from collections import defaultdict

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import Role, User
from core.errors import NotVisible
from core.formats import chinese_date
from core.scoping import covers, restrict, sees_refused_attempts
from towns.models import Town
from towns.rules import TIER_SENIORITY
from towns.selectors import town_fact, town_lookup, within_region
from towns.services.designations import actor_of

from .choices import SubmissionAction, SubmissionStatus
from .models import SelectionRound, Submission, SubmissionDocument, SubmissionEvent
from .rules import SubmissionFacts, draft_refusal

# --- rounds ------------------------------------------------------------------------------------------


def rounds() -> QuerySet[SelectionRound]:
    """Every selection round (they are the province's, read by every user), latest deadline first."""
    return SelectionRound.objects.all()


def status_counts_by_round(user: User) -> dict[int, dict[str, int]]:
    """round id → status → how many of the round's submissions the user may see, in one query."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        restrict(Submission.objects.all(), user)
        .order_by()
        .values("round_id", "status")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["round_id"]][row["status"]] = row["n"]
    return dict(counts)


# --- submissions -------------------------------------------------------------------------------------


def submission_facts(submission: Submission) -> SubmissionFacts:
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
        deadline_text=chinese_date(submission.round.deadline),
        documents=kinds,
        missing_information=missing,
        active_tier=fact.active_tier if fact else None,
    )


def draft_edit_refusal(user: User, *, submission: Submission) -> str | None:
    """Why the user may not edit this draft now (rules.draft_refusal), or None."""
    return draft_refusal(submission_facts(submission), actor_of(user))


def visible_submissions(user: User, *, with_documents: bool = True) -> QuerySet[Submission]:
    """The submissions the user may see, with their round and town (and their documents)."""
    submissions = Submission.objects.with_town()
    if with_documents:
        submissions = submissions.prefetch_related("documents")
    return restrict(submissions, user)


def round_submissions(user: User, *, selection_round: SelectionRound) -> QuerySet[Submission]:
    """The round's submissions the user may see, with their towns and documents, by town code."""
    return visible_submissions(user).filter(round=selection_round).order_by("town_id")


def _accepted_returns() -> QuerySet[SubmissionEvent]:
    """The city's accepted returns, latest first."""
    return SubmissionEvent.objects.filter(action=SubmissionAction.RETURN, accepted=True).order_by(
        "-at", "-id"
    )


def _events_oldest_first() -> QuerySet[SubmissionEvent]:
    return SubmissionEvent.objects.select_related("actor").order_by("at", "id")


def submissions_with_return_comment(user: User, *, with_events: bool = False) -> QuerySet[Submission]:
    """The submissions user may see, with everything the API's serializers read: three queries for any list
    (each with its latest return comment), one more with_events (each with its events oldest first, as
    `ordered_events`)."""
    latest_return = _accepted_returns().filter(submission=OuterRef("pk"))
    submissions = (
        visible_submissions(user)
        .annotate(latest_return_comment=Subquery(latest_return.values("comment")[:1]))
        .order_by("-round__deadline", "-round_id", "town_id")  # the model's order, made total for paging
    )
    if with_events:
        submissions = submissions.prefetch_related(
            Prefetch("events", queryset=_events_oldest_first(), to_attr="ordered_events")
        )
    return submissions


def returned_comment(submission: Submission) -> str | None:
    """The city's latest return comment while the draft is back with the county (None otherwise)."""
    if submission.status != SubmissionStatus.DRAFT:
        return None
    event = _accepted_returns().filter(submission=submission).first()
    return event.comment if event else None


def ordered_events(submission: Submission) -> list[SubmissionEvent]:
    """The submission's events oldest first, refused attempts included: prefetched by
    submissions_with_return_comment(with_events=True), else fetched here."""
    events = getattr(submission, "ordered_events", None)
    if events is None:
        events = list(_events_oldest_first().filter(submission=submission))
    return events


def shown_events(user: User) -> QuerySet[SubmissionEvent]:
    """Workflow steps as the user is shown them, oldest first, with who took them: refused attempts only to
    those who read the audit log and province_admin (a Prefetch of a list of submissions, or one submission's)."""
    events = SubmissionEvent.objects.select_related("actor", "actor__region").order_by("at", "id")
    return events if sees_refused_attempts(user) else events.filter(accepted=True)


def events_shown_to(user: User, *, submission: Submission) -> list[SubmissionEvent]:
    """The submission's workflow oldest first, as its page shows it: refused attempts only to those who read
    the audit log."""
    return list(shown_events(user).filter(submission=submission))


def was_ever_submitted(submission: Submission) -> bool:
    """Whether any workflow step of the submission was taken (its history is then part of the record)."""
    return submission.events.filter(accepted=True).exists()


def has_submission(*, selection_round: SelectionRound, town: Town) -> bool:
    """Whether the town is already a candidate in the round."""
    return Submission.objects.filter(round=selection_round, town=town).exists()


def document_for(user: User, *, submission_id: int, kind: str) -> SubmissionDocument:
    """The document if the user's scope covers its town; otherwise NotVisible, as if it did not exist."""
    document = (
        SubmissionDocument.objects.select_related("submission")
        .filter(submission_id=submission_id, kind=kind)
        .first()
    )
    if document is None or not covers(user, document.submission.town_id):
        raise NotVisible()
    return document


def scoped_town(user: User | None, *, code: str) -> Town | None:
    """The town of that code if the user's scope covers it (None: unknown or outside, answered alike);
    user None, the system: any town."""
    towns = Town.objects.all()
    if user is not None:
        towns = restrict(towns, user)
    return towns.filter(code=code.strip()).first()


# --- what awaits the user ------------------------------------------------------------------------------


def awaiting_action(user: User) -> QuerySet[Submission]:
    """The submissions waiting for this user's step: county drafts, city reviews, provincial decisions;
    the nearest deadline first."""
    submissions = visible_submissions(user, with_documents=False).order_by("round__deadline", "town_id")
    if user.role == Role.COUNTY_OFFICIAL:
        return submissions.filter(status=SubmissionStatus.DRAFT, round__deadline__gte=timezone.localdate())
    if user.role == Role.CITY_OFFICIAL:
        return submissions.filter(status=SubmissionStatus.SUBMITTED)
    if user.role == Role.PROVINCE_ADMIN:
        return submissions.filter(status=SubmissionStatus.RECOMMENDED)
    return submissions.none()


def awaiting_with_return_comment(user: User) -> QuerySet[Submission]:
    """awaiting_action(user), each with the city's latest return comment (`latest_return_comment`; None for
    a submission never returned: for a county's draft, whether it came back from the city); one query."""
    latest_return = _accepted_returns().filter(submission=OuterRef("pk"))
    return awaiting_action(user).annotate(latest_return_comment=Subquery(latest_return.values("comment")[:1]))


def candidate_towns(user: User, *, selection_round: SelectionRound) -> QuerySet[Town]:
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
