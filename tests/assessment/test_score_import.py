"""The score import round-trips (issue 11, point 2): the score sheet the export writes (one column per
indicator), edited, imports back with each changed point's before and after; the long layout takes Chinese
headers; every refusal of the score form is a refusal of the import; the command previews with --dry-run."""

import io
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from assessment.choices import RoundState
from assessment.models import AssessmentRound, Score
from assessment.services import ensure_round, save_scores
from core.models import ImportBatch, ImportRow
from tests.audit import change_set_entry_of
from tests.xlsx import content_of

from ..conftest import JIAOHE, SHUANGYANG, town_in, upload
from .page_helpers import designate_all

pytestmark = pytest.mark.usefixtures("jilin")


@pytest.fixture
def towns(jilin):
    mine, foreign = town_in(SHUANGYANG, 0), town_in(JIAOHE, 0)
    designate_all([mine, foreign], "provincial")
    ensure_round(2024)
    return mine, foreign


def points(town):
    return {
        code: float(value)
        for code, value in Score.objects.filter(town=town).values_list("indicator__code", "points")
    }


def edited_sheet(client, edits):
    """The 2024 score export with cells replaced: edits {town code: {header: value}}."""
    response = client.get("/assessment/2024/scores/export.xlsx")
    workbook = load_workbook(io.BytesIO(content_of(response)))
    sheet = workbook.active
    headers = [cell.value for cell in sheet[3]]
    for row in sheet.iter_rows(min_row=4):
        for header, value in edits.get(row[0].value, {}).items():
            row[headers.index(header)].value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_downloaded_score_sheet_edited_imports_back(client, province_admin, towns):
    mine, foreign = towns
    save_scores(province_admin, year=2024, town=mine, points_by_code={"T01": "5", "T02": "7"})
    client.force_login(province_admin)
    content = edited_sheet(
        client, {mine.code: {"T01 园区基础设施": 8.5}, foreign.code: {"T03 生活服务设施": 9}}
    )
    before = (Score.objects.count(), LogEntry.objects.count())
    response = client.post("/assessment/2024/scores/import/", {"file": upload("2024年度得分.xlsx", content)})
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/imports/{batch.pk}/"
    assert (Score.objects.count(), LogEntry.objects.count()) == before  # the preview wrote nothing
    rows = {row.subject: row for row in ImportRow.objects.filter(batch=batch)}
    changed = rows[f"{mine.name}（{mine.code}）"]
    assert changed.status == "changed"
    assert changed.changes == [{"field": "T01", "label": "T01 园区基础设施", "before": "5", "after": "8.5"}]
    added = rows[f"{foreign.name}（{foreign.code}）"]
    assert added.status == "new" and added.changes[0]["after"] == "9"

    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "<del>5</del> → <strong>8.5</strong>" in page
    client.post(f"/imports/{batch.pk}/confirm/")
    assert points(mine) == {"T01": 8.5, "T02": 7}  # T02 as it was
    assert points(foreign) == {"T03": 9}
    score = Score.objects.get(town=mine, indicator__code="T01")
    entry, _row = change_set_entry_of(score)
    assert entry.actor == province_admin and entry.additional_data["via"] == "import"


def test_the_long_layout_takes_chinese_headers_and_lists_every_refused_row(client, province_admin, towns):
    mine, foreign = towns
    client.force_login(province_admin)
    content = (
        "镇区划代码,指标代码,得分\n"
        f"{mine.code},T01,8\n"
        f"{mine.code},t02,12\n"
        f"{foreign.code},T99,1\n"
        f"{mine.code},T01,7\n"
        "220112001,T01,1\n"
    ).encode()
    client.post("/assessment/2024/scores/import/", {"file": upload("得分.csv", content)})
    rows = {row.number: (row.status, row.message) for row in ImportRow.objects.all()}
    assert rows[2] == ("new", "")
    assert rows[3][0] == "error" and rows[3][1].startswith("得分 12 超出 0–10")
    assert rows[4][1] == "指标代码“T99”不在 2024 年的指标体系中"
    assert rows[5] == ("error", "与第 2 行重复")
    assert "在 2024 年不是示范镇" in rows[6][1]
    assert not Score.objects.exists()


def test_a_wide_row_names_each_refused_indicator(client, province_admin, towns):
    mine, _foreign = towns
    client.force_login(province_admin)
    content = edited_sheet(
        client, {mine.code: {"T01 园区基础设施": 11, "T02 产业服务平台": "abc", "T03 生活服务设施": 8.125}}
    )
    client.post("/assessment/2024/scores/import/", {"file": upload("得分.xlsx", content)})
    row = ImportRow.objects.get(status="error")
    assert row.message == (
        "T01 园区基础设施：得分 11 超出 0–10.00 分；T02 产业服务平台：得分“abc”不是有效的数字；"
        "T03 生活服务设施：得分最多保留两位小数"
    )
    assert ImportRow.objects.filter(status="unchanged").count() == 1  # the other town, without points
    assert not Score.objects.exists()


def test_a_closed_year_refuses_the_file_and_a_confirm_after_closing_writes_nothing(
    client, province_admin, towns
):
    mine, _foreign = towns
    client.force_login(province_admin)
    content = f"town_code,indicator_code,points\n{mine.code},T01,8\n".encode()
    client.post("/assessment/2024/scores/import/", {"file": upload("得分.csv", content)})
    batch = ImportBatch.objects.get()
    # Scoring closes between the preview and the confirm.
    AssessmentRound.objects.filter(year=2024).update(state=RoundState.SCORING_CLOSED)
    response = client.post(f"/imports/{batch.pk}/confirm/", follow=True)
    assert "不能再导入得分" in response.content.decode()
    batch.refresh_from_db()
    assert batch.state == "failed" and not Score.objects.exists()
    response = client.post("/assessment/2024/scores/import/", {"file": upload("得分.csv", content)})
    assert response.status_code == 400 and "不能再导入得分" in response.content.decode()
    assert ImportBatch.objects.count() == 1


def test_the_score_template_is_the_export_sheet_with_an_example(client, province_admin, towns):
    client.force_login(province_admin)
    response = client.get("/imports/templates/assessment.scores.xlsx", {"year": "2024"})
    sheet = load_workbook(io.BytesIO(content_of(response))).worksheets[0]
    export = load_workbook(io.BytesIO(content_of(client.get("/assessment/2024/scores/export.xlsx")))).active
    assert [cell.value for cell in sheet[3]] == [cell.value for cell in export[3]]
    assert sheet["A4"].value == "220112102" and sheet["F4"].value == 8
    assert client.get("/imports/templates/assessment.scores.xlsx", {"year": "1900"}).status_code == 404
    upload_page = client.get("/assessment/2024/scores/import/").content.decode()
    assert 'href="/imports/templates/assessment.scores.xlsx?year=2024"' in upload_page
    assert "T15" in upload_page.split('id="import-columns"')[1]


def test_the_command_previews_with_dry_run(tmp_path, towns):
    mine, _foreign = towns
    path = tmp_path / "scores.csv"
    path.write_text(f"镇区划代码,指标代码,得分\n{mine.code},T01,8\n{mine.code},T02,99\n", encoding="utf-8")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="预览发现 1 行错误"):
        call_command("import_scores", str(path), "--year", "2024", "--dry-run", stdout=out, stderr=err)
    assert "新增 1 行，修改 0 行，未变 0 行，错误 1 行" in out.getvalue()
    assert "第 3 行：得分 99 超出 0–10" in err.getvalue()
    path.write_text(f"镇区划代码,指标代码,得分\n{mine.code},T01,8\n", encoding="utf-8")
    out = StringIO()
    call_command("import_scores", str(path), "--year", "2024", "--dry-run", stdout=out)
    assert "新增 1 行" in out.getvalue() and not Score.objects.exists()
    call_command("import_scores", str(path), "--year", "2024", stdout=StringIO())
    assert points(mine) == {"T01": 8}
    entry, _row = change_set_entry_of(Score.objects.get())
    assert entry.actor is None and entry.additional_data["via"] == "command"
