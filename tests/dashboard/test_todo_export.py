"""The to-do list's export (/towns/inbox/export.xlsx, issue 11 point 3): the page's items in the page's order,
the user's own, a note saying how it is ordered, constant queries."""

import datetime

import pytest

from dashboard.todo import todo_items
from projects.services import change_status
from tests.conftest import SHUANGYANG, town_in
from tests.pages import html
from tests.xlsx import assert_constant_queries, exported

pytestmark = pytest.mark.usefixtures("jilin")


@pytest.fixture(autouse=True)
def monthly(settings):
    settings.PROGRESS_PERIOD = "month"


@pytest.fixture
def waiting(make_draft, make_project, county_official):
    """A 双阳区 draft and an approved project not yet reported: the county official's to-do."""
    make_draft(town=town_in(SHUANGYANG, 1))
    project = make_project(name="=镇区供水管网改造")
    change_status(county_official, project=project, status="approved")
    return project


def test_the_todo_list_exports_the_pages_items_in_its_order(client, county_official, waiting):
    client.force_login(county_official)
    page = client.get("/towns/inbox/")
    assert 'id="inbox-export-link"' in html(page)
    items = todo_items(county_official)
    assert len(items) >= 2
    sheet, rows = exported(client.get("/towns/inbox/export.xlsx"))
    assert [row[1] for row in rows] == [item.title for item in items]
    assert [row[0] for row in rows] == [item.kind_label for item in items]
    assert [row[6] for row in rows] == [item.link for item in items]
    assert sheet["A1"].value == "待办事项"
    assert sheet["A2"].value.startswith("筛选条件：全部；排序：逾期的在前，再按截止日期　共 ")
    # A project named like a formula is text in the sheet.
    cell = next(
        cell for row in sheet.iter_rows(min_row=4) for cell in row[1:2] if "=镇区供水管网改造" in cell.value
    )
    assert cell.data_type == "s"
    due = [row[3] for row in rows]
    assert all(value is None or datetime.date.fromisoformat(value) for value in due)


def test_someone_elses_to_do_is_not_in_the_export(client, other_county_official, waiting):
    client.force_login(other_county_official)
    _sheet, rows = exported(client.get("/towns/inbox/export.xlsx"))
    assert rows == []


def test_a_role_without_a_to_do_list_exports_an_empty_sheet(client, auditor):
    client.force_login(auditor)
    sheet, rows = exported(client.get("/towns/inbox/export.xlsx"))
    assert rows == [] and sheet["A1"].value == "待办事项"


def test_the_todo_export_costs_constant_queries(
    client, county_official, waiting, make_project, django_assert_num_queries
):
    client.force_login(county_official)

    def grow():
        for index in range(4):
            project = make_project(name=f"项目{index}")
            change_status(county_official, project=project, status="approved")

    assert_constant_queries(client, "/towns/inbox/export.xlsx", grow, django_assert_num_queries)
