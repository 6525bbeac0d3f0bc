"""API v1 towns: filters shared with the pages, the active tier, history, scoping, pagination, queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import JIAOHE, SHUANGYANG, town_in
from towns.choices import Began, Ended, Tier
from towns.models import Designation, Town
from towns.services import designate

URL = "/api/v1/towns/"

pytestmark = pytest.mark.django_db


def codes(response):
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


def test_anonymous_is_refused(jilin, api_client):
    assert api_client.get(URL).status_code == 401


def test_list_has_only_towns_by_default(jilin, api_as, province_viewer):
    client = api_as(province_viewer)
    body = client.get(URL, {"page_size": 1000}).json()
    assert body["count"] == Town.objects.filter(kind="town").count()
    assert {row["kind"] for row in body["results"]} == {"town"}
    assert {row["kind_label"] for row in body["results"]} == {"镇"}
    assert client.get(URL, {"kind": "all"}).json()["count"] == Town.objects.count()
    assert (
        client.get(URL, {"kind": "township"}).json()["count"] == Town.objects.filter(kind="township").count()
    )


def test_item_fields(jilin, api_as, province_viewer):
    town = town_in(SHUANGYANG, 0)
    row = api_as(province_viewer).get(URL, {"search": town.code}).json()["results"][0]
    assert row == {
        "code": town.code,
        "name": town.name,
        "kind": "town",
        "kind_label": "镇",
        "county": SHUANGYANG,
        "county_name": "双阳区",
        "city": "2201",
        "city_name": "长春市",
        "tier": None,
        "tier_label": None,
        "tier_since": None,
        "tier_doc_no": None,
        "dev_type": "",
        "dev_type_label": None,
    }


def test_filters_city_county_search(jilin, api_as, province_viewer):
    client = api_as(province_viewer)
    in_city = client.get(URL, {"city": "2201", "page_size": 1000}).json()
    assert in_city["count"] == Town.objects.filter(city_id="2201", kind="town").count()
    assert {row["city"] for row in in_city["results"]} == {"2201"}

    expected = list(Town.objects.filter(county_id=SHUANGYANG, kind="town").values_list("code", flat=True))
    assert codes(client.get(URL, {"county": SHUANGYANG})) == expected
    assert codes(client.get(URL, {"search": SHUANGYANG})) == expected  # code prefix

    town = town_in(SHUANGYANG, 1)
    assert town.code in codes(client.get(URL, {"search": town.name[:-1]}))
    assert codes(client.get(URL, {"search": "不存在的镇名"})) == []


def test_tier_and_dev_type(jilin, api_as, province_viewer):
    provincial = town_in(SHUANGYANG, 0)
    county_tier = town_in(SHUANGYANG, 1)
    plain = town_in(SHUANGYANG, 2)
    designate(provincial, Tier.PROVINCIAL, 2022, doc_no="吉示范镇办〔2022〕1号", dev_type="industry")
    designate(county_tier, Tier.COUNTY, 2023, dev_type="culture_tourism")
    client = api_as(province_viewer)

    rows = {row["code"]: row for row in client.get(URL, {"county": SHUANGYANG}).json()["results"]}
    assert rows[provincial.code]["tier"] == "provincial"
    assert rows[provincial.code]["tier_label"] == "省级"
    assert rows[provincial.code]["tier_since"] == 2022
    assert rows[provincial.code]["tier_doc_no"] == "吉示范镇办〔2022〕1号"
    assert rows[provincial.code]["dev_type"] == "industry"
    assert rows[provincial.code]["dev_type_label"] == "工业主导型"
    assert rows[county_tier.code]["tier"] == "county"
    assert rows[plain.code]["tier"] is None
    assert rows[plain.code]["tier_since"] is None

    assert codes(client.get(URL, {"tier": "provincial"})) == [provincial.code]
    assert codes(client.get(URL, {"tier": "county"})) == [county_tier.code]
    assert codes(client.get(URL, {"tier": "city"})) == []
    undesignated = codes(client.get(URL, {"tier": "none", "county": SHUANGYANG}))
    assert plain.code in undesignated
    assert provincial.code not in undesignated
    assert codes(client.get(URL, {"dev_type": "industry"})) == [provincial.code]
    assert codes(client.get(URL, {"dev_type": "culture_tourism", "tier": "county"})) == [county_tier.code]


def test_bad_filter_value_is_400(jilin, api_as, province_viewer):
    assert api_as(province_viewer).get(URL, {"tier": "national"}).status_code == 400


def test_detail_by_code_with_history(jilin, api_as, province_viewer):
    town = town_in(SHUANGYANG, 0)
    first = designate(town, Tier.CITY, 2022, doc_no="长示范镇〔2022〕2号")
    Designation.objects.filter(pk=first.pk).update(
        to_year=2023, ended=Ended.PROMOTED, end_doc_no="吉示范镇办〔2024〕1号"
    )
    second = designate(town, Tier.PROVINCIAL, 2024, doc_no="吉示范镇办〔2024〕1号", began=Began.PROMOTED)

    body = api_as(province_viewer).get(f"{URL}{town.code}/").json()
    assert body["code"] == town.code
    assert body["tier"] == "provincial"
    assert body["tier_since"] == 2024
    assert [d["id"] for d in body["designations"]] == [second.pk, first.pk]
    current, earlier = body["designations"]
    assert current == {
        "id": second.pk,
        "tier": "provincial",
        "tier_label": "省级",
        "from_year": 2024,
        "to_year": None,
        "began": "promoted",
        "began_label": "晋级",
        "ended": "",
        "ended_label": None,
        "doc_no": "吉示范镇办〔2024〕1号",
        "end_doc_no": "",
        "dev_type": "",
        "dev_type_label": None,
        "active": True,
    }
    assert earlier["tier"] == "city"
    assert earlier["to_year"] == 2023
    assert earlier["ended"] == "promoted"
    assert earlier["ended_label"] == "晋升更高层级"
    assert earlier["end_doc_no"] == "吉示范镇办〔2024〕1号"
    assert earlier["active"] is False


def test_detail_of_any_township_level_unit(jilin, api_as, province_viewer):
    """The list shows 镇 only by default; the lookup by code finds a 街道 or 乡 too."""
    subdistrict = Town.objects.filter(county_id=SHUANGYANG, kind="subdistrict").first()
    body = api_as(province_viewer).get(f"{URL}{subdistrict.code}/").json()
    assert body["kind"] == "subdistrict"
    assert body["designations"] == []
    assert api_as(province_viewer).get(f"{URL}999999999/").status_code == 404


def test_county_official_sees_only_his_towns(jilin, api_as, county_official):
    mine, theirs = town_in(SHUANGYANG, 0), town_in(JIAOHE, 0)
    designate(theirs, Tier.PROVINCIAL, 2022)
    client = api_as(county_official)

    body = client.get(URL, {"page_size": 1000}).json()
    assert body["count"] == Town.objects.filter(county_id=SHUANGYANG, kind="town").count()
    assert {row["county"] for row in body["results"]} == {SHUANGYANG}
    assert theirs.code not in codes(client.get(URL, {"search": theirs.code}))
    assert codes(client.get(URL, {"county": JIAOHE})) == []
    assert codes(client.get(URL, {"tier": "provincial"})) == []
    assert client.get(f"{URL}{theirs.code}/").status_code == 404
    assert client.get(f"{URL}{mine.code}/").status_code == 200


def test_city_official_sees_his_city(jilin, api_as, city_official):
    client = api_as(city_official)
    body = client.get(URL, {"page_size": 1000}).json()
    assert body["count"] == Town.objects.filter(city_id="2201", kind="town").count()
    assert client.get(f"{URL}{town_in(JIAOHE, 0).code}/").status_code == 404


def test_pagination(jilin, api_as, province_viewer):
    client = api_as(province_viewer)
    body = client.get(URL).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert len(body["results"]) == 50
    assert body["previous"] is None
    assert "page=2" in body["next"]

    second = client.get(body["next"]).json()
    assert second["previous"] is not None
    assert {row["code"] for row in second["results"]}.isdisjoint(row["code"] for row in body["results"])

    total = Town.objects.count()
    assert total > 1000
    everything = client.get(URL, {"kind": "all", "page_size": 1000}).json()
    assert len(everything["results"]) == 1000
    capped = client.get(URL, {"kind": "all", "page_size": 5000}).json()
    assert len(capped["results"]) == 1000
    assert capped["count"] == total
    assert capped["next"] is not None
    assert client.get(URL, {"page": 999}).status_code == 404


def designate_many(count):
    towns = Town.objects.filter(kind="town").order_by("code")[:count]
    Designation.objects.bulk_create(
        Designation(town=town, tier=Tier.COUNTY, from_year=2022) for town in towns
    )


def queries_for(client, url, params):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(context.captured_queries), response.json()


def test_list_queries_do_not_grow_with_rows(jilin, api_as, province_viewer):
    client = api_as(province_viewer)
    designate_many(10)
    few, body = queries_for(client, URL, {"tier": "county", "page_size": 1000})
    assert body["count"] == 10
    Designation.objects.all().delete()
    designate_many(100)
    many, body = queries_for(client, URL, {"tier": "county", "page_size": 1000})
    assert body["count"] == 100
    assert few == many == 2  # count + page


def test_detail_queries_do_not_grow_with_history(jilin, api_as, province_viewer):
    town = town_in(SHUANGYANG, 0)
    for year in range(2010, 2020):
        Designation.objects.create(
            town=town, tier=Tier.COUNTY, from_year=year, to_year=year, ended=Ended.CHANGED
        )
    designate(town, Tier.CITY, 2022)
    count, body = queries_for(api_as(province_viewer), f"{URL}{town.code}/", {})
    assert len(body["designations"]) == 11
    assert count == 2  # town + history


def test_token_authentication(jilin, api_client, county_official):
    from accounts.services import issue_token

    token = issue_token(None, county_official, name="测试")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    body = api_client.get(URL).json()
    assert {row["county"] for row in body["results"]} == {SHUANGYANG}
    api_client.credentials(HTTP_AUTHORIZATION="Token wrong")
    assert api_client.get(URL).status_code == 401
