"""The project import round-trips (issue 11, point 2): the project list the export writes, edited, imports back
— changed fields with their before and after, new projects, every other row unchanged —; every refusal of the
project forms and services is a refusal of the import, with its reason; nothing is written before the
confirm, and a confirm the services refuse writes nothing at all."""

import io
from decimal import Decimal
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from core.choices import ImportState
from core.imports import get_importer
from core.models import ImportBatch, ImportRow
from core.tabular import read_sheet
from funding.services import allocate
from projects import services
from projects.imports import PROJECT_IMPORT
from projects.models import Project, TaskArea
from projects.services import change_status, update_project
from projects.sheets import PROJECT_READ_COLUMNS
from tests.audit import change_set_entry_of
from tests.xlsx import content_of

from ..conftest import JIAOHE, SHUANGYANG, town_in, upload

pytestmark = pytest.mark.usefixtures("jilin")

APPROVALS = {
    "规划批复日期": "2025-03-01",
    "规划批复文号": "双规批〔2025〕3号",
    "设计批复日期": "2025-04-01",
    "设计批复文号": "双设批〔2025〕7号",
}
HEADER = "项目编号,项目名称,镇区划代码,任务领域代码,公益性,总投资（万元）,开工年度,完工年度"


def exported(client, query=None):
    response = client.get("/projects/export.xlsx", query or {})
    assert response.status_code == 200
    return load_workbook(io.BytesIO(content_of(response)))


def edited_export(client, edits, added=(), query=None):
    """The project list export with cells replaced (edits {project id: {header: value}}) and rows appended
    (added: [{header: value}])."""
    workbook = exported(client, query)
    sheet = workbook.active
    headers = [cell.value for cell in sheet[3]]
    for row in sheet.iter_rows(min_row=4):
        for header, value in edits.get(row[0].value, {}).items():
            row[headers.index(header)].value = value
    for values in added:
        sheet.append([values.get(header) for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_of(lines, header=HEADER):
    return ("\n".join([header, *lines]) + "\n").encode()


def post(client, content, name="项目.xlsx"):
    return client.post("/projects/import/", {"file": upload(name, content)})


def rows_of(batch):
    return {row.number: row for row in ImportRow.objects.filter(batch=batch)}


def written():
    """What a preview must leave as it was: the projects, their fields and the audit log."""
    return (
        list(Project.objects.order_by("pk").values_list("pk", "name", "investment", "status", "version")),
        LogEntry.objects.count(),
    )


@pytest.fixture
def official(client, county_official):
    client.force_login(county_official)
    return county_official


def new_row(town, name="镇区道路硬化工程", **overrides):
    values = {
        "项目名称": name,
        "镇区划代码": town.code,
        "任务领域代码": "T04",
        "公益性": "是",
        "专项债券投向领域": "否",
        "总投资（万元）": 860.5,
        "预期年收益（万元）": 0,
        "年还本付息（万元）": 0,
        "开工年度": 2025,
        "完工年度": 2026,
    }
    values.update(overrides)
    return values


def test_an_exported_project_list_edited_imports_back(client, official, make_project, demo_town):
    first, second = make_project(), make_project(name="镇区供热管网改造工程", task_area="T03")
    content = edited_export(
        client,
        {first.pk: {"总投资（万元）": 1500, "项目名称": "镇区污水管网改造工程（一期）", **APPROVALS}},
        added=[new_row(demo_town)],
    )
    before = written()
    response = post(client, content)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{batch.pk}/"
    assert written() == before  # the preview wrote nothing: no row, no audit entry
    assert (batch.rows_new, batch.rows_changed, batch.rows_unchanged, batch.rows_error) == (1, 1, 1, 0)
    rows = {row.status: row for row in ImportRow.objects.filter(batch=batch)}
    changed = rows["changed"]
    assert changed.subject == f"镇区污水管网改造工程（项目编号 {first.pk}）"
    assert changed.changes == [
        {
            "field": "name",
            "label": "项目名称",
            "before": "镇区污水管网改造工程",
            "after": "镇区污水管网改造工程（一期）",
        },
        {"field": "investment", "label": "总投资（万元）", "before": "1,200.00", "after": "1,500.00"},
        {"field": "planning_approval_date", "label": "规划批复日期", "before": "", "after": "2025-03-01"},
        {
            "field": "planning_approval_doc_no",
            "label": "规划批复文号",
            "before": "",
            "after": "双规批〔2025〕3号",
        },
        {"field": "design_approval_date", "label": "设计批复日期", "before": "", "after": "2025-04-01"},
        {
            "field": "design_approval_doc_no",
            "label": "设计批复文号",
            "before": "",
            "after": "双设批〔2025〕7号",
        },
    ]
    assert rows["unchanged"].subject == f"镇区供热管网改造工程（项目编号 {second.pk}）"
    added = rows["new"]
    assert added.subject == f"{demo_town.name}：镇区道路硬化工程"
    assert {change["field"]: change["after"] for change in added.changes} == {
        "name": "镇区道路硬化工程",
        "task_area": "T04",
        "public_welfare": "是",
        "special_bond_field": "否",
        "investment": "860.50",
        "annual_revenue": "0.00",
        "annual_debt_service": "0.00",
        "start_year": "2025",
        "end_year": "2026",
    }

    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "<del>1,200.00</del> → <strong>1,500.00</strong>" in page
    assert written() == before  # nor did the preview page

    response = client.post(f"/imports/{batch.pk}/confirm/", follow=True)
    assert "导入完成：新增 1 行，修改 1 行，未变 1 行。" in response.content.decode()
    first.refresh_from_db()
    assert (first.name, first.investment, first.version) == (
        "镇区污水管网改造工程（一期）",
        Decimal("1500.00"),
        2,
    )
    assert first.has_planning_approval and first.has_design_approval
    second.refresh_from_db()
    assert second.version == 1  # unchanged rows are not written
    created = Project.objects.get(name="镇区道路硬化工程")
    assert (created.town, created.task_area_id, created.investment, created.status) == (
        demo_town,
        "T04",
        Decimal("860.50"),
        "planned",
    )
    assert created.created_by == official
    for project in (first, created):
        entry, _row = change_set_entry_of(project)
        assert entry.actor == official and entry.additional_data["via"] == "import"
    assert ImportBatch.objects.get().state == ImportState.APPLIED


def test_english_keys_work_and_a_next_status_moves_the_project(client, official, make_project):
    project = make_project()
    update_project(
        official,
        project=project,
        data={
            "planning_approval_date": "2025-03-01",
            "planning_approval_doc_no": "规1",
            "design_approval_date": "2025-04-01",
            "design_approval_doc_no": "设1",
        },
    )
    change_status(official, project=project, status="approved")
    content = csv_of(
        [f"{project.pk},{project.name},{project.town_id},T05,true,1200,2025,2027,在建"],
        header="id,name,town,task_area,public_welfare,investment,start_year,end_year,status",
    )
    post(client, content, "projects.csv")
    row = ImportRow.objects.get()
    assert row.status == "changed"
    assert row.changes == [{"field": "status", "label": "状态", "before": "已批复", "after": "在建"}]
    client.post(f"/imports/{row.batch_id}/confirm/")
    project.refresh_from_db()
    assert project.status == "under_construction"


def test_every_problem_of_a_row_is_listed_with_its_reason(
    client, official, other_county_official, make_project, demo_town, province_admin, county_quota
):
    mine = make_project()
    allocate(province_admin, project=mine, source="provincial_general_bond", amount="600.00", year=2026)
    theirs_town = town_in(JIAOHE)
    from towns.services import designate

    designate(theirs_town, "county", 2022)
    theirs = make_project(town=theirs_town, user=other_county_official)
    undesignated = town_in(SHUANGYANG, 1)
    lines = [
        f"{theirs.pk},{theirs.name},{theirs.town_id},T05,是,1200,2025,2027",  # another county's project
        f",新项目,{theirs_town.code},T05,是,100,2025,2027",  # another county's town
        f",新项目,{undesignated.code},T05,是,100,2025,2027",  # not a demonstration town
        f",,{demo_town.code},T99,也许,abc,1999,2027",  # invalid values, all of them
        f",倒排工期,{demo_town.code},T05,是,100,2027,2025",  # end before start
        f"{mine.pk},{mine.name},{mine.town_id},T05,是,599.99,2025,2027",  # R6: below what is allocated
        f"{mine.pk},{mine.name},{mine.town_id},T05,是,1200,2025,2027",  # the same project twice
        f",{mine.name},{mine.town_id},T05,是,1200,2025,2027",  # a new project repeating an existing one
        "abc,x,220112102,T05,是,1,2025,2025",  # an id that is none
    ]
    before = written()
    post(client, csv_of(lines), "项目.csv")
    rows = rows_of(ImportBatch.objects.get())
    messages = {number: row.message for number, row in rows.items()}
    assert {row.status for row in rows.values()} == {"error"} and len(rows) == 9
    assert messages[2] == f"项目编号 {theirs.pk} 不存在"
    assert messages[3] == f"区划代码 {theirs_town.code} 不是本县（市、区）的镇"
    assert messages[4] == f"{undesignated.name}不是示范镇，不能填报示范镇建设项目"
    assert messages[5] == (
        "请填写项目名称；任务领域“T99”不存在，应为 T01–T15；公益性“也许”应为“是”或“否”；总投资“abc”不是有效的金额；"
        "开工年度“1999”应为 2000–2100 之间的四位年份"
    )
    assert messages[6] == "完工年度不能早于开工年度"
    assert messages[7] == "总投资不能低于已安排给该项目的资金 600.00 万元（拟改为 599.99 万元）"
    assert messages[8] == f"与第 7 行是同一项目（项目编号 {mine.pk}）"
    assert messages[9] == f"{demo_town.name}已有同名项目（项目编号 {mine.pk}）；修改该项目请填写其项目编号"
    assert messages[10] == "项目编号“abc”不是有效的编号"
    page = client.get(f"/imports/{rows[2].batch_id}/").content.decode()
    assert 'id="import-confirm-form"' not in page
    assert written() == before


def test_state_rules_refuse_a_row(client, official, make_project):
    planned, completed = make_project(), make_project(name="已完工的项目")
    Project.objects.filter(pk=completed.pk).update(status="completed")
    lines = [
        f"{planned.pk},{planned.name},{planned.town_id},T05,是,1200,2025,2027,在建",
        f"{completed.pk},{completed.name},{completed.town_id},T05,是,1300,2025,2027,已完工",
        f"{planned.pk + 100},x,{planned.town_id},T05,是,1,2025,2025,",
    ]
    post(client, csv_of(lines, header=HEADER + ",状态"), "项目.csv")
    rows = rows_of(ImportBatch.objects.get())
    assert rows[2].message == "项目状态不能从“储备”变为“在建”"
    assert rows[3].message == "项目状态为“已完工”，不能再修改"
    assert rows[4].message == f"项目编号 {planned.pk + 100} 不存在"


def test_a_confirm_the_services_refuse_writes_nothing(client, official, make_project, monkeypatch):
    first, second = make_project(), make_project(name="第二个项目")
    content = edited_export(client, {first.pk: {"总投资（万元）": 1300}, second.pk: {"总投资（万元）": 1400}})
    post(client, content)
    batch = ImportBatch.objects.get()
    assert batch.rows_changed == 2
    before = written()

    real = services.edit_refusals

    def refusing(before_terms, after_terms, allocated, bonds):
        if after_terms.investment == Decimal("1400.00"):
            return ["模拟的服务拒绝。"]
        return real(before_terms, after_terms, allocated, bonds)

    monkeypatch.setattr(services, "edit_refusals", refusing)  # a rule only the service knows
    response = client.post(f"/imports/{batch.pk}/confirm/", follow=True)
    page = response.content.decode()
    assert "模拟的服务拒绝" in page and "导入未执行，没有写入任何数据" in page
    assert written() == before  # the first project's change was rolled back with the second's
    batch.refresh_from_db()
    assert batch.state == ImportState.FAILED


def test_a_project_changed_since_the_preview_writes_nothing_and_is_previewed_again(
    client, official, make_project
):
    project = make_project()
    post(client, edited_export(client, {project.pk: {"总投资（万元）": 1300}}))
    batch = ImportBatch.objects.get()
    update_project(official, project=project, data={"investment": "1250.00"})  # someone edits it meanwhile
    response = client.post(f"/imports/{batch.pk}/confirm/", follow=True)
    assert "数据在预览之后发生了变化" in response.content.decode()
    project.refresh_from_db()
    assert project.investment == Decimal("1250.00")
    change = ImportRow.objects.get(batch=batch).changes[0]
    assert (change["before"], change["after"]) == ("1,250.00", "1,300.00")


def test_only_a_county_official_imports_and_sees_the_button(client, make_user, county_official, make_project):
    make_project()
    for role, region in (("city_official", "2201"), ("province_admin", None), ("province_viewer", None)):
        client.force_login(make_user(role, region))
        assert client.get("/projects/import/").status_code == 403
        assert client.get(f"/imports/templates/{PROJECT_IMPORT}.xlsx").status_code == 403
        assert 'id="project-import-link"' not in client.get("/projects/").content.decode()
    client.force_login(county_official)
    page = client.get("/projects/").content.decode()
    assert 'id="project-import-link" href="/projects/import/"' in page
    upload_page = client.get("/projects/import/").content.decode()
    assert f'href="/imports/templates/{PROJECT_IMPORT}.xlsx"' in upload_page
    assert "任务领域代码" in upload_page.split('id="import-columns"')[1]


def test_the_template_has_the_exports_columns_and_imports_back_as_new(client, official, demo_town):
    template = load_workbook(io.BytesIO(content_of(client.get(f"/imports/templates/{PROJECT_IMPORT}.xlsx"))))
    export = exported(client).active
    assert [cell.value for cell in template.worksheets[0][3]] == [cell.value for cell in export[3]]
    assert template.worksheets[1].title == "填写说明"
    content = content_of(client.get(f"/imports/templates/{PROJECT_IMPORT}.xlsx"))
    post(client, content, "模板.xlsx")
    row = ImportRow.objects.get()
    assert (row.number, row.status, row.subject) == (4, "new", f"{demo_town.name}：镇区污水管网改造工程")


def test_the_api_kind_previews_and_confirms(api_as, county_official, demo_town):
    api = api_as(county_official)
    content = csv_of([f",镇区公厕新建工程,{demo_town.code},T09,是,120,2025,2025"])
    response = api.post("/api/v1/imports/", {"kind": PROJECT_IMPORT, "file": upload("p.csv", content)})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["counts"]["new"] == 1 and body["may_confirm"] is True
    assert not Project.objects.exists()
    confirmed = api.post(f"/api/v1/imports/{body['id']}/confirm/")
    assert confirmed.status_code == 200
    assert Project.objects.get().name == "镇区公厕新建工程"


def _preview_queries(user, content):
    importer = get_importer(PROJECT_IMPORT)
    table = read_sheet("p.csv", content, PROJECT_READ_COLUMNS)
    with CaptureQueriesContext(connection) as queries:
        outcomes = importer.preview(user, table, {})
    return len(queries), outcomes


def test_the_preview_takes_the_same_queries_for_10_and_50_rows(
    county_official, demo_town, province_admin, county_quota
):
    area = TaskArea.objects.get(code="T05")
    projects = Project.objects.bulk_create(
        Project(
            town=demo_town,
            task_area=area,
            name=f"项目{index}",
            public_welfare=True,
            investment=Decimal("1000.00"),
            start_year=2025,
            end_year=2026,
        )
        for index in range(50)
    )
    for project in projects[:3]:
        allocate(
            province_admin, project=project, source="provincial_general_bond", amount="100.00", year=2026
        )

    def sheet(count):
        lines = [
            f"{p.pk},{p.name}（改）,{demo_town.code},T05,是,1000,2025,2026" for p in projects[: count - 2]
        ]
        lines += [f",新项目{index},{demo_town.code},T05,是,100,2025,2025" for index in range(2)]
        return csv_of(lines)

    small, small_outcomes = _preview_queries(county_official, sheet(10))
    large, large_outcomes = _preview_queries(county_official, sheet(50))
    assert len(small_outcomes) == 10 and len(large_outcomes) == 50
    assert {o.status for o in large_outcomes} == {"changed", "new"}
    assert small == large == 5


def test_the_command_imports_as_a_county_official_and_previews_with_dry_run(
    tmp_path, county_official, demo_town
):
    path = tmp_path / "projects.csv"
    path.write_text(
        HEADER
        + f"\n,镇区公厕新建工程,{demo_town.code},T09,是,120,2025,2025\n,,{demo_town.code},T09,是,-1,2025,2025\n",
        encoding="utf-8",
    )
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="预览发现 1 行错误"):
        call_command(
            "import_projects",
            str(path),
            "--user",
            county_official.username,
            "--dry-run",
            stdout=out,
            stderr=err,
        )
    assert "新增 1 行" in out.getvalue() and "第 3 行：请填写项目名称；总投资不能为负数" in err.getvalue()
    with pytest.raises(CommandError, match="用户 nobody 不存在"):
        call_command("import_projects", str(path), "--user", "nobody")
    path.write_text(HEADER + f"\n,镇区公厕新建工程,{demo_town.code},T09,是,120,2025,2025\n", encoding="utf-8")
    call_command("import_projects", str(path), "--user", county_official.username, stdout=StringIO())
    project = Project.objects.get()
    entry, _row = change_set_entry_of(project)
    assert entry.actor == county_official and entry.additional_data["via"] == "command"
