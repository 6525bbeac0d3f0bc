"""API v1 selection rounds (R3): everyone reads, only the province sets them, through save_round()."""

import datetime

import pytest
from django.utils import timezone

from selection.models import SelectionRound

URL = "/api/v1/selection-rounds/"

pytestmark = pytest.mark.django_db

BODY = {"name": "第二批示范镇评选", "tiers": ["county", "provincial"], "deadline": "2026-12-31"}


def test_province_admin_creates_a_round(api_as, province_admin):
    response = api_as(province_admin).post(URL, BODY, format="json")
    assert response.status_code == 201, response.content
    created = SelectionRound.objects.get(name="第二批示范镇评选")
    assert response.json() == {
        "id": created.pk,
        "name": "第二批示范镇评选",
        "tiers": ["provincial", "county"],  # in tier order, as save_round() stores them
        "tier_labels": ["省级", "县级"],
        "deadline": "2026-12-31",
        "year": 2026,
        "is_open": created.is_open(),
        "version": 1,
        "created_at": response.json()["created_at"],
    }
    assert created.created_by == province_admin


def test_year_may_differ_from_the_deadline(api_as, province_admin):
    response = api_as(province_admin).post(URL, {**BODY, "year": 2027}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["year"] == 2027


@pytest.mark.parametrize("role_fixture", ["county_official", "city_official", "province_viewer", "auditor"])
def test_only_the_province_admin_creates(api_as, request, role_fixture):
    response = api_as(request.getfixturevalue(role_fixture)).post(URL, BODY, format="json")
    assert response.status_code == 403
    assert response.json()["detail"]
    assert not SelectionRound.objects.exists()


def test_anonymous_is_refused(api_client, jilin):
    assert api_client.get(URL).status_code == 401
    assert api_client.post(URL, BODY, format="json").status_code == 401


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"tiers": []}, "detail", "请选择评选层级"),
        ({"tiers": ["national"]}, "detail", "请选择评选层级"),
        ({"tiers": ["county", "national"]}, "detail", "请选择评选层级"),
        ({"deadline": "2026-02-30"}, "deadline", "日期"),
        ({"deadline": "明年"}, "deadline", "日期"),
        ({"name": ""}, "name", "不能为空"),
        ({"year": 1999}, "year", "2000"),
    ],
)
def test_bad_input_is_refused_in_chinese(api_as, province_admin, change, field, message):
    response = api_as(province_admin).post(URL, {**BODY, **change}, format="json")
    assert response.status_code == 400
    body = response.json()
    text = body[field] if field == "detail" else body[field][0]
    assert message in text
    assert not SelectionRound.objects.exists()


def test_duplicate_name_is_refused(api_as, province_admin, open_round):
    response = api_as(province_admin).post(URL, {**BODY, "name": open_round.name}, format="json")
    assert response.status_code == 400
    assert "名称" in response.json()["detail"]
    assert SelectionRound.objects.count() == 1


def test_every_user_lists_and_reads_rounds(api_as, open_round, closed_round, county_official, make_user):
    partner = make_user("partner", username="cdb")
    for user in (county_official, partner):
        client = api_as(user)
        body = client.get(URL).json()
        assert [item["id"] for item in body["results"]] == [open_round.pk, closed_round.pk]
        closed = client.get(f"{URL}{closed_round.pk}/").json()
        assert closed["is_open"] is False
        assert closed["deadline"] == "2022-04-30"
        assert closed["tier_labels"] == ["省级", "市级"]
        assert body["results"][0]["is_open"] is True
    assert api_as(county_official).get(f"{URL}999999/").status_code == 404


def test_province_admin_updates_a_round(api_as, province_admin, open_round):
    client = api_as(province_admin)
    later = timezone.localdate() + datetime.timedelta(days=60)
    response = client.patch(f"{URL}{open_round.pk}/", {"deadline": later.isoformat()}, format="json")
    assert response.status_code == 200, response.content
    open_round.refresh_from_db()
    assert open_round.deadline == later
    assert open_round.name == "2026年示范镇评选"
    assert open_round.tiers == ["provincial", "city", "county"]

    response = client.put(
        f"{URL}{open_round.pk}/", {"name": "改名", "tiers": ["city"], "deadline": "2030-01-31"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["name"], response.json()["tiers"], response.json()["year"]) == (
        "改名",
        ["city"],
        2030,
    )

    response = client.patch(f"{URL}{open_round.pk}/", {"tiers": ["national"]}, format="json")
    assert response.status_code == 400
    open_round.refresh_from_db()
    assert open_round.tiers == ["city"]


def test_others_cannot_update_or_delete(api_as, county_official, city_official, province_admin, open_round):
    for user in (county_official, city_official):
        response = api_as(user).patch(f"{URL}{open_round.pk}/", {"name": "x"}, format="json")
        assert response.status_code == 403
    assert api_as(province_admin).delete(f"{URL}{open_round.pk}/").status_code == 405
    open_round.refresh_from_db()
    assert open_round.name == "2026年示范镇评选"
