"""R7–R9 as pure functions: grades, ranking, praise and criticism, elimination, substitution (no database)."""

from decimal import Decimal

import pytest

from assessment.choices import Grade
from assessment.rules import (
    DEFAULT_INDICATORS,
    Candidate,
    Entry,
    Thresholds,
    cities_under_minimum,
    criticised,
    eliminated,
    grade,
    notice_doc_no,
    praised,
    rank_tier,
    substitutes,
    system_total_refusal,
)

D = Decimal
CHANGCHUN = "2201"
JILIN_CITY = "2202"
SIPING = "2203"
DEFAULT = Thresholds()


def entry(code, score, vetoed=False, city=CHANGCHUN, tier="provincial"):
    return Entry(town_code=code, city_code=city, tier=tier, score=D(score), vetoed=vetoed)


def ranked_scores(*scores, vetoed=()):
    """Provincial towns t01, t02 … with these scores, ranked; `vetoed` names the vetoed towns."""
    town_codes = [f"t{number:02d}" for number in range(1, len(scores) + 1)]
    entries = [entry(code, score, code in vetoed) for code, score in zip(town_codes, scores, strict=True)]
    return rank_tier(entries, DEFAULT)


def codes(towns):
    return [town.town_code for town in towns]


# --- R7 indicator system and grades --------------------------------------------------------------------


def test_default_system_is_one_indicator_per_task_area_totalling_100_in_groups_20_25_15_25_15():
    assert [code for code, _ in DEFAULT_INDICATORS] == [f"T{number:02d}" for number in range(1, 16)]
    points = dict(DEFAULT_INDICATORS)
    groups = [("T01", "T02"), ("T03", "T04", "T05"), ("T06", "T07"), ("T08", "T09", "T10", "T11")]
    groups.append(("T12", "T13", "T14", "T15"))
    assert [sum(points[code] for code in group) for group in groups] == [20, 25, 15, 25, 15]
    assert system_total_refusal([points for _, points in DEFAULT_INDICATORS]) is None


def _default_points(**changes):
    return [changes.get(code, points) for code, points in DEFAULT_INDICATORS]


@pytest.mark.parametrize(
    ("max_points", "message"),
    [
        (_default_points(T15=D("3")), "合计为 99 分，应为 100 分"),
        (_default_points(T15=D("5")), "合计为 101 分，应为 100 分"),
        (_default_points(T15=D("3.5")), "合计为 99.5 分"),
        # a zero indicator is refused even though the total is still 100
        (_default_points(T14=D("7"), T15=D("0")), "第 15 项指标的满分为 0 分，每项指标的满分应大于 0"),
        (_default_points(T14=D("11"), T15=D("-4")), "第 15 项指标的满分为 -4 分"),
        ([], "没有任何指标"),
    ],
)
def test_system_total_refusal(max_points, message):
    assert message in system_total_refusal(max_points)


def test_a_system_of_other_indicators_totalling_100_with_decimals_is_accepted():
    assert system_total_refusal([D("33.5"), D("33.5"), D("33")]) is None


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        ("100", "excellent"),
        ("90", "excellent"),  # exactly the threshold belongs to the higher grade
        ("90.00", "excellent"),
        ("89.99", "good"),
        ("80", "good"),
        ("79.99", "pass"),
        ("60", "pass"),
        ("59.99", "fail"),
        ("0", "fail"),
    ],
)
def test_grade_thresholds(score, expected):
    assert grade(D(score), False, DEFAULT) == expected


@pytest.mark.parametrize("score", ["100", "90", "75", "0"])
def test_a_vetoed_town_is_not_qualified_whatever_its_score(score):
    assert Grade(grade(D(score), True, DEFAULT)).label == "不合格"


def test_thresholds_are_the_rounds_settings():
    strict = Thresholds(excellent=D("95"), good=D("85"), passing=D("70"))
    assert grade(D("94"), False, strict) == "good"
    assert grade(D("84"), False, strict) == "pass"
    assert grade(D("69"), False, strict) == "fail"
    assert grade(D("95"), False, strict) == "excellent"


def test_grade_labels_are_chinese():
    assert Grade.choices == [("excellent", "优秀"), ("good", "良好"), ("pass", "合格"), ("fail", "不合格")]


# --- R8 ranking ----------------------------------------------------------------------------------------


def test_competition_ranking_equal_scores_share_a_rank_and_the_next_rank_skips():
    ranked = ranked_scores("95", "90", "90", "85", "80", "80", "80", "70")
    assert [town.rank for town in ranked] == [1, 2, 2, 4, 5, 5, 5, 8]
    assert [town.grade for town in ranked] == ["excellent", "excellent", "excellent"] + ["good"] * 4 + [
        "pass"
    ]


def test_ranking_is_by_score_highest_first_whatever_the_input_order_ties_by_town_code():
    entries = [
        entry("220122103", "82.5"),
        entry("220122101", "91"),
        entry("220122105", "82.50"),
        entry("220122102", "82.5"),
        entry("220122104", "60"),
    ]
    ranked = rank_tier(entries, DEFAULT)
    assert [(town.town_code, town.rank) for town in ranked] == [
        ("220122101", 1),
        ("220122102", 2),
        ("220122103", 2),
        ("220122105", 2),  # 82.50 is the same score as 82.5
        ("220122104", 5),
    ]


def test_vetoed_towns_rank_below_every_town_without_a_veto_numbering_continuing():
    entries = [
        entry("a", "98", vetoed=True),
        entry("b", "61"),
        entry("c", "55"),
        entry("d", "92", vetoed=True),
        entry("e", "92", vetoed=True),
        entry("f", "40", vetoed=True),
    ]
    ranked = rank_tier(entries, DEFAULT)
    assert [(town.town_code, town.rank, town.grade) for town in ranked] == [
        ("b", 1, "pass"),
        ("c", 2, "fail"),
        ("a", 3, "fail"),  # 98 points, still below the 55
        ("d", 4, "fail"),
        ("e", 4, "fail"),
        ("f", 6, "fail"),
    ]


def test_a_vetoed_town_does_not_share_the_rank_of_an_equal_score_without_veto():
    ranked = rank_tier([entry("a", "70", vetoed=True), entry("b", "70")], DEFAULT)
    assert [(town.town_code, town.rank) for town in ranked] == [("b", 1), ("a", 2)]


def test_ranked_towns_keep_their_city_tier_and_score():
    (town,) = rank_tier([entry("220281100", "88.25", city=JILIN_CITY, tier="city")], DEFAULT)
    assert (town.town_code, town.city_code, town.tier, town.score, town.rank) == (
        "220281100",
        JILIN_CITY,
        "city",
        D("88.25"),
        1,
    )
    assert town.grade_label == "良好"


def test_rank_tier_refuses_entries_of_several_tiers():
    with pytest.raises(ValueError, match="同一层级"):
        rank_tier([entry("a", "90"), entry("b", "80", tier="county")], DEFAULT)


def test_rank_tier_refuses_a_town_entered_twice():
    with pytest.raises(ValueError, match="只能有一条考核记录：a"):
        rank_tier([entry("a", "90"), entry("a", "80")], DEFAULT)


def test_nothing_to_rank():
    assert rank_tier([], DEFAULT) == []


# --- R8 praise (top 5) -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scores", "ranks", "count"),
    [
        (["99", "98", "97", "96", "95", "94", "93"], [1, 2, 3, 4, 5], 5),
        (["99", "98", "97", "96", "95", "95", "95", "50"], [1, 2, 3, 4, 5, 5, 5], 7),  # tie at rank 5
        (["99", "98", "97", "97", "97", "97", "50"], [1, 2, 3, 3, 3, 3], 6),
        (["99", "98", "97", "96", "96", "94", "93"], [1, 2, 3, 4, 4], 5),  # 6th place is rank 6: out
    ],
)
def test_praise_takes_the_top_five_and_every_town_tied_across_the_boundary(scores, ranks, count):
    towns = praised(ranked_scores(*scores), 5)
    assert [town.rank for town in towns] == ranks
    assert len(towns) == count


def test_a_vetoed_town_is_never_praised():
    ranked = ranked_scores("99", "80", "70", "65", vetoed={"t01"})
    assert codes(praised(ranked, 5)) == ["t02", "t03", "t04"]


def test_praise_with_fewer_towns_than_five_takes_them_all():
    assert codes(praised(ranked_scores("70", "60", "50"))) == ["t01", "t02", "t03"]


def test_praise_is_only_for_provincial_towns():
    ranked = rank_tier([entry("a", "99", tier="city")], DEFAULT)
    with pytest.raises(ValueError, match="只针对省级示范镇"):
        praised(ranked, 5)


# --- R8 criticism (bottom N) ------------------------------------------------------------------------------


def test_criticism_takes_every_town_tied_at_the_bottom_boundary():
    ranked = ranked_scores("95", "90", "85", "70", "70", "70", "60")
    towns = criticised(ranked, 2)
    assert codes(towns) == ["t04", "t05", "t06", "t07"]
    assert [town.score for town in towns] == [D("70"), D("70"), D("70"), D("60")]


def test_criticism_without_a_tie_takes_exactly_n():
    ranked = ranked_scores("95", "90", "85", "80", "75", "70", "65", "60")
    assert codes(criticised(ranked, 5)) == ["t04", "t05", "t06", "t07", "t08"]


def test_criticism_tie_inside_the_bottom_n_adds_nobody():
    ranked = ranked_scores("95", "90", "85", "60", "60")
    assert codes(criticised(ranked, 3)) == ["t03", "t04", "t05"]


def test_vetoed_towns_are_the_bottom_and_always_criticised():
    ranked = ranked_scores("99", "95", "90", "40", vetoed={"t01", "t02"})
    # the 40 without a veto ranks above both vetoed towns: with N = 2 only the vetoed ones are criticised
    assert codes(criticised(ranked, 2)) == ["t01", "t02"]
    assert codes(criticised(ranked, 1)) == ["t02"]


def test_a_vetoed_town_and_an_equal_score_without_veto_are_not_tied():
    ranked = ranked_scores("95", "90", "60", "60", vetoed={"t04"})
    assert codes(criticised(ranked, 1)) == ["t04"]
    assert codes(criticised(ranked, 2)) == ["t03", "t04"]


def test_criticism_with_fewer_towns_than_n_takes_them_all():
    ranked = ranked_scores("95", "90", "85")
    assert codes(criticised(ranked, 5)) == ["t01", "t02", "t03"]


def test_criticism_of_nobody_when_n_is_zero():
    assert criticised(ranked_scores("95", "50"), 0) == []


def test_criticism_is_only_for_provincial_towns():
    ranked = rank_tier([entry("a", "40", tier="county")], DEFAULT)
    with pytest.raises(ValueError, match="只针对省级示范镇"):
        criticised(ranked, 5)


# --- R9 elimination ---------------------------------------------------------------------------------------


def test_bottom_n_two_consecutive_years_as_a_provincial_town_is_eliminated():
    assert eliminated({"b", "a", "c"}, {"a", "b", "x"}, {"a", "b", "c", "x"}) == ["a", "b"]


def test_bottom_only_this_year_is_not_eliminated():
    assert eliminated({"a"}, {"b"}, {"a", "b"}) == []


def test_first_assessment_year_eliminates_nobody():
    assert eliminated({"a", "b"}, None, {"a", "b"}) == []


def test_a_town_not_provincial_in_both_years_is_not_eliminated():
    # "b" was in the bottom of the city tier last year and was promoted since
    assert eliminated({"a", "b"}, {"a", "b"}, {"a"}) == ["a"]


# --- R9 substitution --------------------------------------------------------------------------------------


def candidate(code, score, city=CHANGCHUN, tier="city", grade_=None):
    score = D(score)
    return Candidate(
        town_code=code,
        city_code=city,
        tier=tier,
        score=score,
        grade=grade_ or grade(score, False, DEFAULT),
    )


def test_substitute_from_the_same_city_first_even_if_a_better_town_is_elsewhere():
    (change,) = substitutes(
        [("220122100", CHANGCHUN)],
        [candidate("220281100", "98", city=JILIN_CITY), candidate("220112100", "91", city=CHANGCHUN)],
    )
    assert (change.eliminated_code, change.eliminated_city) == ("220122100", CHANGCHUN)
    assert (change.substitute_code, change.substitute_score, change.same_city) == ("220112100", D("91"), True)


def test_substitute_from_the_whole_province_when_the_city_has_none_excellent():
    (change,) = substitutes(
        [("220122100", CHANGCHUN)],
        [
            candidate("220112100", "89.9", city=CHANGCHUN),  # 良好: never a substitute
            candidate("220281100", "93", city=JILIN_CITY, tier="county"),
            candidate("220303100", "96", city=SIPING, tier="county"),
        ],
    )
    assert (change.substitute_code, change.substitute_tier, change.same_city) == (
        "220303100",
        "county",
        False,
    )


def test_a_good_town_never_substitutes():
    (change,) = substitutes(
        [("220122100", CHANGCHUN)],
        [candidate("220112100", "89.99", city=CHANGCHUN), candidate("220281100", "85", city=JILIN_CITY)],
    )
    assert change.substitute_code is None


def test_a_vetoed_town_never_substitutes_even_with_an_excellent_score():
    vetoed = candidate("220112100", "95", grade_=grade(D("95"), True, DEFAULT))
    (change,) = substitutes([("220122100", CHANGCHUN)], [vetoed])
    assert change.substitute_code is None


def test_at_equal_score_a_city_level_town_before_a_county_level_one():
    (change,) = substitutes(
        [("220122100", CHANGCHUN)],
        [candidate("220112100", "95", tier="county"), candidate("220183100", "95", tier="city")],
    )
    assert (change.substitute_code, change.substitute_tier) == ("220183100", "city")


def test_at_equal_score_and_tier_the_lower_town_code():
    (change,) = substitutes(
        [("220122100", CHANGCHUN)],
        [candidate("220183100", "95"), candidate("220112100", "95.00"), candidate("220182100", "95")],
    )
    assert change.substitute_code == "220112100"


def test_a_higher_score_wins_over_the_tier():
    (change,) = substitutes(
        [("220122100", CHANGCHUN)],
        [candidate("220112100", "95"), candidate("220183100", "95.5", tier="county")],
    )
    assert change.substitute_code == "220183100"


def test_no_candidate_at_all_leaves_the_place_empty():
    (change,) = substitutes([("220122100", CHANGCHUN)], [])
    assert (change.eliminated_code, change.substitute_code, change.substitute_tier) == (
        "220122100",
        None,
        None,
    )
    assert change.substitute_score is None
    assert change.same_city is False


def test_a_candidate_substitutes_at_most_once_the_worst_eliminated_choosing_first():
    changes = substitutes(
        [("220122100", CHANGCHUN), ("220112100", CHANGCHUN), ("220183100", CHANGCHUN)],
        [candidate("220182100", "92", city=CHANGCHUN), candidate("220281100", "97", city=JILIN_CITY)],
    )
    assert [(c.eliminated_code, c.substitute_code, c.same_city) for c in changes] == [
        ("220122100", "220182100", True),
        ("220112100", "220281100", False),  # the Changchun candidate is taken: the province's best
        ("220183100", None, False),
    ]


def test_a_provincial_town_is_not_a_candidate():
    (change,) = substitutes([("220122100", CHANGCHUN)], [candidate("220112100", "99", tier="provincial")])
    assert change.substitute_code is None


# --- R9 / R1 cities under the minimum ---------------------------------------------------------------------


def test_a_city_losing_a_town_to_a_substitute_from_another_city_is_flagged():
    before = {CHANGCHUN: 2, JILIN_CITY: 3, SIPING: 2}
    assert cities_under_minimum(before, [CHANGCHUN], [JILIN_CITY]) == {CHANGCHUN: 1}


def test_a_substitute_from_the_same_city_keeps_it_at_the_minimum():
    assert cities_under_minimum({CHANGCHUN: 2, JILIN_CITY: 2}, [CHANGCHUN], [CHANGCHUN]) == {}


def test_a_city_already_under_the_minimum_is_flagged_and_a_new_one_counted():
    before = {CHANGCHUN: 4, JILIN_CITY: 0, SIPING: 2}
    assert cities_under_minimum(before, [SIPING, SIPING], ["2204"]) == {JILIN_CITY: 0, SIPING: 0, "2204": 1}


def test_cities_under_another_minimum():
    assert cities_under_minimum({CHANGCHUN: 2, JILIN_CITY: 3}, [], [], minimum=3) == {CHANGCHUN: 2}


# --- R8 notices -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "year", "number", "expected"),
    [
        ("吉示范镇办", 2024, 3, "吉示范镇办〔2024〕3号"),
        ("吉示范镇办", 2025, 12, "吉示范镇办〔2025〕12号"),
    ],
)
def test_notice_doc_no(prefix, year, number, expected):
    assert notice_doc_no(prefix, year, number) == expected


def test_notice_doc_no_refuses_number_zero():
    with pytest.raises(ValueError, match="正整数"):
        notice_doc_no("吉示范镇办", 2024, 0)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("0", None),
        ("10", None),
        ("9.75", None),
        ("10.01", "超出 0–10 分"),
        ("-0.5", "超出"),
        ("abc", "不是有效的数字"),
        ("", "不是有效的数字"),
        ("1.005", "两位小数"),
    ],
)
def test_points_within_zero_and_the_maximum(raw, message):
    from assessment.rules import points_refusal

    refusal = points_refusal(raw, Decimal("10"))
    assert refusal is None if message is None else message in refusal
