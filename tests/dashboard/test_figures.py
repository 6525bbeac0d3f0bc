"""Each role's dashboard on a small program (tests/dashboard/data.py), every figure computed by hand."""

from decimal import Decimal

import pytest
from django.utils import timezone

from dashboard.rules import program_years
from dashboard.selectors import dashboard_for
from towns.models import Town

from ..conftest import CHANGCHUN, JILIN_CITY, NONGAN, SHUANGYANG
from .data import small_program

pytestmark = pytest.mark.usefixtures("jilin")


@pytest.fixture
def program(jilin):
    return small_program()


def numbers(chart):
    """{series name: [values]} of a chart, values as the page's script gets them (spec: floats, None)."""
    return {series["name"]: series["values"] for series in chart.spec()["series"]}


def by_category(chart, series_name):
    return dict(zip(chart.categories, numbers(chart)[series_name], strict=True))


def counties_with_towns(city):
    return Town.objects.filter(city_id=city, kind="town").values("county_id").distinct().count()


def test_the_province_sees_every_city_against_the_r1_targets(program, province_admin):
    dashboard = dashboard_for(province_admin)
    assert dashboard.level == "province" and dashboard.title == "吉林省" and dashboard.score_year == 2025
    assert [chart.key for chart in dashboard.charts] == [
        "tiers",
        "map",
        "city_tiers",
        "gaps",
        "task_areas",
        "sources",
        "funnel",
        "reporting",
        "grades",
        "tier_scores",
        "trend",
        "pending",
    ]
    tiers = dashboard.chart("tiers")
    assert tiers.categories == ("省级", "市级", "县级")
    assert numbers(tiers) == {"有效认定": [2, 1, 1], "全省目标": [30, 40, 50]}

    changchun, jilin = dashboard.rows[0], dashboard.rows[1]
    assert len(dashboard.rows) == 9 and (changchun.name, jilin.name) == ("长春市", "吉林市")
    assert (changchun.provincial, changchun.city, changchun.county) == (1, 1, 1)
    assert (jilin.provincial, jilin.city, jilin.county) == (1, 0, 0)
    # R1: 长春市 lacks 1 provincial and 1 city-level town, and each of its counties with a 镇 but 双阳区 lacks one.
    assert changchun.gap == 1 + 1 + counties_with_towns(CHANGCHUN) - 1
    assert changchun.required == 2 + 2 + counties_with_towns(CHANGCHUN)
    assert jilin.gap == 1 + 2 + counties_with_towns(JILIN_CITY)
    gaps = dashboard.chart("gaps")
    assert by_category(gaps, "省级缺口")["长春市"] == 1 and by_category(gaps, "市级缺口")["吉林市"] == 2
    assert by_category(gaps, "已满足")["长春市"] == 3  # one of each tier
    assert dashboard.figure("region_gap").value == sum(row.gap for row in dashboard.rows)
    assert dashboard.figure("province_gap").value == 28 + 39 + 49

    assert (changchun.projects, changchun.investment) == (3, Decimal("2500.50"))
    assert (jilin.projects, jilin.investment) == (2, Decimal("400.00"))
    assert dashboard.figure("investment").value == Decimal("2900.50")
    assert dashboard.figure("allocated").value == Decimal("300.50")
    # Due this period: a (在建, reported only for another period) and b (已批复, reported); e (在建) not reported.
    assert (changchun.due, changchun.reported, changchun.rate) == (2, 1, Decimal("50.0"))
    assert (jilin.due, jilin.reported, jilin.rate) == (1, 0, Decimal("0.0"))
    assert dashboard.rows[2].rate is None  # 四平市: nothing due
    assert dashboard.figure("reporting_rate").value == Decimal("33.3")
    assert by_category(dashboard.chart("reporting"), "报送率")["长春市"] == 50.0
    # 2025's published scores of 长春市: (88 + 81 + 55) / 3; 吉林市 has none that year.
    assert changchun.score == Decimal("74.67") and jilin.score is None

    areas = dashboard.chart("task_areas")
    assert by_category(areas, "项目总投资")["T05 环境基础设施"] == 1700.5
    assert by_category(areas, "已安排资金")["T05 环境基础设施"] == 200.0
    assert by_category(areas, "项目总投资")["T03 生活服务设施"] == 400.0
    sources = by_category(dashboard.chart("sources"), "已安排资金")
    assert (
        sources["县级财政资金"] == 200.0 and sources["社会资本"] == 100.5 and sources["省级一般债券"] == 0.0
    )
    funnel = dashboard.chart("funnel")
    assert numbers(funnel)["项目数"] == [4, 3, 2, 0]  # 已终止 d left out
    assert "已终止的 1 个项目不计" in funnel.note

    grades = dashboard.chart("grades")
    assert grades.categories == ("2024年省级", "2024年市级", "2025年省级", "2025年市级", "2025年县级")
    assert numbers(grades) == {
        "优秀": [1, 0, 0, 0, 0],
        "良好": [0, 1, 1, 1, 0],
        "合格": [1, 0, 0, 0, 0],
        "不合格": [0, 0, 0, 0, 1],
    }
    scores = dashboard.chart("tier_scores")  # sy1's 2024 draft (99) is never counted
    assert scores.categories == ("2024年", "2025年")
    assert numbers(scores) == {"省级": [81.0, 88.0], "市级": [85.0, 81.0], "县级": [None, 55.0]}

    years = program_years(timezone.localdate().year)
    trend = dashboard.chart("trend")
    assert trend.categories[:4] == ("2022年", "2023年", "2024年", "2025年")
    assert numbers(trend) == {
        "省级": [1, 1, 2, *([2] * (len(years) - 3))],
        "市级": [1] * len(years),
        "县级": [0, *([1] * (len(years) - 1))],
    }
    assert numbers(dashboard.chart("pending")) == {"件数": [1, 1, 1]}
    assert dashboard.figure("awaiting_decision").value == 1
    assert dashboard.figure("rounds_to_publish").value == 1


def test_the_map_colours_the_cities_by_the_chosen_measure(program, province_admin):
    dashboard = dashboard_for(province_admin, measure="investment")
    chart = dashboard.chart("map")
    assert chart.kind == "map" and chart.map_url == "/static/maps/jilin.json" and "示意图" in chart.note
    assert chart.categories[0] == "长春市" and chart.categories[-1] == "延边朝鲜族自治州"
    assert chart.links[0] == "/regions/2201/" and chart.unit == "万元" and chart.places == 2
    assert by_category(chart, "项目总投资")["长春市"] == 2500.5
    assert by_category(dashboard_for(province_admin, measure="provincial").chart("map"), "省级示范镇") == {
        **dict.fromkeys(chart.categories, 0),
        "长春市": 1,
        "吉林市": 1,
    }
    gap = dashboard_for(province_admin, measure="gap").chart("map")
    assert by_category(gap, "名额缺口")["长春市"] == dashboard.rows[0].gap
    score = dashboard_for(province_admin, measure="score").chart("map")
    assert (
        by_category(score, "平均综合得分")["长春市"] == 74.67
        and by_category(score, "平均综合得分")["吉林市"] is None
    )
    assert dashboard_for(province_admin, measure="no-such-measure").measure.key == "designations"


def test_a_city_sees_its_counties_its_reviews_and_its_towns_scores(program, city_official):
    dashboard = dashboard_for(city_official)
    assert (
        dashboard.level == "city" and dashboard.title == "长春市" and dashboard.row_header == "县（市、区）"
    )
    rows = {row.code: row for row in dashboard.rows}
    assert {row.code[:4] for row in dashboard.rows} == {CHANGCHUN}
    shuangyang, nongan = rows[SHUANGYANG], rows[NONGAN]
    assert (shuangyang.provincial, shuangyang.county, shuangyang.gap) == (1, 1, 0)
    assert (nongan.city, nongan.county, nongan.gap, nongan.required) == (1, 0, 1, 1)
    assert (shuangyang.projects, shuangyang.investment, shuangyang.due, shuangyang.reported) == (
        2,
        Decimal("2000.00"),
        2,
        1,
    )
    assert (nongan.projects, nongan.investment, nongan.due) == (1, Decimal("500.50"), 0)
    assert shuangyang.score == Decimal("71.50") and nongan.score == Decimal("81.00")
    tiers = dashboard.chart("tiers")
    assert numbers(tiers) == {"有效认定": [1, 1, 1], "最低名额": [2, 2, counties_with_towns(CHANGCHUN)]}
    gaps = dashboard.chart("county_gaps")
    assert by_category(gaps, "县级缺口")["农安县"] == 1 and by_category(gaps, "已满足")["双阳区"] == 1
    assert dashboard.figure("awaiting_review").value == 1  # sy1, 已上报
    assert dashboard.figure("investment").value == Decimal("2500.50")
    assert dashboard.figure("reporting_rate").value == Decimal("50.0")
    assert dashboard.figure("average_score").value == Decimal("74.67")
    submissions = dashboard.chart("submissions")
    assert (
        by_category(submissions, "已上报")["双阳区"] == 1
        and by_category(submissions, "市级已推荐")["农安县"] == 1
    )
    assert sum(value for values in numbers(submissions).values() for value in values) == 2  # jh0 is 吉林市's
    towns = dashboard.chart("town_scores")
    assert towns.title == "示范镇综合得分（2025年）"
    assert numbers(towns) == {"综合得分": [88.0, 81.0, 55.0]}
    assert towns.categories == (
        f"{program.sy0.name}（双阳区）",
        f"{program.na0.name}（农安县）",
        f"{program.sy1.name}（双阳区）",
    )
    assert towns.links[0] == f"/towns/{program.sy0.code}/"


def test_a_county_sees_its_towns_overdue_reports_and_submissions(program, county_official):
    dashboard = dashboard_for(county_official)
    assert (
        dashboard.level == "county"
        and dashboard.title == "长春市双阳区"
        and dashboard.parent_code == CHANGCHUN
    )
    assert [(row.code, row.tier_label) for row in dashboard.rows] == [
        (program.sy0.code, "省级"),
        (program.sy1.code, "县级"),
    ]
    sy0, sy1 = dashboard.rows
    assert (sy0.projects, sy0.investment, sy0.due, sy0.reported, sy0.unreported) == (
        2,
        Decimal("2000.00"),
        2,
        1,
        1,
    )
    assert (sy0.score, sy1.score) == (Decimal("88.00"), Decimal("55.00"))
    assert numbers(dashboard.chart("tiers")) == {"有效认定": [1, 0, 1], "最低名额": [None, None, 1]}
    reporting = dashboard.chart("town_reporting")
    assert numbers(reporting) == {"已报送": [1, 0], "未报送（逾期）": [1, 0]}
    assert dashboard.figure("unreported").value == 1
    assert dashboard.figure("region_gap").value == 0
    assert dashboard.figure("average_score").value == Decimal("71.50")
    assert dashboard.figure("submissions_open").value == 1  # sy1, 已上报
    submissions = dashboard.chart("submissions")
    assert submissions.categories == ("测试评选批次",) and by_category(submissions, "已上报") == {
        "测试评选批次": 1
    }
    status = dashboard.chart("project_status")
    assert by_category(status, "项目数") == {"储备": 0, "已批复": 1, "在建": 1, "已完工": 0, "已终止": 0}
    assert status.links[1] == f"/projects/?county={SHUANGYANG}&status=approved"


def test_a_region_inside_the_province_gets_the_dashboard_of_its_level(program, province_admin):
    from dashboard.selectors import region_in_scope

    city = dashboard_for(province_admin, region=region_in_scope(province_admin, CHANGCHUN))
    assert city.level == "city" and city.figure("awaiting_review").value == 1
    county = dashboard_for(province_admin, region=region_in_scope(province_admin, NONGAN))
    assert county.level == "county" and [row.code for row in county.rows] == [program.na0.code]
    assert county.figure("region_gap").value == 1


def test_a_user_without_a_scope_has_no_dashboard(program, make_user):
    dashboard = dashboard_for(make_user("county_official", None, username="nowhere"))
    assert dashboard.level == "" and dashboard.charts == () and dashboard.figures == ()
