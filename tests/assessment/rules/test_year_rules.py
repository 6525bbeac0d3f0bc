"""The whole year as one pure function (issue 8): a year's outcome from its inputs alone, substitutes as a
whole assignment, corrections reconciled, the what-if. No database: pytest-django blocks it,
which proves the rules pure. Property-based tests (hypothesis) over random years hold the invariants."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment import rules
from assessment.rules import (
    Candidate,
    DesignationPeriod,
    PreviousYear,
    Ranked,
    Reconciliation,
    Thresholds,
    TownInput,
    YearInputs,
    apply_reconciliation,
    assess_year,
    compare,
    designations_before_publication,
    reconcile,
    scoring_gaps,
    substitute_candidates,
    substitutes,
    with_overrides,
)

CODES = tuple(code for code, _points in rules.DEFAULT_INDICATORS)
MAXIMA = dict(rules.DEFAULT_INDICATORS)


def spread(total):
    """A composite score spread over the default indicators, as ((code, points), …)."""
    left, points = Decimal(total), []
    for code, maximum in rules.DEFAULT_INDICATORS:
        share = min(maximum, left)
        points.append((code, share))
        left -= share
    return tuple(points)


def town(code, city, tier, total=None, vetoed=False, exempt=False, points=None):
    if points is None:
        points = () if total is None else spread(total)
    return TownInput(code, city, tier, points, vetoed, exempt)


def year_inputs(towns, previous=None, active_lower=None, top=5, bottom=2, cities=("2201", "2202", "2203")):
    towns = tuple(towns)
    provincial = frozenset(t.town_code for t in towns if t.tier == "provincial")
    lower = (
        frozenset(t.town_code for t in towns if t.tier in ("city", "county"))
        if active_lower is None
        else frozenset(active_lower)
    )
    counts = dict.fromkeys(cities, 0)
    for t in towns:
        if t.tier == "provincial":
            counts[t.city_code] = counts.get(t.city_code, 0) + 1
    return YearInputs(
        year=2025,
        thresholds=Thresholds(),
        top_count=top,
        bottom_count=bottom,
        indicator_codes=frozenset(CODES),
        towns=towns,
        previous=previous,
        active_lower_tier=lower,
        active_provincial=provincial,
        provincial_by_city=tuple(sorted(counts.items())),
    )


# --- R9 substitutes: a whole assignment ------------------------------------------------------------------


def candidate(code, city, score, tier="city"):
    return Candidate(code, city, tier, Decimal(score), "excellent")


def test_the_worst_towns_city_has_no_candidate_while_anothers_has_exactly_one():
    """The worst eliminated town (长春, no candidate of its own) must not take 吉林's only candidate, although
    that candidate is the best of the province: every eliminated town gets its own city's best candidate
    before any draws on the province-wide pool."""
    eliminated = [("W", "2201"), ("X", "2202")]  # W is ranked worst: it is passed first
    pool = [candidate("jilin-only", "2202", "98"), candidate("siping", "2203", "95")]
    chosen = substitutes(eliminated, pool)
    assert [(s.eliminated_code, s.substitute_code, s.same_city) for s in chosen] == [
        ("W", "siping", False),
        ("X", "jilin-only", True),
    ]


def test_a_greedy_walk_would_have_robbed_the_other_city():
    """The same case walked town by town (the rule before issue 8) gives W the province's best candidate."""
    eliminated = [("W", "2201"), ("X", "2202")]
    pool = sorted(
        [candidate("jilin-only", "2202", "98"), candidate("siping", "2203", "95")], key=rules._substitute_key
    )
    greedy = pool[0]  # what the worst town would have taken first
    assert greedy.town_code == "jilin-only"
    assert substitutes(eliminated, pool)[0].substitute_code != greedy.town_code


def test_in_the_province_wide_pool_the_worst_town_chooses_first():
    eliminated = [("W", "2201"), ("X", "2201")]
    pool = [candidate("a", "2203", "99"), candidate("b", "2203", "93")]
    assert [s.substitute_code for s in substitutes(eliminated, pool)] == ["a", "b"]
    short = substitutes(eliminated, pool[:1])
    assert [(s.eliminated_code, s.substitute_code) for s in short] == [("W", "a"), ("X", None)]


def test_within_a_city_the_worst_town_takes_the_best_candidate_and_city_level_wins_a_tie():
    eliminated = [("W", "2201"), ("X", "2201")]
    pool = [
        candidate("county-tie", "2201", "95", tier="county"),
        candidate("city-tie", "2201", "95", tier="city"),
        candidate("best", "2201", "97", tier="county"),
    ]
    assert [s.substitute_code for s in substitutes(eliminated, pool)] == ["best", "city-tie"]


def ranked(code, city, tier, score, grade="excellent", vetoed=False, rank=1):
    return Ranked(code, city, tier, Decimal(score), vetoed, rank, grade)


def test_candidates_are_active_lower_tier_towns_graded_excellent_without_a_veto():
    towns = [
        ranked("ok", "2201", "city", "95"),
        ranked("withdrawn", "2201", "city", "99"),  # not active when the run starts
        ranked("vetoed", "2201", "county", "99", grade="fail", vetoed=True),
        ranked("good", "2201", "county", "89", grade="good"),
        ranked("provincial", "2201", "provincial", "99"),
    ]
    active = {"ok", "vetoed", "good", "provincial"}
    assert [c.town_code for c in substitute_candidates(towns, active)] == ["ok"]


# --- a year's outcome from its inputs alone --------------------------------------------------------------


def test_eliminated_after_two_years_with_substitutes_and_a_city_left_under_its_minimum():
    towns = [
        town("p1", "2201", "provincial", "95"),
        town("p2", "2201", "provincial", "70"),
        town("p3", "2202", "provincial", "65"),
        town("p4", "2202", "provincial", "90"),
        town("c1", "2203", "city", "96"),
    ]
    previous = PreviousYear(
        criticised=frozenset({"p2", "p3"}), provincial=frozenset({"p1", "p2", "p3", "p4"})
    )
    outcome = assess_year(year_inputs(towns, previous))
    assert [t.town_code for t in outcome.criticised] == ["p2", "p3"]
    assert outcome.eliminated == ("p3", "p2")  # the worst first
    assert outcome.substitute_codes == ("c1",)
    # 长春 and 吉林 each lose one; 四平 gains the substitute but still has fewer than 2.
    assert outcome.under_minimum == {"2201": 1, "2202": 1, "2203": 1}


def test_unscored_incomplete_and_exempt_towns():
    partial = tuple(p for p in spread("80") if p[0] != "T15")
    towns = [
        town("full", "2201", "provincial", "80"),
        town("part", "2201", "provincial", points=partial),
        town("none", "2202", "provincial"),
        town("free", "2202", "provincial", exempt=True),
    ]
    inputs = year_inputs(towns)
    outcome = assess_year(inputs)
    assert (outcome.incomplete, outcome.unassessed, outcome.exempt) == (("part",), ("none",), ("free",))
    assert [t.town_code for t in outcome.ranked["provincial"]] == ["full", "part"]
    assert scoring_gaps(inputs) == (("part",), ("none",))


def test_the_what_if_changes_only_what_it_names():
    towns = [town(f"p{i}", "2201", "provincial", str(95 - 5 * i)) for i in range(6)]
    inputs = year_inputs(towns, bottom=2)
    changed = with_overrides(
        inputs, settings={"bottom_count": 3}, vetoes=["p0"], scores={"p5": {"T01": Decimal("0")}}
    )
    assert inputs.bottom_count == 2 and changed.bottom_count == 3
    draft, outcome = assess_year(inputs), assess_year(changed)
    changes = compare(draft, outcome)
    kinds = {(c.kind, c.code) for c in changes}
    assert ("criticism", "p0") in kinds and ("grade", "p0") in kinds  # vetoed: 不合格 and criticised
    assert ("praise", "p0") in kinds  # a vetoed town is never praised
    assert [t.town_code for t in outcome.criticised] == ["p4", "p5", "p0"]  # N = 3, the vetoed town last
    assert next(c for c in changes if c.kind == "rank" and c.code == "p5").after.startswith("省级第5名")
    assert compare(draft, assess_year(inputs)) == []


def test_the_what_if_refuses_a_town_not_designated_and_an_unknown_indicator():
    inputs = year_inputs([town("p0", "2201", "provincial", "90")])
    with pytest.raises(ValueError, match="乡镇“nowhere”在 2025 年不是示范镇"):
        with_overrides(inputs, vetoes=["nowhere"])
    with pytest.raises(ValueError, match="指标“T99”不在 2025 年的指标体系中"):
        with_overrides(inputs, scores={"p0": {"T99": Decimal("1")}})


# --- corrections: reconcile -----------------------------------------------------------------------------


def test_reconcile_reverses_what_the_correction_no_longer_decides():
    changes = reconcile({"e1", "e2"}, {"s1", "s2"}, {"e2", "e3"}, {"s2", "s3"})
    assert changes == Reconciliation(restore=("e1",), eliminate=("e3",), revoke=("s1",), promote=("s3",))
    assert not reconcile({"e"}, {"s"}, {"e"}, {"s"})  # nothing changed: nothing to do


# --- property-based: invariants over random years ---------------------------------------------------------

CITY_CODES = ("2201", "2202", "2203", "2204")
SCORES = st.integers(min_value=40, max_value=100)


@st.composite
def years(draw):
    """A random year: provincial, city- and county-level towns with scores (some missing, some vetoed), a
    previous year's criticism list, and some lower-tier towns no longer active."""
    count = draw(st.integers(min_value=1, max_value=24))
    towns = []
    for number in range(count):
        tier = draw(st.sampled_from(["provincial", "provincial", "city", "county"]))
        scored = draw(st.booleans()) or draw(st.booleans())
        towns.append(
            town(
                f"t{number:02d}",
                draw(st.sampled_from(CITY_CODES)),
                tier,
                str(draw(SCORES)) if scored else None,
                vetoed=scored and draw(st.integers(0, 9)) == 0,
            )
        )
    provincial = [t.town_code for t in towns if t.tier == "provincial"]
    lower = [t.town_code for t in towns if t.tier != "provincial"]
    previous = None
    if draw(st.booleans()):
        criticised = draw(st.lists(st.sampled_from(provincial), unique=True)) if provincial else []
        previous = PreviousYear(frozenset(criticised), frozenset(provincial))
    inactive = set(draw(st.lists(st.sampled_from(lower), unique=True))) if lower else set()
    return year_inputs(
        towns,
        previous,
        active_lower=[code for code in lower if code not in inactive],
        top=draw(st.integers(1, 6)),
        bottom=draw(st.integers(1, 6)),
        cities=CITY_CODES,
    )


@settings(max_examples=150, deadline=None)
@given(years())
def test_ranks_are_standard_competition_ranks(inputs):
    outcome = assess_year(inputs)
    for towns in outcome.ranked.values():
        for t in towns:
            better = sum(1 for o in towns if (o.vetoed, -o.score) < (t.vetoed, -t.score))
            assert t.rank == better + 1


@settings(max_examples=150, deadline=None)
@given(years())
def test_the_substitute_assignment_is_valid(inputs):
    outcome = assess_year(inputs)
    by_code = {t.town_code: t for t in inputs.towns}
    ranked_lower = {t.town_code: t for tier in ("city", "county") for t in outcome.ranked.get(tier, ())}
    eligible = {
        code
        for code, t in ranked_lower.items()
        if code in inputs.active_lower_tier and not t.vetoed and t.grade == "excellent"
    }
    chosen = [s.substitute_code for s in outcome.substitutions if s.substitute_code]
    assert len(chosen) == len(set(chosen))  # no town promoted twice
    assert set(chosen) <= eligible  # active candidates only, 优秀, no veto
    assert len(chosen) == min(len(outcome.substitutions), len(eligible))
    for s in outcome.substitutions:
        city = by_code[s.eliminated_code].city_code
        if s.substitute_code and s.same_city:
            continue
        # Same city first: no candidate of its city was left unused when it took from elsewhere (or none).
        unused = {c for c in eligible if by_code[c].city_code == city} - set(chosen)
        assert not unused


@settings(max_examples=150, deadline=None)
@given(years())
def test_a_re_run_of_the_same_inputs_is_a_fixed_point(inputs):
    assert assess_year(inputs) == assess_year(inputs)
    # and the what-if without changes is the draft itself
    assert compare(assess_year(inputs), assess_year(with_overrides(inputs))) == []


def publish_rows(rows, outcome, year, next_pk):
    """Apply a publication to designation rows the way services.publish does, recording which rows it
    began and ended: eliminated towns' provincial rows end, substitutes' rows end and provincial rows begin."""
    rows, began, ended = {row.pk: row for row in rows}, set(), set()
    for code in outcome.eliminated:
        row = next((r for r in rows.values() if r.town_code == code and r.to_year is None), None)
        if row is not None and row.tier == "provincial":
            rows[row.pk] = DesignationPeriod(
                row.pk, row.town_code, row.city_code, row.tier, row.from_year, year
            )
            ended.add(row.pk)
    for code in outcome.substitute_codes:
        row = next(r for r in rows.values() if r.town_code == code and r.to_year is None)
        rows[row.pk] = DesignationPeriod(row.pk, row.town_code, row.city_code, row.tier, row.from_year, year)
        ended.add(row.pk)
        rows[next_pk] = DesignationPeriod(next_pk, code, row.city_code, "provincial", year, None)
        began.add(next_pk)
        next_pk += 1
    return list(rows.values()), began, ended


@settings(max_examples=150, deadline=None)
@given(years())
def test_publishing_then_re_running_reads_the_same_towns_and_gives_the_same_outcome(inputs):
    """Point 1: designations created or ended by publishing Y never feed back into Y."""
    rows = [
        DesignationPeriod(number, t.town_code, t.city_code, t.tier, 2022, None)
        for number, t in enumerate(inputs.towns, start=1)
        if t.tier == "provincial" or t.town_code in inputs.active_lower_tier
    ]
    held, active = designations_before_publication(rows, set(), set(), inputs.year)
    outcome = assess_year(inputs)
    after, began, ended = publish_rows(rows, outcome, inputs.year, len(inputs.towns) + 1)
    assert designations_before_publication(after, began, ended, inputs.year) == (held, active)
    # The count identity: provincial after = before − eliminated + substitutes.
    provincial_before = {code for code, tier in active.items() if tier == "provincial"}
    _held, active_after = designations_before_publication(after, set(), set(), inputs.year)
    provincial_after = {code for code, tier in active_after.items() if tier == "provincial"}
    eliminated = set(outcome.eliminated) & provincial_before
    assert len(provincial_after) == len(provincial_before) - len(eliminated) + len(outcome.substitute_codes)


TOWN_SETS = st.frozensets(st.sampled_from([f"t{i}" for i in range(12)]))


@settings(max_examples=300, deadline=None)
@given(st.frozensets(st.sampled_from([f"p{i}" for i in range(10)])), st.data())
def test_corrections_reconcile_to_the_corrected_result_whatever_came_before(provincial, data):
    """Publishing, then correcting any number of times, leaves the provincial towns exactly as publishing
    the last result directly would: before − eliminated + substitutes."""
    lower = [f"l{i}" for i in range(8)]
    applied_out, applied_in, current = frozenset(), frozenset(), set(provincial)
    for _ in range(data.draw(st.integers(1, 4))):
        out = data.draw(st.frozensets(st.sampled_from(sorted(provincial)))) if provincial else frozenset()
        substitutes_now = data.draw(st.frozensets(st.sampled_from(lower), max_size=len(out)))
        changes = reconcile(applied_out, applied_in, out, substitutes_now)
        current = apply_reconciliation(current, changes)
        applied_out, applied_in = out, substitutes_now
        assert current == (set(provincial) - out) | substitutes_now
        assert len(current) == len(provincial) - len(out) + len(substitutes_now)
