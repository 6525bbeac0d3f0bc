"""API v1 regions: filters, lookup by code, scoping."""

import pytest

URL = "/api/v1/regions/"

pytestmark = pytest.mark.django_db


def codes(response):
    return [row["code"] for row in response.json()["results"]]


def test_anonymous_is_refused(jilin, api_client):
    assert api_client.get(URL).status_code == 401
    assert api_client.get(URL + "2201/").status_code == 401


def test_filter_by_level(jilin, api_as, province_viewer):
    body = api_as(province_viewer).get(URL, {"level": "city"}).json()
    assert body["count"] == 9
    assert {row["level"] for row in body["results"]} == {"city"}
    assert {row["level_label"] for row in body["results"]} == {"市（州）"}
    assert {row["parent"] for row in body["results"]} == {"22"}
    assert api_as(province_viewer).get(URL, {"level": "county"}).json()["count"] == 69


def test_filter_by_parent_and_search(jilin, api_as, province_viewer):
    client = api_as(province_viewer)
    body = client.get(URL, {"parent": "2201"}).json()
    assert body["count"] > 0
    assert all(row["parent"] == "2201" and row["level"] == "county" for row in body["results"])
    assert "220112" in codes(client.get(URL, {"parent": "2201"}))
    assert codes(client.get(URL, {"search": "双阳"})) == ["220112"]


def test_lookup_by_code(jilin, api_as, province_viewer):
    client = api_as(province_viewer)
    assert client.get(URL + "220112/").json() == {
        "code": "220112",
        "name": "双阳区",
        "level": "county",
        "level_label": "县（市、区）",
        "parent": "2201",
    }
    assert client.get(URL + "22/").json()["parent"] is None
    assert client.get(URL + "999999/").status_code == 404


def test_county_official_sees_only_his_county(jilin, api_as, county_official):
    client = api_as(county_official)
    assert codes(client.get(URL)) == ["220112"]
    assert client.get(URL + "220112/").status_code == 200
    for outside in ("220281", "2201", "22"):
        assert client.get(URL + f"{outside}/").status_code == 404


def test_city_official_sees_his_city_and_its_counties(jilin, api_as, city_official):
    client = api_as(city_official)
    seen = codes(client.get(URL, {"page_size": 1000}))
    assert "2201" in seen
    assert "220112" in seen
    assert all(code.startswith("2201") for code in seen)
    assert client.get(URL + "2202/").status_code == 404
    assert client.get(URL + "220281/").status_code == 404
