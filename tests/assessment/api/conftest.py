"""A small assessment for the API tests: six provincial towns in three counties of two cities, one city-level
and one county-level town; scores, a veto, and the job run through the services."""

from types import SimpleNamespace

import pytest

from accounts.models import Role
from assessment.models import AssessmentRound
from assessment.services import (
    compute_round,
    ensure_round,
    publish,
    record_veto,
    save_scores,
    update_settings,
)
from towns.services import designate

from ...conftest import JIAOHE, NONGAN, SHUANGYANG, town_in
from ..test_three_years import points_for

# P0 is vetoed (一票否决) although it scores best; P1 and P2 tie; the county-level town has no score.
PROVINCIAL_TOTALS = ["95", "88", "88", "75", "70", "60"]
CITY_LEVEL_TOTAL = "92"


@pytest.fixture
def towns(jilin):
    """provincial: 双阳区 ×2, 农安县 ×2 (长春市), 蛟河市 ×2 (吉林市); city-level: 农安县; county-level: 蛟河市."""
    provincial = [
        town_in(SHUANGYANG, 0),
        town_in(SHUANGYANG, 1),
        town_in(NONGAN, 0),
        town_in(NONGAN, 1),
        town_in(JIAOHE, 0),
        town_in(JIAOHE, 1),
    ]
    for town in provincial:
        designate(town, "provincial", 2022)
    city_level, county_level = town_in(NONGAN, 2), town_in(JIAOHE, 2)
    designate(city_level, "city", 2022)
    designate(county_level, "county", 2022)
    return SimpleNamespace(provincial=provincial, city_level=city_level, county_level=county_level)


def score_year(admin, year, towns):
    """The year's settings (praise 1, criticism 2), scores and the veto of P0; not yet computed."""
    update_settings(admin, year=year, top_count=1, bottom_count=2)
    for town, total in zip(towns.provincial, PROVINCIAL_TOTALS, strict=True):
        save_scores(admin, year=year, town=town, points_by_code=points_for(total))
    save_scores(admin, year=year, town=towns.city_level, points_by_code=points_for(CITY_LEVEL_TOTAL))
    record_veto(admin, year=year, town=towns.provincial[0], reason="拆除历史建筑", doc_no="吉建罚〔2024〕1号")


def compute(year):
    assessment_round = ensure_round(year)
    compute_round(assessment_round.pk)
    return AssessmentRound.objects.get(pk=assessment_round.pk)


@pytest.fixture
def computed(towns, province_admin):
    """2024 computed, not published: proposed results, notices."""
    score_year(province_admin, 2024, towns)
    return compute(2024)


@pytest.fixture
def two_years(towns, province_admin):
    """2024 published and 2025 computed: P0 and P5 criticised twice → eliminated (proposed in 2025)."""
    score_year(province_admin, 2024, towns)
    compute(2024)
    publish(province_admin, year=2024, doc_prefix="吉示范镇办")
    score_year(province_admin, 2025, towns)
    return compute(2025)


@pytest.fixture
def partner(make_user):
    return make_user(Role.PARTNER, username="cdb")  # 国家开发银行: province-wide, published results only


@pytest.fixture
def everyone(province_admin, province_viewer, auditor, partner, city_official, county_official):
    return {
        "province_admin": province_admin,
        "province_viewer": province_viewer,
        "auditor": auditor,
        "partner": partner,
        "city_official": city_official,
        "county_official": county_official,
    }
