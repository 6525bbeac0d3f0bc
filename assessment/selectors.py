"""Reads of the assessment: what each role may see of results (proposed results: province roles only),
the year's inputs as the pure rules want them, and the rounds as pages show them before they exist."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from django.conf import settings
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    FilteredRelation,
    Max,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, NullIf

from accounts.models import Role
from core import jobs
from core.errors import DomainError, checked_year
from core.scoping import covers, restrict, scope_of
from core.vocabulary import label
from projects.models import TaskArea
from towns.choices import Tier
from towns.models import Designation, Region, RegionLevel
from towns.rules import TIER_DISPLAY_ORDER
from towns.selectors import town_lookup, within_region

from . import rules
from .choices import ChangeKind, Grade, ReconcileAction
from .models import (
    CURRENT,
    AssessmentRound,
    ChangeCause,
    ChangeEffect,
    Elimination,
    Exemption,
    Indicator,
    IndicatorSystem,
    JobState,
    Notice,
    NoticeKind,
    Publication,
    PublicationChange,
    Result,
    ResultStatus,
    RoundState,
    Score,
    TalkFollowUp,
    TalkStatus,
    Veto,
)

if TYPE_CHECKING:
    from accounts.models import User
    from towns.models import Town

_M = TypeVar("_M", bound=Model)

PROVINCE_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.PROVINCE_VIEWER, Role.AUDITOR})


def sees_proposed(user: User) -> bool:
    """R9: proposed results are the province's working draft; every other role and partner sees published
    results alone."""
    return getattr(user, "role", None) in PROVINCE_ROLES


def _published_unless_province(queryset: QuerySet[_M], user: User) -> QuerySet[_M]:
    return queryset if sees_proposed(user) else queryset.filter(status=ResultStatus.PUBLISHED)


def visible_results(user: User) -> QuerySet[Result]:
    """The current results (draft and published; superseded ones live on only in the notices that listed
    them) that the user may see."""
    results = Result.objects.filter(CURRENT).select_related("round", "town", "town__county", "town__city")
    return _published_unless_province(restrict(results, user), user)


def shown_status(user: User, assessment_round: AssessmentRound) -> str:
    """Which results of the year a page shows: the draft to province roles while it awaits publication
    (computed), otherwise the published ones (also while a published year is reopened for correction)."""
    if sees_proposed(user) and assessment_round.state == RoundState.COMPUTED:
        return ResultStatus.PROPOSED
    return ResultStatus.PUBLISHED


def visible_notices(user: User) -> QuerySet[Notice]:
    """Notices are province-wide documents; a regional user sees the published ones (and the superseded
    ones they replaced), listing only the towns of their own region (a town outside one's scope is absent
    everywhere, notices included)."""
    towns = restrict(Result.objects.select_related("town").order_by("rank", "town_id"), user)
    notices = Notice.objects.select_related("round", "superseded_by").prefetch_related(
        Prefetch("results", queryset=towns)
    )
    if sees_proposed(user):
        return notices
    return notices.exclude(status=ResultStatus.PROPOSED)


def visible_eliminations(user: User) -> QuerySet[Elimination]:
    """Eliminations of the towns of the user's region. Who substitutes such a town from outside the region
    is not disclosed to them (substitute_disclosed); a town of their region promoted as the substitute of
    another region's town shows in its designation history, not here."""
    eliminations = Elimination.objects.filter(CURRENT).select_related(
        "round", "town", "town__city", "town__county", "substitute", "substitute__city", "substitute__county"
    )
    return _published_unless_province(restrict(eliminations, user), user)


def substitute_disclosed(user: User, elimination: Elimination) -> bool:
    """Whether the user may see who substitutes: their scope covers the substitute."""
    return elimination.substitute_id is None or covers(user, elimination.substitute_id)


def visible_scores(user: User) -> QuerySet[Score]:
    scores = Score.objects.select_related("round", "town", "indicator")
    return _published_scores(restrict(scores, user), user)


def _published_scores(scores: QuerySet[Score], user: User) -> QuerySet[Score]:
    if sees_proposed(user) or getattr(user, "role", None) == Role.CITY_OFFICIAL:
        return scores  # the city enters its towns' scores; the province sees all
    return scores.filter(round__state="published")


def visible_vetoes(user: User) -> QuerySet[Veto]:
    return restrict(Veto.objects.select_related("round", "town"), user)


def visible_talks(user: User) -> QuerySet[TalkFollowUp]:
    return restrict(TalkFollowUp.objects.select_related("round", "town", "town__city"), user)


# --- the API's lists ------------------------------------------------------------------------------------


def indicator_systems() -> QuerySet[IndicatorSystem]:
    """Every year's indicator system, newest first, with its indicators by task area (three queries)."""
    indicators = Indicator.objects.select_related("task_area").order_by("task_area_id", "code")
    return (
        IndicatorSystem.objects.select_related("copied_from")
        .prefetch_related(Prefetch("indicators", queryset=indicators))
        .order_by("-year")
    )


def score_id(year: int, town: Town, indicator_code: str) -> int | None:
    """The id of the town's score of the indicator in the year, None before it is entered."""
    scores = Score.objects.filter(round__year=year, town=town, indicator__code=indicator_code)
    return scores.values_list("pk", flat=True).first()


# Within one year: by tier (provincial first), rank (未评 last) and town code, the result_ranking index's order.
RANKING_WITHIN_YEAR = ("tier_order", F("rank").asc(nulls_last=True), "town_id")


def ranking_list(user: User) -> QuerySet[Result]:
    """The results a user may see as the rankings list orders them: newest year first, then by tier
    (provincial first), rank (未评 last) and town code."""
    return visible_results(user).order_by("-round__year", *RANKING_WITHIN_YEAR)


def ranking_list_of_one_year(results: QuerySet[Result]) -> QuerySet[Result]:
    """The rankings list filtered to one year, in the same order without the year (it is the same for every
    row): the order the ranking index serves."""
    return results.order_by(*RANKING_WITHIN_YEAR)


def with_grade_or_null(results: QuerySet[Result]) -> QuerySet[Result]:
    """The results with `grade_or_null`: the grade, null for a town without one (未评)."""
    return results.annotate(grade_or_null=NullIf("grade", Value("")))


def _of_year_and_town(queryset: QuerySet[_M], year: str | None, town: str | None) -> QuerySet[_M]:
    """A list's ?year= and ?town=: a year that is not one matches nothing."""
    if year:
        try:
            queryset = queryset.filter(round__year=checked_year(year))
        except DomainError:
            return queryset.none()
    if town:
        queryset = queryset.filter(town_id=town)
    return queryset


def veto_list(user: User, *, year: str | None = None, town: str | None = None) -> QuerySet[Veto]:
    """The vetoes a user may see, with who recorded them: newest year first, by town."""
    vetoes = visible_vetoes(user).select_related("recorded_by")
    return _of_year_and_town(vetoes, year, town).order_by("-round__year", "town_id", "id")


def exemption_list(user: User, *, year: str | None = None, town: str | None = None) -> QuerySet[Exemption]:
    """The exemptions a user may see: newest year first, by town."""
    return _of_year_and_town(visible_exemptions(user), year, town).order_by("-round__year", "town_id")


def talk_list(
    user: User, *, year: str | None = None, town: str | None = None, status: str | None = None
) -> QuerySet[TalkFollowUp]:
    """The talks a user may see, of one status if given: newest year first, by status and town."""
    talks = _of_year_and_town(visible_talks(user), year, town)
    if status:
        talks = talks.filter(status=status)
    return talks.order_by("-round__year", "status", "town_id")


def earlier_ranks(
    user: User, town_codes: Iterable[str], before_year: int
) -> defaultdict[str, list[tuple[int, str, int | None]]]:
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


# --- the designations a year is assessed on (issue 8, point 1) ------------------------------------------


@dataclass(frozen=True)
class DesignationView:
    """The designations as they stood before the publications of a year (and of any later year): those
    begun by such a publication left out, those ended by one taken as still active.

    held: town code → (tier, city code) of every town designated at some point of the year, at the tier it
    held during the year (the latest designation in force that year). active: town code → tier of the
    active designations. cities: every city code of the province.
    """

    year: int
    held: dict[str, tuple[str, str]]
    active: dict[str, str]
    cities: tuple[str, ...]
    city_of: dict[str, str]

    def active_of(self, tiers: Container[str]) -> frozenset[str]:
        return frozenset(code for code, tier in self.active.items() if tier in tiers)

    def provincial_by_city(self) -> tuple[tuple[str, int], ...]:
        counts = dict.fromkeys(self.cities, 0)
        counts.update(
            Counter(self.city_of[code] for code, tier in self.active.items() if tier == Tier.PROVINCIAL)
        )
        return tuple(sorted(counts.items()))


def _publication_changes(year: int, town_codes: Collection[str] | None = None) -> tuple[set[int], set[int]]:
    """(began, ended): the ids of the designations that the publications of the year and of later years
    began or ended (a handful: eliminations and substitutions). One query."""
    changes = PublicationChange.objects.filter(publication__round__year__gte=year)
    if town_codes is not None:
        changes = changes.filter(town_id__in=set(town_codes))
    began, ended = set(), set()
    for designation_id, effect in changes.order_by().values_list("designation_id", "effect"):
        (began if effect == ChangeEffect.BEGAN else ended).add(designation_id)
    return began, ended


def _held_in_year(year: int, began: Collection[int], ended: Collection[int]) -> QuerySet[Designation]:
    """The designations in force at some point of the year as they stood before the year's publications:
    rules.designations_before_publication's `held` rows, as SQL (for counts and pages that must not read
    every town)."""
    return (
        Designation.objects.filter(from_year__lte=year)
        .filter(Q(to_year__isnull=True) | Q(to_year__gte=year) | Q(pk__in=set(ended)))
        .exclude(pk__in=set(began))
    )


def designation_view(year: int, town_codes: Collection[str] | None = None) -> DesignationView:
    """The designations the year's assessment reads (DesignationView). Three queries."""
    began, ended = _publication_changes(year, town_codes)
    designations = Designation.objects.filter(
        Q(to_year__isnull=True) | Q(to_year__gte=year) | Q(pk__in=ended)
    ).exclude(pk__in=began)
    if town_codes is not None:
        designations = designations.filter(town_id__in=set(town_codes))
    rows = [
        rules.DesignationPeriod(*row)
        for row in designations.values_list("pk", "town_id", "town__city_id", "tier", "from_year", "to_year")
    ]
    held, active = rules.designations_before_publication(rows, began, ended, year)
    city_of = {row.town_code: row.city_code for row in rows}
    province = settings.PROGRAM_PROVINCE_CODE
    cities = tuple(
        Region.objects.filter(level=RegionLevel.CITY, code__startswith=province)
        .order_by("code")
        .values_list("code", flat=True)
    )
    return DesignationView(year=year, held=held, active=active, cities=cities, city_of=city_of)


def designated_in_year(year: int, town_codes: Collection[str] | None = None) -> dict[str, tuple[str, str]]:
    """town code → (tier, city code) of every town assessed in the year, at the tier it held during the year
    before the year's own publication (designation_view)."""
    return designation_view(year, town_codes).held


def previous_year(year: int) -> rules.PreviousYear | None:
    """What the two-year rule reads of year − 1 (R9): its published criticism list and provincial towns, or
    None when that year was never published."""
    criticised = Notice.objects.filter(
        round__year=year - 1, kind=NoticeKind.CRITICISM, status=ResultStatus.PUBLISHED
    ).first()
    provincial = set(
        Result.objects.filter(
            round__year=year - 1, status=ResultStatus.PUBLISHED, tier=Tier.PROVINCIAL, assessed=True
        ).values_list("town_id", flat=True)
    )
    if criticised is None and not provincial:
        return None
    bottom = set(criticised.results.values_list("town_id", flat=True)) if criticised else set()
    return rules.PreviousYear(criticised=frozenset(bottom), provincial=frozenset(provincial))


def indicator_codes(assessment_round: AssessmentRound) -> frozenset[str]:
    if assessment_round.pk is None:
        return frozenset(code for code, _points in rules.DEFAULT_INDICATORS)
    return frozenset(assessment_round.system.indicators.values_list("code", flat=True))


def year_inputs(assessment_round: AssessmentRound) -> rules.YearInputs:
    """Everything the year's assessment depends on, read in a constant number of queries (rules.YearInputs)."""
    year = assessment_round.year
    view = designation_view(year)
    points, vetoed, exempt = defaultdict(dict), set(), set()
    if assessment_round.pk is None:
        codes = indicator_codes(assessment_round)
    else:
        # Plain tuples, without a join or an ORDER BY: a national year is 320k scores (issue 13, point 4).
        code_of = dict(assessment_round.system.indicators.values_list("pk", "code"))
        codes = frozenset(code_of.values())
        rows = Score.objects.filter(round=assessment_round).order_by()
        for town, indicator, value in rows.values_list("town_id", "indicator_id", "points"):
            points[town][code_of[indicator]] = value
        vetoed = set(Veto.objects.filter(round=assessment_round).values_list("town_id", flat=True))
        exempt = set(Exemption.objects.filter(round=assessment_round).values_list("town_id", flat=True))
    towns = tuple(
        rules.TownInput(
            town_code=code,
            city_code=city,
            tier=tier,
            points=tuple(sorted(points.get(code, {}).items())),
            vetoed=code in vetoed,
            exempt=code in exempt,
        )
        for code, (tier, city) in view.held.items()
    )
    return rules.YearInputs(
        year=year,
        thresholds=rules.Thresholds(
            assessment_round.excellent_threshold,
            assessment_round.good_threshold,
            assessment_round.pass_threshold,
        ),
        top_count=assessment_round.top_count,
        bottom_count=assessment_round.bottom_count,
        indicator_codes=codes,
        towns=towns,
        previous=previous_year(year),
        active_lower_tier=view.active_of({Tier.CITY, Tier.COUNTY}),
        active_provincial=view.active_of({Tier.PROVINCIAL}),
        provincial_by_city=view.provincial_by_city(),
    )


# --- rounds as pages show them (a read never creates one) -------------------------------------------------


def round_or_default(year: int) -> AssessmentRound:
    """The year's round, or an unsaved one with the default settings and indicator system (R7) until the
    first write creates it (issue 8, point 10)."""
    existing = (
        AssessmentRound.objects.select_related("system", "system__copied_from", "job")
        .filter(year=year)
        .first()
    )
    if existing is not None:
        return existing
    return AssessmentRound(year=year, system=IndicatorSystem(year=year, name=f"{year}年度示范镇评价指标体系"))


def round_indicators(assessment_round: AssessmentRound) -> list[Indicator]:
    """The year's indicators by task area; the default system's (unsaved) before the round exists."""
    if assessment_round.pk is not None:
        return list(
            assessment_round.system.indicators.select_related("task_area").order_by("task_area_id", "code")
        )
    areas = TaskArea.objects.in_bulk()
    return [
        Indicator(code=code, name=areas[code].name, task_area=areas[code], max_points=points)
        for code, points in rules.DEFAULT_INDICATORS
        if code in areas
    ]


def round_points(
    assessment_round: AssessmentRound, town_codes: Collection[str]
) -> dict[tuple[str, str], Decimal]:
    """(town code, indicator code) → the points entered for the round, for the given towns (the score
    import's "before"; not scoped: the importer decides who may import). One query."""
    if assessment_round.pk is None:
        return {}
    rows = Score.objects.filter(round=assessment_round, town_id__in=list(town_codes)).values_list(
        "town_id", "indicator__code", "points"
    )
    return {(town, code): points for town, code, points in rows}


def has_scores(assessment_round: AssessmentRound) -> bool:
    return assessment_round.pk is not None and assessment_round.scores.exists()


def effective_job(assessment_round: AssessmentRound, now: datetime | None = None) -> tuple[str, str]:
    """(job_state, job_message) of the round's run as the reader should see them: a queued or running job
    whose lease expired is failed, with the reason (core.lease); nothing is written (the sweep records it)."""
    job = assessment_round.job
    reason = None if job is None else jobs.staleness(job, now)
    if reason:
        return JobState.FAILED, reason
    return assessment_round.job_state, assessment_round.job_message


@dataclass(frozen=True)
class TownToScore:
    """A designated town of the year whose scoring is not complete."""

    town: Town
    tier: str
    scored: int
    missing: tuple[str, ...]  # indicator codes without points


def scoring_gaps(
    user: User, assessment_round: AssessmentRound
) -> tuple[list[TownToScore], list[TownToScore]]:
    """(incomplete, unassessed) of the user's scope: designated towns with some but not all indicators
    scored (评分不完整), and those with none (未评), exempted towns left out. By town code."""
    from towns.models import Town

    inputs = year_inputs(assessment_round)
    codes = sorted(inputs.indicator_codes)
    gaps = {}
    for town in inputs.towns:
        if town.exempt:
            continue
        scored = {code for code, _points in town.points}
        if len(scored) < len(codes):
            gaps[town.town_code] = (
                town.tier,
                len(scored),
                tuple(code for code in codes if code not in scored),
            )
    towns = (
        restrict(Town.objects.select_related("county", "city"), user)
        .filter(code__in=list(gaps))
        .order_by("code")
    )
    incomplete, unassessed = [], []
    for town in towns:
        tier, scored, missing = gaps[town.code]
        (incomplete if scored else unassessed).append(TownToScore(town, tier, scored, missing))
    return incomplete, unassessed


GAP_ROWS = 20


@dataclass(frozen=True)
class GapSummary:
    """The round page's towns still to score: how many of each kind in the user's scope, and the first
    GAP_ROWS of each by town code (the score sheet lists them all, filtered by 评分情况)."""

    incomplete_count: int
    unassessed_count: int
    incomplete: list[TownToScore]
    unassessed: list[TownToScore]

    @property
    def any(self) -> bool:
        return bool(self.incomplete_count or self.unassessed_count)


def _towns_to_score(
    user: User, assessment_round: AssessmentRound, held: QuerySet[Designation]
) -> QuerySet[Town]:
    """The towns of the user's scope designated in the round's year (`held`) and not exempted."""
    from towns.models import Town

    towns = restrict(Town.objects.filter(Exists(held.filter(town=OuterRef("pk")))), user)
    if assessment_round.pk is None:
        return towns
    return towns.exclude(Exists(Exemption.objects.filter(round=assessment_round, town=OuterRef("pk"))))


def gap_summary(
    user: User, assessment_round: AssessmentRound, indicator_codes: Collection[str], rows: int = GAP_ROWS
) -> GapSummary:
    """scoring_gaps as the round page shows it, whatever the number of towns: both counts in one aggregate
    (the round's scores counted per town in SQL), then only for a list that is not empty its first `rows`
    towns, their tiers and missing indicators. At most six queries."""
    held = _held_in_year(assessment_round.year, *_publication_changes(assessment_round.year))
    towns = _towns_to_score(user, assessment_round, held)
    incomplete, unassessed = [], []
    if assessment_round.pk is None:  # nothing is scored before the round exists
        counts = {"incomplete": 0, "unassessed": towns.count()}
        without_scores = towns
    else:
        scored = towns.annotate(
            round_scores=FilteredRelation("scores", condition=Q(scores__round=assessment_round))
        ).annotate(scored=Count("round_scores"))
        incomplete_filter = Q(scored__gt=0, scored__lt=len(indicator_codes))
        counts = scored.aggregate(
            incomplete=Count("pk", filter=incomplete_filter), unassessed=Count("pk", filter=Q(scored=0))
        )
        if counts["incomplete"]:
            incomplete = list(
                scored.filter(incomplete_filter).select_related("county", "city").order_by("code")[:rows]
            )
        without_scores = towns.exclude(
            Exists(Score.objects.filter(round=assessment_round, town=OuterRef("pk")))
        )
    if counts["unassessed"]:
        unassessed = list(without_scores.select_related("county", "city").order_by("code")[:rows])
    entered = defaultdict(set)
    if incomplete:
        rows_entered = Score.objects.filter(
            round=assessment_round, town_id__in=[town.code for town in incomplete]
        ).values_list("town_id", "indicator__code")
        for town_code, indicator_code in rows_entered.order_by():
            entered[town_code].add(indicator_code)
    # The tier each listed town held during the year: its latest designation in force then.
    tiers = dict(
        held.filter(town_id__in=[town.code for town in (*incomplete, *unassessed)])
        .order_by("town_id", "from_year", "pk")
        .values_list("town_id", "tier")
    )
    codes = sorted(indicator_codes)

    def to_score(town: Town) -> TownToScore:
        missing = tuple(code for code in codes if code not in entered[town.code])
        return TownToScore(town, tiers.get(town.code, ""), len(codes) - len(missing), missing)

    return GapSummary(
        incomplete_count=counts["incomplete"],
        unassessed_count=counts["unassessed"],
        incomplete=[to_score(town) for town in incomplete],
        unassessed=[to_score(town) for town in unassessed],
    )


def applied_changes(assessment_round: AssessmentRound) -> tuple[set[str], set[str]]:
    """What the year's earlier publications applied and a correction must reconcile against: (eliminated,
    substitutes) town codes, each still in effect (not reversed by a later correction)."""
    if assessment_round.pk is None:
        return set(), set()
    counts = Counter(
        PublicationChange.objects.filter(publication__round=assessment_round).values_list(
            "town_id", "effect", "cause"
        )
    )
    towns = {town for town, _effect, _cause in counts}
    eliminated = {
        town
        for town in towns
        if counts[(town, ChangeEffect.ENDED, ChangeCause.ELIMINATION)]
        > counts[(town, ChangeEffect.BEGAN, ChangeCause.ELIMINATION_REVERSED)]
    }
    substitutes = {
        town
        for town in towns
        if counts[(town, ChangeEffect.BEGAN, ChangeCause.SUBSTITUTION)]
        > counts[(town, ChangeEffect.ENDED, ChangeCause.SUBSTITUTION_REVOKED)]
    }
    return eliminated, substitutes


# --- read-only helpers of the pages -------------------------------------------------------------------------


def provincial_counts_by_city(province_code: str | None = None) -> dict[str, int]:
    """city code → towns with an active provincial designation, every city of the province listed (0 too),
    as `rules.cities_under_minimum` wants them (R1, R9). Two queries."""
    from django.db.models import Count

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


def scoring_sheet(
    user: User, assessment_round: AssessmentRound
) -> list[tuple[Town, str, dict[str, Decimal]]]:
    """The towns of the user's scope designated in the round's year, with the points the user may see:
    [(town, tier, {indicator code: points})] by town code. A constant number of queries."""
    from towns.models import Town

    held = designated_in_year(assessment_round.year)
    towns = restrict(Town.objects.select_related("county", "city"), user).filter(code__in=list(held))
    points = defaultdict(dict)
    if assessment_round.pk is not None:
        rows = (
            visible_scores(user)
            .filter(round=assessment_round, town_id__in=list(held))
            .values_list("town_id", "indicator__code", "points")
        )
        for town_code, indicator_code, value in rows:
            points[town_code][indicator_code] = value
    return [(town, held[town.code][0], points.get(town.code, {})) for town in towns.order_by("code")]


SCORE_FILLED = {
    "complete": "已全部录入",
    "incomplete": "部分录入",
    "none": "未录入",
}


def points_visible(user: User, assessment_round: AssessmentRound) -> bool:
    """Whether the user may see the round's points (visible_scores, for a single round)."""
    return (
        sees_proposed(user)
        or getattr(user, "role", None) == Role.CITY_OFFICIAL
        or assessment_round.state == RoundState.PUBLISHED
    )


def _designated_towns(user: User, held: QuerySet[Designation]) -> QuerySet[Town]:
    from towns.models import Town

    return restrict(Town.objects.filter(Exists(held.filter(town=OuterRef("pk")))), user)


def score_sheet_towns(
    user: User, assessment_round: AssessmentRound, indicator_count: int, filled: str = ""
) -> QuerySet[Town]:
    """The score sheet as a page lists it, whatever the number of towns: the towns of the user's scope
    designated in the round's year (scoring_sheet's towns), each with `held_tier`, `filled` (indicators with
    points the user may see) and `composite` (their sum), computed per row so that a page of them costs
    its rows; `filled` (SCORE_FILLED) keeps the complete, incomplete or unscored towns only."""
    held = _held_in_year(assessment_round.year, *_publication_changes(assessment_round.year))
    towns = _designated_towns(user, held).select_related("county", "city")
    latest = held.filter(town=OuterRef("pk")).order_by("-from_year", "-pk")
    towns = towns.annotate(held_tier=Subquery(latest.values("tier")[:1]))
    if assessment_round.pk is None or not points_visible(user, assessment_round):
        towns = towns.annotate(
            filled=Value(0), composite=Value(None, output_field=Score._meta.get_field("points"))
        )
    else:
        scores = Score.objects.filter(round=assessment_round, town=OuterRef("pk")).order_by().values("town")
        towns = towns.annotate(
            filled=Coalesce(Subquery(scores.annotate(n=Count("pk")).values("n")), 0),
            composite=Subquery(scores.annotate(total=Sum("points")).values("total")),
        )
    if filled == "complete":
        towns = towns.filter(filled__gte=indicator_count)
    elif filled == "incomplete":
        towns = towns.filter(filled__gt=0, filled__lt=indicator_count)
    elif filled == "none":
        towns = towns.filter(filled=0)
    return towns


def score_sheet_points(
    user: User, assessment_round: AssessmentRound, towns: Sequence[Town]
) -> dict[str, dict[str, Decimal]]:
    """town code → {indicator code: points} of the listed towns (a page of the score sheet). One query."""
    if assessment_round.pk is None or not towns or not points_visible(user, assessment_round):
        return {}
    rows = Score.objects.filter(round=assessment_round, town_id__in=[town.code for town in towns])
    points = defaultdict(dict)
    for town_code, indicator_code, value in rows.order_by().values_list(
        "town_id", "indicator__code", "points"
    ):
        points[town_code][indicator_code] = value
    return points


def scored_town_count(user: User, assessment_round: AssessmentRound) -> int:
    """How many towns of the user's scope have points the user may see in the round."""
    if assessment_round.pk is None or not points_visible(user, assessment_round):
        return 0
    held = _held_in_year(assessment_round.year, *_publication_changes(assessment_round.year))
    scores = Score.objects.filter(round=assessment_round, town=OuterRef("pk"))
    return _designated_towns(user, held).filter(Exists(scores)).count()


# --- what-if (issue 8, point 8): one call of the pure rules, nothing written ---------------------------------


@dataclass(frozen=True)
class Simulation:
    inputs: rules.YearInputs
    draft: rules.YearOutcome  # the year as it stands
    outcome: rules.YearOutcome  # with the changes
    changes: tuple[rules.Change, ...]


def simulate(
    assessment_round: AssessmentRound,
    settings: Mapping[str, Decimal | int] | None = None,
    vetoes: Collection[str] = (),
    scores: Mapping[str, object] | None = None,
) -> Simulation:
    """The year as it stands and the year with changed settings, hypothetical vetoes and corrected points,
    side by side (rules.with_overrides, rules.assess_year, rules.compare). Reads only.

    settings: parsed values by name (services.parse_settings); vetoes: town codes; scores: {town code:
    {indicator code: points as given}}. Raises DomainError naming what is refused.
    """
    inputs = year_inputs(assessment_round)
    maxima = {indicator.code: indicator.max_points for indicator in round_indicators(assessment_round)}
    corrected, problems = {}, []
    for town, points in (scores or {}).items():
        if not isinstance(points, dict):
            problems.append(f"乡镇“{town}”的得分应为 {{指标代码: 得分}}")
            continue
        corrected[town] = {}
        for code, raw in points.items():
            if code not in maxima:
                problems.append(f"指标“{code}”不在 {assessment_round.year} 年的指标体系中")
                continue
            refusal = rules.points_refusal(raw, maxima[code])
            if refusal:
                problems.append(f"{town} {code}：{refusal}")
            else:
                corrected[town][code] = Decimal(str(raw)).quantize(Decimal("0.01"))
    if problems:
        raise DomainError("模拟条件有误：" + "；".join(problems), details=problems)
    merged = {
        "excellent_threshold": inputs.thresholds.excellent,
        "good_threshold": inputs.thresholds.good,
        "pass_threshold": inputs.thresholds.passing,
        "top_count": inputs.top_count,
        "bottom_count": inputs.bottom_count,
        **(settings or {}),
    }
    refusal = rules.settings_refusal(*(merged[name] for name in rules.SETTING_NAMES))
    if refusal:
        raise DomainError(refusal)
    try:
        changed = rules.with_overrides(inputs, settings=settings, vetoes=vetoes, scores=corrected)
        draft, outcome = rules.assess_year(inputs), rules.assess_year(changed)
    except ValueError as exc:
        raise DomainError(str(exc)) from None
    return Simulation(
        inputs=changed, draft=draft, outcome=outcome, changes=tuple(rules.compare(draft, outcome))
    )


# --- what a publication will change (issue 8, point 2) ---------------------------------------------------


def _entries(notice: Notice | None) -> tuple[tuple[str, str, Decimal | None, int | None, str, bool], ...]:
    if notice is None:
        return ()
    return tuple(
        sorted((r.town_id, r.tier, r.score, r.rank, r.grade, r.vetoed) for r in notice.results.all())
    )


@dataclass(frozen=True)
class NoticePlan:
    """A notice is re-issued (new number, the old one superseded) only when its list changes."""

    kind: str
    draft: Notice
    current: Notice | None
    reissue: bool
    towns_added: tuple[str, ...]
    towns_removed: tuple[str, ...]

    @classmethod
    def of(cls, kind: str, draft: Notice, current: Notice | None) -> NoticePlan:
        new, old = _entries(draft), _entries(current)
        new_towns, old_towns = {e[0] for e in new}, {e[0] for e in old}
        return cls(
            kind=kind,
            draft=draft,
            current=current,
            reissue=current is None or new != old,
            towns_added=tuple(sorted(new_towns - old_towns)),
            towns_removed=tuple(sorted(old_towns - new_towns)),
        )


@dataclass(frozen=True)
class PublicationPlan:
    """What publishing the computed draft will change (shown before it is confirmed, issue 8, point 2)."""

    year: int
    number: int
    notices: tuple[NoticePlan, ...]
    reconciliation: rules.Reconciliation
    talks_added: tuple[str, ...]
    talks_cancelled: tuple[str, ...]
    unexempted: tuple[str, ...]  # provincial towns without scores and without 免评
    former_tiers: dict[str, str] = field(default_factory=dict)  # revoked substitute → the tier it returns to

    @property
    def first(self) -> bool:
        return self.number == 1

    @property
    def reissued(self) -> tuple[NoticePlan, ...]:
        return tuple(plan for plan in self.notices if plan.reissue)

    @property
    def new_documents(self) -> int:
        corrections = 1 if (not self.first and self.reconciliation) else 0
        return len(self.reissued) + corrections

    @property
    def changes_nothing(self) -> bool:
        return (
            not self.reissued
            and not self.reconciliation
            and not self.talks_added
            and not self.talks_cancelled
        )


def publication_plan(assessment_round: AssessmentRound) -> PublicationPlan:
    """The changes publishing the round's computed draft would make; reads only."""
    if assessment_round.pk is None or assessment_round.state != RoundState.COMPUTED:
        raise DomainError(
            f"{assessment_round.year}年度评价当前为“{assessment_round.get_state_display()}”，须先运行计算。"
        )
    notices = []
    for kind in (NoticeKind.PRAISE, NoticeKind.CRITICISM):  # praise is numbered before criticism
        draft = assessment_round.notices.filter(kind=kind, status=ResultStatus.PROPOSED).first()
        current = assessment_round.notices.filter(kind=kind, status=ResultStatus.PUBLISHED).first()
        if draft is not None:
            notices.append(NoticePlan.of(kind, draft, current))
    eliminations = list(assessment_round.eliminations.filter(status=ResultStatus.PROPOSED))
    applied_out, applied_in = applied_changes(assessment_round)
    reconciliation = rules.reconcile(
        applied_out,
        applied_in,
        {e.town_id for e in eliminations},
        {e.substitute_id for e in eliminations if e.substitute_id},
    )
    draft_criticism = next((p.draft for p in notices if p.kind == NoticeKind.CRITICISM), None)
    criticised = {r.town_id for r in draft_criticism.results.all()} if draft_criticism else set()
    talks = {t.town_id: t.status for t in assessment_round.talks.all()}
    added = tuple(sorted(code for code in criticised if talks.get(code) in (None, TalkStatus.CANCELLED)))
    cancelled = tuple(
        sorted(
            code for code, status in talks.items() if code not in criticised and status == TalkStatus.PENDING
        )
    )
    unexempted = tuple(
        assessment_round.results.filter(
            status=ResultStatus.PROPOSED, tier=Tier.PROVINCIAL, assessed=False, exempt=False
        )
        .order_by("town_id")
        .values_list("town_id", flat=True)
    )
    former = {}
    if reconciliation.revoke:
        rows = PublicationChange.objects.filter(
            publication__round=assessment_round,
            town_id__in=reconciliation.revoke,
            effect=ChangeEffect.ENDED,
            cause=ChangeCause.SUBSTITUTION,
        ).order_by("id")
        former = {change.town_id: change.designation.tier for change in rows.select_related("designation")}
    number = (assessment_round.publications.aggregate(n=Max("number"))["n"] or 0) + 1
    return PublicationPlan(
        year=assessment_round.year,
        number=number,
        notices=tuple(notices),
        reconciliation=reconciliation,
        talks_added=added,
        talks_cancelled=cancelled,
        unexempted=unexempted,
        former_tiers=former,
    )


def visible_exemptions(user: User) -> QuerySet[Exemption]:
    return restrict(Exemption.objects.select_related("round", "town", "recorded_by"), user)


def publication_preview(plan: PublicationPlan) -> dict[str, object]:
    """The plan as pages and the API show it before it is confirmed: plain data, names resolved."""
    from towns.models import Town

    changes = plan.reconciliation
    codes = {
        *changes.restore,
        *changes.eliminate,
        *changes.revoke,
        *changes.promote,
        *plan.talks_added,
        *plan.talks_cancelled,
        *plan.unexempted,
    }
    for notice_plan in plan.notices:
        codes.update(notice_plan.towns_added, notice_plan.towns_removed)
    names = dict(Town.objects.filter(code__in=codes).values_list("code", "name"))

    def towns(items: Iterable[str]) -> list[dict[str, str]]:
        return [{"town_code": code, "town_name": names.get(code, code)} for code in items]

    designations = []
    for action in ReconcileAction:
        for code in getattr(changes, action.value):
            description = action.label
            if action == ReconcileAction.REVOKE and plan.former_tiers.get(code):
                description = f"撤销递补，恢复为{Tier(plan.former_tiers[code]).label}示范镇"
            designations.append(
                {
                    "action": action.value,
                    "action_label": action.label,
                    "town_code": code,
                    "town_name": names.get(code, code),
                    "description": f"{names.get(code, code)}：{description}",
                }
            )
    return {
        "year": plan.year,
        "number": plan.number,
        "first": plan.first,
        "changes_nothing": plan.changes_nothing,
        "new_documents": plan.new_documents,
        "notices": [
            {
                "kind": p.kind,
                "kind_label": NoticeKind(p.kind).label,
                "reissue": p.reissue,
                "current_doc_no": p.current.doc_no if p.current is not None else None,
                "towns_added": towns(p.towns_added),
                "towns_removed": towns(p.towns_removed),
            }
            for p in plan.notices
        ],
        "designations": designations,
        "talks_added": towns(plan.talks_added),
        "talks_cancelled": towns(plan.talks_cancelled),
        "unexempted": towns(plan.unexempted),
    }


def _outcome_payload(
    year: int,
    outcome: rules.YearOutcome,
    towns: Mapping[str, Town],
    cities: Mapping[str, str],
    user: User,
    status: str,
) -> dict[str, list[dict[str, object]]]:
    ranked = {town.town_code: town for tier in outcome.ranked.values() for town in tier}
    rankings = []
    order = {Tier.PROVINCIAL: 0, Tier.CITY: 1, Tier.COUNTY: 2}

    def town_fields(code: str) -> dict[str, str]:
        town = towns[code]
        return {
            "town_code": code,
            "town_name": town.name,
            "county": town.county_id,
            "county_name": town.county.name,
            "city": town.city_id,
            "city_name": town.city.name,
        }

    for code, result in sorted(ranked.items(), key=lambda item: (order[item[1].tier], item[1].rank, item[0])):
        rankings.append(
            {
                **town_fields(code),
                "year": year,
                "tier": result.tier,
                "tier_label": Tier(result.tier).label,
                "score": f"{result.score:.2f}",
                "rank": result.rank,
                "grade": result.grade,
                "grade_label": Grade(result.grade).label,
                "vetoed": result.vetoed,
                "assessed": True,
                "incomplete": code in outcome.incomplete,
                "exempt": False,
                "status": status,
            }
        )

    def entry(result: rules.Ranked) -> dict[str, object]:
        return {
            "town_code": result.town_code,
            "town_name": towns[result.town_code].name,
            "city": result.city_code,
            "tier": result.tier,
            "score": f"{result.score:.2f}",
            "rank": result.rank,
            "grade": result.grade,
            "grade_label": Grade(result.grade).label,
            "vetoed": result.vetoed,
        }

    notices = [
        {
            "id": None,
            "doc_no": None,
            "kind": kind,
            "kind_label": NoticeKind(kind).label,
            "year": year,
            "date": None,
            "status": status,
            "towns": [r.town_code for r in chosen],
            "superseded_by": None,
            "entries": [entry(r) for r in chosen],
        }
        for kind, chosen in ((NoticeKind.PRAISE, outcome.praised), (NoticeKind.CRITICISM, outcome.criticised))
    ]
    eliminations = []
    for s in outcome.substitutions:
        town = towns[s.eliminated_code]
        shown = s.substitute_code is None or covers(user, s.substitute_code)
        substitute = towns.get(s.substitute_code) if s.substitute_code and shown else None
        eliminations.append(
            {
                "year": year,
                "town_code": s.eliminated_code,
                "town_name": town.name,
                "city": town.city_id,
                "city_name": town.city.name,
                "substitute_code": substitute.code if substitute else None,
                "substitute_name": substitute.name if substitute else None,
                "substitute_city": substitute.city_id if substitute else None,
                "substitute_tier": s.substitute_tier if substitute else None,
                "substitute_score": f"{s.substitute_score:.2f}" if substitute else None,
                "substitute_disclosed": shown,
                "same_city": s.same_city,
                "status": status,
            }
        )
    under = [
        {"city": code, "city_name": cities.get(code, code), "count": count}
        for code, count in outcome.under_minimum.items()
    ]
    return {
        "rankings": rankings,
        "notices": notices,
        "eliminations": eliminations,
        "cities_under_minimum": under,
    }


def simulation_payload(simulation: Simulation, user: User) -> dict[str, object]:
    """The what-if as the API answers it and the page shows it: the simulated outcome in the item shapes of
    rankings, notices and eliminations, the draft beside it, and the changes (issue 8, point 8)."""
    from towns.models import Town

    inputs = simulation.inputs
    codes = [town.town_code for town in inputs.towns]
    towns = Town.objects.select_related("county", "city").in_bulk(codes)
    cities = dict(Region.objects.filter(level=RegionLevel.CITY).values_list("code", "name"))
    year = inputs.year
    changes = []
    for change in simulation.changes:
        kind = ChangeKind(change.kind)
        if kind == ChangeKind.UNDER_MINIMUM:
            name = cities.get(change.code, change.code)
        else:
            name = towns[change.code].name if change.code in towns else change.code
        before, after = change.before or "—", change.after or "—"
        changes.append(
            {
                "kind": kind.value,
                "kind_label": kind.label,
                "code": change.code,
                "name": name,
                "before": change.before,
                "after": change.after,
                "description": f"{name}{kind.label}：{before} → {after}",
            }
        )
    return {
        "year": year,
        "settings": {
            "excellent_threshold": f"{inputs.thresholds.excellent:.2f}",
            "good_threshold": f"{inputs.thresholds.good:.2f}",
            "pass_threshold": f"{inputs.thresholds.passing:.2f}",
            "top_count": inputs.top_count,
            "bottom_count": inputs.bottom_count,
        },
        **_outcome_payload(year, simulation.outcome, towns, cities, user, "simulated"),
        "draft": _outcome_payload(year, simulation.draft, towns, cities, user, "draft"),
        "changes": changes,
    }


# --- the pages' reads ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EliminationReview:
    """What the eliminations page shows a user (R9): the year's eliminations they may see, the results of
    the eliminated towns, which substitutes are not named to them, and the cities left under their minimum."""

    eliminations: list[Elimination]
    results: dict[str, Result]
    hidden: frozenset[int]
    cities: list[rules.CityShortfall]
    pending: bool
    problem: str = ""


def elimination_review(user: User, assessment_round: AssessmentRound) -> EliminationReview:
    year = assessment_round.year
    status = shown_status(user, assessment_round)
    eliminations = list(
        visible_eliminations(user)
        .filter(round__year=year, status=status)
        .select_related("town__county", "substitute__county")
        .order_by("town_id")
    )
    results = {
        result.town_id: result
        for result in visible_results(user).filter(
            round__year=year, status=status, town_id__in=[e.town_id for e in eliminations]
        )
    }
    hidden = frozenset(e.pk for e in eliminations if not substitute_disclosed(user, e))
    # R9 / R1: the provincial towns per city before the year's publication, after its changes.
    pending = []
    if status == ResultStatus.PROPOSED:
        pending = list(
            Elimination.objects.filter(round__year=year, status=ResultStatus.PROPOSED).select_related(
                "town", "substitute"
            )
        )
    view = designation_view(year)
    current = dict(view.provincial_by_city()) if pending else provincial_counts_by_city()
    out_cities = [e.town.city_id for e in pending if view.active.get(e.town_id) == Tier.PROVINCIAL]
    in_cities = [e.substitute.city_id for e in pending if e.substitute_id]
    names = dict(Region.objects.filter(level=RegionLevel.CITY).values_list("code", "name"))
    problem = ""
    try:
        shortfalls = rules.city_shortfalls(current, out_cities, in_cities, names)
    except ValueError as exc:
        problem, shortfalls = str(exc), []
    scope = scope_of(user)
    return EliminationReview(
        eliminations=eliminations,
        results=results,
        hidden=hidden,
        cities=[city for city in shortfalls if scope.covers_code(city.code)],
        pending=bool(pending),
        problem=problem,
    )


def notice_shown(
    user: User, assessment_round: AssessmentRound, kind: str, notice_id: str = ""
) -> tuple[Notice, list[Result], int | None] | None:
    """The notice a page shows (R8): the one in force (or the draft, to province roles), or a superseded one
    by its id; with its towns as the user may see them and the publication that issued it (its parameters).
    (notice, results, listed) or None."""
    notices = (
        visible_notices(user)
        .prefetch_related(None)
        .select_related("publication")
        .filter(round__year=assessment_round.year, kind=kind)
    )
    if notice_id:
        notice = notices.filter(pk=notice_id).first() if str(notice_id).isdigit() else None
    else:
        notice = notices.filter(status=shown_status(user, assessment_round)).first()
    if notice is None:
        return None
    results = notice.results.select_related("town__county", "town__city").order_by(
        F("rank").asc(nulls_last=True), "town_id"
    )
    listed = None
    if not scope_of(user).province_wide:
        listed = results.count()
        results = restrict(results, user)
    return notice, list(results), listed


def town_in_scope(user: User, code: str | None) -> Town | None:
    """The town of that code if the user's scope covers it, else None (an unknown code and a town outside
    the scope answer alike)."""
    from towns.models import Town

    return (
        restrict(Town.objects.select_related("county", "city"), user)
        .filter(code=(code or "").strip())
        .first()
    )


def result_summary(assessment_round: AssessmentRound, status: str) -> list[dict[str, object]]:
    """Per tier: designated, assessed, 未评, per grade and vetoed, from the round's results (one query)."""
    if assessment_round.pk is None:
        return []
    counts = (
        Result.objects.filter(round=assessment_round, status=status)
        .values_list("tier", "assessed", "grade", "vetoed")
        .annotate(n=Count("id"))
    )
    tiers = {}
    for tier, assessed, grade, vetoed, n in counts:
        line = tiers.setdefault(tier, Counter())
        line["total"] += n
        line["assessed" if assessed else "unassessed"] += n
        if assessed:
            line[grade] += n
        if vetoed:
            line["vetoed"] += n
    return [
        {"tier": tier, "label": label(Tier, tier), **tiers[tier]}
        for tier in sorted(tiers, key=lambda t: TIER_DISPLAY_ORDER.get(t, 9))
    ]


def round_notices(user: User, assessment_round: AssessmentRound) -> list[Notice]:
    """The year's notices a round page lists: in force and superseded (and the draft to province roles while
    it awaits publication), with how many towns each names."""
    if assessment_round.pk is None:
        return []
    notices = visible_notices(user).prefetch_related(None).filter(round=assessment_round)
    if shown_status(user, assessment_round) == ResultStatus.PUBLISHED:
        notices = notices.exclude(status=ResultStatus.PROPOSED)
    return list(notices.annotate(towns=Count("results")).order_by("kind", "-id"))


def round_publications(assessment_round: AssessmentRound) -> list[Publication]:
    if assessment_round.pk is None:
        return []
    return list(assessment_round.publications.select_related("published_by").prefetch_related("notices"))


def latest_publication(assessment_round: AssessmentRound) -> Publication | None:
    """The round's last publication (the documents it issued: a re-publication re-issues changed notices)."""
    return assessment_round.publications.order_by("-number").first()


def is_correcting(assessment_round: AssessmentRound) -> bool:
    """A published year reopened for correction (its settings may then be corrected too)."""
    return (
        assessment_round.pk is not None
        and assessment_round.state == RoundState.OPEN
        and assessment_round.publications.exists()
    )


def other_system_years(year: int) -> list[int]:
    return list(IndicatorSystem.objects.exclude(year=year).order_by("-year").values_list("year", flat=True))


def rounds_by_year() -> QuerySet[AssessmentRound]:
    return AssessmentRound.objects.select_related("system", "job").order_by("-year")


def ranking_results(
    user: User, assessment_round: AssessmentRound, tier: str, city: str = "", grade: str = ""
) -> list[Result]:
    """A tier's results as the ranking page lists them (R8): ranked first, 未评 after, by town code."""
    results = visible_results(user).filter(
        round__year=assessment_round.year, tier=tier, status=shown_status(user, assessment_round)
    )
    if city:
        results = results.filter(town__city_id=city)
    if grade:
        results = results.filter(assessed=True, grade=grade)
    return list(results.order_by(F("rank").asc(nulls_last=True), "town_id"))


def ranking_page_results(
    user: User, assessment_round: AssessmentRound, tier: str, city: str = "", grade: str = ""
) -> QuerySet[Result]:
    """ranking_results as a page reads it: a QuerySet, so that a page of a national tier costs its rows.
    Filtered on the round and the stored tier order, the ranking order (rank, 未评 last, town code) is the
    result_ranking index's own. Each row carries earlier_<year> for ranking_sorts' earlier-year keys."""
    if assessment_round.pk is None:
        return Result.objects.none()
    results = visible_results(user).filter(
        round=assessment_round,
        tier_order=TIER_DISPLAY_ORDER[tier],  # the tier itself, as the index holds it
        status=shown_status(user, assessment_round),
    )
    if city:
        results = results.filter(town__city_id=city)
    if grade:
        results = results.filter(assessed=True, grade=grade)
    return results


def ranked_earlier_years(user: User, results: QuerySet[Result], before_year: int) -> list[int]:
    """The published years before `before_year` in which any of the results' towns has a result the user
    may see, latest first (the ranking table's earlier-year columns). One aggregate query."""
    earlier = visible_results(user).filter(
        round__year__lt=before_year,
        status=ResultStatus.PUBLISHED,
        town_id__in=results.order_by().values("town_id"),
    )
    # No ordering: Meta.ordering's columns would widen the DISTINCT to every result.
    years = earlier.order_by().values_list("round__year", flat=True).distinct()
    return sorted(years, reverse=True)


def earlier_rank_annotations(user: User, years: Iterable[int]) -> dict[str, Subquery]:
    """earlier_<year>: the town's published rank that year (None without one), for sorting by it."""
    annotations = {}
    for year in years:
        rank = visible_results(user).filter(
            town=OuterRef("town_id"), round__year=year, status=ResultStatus.PUBLISHED
        )
        annotations[f"earlier_{year}"] = Subquery(rank.order_by().values("rank")[:1])
    return annotations


def results_in_order(user: User, ids: Sequence[int]) -> list[Result]:
    """The results of those ids with their towns, in the order of the ids. One query."""
    found = visible_results(user).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def published_results_of_region(user: User, assessment_round: AssessmentRound) -> list[Result]:
    """The published results of the towns of a regional user's scope, by tier, ranked first."""
    results = visible_results(user).filter(round__year=assessment_round.year, status=ResultStatus.PUBLISHED)
    return sorted(
        results, key=lambda r: (TIER_DISPLAY_ORDER.get(r.tier, 9), not r.assessed, r.rank or 0, r.town_id)
    )


def town_points(user: User, assessment_round: AssessmentRound, town: Town) -> dict[str, Decimal]:
    """indicator code → points of one town in the year, as far as the user may see them."""
    return dict(
        visible_scores(user)
        .filter(round__year=assessment_round.year, town=town)
        .values_list("indicator__code", "points")
    )


def round_vetoes(user: User, assessment_round: AssessmentRound) -> list[Veto]:
    return list(
        visible_vetoes(user)
        .filter(round__year=assessment_round.year)
        .select_related("town__county", "town__city")
        .order_by("town_id", "id")
    )


def round_exemptions(user: User, assessment_round: AssessmentRound) -> list[Exemption]:
    return list(
        visible_exemptions(user)
        .filter(round__year=assessment_round.year)
        .select_related("town__county", "town__city")
        .order_by("town_id")
    )


def round_talks(user: User, assessment_round: AssessmentRound) -> list[TalkFollowUp]:
    return list(
        visible_talks(user)
        .filter(round__year=assessment_round.year)
        .select_related("town__county")
        .order_by("status", "town_id")
    )


def pending_talks(user: User) -> list[TalkFollowUp]:
    """The pending 约谈 of the user's scope with their round, town, county and city, the earliest due first;
    one query."""
    return list(
        visible_talks(user)
        .filter(status=TalkStatus.PENDING)
        .select_related("town__county")
        .order_by("due_on", "round__year", "town_id")
    )


def unfinished_rounds() -> list[AssessmentRound]:
    """The years still to finish: open for scoring, or computed and awaiting publication; by year, with
    their indicator system; one query."""
    return list(
        AssessmentRound.objects.filter(state__in=[RoundState.OPEN, RoundState.COMPUTED])
        .select_related("system")
        .order_by("year")
    )


def due_talks(today: date, *, default_days: int) -> list[TalkFollowUp]:
    """The pending 约谈 due by today (one without a due date: created default_days ago or more), with their
    round, town, county and city, by due date and town code; one query."""
    cutoff = today - timedelta(days=default_days)
    return list(
        TalkFollowUp.objects.filter(status=TalkStatus.PENDING)
        .filter(Q(due_on__lte=today) | Q(due_on__isnull=True, created_at__date__lte=cutoff))
        .select_related("round", "town__county", "town__city")
        .order_by("due_on", "town_id")
    )


def designated_towns(year: int) -> list[Town]:
    """The towns designated in the year, by code, with their county (the vetoes form's choices)."""
    from towns.models import Town

    return list(
        Town.objects.filter(code__in=list(designated_in_year(year))).select_related("county").order_by("code")
    )


def unassessed_counts(years: Sequence[int]) -> dict[int, int]:
    """year → number of towns designated at some point of the year without any score and without 免评:
    three queries for any number of years (the round's detail lists them: `unassessed_towns`)."""
    years = sorted(set(years))
    if not years:
        return {}
    designations = list(
        Designation.objects.filter(from_year__lte=years[-1])
        .filter(Q(to_year__isnull=True) | Q(to_year__gte=years[0]))
        .values_list("town_id", "from_year", "to_year")
    )
    scored = set(Score.objects.filter(round__year__in=years).values_list("round__year", "town_id").distinct())
    scored |= set(Exemption.objects.filter(round__year__in=years).values_list("round__year", "town_id"))
    counts = {}
    for year in years:
        held = {town for town, start, end in designations if start <= year and (end is None or end >= year)}
        counts[year] = sum(1 for town in held if (year, town) not in scored)
    return counts


# --- dashboards (issue 10): published results grouped in SQL, one query each whatever the number of towns --


def _published_results(user: User, region: str | None) -> QuerySet[Result]:
    """The published results inside the user's scope and the region: the figures a dashboard shows every
    role alike (a draft awaiting publication stays on the assessment pages)."""
    return within_region(restrict(Result.objects.filter(status=ResultStatus.PUBLISHED), user), region)


def published_averages(
    user: User, *, by: str, region: str | None = None
) -> dict[tuple[int, str], tuple[Decimal, int]]:
    """(year, tier or code of the city / county / town) → (average composite score, towns scored) over the
    published results with a score (vetoed towns included, R7), inside the user's scope and the region."""
    key = "tier" if by == "tier" else town_lookup(by)
    rows = (
        _published_results(user, region)
        .filter(score__isnull=False)
        .order_by()
        .values("round__year", key)
        .annotate(average=Avg("score"), n=Count("id"))
    )
    return {(row["round__year"], row[key]): (Decimal(str(row["average"])), row["n"]) for row in rows}


def published_grades(user: User, *, region: str | None = None) -> dict[tuple[int, str, str], int]:
    """(year, tier, grade) → towns of that tier graded so in that year's published results (未评 and 免评
    towns carry no grade and are left out), inside the user's scope and the region."""
    rows = (
        _published_results(user, region)
        .exclude(grade="")
        .order_by()
        .values("round__year", "tier", "grade")
        .annotate(n=Count("id"))
    )
    return {(row["round__year"], row["tier"], row["grade"]): row["n"] for row in rows}


def published_town_scores(user: User, *, region: str | None = None) -> list[dict[str, object]]:
    """The scored towns of the latest published year inside the user's scope and the region, best first:
    round__year, town_id, town__name, town__county__name, tier, score, grade, rank. One query (the latest
    year is a subquery)."""
    results = _published_results(user, region).filter(score__isnull=False)
    latest = results.order_by("-round__year").values("round__year")[:1]
    return list(
        results.filter(round__year=Subquery(latest))
        .order_by("-score", "town_id")
        .values(
            "round__year", "town_id", "town__name", "town__county__name", "tier", "score", "grade", "rank"
        )
    )


def pending_assessment_decisions(user: User) -> dict[str, int]:
    """What awaits a decision of the provincial office: computed years not yet published (R9: the job
    proposes, a province_admin publishes), and talks (约谈, R8) not yet held inside the user's scope."""
    return {
        "rounds": AssessmentRound.objects.filter(state=RoundState.COMPUTED).count()
        if sees_proposed(user)
        else 0,
        "talks": restrict(TalkFollowUp.objects.filter(status=TalkStatus.PENDING), user).count(),
    }


# --- the ranking's export: a whole tier as plain values (issue 13, point 6) ---------------------------------


class RankedTown(NamedTuple):
    """What the ranking's sort keys read of a result's town (result__town__county_id …)."""

    code: str
    county_id: str
    city_id: str


@dataclass(frozen=True, slots=True)
class RankingLine:
    """One result as the ranking's export reads it: the values of one query row, no model built (a national
    county tier is 18k results)."""

    town_id: str
    town_name: str
    county_name: str
    city_name: str
    tier: str
    score: Decimal | None
    grade: str
    assessed: bool
    vetoed: bool
    status: str
    rank: int | None
    town: RankedTown


_RANKING_LINE_FIELDS = (
    "town_id",
    "town__name",
    "town__county__name",
    "town__city__name",
    "tier",
    "score",
    "grade",
    "assessed",
    "vetoed",
    "status",
    "rank",
    "town__county_id",
    "town__city_id",
)


def ranking_queryset(
    user: User, assessment_round: AssessmentRound, tier: str, city: str = "", grade: str = ""
) -> QuerySet[Result]:
    """The results ranking_results lists, unread: the export counts them before deciding to run as a job,
    and reads them only in the job."""
    results = visible_results(user).filter(
        round__year=assessment_round.year, tier=tier, status=shown_status(user, assessment_round)
    )
    if city:
        results = results.filter(town__city_id=city)
    if grade:
        results = results.filter(assessed=True, grade=grade)
    return results


def ranking_lines(results: QuerySet[Result]) -> list[RankingLine]:
    """The results of ranking_queryset as lines, in ranking_results' order; one query."""
    rows = results.order_by(F("rank").asc(nulls_last=True), "town_id").values_list(*_RANKING_LINE_FIELDS)
    return [RankingLine(*values[:11], town=RankedTown(values[0], values[11], values[12])) for values in rows]


def earlier_rank_years(user: User, results: QuerySet[Result], before_year: int) -> list[int]:
    """The published years before `before_year` in which any town of `results` has a result (the ranking's
    earlier columns), newest first; one query."""
    years = (
        _earlier_results(user, results, before_year)
        .order_by()
        .values_list("round__year", flat=True)
        .distinct()
    )
    return sorted(years, reverse=True)


def earlier_ranks_of(
    user: User, results: QuerySet[Result], before_year: int
) -> defaultdict[str, list[tuple[int, str, int | None]]]:
    """earlier_ranks for the towns of `results`, named by a subquery rather than a list of 18k codes."""
    history = defaultdict(list)
    rows = (
        _earlier_results(user, results, before_year)
        .order_by("town_id", "-round__year")
        .values_list("town_id", "round__year", "tier", "rank")
    )
    for code, year, tier, rank in rows:
        history[code].append((year, tier, rank))
    return history


def _earlier_results(user: User, results: QuerySet[Result], before_year: int) -> QuerySet[Result]:
    return visible_results(user).filter(
        town_id__in=results.values("town_id"), round__year__lt=before_year, status=ResultStatus.PUBLISHED
    )


def scoring_sheet_counts(user: User, assessment_round: AssessmentRound) -> tuple[int, int]:
    """(towns, towns with any points the user may see) of scoring_sheet, counted without reading the sheet:
    a national sheet is 320k points, read only once its export runs as a job. Two counts."""
    from towns.models import Town

    held = list(designated_in_year(assessment_round.year))
    towns = restrict(Town.objects.all(), user).filter(code__in=held).count()
    if assessment_round.pk is None:
        return towns, 0
    scored = (
        visible_scores(user)
        .filter(round=assessment_round, town_id__in=held)
        .order_by()
        .values("town_id")
        .distinct()
        .count()
    )
    return towns, scored
