"""Issue 8 point 9 on the project pages: the edit form and the status buttons carry the version they were
opened at (a project changed since is refused, never overwritten), R5/R6 refusals are shown and save
nothing, 已完工 takes a completion note when the latest report is short of 100% and the page shows it, and
the funding table says which quota each allocation draws on."""

from decimal import Decimal

import pytest

from funding.services import allocate
from projects.models import Project
from projects.services import change_status, submit_report, update_project

from .page_helpers import html, message_texts, text_of

pytestmark = pytest.mark.usefixtures("jilin")

APPROVALS = {
    "planning_approval_date": "2025-03-01",
    "planning_approval_doc_no": "双规批〔2025〕3号",
    "design_approval_date": "2025-04-01",
    "design_approval_doc_no": "双设批〔2025〕7号",
}


def edit_data(**overrides):
    data = {
        "task_area": "T05",
        "name": "镇区污水管网改造工程",
        "public_welfare": "on",
        "investment": "1200.00",
        "annual_revenue": "0",
        "annual_debt_service": "0",
        "start_year": "2025",
        "end_year": "2027",
        "version": "1",
    }
    data.update(overrides)
    return data


def building(official, project):
    update_project(official, project=project, data=APPROVALS)
    change_status(official, project=project, status="approved")
    return change_status(official, project=project, status="under_construction")


def test_the_edit_form_carries_its_version_and_a_stale_one_saves_nothing(
    client, county_official, make_project
):
    project = make_project()
    client.force_login(county_official)
    form = client.get(f"/projects/{project.pk}/edit/")
    assert '<input type="hidden" name="version" value="1"' in html(form)
    # someone else, meanwhile
    update_project(county_official, project=project, data={"name": "他人已改的名称"})
    response = client.post(f"/projects/{project.pk}/edit/", edit_data(investment="900.00"))
    assert response.status_code == 200
    assert "该项目已被他人修改（您提交的是第 1 版，当前为第 2 版），未保存您的修改。" in message_texts(
        response
    )
    project.refresh_from_db()
    assert (project.name, project.investment, project.version) == ("他人已改的名称", Decimal("1200.00"), 2)
    fresh = client.get(f"/projects/{project.pk}/edit/")
    assert '<input type="hidden" name="version" value="2"' in html(fresh)
    saved = client.post(
        f"/projects/{project.pk}/edit/", edit_data(name="他人已改的名称", investment="900.00", version="2")
    )
    assert saved.status_code == 302
    project.refresh_from_db()
    assert (project.investment, project.version) == (Decimal("900.00"), 3)


def test_an_edit_page_refuses_an_investment_below_the_allocations(
    client, county_official, province_admin, make_project, county_quota
):
    project = make_project()
    allocate(province_admin, project=project, source="provincial_general_bond", amount="600.00", year=2026)
    client.force_login(county_official)
    response = client.post(f"/projects/{project.pk}/edit/", edit_data(investment="599.99"))
    assert response.status_code == 200
    assert "总投资不能低于已安排给该项目的资金 600.00 万元（拟改为 599.99 万元）。" in message_texts(response)
    changed_type = client.post(f"/projects/{project.pk}/edit/", edit_data(public_welfare=""))
    assert "已安排债券资金：2026年省级一般债券 600.00 万元" in message_texts(changed_type)
    project.refresh_from_db()
    assert (project.investment, project.public_welfare, project.version) == (Decimal("1200.00"), True, 1)


def test_the_edit_page_keeps_the_approvals_of_a_project_under_construction(
    client, county_official, make_project
):
    project = building(county_official, make_project())
    client.force_login(county_official)
    response = client.post(
        f"/projects/{project.pk}/edit/",
        edit_data(**{**APPROVALS, "design_approval_doc_no": "", "version": str(project.version)}),
    )
    assert "项目在建，设计批复（日期和文号）不能删除：有项目必规划、无设计不动工。" in message_texts(response)
    project.refresh_from_db()
    assert project.design_approval_doc_no == "双设批〔2025〕7号"


def test_completion_from_the_page_needs_a_note_when_short_of_100_percent(
    client, county_official, make_project
):
    project = building(county_official, make_project())
    submit_report(
        county_official,
        project=project,
        period_type="month",
        year=2025,
        number=5,
        cumulative_investment="900.00",
        percent_complete="80",
    )
    client.force_login(county_official)
    page = client.get(f"/projects/{project.pk}/")
    assert "2025年5月）的形象进度为 80.00%" in text_of(page, "completion-note-field")
    assert 'form="completion-form"' in html(page)
    refused = client.post(
        f"/projects/{project.pk}/status/", {"status": "completed", "version": project.version}, follow=True
    )
    assert "形象进度为 80.00%：转为已完工须为 100%，或填写未达 100% 即完工的说明。" in message_texts(refused)
    assert text_of(refused, "project-status") == "在建"
    done = client.post(
        f"/projects/{project.pk}/status/",
        {"status": "completed", "version": project.version, "completion_note": "剩余绿化工程另行立项"},
        follow=True,
    )
    assert "项目状态已变更为“已完工”" in message_texts(done)
    assert (
        text_of(done, "completion-note")
        == "完工说明（最近一期形象进度未达 100% 即完工）：剩余绿化工程另行立项"
    )
    history = html(done)[html(done).index("history-table") :]
    assert "完工说明" in history and "剩余绿化工程另行立项" in history  # audited, shown in the history
    assert Project.objects.get(pk=project.pk).completion_note == "剩余绿化工程另行立项"


def test_a_full_report_needs_no_note_and_a_stale_status_button_is_refused(
    client, county_official, make_project
):
    project = building(county_official, make_project())
    submit_report(
        county_official,
        project=project,
        period_type="month",
        year=2025,
        number=6,
        cumulative_investment="1200.00",
        percent_complete="100",
    )
    client.force_login(county_official)
    page = client.get(f"/projects/{project.pk}/")
    assert "completion-note-field" not in html(page)
    assert "可以转为已完工" in html(page)
    stale = client.post(
        f"/projects/{project.pk}/status/", {"status": "completed", "version": "1"}, follow=True
    )
    assert "该项目已被他人修改" in message_texts(stale)
    assert text_of(stale, "project-status") == "在建"
    done = client.post(
        f"/projects/{project.pk}/status/", {"status": "completed", "version": project.version}, follow=True
    )
    assert text_of(done, "project-status") == "已完工"
    assert "completion-note" not in html(done).replace("completion-note-field", "")


def test_the_funding_table_says_which_quota_each_allocation_draws_on(
    client, county_official, province_admin, make_project, county_quota
):
    project = make_project()
    allocate(province_admin, project=project, source="provincial_general_bond", amount="600.00", year=2026)
    allocate(
        province_admin, project=project, source="county_budget", amount="50.00", year=2026, note="县级配套"
    )
    client.force_login(county_official)
    table = text_of(client.get(f"/projects/{project.pk}/"), "allocation-table")
    assert "2026 省级一般债券 600.00 双阳区 2026 年 —" in table
    assert "2026 县级财政资金 50.00 — 县级配套" in table


def test_the_project_export_carries_the_completion_note(client, county_official, make_project):
    from .page_helpers import open_export, sheet_rows

    project = building(county_official, make_project())
    change_status(county_official, project=project, status="completed", completion_note="主体工程已竣工验收")
    client.force_login(county_official)
    sheet = open_export(client.get("/projects/export.xlsx"))
    assert [cell.value for cell in sheet[3]][-1] == "完工说明"
    (row,) = sheet_rows(sheet)
    assert (row[0], row[-1]) == (project.pk, "主体工程已竣工验收")
