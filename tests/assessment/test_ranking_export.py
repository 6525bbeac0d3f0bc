"""The ranking's export at national size (issue 13, point 6): its rows are read only while the sheet is
written, so a tier above the inline maximum becomes a job before any row is read; the queries stay the same
however many towns it ranks; the job's file holds the rows the inline sheet holds."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment import selectors
from assessment.choices import Grade
from assessment.models import Result, ResultStatus
from assessment.services import ensure_round
from core import jobs
from core.exports import EXPORT_JOB
from core.models import Job
from tests.xlsx import content_of, data_rows, exported, workbook_of, workbook_of_bytes
from towns.models import Town

pytestmark = pytest.mark.usefixtures("jilin")

URL = "/assessment/2024/rankings/export.xlsx"
COUNTY = {"tier": "county"}


def rank_towns(towns, year, *, status=ResultStatus.PUBLISHED):
    """Published county-tier results of `towns` for the year, ranked in their order (the yearly job's
    output, written directly: this is about reading a large ranking, not computing it)."""
    assessment_round = ensure_round(year)
    Result.objects.bulk_create(
        Result(
            round=assessment_round,
            town=town,
            tier="county",
            score=Decimal("95.00") - Decimal(index) / 10,
            grade=Grade.EXCELLENT if index < 50 else Grade.GOOD,
            rank=index + 1,
            status=status,
        )
        for index, town in enumerate(towns)
    )


@pytest.fixture
def towns():
    return list(Town.objects.filter(kind="town").order_by("code")[:200])


def export_queries(client, params=COUNTY):
    """(the exported data rows, the queries the export cost)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, params)
        content = content_of(response)
    assert response.status_code == 200
    return data_rows(workbook_of_bytes(content).active), len(captured.captured_queries)


def test_the_export_costs_the_same_queries_for_10_and_200_towns(client, province_viewer, towns):
    client.force_login(province_viewer)
    rank_towns(towns[:10], 2023)
    rank_towns(towns[:10], 2024)
    few, few_queries = export_queries(client)
    assert len(few) == 10
    Result.objects.all().delete()
    rank_towns(towns, 2023)
    rank_towns(towns, 2024)
    rows, many_queries = export_queries(client)
    assert len(rows) == 200 and rows[-1][-1] == "200"  # with its 2023 rank
    assert many_queries == few_queries


def test_above_the_maximum_the_tier_is_a_job_before_any_row_is_read(
    settings, client, province_viewer, towns, monkeypatch, django_capture_on_commit_callbacks
):
    rank_towns(towns, 2023)
    rank_towns(towns, 2024)
    client.force_login(province_viewer)
    inline_rows = exported(client.get(URL, COUNTY))[1]

    read = []
    real_lines = selectors.ranking_lines
    monkeypatch.setattr(selectors, "ranking_lines", lambda results: read.append(1) or real_lines(results))
    settings.EXPORT_INLINE_MAX_ROWS = 199
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.get(URL, COUNTY)
    job = Job.objects.get(kind=EXPORT_JOB)
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert read == []  # the request counted the tier; it read none of its rows
    for callback in queued:
        callback()
    job.refresh_from_db()
    assert read == [1] and job.result == {"rows": 200}
    sheet = workbook_of_file(jobs.result_path(job))
    assert data_rows(sheet) == inline_rows
    assert sheet["A1"].value == "2024年度县级示范镇评价排名"


def test_the_note_counts_ranked_and_unranked_towns_without_reading_them(client, province_viewer, towns):
    rank_towns(towns[:5], 2024)
    Result.objects.filter(town__in=towns[3:5]).update(assessed=False, score=None, grade="", rank=None)
    client.force_login(province_viewer)
    sheet, rows = exported(client.get(URL, COUNTY))
    assert "参评 3 个，未评 2 个" in sheet["A2"].value
    assert [row[7] for row in rows] == ["优秀", "优秀", "优秀", "未评", "未评"]


def workbook_of_file(path):
    from openpyxl import load_workbook

    return load_workbook(path).active


def test_a_wide_sheet_weighs_more_rows_against_the_maximum(
    settings, client, province_viewer, towns, monkeypatch, django_capture_on_commit_callbacks
):
    from core import exports

    rank_towns(towns[:20], 2024)
    client.force_login(province_viewer)
    settings.EXPORT_INLINE_MAX_ROWS = 20
    assert exported(client.get(URL, COUNTY))[1]  # 20 rows of 10 columns: inline
    monkeypatch.setattr(exports, "INLINE_REFERENCE_COLUMNS", 5)  # as if the sheet were twice as wide
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(URL, COUNTY, follow=True)
    job = Job.objects.get(kind=EXPORT_JOB)
    assert response.redirect_chain == [(f"/jobs/{job.pk}/", 302)]
    assert "共 20 行、10 列，超过页面直接导出的上限，已转为后台任务导出" in response.content.decode()
    assert len(data_rows(workbook_of(client.get(f"/jobs/{job.pk}/download/")).active)) == 20


def test_the_score_sheet_counts_its_towns_and_reads_their_points_only_in_the_job(
    settings, client, province_admin, monkeypatch, django_capture_on_commit_callbacks
):
    from .page_helpers import Scenario

    Scenario(province_admin)  # six provincial towns of 2024, five of them scored
    client.force_login(province_admin)
    url = "/assessment/2024/scores/export.xlsx"
    inline_sheet, inline_rows = exported(client.get(url))
    assert len(inline_rows) == 6 and "共 6 个示范镇，已录入得分 5 个" in inline_sheet["A2"].value

    read = []
    real_sheet = selectors.scoring_sheet
    monkeypatch.setattr(selectors, "scoring_sheet", lambda *args: read.append(1) or real_sheet(*args))
    settings.EXPORT_INLINE_MAX_ROWS = 5
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.get(url)
    assert response.status_code == 302 and read == []  # counted, not read
    for callback in queued:
        callback()
    job = Job.objects.get(kind=EXPORT_JOB)
    assert read == [1] and data_rows(workbook_of_file(jobs.result_path(job))) == inline_rows
