"""Tracked jobs (issue 11, point 4): one Job model, progress, outcome, result file in scope, cancel where safe,
lease expiry, retention; the 我的任务 page, the job page and GET /api/v1/jobs/."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from core import jobs
from core.choices import JobState
from core.errors import DomainError
from core.models import Job, Notification
from tests.conftest import CHANGCHUN, JIAOHE, SHUANGYANG
from tests.pages import page_text

SEEN = []


def without_csrf(content):
    """A page's body with its per-request CSRF token blanked out."""
    return re.sub(rb'(name="csrfmiddlewaretoken" value=")[^"]+', rb"\1", content)


@jobs.job_handler("tests.count")
def count_handler(ctx):
    total = int(ctx.parameters.get("rows", 3))
    for done in range(1, total + 1):
        ctx.progress(done * 100 // total, f"已处理 {done} 行")
        SEEN.append(done)
        if ctx.parameters.get("cancel_after") == done:
            Job.objects.filter(pk=ctx.job.pk).update(cancel_requested_at=timezone.now())
    ctx.save_result("结果.xlsx", b"rows:" + str(total).encode())
    return {"rows": total, "message": f"共处理 {total} 行"}


@jobs.job_handler("tests.refuse")
def refuse_handler(ctx):
    raise DomainError("第 3 行：区划代码不存在")


@jobs.job_handler("tests.crash")
def crash_handler(ctx):
    raise RuntimeError("connection reset by peer at 10.0.0.7")


@jobs.job_handler("tests.outlived")
def outlived_handler(ctx):
    # The sweep took this worker for dead (its lease expired) while it was still working.
    Job.objects.filter(pk=ctx.job.pk).update(state=JobState.FAILED, error="任务进程已中断", lease_token=None)
    ctx.progress(50, "仍在处理")
    return {"rows": 1}


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    def start(user, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            job = jobs.start_job(user, **kwargs)
        job.refresh_from_db()
        return job

    return start


def test_a_job_runs_after_commit_and_reports_its_progress_summary_and_file(county_official, run_on_commit):
    SEEN.clear()
    job = run_on_commit(county_official, kind="tests.count", title="导出名录", parameters={"rows": 4})
    assert SEEN == [1, 2, 3, 4]
    assert (job.state, job.progress, job.message) == (JobState.DONE, 100, "共处理 4 行")
    assert job.result == {"rows": 4}
    assert job.scope_code == SHUANGYANG
    assert job.started_at is not None and job.finished_at is not None and job.lease_token is None
    assert jobs.result_path(job).read_bytes() == b"rows:4"
    # The starter hears of it once, with a link to the job.
    told = Notification.objects.get(user=county_official, kind="job_finished")
    assert told.title == "后台任务已完成：导出名录" and told.link == f"/jobs/{job.pk}/"


def test_a_job_is_queued_until_its_transaction_commits(county_official, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = jobs.start_job(county_official, kind="tests.count", title="导出名录")
    assert job.state == JobState.QUEUED and len(callbacks) == 1
    assert Job.objects.get(pk=job.pk).state == JobState.QUEUED


def test_an_unknown_kind_is_a_programming_error(county_official):
    with pytest.raises(ValueError):
        jobs.start_job(county_official, kind="tests.nothing", title="?")


def test_a_domain_refusal_fails_the_job_with_its_chinese_message(county_official, run_on_commit):
    job = run_on_commit(county_official, kind="tests.refuse", title="导入认定")
    assert (job.state, job.error) == (JobState.FAILED, "第 3 行：区划代码不存在")
    assert Notification.objects.get(user=county_official).title == "后台任务失败：导入认定"


def test_a_crash_fails_the_job_with_a_generic_message_and_no_internals(
    county_official, run_on_commit, client
):
    job = run_on_commit(county_official, kind="tests.crash", title="导出名录")
    assert job.state == JobState.FAILED and job.error == jobs.GENERIC_FAILURE
    client.force_login(county_official)
    response = client.get(reverse("job-detail", args=[job.pk]))
    assert response.status_code == 200
    text = page_text(response)
    assert jobs.GENERIC_FAILURE in text and "10.0.0.7" not in text and "RuntimeError" not in text


def test_a_job_is_run_once_even_if_its_task_is_delivered_twice(county_official, run_on_commit):
    job = run_on_commit(county_official, kind="tests.count", title="导出名录")
    assert jobs.execute_job(job.pk) is None  # already done: the second delivery does nothing
    assert Job.objects.get(pk=job.pk).state == JobState.DONE


def test_a_queued_job_cancelled_never_runs(county_official, django_capture_on_commit_callbacks):
    SEEN.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = jobs.start_job(county_official, kind="tests.count", title="导出名录", cancellable=True)
    jobs.cancel_job(county_official, job=job)
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED and SEEN == []
    assert not Notification.objects.filter(user=county_official).exists()


def test_a_running_job_stops_at_its_next_progress_once_cancel_is_asked(county_official, run_on_commit):
    SEEN.clear()
    job = run_on_commit(
        county_official,
        kind="tests.count",
        title="导出名录",
        parameters={"rows": 5, "cancel_after": 2},
        cancellable=True,
    )
    assert job.state == JobState.CANCELLED and SEEN == [1, 2]
    assert not job.result_name  # no half-written result


def test_only_the_starter_may_cancel_and_only_a_cancellable_active_job(
    county_official, make_user, run_on_commit, django_capture_on_commit_callbacks
):
    colleague = make_user(Role.COUNTY_OFFICIAL, SHUANGYANG)
    with django_capture_on_commit_callbacks(execute=False):
        writing = jobs.start_job(county_official, kind="tests.count", title="导入得分")
        exporting = jobs.start_job(county_official, kind="tests.count", title="导出", cancellable=True)
    with pytest.raises(DomainError, match="开始后不能中途取消"):
        jobs.cancel_job(county_official, job=writing)
    with pytest.raises(DomainError, match="只有任务的发起人"):
        jobs.cancel_job(colleague, job=exporting)
    finished = run_on_commit(county_official, kind="tests.count", title="导出", cancellable=True)
    with pytest.raises(DomainError, match="任务已完成，不能再取消"):
        jobs.cancel_job(county_official, job=finished)


def test_a_dead_worker_leaves_the_job_failed_once_its_lease_expires(county_official, settings):
    settings.JOB_LEASE_SECONDS = 120
    long_ago = timezone.now() - timedelta(seconds=600)
    running = Job.objects.create(
        kind="tests.count",
        title="导出名录",
        started_by=county_official,
        state=JobState.RUNNING,
        heartbeat_at=long_ago,
        started_at=long_ago,
    )
    alive = Job.objects.create(
        kind="tests.count", title="导出名录", state=JobState.RUNNING, heartbeat_at=timezone.now()
    )
    assert "超过 120 秒没有心跳" in jobs.staleness(running)
    assert jobs.staleness(alive) is None
    assert jobs.fail_stale_jobs() == [running.pk]
    running.refresh_from_db()
    assert running.state == JobState.FAILED and "没有心跳" in running.error and running.finished_at
    assert Job.objects.get(pk=alive.pk).state == JobState.RUNNING
    assert Notification.objects.filter(user=county_official, kind="job_finished").count() == 1


def test_a_job_nobody_picked_up_fails_after_the_queue_timeout(db, settings):
    settings.JOB_QUEUE_TIMEOUT_SECONDS = 1800
    lost = Job.objects.create(kind="tests.count", title="导出名录")
    Job.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert jobs.fail_stale_jobs() == [lost.pk]
    assert "排队超过 30 分钟" in Job.objects.get(pk=lost.pk).error


def test_a_worker_that_outlived_its_lease_overwrites_nothing(county_official, run_on_commit):
    job = run_on_commit(county_official, kind="tests.outlived", title="导出名录")
    assert (job.state, job.error, job.result) == (JobState.FAILED, "任务进程已中断", {})


def test_the_job_page_shows_a_dead_worker_without_writing_on_get(county_official, client):
    job = Job.objects.create(
        kind="tests.count",
        title="导出名录",
        started_by=county_official,
        scope_code=SHUANGYANG,
        state=JobState.RUNNING,
        heartbeat_at=timezone.now() - timedelta(hours=1),
    )
    client.force_login(county_official)
    response = client.get(reverse("job-detail", args=[job.pk]))
    assert "任务进程已中断" in page_text(response)
    assert Job.objects.get(pk=job.pk).state == JobState.RUNNING  # a GET never writes; the sweep records it


def test_run_now_runs_a_beat_job_in_this_process(db):
    job = jobs.run_now(None, kind="tests.count", title="进度报送提醒", parameters={"rows": 2})
    assert (job.state, job.result, job.started_by) == (JobState.DONE, {"rows": 2}, None)


# --- scope: who sees a job and its file --------------------------------------------------------------------


@pytest.fixture
def county_job(county_official, run_on_commit):
    return run_on_commit(county_official, kind="tests.count", title="双阳区名录")


def test_the_result_downloads_for_every_user_whose_scope_covers_it(
    county_job, county_official, city_official, province_viewer, client
):
    for user in (county_official, city_official, province_viewer):
        client.force_login(user)
        response = client.get(reverse("job-download", args=[county_job.pk]))
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == b"rows:3"
        assert "attachment" in response["Content-Disposition"]


def test_a_job_outside_the_scope_answers_exactly_like_a_nonexistent_one(
    county_job, other_county_official, make_user, client
):
    other_city = make_user(Role.CITY_OFFICIAL, "2202")
    missing = county_job.pk + 1000
    for user in (other_county_official, other_city):
        client.force_login(user)
        for name in ("job-detail", "job-download"):
            hidden = client.get(reverse(name, args=[county_job.pk]))
            absent = client.get(reverse(name, args=[missing]))
            assert hidden.status_code == absent.status_code == 404
            assert without_csrf(hidden.content) == without_csrf(absent.content)
        hidden = client.post(reverse("job-cancel", args=[county_job.pk]))
        assert hidden.status_code == 404


def test_the_api_hides_an_out_of_scope_job_like_a_nonexistent_one(county_job, other_county_official):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(other_county_official)
    hidden = api.get(f"/api/v1/jobs/{county_job.pk}/")
    absent = api.get(f"/api/v1/jobs/{county_job.pk + 1000}/")
    assert hidden.status_code == absent.status_code == 404 and hidden.content == absent.content
    assert api.get(f"/api/v1/jobs/{county_job.pk}/result/").status_code == 404
    assert api.get("/api/v1/jobs/").json()["count"] == 0


def test_a_users_scope_moving_takes_their_old_jobs_with_it(county_job, county_official, client):
    county_official.region_id = JIAOHE
    county_official.save()
    client.force_login(county_official)
    assert client.get(reverse("job-download", args=[county_job.pk])).status_code == 404


def test_the_api_gives_progress_and_result_url(county_job, county_official):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(county_official)
    body = api.get(f"/api/v1/jobs/{county_job.pk}/").json()
    assert body["progress"] == 100 and body["state"] == "done" and body["state_label"] == "已完成"
    assert body["result_url"] == f"http://testserver/api/v1/jobs/{county_job.pk}/result/"
    assert body["detail_url"] == f"http://testserver/jobs/{county_job.pk}/"
    assert body["started_by"] == county_official.username and body["result"] == {"rows": 3}
    download = api.get(body["result_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"rows:3"
    listed = api.get("/api/v1/jobs/", {"state": "done", "mine": "true"}).json()
    assert [job["id"] for job in listed["results"]] == [county_job.pk]
    assert api.get("/api/v1/jobs/", {"state": "failed"}).json()["count"] == 0


def test_the_api_cancels_and_refuses_in_chinese(county_official, django_capture_on_commit_callbacks):
    from rest_framework.test import APIClient

    with django_capture_on_commit_callbacks(execute=False):
        cancellable = jobs.start_job(county_official, kind="tests.count", title="导出", cancellable=True)
        writing = jobs.start_job(county_official, kind="tests.count", title="导入")
    api = APIClient()
    api.force_authenticate(county_official)
    response = api.post(f"/api/v1/jobs/{cancellable.pk}/cancel/")
    assert response.status_code == 200 and response.json()["state"] == "cancelled"
    refused = api.post(f"/api/v1/jobs/{writing.pk}/cancel/")
    assert refused.status_code == 400 and "不能中途取消" in str(refused.json())


# --- retention ---------------------------------------------------------------------------------------------


def test_result_files_are_deleted_after_the_retention_period(county_job, county_official, client, settings):
    settings.JOB_RESULT_RETENTION_DAYS = 7
    assert jobs.purge_expired_results() == 0  # still young
    Job.objects.filter(pk=county_job.pk).update(finished_at=timezone.now() - timedelta(days=8))
    path = jobs.result_path(county_job)
    assert jobs.purge_expired_results() == 1
    assert not path.exists()
    client.force_login(county_official)
    assert client.get(reverse("job-download", args=[county_job.pk])).status_code == 404
    assert "已于" in page_text(client.get(reverse("job-detail", args=[county_job.pk])))
    assert jobs.purge_expired_results() == 0


# --- the pages ---------------------------------------------------------------------------------------------


def test_my_jobs_lists_my_own_by_default_and_all_i_may_see_on_request(
    county_job, county_official, city_official, run_on_commit, client
):
    own = run_on_commit(city_official, kind="tests.count", title="长春市名录")
    client.force_login(city_official)
    mine = page_text(client.get(reverse("job-list")))
    assert "长春市名录" in mine and "双阳区名录" not in mine
    everything = page_text(client.get(reverse("job-list"), {"mine": "unknown"}))
    assert "长春市名录" in everything and "双阳区名录" in everything
    assert own.scope_code == CHANGCHUN


def test_my_jobs_page_keeps_its_queries_constant(
    county_official, run_on_commit, client, django_assert_max_num_queries
):
    client.force_login(county_official)
    run_on_commit(county_official, kind="tests.count", title="一")
    client.get(reverse("job-list"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("job-list"))
    for index in range(8):
        run_on_commit(county_official, kind="tests.count", title=f"任务{index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("job-list"))
    assert page_text(response).count("已完成") >= 9


def test_a_running_job_polls_the_api_and_a_finished_one_does_not(county_official, county_job, client):
    running = Job.objects.create(
        kind="tests.count",
        title="进行中",
        started_by=county_official,
        scope_code=SHUANGYANG,
        state=JobState.RUNNING,
        heartbeat_at=timezone.now(),
        progress=40,
        message="已处理 400 行",
    )
    client.force_login(county_official)
    html = client.get(reverse("job-detail", args=[running.pk])).content.decode()
    assert f'data-job-poll="/api/v1/jobs/{running.pk}/"' in html and "40%" in html and "已处理 400 行" in html
    assert "data-job-poll" not in client.get(reverse("job-detail", args=[county_job.pk])).content.decode()


def test_the_job_page_cancels_through_a_post(county_official, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = jobs.start_job(county_official, kind="tests.count", title="导出", cancellable=True)
    client.force_login(county_official)
    assert "取消任务" in page_text(client.get(reverse("job-detail", args=[job.pk])))
    assert client.get(reverse("job-cancel", args=[job.pk])).status_code == 405  # a GET never writes
    response = client.post(reverse("job-cancel", args=[job.pk]), follow=True)
    assert "任务已取消" in page_text(response)
    assert Job.objects.get(pk=job.pk).state == JobState.CANCELLED


def test_the_jobs_list_exports_with_its_filters(county_job, county_official, client):
    import io

    from openpyxl import load_workbook

    client.force_login(county_official)
    response = client.get(reverse("job-export"), {"state": "done"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "双阳区名录" in values
