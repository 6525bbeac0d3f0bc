"""GET /api/v1/notices/: praise and criticism notices with their towns; doc_no null until published;
proposed notices for the province roles only."""

import datetime
import re

import pytest
from django.utils import timezone

from assessment.models import Notice
from assessment.services import publish

pytestmark = pytest.mark.django_db

URL = "/api/v1/notices/"


def items(client, **params):
    response = client.get(URL, {"page_size": 1000, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_proposed_notices_have_no_number_and_list_their_towns(api_as, province_admin, towns, computed):
    body = items(api_as(province_admin), year=2024)
    p = [town.code for town in towns.provincial]
    praise, criticism = sorted(body, key=lambda item: item["kind"] != "praise")
    assert praise == {
        "id": Notice.objects.get(kind="praise").pk,
        "doc_no": None,
        "kind": "praise",
        "kind_label": "通报表扬",
        "year": 2024,
        "date": None,
        "status": "proposed",
        "towns": [p[1], p[2]],  # top 1 with a tie: both towns ranked 1st
        "superseded_by": None,
    }
    assert criticism["kind_label"] == "通报批评"
    assert criticism["towns"] == [p[5], p[0]]  # bottom 2 in rank order: the vetoed town last
    assert (criticism["doc_no"], criticism["status"]) == (None, "proposed")


def test_publication_numbers_and_dates_the_notices(api_as, province_admin, towns, computed):
    publish(province_admin, year=2024, doc_prefix="吉示范镇办")
    body = items(api_as(province_admin), year=2024)
    year = timezone.localdate().year
    by_kind = {item["kind"]: item["doc_no"] for item in body}
    assert by_kind == {"praise": f"吉示范镇办〔{year}〕1号", "criticism": f"吉示范镇办〔{year}〕2号"}
    assert {item["status"] for item in body} == {"published"}
    assert {item["date"] for item in body} == {timezone.localdate().isoformat()}
    assert all(re.fullmatch(r"吉示范镇办〔\d{4}〕\d+号", item["doc_no"]) for item in body)
    datetime.date.fromisoformat(body[0]["date"])
    criticism = next(item for item in body if item["kind"] == "criticism")
    assert criticism["towns"] == [towns.provincial[5].code, towns.provincial[0].code]


def test_filters(api_as, province_admin, computed):
    client = api_as(province_admin)
    assert [item["kind"] for item in items(client, kind="praise")] == ["praise"]
    assert [item["kind"] for item in items(client, kind="criticism")] == ["criticism"]
    assert len(items(client, year=2024)) == 2
    assert items(client, year=2025) == []
    assert client.get(URL, {"kind": "warning"}).status_code == 400


@pytest.mark.parametrize("role", ["province_viewer", "auditor"])
def test_province_roles_see_proposed_notices(api_as, everyone, computed, role):
    assert {item["status"] for item in items(api_as(everyone[role]))} == {"proposed"}


@pytest.mark.parametrize("role", ["partner", "city_official", "county_official"])
def test_other_roles_see_notices_once_published(api_as, everyone, province_admin, computed, role):
    client = api_as(everyone[role])
    assert items(client) == []
    praise = Notice.objects.get(kind="praise")
    assert client.get(f"{URL}{praise.pk}/").status_code == 404
    publish(province_admin, year=2024, doc_prefix="吉示范镇办")
    body = items(client)
    assert len(body) == 2 and all(item["doc_no"] for item in body)
    assert client.get(f"{URL}{praise.pk}/").status_code == 200


def test_detail_lists_the_towns_with_scores_and_ranks(api_as, province_admin, towns, computed):
    criticism = Notice.objects.get(kind="criticism")
    body = api_as(province_admin).get(f"{URL}{criticism.pk}/").json()
    assert body["towns"] == [towns.provincial[5].code, towns.provincial[0].code]
    assert body["entries"] == [
        {
            "town_code": towns.provincial[5].code,
            "town_name": towns.provincial[5].name,
            "city": "2202",
            "tier": "provincial",
            "score": "60.00",
            "rank": 5,
            "grade": "pass",
            "grade_label": "合格",
            "vetoed": False,
        },
        {
            "town_code": towns.provincial[0].code,
            "town_name": towns.provincial[0].name,
            "city": "2201",
            "tier": "provincial",
            "score": "95.00",
            "rank": 6,
            "grade": "fail",
            "grade_label": "不合格",
            "vetoed": True,
        },
    ]


def test_notice_queries_do_not_grow_with_towns(api_as, province_admin, computed, django_assert_num_queries):
    from assessment.models import AssessmentRound, Result
    from towns.models import Town

    client = api_as(province_admin)
    with django_assert_num_queries(3) as few:  # count, notices, their results with towns (one join)
        client.get(URL)
    extra_round = AssessmentRound.objects.get(year=2024)
    extra = Result.objects.bulk_create(
        Result(round=extra_round, town=town, tier="county", score=50, grade="fail", rank=n)
        for n, town in enumerate(Town.objects.filter(kind="town").exclude(results__round=extra_round)[:60])
    )
    Notice.objects.get(kind="criticism").results.add(*extra)
    with django_assert_num_queries(len(few)):
        body = client.get(URL).json()
    assert max(len(item["towns"]) for item in body["results"]) == 62
