"""GET /api/v1/eliminations/: two years in the bottom N → eliminated, with a substitute when an 优秀 city- or
county-level town is left (null otherwise); proposed for the province roles only."""

import pytest

from assessment.services import publish

from ...conftest import CHANGCHUN, JILIN_CITY

pytestmark = pytest.mark.django_db

URL = "/api/v1/eliminations/"


def items(client, **params):
    response = client.get(URL, {"page_size": 1000, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_items_with_and_without_a_substitute(api_as, province_admin, towns, two_years):
    body = items(api_as(province_admin), year=2025)
    p0, p5, city_level = towns.provincial[0], towns.provincial[5], towns.city_level
    by_town = {item["town_code"]: item for item in body}
    assert set(by_town) == {p0.code, p5.code}
    # The vetoed town of 长春 is the worst and chooses first: the 优秀 city-level town of its own city.
    assert by_town[p0.code] == {
        "year": 2025,
        "town_code": p0.code,
        "town_name": p0.name,
        "city": CHANGCHUN,
        "city_name": "长春市",
        "substitute_code": city_level.code,
        "substitute_name": city_level.name,
        "substitute_city": CHANGCHUN,
        "substitute_tier": "city",
        "substitute_score": "92.00",
        "substitute_disclosed": True,
        "same_city": True,
        "status": "proposed",
    }
    # Nobody else is graded 优秀 (the county-level town has no score): no substitute.
    assert by_town[p5.code] == {
        "year": 2025,
        "town_code": p5.code,
        "town_name": p5.name,
        "city": JILIN_CITY,
        "city_name": "吉林市",
        "substitute_code": None,
        "substitute_name": None,
        "substitute_city": None,
        "substitute_tier": None,
        "substitute_score": None,
        "substitute_disclosed": True,
        "same_city": False,
        "status": "proposed",
    }
    assert items(api_as(province_admin), year=2024) == []  # the first year never eliminates


@pytest.mark.parametrize("role", ["province_viewer", "auditor"])
def test_province_roles_see_proposed_eliminations(api_as, everyone, two_years, role):
    assert len(items(api_as(everyone[role]), year=2025)) == 2


@pytest.mark.parametrize("role", ["partner", "city_official", "county_official"])
def test_other_roles_see_published_eliminations_in_their_region(
    api_as, everyone, province_admin, towns, two_years, role
):
    client = api_as(everyone[role])
    assert items(client) == []
    publish(province_admin, year=2025, doc_prefix="吉示范镇办")
    expected = {
        "partner": {towns.provincial[0].code, towns.provincial[5].code},
        "city_official": {towns.provincial[0].code},  # 长春市
        "county_official": {towns.provincial[0].code},  # 双阳区
    }[role]
    body = items(client)
    assert {item["town_code"] for item in body} == expected
    assert {item["status"] for item in body} == {"published"}


def test_another_county_sees_only_its_own(api_as, other_county_official, province_admin, towns, two_years):
    publish(province_admin, year=2025, doc_prefix="吉示范镇办")
    body = items(api_as(other_county_official))  # 蛟河市
    assert [(item["town_code"], item["substitute_code"]) for item in body] == [
        (towns.provincial[5].code, None)
    ]


def test_city_filter(api_as, province_admin, towns, two_years):
    client = api_as(province_admin)
    assert [item["town_code"] for item in items(client, city=JILIN_CITY)] == [towns.provincial[5].code]


def test_list_queries_do_not_grow(api_as, province_admin, two_years, django_assert_num_queries):
    from assessment.models import Elimination
    from towns.models import Town

    client = api_as(province_admin)
    with django_assert_num_queries(2):  # count + page (towns, cities, substitutes and round joined)
        assert client.get(URL).json()["count"] == 2
    more = Town.objects.filter(kind="town", city_id="2203").order_by("code")[:40]
    Elimination.objects.bulk_create(Elimination(round=two_years, town=town) for town in more)
    with django_assert_num_queries(2):
        assert client.get(URL, {"page_size": 1000}).json()["count"] == 2 + len(more)
