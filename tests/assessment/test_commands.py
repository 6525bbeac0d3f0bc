"""The operator commands of the assessment: import_scores (all or nothing, every bad row listed),
record_veto, run_assessment --wait (the same Celery job, eager in tests) and publish_assessment."""

import io
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.utils import timezone

from assessment.models import AssessmentRound, Notice, Result, Score, Veto
from assessment.rules import DEFAULT_INDICATORS
from assessment.services import compute_round, ensure_round, save_scores
from tests.audit import change_set_entry_of
from towns.services import designate

from ..conftest import JIAOHE, NONGAN, SHUANGYANG, town_in
from .test_three_years import points_for


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue()


def run_failing(*args):
    err = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(*args, stdout=StringIO(), stderr=err)
    return str(raised.value), err.getvalue()


@pytest.fixture
def designated(jilin):
    """Two provincial towns (双阳区, 蛟河市) and a county-level one (农安县), designated since 2022."""
    towns = [town_in(SHUANGYANG), town_in(JIAOHE), town_in(NONGAN)]
    designate(towns[0], "provincial", 2022)
    designate(towns[1], "provincial", 2022)
    designate(towns[2], "county", 2022)
    return towns


def write_csv(tmp_path, rows, name="scores.csv"):
    path = tmp_path / name
    lines = ["town_code,indicator_code,points", *(",".join(row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- import_scores ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_scores_stores_every_row(tmp_path, designated):
    first, second, _ = designated
    rows = [(first.code, code, str(points)) for code, points in DEFAULT_INDICATORS]
    rows += [(second.code, "t01", "7.5"), (second.code, "T02", "0")]
    text = run("import_scores", str(write_csv(tmp_path, rows)), "--year", "2024")
    assert "导入完成：2 个镇的 17 条得分。" in text
    assert Score.objects.filter(round__year=2024).count() == 17
    assert Score.objects.get(town=second, indicator__code="T01").points == 7.5
    assert Score.objects.filter(entered_by__isnull=False).count() == 0
    entry, _row = change_set_entry_of(Score.objects.get(town=second, indicator__code="T01"))
    assert entry.additional_data["via"] == "command"
    # One entry for the whole import, none per score.
    assert not LogEntry.objects.filter(content_type__model="score").exists()


@pytest.mark.django_db
def test_import_scores_from_a_spreadsheet(tmp_path, designated):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["town_code", "indicator_code", "points"])
    sheet.append([int(designated[0].code), "T03", 8.5])  # typed as numbers by the spreadsheet program
    sheet.append([designated[1].code, "T03", 9])
    buffer = io.BytesIO()
    workbook.save(buffer)
    path = tmp_path / "得分.xlsx"
    path.write_bytes(buffer.getvalue())
    assert "2 个镇的 2 条得分" in run("import_scores", str(path), "--year", "2024")
    assert sorted(Score.objects.values_list("points", flat=True)) == [8.5, 9]


@pytest.mark.django_db
def test_import_scores_is_all_or_nothing_and_lists_every_bad_row(tmp_path, designated):
    first, second, _ = designated
    not_designated = town_in(SHUANGYANG, 2)
    rows = [
        (first.code, "T01", "9"),  # row 2: fine
        ("220112999", "T01", "5"),  # row 3: unknown town
        (first.code, "T99", "5"),  # row 4: unknown indicator
        (second.code, "T01", "10.5"),  # row 5: over the maximum of T01 (10)
        (second.code, "T02", "-1"),  # row 6: negative
        (first.code, "T01", "8"),  # row 7: duplicate of row 2
        (not_designated.code, "T01", "5"),  # row 8: not a demonstration town in 2024
        (second.code, "T03", "9"),  # row 9: fine
    ]
    message, errors = run_failing("import_scores", str(write_csv(tmp_path, rows)), "--year", "2024")
    assert "导入未执行：6 行有错误" in message
    assert "没有写入任何数据" in message
    lines = errors.strip().splitlines()
    assert [line.split("：", 1)[0] for line in lines] == [f"第 {n} 行" for n in (3, 4, 5, 6, 7, 8)]
    assert "区划代码 220112999 不存在" in lines[0]
    assert "T99" in lines[1]
    assert "超出 0–10" in lines[2]
    assert "超出" in lines[3]
    assert "与第 2 行重复" in lines[4]
    assert f"{not_designated.name}（{not_designated.code}）在 2024 年不是示范镇" in lines[5]
    assert not Score.objects.exists()


@pytest.mark.django_db
def test_import_scores_refuses_a_missing_file_and_a_closed_year(tmp_path, designated, province_admin):
    message, _ = run_failing("import_scores", str(tmp_path / "missing.csv"), "--year", "2024")
    assert "文件不存在" in message
    save_scores(province_admin, year=2024, town=designated[0], points_by_code=points_for("80"))
    compute_round(ensure_round(2024).pk)
    path = write_csv(tmp_path, [(designated[1].code, "T01", "5")])
    message, _ = run_failing("import_scores", str(path), "--year", "2024")
    assert "不能再导入得分" in message
    assert Score.objects.count() == 15


# --- record_veto ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_record_veto(designated):
    town = designated[0]
    text = run(
        "record_veto", town.code, "--year", "2024", "--reason", "砍伐古树", "--doc-no", "双阳林罚〔2024〕3号"
    )
    assert f"已登记 {town.name} 2024 年一票否决：砍伐古树" in text
    veto = Veto.objects.get()
    assert (veto.town, veto.round.year, veto.reason, veto.doc_no, veto.recorded_by) == (
        town,
        2024,
        "砍伐古树",
        "双阳林罚〔2024〕3号",
        None,
    )


@pytest.mark.django_db
def test_record_veto_refusals(designated, province_admin):
    assert "不存在" in run_failing("record_veto", "220112999", "--year", "2024", "--reason", "x")[0]
    not_designated = town_in(SHUANGYANG, 2)
    message, _ = run_failing("record_veto", not_designated.code, "--year", "2024", "--reason", "重大安全事故")
    assert "不是示范镇" in message
    message, _ = run_failing("record_veto", designated[0].code, "--year", "2024", "--reason", "  ")
    assert "请填写一票否决事项" in message
    save_scores(province_admin, year=2024, town=designated[0], points_by_code=points_for("80"))
    save_scores(province_admin, year=2024, town=designated[1], points_by_code=points_for("85"))
    compute_round(ensure_round(2024).pk)
    message, _ = run_failing("record_veto", designated[0].code, "--year", "2024", "--reason", "拆除历史建筑")
    assert (
        "已计算（待发布），不能再登记一票否决" in message
    )  # an input of the run: only while scoring is open
    run("publish_assessment", "--year", "2024", "--doc-prefix", "吉示范镇办")
    message, _ = run_failing("record_veto", designated[0].code, "--year", "2024", "--reason", "拆除历史建筑")
    assert "已发布" in message
    assert not Veto.objects.exists()


# --- run_assessment and publish_assessment -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_run_assessment_waits_and_prints_the_summary(designated):
    """A transactional test: the job is queued on commit and runs at once (Celery eager in tests)."""
    from accounts.models import User

    admin = User.objects.create(username="cmd_admin", role="province_admin")
    first, second, _county_level = designated
    save_scores(admin, year=2024, town=first, points_by_code=points_for("92"))
    save_scores(admin, year=2024, town=second, points_by_code=points_for("58"))
    run("record_veto", second.code, "--year", "2024", "--reason", "重大安全事故")

    refused, _ = run_failing("run_assessment", "--year", "2024", "--wait")
    assert "1 个镇未录入得分" in refused and "确认" in refused  # the county-level town has no score
    text = run("run_assessment", "--year", "2024", "--wait", "--confirm-incomplete")
    assert "2024年度评价计算已提交。" in text
    assert "已完成：参评 2 个，未评 1 个" in text
    assert "参评 2 个，未评 1 个；拟表扬 1 个，拟批评 2 个，拟淘汰 0 个（递补 0 个）。" in text
    assessment_round = AssessmentRound.objects.get(year=2024)
    assert (assessment_round.state, assessment_round.job_state) == ("computed", "done")
    assert Result.objects.get(town=second).vetoed

    again = run("run_assessment", "--year", "2024", "--wait", "--confirm-incomplete")  # replaces the draft
    assert "已完成：参评 2 个，未评 1 个" in again
    assert Result.objects.filter(round=assessment_round).count() == 3
    assert Notice.objects.filter(round=assessment_round).count() == 2


@pytest.mark.django_db
def test_publish_assessment_prints_the_doc_numbers_and_freezes(designated, province_admin):
    save_scores(province_admin, year=2024, town=designated[0], points_by_code=points_for("92"))
    save_scores(province_admin, year=2024, town=designated[1], points_by_code=points_for("58"))
    message, _ = run_failing("publish_assessment", "--year", "2024", "--doc-prefix", "吉示范镇办")
    assert "须先运行计算再发布" in message

    compute_round(ensure_round(2024).pk)
    text = run("publish_assessment", "--year", "2024", "--doc-prefix", "吉示范镇办")
    year = timezone.localdate().year
    assert f"通报表扬：吉示范镇办〔{year}〕1号（2 个镇）" in text  # praise is numbered first
    assert f"通报批评：吉示范镇办〔{year}〕2号（2 个镇）" in text
    assert "2024年度评价已发布：淘汰 0 个，约谈 2 个；结果已冻结。" in text
    assessment_round = AssessmentRound.objects.get(year=2024)
    assert (assessment_round.state, assessment_round.doc_prefix) == ("published", "吉示范镇办")
    assert set(Result.objects.values_list("status", flat=True)) == {"published"}

    assert "已发布并冻结" in run_failing("run_assessment", "--year", "2024")[0]
    message, _ = run_failing("publish_assessment", "--year", "2024", "--doc-prefix", "吉示范镇办")
    assert "已发布" in message
    assert "发文字号前缀" in run_failing("publish_assessment", "--year", "2025", "--doc-prefix", " ")[0]
