"""`?cursor=` on the API lists (core.api.pagination): a partner walks a whole list page by page in key order."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import JIAOHE, SHUANGYANG, town_in
from towns.models import Designation, Town
from towns.services import designate

pytestmark = pytest.mark.django_db

TOWNS = "/api/v1/towns/"


def walk(client, url, params, *, between_pages=None):
    """Every page of a cursor walk: (codes of each page, the answers)."""
    answers = []
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        answers.append(response.json())
        if between_pages:
            between_pages(len(answers))
        if not answers[-1]["next"]:
            return answers
        response = client.get(answers[-1]["next"])


def codes_of(answers, key="code"):
    return [row[key] for answer in answers for row in answer["results"]]


def test_a_walk_visits_every_row_once_in_key_order(jilin, api_as, province_viewer):
    answers = walk(api_as(province_viewer), TOWNS, {"cursor": "", "page_size": 100})
    walked = codes_of(answers)
    expected = list(Town.objects.filter(kind="town").order_by("code").values_list("code", flat=True))
    assert walked == expected
    assert len(answers) == -(-len(expected) // 100)
    assert {answer["count"] for answer in answers} == {None}
    assert set(answers[0]) == {"count", "next", "previous", "results"}
    assert answers[0]["previous"] is None
    assert "cursor=" in answers[0]["next"]


def test_rows_added_while_walking_neither_repeat_nor_hide_a_row(jilin, api_as, province_viewer):
    before = set(Town.objects.filter(kind="town").values_list("code", flat=True))
    county = Town.objects.get(code=town_in(SHUANGYANG).code)

    def add_towns(page):
        # One town sorting before the walk's position, one after it, every page.
        for code in (f"2200000{page:02d}", f"2299999{page:02d}"):
            Town.objects.create(
                code=code,
                name=f"新镇{page}",
                kind="town",
                county_id=county.county_id,
                city_id=county.city_id,
                province_id=county.province_id,
            )

    answers = walk(api_as(province_viewer), TOWNS, {"cursor": "", "page_size": 100}, between_pages=add_towns)
    walked = codes_of(answers)
    assert len(walked) == len(set(walked))
    assert before <= set(walked)


def test_previous_walks_back_to_the_same_pages(jilin, api_as, province_viewer):
    client = api_as(province_viewer)
    first = client.get(TOWNS, {"cursor": "", "page_size": 50}).json()
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    back = client.get(third["previous"]).json()
    assert [row["code"] for row in back["results"]] == [row["code"] for row in second["results"]]
    start = client.get(back["previous"]).json()
    assert [row["code"] for row in start["results"]] == [row["code"] for row in first["results"]]
    assert start["previous"] is None


def test_a_walk_keeps_to_the_scope_and_the_filters(jilin, api_as, county_official):
    answers = walk(api_as(county_official), TOWNS, {"cursor": "", "page_size": 2, "kind": "all"})
    assert codes_of(answers) == list(
        Town.objects.filter(county_id=SHUANGYANG).order_by("code").values_list("code", flat=True)
    )


def test_another_scopes_cursor_shows_nothing_outside_the_scope(
    jilin, api_as, province_viewer, county_official
):
    """A cursor is a position, not a permission: used by a county, it lists the county's rows only."""
    province_page = api_as(province_viewer).get(TOWNS, {"cursor": "", "page_size": 5}).json()
    answers = walk(api_as(county_official), province_page["next"], {})
    assert {row["county"] for row in codes_of_rows(answers)} <= {SHUANGYANG}


def codes_of_rows(answers):
    return [row for answer in answers for row in answer["results"]]


def test_a_tampered_cursor_is_refused_in_chinese(jilin, api_as, province_viewer):
    client = api_as(province_viewer)
    next_url = client.get(TOWNS, {"cursor": "", "page_size": 5}).json()["next"]
    cursor = next_url.split("cursor=")[1].split("&")[0]
    tampered = cursor[:-1] + ("A" if cursor[-1] != "A" else "B")
    for bad in (tampered, "not-a-cursor", cursor + "x"):
        response = client.get(TOWNS, {"cursor": bad})
        assert response.status_code == 400
        assert "分页游标" in response.json()["detail"]


def test_a_cursor_of_another_list_is_refused(jilin, api_as, province_viewer):
    client = api_as(province_viewer)
    designate(town=town_in(SHUANGYANG), tier="county", from_year=2023, doc_no="双政〔2023〕1号")
    designate(town=town_in(JIAOHE), tier="county", from_year=2023, doc_no="蛟政〔2023〕1号")
    towns_next = client.get(TOWNS, {"cursor": "", "page_size": 1}).json()["next"]
    cursor = towns_next.split("cursor=")[1].split("&")[0]
    response = client.get("/api/v1/designations/", {"cursor": cursor})
    assert response.status_code == 400
    assert "分页游标" in response.json()["detail"]


def test_designations_walk_by_id(jilin, api_as, province_viewer):
    for index in range(3):
        designate(town=town_in(SHUANGYANG, index), tier="county", from_year=2023, doc_no="双政〔2023〕1号")
    answers = walk(api_as(province_viewer), "/api/v1/designations/", {"cursor": "", "page_size": 2})
    assert codes_of(answers, "id") == sorted(Designation.objects.values_list("id", flat=True))


def test_a_list_computed_in_memory_refuses_a_cursor(jilin, api_as, province_viewer):
    response = api_as(province_viewer).get("/api/v1/quotas/", {"cursor": ""})
    assert response.status_code == 400
    assert "page" in response.json()["detail"]


def test_each_page_of_a_walk_costs_the_same_queries(jilin, api_as, province_viewer):
    client = api_as(province_viewer)
    with CaptureQueriesContext(connection) as first:
        page = client.get(TOWNS, {"cursor": "", "page_size": 20}).json()
    for _ in range(5):
        page = client.get(page["next"]).json()
    with CaptureQueriesContext(connection) as later:
        client.get(page["next"]).json()
    assert len(later.captured_queries) == len(first.captured_queries)
    assert not [query for query in later.captured_queries if "COUNT(" in query["sql"]]
