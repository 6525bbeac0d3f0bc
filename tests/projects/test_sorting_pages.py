"""The project list and the unreported projects sort by their columns, their exports in the same order;
percent complete shows as a bar with its number; 已完工 asks first (issue 10, point 8)."""

import pytest

from projects.services import change_status, submit_report

from ..sorting import assert_sorts, row_keys, sort_link
from .page_helpers import html, open_export, sheet_rows
from .test_edit_pages import building

pytestmark = pytest.mark.usefixtures("jilin")


def project_ids(table="project-table"):
    def read(response):
        return [int(pk) for pk in row_keys(response, table, "data-project")]

    return read


@pytest.fixture
def three(make_project, county_official):
    """Three projects of the 双阳区 town: 800, 1,200 and 66,610 万元, the last one reported at 35%."""
    small = make_project(name="乙 文化广场", investment="800.00", task_area="T08")
    middle = make_project(name="甲 污水管网", investment="1200.00")
    large = make_project(name="丙 产业园道路", investment="66610.00", task_area="T01")
    for project in (small, middle, large):
        change_status(county_official, project=project, status="approved")
    submit_report(
        county_official,
        project=large,
        period_type="month",
        year=2025,
        number=5,
        cumulative_investment="1000.00",
        percent_complete="35",
    )
    return small, middle, large


def test_the_project_list_sorts_by_its_columns_and_the_export_follows(client, county_official, three):
    small, middle, large = three
    client.force_login(county_official)
    by_investment = [small.pk, middle.pk, large.pk]
    assert_sorts(client, "/projects/", project_ids(), "investment", by_investment)
    assert_sorts(client, "/projects/", project_ids(), "task_area", [large.pk, middle.pk, small.pk])
    # Names by code point: 丙 (U+4E19), 乙 (U+4E59), 甲 (U+7532).
    assert_sorts(client, "/projects/", project_ids(), "name", [large.pk, small.pk, middle.pk])
    assert_sorts(
        client, "/projects/", project_ids(), "percent", [small.pk, middle.pk, large.pk], reverses=False
    )

    page = client.get("/projects/", {"sort": "-investment"})
    exported = sheet_rows(open_export(client.get("/projects/export.xlsx", {"sort": "-investment"})))
    assert [row[0] for row in exported] == project_ids()(page) == list(reversed(by_investment))
    assert sort_link(page, "investment") == ("?sort=investment", "descending")
    assert "66,610.00" in html(page)


def test_percent_complete_is_a_bar_with_its_number(client, county_official, three):
    *_rest, large = three
    client.force_login(county_official)
    row = html(client.get("/projects/")).split(f'data-project="{large.pk}"')[1].split("</tr>")[0]
    assert 'role="progressbar"' in row and 'aria-valuenow="35"' in row and 'data-width="35"' in row
    assert "35.00%" in row
    detail = html(client.get(f"/projects/{large.pk}/"))
    assert 'id="project-progressbar"' in detail and 'aria-valuenow="35"' in detail


def test_the_unreported_projects_sort_inside_each_county_and_the_export_follows(
    client, county_official, three
):
    small, middle, large = three
    client.force_login(county_official)
    params = {"period_type": "month", "year": "2025", "number": "6"}

    def unreported(response):
        assert response.status_code == 200
        return [project.pk for project in response.context["projects"]]

    assert_sorts(
        client,
        "/projects/unreported/",
        unreported,
        "investment",
        [small.pk, middle.pk, large.pk],
        params=params,
    )
    page = client.get("/projects/unreported/", {**params, "sort": "-investment"})
    exported = sheet_rows(
        open_export(client.get("/projects/unreported/export.xlsx", {**params, "sort": "-investment"}))
    )
    assert [row[3] for row in exported] == unreported(page) == [large.pk, middle.pk, small.pk]
    assert "number=6&amp;sort=-investment" in html(page)  # the export link carries the sort


def test_completing_a_project_asks_first_and_says_what_changes(client, county_official, make_project):
    project = building(county_official, make_project())
    client.force_login(county_official)
    page = html(client.get(f"/projects/{project.pk}/"))
    form = page.split('id="completion-form"')[1].split(">", 1)[0]
    assert (
        'data-confirm="转为已完工后，项目信息不能再修改，状态不能再变更（仍可报送进度）。确定转为已完工吗？"'
        in form
    )
