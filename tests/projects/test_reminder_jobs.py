"""The progress reminder sweeps run as tracked jobs of the system (issue 11, point 4): each run of beat's
projects.remind_progress_reporting and projects.remind_overdue_progress is a job with its summary (the
period, how many were told), listed for province-wide users under 后台任务 and in GET /api/v1/jobs/, not for
a county or city; running a sweep again is a second job that tells nobody twice (dedupe keys)."""

import datetime

import pytest
from django.utils import timezone

from core.formats import chinese_date
from core.jobs import run_now
from core.models import Job, Notification
from projects.jobs import OVERDUE_KIND, REPORTING_KIND
from projects.rules import period_of
from projects.services import change_status
from projects.tasks import remind_overdue_progress, remind_progress_reporting

from ..pages import html, page_text


@pytest.fixture(autouse=True)
def monthly(settings):
    settings.PROGRESS_PERIOD = "month"
    settings.PROGRESS_ESCALATION_DAYS = 5


@pytest.fixture
def due(make_project, county_official):
    project = make_project()
    change_status(county_official, project=project, status="approved")
    return project


def test_the_period_reminder_is_a_job_with_its_summary_and_a_second_run_tells_nobody_twice(due):
    period = period_of(timezone.localdate(), "month").label
    assert remind_progress_reporting.delay().get() == {"period": period, "counties": 1, "notices": 1}
    assert remind_progress_reporting.delay().get() == {"period": period, "counties": 1, "notices": 0}
    first, second = Job.objects.filter(kind=REPORTING_KIND).order_by("pk")
    for job in (first, second):
        assert (job.state, job.started_by, job.scope_code, job.progress) == ("done", None, "", 100)
        assert job.title == f"进度报送提醒（{chinese_date(timezone.localdate())}）"
        assert job.parameters == {"date": timezone.localdate().isoformat()}
    assert first.message == f"{period}：提醒 1 个县（市、区），发出通知 1 条"
    assert second.result == {"period": period, "counties": 1, "notices": 0}
    assert Notification.objects.filter(kind="progress_reminder").count() == 1


def test_the_overdue_sweep_is_a_job_with_its_summary(due, county_official):
    this_month = period_of(timezone.localdate(), "month")
    day = this_month.end + datetime.timedelta(days=6)  # past the escalation days: the city is told too
    job = run_now(None, kind=OVERDUE_KIND, title="进度报送逾期提醒", parameters={"date": day.isoformat()})
    assert job.state == "done"
    assert job.result == {
        "period": this_month.label,
        "days_overdue": 6,
        "counties": 1,
        "county_notices": 1,
        "city_notices": 0,  # no city official in this test
    }
    assert job.message == f"{this_month.label}（已逾期 6 天）：1 个县（市、区）未报送，发出通知 1 条"
    today = remind_overdue_progress.delay().get()  # today: the period that ended last, nothing unreported
    assert today["counties"] == 0
    assert Job.objects.filter(kind=OVERDUE_KIND).count() == 2


def test_the_sweeps_are_listed_for_province_wide_users_and_not_for_a_county(
    due, province_viewer, county_official, city_official, api_as, client
):
    remind_progress_reporting.delay().get()
    job = Job.objects.get(kind=REPORTING_KIND)

    listed = api_as(province_viewer).get("/api/v1/jobs/").json()["results"]
    assert [(item["id"], item["kind"], item["started_by"]) for item in listed] == [
        (job.pk, REPORTING_KIND, None)
    ]
    assert listed[0]["result"]["notices"] == 1
    client.force_login(province_viewer)
    page = client.get("/jobs/?mine=unknown")
    assert f'data-job-row="{job.pk}"' in html(page) and "系统" in page_text(page)
    assert f'data-job-row="{job.pk}"' not in html(client.get("/jobs/"))  # 我的任务: not started by the viewer

    for user in (county_official, city_official):
        assert api_as(user).get("/api/v1/jobs/").json()["results"] == []
        assert api_as(user).get(f"/api/v1/jobs/{job.pk}/").status_code == 404
        client.force_login(user)
        assert f'data-job-row="{job.pk}"' not in html(client.get("/jobs/?mine=unknown"))
