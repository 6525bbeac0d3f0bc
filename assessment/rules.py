"""Pure decisions of the annual assessment (R7–R9): no ORM, no request. Tested without a database.

Grades, the province-wide ranking of a tier, praise and criticism, elimination after two years in the bottom
N, the choice of substitutes and the cities left under their minimum. The service reads the round, the
scores and the designations, calls these functions and stores what they return.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from core import formats
from core.vocabulary import label
from towns.choices import Tier

from .choices import ChangeKind, Grade

# R7; plan 六、(三): the default indicator system, one indicator per task area (R4), 100 points in all;
# groups 一…五: 20 / 25 / 15 / 25 / 15.
DEFAULT_INDICATORS = [
    ("T01", Decimal("10")),
    ("T02", Decimal("10")),
    ("T03", Decimal("9")),
    ("T04", Decimal("8")),
    ("T05", Decimal("8")),
    ("T06", Decimal("8")),
    ("T07", Decimal("7")),
    ("T08", Decimal("6")),
    ("T09", Decimal("6")),
    ("T10", Decimal("6")),
    ("T11", Decimal("7")),
    ("T12", Decimal("4")),
    ("T13", Decimal("4")),
    ("T14", Decimal("3")),
    ("T15", Decimal("4")),
]
SYSTEM_TOTAL = Decimal("100")

GRADE_EXCELLENT, GRADE_GOOD, GRADE_PASS, GRADE_FAIL = Grade.EXCELLENT, Grade.GOOD, Grade.PASS, Grade.FAIL

TIER_PROVINCIAL, TIER_CITY, TIER_COUNTY = Tier.PROVINCIAL, Tier.CITY, Tier.COUNTY
# R9: at equal score a city-level substitute comes before a county-level one.
SUBSTITUTE_TIER_ORDER = {TIER_CITY: 0, TIER_COUNTY: 1}

DEFAULT_PRAISE_COUNT = 5  # R8; plan 六、(三): 前5名
DEFAULT_CRITICISM_COUNT = 5  # R8: N is a setting of the round, default 5
PROVINCIAL_CITY_MINIMUM = 2  # R1; plan 五、(一): 每个市（州）至少 2 个省级示范镇


# --- R7 indicator system and grades ----------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    """The grade thresholds, settings of the year's assessment round (R7)."""

    excellent: Decimal = Decimal("90")
    good: Decimal = Decimal("80")
    passing: Decimal = Decimal("60")


def system_total_refusal(max_points: Sequence[Decimal]) -> str | None:
    """Why an indicator system's maximum points are refused, or None. R7; plan 六、(三).

    Every indicator has a maximum above 0, and the maximums add up to exactly 100.
    """
    if not max_points:
        return "评价指标体系没有任何指标，各指标满分合计应为 100 分。"
    for number, points in enumerate(max_points, start=1):
        if points <= 0:
            return f"第 {number} 项指标的满分为 {formats.points(points)} 分，每项指标的满分应大于 0。"
    total = sum(max_points, Decimal("0"))
    if total != SYSTEM_TOTAL:
        return f"各指标满分合计为 {formats.points(total)} 分，应为 100 分。"
    return None


def grade(score: Decimal, vetoed: bool, thresholds: Thresholds) -> str:
    """R7; plan 六、(三): 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, otherwise 不合格 (thresholds of the round).

    A threshold itself belongs to the higher grade (exactly 90 is 优秀). A vetoed town (一票否决) is
    不合格 whatever its score.
    """
    if vetoed:
        return GRADE_FAIL
    if score >= thresholds.excellent:
        return GRADE_EXCELLENT
    if score >= thresholds.good:
        return GRADE_GOOD
    if score >= thresholds.passing:
        return GRADE_PASS
    return GRADE_FAIL


# --- R8 ranking, praise and criticism ----------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One assessed town of one tier in one year: its composite score and whether a veto item applies."""

    town_code: str
    city_code: str
    tier: str  # provincial | city | county
    score: Decimal
    vetoed: bool


@dataclass(frozen=True)
class Ranked:
    town_code: str
    city_code: str
    tier: str
    score: Decimal
    vetoed: bool
    rank: int
    grade: str

    @property
    def grade_label(self) -> str:
        return Grade(self.grade).label


def rank_tier(entries: Sequence[Entry], thresholds: Thresholds) -> list[Ranked]:
    """R8; plan 六、(三): one tier ranked province-wide by composite score, highest first.

    Standard competition ranking (1, 2, 2, 4): equal scores share a rank and the next rank skips as many
    places as towns tied. Vetoed towns (R7) rank below every town without a veto, whatever their score;
    among themselves by score, the numbering continuing (with 8 towns without a veto, the best vetoed town
    is 9th). Returned in rank order, tied towns by town code.

    Raises ValueError for entries of several tiers, an unknown tier, or a town entered twice.
    """
    tiers = {entry.tier for entry in entries}
    if len(tiers) > 1:
        labels = "、".join(label(Tier, tier) for tier in sorted(tiers))
        raise ValueError(f"排名只能在同一层级内进行，而这些记录分属{labels}。")
    unknown = tiers - set(Tier.values)
    if unknown:
        raise ValueError(f"未知的示范镇层级“{unknown.pop()}”。")
    counts = Counter(entry.town_code for entry in entries)
    repeated = sorted(code for code, count in counts.items() if count > 1)
    if repeated:
        raise ValueError(f"同一个镇在同一年度同一层级只能有一条考核记录：{'、'.join(repeated)}。")

    ordered = sorted(entries, key=lambda entry: (entry.vetoed, -entry.score, entry.town_code))
    ranked = []
    for position, entry in enumerate(ordered, start=1):
        previous = ranked[-1] if ranked else None
        if previous is not None and (previous.vetoed, previous.score) == (entry.vetoed, entry.score):
            rank = previous.rank
        else:
            rank = position
        ranked.append(
            Ranked(
                town_code=entry.town_code,
                city_code=entry.city_code,
                tier=entry.tier,
                score=entry.score,
                vetoed=entry.vetoed,
                rank=rank,
                grade=grade(entry.score, entry.vetoed, thresholds),
            )
        )
    return ranked


def _provincial_in_rank_order(ranked: Sequence[Ranked], purpose: str) -> list[Ranked]:
    others = sorted({town.tier for town in ranked if town.tier != TIER_PROVINCIAL})
    if others:
        labels = "、".join(label(Tier, tier) for tier in others)
        raise ValueError(f"{purpose}只针对省级示范镇，不能包含{labels}示范镇。")
    return sorted(ranked, key=lambda town: (town.rank, town.town_code))


def _check_count(count: int, what: str) -> None:
    if count < 0:
        raise ValueError(f"{what}不能为负数。")


def praised(ranked: Sequence[Ranked], top_count: int = DEFAULT_PRAISE_COUNT) -> list[Ranked]:
    """R8; plan 六、(三) 对综合考核前5名的省级示范镇通报表扬: the provincial towns ranked within the top
    `top_count`, a tie across the boundary including every tied town (ranks 1, 2, 3, 4, 5, 5, 5 → 7 towns;
    1, 2, 3, 4, 4, 6 → 5 towns). A vetoed town is never praised. In rank order.

    Raises ValueError if the ranking is not of provincial towns.
    """
    _check_count(top_count, "通报表扬名额")
    towns = _provincial_in_rank_order(ranked, "通报表扬")
    return [town for town in towns if not town.vetoed and town.rank <= top_count]


def criticised(ranked: Sequence[Ranked], bottom_count: int = DEFAULT_CRITICISM_COUNT) -> list[Ranked]:
    """R8; plan 六、(三) 对排名靠后的省级示范镇通报批评: the bottom `bottom_count` provincial towns.

    Counted from the bottom, vetoed towns being the bottom; the N-th town from the bottom sets the boundary
    and every town of the same standing (same veto and score, hence same rank) is included: scores
    95, 90, 85, 70, 70, 70, 60 with N = 2 → the 60 and all three 70s. Fewer than N towns → all of them.
    In rank order (the worst last).

    Raises ValueError if the ranking is not of provincial towns.
    """
    _check_count(bottom_count, "通报批评名额")
    towns = _provincial_in_rank_order(ranked, "通报批评")
    if bottom_count == 0 or not towns:
        return []
    if len(towns) <= bottom_count:
        return towns
    boundary = towns[-bottom_count].rank
    return [town for town in towns if town.rank >= boundary]


# --- R9 elimination and substitution -----------------------------------------------------------------------


def eliminated(
    this_year_bottom: Iterable[str],
    last_year_bottom: Iterable[str] | None,
    provincial_both_years: Iterable[str],
) -> list[str]:
    """R9; plan 六、(三) 对连续两年考核靠后的予以淘汰: a provincial town in the bottom N this year and in the
    previous assessment year, a provincial town in both years. Without a published previous year
    (last_year_bottom None) nobody is eliminated. Sorted town codes.
    """
    if last_year_bottom is None:
        return []
    return sorted(set(this_year_bottom) & set(last_year_bottom) & set(provincial_both_years))


@dataclass(frozen=True)
class Candidate:
    """A possible substitute: a town with an active city- or county-level designation assessed this year."""

    town_code: str
    city_code: str
    tier: str
    score: Decimal
    grade: str


@dataclass(frozen=True)
class Substitution:
    eliminated_code: str
    eliminated_city: str
    substitute_code: str | None
    substitute_tier: str | None
    substitute_score: Decimal | None
    same_city: bool


def _substitute_key(candidate: Candidate) -> tuple[Decimal, int, str]:
    return (-candidate.score, SUBSTITUTE_TIER_ORDER[candidate.tier], candidate.town_code)


def substitute_candidates(ranked_towns: Iterable[Ranked], active_codes: Container[str]) -> list[Candidate]:
    """R9: the towns that may substitute this year, best first.

    ranked_towns: the year's ranked city- and county-level towns (Ranked). active_codes: the towns whose
    city-level or county-level designation is active when the run starts, as it stood before this year's
    own publication (the service builds it so): a town withdrawn, eliminated or already provincial is not in
    it. A candidate is graded 优秀 and has no veto. Ordered by score, city-level before county-level at
    equal score, then the lower town code.
    """
    pool = [
        Candidate(town.town_code, town.city_code, town.tier, town.score, town.grade)
        for town in ranked_towns
        if town.tier in SUBSTITUTE_TIER_ORDER
        and town.town_code in active_codes
        and not town.vetoed
        and town.grade == GRADE_EXCELLENT
    ]
    return sorted(pool, key=_substitute_key)


def substitutes(
    eliminated_towns: Sequence[tuple[str, str]], candidates: Iterable[Candidate]
) -> list[Substitution]:
    """R9; plan 六、(三) 由考核优秀的市、县级示范镇递补: one substitute for each eliminated town, assigned as a
    whole rather than town by town.

    eliminated_towns: (town_code, city_code) of the eliminated towns, the worst-ranked first (the service
    passes them so). candidates: the possible substitutes (graded 优秀, with an active city- or county-level
    designation; see substitute_candidates); only those graded 优秀 at city or county level are considered.

    First pass, same city: every eliminated town takes the best remaining candidate of its own city, if its
    city has one, before any eliminated town draws on the province-wide pool; within a city the worst-ranked
    eliminated town takes the best candidate. Second pass, the province: the eliminated towns still without a
    substitute take the best remaining candidates of the whole province, the worst-ranked eliminated town
    first. Why the worst first: the set of towns promoted from the pool is the same whatever the order (the
    best remaining candidates, as many as there are towns to replace), so the order decides only which
    elimination a promotion is recorded against and, when the pool runs short, which elimination goes
    without a substitute; taking the eliminated towns in the order of the criticism notice (worst first) makes
    that deterministic and independent of how the towns were listed. No town is promoted twice. At equal
    score a city-level town comes before a county-level one, then the lower town code. When none is left,
    substitute_code is None. Returned in the order of eliminated_towns.
    """
    pool = sorted(
        (
            candidate
            for candidate in candidates
            if candidate.grade == GRADE_EXCELLENT and candidate.tier in SUBSTITUTE_TIER_ORDER
        ),
        key=_substitute_key,
    )
    used, chosen = set(), {}
    for town_code, city_code in eliminated_towns:
        same_city = next(
            (c for c in pool if c.city_code == city_code and c.town_code not in used),
            None,
        )
        if same_city is not None:
            used.add(same_city.town_code)
            chosen[town_code] = same_city
    for town_code, _city_code in eliminated_towns:
        if town_code in chosen:
            continue
        best = next((c for c in pool if c.town_code not in used), None)
        if best is not None:
            used.add(best.town_code)
            chosen[town_code] = best
    result = []
    for town_code, city_code in eliminated_towns:
        candidate = chosen.get(town_code)
        if candidate is None:
            result.append(Substitution(town_code, city_code, None, None, None, False))
            continue
        result.append(
            Substitution(
                eliminated_code=town_code,
                eliminated_city=city_code,
                substitute_code=candidate.town_code,
                substitute_tier=candidate.tier,
                substitute_score=candidate.score,
                same_city=candidate.city_code == city_code,
            )
        )
    return result


def cities_under_minimum(
    provincial_by_city: Mapping[str, int],
    eliminated_cities: Iterable[str],
    substitute_cities: Iterable[str],
    minimum: int = PROVINCIAL_CITY_MINIMUM,
) -> dict[str, int]:
    """R9 / R1; plan 五、(一): the provincial towns per city after the eliminations and substitutions.

    provincial_by_city: the active provincial towns per city before the changes; pass every city (also
    those with 0) so that a city without any is flagged. eliminated_cities and substitute_cities: one city
    code per eliminated town and per substitute. Returns {city_code: count} of the cities left under the
    minimum, by city code.
    """
    counts = Counter(provincial_by_city)
    counts.subtract(eliminated_cities)
    counts.update(substitute_cities)
    negative = sorted(city for city, count in counts.items() if count < 0)
    if negative:
        raise ValueError(f"淘汰的省级示范镇多于该市（州）现有的省级示范镇：{'、'.join(negative)}。")
    return {city: counts[city] for city in sorted(counts) if counts[city] < minimum}


@dataclass(frozen=True)
class CityShortfall:
    """A city left under its minimum of provincial towns by a year's changes (R9 / R1)."""

    code: str
    name: str
    current: int
    eliminated: int
    substituted: int
    after: int

    @property
    def shortfall(self) -> int:
        return PROVINCIAL_CITY_MINIMUM - self.after


def city_shortfalls(
    provincial_by_city: Mapping[str, int],
    eliminated_cities: Collection[str],
    substitute_cities: Collection[str],
    names: Mapping[str, str] | None = None,
) -> list[CityShortfall]:
    """R9 / R1: the cities left under the minimum with what brought them there, by city code
    (cities_under_minimum, with the counts a reader needs beside it). names: city code → name."""
    names = names or {}
    under = cities_under_minimum(provincial_by_city, eliminated_cities, substitute_cities)
    out, into = Counter(eliminated_cities), Counter(substitute_cities)
    return [
        CityShortfall(
            code, names.get(code, code), provincial_by_city.get(code, 0), out[code], into[code], after
        )
        for code, after in under.items()
    ]


def notice_doc_no(prefix: str, year: int, number: int) -> str:
    """R8: the document number of a notice (通报), e.g. 吉示范镇办〔2024〕3号."""
    if number < 1:
        raise ValueError(f"文号序号应为正整数，而不是 {number}。")
    return f"{prefix}〔{year}〕{number}号"


def points_refusal(raw: object, max_points: Decimal) -> str | None:
    """R7: a score outside 0 … the indicator's maximum is refused (two decimals at most); None when fine."""
    try:
        points = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return f"得分“{raw}”不是有效的数字"
    if not points.is_finite():
        return f"得分“{raw}”不是有效的数字"
    if points < 0 or points > max_points:
        return f"得分 {raw} 超出 0–{max_points} 分"
    if points != points.quantize(Decimal("0.01")):
        return "得分最多保留两位小数"
    return None


# --- a whole year as one function (R7–R9): the job, the what-if and the re-run all call it ----------------


@dataclass(frozen=True)
class TownInput:
    """One town designated in the year, at the tier it held during the year before the year's own
    publication, with its points per indicator code, its veto and its exemption (免评)."""

    town_code: str
    city_code: str
    tier: str
    points: tuple[tuple[str, Decimal], ...] = ()  # ((indicator code, Decimal points), …)
    vetoed: bool = False
    exempt: bool = False

    @property
    def total(self) -> Decimal:
        return sum((points for _code, points in self.points), Decimal("0"))


@dataclass(frozen=True)
class PreviousYear:
    """What the two-year rule reads of the previous year's published results (R9)."""

    criticised: frozenset[str]
    provincial: frozenset[str]


@dataclass(frozen=True)
class YearInputs:
    """Everything a year's assessment depends on, and nothing else (issue 8, point 1).

    active_lower_tier: towns whose city- or county-level designation is active when the run starts, as it
    stood before the year's own publication (the candidates for substitution). active_provincial: towns
    with an active provincial designation before the year's publication; provincial_by_city counts them per
    city, every city of the province listed (0 too).
    """

    year: int
    thresholds: Thresholds
    top_count: int
    bottom_count: int
    indicator_codes: frozenset[str]
    towns: tuple[TownInput, ...]
    previous: PreviousYear | None = None
    active_lower_tier: frozenset[str] = frozenset()
    active_provincial: frozenset[str] = frozenset()
    provincial_by_city: tuple[tuple[str, int], ...] = ()  # ((city code, count), …)


@dataclass(frozen=True)
class YearOutcome:
    ranked: dict[str, tuple[Ranked, ...]] = field(default_factory=dict)  # tier → Ranked, in rank order
    unassessed: tuple[str, ...] = ()  # designated, no points, not exempt
    exempt: tuple[str, ...] = ()
    incomplete: tuple[str, ...] = ()  # some indicators scored, not all (评分不完整)
    praised: tuple[Ranked, ...] = ()
    criticised: tuple[Ranked, ...] = ()
    substitutions: tuple[Substitution, ...] = ()
    under_minimum: dict[str, int] = field(default_factory=dict)

    @property
    def eliminated(self) -> tuple[str, ...]:
        return tuple(s.eliminated_code for s in self.substitutions)

    @property
    def substitute_codes(self) -> tuple[str, ...]:
        return tuple(s.substitute_code for s in self.substitutions if s.substitute_code)

    def result_of(self, town_code: str) -> Ranked | None:
        for towns in self.ranked.values():
            for town in towns:
                if town.town_code == town_code:
                    return town
        return None


def assess_year(inputs: YearInputs) -> YearOutcome:
    """R7–R9; plan 六、(三): the whole year's outcome from its inputs alone.

    Composite score = sum of points; towns without any points are 未评 (or 免评 when exempt) and stay out of
    ranks, notices and eliminations; a town with some but not all indicators scored is ranked on what it
    has and listed as 评分不完整. Each tier is ranked province-wide (rank_tier), the provincial towns praised
    and criticised (praised, criticised), towns in the bottom N this year and last year eliminated
    (eliminated), substitutes assigned as a whole (substitutes) and the cities left under their minimum
    flagged (cities_under_minimum). A function of `inputs` only: running it again gives the same outcome.
    """
    by_tier, unassessed, exempt, incomplete = {}, [], [], []
    for town in sorted(inputs.towns, key=lambda t: t.town_code):
        if town.exempt:
            exempt.append(town.town_code)
            continue
        if not town.points:
            unassessed.append(town.town_code)
            continue
        if {code for code, _points in town.points} != set(inputs.indicator_codes):
            incomplete.append(town.town_code)
        by_tier.setdefault(town.tier, []).append(
            Entry(town.town_code, town.city_code, town.tier, town.total, town.vetoed)
        )
    ranked = {tier: tuple(rank_tier(entries, inputs.thresholds)) for tier, entries in by_tier.items()}
    provincial = list(ranked.get(TIER_PROVINCIAL, ()))
    praise = tuple(praised(provincial, inputs.top_count))
    criticism = tuple(criticised(provincial, inputs.bottom_count))

    previous = inputs.previous
    out = eliminated(
        {town.town_code for town in criticism},
        None if previous is None else previous.criticised,
        set() if previous is None else previous.provincial & {town.town_code for town in provincial},
    )
    worst_first = sorted(
        (town for town in provincial if town.town_code in out), key=lambda t: (-t.rank, t.town_code)
    )
    lower = [town for tier in (TIER_CITY, TIER_COUNTY) for town in ranked.get(tier, ())]
    candidates = substitute_candidates(lower, inputs.active_lower_tier)
    substitutions = tuple(substitutes([(t.town_code, t.city_code) for t in worst_first], candidates))
    city_of = {candidate.town_code: candidate.city_code for candidate in candidates}
    under = cities_under_minimum(
        dict(inputs.provincial_by_city),
        [s.eliminated_city for s in substitutions if s.eliminated_code in inputs.active_provincial],
        [city_of[s.substitute_code] for s in substitutions if s.substitute_code],
    )
    return YearOutcome(
        ranked=ranked,
        unassessed=tuple(unassessed),
        exempt=tuple(exempt),
        incomplete=tuple(incomplete),
        praised=praise,
        criticised=criticism,
        substitutions=substitutions,
        under_minimum=under,
    )


@dataclass(frozen=True)
class DesignationPeriod:
    """One designation as the assessment reads it (R2)."""

    pk: int
    town_code: str
    city_code: str
    tier: str
    from_year: int
    to_year: int | None


def designations_before_publication(
    rows: Iterable[DesignationPeriod], began: Container[int], ended: Container[int], year: int
) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """R9, issue 8 point 1: the designations as they stood before the publications of `year` (and of later
    years): rows begun by such a publication (`began`, their ids) left out, rows ended by one (`ended`) taken as
    still active. Returns (held, active): held maps every town designated at some point of the year to
    (tier, city) of the latest such designation (by from_year, then id); active maps each town with an active
    designation to its tier.

    Because a year never reads its own publication's changes, publishing a year and running it again reads
    the same towns at the same tiers: a re-run is a fixed point.
    """
    held, active = {}, {}
    for row in sorted(rows, key=lambda r: (r.from_year, r.pk)):
        if row.pk in began:
            continue
        to_year = None if row.pk in ended else row.to_year
        if to_year is None:
            active[row.town_code] = row.tier
        if row.from_year <= year and (to_year is None or to_year >= year):
            held[row.town_code] = (row.tier, row.city_code)
    return dict(sorted(held.items())), active


def scoring_gaps(inputs: YearInputs) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """R7 (issue 8, point 7): (incomplete, unassessed) town codes of the year: designated towns with some
    but not all indicators scored, and those with none; exempt towns (免评) are neither."""
    codes = set(inputs.indicator_codes)
    incomplete, unassessed = [], []
    for town in sorted(inputs.towns, key=lambda t: t.town_code):
        if town.exempt:
            continue
        scored = {code for code, _points in town.points}
        if not scored:
            unassessed.append(town.town_code)
        elif scored != codes:
            incomplete.append(town.town_code)
    return tuple(incomplete), tuple(unassessed)


SETTING_NAMES = ("excellent_threshold", "good_threshold", "pass_threshold", "top_count", "bottom_count")


def settings_refusal(
    excellent: Decimal, good: Decimal, passing: Decimal, top_count: int, bottom_count: int
) -> str | None:
    """R7, R8: why a round's settings are refused, or None: 100 ≥ 优秀 ≥ 良好 ≥ 合格 ≥ 0, names at least 1."""
    if not (Decimal("100") >= excellent >= good >= passing >= Decimal("0")):
        return "分数线应满足 100 ≥ 优秀 ≥ 良好 ≥ 合格 ≥ 0。"
    if top_count < 1 or bottom_count < 1:
        return "表扬和批评名额至少为 1。"
    return None


def with_overrides(
    inputs: YearInputs,
    settings: Mapping[str, Decimal | int] | None = None,
    vetoes: Collection[str] = (),
    scores: Mapping[str, Mapping[str, Decimal]] | None = None,
) -> YearInputs:
    """R7–R9 what-if (issue 8, point 8): the same year with changed settings, hypothetical vetoes and
    corrected points {town code: {indicator code: points}}. Pure: returns new inputs, changes nothing.

    Raises ValueError naming a town that is not designated in the year or an indicator not in its system.
    """
    settings = dict(settings or {})
    thresholds = Thresholds(
        settings.get("excellent_threshold", inputs.thresholds.excellent),
        settings.get("good_threshold", inputs.thresholds.good),
        settings.get("pass_threshold", inputs.thresholds.passing),
    )
    towns = {town.town_code: town for town in inputs.towns}
    for code in list(vetoes) + list((scores or {}).keys()):
        if code not in towns:
            raise ValueError(f"乡镇“{code}”在 {inputs.year} 年不是示范镇。")
    for code in vetoes:
        towns[code] = replace(towns[code], vetoed=True)
    for code, corrected in (scores or {}).items():
        unknown = sorted(set(corrected) - set(inputs.indicator_codes))
        if unknown:
            raise ValueError(f"指标“{'、'.join(unknown)}”不在 {inputs.year} 年的指标体系中。")
        points = dict(towns[code].points)
        points.update(corrected)
        towns[code] = replace(towns[code], points=tuple(sorted(points.items())), exempt=False)
    return replace(
        inputs,
        thresholds=thresholds,
        top_count=settings.get("top_count", inputs.top_count),
        bottom_count=settings.get("bottom_count", inputs.bottom_count),
        towns=tuple(towns[code] for code in sorted(towns)),
    )


@dataclass(frozen=True)
class Change:
    """One difference between two outcomes of the same year, as a reader would name it."""

    kind: str  # a ChangeKind
    code: str  # a town code, or a city code for under_minimum
    before: str | None
    after: str | None


def _ranks(outcome: YearOutcome) -> dict[str, Ranked]:
    return {town.town_code: town for towns in outcome.ranked.values() for town in towns}


def compare(before: YearOutcome, after: YearOutcome) -> list[Change]:
    """What changes from one outcome of a year to another (issue 8, point 8): ranks, grades, praise and
    criticism lists, eliminations, substitutes and cities under their minimum; by kind, then code."""
    changes = []
    old, new = _ranks(before), _ranks(after)
    for code in sorted(old.keys() | new.keys()):
        a, b = old.get(code), new.get(code)
        rank_a = None if a is None else f"{Tier(a.tier).label}第{a.rank}名（{formats.points(a.score)}分）"
        rank_b = None if b is None else f"{Tier(b.tier).label}第{b.rank}名（{formats.points(b.score)}分）"
        if rank_a != rank_b:
            changes.append(Change(ChangeKind.RANK, code, rank_a, rank_b))
        grade_a = None if a is None else Grade(a.grade).label
        grade_b = None if b is None else Grade(b.grade).label
        if grade_a != grade_b:
            changes.append(Change(ChangeKind.GRADE, code, grade_a, grade_b))
    for kind, a_list, b_list in (
        (ChangeKind.PRAISE, before.praised, after.praised),
        (ChangeKind.CRITICISM, before.criticised, after.criticised),
    ):
        a_codes, b_codes = {t.town_code for t in a_list}, {t.town_code for t in b_list}
        for code in sorted(a_codes ^ b_codes):
            changes.append(
                Change(kind, code, "列入" if code in a_codes else None, "列入" if code in b_codes else None)
            )
    a_out, b_out = set(before.eliminated), set(after.eliminated)
    for code in sorted(a_out ^ b_out):
        changes.append(
            Change(
                ChangeKind.ELIMINATION,
                code,
                "淘汰" if code in a_out else None,
                "淘汰" if code in b_out else None,
            )
        )
    a_sub, b_sub = set(before.substitute_codes), set(after.substitute_codes)
    for code in sorted(a_sub ^ b_sub):
        changes.append(
            Change(
                ChangeKind.SUBSTITUTE,
                code,
                "递补" if code in a_sub else None,
                "递补" if code in b_sub else None,
            )
        )
    for city in sorted(before.under_minimum.keys() | after.under_minimum.keys()):
        a_count, b_count = before.under_minimum.get(city), after.under_minimum.get(city)
        if a_count != b_count:
            changes.append(
                Change(
                    ChangeKind.UNDER_MINIMUM,
                    city,
                    None if a_count is None else f"{a_count} 个省级示范镇",
                    None if b_count is None else f"{b_count} 个省级示范镇",
                )
            )
    order = list(ChangeKind)
    return sorted(changes, key=lambda change: (order.index(change.kind), change.code))


# --- corrections: the designations follow the corrected result (issue 8, point 2) ------------------------


@dataclass(frozen=True)
class Reconciliation:
    """The designation changes that bring what a year's earlier publications applied in line with its
    corrected result: reverse eliminations (restore), eliminate, revoke promotions, promote."""

    restore: tuple[str, ...] = ()
    eliminate: tuple[str, ...] = ()
    revoke: tuple[str, ...] = ()
    promote: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.restore or self.eliminate or self.revoke or self.promote)


def reconcile(
    applied_eliminated: Iterable[str],
    applied_substitutes: Iterable[str],
    eliminated_now: Iterable[str],
    substitutes_now: Iterable[str],
) -> Reconciliation:
    """R9 under corrections: a town no longer eliminated holds its provincial designation again; a
    substitute no longer needed loses the promotion; a new elimination or substitute is applied as usual;
    a town in both stays as it is. Sorted town codes in each list."""
    applied_eliminated, applied_substitutes = set(applied_eliminated), set(applied_substitutes)
    eliminated_now, substitutes_now = set(eliminated_now), set(substitutes_now)
    return Reconciliation(
        restore=tuple(sorted(applied_eliminated - eliminated_now)),
        eliminate=tuple(sorted(eliminated_now - applied_eliminated)),
        revoke=tuple(sorted(applied_substitutes - substitutes_now)),
        promote=tuple(sorted(substitutes_now - applied_substitutes)),
    )


def apply_reconciliation(provincial: Iterable[str], reconciliation: Reconciliation) -> set[str]:
    """The set of provincial towns after the changes (what publishing does to the designations)."""
    after = set(provincial)
    after -= set(reconciliation.eliminate)
    after |= set(reconciliation.restore)
    after -= set(reconciliation.revoke)
    after |= set(reconciliation.promote)
    return after


# --- R8 a notice's publication parameters (GB/T 9704-2012: 发文机关, 成文日期, 主送, 抄送, 印发) ----------------

DEFAULT_ISSUER = "吉林省示范镇建设工作协调机制办公室"
DEFAULT_RECIPIENTS = "各市（州）、县（市、区）示范镇建设工作协调机制办公室"
# The office is housed in 省住房和城乡建设厅; the member departments read every notice (DOMAIN, users).
DEFAULT_COPIED_TO = "省住房和城乡建设厅，省发展和改革委员会，省财政厅，省自然资源厅，省农业农村厅"
# The longest text each may have: the 发文机关标志 is one line of the text block (28 characters of 3号 at
# the smallest mark size); the 印发机关 defaults to the issuer.
NOTICE_TEXT_LIMITS = {"issuer": 28, "recipients": 200, "copied_to": 300, "printer": 28}
NOTICE_LABELS = {
    "issuer": "发文机关",
    "signed_on": "成文日期",
    "recipients": "主送机关",
    "copied_to": "抄送机关",
    "printer": "印发机关",
    "printed_on": "印发日期",
}


@dataclass(frozen=True)
class NoticeParameters:
    """What a publication sets on the notices it issues (R8): the issuing authority (发文机关, shown as the
    red mark and the signature), the date signed (成文日期), the addressees (主送), the copies (抄送, may be
    empty), and who printed it when (印发机关, 印发日期) in the 版记."""

    issuer: str
    signed_on: date
    recipients: str
    copied_to: str
    printer: str
    printed_on: date


def _one_line(value: object) -> str:
    return " ".join(str(value).split())


def notice_parameters(
    *,
    today: date,
    issuer: str | None = None,
    signed_on: date | None = None,
    recipients: str | None = None,
    copied_to: str | None = None,
    printer: str | None = None,
    printed_on: date | None = None,
) -> NoticeParameters:
    """The parameters with their defaults filled in: None means the default (the office, today, every city
    and county office, the member departments, the office, the date signed); text is taken as one line,
    and the 抄送's closing 。 is left to the 版记, which adds it."""
    issuer = DEFAULT_ISSUER if issuer is None else _one_line(issuer)
    signed_on = today if signed_on is None else signed_on
    return NoticeParameters(
        issuer=issuer,
        signed_on=signed_on,
        recipients=DEFAULT_RECIPIENTS if recipients is None else _one_line(recipients).rstrip("：:"),
        copied_to=DEFAULT_COPIED_TO if copied_to is None else _one_line(copied_to).rstrip("。.，,"),
        printer=issuer if printer is None else _one_line(printer),
        printed_on=signed_on if printed_on is None else printed_on,
    )


def notice_parameters_refusal(parameters: NoticeParameters, *, year: int, today: date) -> str | None:
    """Why these parameters cannot be published for the assessment of `year`, or None (R8).

    The 发文机关, 主送机关 and 印发机关 are required, each within its length; the 抄送 may be empty. The
    成文日期 lies in the assessment year or after it and not after today; the 印发日期 not before the
    成文日期 and not after today."""
    for name in ("issuer", "recipients", "printer", "copied_to"):
        value = getattr(parameters, name)
        if not value and name != "copied_to":
            return f"请填写{NOTICE_LABELS[name]}。"
        limit = NOTICE_TEXT_LIMITS[name]
        if len(value) > limit:
            return f"{NOTICE_LABELS[name]}不能超过 {limit} 个字（现有 {len(value)} 个字）。"
    signed_on, printed_on = parameters.signed_on, parameters.printed_on
    if signed_on > today:
        return f"成文日期（{formats.chinese_date(signed_on)}）不能晚于今天（{formats.chinese_date(today)}）。"
    if signed_on.year < year:
        return f"成文日期（{formats.chinese_date(signed_on)}）不能早于{year}年度评价所在的{year}年。"
    if printed_on < signed_on:
        return f"印发日期（{formats.chinese_date(printed_on)}）不能早于成文日期（{formats.chinese_date(signed_on)}）。"
    if printed_on > today:
        return (
            f"印发日期（{formats.chinese_date(printed_on)}）不能晚于今天（{formats.chinese_date(today)}）。"
        )
    return None
