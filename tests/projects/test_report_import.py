"""The progress import (issue 11, point 2): the progress sheet as the export of progress reports across projects
writes it (projects.sheets.REPORT_SHEET), extended with new periods, imports back — the periods already
filed unchanged, the new ones filed through submit_report in the file's order —; every refusal of the report
form is a refusal of the import, with its reason; nothing is written before the confirm, and a confirm the
service refuses writes nothing."""

import datetime
import io
from decimal import Decimal
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from core.choices import ImportState
from core.imports import get_importer
from core.models import ImportBatch, ImportRow
from core.tabular import read_sheet
from projects import services
from projects.imports import REPORT_IMPORT
from projects.models import ProgressReport, Project, TaskArea
from projects.services import change_status, submit_report, update_project
from projects.sheets import REPORT_READ_COLUMNS, REPORT_SHEET
from tests.audit import change_set_entry_of
from tests.xlsx import content_of

from ..conftest import JIAOHE, town_in, upload

pytestmark = pytest.mark.usefixtures("jilin")

APPROVALS = {
    "planning_approval_date": "2025-03-01",
    "planning_approval_doc_no": "双规批〔2025〕3号",
    "design_approval_date": "2025-04-01",
    "design_approval_doc_no": "双设批〔2025〕7号",
}
HEADER = "项目编号,报送周期,周期,累计完成投资（万元）,形象进度（%）,进展情况"


def building(official, project):
    update_project(official, project=project, data=APPROVALS)
    change_status(official, project=project, status="approved")
    return change_status(official, project=project, status="under_construction")


def report(official, project, number, cumulative, percent, narrative=""):
    return submit_report(
        official,
        project=project,
        period_type="month",
        year=2025,
        number=number,
        cumulative_investment=cumulative,
        percent_complete=percent,
        narrative=narrative,
    )


def csv_of(lines, header=HEADER):
    return ("\n".join([header, *lines]) + "\n").encode()


def post(client, content, name="进度.xlsx"):
    return client.post("/projects/reports/import/", {"file": upload(name, content)})


def rows_of(batch=None):
    batch = batch or ImportBatch.objects.get()
    return {row.number: row for row in ImportRow.objects.filter(batch=batch)}


def written():
    return (
        list(
            ProgressReport.objects.order_by("pk").values_list(
                "pk", "cumulative_investment", "percent_complete"
            )
        ),
        list(
            Project.objects.order_by("pk").values_list("pk", "completed_investment", "last_reported_period")
        ),
        LogEntry.objects.count(),
    )


@pytest.fixture
def official(client, county_official):
    client.force_login(county_official)
    return county_official


@pytest.fixture
def built(official, make_project):
    return building(official, make_project())


def exported_with(client, added):
    """The export of progress reports across projects (/projects/reports/export.xlsx) with rows appended
    (added: [{header: value}])."""
    workbook = load_workbook(io.BytesIO(content_of(client.get("/projects/reports/export.xlsx"))))
    sheet = workbook.active
    headers = [cell.value for cell in sheet[3]]
    assert headers == [column.header for column in REPORT_SHEET]
    for values in added:
        sheet.append([values.get(header) for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_exported_progress_reports_with_new_periods_import_back(client, official, built):
    report(official, built, 5, "300.00", "25", "基础开挖完成")
    content = exported_with(
        client,
        [
            {
                "项目编号": built.pk,
                "报送周期": "月度",
                "周期": "2025年6月",
                "累计完成投资（万元）": 450.5,
                "形象进度（%）": 37.5,
                "进展情况": "管网铺设 1.2 公里",
            },
            {"项目编号": built.pk, "周期": "2025年第3季度", "累计完成投资（万元）": 600, "形象进度（%）": 50},
        ],
    )
    before = written()
    response = post(client, content)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{batch.pk}/"
    assert written() == before  # the preview wrote nothing
    rows = rows_of(batch)
    assert [rows[number].status for number in (4, 5, 6)] == ["unchanged", "new", "new"]
    assert rows[4].message == "本期已报送，数据相同"
    assert rows[5].subject == f"{built.name}（项目编号 {built.pk}） 2025年6月"
    assert rows[5].changes == [
        {"field": "period", "label": "周期", "before": "", "after": "2025年6月"},
        {"field": "cumulative_investment", "label": "累计完成投资（万元）", "before": "", "after": "450.50"},
        {"field": "percent_complete", "label": "形象进度（%）", "before": "", "after": "37.50"},
        {"field": "narrative", "label": "进展情况", "before": "", "after": "管网铺设 1.2 公里"},
    ]
    client.get(f"/imports/{batch.pk}/")
    assert written() == before

    response = client.post(f"/imports/{batch.pk}/confirm/", follow=True)
    assert "导入完成：新增 2 行，修改 0 行，未变 1 行。" in response.content.decode()
    filed = list(
        ProgressReport.objects.filter(project=built)
        .order_by("period_end", "period_type")
        .values_list("period_type", "year", "number", "cumulative_investment", "narrative")
    )
    assert filed == [
        ("month", 2025, 5, Decimal("300.00"), "基础开挖完成"),
        ("month", 2025, 6, Decimal("450.50"), "管网铺设 1.2 公里"),
        ("quarter", 2025, 3, Decimal("600.00"), ""),
    ]
    built.refresh_from_db()
    assert (built.completed_investment, built.percent_complete, built.last_reported_period) == (
        Decimal("600.00"),
        Decimal("50.00"),
        "2025-Q3",
    )
    new = ProgressReport.objects.get(project=built, number=6)
    assert new.reported_by == official
    entry, _row = change_set_entry_of(new)
    assert entry.actor == official and entry.additional_data["via"] == "import"


def test_the_api_keys_with_year_and_number_work(client, official, built):
    content = csv_of(
        [f"{built.pk},month,2025,4,120,10", f"{built.pk},quarter,2025,2,130,12"],
        header="project,period_type,year,number,cumulative_investment,percent_complete",
    )
    post(client, content, "progress.csv")
    assert [row.status for row in rows_of().values()] == ["new", "new"]


def test_every_problem_of_a_row_is_listed_with_its_reason(
    client, official, other_county_official, built, make_project
):
    report(official, built, 5, "300.00", "25", "基础开挖完成")
    report(official, built, 8, "700.00", "60")
    planned = make_project(name="储备项目")
    from towns.services import designate

    theirs_town = town_in(JIAOHE)
    designate(theirs_town, "county", 2022)
    theirs = building(other_county_official, make_project(town=theirs_town, user=other_county_official))
    future = timezone.localdate() + datetime.timedelta(days=62)
    lines = [
        f"{theirs.pk},月度,2025年6月,100,10,",  # another county's project
        f"{planned.pk},月度,2025年6月,100,10,",  # a project that takes no report
        f"{built.pk},月度,2025年5月,320,25,基础开挖完成",  # differs from the report filed
        f"{built.pk},月度,2025年6月,250,20,",  # less than the month before
        f"{built.pk},月度,2025年7月,800,50,",  # more than the month after
        f"{built.pk},季度,2025年6月,400,30,",  # type and period disagree
        f"{built.pk},月度,{future.year}年{future.month}月,750,65,",  # not begun
        f"{built.pk},,2025年9月,1300,70,",  # over the investment
        f"{built.pk},,2025年13月,x,y,",  # nothing valid
        f"{built.pk},月度,2025年4月,200,20,",  # fine
        f"{built.pk},月度,2025-04,200,20,",  # the same period again
    ]
    before = written()
    post(client, csv_of(lines), "进度.csv")
    messages = {number: (row.status, row.message) for number, row in rows_of().items()}
    assert messages[2] == ("error", f"项目编号 {theirs.pk} 不存在")
    assert messages[3] == ("error", "项目处于“储备”状态，不需要报送进度")
    assert messages[4] == (
        "error",
        "该项目2025年5月已报送过进度（累计完成投资 300.00 万元与表中不同），已报送的进度不能修改",
    )
    assert messages[5] == ("error", "累计完成投资不能少于上一期报送的 300.00 万元")
    assert messages[6] == ("error", "累计完成投资不能多于之后一期已报送的 700.00 万元")
    assert messages[7] == ("error", "报送周期“季度”与周期“2025年6月”不一致")
    assert messages[8] == ("error", "不能报送尚未开始的周期")
    assert messages[9] == ("error", "累计完成投资 1,300.00 万元超过项目总投资 1,200.00 万元")
    assert messages[10] == (
        "error",
        "月份应为 1–12，而不是 13；累计完成投资“x”不是有效的金额；形象进度“y”不是有效的百分比",
    )
    assert messages[11] == ("new", "")
    assert messages[12] == ("error", "与第 11 行重复（同一项目同一周期）")
    assert written() == before


def test_rows_are_checked_in_the_files_order_against_each_other(client, official, built):
    post(
        client,
        csv_of([f"{built.pk},月度,2025年7月,500,40,", f"{built.pk},月度,2025年6月,520,30,"]),
        "进度.csv",
    )
    messages = {number: row.message for number, row in rows_of().items()}
    assert messages == {2: "", 3: "累计完成投资不能多于之后一期已报送的 500.00 万元"}


def test_a_confirm_the_service_refuses_writes_nothing(client, official, built, monkeypatch):
    post(
        client,
        csv_of([f"{built.pk},月度,2025年6月,100,10,", f"{built.pk},月度,2025年7月,200,20,"]),
        "进度.csv",
    )
    batch = ImportBatch.objects.get()
    assert batch.rows_new == 2
    before = written()
    real = services.progress_refusal

    def refusing(investment, cumulative, percent, **kwargs):
        if cumulative == Decimal("200.00"):
            return "模拟的服务拒绝。"
        return real(investment, cumulative, percent, **kwargs)

    monkeypatch.setattr(services, "progress_refusal", refusing)
    page = client.post(f"/imports/{batch.pk}/confirm/", follow=True).content.decode()
    assert "第 3 行：模拟的服务拒绝。导入未执行，没有写入任何数据。" in page
    assert written() == before  # the June report, filed first, was rolled back too
    batch.refresh_from_db()
    assert batch.state == ImportState.FAILED


def test_a_report_filed_since_the_preview_writes_nothing(client, official, built):
    post(client, csv_of([f"{built.pk},月度,2025年6月,100,10,"]), "进度.csv")
    batch = ImportBatch.objects.get()
    report(official, built, 6, "90.00", "9")  # filed from the project page meanwhile
    page = client.post(f"/imports/{batch.pk}/confirm/", follow=True).content.decode()
    assert "数据在预览之后发生了变化" in page
    assert ProgressReport.objects.get().cumulative_investment == Decimal("90.00")
    assert rows_of(batch)[2].status == "error"


def test_the_upload_page_template_and_buttons(client, make_user, county_official):
    client.force_login(make_user("city_official", "2201"))
    assert client.get("/projects/reports/import/").status_code == 403
    for page in ("/projects/unreported/", "/projects/reports/"):
        assert 'id="report-import-link"' not in client.get(page).content.decode()
    client.force_login(county_official)
    for page in ("/projects/", "/projects/unreported/", "/projects/reports/"):
        assert 'id="report-import-link" href="/projects/reports/import/"' in client.get(page).content.decode()
    upload_page = client.get("/projects/reports/import/").content.decode()
    assert f'href="/imports/templates/{REPORT_IMPORT}.xlsx"' in upload_page
    template = load_workbook(io.BytesIO(content_of(client.get(f"/imports/templates/{REPORT_IMPORT}.xlsx"))))
    assert [cell.value for cell in template.worksheets[0][3]] == [column.header for column in REPORT_SHEET]
    assert [column.header for column in REPORT_SHEET] == [
        "项目编号",
        "项目名称",
        "镇区划代码",
        "镇",
        "县（市、区）",
        "市（州）",
        "任务领域代码",
        "报送周期",
        "周期",
        "周期截止日",
        "累计完成投资（万元）",
        "形象进度（%）",
        "进展情况",
        "报送人",
        "报送时间",
    ]  # the columns of the export of progress reports across projects (/projects/reports/export.xlsx)


def test_a_file_without_a_period_is_refused_as_a_whole(client, official, built):
    response = post(
        client, csv_of([f"{built.pk},100,10"], header="项目编号,累计完成投资,形象进度"), "进度.csv"
    )
    assert response.status_code == 400
    assert "缺少必需的列：周期（period）" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_preview_takes_the_same_queries_for_10_and_50_rows(county_official, demo_town):
    area = TaskArea.objects.get(code="T05")
    projects = Project.objects.bulk_create(
        Project(
            town=demo_town,
            task_area=area,
            name=f"项目{index}",
            investment=Decimal("1000.00"),
            start_year=2025,
            end_year=2026,
            status="under_construction",
        )
        for index in range(50)
    )
    ProgressReport.objects.bulk_create(
        ProgressReport(
            project=project,
            period_type="month",
            year=2025,
            number=1,
            period_end=datetime.date(2025, 1, 31),
            cumulative_investment=Decimal("10.00"),
            percent_complete=Decimal("1.00"),
        )
        for project in projects
    )
    importer = get_importer(REPORT_IMPORT)

    def queries(count):
        lines = [f"{project.pk},月度,2025年2月,20,2," for project in projects[:count]]
        table = read_sheet("p.csv", csv_of(lines), REPORT_READ_COLUMNS)
        with CaptureQueriesContext(connection) as captured:
            outcomes = importer.preview(county_official, table, {})
        assert [outcome.status for outcome in outcomes] == ["new"] * count
        return len(captured)

    assert queries(10) == queries(50) == 2


def test_the_command_files_reports_as_a_county_official(tmp_path, county_official, province_admin, built):
    path = tmp_path / "progress.csv"
    path.write_text(HEADER + f"\n{built.pk},月度,2025年6月,100,10,\n", encoding="utf-8")
    out = StringIO()
    call_command(
        "import_progress_reports", str(path), "--user", county_official.username, "--dry-run", stdout=out
    )
    assert "新增 1 行" in out.getvalue() and not ProgressReport.objects.exists()
    call_command("import_progress_reports", str(path), "--user", county_official.username, stdout=StringIO())
    assert ProgressReport.objects.get().reported_by == county_official
    with pytest.raises(CommandError, match="只有县（市、区）工作人员可以导入进度报送"):
        call_command("import_progress_reports", str(path), "--user", province_admin.username)
