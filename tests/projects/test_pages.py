"""Project pages (issue 4, R5): the list and its export, the county's forms, the project page with its
computed flags and its status buttons, the task-area summary; scoping on every one of them."""

from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.utils import timezone

from projects.models import Project
from projects.services import change_status, update_project
from towns.services import designate

from ..conftest import JIAOHE, PROJECT_DATA, SHUANGYANG, town_in
from .page_helpers import html, message_texts, open_export, sheet_rows, table_rows, text_of

# The geography must be there even after a transactional test elsewhere flushed the database.
pytestmark = pytest.mark.usefixtures("jilin")

NAME, TOWN, COUNTY, CITY, TASK_AREA, WELFARE, INVESTMENT, STATUS, KEY, BOND, COMPLETED, PERCENT, LAST = range(
    13
)


def form_data(town, **overrides):
    data = {
        "town": town.code,
        "task_area": "T05",
        "name": "镇区污水管网改造工程",
        "public_welfare": "on",
        "investment": "1200.00",
        "annual_revenue": "0",
        "annual_debt_service": "0",
        "start_year": "2025",
        "end_year": "2027",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


@pytest.fixture
def foreign_project(make_user, jilin):
    """A project of a provincial town of 蛟河市 (吉林市), filed by its county."""
    from projects.services import create_project

    town = town_in(JIAOHE)
    designate(town, "provincial", 2022, doc_no="吉示范镇办〔2022〕9号")
    official = make_user("county_official", JIAOHE, username="jiaohe_filer")
    return create_project(official, town=town, data={**PROJECT_DATA, "name": "蛟河外县项目"})


# --- the county's form --------------------------------------------------------------------------------


def test_county_creates_a_project_and_sees_its_computed_flags(client, county_official, demo_town):
    client.force_login(county_official)
    form_page = client.get("/projects/new/")
    assert form_page.status_code == 200
    # The town select offers the county's demonstration towns; the flags are not fields.
    assert f'<option value="{demo_town.code}">' in html(form_page)
    assert f'<option value="{town_in(SHUANGYANG, 1).code}">' not in html(form_page)
    assert 'name="key_support"' not in html(form_page) and 'name="bond_type"' not in html(form_page)
    assert "T15 基层网格化治理机制" in html(form_page) and 'label="五、体制机制"' in html(form_page)

    response = client.post("/projects/new/", form_data(demo_town), follow=True)
    project = Project.objects.get()
    assert response.redirect_chain[-1][0] == f"/projects/{project.pk}/"
    assert project.created_by == county_official and project.investment == Decimal("1200.00")
    assert "已保存项目“镇区污水管网改造工程”" in message_texts(response)
    assert text_of(response, "key-support").startswith("是")
    assert "所在镇为省级示范镇、公益性项目、总投资 1,200.00 万元超过 500 万元" in text_of(
        response, "key-support"
    )
    assert text_of(response, "bond-type") == "一般债券 公益性、无收益 → 一般债券"
    assert "1,200.00 万元" in text_of(response, "project-investment")


@pytest.mark.parametrize(("investment", "shown"), [("500.00", "否"), ("500.01", "是")])
def test_key_support_needs_strictly_more_than_500(client, county_official, demo_town, investment, shown):
    client.force_login(county_official)
    response = client.post("/projects/new/", form_data(demo_town, investment=investment), follow=True)
    assert text_of(response, "key-support").startswith(shown)
    if shown == "否":
        assert "总投资 500.00 万元未超过 500 万元 → 不属于省级重点支持" in text_of(response, "key-support")
    project = Project.objects.get()
    assert table_rows(client.get("/projects/"), "project-table")[project.pk][KEY] == shown


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("investment", "-5", "总投资不能为负数。"),
        ("investment", "一千万", "总投资“一千万”不是有效的金额。"),
        ("investment", "10000000.01", "总投资超过 10,000,000 万元，请核对单位（万元）。"),
        ("investment", "", "请填写总投资。"),
        ("annual_revenue", "1.005", "预期年收益最多保留两位小数（单位：万元）。"),
    ],
)
def test_bad_money_is_refused_with_the_reason_and_nothing_is_saved(
    client, county_official, demo_town, field, value, message
):
    client.force_login(county_official)
    response = client.post("/projects/new/", form_data(demo_town, **{field: value}))
    assert response.status_code == 200
    assert message in message_texts(response)
    assert "未保存" in message_texts(response)
    # What was typed stays in the form.
    assert f'value="{value}"' in html(response) or value == ""
    assert Project.objects.count() == 0


def test_end_year_before_start_year_is_refused(client, county_official, demo_town):
    client.force_login(county_official)
    response = client.post("/projects/new/", form_data(demo_town, start_year="2027", end_year="2025"))
    assert "完工年度不能早于开工年度" in message_texts(response)
    assert Project.objects.count() == 0


def test_only_county_officials_get_the_new_project_form(client, city_official, province_admin, demo_town):
    for user in (city_official, province_admin):
        client.force_login(user)
        assert client.get("/projects/new/").status_code == 403
        assert client.post("/projects/new/", form_data(demo_town)).status_code == 403
        assert "新增项目" not in html(client.get("/projects/"))
    assert Project.objects.count() == 0


def test_county_edits_a_project_and_its_flags_follow(client, county_official, make_project):
    project = make_project()
    client.force_login(county_official)
    page = client.get(f"/projects/{project.pk}/edit/")
    assert page.status_code == 200
    assert 'value="1200.00"' in html(page)
    data = form_data(project.town, investment="300.00", name="污水管网一期")
    data.pop("town")
    response = client.post(f"/projects/{project.pk}/edit/", data, follow=True)
    assert "已保存项目信息" in message_texts(response)
    assert text_of(response, "key-support").startswith("否")
    assert text_of(response, "project-investment") == "300.00 万元"
    project.refresh_from_db()
    assert (project.name, project.investment) == ("污水管网一期", Decimal("300.00"))
    # The edit is in the project's history with its old and new value.
    history = html(response).split("变更记录")[-1]
    assert "镇区污水管网改造工程" in history and "污水管网一期" in history


def test_a_refused_edit_changes_nothing(client, county_official, make_project):
    project = make_project()
    client.force_login(county_official)
    data = form_data(project.town, investment="-1")
    data.pop("town")
    response = client.post(f"/projects/{project.pk}/edit/", data)
    assert "总投资不能为负数。" in message_texts(response)
    project.refresh_from_db()
    assert project.investment == Decimal("1200.00")


# --- the list: flags, bond types, filters, totals ------------------------------------------------------


def test_list_shows_each_bond_type_branch(client, county_official, make_project):
    general = make_project(name="一般债券项目")
    special = make_project(
        name="专项债券项目", special_bond_field=True, annual_revenue="80.00", annual_debt_service="60.00"
    )
    not_covered = make_project(
        name="收益不足项目", special_bond_field=True, annual_revenue="50.00", annual_debt_service="60.00"
    )
    not_welfare = make_project(name="经营性项目", public_welfare=False, annual_revenue="200.00")
    client.force_login(county_official)
    rows = table_rows(client.get("/projects/"), "project-table")
    assert rows[general.pk][BOND] == "一般债券"
    assert rows[special.pk][BOND] == "专项债券"
    assert rows[not_covered.pk][BOND] == "不适用债券"
    assert rows[not_welfare.pk][BOND] == "不适用债券"
    assert rows[not_welfare.pk][KEY] == "否" and rows[not_welfare.pk][WELFARE] == "否"
    assert rows[general.pk][TASK_AREA] == "T05 环境基础设施"
    assert rows[general.pk][INVESTMENT] == "1,200.00"
    assert rows[general.pk][STATUS] == "储备"
    assert rows[general.pk][COUNTY] == "双阳区" and rows[general.pk][CITY] == "长春市"
    assert rows[general.pk][LAST] == "未报送"
    # The bond-type filter picks the same rows the column shows.
    filtered = table_rows(client.get("/projects/", {"bond_type": "none"}), "project-table")
    assert set(filtered) == {not_covered.pk, not_welfare.pk}
    # The project page explains why.
    assert "年收益 50.00 万元低于年还本付息 60.00 万元" in text_of(
        client.get(f"/projects/{not_covered.pk}/"), "bond-type"
    )
    assert (
        text_of(client.get(f"/projects/{not_welfare.pk}/"), "bond-type")
        == "不适用债券 非公益性项目 → 不适用债券"
    )


def test_list_filters_and_totals(client, province_admin, make_project, foreign_project):
    small = make_project(name="小项目", investment="100.50", task_area="T01")
    big = make_project(name="大项目", investment="2000.25", start_year=2022, end_year=2023)
    client.force_login(province_admin)

    def listed(**params):
        response = client.get("/projects/", params)
        assert response.status_code == 200
        return set(table_rows(response, "project-table")), response

    everything, response = listed()
    assert everything == {small.pk, big.pk, foreign_project.pk}
    status_select = html(response).split('name="status"')[1].split("</select>")[0]
    assert '<option value="" selected>全部</option>' in status_select and ">在建</option>" in status_select
    assert text_of(response, "project-total-investment") == "3,300.75"
    assert listed(county=SHUANGYANG)[0] == {small.pk, big.pk}
    assert listed(city="2202")[0] == {foreign_project.pk}
    assert listed(town=foreign_project.town_id)[0] == {foreign_project.pk}
    assert listed(task_area="T01")[0] == {small.pk}
    assert listed(key_support="true")[0] == {big.pk, foreign_project.pk}
    assert listed(key_support="false")[0] == {small.pk}
    assert listed(year=2026)[0] == {small.pk, foreign_project.pk}
    assert listed(tier="provincial")[0] == everything
    assert listed(search="大项")[0] == {big.pk}
    assert listed(status="approved")[0] == set()
    _, response = listed(county=SHUANGYANG)
    assert text_of(response, "project-total-investment") == "2,100.75"
    # A bad filter is explained, not a 500, and lists nothing.
    rows, response = listed(year="abc")
    assert rows == set() and "筛选条件有误" in html(response)


def test_export_has_the_rows_of_the_page(client, province_admin, make_project, foreign_project):
    ours = [make_project(name=f"项目{index}", investment=f"{500 + index}.00") for index in range(3)]
    client.force_login(province_admin)
    params = {"county": SHUANGYANG}
    page_rows = table_rows(client.get("/projects/", params), "project-table")
    response = client.get("/projects/export.xlsx", params)
    assert f"示范镇建设项目-{timezone.localdate():%Y%m%d}.xlsx" in unquote(response["Content-Disposition"])
    sheet = open_export(response)
    assert sheet["A1"].value == "吉林省示范镇建设项目"
    assert [cell.value for cell in sheet[3]][:5] == ["项目编号", "项目名称", "市（州）", "县（市、区）", "镇"]
    rows = sheet_rows(sheet)
    assert {row[0] for row in rows} == set(page_rows) == {project.pk for project in ours}
    first = next(row for row in rows if row[0] == ours[1].pk)
    assert first[1] == "项目1"
    assert first[5] == ours[1].town_id and isinstance(first[5], str)  # codes as text
    assert first[7] == "T05"
    assert first[11] == 501
    assert sheet.cell(row=4, column=12).number_format == "#,##0.00"
    assert first[17] == "是" and first[18] == "一般债券"


def test_list_query_count_does_not_grow_with_rows(
    client, county_official, demo_town, django_assert_num_queries
):
    client.force_login(county_official)
    client.get("/projects/")  # warm the session
    counts = []
    for total in (10, 100):
        Project.objects.all().delete()
        Project.objects.bulk_create(
            Project(
                town=demo_town,
                task_area_id="T05",
                name=f"批量项目{index}",
                public_welfare=True,
                investment=Decimal("600.00"),
                start_year=2025,
                end_year=2027,
            )
            for index in range(total)
        )
        # session, user, the bell, the user's region in the navbar, 2 × regions for the filters (the towns
        # are suggested as typed, never listed), count, rows, totals
        with django_assert_num_queries(9) as captured:
            response = client.get("/projects/", {"page_size": 200, "key_support": "true"})
        counts.append(len(captured.captured_queries))
        assert len(table_rows(response, "project-table")) == total
    assert counts[0] == counts[1]


# --- scope ----------------------------------------------------------------------------------------------


def test_other_county_sees_nothing_of_ours(client, other_county_official, make_project, foreign_project):
    ours = make_project(name="双阳区项目")
    client.force_login(other_county_official)
    rows = table_rows(client.get("/projects/"), "project-table")
    assert set(rows) == {foreign_project.pk}
    assert "双阳区项目" not in html(client.get("/projects/", {"county": SHUANGYANG}))
    assert table_rows(client.get("/projects/", {"search": "双阳"}), "project-table") == {}
    exported = sheet_rows(open_export(client.get("/projects/export.xlsx")))
    assert [row[0] for row in exported] == [foreign_project.pk]
    assert sheet_rows(open_export(client.get("/projects/export.xlsx", {"county": SHUANGYANG}))) == []
    assert client.get(f"/projects/{ours.pk}/").status_code == 404
    assert client.get(f"/projects/{ours.pk}/edit/").status_code == 404
    assert client.post(f"/projects/{ours.pk}/edit/", form_data(ours.town)).status_code == 404
    assert client.post(f"/projects/{ours.pk}/status/", {"status": "approved"}).status_code == 404
    report = {
        "period_type": "month",
        "year": 2026,
        "number": 1,
        "cumulative_investment": "1",
        "percent_complete": "1",
    }
    assert client.post(f"/projects/{ours.pk}/reports/", report).status_code == 404
    ours.refresh_from_db()
    assert (ours.status, ours.name, ours.reports.count()) == ("planned", "双阳区项目", 0)
    # Nor can he file a project for a town of ours.
    response = client.post("/projects/new/", form_data(ours.town))
    assert "请选择本县（市、区）的示范镇" in message_texts(response)
    assert Project.objects.count() == 2


def test_city_official_reads_his_citys_projects_only(client, city_official, make_project, foreign_project):
    ours = make_project()
    client.force_login(city_official)
    assert set(table_rows(client.get("/projects/"), "project-table")) == {ours.pk}
    page = client.get(f"/projects/{ours.pk}/")
    assert page.status_code == 200
    assert text_of(page, "key-support").startswith("是")
    # No buttons to change anything, and the doors are closed.
    assert "project-edit-link" not in html(page)
    assert "status-buttons" not in html(page) and "report-form" not in html(page)
    assert client.get(f"/projects/{ours.pk}/edit/").status_code == 403
    data = form_data(ours.town, name="市里改的名字")
    data.pop("town")
    assert client.post(f"/projects/{ours.pk}/edit/", data).status_code == 403
    assert client.post(f"/projects/{ours.pk}/status/", {"status": "approved"}).status_code == 403
    ours.refresh_from_db()
    assert (ours.name, ours.status) == (PROJECT_DATA["name"], "planned")
    assert client.get(f"/projects/{foreign_project.pk}/").status_code == 404


# --- status --------------------------------------------------------------------------------------------


def test_status_buttons_follow_the_flow_and_need_both_approvals(client, county_official, make_project):
    project = make_project()
    client.force_login(county_official)
    page = client.get(f"/projects/{project.pk}/")
    assert text_of(page, "status-buttons") == "转为“已批复” 转为“已终止”"
    response = client.post(f"/projects/{project.pk}/status/", {"status": "approved"}, follow=True)
    assert "项目状态已变更为“已批复”" in message_texts(response)
    assert text_of(response, "status-buttons") == "转为“在建” 转为“已终止”"

    response = client.post(f"/projects/{project.pk}/status/", {"status": "under_construction"}, follow=True)
    assert "尚未登记规划批复和设计批复" in message_texts(response)
    assert text_of(response, "project-status") == "已批复"

    update_project(
        county_official,
        project=project,
        data={
            "planning_approval_date": "2025-03-01",
            "planning_approval_doc_no": "双规批〔2025〕3号",
            "design_approval_date": "2025-04-01",
            "design_approval_doc_no": "双设批〔2025〕7号",
        },
    )
    page = client.get(f"/projects/{project.pk}/")
    assert "2025年3月1日，双规批〔2025〕3号" in text_of(page, "project-approvals")
    response = client.post(f"/projects/{project.pk}/status/", {"status": "under_construction"}, follow=True)
    assert "项目状态已变更为“在建”" in message_texts(response)
    assert text_of(response, "project-status") == "在建"
    assert text_of(response, "status-buttons") == "转为“已完工” 转为“已终止”"
    # A transition outside the flow is refused with the reason.
    response = client.post(f"/projects/{project.pk}/status/", {"status": "planned"}, follow=True)
    assert "项目状态不能从“在建”变为“储备”" in message_texts(response)


def test_a_finished_project_offers_no_edit(client, county_official, make_project):
    project = make_project()
    change_status(county_official, project=project, status="cancelled")
    client.force_login(county_official)
    page = client.get(f"/projects/{project.pk}/")
    assert "project-edit-link" not in html(page) and "status-buttons" not in html(page)
    response = client.get(f"/projects/{project.pk}/edit/", follow=True)
    assert "项目已终止，不能再修改。" in message_texts(response)


# --- task areas -----------------------------------------------------------------------------------------


def test_task_area_summary_counts_within_scope(client, county_official, make_project, foreign_project):
    make_project(task_area="T05", investment="100.00")
    make_project(task_area="T05", investment="900.00")
    make_project(task_area="T12", investment="50.00", start_year=2022, end_year=2022)
    client.force_login(county_official)
    response = client.get("/projects/task-areas/")
    page = html(response)
    assert page.count("data-task-area=") == 15
    for group in ("一、产业项目", "二、市政设施", "三、公共事业", "四、人居环境", "五、体制机制"):
        assert group in page
    assert text_of(response, "task-area-total-projects") == "3"  # not the other county's
    assert text_of(response, "task-area-total-investment") == "1,050.00"
    row = page.split('data-task-area="T05"')[1].split("</tr>")[0]
    assert '<td class="num" data-projects>2</td>' in row and "1,000.00" in row
    assert text_of(client.get("/projects/task-areas/", {"year": 2022}), "task-area-total-projects") == "1"
    sheet = open_export(client.get("/projects/task-areas/export.xlsx"))
    rows = sheet_rows(sheet)
    assert len(rows) == 15
    t05 = next(row for row in rows if row[1] == "T05")
    assert (t05[3], t05[5]) == (2, 1000)
