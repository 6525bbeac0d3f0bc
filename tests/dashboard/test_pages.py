"""The dashboards as pages: the home page draws the role's charts (the map for province roles), a region's
page its counties or towns, the map's measure is a plain GET parameter, and the .xlsx export holds exactly the
charts shown, with the numbers of their data tables."""

import json
import re

import pytest

from dashboard.selectors import dashboard_for, region_in_scope
from tests.xlsx import workbook_of

from ..conftest import CHANGCHUN, NONGAN, SHUANGYANG
from ..pages import html, keyed_rows, marked, read, text_of
from .data import small_program

pytestmark = pytest.mark.usefixtures("jilin")


@pytest.fixture
def program(jilin):
    return small_program()


def specs(response):
    """{chart key: spec} of every chart the page hands its script."""
    found = re.findall(r'<script id="spec-([\w-]+)" type="application/json">(.*?)</script>', html(response))
    return {key: json.loads(text) for key, text in found}


def test_the_province_home_page_draws_every_chart_and_the_map(client, program, province_viewer):
    client.force_login(province_viewer)
    response = client.get("/")
    page = html(response)
    dashboard = dashboard_for(province_viewer)
    drawn = specs(response)
    assert list(drawn) == [chart.key for chart in dashboard.charts if not chart.empty]
    assert drawn["map"]["kind"] == "map" and drawn["map"]["map_url"] == "/static/maps/jilin.json"
    assert page.count("data-chart-spec=") == len(drawn)
    assert '/static/vendor/echarts/echarts.min.js"' in page and '/static/js/charts.js"' in page
    assert "示意图" in text_of(response, "figure-map")
    # the home page keeps its cards and its table of unmet regions
    assert 'id="town-count"' in page and "名额未达标地区" in page
    assert [code for code, _ in keyed_rows(response, "dashboard-rows", "data-code")][:2] == ["2201", "2202"]
    assert dict(marked(response, "dashboard-figures", "data-figure"))["investment"] == "2,900.50"
    assert 'href="/dashboard/export/?measure=designations"' in page


def test_each_chart_has_its_data_table_one_click_away(client, program, province_admin):
    client.force_login(province_admin)
    response = client.get("/")
    rows = [cells for _, cells in read(response, "table-gaps").rows]
    assert rows[0] == [
        "市（州）",
        "已满足（个）",
        "省级缺口（个）",
        "市级缺口（个）",
        "县级缺口（所辖县（市、区））（个）",
    ]
    assert rows[1][:3] == ["长春市", "3", "1"]
    assert 'data-bs-target="#table-gaps"' in html(response)
    assert '<a href="/regions/2201/">长春市</a>' in html(response).split('id="table-map"')[1]


def test_the_map_measure_is_a_plain_get_parameter(client, program, province_admin):
    client.force_login(province_admin)
    response = client.get("/?measure=score")
    assert specs(response)["map"]["series"][0]["name"] == "平均综合得分"
    measures = dict(marked(response, "map-measures", "data-measure"))
    assert list(measures) == ["designations", "provincial", "city", "county", "gap", "investment", "score"]
    assert 'href="/?measure=gap"' in html(response)
    active = html(response).split('aria-current="true"')[1][:60]
    assert 'data-measure="score"' in active
    assert 'href="/dashboard/export/?measure=score"' in html(response)
    assert specs(client.get("/?measure=nonsense"))["map"]["series"][0]["name"] == "示范镇（有效认定）"


def test_a_city_page_lists_its_counties_and_links_each_to_its_own_page(client, program, province_admin):
    client.force_login(province_admin)
    response = client.get(f"/regions/{CHANGCHUN}/")
    assert response.status_code == 200
    rows = dict(keyed_rows(response, "dashboard-rows", "data-code"))
    assert set(rows) >= {SHUANGYANG, NONGAN} and all(code.startswith(CHANGCHUN) for code in rows)
    assert rows[NONGAN][:5] == ["农安县", "0", "1", "0", "1"]
    assert f'<a href="/regions/{SHUANGYANG}/">双阳区</a>' in html(response)
    drawn = specs(response)
    assert "map" not in drawn and drawn["county_tiers"]["links"][0].startswith("/regions/2201")
    assert f'href="/dashboard/export/?region={CHANGCHUN}"' in html(response)

    county = client.get(f"/regions/{SHUANGYANG}/")
    assert [code for code, _ in keyed_rows(county, "dashboard-rows", "data-code")] == [
        program.sy0.code,
        program.sy1.code,
    ]
    assert f'<li class="breadcrumb-item"><a href="/regions/{CHANGCHUN}/">长春市</a></li>' in html(county)


@pytest.mark.parametrize(
    ("role", "region"),
    [
        ("province_admin", None),
        ("city_official", None),
        ("county_official", None),
        ("province_admin", NONGAN),
    ],
)
def test_the_workbook_holds_exactly_the_charts_shown_with_their_numbers(
    client, program, request, role, region
):
    user = request.getfixturevalue(role)
    client.force_login(user)
    path = "/dashboard/export/" + (f"?region={region}" if region else "")
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    workbook = workbook_of(response)
    dashboard = dashboard_for(user, region=region_in_scope(user, region) if region else None)
    assert len(workbook.worksheets) == len(dashboard.charts)
    for sheet, chart in zip(workbook.worksheets, dashboard.charts, strict=True):
        assert sheet["A1"].value.endswith(f"：{chart.title}")
        assert [cell.value for cell in sheet[3]] == chart.headers()
        rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
        expected = [[row[0], *(None if v is None else float(v) for v in row[1:])] for row in chart.rows()]
        assert [[row[0], *(None if v is None else float(v) for v in row[1:])] for row in rows] == expected
    assert dashboard.scope_note in workbook.worksheets[0]["A2"].value


def test_the_home_page_of_a_county_shows_only_its_county(client, program, county_official):
    client.force_login(county_official)
    response = client.get("/")
    assert [code for code, _ in keyed_rows(response, "dashboard-rows", "data-code")] == [
        program.sy0.code,
        program.sy1.code,
    ]
    drawn = specs(response)
    assert "map" not in drawn
    assert drawn["town_investment"]["series"][0]["values"] == [2000.0, 0.0]
    assert dict(marked(response, "dashboard-figures", "data-figure"))["investment"] == "2,000.00"
    page = html(response)
    for foreign in (program.na0, program.jh0):
        assert foreign.name not in page and foreign.code not in page


def test_a_county_page_links_its_city_only_for_those_who_may_open_it(client, program, county_official):
    client.force_login(county_official)
    page = html(client.get(f"/regions/{SHUANGYANG}/"))
    assert '<li class="breadcrumb-item">长春市</li>' in page and f'href="/regions/{CHANGCHUN}/"' not in page
