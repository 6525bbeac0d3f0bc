"""The progress reports across projects (R5 调度): their page and its export (issue 11, point 3) — the same
FilterSet as GET /api/v1/progress-reports/, the page's sort, the user's scope, constant queries."""

import pytest
from django.utils import timezone

from projects.rules import period_of
from projects.services import change_status, submit_report
from tests.conftest import JIAOHE, SHUANGYANG, town_in
from tests.pages import html, keyed_rows
from tests.xlsx import assert_constant_queries, exported
from towns.services import designate

pytestmark = pytest.mark.usefixtures("jilin")


@pytest.fixture(autouse=True)
def monthly(settings):
    settings.PROGRESS_PERIOD = "month"


def report(user, project, investment, percent="10", narrative="进展顺利"):
    current = period_of(timezone.localdate(), "month")
    return submit_report(
        user,
        project=project,
        period_type="month",
        year=current.year,
        number=current.number,
        cumulative_investment=investment,
        percent_complete=percent,
        narrative=narrative,
    )


@pytest.fixture
def reported(make_project, county_official, other_county_official):
    """Two 双阳区 projects and a 蛟河市 one, each reported this month."""
    ours = []
    for name, investment in (("污水管网", "300.00"), ("=道路硬化", "120.00")):
        project = make_project(name=name)
        change_status(county_official, project=project, status="approved")
        ours.append(report(county_official, project, investment))
    foreign_town = town_in(JIAOHE)
    designate(foreign_town, "county", 2022)
    theirs = make_project(town=foreign_town, user=other_county_official, name="蛟河项目")
    change_status(other_county_official, project=theirs, status="approved")
    return ours, report(other_county_official, theirs, "50.00")


def test_the_reports_page_lists_them_with_its_export_button(client, province_admin, reported):
    client.force_login(province_admin)
    page = client.get("/projects/reports/")
    assert page.status_code == 200 and 'id="report-export-link"' in html(page)
    assert len(keyed_rows(page, "report-table", "data-report")) == 3
    assert 'href="/projects/reports/"' in html(client.get("/projects/"))


def test_the_export_has_the_pages_rows_filters_and_sort(client, province_admin, reported):
    ours, _theirs = reported
    client.force_login(province_admin)
    params = {"county": SHUANGYANG, "sort": "-investment"}
    page = keyed_rows(client.get("/projects/reports/", params), "report-table", "data-report")
    sheet, rows = exported(client.get("/projects/reports/export.xlsx", params))
    assert [int(key) for key, _cells in page] == [ours[0].pk, ours[1].pk]
    assert [row[0] for row in rows] == [ours[0].project_id, ours[1].project_id]
    assert [row[10] for row in rows] == [300, 120]
    assert rows[1][1] == "=道路硬化" and sheet.cell(row=5, column=2).data_type == "s"
    assert rows[0][2] == ours[0].project.town_id and rows[0][7] == "月度"
    assert sheet["A1"].value == "示范镇建设项目进度报送"
    assert sheet["A2"].value.startswith("筛选条件：县（市、区）：双阳区；排序：累计完成投资（降序）")


def test_a_county_exports_only_its_own_reports(client, other_county_official, reported):
    _ours, theirs = reported
    client.force_login(other_county_official)
    _sheet, rows = exported(client.get("/projects/reports/export.xlsx"))
    assert [row[0] for row in rows] == [theirs.project_id]


def test_a_bad_filter_is_refused(client, province_admin, reported):
    client.force_login(province_admin)
    response = client.get("/projects/reports/export.xlsx", {"year": "1800"}, follow=True)
    assert "筛选条件有误，未导出。" in html(response)


def test_the_reports_export_costs_constant_queries(
    client, province_admin, county_official, reported, make_project, django_assert_num_queries
):
    client.force_login(province_admin)

    def grow():
        for index in range(3):
            project = make_project(name=f"补充项目{index}")
            change_status(county_official, project=project, status="approved")
            report(county_official, project, "10.00")

    assert_constant_queries(client, "/projects/reports/export.xlsx", grow, django_assert_num_queries)
