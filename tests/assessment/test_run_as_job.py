"""The assessment run is a tracked job (issue 11, point 4): kind assessment.run, in the starter's 我的任务 and
GET /api/v1/jobs/, answered as `job` by POST …/run/, linked from the round page for the users whose scope
covers it; a second start while it runs gives the same job; a dead worker shows failed through the job and
the round; a run that fails shows the job's reason on the round; the morning sweep of due 约谈 is a job too."""

import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from assessment import rules
from assessment.models import AssessmentRound, Notice, Result
from assessment.services import ensure_round, save_scores, start_assessment, update_settings
from assessment.tasks import remind_due_talks
from core import jobs
from core.jobs import GENERIC_FAILURE
from core.models import Job
from towns.services import designate

from ..conftest import JIAOHE, NONGAN, SHUANGYANG, town_in
from .page_helpers import html, page_text, text_of
from .test_three_years import points_for

pytestmark = pytest.mark.django_db

YEAR = 2024
RUN = f"/api/v1/assessment-rounds/{YEAR}/run/"
ROUND = f"/api/v1/assessment-rounds/{YEAR}/"


@pytest.fixture
def scored(jilin, province_admin):
    """Three provincial towns fully scored for 2024."""
    towns = [town_in(SHUANGYANG, 0), town_in(NONGAN, 0), town_in(JIAOHE, 0)]
    for town in towns:
        designate(town, "provincial", 2022)
    update_settings(province_admin, year=YEAR, top_count=1, bottom_count=1)
    for town, total in zip(towns, ["93", "81", "59"], strict=True):
        save_scores(province_admin, year=YEAR, town=town, points_by_code=points_for(total))
    return towns


def the_run():
    return AssessmentRound.objects.select_related("job").get(year=YEAR).job


def test_the_run_is_a_job_in_the_starters_list_and_in_the_jobs_api(
    scored, province_admin, api_as, client, django_capture_on_commit_callbacks
):
    api = api_as(province_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(RUN, {}, format="json")
    assert response.status_code == 202
    answered = response.json()["job"]
    job = the_run()
    assert answered["id"] == job.pk
    assert (answered["kind"], answered["title"], answered["started_by"]) == (
        "assessment.run",
        "2024年度示范镇评价计算",
        "admin",
    )
    assert answered["detail_url"].endswith(f"/jobs/{job.pk}/")

    # Done: the job holds the run's summary; the round's job fields read from it.
    detail = api.get(f"/api/v1/jobs/{job.pk}/").json()
    assert (detail["state"], detail["progress"], detail["message"]) == (
        "done",
        100,
        "已完成：参评 3 个，未评 0 个",
    )
    assert detail["result"] == {
        "year": YEAR,
        "assessed": 3,
        "unassessed": 0,
        "praised": 1,
        "criticised": 1,
        "eliminated": 0,
    }
    assert (detail["result_url"], detail["cancellable"]) == (None, False)  # it writes: never cancelled
    body = api.get(ROUND).json()
    assert (body["job_state"], body["job_progress"], body["job_message"]) == ("done", 100, detail["message"])
    assert body["job_finished_at"] == detail["finished_at"]
    mine = api.get("/api/v1/jobs/?mine=true").json()["results"]
    assert [item["id"] for item in mine] == [job.pk]

    client.force_login(province_admin)
    listed = client.get("/jobs/")
    assert "2024年度示范镇评价计算" in page_text(listed) and f'data-job-row="{job.pk}"' in html(listed)
    page = client.get(f"/assessment/{YEAR}/")
    assert f'href="/jobs/{job.pk}/"' in html(page) and 'id="job-link"' in html(page)


def test_a_second_start_while_the_run_is_queued_or_running_gives_the_same_job(
    scored, province_admin, api_as, django_capture_on_commit_callbacks
):
    api = api_as(province_admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = api.post(RUN, {}, format="json").json()
    Job.objects.filter(pk=first["job"]["id"]).update(
        state="running", lease_token=uuid.uuid4(), heartbeat_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=False) as again:
        second = api.post(RUN, {}, format="json").json()
        _round, started = start_assessment(province_admin, year=YEAR)
    assert (first["started"], second["started"], started) == (True, False, False)
    assert second["job"]["id"] == first["job"]["id"] and second["job"]["state"] == "running"
    assert (len(callbacks), again) == (1, [])
    assert Job.objects.count() == 1


def test_a_dead_worker_shows_failed_through_the_job_and_the_round(
    scored, province_admin, api_as, client, settings, django_capture_on_commit_callbacks
):
    settings.JOB_LEASE_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=False):
        start_assessment(province_admin, year=YEAR)
    job = the_run()
    Job.objects.filter(pk=job.pk).update(
        state="running",
        lease_token=uuid.uuid4(),
        progress=30,
        heartbeat_at=timezone.now() - timedelta(minutes=5),
    )
    api = api_as(province_admin)
    # Before the sweep: read as failed, with the lease's reason, everywhere; nothing written.
    reason = api.get(f"/api/v1/jobs/{job.pk}/").json()["stale_reason"]
    assert "超过 60 秒没有心跳" in reason
    body = api.get(ROUND).json()
    assert (body["job_state"], body["job_message"]) == ("failed", reason)
    assert Job.objects.get(pk=job.pk).state == "running"

    assert jobs.fail_stale_jobs() == [job.pk]
    failed = api.get(f"/api/v1/jobs/{job.pk}/").json()
    assert (failed["state"], failed["error"], failed["stale_reason"]) == ("failed", reason, None)
    body = api.get(ROUND).json()
    assert (body["state"], body["job_state"], body["job_message"]) == ("scoring_closed", "failed", reason)
    client.force_login(province_admin)
    page = client.get(f"/assessment/{YEAR}/")
    assert (text_of(page, "job-state"), text_of(page, "job-message")) == ("失败", reason)
    assert not Result.objects.exists()


def test_a_run_that_fails_leaves_the_round_failed_with_the_jobs_reason_and_writes_nothing(
    scored, province_admin, api_as, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(rules, "assess_year", side_effect=RuntimeError("division by zero at row 7")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _round, started = start_assessment(province_admin, year=YEAR)
    assert started
    job = the_run()
    assert (job.state, job.error) == ("failed", GENERIC_FAILURE)  # no internals shown
    body = api_as(province_admin).get(ROUND).json()
    assert (body["state"], body["job_state"], body["job_message"]) == (
        "scoring_closed",
        "failed",
        GENERIC_FAILURE,
    )
    assert not Result.objects.exists() and not Notice.objects.exists()
    # Started again, it computes (a new job; the failed one stays listed).
    with django_capture_on_commit_callbacks(execute=True):
        start_assessment(province_admin, year=YEAR)
    assert the_run().pk != job.pk and the_run().state == "done"
    assert Job.objects.filter(kind="assessment.run").count() == 2


def test_the_run_is_province_wide_data_a_city_official_neither_sees_nor_is_linked_to(
    scored, province_admin, province_viewer, city_official, api_as, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        start_assessment(province_admin, year=YEAR)
    job = the_run()
    assert api_as(city_official).get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    assert api_as(city_official).get("/api/v1/jobs/").json()["results"] == []
    client.force_login(city_official)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert 'id="job-link"' not in html(client.get(f"/assessment/{YEAR}/"))
    # A province-wide reader sees it among all the jobs it may see (not among its own).
    assert [item["id"] for item in api_as(province_viewer).get("/api/v1/jobs/").json()["results"]] == [job.pk]
    assert api_as(province_viewer).get("/api/v1/jobs/?mine=true").json()["results"] == []


def test_reopening_detaches_the_run_and_the_round_reads_idle(
    scored, province_admin, api_as, django_capture_on_commit_callbacks
):
    from assessment.services import reopen

    with django_capture_on_commit_callbacks(execute=True):
        start_assessment(province_admin, year=YEAR)
    job = the_run()
    reopen(province_admin, year=YEAR, reason="更正得分")
    body = api_as(province_admin).get(ROUND).json()
    assert (body["state"], body["job_state"], body["job_progress"], body["job_started_at"]) == (
        "open",
        "idle",
        0,
        None,
    )
    assert Job.objects.get(pk=job.pk).state == "done"  # the earlier run stays in 我的任务


def test_the_rounds_list_reads_each_runs_job_in_a_constant_number_of_queries(
    scored, province_admin, client, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    client.force_login(province_admin)
    with django_capture_on_commit_callbacks(execute=True):
        start_assessment(province_admin, year=YEAR)
    client.get("/assessment/")
    with django_assert_max_num_queries(12) as one_year:
        client.get("/assessment/")
    for year in (2021, 2022, 2023):
        ensure_round(year)
        with django_capture_on_commit_callbacks(execute=True):
            start_assessment(province_admin, year=year, confirm_incomplete=True)
    with django_assert_max_num_queries(len(one_year.captured_queries)):
        response = client.get("/assessment/?sort=job")
    assert response.status_code == 200


def test_the_due_talks_sweep_is_a_job_of_the_system_with_its_summary(province_admin, api_as):
    today = timezone.localdate().isoformat()
    assert remind_due_talks.delay().get() == {"date": today, "notifications": 0}
    (sweep,) = Job.objects.filter(kind="assessment.remind_due_talks")
    assert (sweep.state, sweep.started_by, sweep.scope_code) == ("done", None, "")
    assert sweep.message == "已发出约谈到期提醒 0 条"
    listed = api_as(province_admin).get("/api/v1/jobs/?kind=assessment.remind_due_talks").json()["results"]
    assert [(item["id"], item["result"]) for item in listed] == [
        (sweep.pk, {"date": today, "notifications": 0})
    ]
