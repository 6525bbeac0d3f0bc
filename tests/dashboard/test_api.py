"""GET /api/v1/dashboard/: the same figures, rows and chart numbers as the page, for the caller's scope."""

import json
import re

import pytest

from ..conftest import CHANGCHUN, NONGAN
from ..pages import html, marked
from .data import small_program

pytestmark = pytest.mark.usefixtures("jilin")


@pytest.fixture
def program(jilin):
    return small_program()


def page_specs(response):
    found = re.findall(r'<script id="spec-([\w-]+)" type="application/json">(.*?)</script>', html(response))
    return {key: json.loads(text) for key, text in found}


@pytest.mark.parametrize(
    ("role", "path", "query"),
    [
        ("province_admin", "/", ""),
        ("province_viewer", "/", "?measure=investment"),
        ("city_official", "/", ""),
        ("county_official", "/", ""),
        ("province_admin", f"/regions/{CHANGCHUN}/", f"?region={CHANGCHUN}"),
        ("city_official", f"/regions/{NONGAN}/", f"?region={NONGAN}"),
    ],
)
def test_the_api_answers_the_numbers_the_page_shows(client, api_as, program, request, role, path, query):
    user = request.getfixturevalue(role)
    client.force_login(user)
    page_query = query.replace(f"region={CHANGCHUN}", "").replace(f"region={NONGAN}", "").strip("?")
    page = client.get(path + (f"?{page_query}" if page_query else ""))
    answer = api_as(user).get(f"/api/v1/dashboard/{query}")
    assert answer.status_code == 200
    body = answer.json()
    drawn = page_specs(page)
    charts = {chart["key"]: chart for chart in body["charts"]}
    assert set(drawn) <= set(charts)
    for key, spec in drawn.items():
        chart = charts[key]
        assert (chart["title"], chart["kind"], chart["unit"]) == (spec["title"], spec["kind"], spec["unit"])
        assert chart["categories"] == spec["categories"]
        assert [(s["name"], s["values"]) for s in chart["series"]] == [
            (s["name"], s["values"]) for s in spec["series"]
        ]
        assert chart["links"] == spec["links"]
    shown = dict(marked(page, "dashboard-figures", "data-figure"))
    assert [figure["key"] for figure in body["figures"]] == list(shown)
    rows = [row["code"] for row in body["rows"]]
    assert rows == re.findall(r'<tr data-code="(\d+)">', html(page).split('id="dashboard-rows"')[1])


def test_the_answer_carries_the_regions_rows_with_money_as_decimals(api_as, program, province_admin):
    body = api_as(province_admin).get("/api/v1/dashboard/").json()
    assert body["level"] == "province" and body["region_code"] == "22" and body["score_year"] == 2025
    assert body["measure"] == "designations" and body["period"] and body["period_label"]
    changchun = body["rows"][0]
    assert changchun["name"] == "长春市" and changchun["investment"] == "2500.50"
    assert (changchun["due"], changchun["reported"], changchun["rate"]) == (2, 1, "50.0")
    assert changchun["score"] == "74.67" and body["rows"][1]["score"] is None
    figures = {figure["key"]: figure["value"] for figure in body["figures"]}
    assert figures["investment"] == 2900.5 and figures["awaiting_decision"] == 1
    tiers = next(chart for chart in body["charts"] if chart["key"] == "tiers")
    assert tiers["series"][0]["values"] == [2, 1, 1] and tiers["series"][1]["kind"] == "line"


def test_an_unknown_measure_is_refused_in_chinese(api_as, program, province_admin):
    answer = api_as(province_admin).get("/api/v1/dashboard/?measure=nonsense")
    assert answer.status_code == 400 and "地图指标应为" in answer.json()["measure"][0]


def test_the_schema_documents_the_dashboard(openapi_schema):
    operation = openapi_schema["paths"]["/api/v1/dashboard/"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} == {"region", "measure"}
    assert {"200", "400", "404"} <= set(operation["responses"])
    properties = openapi_schema["components"]["schemas"]["Dashboard"]["properties"]
    assert {"level", "figures", "rows", "charts", "score_year", "period"} <= set(properties)
