"""R1 quota rules, without a database."""

import pytest

from towns.rules import RegionCounts, region_quota


def counts(level, town_count=5, **tiers):
    return RegionCounts(
        code="2201", name="长春市", level=level, parent_code="22", counts=tiers, town_count=town_count
    )


def test_city_meets_minimums_with_two_provincial_and_two_city_level_towns():
    quota = region_quota(counts("city", provincial=2, city=2))
    assert quota.met
    assert quota.line("provincial").minimum == 2
    assert quota.line("county").minimum is None


def test_city_with_one_provincial_town_lacks_one():
    quota = region_quota(counts("city", provincial=1, city=3))
    assert not quota.met
    assert quota.line("provincial").shortfall == 1
    assert quota.line("city").shortfall == 0


def test_county_needs_one_county_level_town():
    assert not region_quota(counts("county", provincial=1)).met
    assert region_quota(counts("county", county=1)).met


def test_county_without_any_town_is_not_applicable_and_not_flagged():
    quota = region_quota(counts("county", town_count=0))
    assert not quota.applicable
    assert quota.met


@pytest.mark.parametrize(
    ("provincial", "city", "county", "met"),
    [(30, 40, 50, True), (29, 40, 50, False), (30, 39, 50, False), (30, 40, 49, False), (31, 45, 62, True)],
)
def test_province_targets(provincial, city, county, met):
    quota = region_quota(counts("province", provincial=provincial, city=city, county=county))
    assert quota.met is met
