"""GET /api/v1/rankings/: composite scores, competition ranks (ties share, vetoed last), grades; proposed rows
for the province roles only, published rows within the caller's region for everyone else."""

import json

import pytest

from assessment.api.serializers import RankingSerializer
from assessment.models import Result
from assessment.selectors import visible_results
from assessment.services import publish
from towns.models import Town

from ...conftest import CHANGCHUN, JILIN_CITY, SHUANGYANG

pytestmark = pytest.mark.django_db

URL = "/api/v1/rankings/"


def items(client, **params):
    response = client.get(URL, {"page_size": 1000, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_items_ties_and_vetoed_last(api_as, province_admin, towns, computed):
    body = items(api_as(province_admin), year=2024, tier="provincial")
    p = [town.code for town in towns.provincial]
    assert [(i["town_code"], i["rank"], i["score"], i["grade"], i["vetoed"]) for i in body] == [
        (p[1], 1, "88.00", "good", False),  # tied with P2: both rank 1, by town code
        (p[2], 1, "88.00", "good", False),
        (p[3], 3, "75.00", "pass", False),  # the next rank skips the tied place
        (p[4], 4, "70.00", "pass", False),
        (p[5], 5, "60.00", "pass", False),
        (p[0], 6, "95.00", "fail", True),  # the best score, vetoed: last, 不合格
    ]
    first = body[0]
    town = Town.objects.select_related("county", "city").get(code=p[1])
    assert first == {
        "town_code": p[1],
        "town_name": town.name,
        "county": SHUANGYANG,
        "county_name": town.county.name,
        "city": CHANGCHUN,
        "city_name": town.city.name,
        "year": 2024,
        "tier": "provincial",
        "tier_label": "省级",
        "score": "88.00",
        "rank": 1,
        "grade": "good",
        "grade_label": "良好",
        "vetoed": False,
        "assessed": True,
        "incomplete": False,
        "exempt": False,
        "status": "proposed",
    }
    assert body[-1]["grade_label"] == "不合格"


def test_order_is_tier_then_rank_with_unassessed_last(api_as, province_viewer, towns, computed):
    body = items(api_as(province_viewer), year=2024)
    assert [i["tier"] for i in body] == ["provincial"] * 6 + ["city", "county"]
    city, county = body[-2:]
    assert (city["town_code"], city["rank"], city["grade"], city["grade_label"]) == (
        towns.city_level.code,
        1,
        "excellent",
        "优秀",
    )
    # No score: not assessed, no score, rank or grade.
    assert county["town_code"] == towns.county_level.code
    assert (county["assessed"], county["score"], county["rank"], county["grade"], county["grade_label"]) == (
        False,
        None,
        None,
        None,
        None,
    )


def test_filters(api_as, province_admin, towns, computed):
    client = api_as(province_admin)
    assert len(items(client, year=2024)) == 8
    assert items(client, year=2023) == []
    assert [i["town_code"] for i in items(client, tier="city")] == [towns.city_level.code]
    assert {i["city"] for i in items(client, city=JILIN_CITY)} == {JILIN_CITY}
    assert len(items(client, city=JILIN_CITY)) == 3
    assert [i["town_code"] for i in items(client, grade="fail")] == [towns.provincial[0].code]
    assert [i["town_code"] for i in items(client, assessed="false")] == [towns.county_level.code]
    assert {i["county"] for i in items(client, county=SHUANGYANG)} == {SHUANGYANG}
    assert client.get(URL, {"tier": "village"}).status_code == 400


@pytest.mark.parametrize("role", ["province_admin", "province_viewer", "auditor"])
def test_province_roles_see_proposed_results(api_as, everyone, computed, role):
    body = items(api_as(everyone[role]), year=2024)
    assert len(body) == 8
    assert {i["status"] for i in body} == {"proposed"}


@pytest.mark.parametrize("role", ["partner", "city_official", "county_official"])
def test_other_roles_see_nothing_until_published(api_as, everyone, province_admin, computed, role):
    client = api_as(everyone[role])
    assert items(client, year=2024) == []
    publish(province_admin, year=2024, doc_prefix="吉示范镇办")
    body = items(client, year=2024)
    assert body and {i["status"] for i in body} == {"published"}
    expected = {
        "partner": Result.objects.filter(round__year=2024),
        "city_official": Result.objects.filter(round__year=2024, town__city_id=CHANGCHUN),
        "county_official": Result.objects.filter(round__year=2024, town__county_id=SHUANGYANG),
    }[role]
    assert sorted(i["town_code"] for i in body) == sorted(expected.values_list("town_id", flat=True))
    if role == "county_official":
        assert {i["county"] for i in body} == {SHUANGYANG} and len(body) == 2


def test_list_items_equal_the_serializer(api_as, province_admin, computed):
    body = items(api_as(province_admin))
    results = {r.town_id: r for r in visible_results(province_admin)}
    assert len(body) == len(results) == 8
    for item in body:
        assert list(item) == list(RankingSerializer().fields)
        expected = json.loads(json.dumps(RankingSerializer(results[item["town_code"]]).data))
        assert item == expected


def bulk_results(round_, count):
    towns = Town.objects.filter(kind="town").exclude(results__round=round_).order_by("code")[:count]
    Result.objects.bulk_create(
        Result(round=round_, town=town, tier="county", score=50, grade="fail", rank=n)
        for n, town in enumerate(towns, start=100)
    )


@pytest.mark.parametrize("extra", [0, 120])
@pytest.mark.parametrize("role", ["province_admin", "county_official"])
def test_query_count_does_not_grow_with_rows(
    api_as, everyone, province_admin, computed, django_assert_num_queries, extra, role
):
    bulk_results(computed, extra)
    publish(province_admin, year=2024, doc_prefix="吉示范镇办")
    client = api_as(everyone[role])
    with django_assert_num_queries(2):  # count + page (town, county, city and round joined)
        response = client.get(URL, {"page_size": 1000})
    assert response.status_code == 200
    if role == "province_admin":
        assert response.json()["count"] == 8 + extra
