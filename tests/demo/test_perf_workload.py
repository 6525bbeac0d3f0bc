"""The benchmark's workload as rows (demo/perf/workload.py), without a database: the national geography as
the files give it, the g2k cut of whole counties at one 10.7th, and generators that follow the seed alone."""

from collections import Counter

from demo.perf.workload import G2K_RATIO, designations, plan_geography, score_rows
from towns.choices import Tier

NATIONAL_TOWNS = 21_379


def test_national_is_the_whole_division_directory():
    geo = plan_geography("national", 42)
    assert len(geo.places) == 41_352 and len(geo.towns) == NATIONAL_TOWNS
    assert Counter(level for _code, _name, level, _parent in geo.regions) == {
        "province": 31,
        "city": 342,
        "county": 2_978,
    }


def test_g2k_is_a_tenth_of_the_country_in_whole_counties():
    geo = plan_geography("g2k", 42)
    assert abs(len(geo.towns) - NATIONAL_TOWNS / G2K_RATIO) < 60
    national = plan_geography("national", 42)
    counties = {place.county for place in geo.places}
    # Every township-level unit of a kept county comes with it (镇, 乡 and 街道 alike).
    assert [p for p in national.places if p.county in counties] == geo.places
    kept_regions = {code for code, *_ in geo.regions}
    assert {place.city for place in geo.places} | {place.province for place in geo.places} <= kept_regions


def test_the_same_seed_gives_the_same_rows_and_another_seed_others():
    first, again, other = (plan_geography("g2k", seed) for seed in (42, 42, 7))
    assert first.places == again.places and first.places != other.places
    held, rows = designations(first, 42, 2024)
    assert designations(again, 42, 2024) == (held, rows)
    assert designations(first, 7, 2024)[1] != rows


def test_every_town_is_designated_in_the_documented_shares_and_scored_within_range():
    geo = plan_geography("g2k", 42)
    held, _rows = designations(geo, 42, 2024)
    assert sorted(town.code for town in held) == sorted(town.code for town in geo.towns)
    tiers = Counter(town.tier for town in held)
    assert tiers[Tier.PROVINCIAL] == round(len(held) * 0.05) and tiers[Tier.CITY] == round(len(held) * 0.10)
    maximum = [(1, 1000), (2, 300)]  # indicator id, maximum in cents
    scores = list(score_rows(held, [(1, maximum)], 42))
    assert len(scores) == len(held) * 2
    ceiling = dict(maximum)
    assert all(0 <= row[4] * 100 <= ceiling[row[3]] for row in scores)
    assert len({row[4] for row in scores if row[3] == 1}) > 100  # points spread, not a handful of values
