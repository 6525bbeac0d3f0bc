"""The assessment's pages at a national scale (issue 13, point 3): the round page counts the towns still to
score and lists only the first of them; the score sheet and the rankings page show one page at a time, in
the order and with the filters asked for, their exports still whole; their query counts do not grow with
the towns; the rankings page is read along the ranking index (no sort of a whole tier)."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment.filtersets import ranking_result_sorts
from assessment.models import Result
from assessment.selectors import GAP_ROWS, ranking_page_results
from assessment.services import ensure_round, save_scores
from towns.models import Town
from towns.services import designate

from .page_helpers import html, points_for, sheet_rows, text_of, town_rows

pytestmark = pytest.mark.django_db

ROUND = "/assessment/2024/"
SCORES = "/assessment/2024/scores/"
RANKINGS = "/assessment/2024/rankings/"


def designated(count, *, start=0, tier="county"):
    towns = list(Town.objects.filter(kind="town").order_by("code")[start : start + count])
    for town in towns:
        designate(town, tier, 2022)
    return towns


def queries(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


def test_the_round_page_counts_every_town_to_score_and_lists_the_first_of_them(client, province_admin, jilin):
    towns = designated(GAP_ROWS + 9)
    complete, partial, unscored = towns[:2], towns[2:4], towns[4:]
    for town in complete:
        save_scores(province_admin, year=2024, town=town, points_by_code=points_for("80"))
    for town in partial:
        save_scores(province_admin, year=2024, town=town, points_by_code={"T01": "5"})
    client.force_login(province_admin)

    page = client.get(ROUND)
    assert text_of(page, "unassessed-count") == str(len(unscored))
    listed = [code for code, _cells in town_rows(page, "unassessed-table")]
    assert listed == [town.code for town in unscored[:GAP_ROWS]]  # the first ones, by code
    assert f"按区划代码列出前 {GAP_ROWS} 个，共 {len(unscored)} 个" in text_of(page, "unassessed-more")
    assert f'href="{SCORES}?filled=none"' in html(page)
    incomplete = dict(town_rows(page, "incomplete-table"))
    assert list(incomplete) == [town.code for town in partial]
    assert incomplete[partial[0].code][4:6] == [
        "1",
        "T02、T03、T04、T05、T06、T07、T08、T09、T10、T11、T12、T13、T14、T15",
    ]
    assert text_of(page, "incomplete-count") == "2" and 'id="incomplete-more"' not in html(page)

    # The score sheet lists each kind in full, one page at a time.
    unscored_sheet = client.get(SCORES, {"filled": "none", "page_size": 20})
    assert text_of(unscored_sheet, "score-town-count") == str(len(unscored))
    assert [code for code, _c in town_rows(unscored_sheet, "score-table")] == [t.code for t in unscored[:20]]
    second = client.get(SCORES, {"filled": "none", "page_size": 20, "page": 2})
    assert [code for code, _c in town_rows(second, "score-table")] == [t.code for t in unscored[20:]]
    for filled, expected in (("incomplete", partial), ("complete", complete)):
        sheet = client.get(SCORES, {"filled": filled})
        assert [code for code, _c in town_rows(sheet, "score-table")] == [t.code for t in expected]
    everything = client.get(SCORES)
    assert text_of(everything, "score-town-count") == str(len(towns))
    assert text_of(everything, "scored-count") == "4"


def test_an_unknown_scoring_filter_or_page_size_shows_the_whole_sheet(client, province_admin, jilin):
    towns = designated(3)
    client.force_login(province_admin)
    page = client.get(SCORES, {"filled": "bogus", "page_size": "7", "page": "x"})
    assert [code for code, _c in town_rows(page, "score-table")] == [town.code for town in towns]


def test_the_score_sheet_sorts_the_whole_list_before_paging_and_keeps_the_sort_in_its_links(
    client, province_admin, jilin
):
    towns = designated(25)
    for number, town in enumerate(towns):
        save_scores(province_admin, year=2024, town=town, points_by_code=points_for(str(50 + number)))
    client.force_login(province_admin)
    first = client.get(SCORES, {"sort": "-composite", "page_size": 20})
    assert [code for code, _c in town_rows(first, "score-table")] == [t.code for t in reversed(towns)][:20]
    assert "sort=-composite" in re.search(r'href="([^"]*page=2[^"]*)"', html(first)).group(1)
    last = client.get(SCORES, {"sort": "-composite", "page_size": 20, "page": 2})
    assert [code for code, _c in town_rows(last, "score-table")] == [t.code for t in reversed(towns[:5])]


def ranked_results(count, unassessed=0, *, tier="county", status="published"):
    """count ranked results of the tier in 2024 (scores 99, 98 …), then `unassessed` without a score."""
    towns = list(Town.objects.filter(kind="town").order_by("code")[: count + unassessed])
    year = ensure_round(2024)
    Result.objects.bulk_create(
        [
            Result(round=year, town=town, tier=tier, score=99 - n, grade="pass", rank=n + 1, status=status)
            for n, town in enumerate(towns[:count])
        ]
        + [Result(round=year, town=town, tier=tier, assessed=False, status=status) for town in towns[count:]]
    )
    return towns


def test_the_rankings_page_shows_a_tier_one_page_at_a_time_and_exports_it_whole(
    client, province_admin, jilin
):
    towns = ranked_results(45, unassessed=5)
    client.force_login(province_admin)
    first = client.get(RANKINGS, {"tier": "county", "page_size": 20})
    assert text_of(first, "ranking-count") == "50"
    rows = town_rows(first, "ranking-table")
    assert [code for code, _c in rows] == [town.code for town in towns[:20]]
    assert [cells[0] for _code, cells in rows][:3] == ["1", "2", "3"]
    last = client.get(RANKINGS, {"tier": "county", "page_size": 20, "page": 3})
    assert [code for code, _c in town_rows(last, "ranking-table")] == [
        t.code for t in towns[40:]
    ]  # 未评 last
    # Descending, as the table always sorted: the unassessed first, then the ranks from the last.
    reverse = client.get(RANKINGS, {"tier": "county", "sort": "-rank", "page_size": 20})
    assert [code for code, _c in town_rows(reverse, "ranking-table")] == [
        *(t.code for t in towns[45:]),
        *(t.code for t in reversed(towns[30:45])),
    ]
    # The tiers are tabs; the export is the whole tier whatever the page.
    assert 'data-tier="city" href="?tier=city&amp;page_size=20&amp;page=3"' not in html(last)
    assert re.search(r'data-tier="city" href="\?tier=city&amp;page_size=20"', html(last))
    exported = sheet_rows(client.get("/assessment/2024/rankings/export.xlsx", {"tier": "county", "page": 3}))
    assert [row[2] for row in exported] == [town.code for town in towns]


def test_the_long_pages_cost_the_same_queries_for_more_towns(client, province_admin, jilin):
    towns = designated(12)
    save_scores(province_admin, year=2024, town=towns[0], points_by_code={"T01": "5"})
    ranked = Town.objects.filter(kind="town").order_by("code")
    Result.objects.bulk_create(
        Result(round=ensure_round(2024), town=town, tier="county", score=50, grade="fail", rank=1)
        for town in ranked[:12]
    )
    client.force_login(province_admin)
    pages = ((ROUND, {}), (SCORES, {}), (SCORES, {"filled": "none"}), (RANKINGS, {"tier": "county"}))
    few = [queries(client, url, params) for url, params in pages]
    more = designated(60, start=12)
    save_scores(province_admin, year=2024, town=more[0], points_by_code={"T01": "5"})
    Result.objects.bulk_create(
        Result(round=ensure_round(2024), town=town, tier="county", score=50, grade="fail", rank=1)
        for town in ranked[12:72]
    )
    assert [queries(client, url, params) for url, params in pages] == few


def plan_nodes(plan):
    yield plan
    for child in plan.get("Plans", ()):
        yield from plan_nodes(child)


def test_a_page_deep_in_the_rankings_is_read_along_the_ranking_index(province_admin, jilin):
    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    ranked_results(300, unassessed=20)
    assessment_round = ensure_round(2024)
    results = ranking_page_results(province_admin, assessment_round, "county")
    page = ranking_result_sorts([]).sorting(raw="rank").apply(results).values_list("pk", flat=True)[100:120]
    sql, params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE assessment_result")
        # Sorting made prohibitively dear: a Sort that remains is one no index could spare.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)  # nosec B608 - the ORM's own query
        document = cursor.fetchone()[0]
    nodes = list(plan_nodes((json.loads(document) if isinstance(document, str) else document)[0]["Plan"]))
    assert [node["Node Type"] for node in nodes if "Sort" in node["Node Type"]] == []
    assert "result_ranking" in {node.get("Index Name") for node in nodes}


def test_one_year_of_the_rankings_api_is_read_along_the_ranking_index(api_as, province_viewer, jilin):
    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    towns = ranked_results(300, unassessed=20)
    client = api_as(province_viewer)
    with CaptureQueriesContext(connection) as captured:
        body = client.get(
            "/api/v1/rankings/", {"year": 2024, "tier": "county", "page": 6, "page_size": 20}
        ).json()
    assert [item["town_code"] for item in body["results"]] == [town.code for town in towns[100:120]]
    (page_sql,) = [q["sql"] for q in captured if "OFFSET 100" in q["sql"]]  # the page, not its count
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE assessment_result")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {page_sql}")  # nosec B608 - the ORM's own query
        document = cursor.fetchone()[0]
    nodes = list(plan_nodes((json.loads(document) if isinstance(document, str) else document)[0]["Plan"]))
    assert [node["Node Type"] for node in nodes if "Sort" in node["Node Type"]] == []
    assert "result_ranking" in {node.get("Index Name") for node in nodes}
