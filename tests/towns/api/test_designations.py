"""API v1 designations: filters, fields, scoping, constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import JIAOHE, NONGAN, SHUANGYANG, town_in
from towns.choices import Ended, Tier
from towns.models import Designation, Town
from towns.services import designate

URL = "/api/v1/designations/"

pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


@pytest.fixture
def history(jilin):
    """220112: an ended city-level designation (2022–2023), then provincial from 2024; 220122: county-level
    from 2023; 220281 (吉林市): provincial from 2022."""
    shuangyang = town_in(SHUANGYANG, 0)
    ended = designate(shuangyang, Tier.CITY, 2022, doc_no="长示范镇〔2022〕1号")
    Designation.objects.filter(pk=ended.pk).update(
        to_year=2023, ended=Ended.PROMOTED, end_doc_no="吉〔2024〕1号"
    )
    return {
        "ended": ended,
        "provincial": designate(shuangyang, Tier.PROVINCIAL, 2024, doc_no="吉〔2024〕1号", dev_type="trade"),
        "nongan": designate(town_in(NONGAN, 0), Tier.COUNTY, 2023),
        "jiaohe": designate(town_in(JIAOHE, 0), Tier.PROVINCIAL, 2022),
    }


def test_anonymous_is_refused(history, api_client):
    assert api_client.get(URL).status_code == 401


def test_item_fields(history, api_as, province_viewer):
    item = history["provincial"]
    town = item.town
    assert api_as(province_viewer).get(f"{URL}{item.pk}/").json() == {
        "id": item.pk,
        "town": town.code,
        "town_name": town.name,
        "county": SHUANGYANG,
        "county_name": "双阳区",
        "city": "2201",
        "city_name": "长春市",
        "tier": "provincial",
        "tier_label": "省级",
        "from_year": 2024,
        "to_year": None,
        "began": "selected",
        "began_label": "评选认定",
        "ended": "",
        "ended_label": None,
        "doc_no": "吉〔2024〕1号",
        "end_doc_no": "",
        "dev_type": "trade",
        "dev_type_label": "商贸流通型",
        "active": True,
    }


def test_filters(history, api_as, province_viewer):
    h = {name: d.pk for name, d in history.items()}
    client = api_as(province_viewer)
    assert ids(client.get(URL)) == sorted(h.values())
    assert ids(client.get(URL, {"active": "true"})) == sorted([h["provincial"], h["nongan"], h["jiaohe"]])
    assert ids(client.get(URL, {"active": "false"})) == [h["ended"]]
    assert ids(client.get(URL, {"tier": "provincial"})) == sorted([h["provincial"], h["jiaohe"]])
    assert ids(client.get(URL, {"tier": "city"})) == [h["ended"]]
    assert ids(client.get(URL, {"town": history["provincial"].town_id})) == sorted(
        [h["ended"], h["provincial"]]
    )
    assert ids(client.get(URL, {"city": "2201"})) == sorted([h["ended"], h["provincial"], h["nongan"]])
    assert ids(client.get(URL, {"county": JIAOHE})) == [h["jiaohe"]]
    # in force at some point of the year
    assert ids(client.get(URL, {"year": 2022})) == sorted([h["ended"], h["jiaohe"]])
    assert ids(client.get(URL, {"year": 2023})) == sorted([h["ended"], h["nongan"], h["jiaohe"]])
    assert ids(client.get(URL, {"year": 2024})) == sorted([h["provincial"], h["nongan"], h["jiaohe"]])
    assert ids(client.get(URL, {"year": 2021})) == []
    assert ids(client.get(URL, {"year": 2023, "tier": "city", "active": "false"})) == [h["ended"]]


def test_county_official_sees_only_his_county(history, api_as, county_official, other_county_official):
    client = api_as(county_official)
    assert ids(client.get(URL)) == sorted([history["ended"].pk, history["provincial"].pk])
    assert ids(client.get(URL, {"county": JIAOHE})) == []
    assert client.get(f"{URL}{history['jiaohe'].pk}/").status_code == 404
    assert client.get(f"{URL}{history['nongan'].pk}/").status_code == 404
    assert client.get(f"{URL}{history['provincial'].pk}/").status_code == 200

    assert ids(api_as(other_county_official).get(URL)) == [history["jiaohe"].pk]


def test_city_official_sees_his_city(history, api_as, city_official):
    client = api_as(city_official)
    assert ids(client.get(URL)) == sorted(
        [history["ended"].pk, history["provincial"].pk, history["nongan"].pk]
    )
    assert client.get(f"{URL}{history['jiaohe'].pk}/").status_code == 404


def test_pagination_shape(history, api_as, province_viewer):
    body = api_as(province_viewer).get(URL, {"page_size": 2}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 4
    assert len(body["results"]) == 2
    assert "page_size=2" in body["next"]


def designate_many(count):
    towns = Town.objects.filter(kind="town").order_by("code")[:count]
    Designation.objects.bulk_create(
        Designation(town=town, tier=Tier.COUNTY, from_year=2022) for town in towns
    )


def test_list_queries_do_not_grow_with_rows(jilin, api_as, province_viewer):
    client = api_as(province_viewer)
    counts = []
    for n in (10, 100):
        Designation.objects.all().delete()
        designate_many(n)
        with CaptureQueriesContext(connection) as context:
            body = client.get(URL, {"page_size": 1000}).json()
        assert len(body["results"]) == n
        counts.append(len(context.captured_queries))
    assert counts == [2, 2]  # count + page (towns, counties and cities joined)


def test_absurd_year_is_refused_not_sent_to_the_database(jilin, api_as, province_viewer):
    response = api_as(province_viewer).get("/api/v1/designations/", {"year": "99999999999999999999"})
    assert response.status_code == 400
    assert "2100" in response.json()["year"][0]


def test_missing_object_answers_in_chinese(jilin, api_as, province_viewer):
    response = api_as(province_viewer).get("/api/v1/towns/000000000/")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}
