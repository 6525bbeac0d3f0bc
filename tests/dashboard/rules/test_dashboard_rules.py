"""The dashboards' pure figures (dashboard.rules), without a database."""

from decimal import Decimal

from dashboard.rules import (
    DEFAULT_MEASURE,
    city_gap,
    county_gap,
    funnel,
    measure_of,
    program_years,
    reporting_rate,
    required,
    rounded_score,
    shortfall,
)
from towns.rules import RegionCounts, region_quota


def quota(code, level, counts, town_count=3, parent=None):
    return region_quota(
        RegionCounts(
            code=code, name=code, level=level, parent_code=parent, counts=counts, town_count=town_count
        )
    )


def test_a_city_lacks_its_own_minimums_and_each_of_its_counties_its_own():
    city = quota("2201", "city", {"provincial": 1, "city": 5})
    counties = [
        quota("220112", "county", {"county": 2}, parent="2201"),  # more than its minimum: does not offset
        quota("220122", "county", {}, parent="2201"),
        quota("220102", "county", {}, town_count=0, parent="2201"),  # no 镇: no minimum
        quota("220281", "county", {}, parent="2202"),  # another city's
    ]
    gap = city_gap(city, counties)
    assert (gap.provincial, gap.city, gap.county, gap.total) == (1, 0, 1, 2)
    assert gap.required == 2 + 2 + 1 + 1 and gap.met == 4
    assert county_gap(counties[1]).total == 1 and county_gap(counties[2]).required == 0
    assert shortfall(None) == 0 and required(None) == 0
    assert shortfall(city, "provincial") == 1 and required(counties[0]) == 1


def test_the_province_lacks_what_its_targets_ask_for():
    province = quota("22", "province", {"provincial": 31, "city": 38, "county": 50})
    assert shortfall(province) == 2 and required(province) == 30 + 40 + 50


def test_the_reporting_rate_has_one_decimal_and_none_without_projects_due():
    assert reporting_rate(3, 1) == Decimal("33.3") and reporting_rate(3, 2) == Decimal("66.7")
    assert reporting_rate(8, 8) == Decimal("100.0") and reporting_rate(0, 0) is None


def test_the_funnel_counts_each_stage_with_the_later_ones_and_leaves_cancelled_out():
    counts = {"planned": 4, "approved": 3, "under_construction": 2, "completed": 1, "cancelled": 7}
    assert funnel(counts) == (("planned", 10), ("approved", 6), ("under_construction", 3), ("completed", 1))
    assert funnel({}) == (("planned", 0), ("approved", 0), ("under_construction", 0), ("completed", 0))


def test_years_measures_and_scores():
    assert program_years(2025) == (2022, 2023, 2024, 2025) and program_years(2021) == (2022,)
    assert measure_of("investment").unit == "万元" and measure_of("investment").places == 2
    assert measure_of(None).key == measure_of("nonsense").key == DEFAULT_MEASURE
    assert rounded_score(Decimal("74.666666")) == Decimal("74.67") and rounded_score(None) is None
