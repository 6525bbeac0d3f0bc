"""Database rows → the plain data the rules decide on, in a constant number of queries."""

from collections import defaultdict

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Role
from core.scoping import restrict, scope_of

from .choices import SubmissionStatus
from .models import Designation, Region, RegionLevel, Submission, Town, TownKind
from .rules import TIER_ORDER, RegionCounts, SubmissionFacts, TownFacts, region_quota


def town_facts(codes):
    """code → TownFacts for the given codes (unknown codes are simply absent)."""
    kind_labels = dict(TownKind.choices)
    rows = (
        Town.objects.filter(code__in=set(codes))
        .with_active_designation()
        .values("code", "name", "kind", "active_tier", "active_since")
    )
    return {
        row["code"]: TownFacts(
            code=row["code"],
            name=row["name"],
            kind=row["kind"],
            kind_label=kind_labels.get(row["kind"], row["kind"]),
            active_tier=row["active_tier"],
            active_from_year=row["active_since"],
        )
        for row in rows
    }


def town_fact(town):
    return town_facts([town.code]).get(town.code)


def quota_report(user, province_code=None):
    """R1 quota situation of the program province as the user may see it.

    Returns (province, cities, counties): province is None unless the user sees the whole province.
    Five queries whatever the number of regions.
    """
    province_code = province_code or settings.PROGRAM_PROVINCE_CODE
    scope = scope_of(user)
    if scope.is_empty:
        return None, [], []

    active = Designation.objects.active().filter(town__province_id=province_code)
    by_city = defaultdict(dict)
    for row in active.values("town__city_id", "tier").annotate(n=Count("id")):
        by_city[row["town__city_id"]][row["tier"]] = row["n"]
    by_county = defaultdict(dict)
    for row in active.values("town__county_id", "tier").annotate(n=Count("id")):
        by_county[row["town__county_id"]][row["tier"]] = row["n"]

    eligible = Town.objects.filter(province_id=province_code, kind=TownKind.TOWN)
    towns_per_county = dict(eligible.values_list("county_id").annotate(n=Count("code")))
    towns_per_city = dict(eligible.values_list("city_id").annotate(n=Count("code")))

    regions = restrict(Region.objects.filter(code__startswith=province_code), user).values(
        "code", "name", "level", "parent_id"
    )
    province, cities, counties = None, [], []
    for region in regions:
        level = region["level"]
        if level == RegionLevel.PROVINCE:
            if not scope.province_wide:
                continue
            totals = defaultdict(int)
            for tiers in by_city.values():
                for tier, n in tiers.items():
                    totals[tier] += n
            counts, town_count = totals, sum(towns_per_city.values())
        elif level == RegionLevel.CITY:
            counts, town_count = by_city.get(region["code"], {}), towns_per_city.get(region["code"], 0)
        else:
            counts, town_count = by_county.get(region["code"], {}), towns_per_county.get(region["code"], 0)
        quota = region_quota(
            RegionCounts(
                code=region["code"],
                name=region["name"],
                level=level,
                parent_code=region["parent_id"],
                counts=counts,
                town_count=town_count,
            )
        )
        if level == RegionLevel.PROVINCE:
            province = quota
        elif level == RegionLevel.CITY:
            cities.append(quota)
        else:
            counties.append(quota)
    return province, cities, counties


# --- pages ---------------------------------------------------------------------------------------------


def directory_towns(user):
    """Towns the user may see, with their active designation and their city and county, in one query."""
    return restrict(Town.objects.with_active_designation().select_related("city", "county"), user)


def directory_regions(user):
    """(cities, counties) the user may see, for the directory's filters; counties carry their parent."""
    regions = restrict(Region.objects.filter(code__startswith=settings.PROGRAM_PROVINCE_CODE), user)
    cities = list(regions.filter(level=RegionLevel.CITY).order_by("code"))
    counties = list(regions.filter(level=RegionLevel.COUNTY).select_related("parent").order_by("code"))
    return cities, counties


def designation_history(town):
    """Every designation the town ever held, newest first (R2: kept forever)."""
    return list(town.designations.order_by("-from_year", "-id"))


def active_counts_by_tier(user):
    """tier → number of active designations inside the user's scope."""
    rows = restrict(Designation.objects.active(), user).values("tier").annotate(n=Count("id"))
    return {row["tier"]: row["n"] for row in rows}


def eligible_town_count(user):
    """How many 镇 (the only units that can be designated) lie inside the user's scope."""
    return restrict(Town.objects.towns_only(), user).count()


def region_names(codes):
    """code → name for the given region codes."""
    return dict(Region.objects.filter(code__in={code for code in codes if code}).values_list("code", "name"))


# --- R3 selection ----------------------------------------------------------------------------------------


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
    highest = max((TIER_ORDER[tier] for tier in selection_round.tiers), default=max(TIER_ORDER.values()))
    blocked = [tier for tier, order in TIER_ORDER.items() if order >= highest]
    return (
        Town.objects.towns_only()
        .filter(county_id=user.region_id)
        .exclude(code__in=Submission.objects.filter(round=selection_round).values("town_id"))
        .with_active_designation()
        .filter(Q(active_tier__isnull=True) | ~Q(active_tier__in=blocked))
        .order_by("code")
    )
