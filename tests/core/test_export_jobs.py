"""Inline or job (issue 11, point 4): a list export of more than EXPORT_INLINE_MAX_ROWS rows starts a tracked
job and redirects to its page; the job rebuilds the sheet for the user who started it — the same filters,
sort and scope as the page — streams it into its result file and reports its progress."""

import pytest
from openpyxl import load_workbook

from core import jobs
from core.choices import JobState
from core.exports import EXPORT_JOB, export_spec
from core.models import Job
from tests.xlsx import workbook_of
from towns.models import Town

from ..conftest import JIAOHE, SHUANGYANG

pytestmark = pytest.mark.usefixtures("jilin")


@pytest.fixture
def export(client, django_capture_on_commit_callbacks):
    """GET an export as a user, running the job it starts (after commit, in-process as under `make run`)."""

    def get(user, url, params=None):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            return client.get(url, params or {})

    return get


def result_rows(job):
    sheet = load_workbook(jobs.result_path(job)).active
    return sheet, [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4) if row[0].value]


def county_towns(county):
    return list(
        Town.objects.filter(county_id=county, kind="town").order_by("code").values_list("code", flat=True)
    )


def test_above_the_maximum_an_export_is_a_job_whose_file_has_the_rows(settings, export, province_admin):
    settings.EXPORT_INLINE_MAX_ROWS = 2
    response = export(province_admin, "/towns/export.xlsx", {"county": SHUANGYANG, "sort": "-code"})
    job = Job.objects.get(kind=EXPORT_JOB)
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert (job.state, job.progress, job.started_by) == (JobState.DONE, 100, province_admin)
    assert job.title == "导出吉林省示范镇名录" and job.cancellable
    assert job.parameters == {
        "export": "towns.towns",
        "query": f"county={SHUANGYANG}&sort=-code",
        "kwargs": {},
    }
    sheet, rows = result_rows(job)
    expected = county_towns(SHUANGYANG)[::-1]
    assert len(expected) > 2
    assert [row[0] for row in rows] == expected  # the filter and the sort of the page
    assert job.result == {"rows": len(expected)} and job.message == f"已导出 {len(expected)} 行"
    assert job.result_name.startswith("示范镇名录-") and job.result_name.endswith(".xlsx")
    assert sheet["A2"].value.startswith("筛选条件：县（市、区）：双阳区；排序：区划代码（降序）")
    # The job's page says so, and its file downloads as the list's sheet.
    page = export(province_admin, f"/jobs/{job.pk}/")
    assert "导出吉林省示范镇名录" in page.content.decode()
    download = export(province_admin, f"/jobs/{job.pk}/download/")
    assert download.status_code == 200
    assert [row[0].value for row in workbook_of(download).active.iter_rows(min_row=4)] == expected


def test_at_the_maximum_the_sheet_is_answered_inline(settings, export, province_admin):
    settings.EXPORT_INLINE_MAX_ROWS = len(county_towns(SHUANGYANG))
    response = export(province_admin, "/towns/export.xlsx", {"county": SHUANGYANG})
    assert response.status_code == 200 and response.streaming
    assert not Job.objects.exists()


def test_a_countys_export_job_holds_only_its_towns(settings, export, county_official, other_county_official):
    settings.EXPORT_INLINE_MAX_ROWS = 2
    response = export(county_official, "/towns/export.xlsx", {"kind": "all"})
    job = Job.objects.get(kind=EXPORT_JOB)
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.scope_code == SHUANGYANG
    _sheet, rows = result_rows(job)
    codes = [row[0] for row in rows]
    assert codes and all(code.startswith(SHUANGYANG) for code in codes)
    assert codes == list(
        Town.objects.filter(county_id=SHUANGYANG).order_by("code").values_list("code", flat=True)
    )
    # Another county's official can neither see the job nor download its file.
    assert export(other_county_official, f"/jobs/{job.pk}/").status_code == 404
    assert export(other_county_official, f"/jobs/{job.pk}/download/").status_code == 404


def test_a_filter_outside_the_scope_counts_no_row_and_exports_none(settings, export, county_official):
    settings.EXPORT_INLINE_MAX_ROWS = 0
    response = export(county_official, "/towns/export.xlsx", {"county": JIAOHE})
    assert response.status_code == 200 and not Job.objects.exists()  # nothing to count: nothing to wait for
    sheet = workbook_of(response).active
    assert [row for row in sheet.iter_rows(min_row=4, values_only=True) if any(row)] == []


def test_the_job_reports_progress_as_it_writes(settings, export, province_admin, monkeypatch):
    from core import export_job

    reported = []
    original = jobs.JobContext.progress

    def spy(self, percent, message=""):
        reported.append((percent, message))
        return original(self, percent, message)

    monkeypatch.setattr(jobs.JobContext, "progress", spy)
    monkeypatch.setattr(export_job, "PROGRESS_EVERY", 100)
    settings.EXPORT_INLINE_MAX_ROWS = 10
    export(province_admin, "/towns/export.xlsx", {"kind": "all", "city": "2201"})
    job = Job.objects.get(kind=EXPORT_JOB)
    total = job.result["rows"]
    assert total > 200
    assert reported[0] == (0, f"正在导出，共 {total} 行")
    assert [message for _percent, message in reported[1:3]] == [
        f"已写入 {written} / {total} 行" for written in (100, 200)
    ]
    percents = [percent for percent, _message in reported]
    assert percents == sorted(percents) and max(percents) < 100


def test_a_job_of_a_list_its_starter_may_no_longer_read_fails_with_the_reason(
    settings, export, auditor, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 0
    client_response = export(auditor, "/audit/export.xlsx")
    job = Job.objects.get(kind=EXPORT_JOB)
    assert client_response["Location"] == f"/jobs/{job.pk}/" and job.state == JobState.DONE
    # The same job run again for a user whose role no longer reads the audit log: refused, in Chinese.
    auditor.role = "county_official"
    auditor.region_id = SHUANGYANG
    auditor.save()
    rerun = Job.objects.create(
        kind=EXPORT_JOB, title="导出审计日志", parameters=job.parameters, started_by=auditor, scope_code=""
    )
    jobs.execute_job(rerun.pk)
    rerun.refresh_from_db()
    assert rerun.state == JobState.FAILED and rerun.error == "只有审计管理员和内部审计可以查看审计日志。"


def test_an_unknown_export_kind_is_refused_in_chinese(province_admin):
    from django.http import QueryDict

    from core.errors import DomainError

    with pytest.raises(DomainError, match="未知的导出类型"):
        export_spec("towns.nothing", province_admin, QueryDict(""))


def test_an_audit_administrator_follows_the_audit_export_job_to_its_file(
    settings, export, make_user, province_admin, client
):
    """The audit administrator holds no region of business data, yet the audit log's export it started as a
    job is its own to follow and download; another administrator never sees it."""
    from core.security_log import SecurityEventKind, record_security_event

    settings.EXPORT_INLINE_MAX_ROWS = 2
    for _ in range(3):
        record_security_event(SecurityEventKind.LOGIN_SUCCEEDED, user=province_admin)
    audit_admin = make_user("audit_admin", username="shenji")
    response = export(audit_admin, "/audit/security/export.xlsx")
    job = Job.objects.get(kind=EXPORT_JOB)
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert (job.state, job.started_by, job.scope_code) == (JobState.DONE, audit_admin, "")
    assert client.get(f"/jobs/{job.pk}/").status_code == 200
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert f"/jobs/{job.pk}/" in client.get("/jobs/").content.decode()

    client.force_login(make_user("security_admin", username="anquan"))
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404
