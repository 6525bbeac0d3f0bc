"""API v1 quotas (R1): numbers against the designations created here, filters, scoping."""

import pytest

from tests.conftest import JIAOHE, NONGAN, SHUANGYANG, town_in
from towns.choices import Tier
from towns.models import Region, Town
from towns.services import designate

URL = "/api/v1/quotas/"

pytestmark = pytest.mark.django_db


def rows(client, **params):
    response = client.get(URL, {"page_size": 1000, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def by_code(client, **params):
    return {row["code"]: row for row in rows(client, **params)}


@pytest.fixture
def changchun_designations(jilin):
    """Two provincial towns in 长春 (双阳区, 农安县), one county-level town in 双阳区."""
    designate(town_in(SHUANGYANG, 0), Tier.PROVINCIAL, 2022)
    designate(town_in(NONGAN, 0), Tier.PROVINCIAL, 2022)
    designate(town_in(SHUANGYANG, 1), Tier.COUNTY, 2022)


def test_anonymous_is_refused(jilin, api_client):
    assert api_client.get(URL).status_code == 401


def test_province_first_then_cities_then_counties(jilin, api_as, province_viewer):
    body = api_as(province_viewer).get(URL, {"page_size": 1000}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1 + 9 + 69
    levels = [row["level"] for row in body["results"]]
    assert levels == ["province"] + ["city"] * 9 + ["county"] * 69
    province = body["results"][0]
    assert province["code"] == "22"
    assert province["parent"] is None
    assert province["town_count"] == Town.objects.filter(kind="town").count()
    assert province["tiers"]["provincial"] == {"count": 0, "minimum": 30, "shortfall": 30, "met": False}
    assert province["tiers"]["city"] == {"count": 0, "minimum": 40, "shortfall": 40, "met": False}
    assert province["tiers"]["county"] == {"count": 0, "minimum": 50, "shortfall": 50, "met": False}


def test_numbers(changchun_designations, api_as, province_admin):
    quotas = by_code(api_as(province_admin))

    changchun = quotas["2201"]
    assert changchun["name"] == "长春市"
    assert changchun["level_label"] == "市（州）"
    assert changchun["parent"] == "22"
    assert changchun["town_count"] == Town.objects.filter(city_id="2201", kind="town").count()
    assert changchun["tiers"] == {
        "provincial": {"count": 2, "minimum": 2, "shortfall": 0, "met": True},
        "city": {"count": 0, "minimum": 2, "shortfall": 2, "met": False},
        "county": {"count": 1, "minimum": None, "shortfall": 0, "met": True},
    }
    assert changchun["met"] is False
    assert changchun["applicable"] is True

    jilin_city = quotas["2202"]
    assert jilin_city["tiers"]["provincial"] == {"count": 0, "minimum": 2, "shortfall": 2, "met": False}

    shuangyang = quotas[SHUANGYANG]
    assert shuangyang["parent"] == "2201"
    assert shuangyang["tiers"]["county"] == {"count": 1, "minimum": 1, "shortfall": 0, "met": True}
    assert shuangyang["tiers"]["provincial"] == {"count": 1, "minimum": None, "shortfall": 0, "met": True}
    assert shuangyang["met"] is True
    assert quotas[NONGAN]["met"] is False  # provincial only; no county-level town

    province = quotas["22"]
    assert province["tiers"]["provincial"] == {"count": 2, "minimum": 30, "shortfall": 28, "met": False}
    assert province["tiers"]["county"]["count"] == 1


def test_county_without_towns_is_not_applicable(jilin, api_as, province_viewer):
    no_towns = Region.objects.filter(level="county").exclude(towns__kind="town").order_by("code").first()
    assert no_towns is not None
    row = by_code(api_as(province_viewer))[no_towns.code]
    assert row["town_count"] == 0
    assert row["applicable"] is False
    assert row["met"] is True


def test_filters(changchun_designations, api_as, province_viewer):
    client = api_as(province_viewer)
    cities = rows(client, level="city")
    assert len(cities) == 9
    assert {row["level"] for row in cities} == {"city"}
    assert [row["code"] for row in rows(client, level="province")] == ["22"]

    counties_of_changchun = rows(client, parent="2201")
    expected = Region.objects.filter(parent_id="2201").count()
    assert len(counties_of_changchun) == expected
    assert {row["parent"] for row in counties_of_changchun} == {"2201"}

    met = rows(client, met="true", parent="2201")
    assert SHUANGYANG in {row["code"] for row in met}
    assert NONGAN not in {row["code"] for row in met}
    assert all(row["met"] for row in met)
    unmet = rows(client, met="false", level="city")
    assert len(unmet) == 9  # no city has two city-level towns
    assert all(not row["met"] for row in unmet)


def test_bad_filter_is_400(jilin, api_as, province_viewer):
    client = api_as(province_viewer)
    assert client.get(URL, {"level": "town"}).status_code == 400
    assert client.get(URL, {"met": "perhaps"}).status_code == 400


def test_pagination(jilin, api_as, province_viewer):
    client = api_as(province_viewer)
    first = client.get(URL, {"page_size": 10}).json()
    assert first["count"] == 79
    assert len(first["results"]) == 10
    assert first["previous"] is None
    second = client.get(first["next"]).json()
    assert second["results"][0]["code"] != first["results"][0]["code"]
    assert second["previous"] is not None


def test_county_official_sees_only_his_county(changchun_designations, api_as, county_official):
    body = api_as(county_official).get(URL).json()
    assert body["count"] == 1
    (row,) = body["results"]
    assert row["code"] == SHUANGYANG
    assert row["tiers"]["county"]["count"] == 1


def test_other_county_official(changchun_designations, api_as, other_county_official):
    assert [row["code"] for row in rows(api_as(other_county_official))] == [JIAOHE]


def test_city_official_sees_his_city_without_province_totals(changchun_designations, api_as, city_official):
    quotas = rows(api_as(city_official))
    assert quotas[0]["code"] == "2201"
    assert quotas[0]["tiers"]["provincial"]["count"] == 2
    assert "22" not in {row["code"] for row in quotas}
    assert all(row["code"].startswith("2201") for row in quotas)
    assert rows(api_as(city_official), level="province") == []
