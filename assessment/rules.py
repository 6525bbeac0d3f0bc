"""Pure decisions of the annual assessment (R7–R9): no ORM, no request. Tested without a database.

Grades, the province-wide ranking of a tier, praise and criticism, elimination after two years in the bottom
N, the choice of substitutes and the cities left under their minimum. The service reads the round, the
scores and the designations, calls these functions and stores what they return.
"""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

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

GRADE_EXCELLENT, GRADE_GOOD, GRADE_PASS, GRADE_FAIL = "excellent", "good", "pass", "fail"
GRADE_LABELS = {
    GRADE_EXCELLENT: "优秀",
    GRADE_GOOD: "良好",
    GRADE_PASS: "合格",
    GRADE_FAIL: "不合格",
}

# The values of towns.choices.Tier (not imported: this module stays free of Django).
TIER_PROVINCIAL, TIER_CITY, TIER_COUNTY = "provincial", "city", "county"
TIER_LABELS = {TIER_PROVINCIAL: "省级", TIER_CITY: "市级", TIER_COUNTY: "县级"}
# R9: at equal score a city-level substitute comes before a county-level one.
SUBSTITUTE_TIER_ORDER = {TIER_CITY: 0, TIER_COUNTY: 1}

DEFAULT_PRAISE_COUNT = 5  # R8; plan 六、(三): 前5名
DEFAULT_CRITICISM_COUNT = 5  # R8: N is a setting of the round, default 5
PROVINCIAL_CITY_MINIMUM = 2  # R1; plan 五、(一): 每个市（州）至少 2 个省级示范镇


def _points(value):
    """A Decimal as a user reads it: 99, 99.5 (no exponent, no trailing zeros)."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


# --- R7 indicator system and grades ----------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    """The grade thresholds, settings of the year's assessment round (R7)."""

    excellent: Decimal = Decimal("90")
    good: Decimal = Decimal("80")
    passing: Decimal = Decimal("60")


def system_total_refusal(max_points):
    """Why an indicator system's maximum points are refused, or None. R7; plan 六、(三).

    Every indicator has a maximum above 0, and the maximums add up to exactly 100.
    """
    if not max_points:
        return "评价指标体系没有任何指标，各指标满分合计应为 100 分。"
    for number, points in enumerate(max_points, start=1):
        if points <= 0:
            return f"第 {number} 项指标的满分为 {_points(points)} 分，每项指标的满分应大于 0。"
    total = sum(max_points, Decimal("0"))
    if total != SYSTEM_TOTAL:
        return f"各指标满分合计为 {_points(total)} 分，应为 100 分。"
    return None


def grade(score, vetoed, thresholds):
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
    def grade_label(self):
        return GRADE_LABELS[self.grade]


def rank_tier(entries, thresholds):
    """R8; plan 六、(三): one tier ranked province-wide by composite score, highest first.

    Standard competition ranking (1, 2, 2, 4): equal scores share a rank and the next rank skips as many
    places as towns tied. Vetoed towns (R7) rank below every town without a veto, whatever their score;
    among themselves by score, the numbering continuing (with 8 towns without a veto, the best vetoed town
    is 9th). Returned in rank order, tied towns by town code.

    Raises ValueError for entries of several tiers, an unknown tier, or a town entered twice.
    """
    tiers = {entry.tier for entry in entries}
    if len(tiers) > 1:
        labels = "、".join(TIER_LABELS.get(tier, tier) for tier in sorted(tiers))
        raise ValueError(f"排名只能在同一层级内进行，而这些记录分属{labels}。")
    unknown = tiers - TIER_LABELS.keys()
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


def _provincial_in_rank_order(ranked, purpose):
    others = sorted({town.tier for town in ranked if town.tier != TIER_PROVINCIAL})
    if others:
        labels = "、".join(TIER_LABELS.get(tier, tier) for tier in others)
        raise ValueError(f"{purpose}只针对省级示范镇，不能包含{labels}示范镇。")
    return sorted(ranked, key=lambda town: (town.rank, town.town_code))


def _check_count(count, what):
    if count < 0:
        raise ValueError(f"{what}不能为负数。")


def praised(ranked, top_count=DEFAULT_PRAISE_COUNT):
    """R8; plan 六、(三) 对综合考核前5名的省级示范镇通报表扬: the provincial towns ranked within the top
    `top_count`, a tie across the boundary including every tied town (ranks 1, 2, 3, 4, 5, 5, 5 → 7 towns;
    1, 2, 3, 4, 4, 6 → 5 towns). A vetoed town is never praised. In rank order.

    Raises ValueError if the ranking is not of provincial towns.
    """
    _check_count(top_count, "通报表扬名额")
    towns = _provincial_in_rank_order(ranked, "通报表扬")
    return [town for town in towns if not town.vetoed and town.rank <= top_count]


def criticised(ranked, bottom_count=DEFAULT_CRITICISM_COUNT):
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


def eliminated(this_year_bottom, last_year_bottom, provincial_both_years):
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


def _substitute_key(candidate):
    return (-candidate.score, SUBSTITUTE_TIER_ORDER[candidate.tier], candidate.town_code)


def substitutes(eliminated_towns, candidates):
    """R9; plan 六、(三) 由考核优秀的市、县级示范镇递补: one substitute for each eliminated town.

    eliminated_towns: (town_code, city_code), handled in the order given (the service passes the worst
    first, so it chooses first). The substitute is the highest-scoring candidate graded 优秀 with a
    city- or county-level designation, from the eliminated town's city first, else from the whole
    province; at equal score a city-level town before a county-level one, then the lower town code. A
    candidate substitutes at most once. When none is left, substitute_code is None.
    """
    pool = sorted(
        (
            candidate
            for candidate in candidates
            if candidate.grade == GRADE_EXCELLENT and candidate.tier in SUBSTITUTE_TIER_ORDER
        ),
        key=_substitute_key,
    )
    used = set()
    result = []
    for town_code, city_code in eliminated_towns:
        available = [candidate for candidate in pool if candidate.town_code not in used]
        same_city = [candidate for candidate in available if candidate.city_code == city_code]
        chosen = (same_city or available or [None])[0]
        if chosen is None:
            result.append(Substitution(town_code, city_code, None, None, None, False))
            continue
        used.add(chosen.town_code)
        result.append(
            Substitution(
                eliminated_code=town_code,
                eliminated_city=city_code,
                substitute_code=chosen.town_code,
                substitute_tier=chosen.tier,
                substitute_score=chosen.score,
                same_city=chosen.city_code == city_code,
            )
        )
    return result


def cities_under_minimum(
    provincial_by_city, eliminated_cities, substitute_cities, minimum=PROVINCIAL_CITY_MINIMUM
):
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


def notice_doc_no(prefix, year, number):
    """R8: the document number of a notice (通报), e.g. 吉示范镇办〔2024〕3号."""
    if number < 1:
        raise ValueError(f"文号序号应为正整数，而不是 {number}。")
    return f"{prefix}〔{year}〕{number}号"


def points_refusal(raw, max_points):
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
