"""The rankings' stored tier order: provincial first, as towns.rules.TIER_DISPLAY_ORDER lists the tiers, kept
by the database from the tier whatever wrote the row (a service, a bulk insert, an UPDATE)."""

import pytest

from assessment.models import Result
from assessment.services import ensure_round
from towns.models import Town
from towns.rules import TIER_DISPLAY_ORDER

pytestmark = pytest.mark.django_db


def test_tier_order_is_the_display_order_of_the_tier_however_the_row_was_written(jilin):
    year = ensure_round(2024)
    county_town, city_town, provincial_town = Town.objects.filter(kind="town").order_by("code")[:3]
    Result.objects.bulk_create(
        [
            Result(round=year, town=county_town, tier="county", rank=1),
            Result(round=year, town=city_town, tier="city", rank=1),
        ]
    )
    Result.objects.create(round=year, town=provincial_town, tier="provincial", rank=1)
    stored = dict(Result.objects.values_list("tier", "tier_order"))
    assert stored == {"provincial": 0, "city": 1, "county": 2} == dict(TIER_DISPLAY_ORDER)

    # Provincial first, then by rank and town, without any expression in the ORDER BY.
    assert [r.town_id for r in Result.objects.all()] == [
        provincial_town.code,
        city_town.code,
        county_town.code,
    ]

    Result.objects.filter(town=county_town).update(tier="provincial")
    assert Result.objects.get(town=county_town).tier_order == 0
