"""The round's state machine under crashes and concurrency (issue 8, points 3 and 6).

Queuing a run closes scoring in the same transaction; scores, imports, vetoes and exemptions are refused while
a run is queued, running or computed, publishing while it is queued or running. The run is the round's
tracked job (core.jobs). A run whose worker died is found by its job's lease (a heartbeat older than
JOB_LEASE_SECONDS), shown as 失败 with the reason without any read writing, leaves no partial rows, is
recorded failed by the sweep (core.fail_stale_jobs) and can be started again from the page, the API and
`run_assessment`. On PostgreSQL with Redis (`services`): a real Celery worker killed mid-run, and two-thread
races of publications (document numbers), of a score against the start of a run, and of two restarts.
"""

import contextlib
import io
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from unittest import mock
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from assessment import selectors, services
from assessment.models import AssessmentRound, Elimination, Exemption, Notice, Result, Score, Veto
from assessment.services import (
    compute_round,
    ensure_round,
    import_scores,
    publish,
    reopen,
    save_scores,
    start_assessment,
    update_settings,
)
from core import jobs
from core import tasks as core_tasks
from core.errors import DomainError
from core.models import DocumentNumber, DocumentSequence, Job
from core.numbering import take_number
from towns.services import designate

from ..conftest import JIAOHE, NONGAN, SHUANGYANG, town_in
from .page_helpers import html, page_text, text_of
from .test_three_years import points_for

# The geography must be there even after a transactional test elsewhere flushed the database.
pytestmark = pytest.mark.usefixtures("jilin")

YEAR = 2024
ROUND = f"/api/v1/assessment-rounds/{YEAR}/"
PAGE = f"/assessment/{YEAR}/"
PROGRESS = f"/assessment/{YEAR}/progress.json"
TOTALS = ["91", "85", "72", "64"]


@pytest.fixture
def scored(jilin, province_admin):
    """Four provincial towns (双阳区 ×2, 农安县, 蛟河市) fully scored for 2024 (praise 1, criticism 1)."""
    towns = [town_in(SHUANGYANG, 0), town_in(SHUANGYANG, 1), town_in(NONGAN, 0), town_in(JIAOHE, 0)]
    for town in towns:
        designate(town, "provincial", 2022)
    score_year(province_admin, YEAR, towns)
    return towns


def score_year(admin, year, towns):
    update_settings(admin, year=year, top_count=1, bottom_count=1)
    for town, total in zip(towns, TOTALS, strict=True):
        save_scores(admin, year=year, town=town, points_by_code=points_for(total))


def row(year=YEAR):
    """The round's row as stored, every column, with its run's job (`job`: every column of it) and the job's
    state, progress, message, times, token and heartbeat under the round's job field names."""
    values = AssessmentRound.objects.filter(year=year).values().get()
    assessment_round = AssessmentRound.objects.select_related("job").get(year=year)
    job = Job.objects.filter(pk=values["job_id"]).values().first()
    return {
        **values,
        "job": job,
        **{
            name: getattr(assessment_round, name)
            for name in ("job_state", "job_progress", "job_message", "job_started_at", "job_finished_at")
        },
        "job_token": job["lease_token"] if job else None,
        "job_heartbeat_at": job["heartbeat_at"] if job else None,
    }


def claim(year=YEAR, heartbeat_age=timedelta(0), token=None):
    """What a worker does when it takes the queued run: its job running, its token, its last heartbeat
    `heartbeat_age` ago (an old one: the worker died since)."""
    token = token or uuid.uuid4()
    assessment_round = ensure_round(year)
    job = assessment_round.job
    if job is None:  # a round nobody queued: its run as a worker would hold it
        job = Job.objects.create(kind="assessment.run", title=f"{year}年度示范镇评价计算")
        AssessmentRound.objects.filter(pk=assessment_round.pk).update(job=job)
    Job.objects.filter(pk=job.pk).update(
        state="running",
        lease_token=token,
        progress=30,
        message="计算综合得分与排名",
        started_at=timezone.now() - heartbeat_age,
        heartbeat_at=timezone.now() - heartbeat_age,
    )
    return token


def queue_run(admin, capture, **kwargs):
    """Start the year's run without executing the queued Celery task; its callback is returned."""
    with capture(execute=False) as callbacks:
        _round, started = start_assessment(admin, year=YEAR, **kwargs)
    assert started and len(callbacks) == 1
    return callbacks[0]


def drafts(year=YEAR):
    """Every draft row of the year: results, notices with their towns, eliminations (ids included)."""
    assessment_round = AssessmentRound.objects.get(year=year)
    return (
        sorted(Result.objects.filter(round=assessment_round).values_list("id", "town_id", "score", "rank")),
        sorted(
            (notice.id, notice.kind, tuple(sorted(notice.results.values_list("town_id", flat=True))))
            for notice in Notice.objects.filter(round=assessment_round)
        ),
        sorted(Elimination.objects.filter(round=assessment_round).values_list("id", "town_id")),
    )


def no_rows_of_the_run(year=YEAR):
    assessment_round = AssessmentRound.objects.get(year=year)
    return not (
        Result.objects.filter(round=assessment_round).exists()
        or Notice.objects.filter(round=assessment_round).exists()
        or Elimination.objects.filter(round=assessment_round).exists()
    )


def shown_job(api, client):
    """(job_state, job_message) as the API, the round page and progress.json show them, each checked to
    agree with the others."""
    body = api.get(ROUND).json()
    page = client.get(PAGE)
    progress = client.get(PROGRESS).json()
    assert page.status_code == 200
    label = {"failed": "失败", "running": "计算中", "queued": "排队中", "done": "已完成"}[body["job_state"]]
    assert body["job_state_label"] == label
    assert text_of(page, "job-state") == label
    assert (progress["job_state"], progress["job_state_label"]) == (body["job_state"], label)
    assert progress["job_message"] == body["job_message"] == text_of(page, "job-message")
    return body["job_state"], body["job_message"]


def may_run_from_the_page(client):
    page = html(client.get(PAGE))
    return 'id="run-form"' in page and 'id="run-button" disabled' not in page


# --- the lease: a dead run is shown failed, without a read writing, and starts again ----------------------


def test_a_run_whose_heartbeat_stopped_shows_failed_with_the_reason_and_reading_writes_nothing(
    scored, province_admin, api_as, client, settings, django_capture_on_commit_callbacks
):
    settings.JOB_LEASE_SECONDS = 60
    queue_run(province_admin, django_capture_on_commit_callbacks)
    claim(heartbeat_age=timedelta(minutes=10))
    stored = row()
    client.force_login(province_admin)
    api = api_as(province_admin)

    job_state, message = shown_job(api, client)

    assert job_state == "failed"
    assert "超过 60 秒没有心跳" in message and "可重新发起" in message
    assert may_run_from_the_page(client)  # the page offers 运行计算 again
    # The run's job says so too, on its page and in the API (我的任务 of the admin who started it).
    job = api.get(f"/api/v1/jobs/{stored['job_id']}/").json()
    assert (job["kind"], job["state"], job["stale_reason"]) == ("assessment.run", "running", message)
    assert message in page_text(client.get(f"/jobs/{stored['job_id']}/"))
    assert row() == stored  # no read wrote anything: the row still says running
    assert stored["job_state"] == "running"
    assert no_rows_of_the_run()
    # Scoring stays closed, and the refusal does not call the dead run 计算中.
    with pytest.raises(DomainError) as refusal:
        save_scores(province_admin, year=YEAR, town=scored[0], points_by_code={"T01": "1"})
    assert refusal.value.message == f"{YEAR}年度评价评分已截止，不能再录入得分。"


def test_a_run_within_its_lease_is_not_shown_failed_and_is_not_started_twice(
    scored, province_admin, api_as, client, settings, django_capture_on_commit_callbacks
):
    settings.JOB_LEASE_SECONDS = 60
    queue_run(province_admin, django_capture_on_commit_callbacks)
    token = claim(heartbeat_age=timedelta(seconds=50))
    client.force_login(province_admin)
    api = api_as(province_admin)

    assert shown_job(api, client) == ("running", "计算综合得分与排名")
    assert not may_run_from_the_page(client)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api.post(f"{ROUND}run/", {}, format="json")
        _round, started = start_assessment(province_admin, year=YEAR)
    assert response.status_code == 202
    assert (response.json()["started"], response.json()["job_state"]) == (False, "running")
    assert (response.json()["job"]["id"], response.json()["job"]["state"]) == (row()["job_id"], "running")
    assert (started, callbacks) == (False, [])
    assert (row()["job_state"], row()["job_token"]) == ("running", token)
    assert Job.objects.count() == 1


def _restart_by_service(admin, client):
    _round, started = start_assessment(admin, year=YEAR)
    assert started


def _restart_by_api(admin, client):
    api = APIClient()
    api.force_authenticate(admin)
    response = api.post(f"{ROUND}run/", {}, format="json")
    assert response.status_code == 202
    assert (response.json()["started"], response.json()["job_state"]) == (True, "queued")


def _restart_by_page(admin, client):
    client.force_login(admin)
    response = client.post(f"{PAGE}run/", follow=True)
    assert f"已提交{YEAR}年度评价计算" in page_text(response)


def _restart_by_command(admin, client):
    out = io.StringIO()
    call_command("run_assessment", "--year", str(YEAR), stdout=out)
    assert f"{YEAR}年度评价计算已提交" in out.getvalue()


@pytest.mark.parametrize(
    "restart",
    [_restart_by_service, _restart_by_api, _restart_by_page, _restart_by_command],
    ids=["service", "api", "page", "run_assessment"],
)
def test_a_dead_run_starts_again_and_computes(
    restart, scored, province_admin, client, settings, django_capture_on_commit_callbacks
):
    settings.JOB_LEASE_SECONDS = 60
    queue_run(province_admin, django_capture_on_commit_callbacks)
    dead_token = claim(heartbeat_age=timedelta(minutes=10))
    before = row()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        restart(province_admin, client)

    assert len(callbacks) == 1  # one new job queued
    queued = row()
    assert (queued["state"], queued["job_state"], queued["job_message"]) == (
        "scoring_closed",
        "queued",
        "已提交，等待计算",
    )
    assert queued["job_token"] is None and queued["job_token"] != dead_token
    assert queued["job_started_at"] > before["job_started_at"]
    # A new job; the dead one is recorded failed with the reason (it stays listed in 我的任务).
    assert queued["job_id"] != before["job_id"]
    dead = Job.objects.get(pk=before["job_id"])
    assert (dead.state, dead.lease_token) == ("failed", None) and "超过 60 秒没有心跳" in dead.error
    callbacks[0]()  # the Celery task (eager in tests)
    done = row()
    assert (done["state"], done["job_state"], done["job_progress"]) == ("computed", "done", 100)
    assert done["job_message"] == "已完成：参评 4 个，未评 0 个"
    assert Result.objects.filter(round__year=YEAR).count() == 4


def test_a_queued_run_no_worker_took_within_the_queue_timeout_shows_failed(
    scored, province_admin, api_as, client, settings, django_capture_on_commit_callbacks
):
    settings.JOB_QUEUE_TIMEOUT_SECONDS = 600
    queue_run(province_admin, django_capture_on_commit_callbacks)
    client.force_login(province_admin)
    api = api_as(province_admin)
    queued_at = timezone.now() - timedelta(minutes=9)
    Job.objects.filter(pk=row()["job_id"]).update(created_at=queued_at)
    assert shown_job(api, client) == ("queued", "已提交，等待计算")

    Job.objects.filter(pk=row()["job_id"]).update(created_at=queued_at - timedelta(minutes=2))
    stored = row()
    job_state, message = shown_job(api, client)
    assert job_state == "failed"
    assert "排队超过 10 分钟仍未开始" in message
    assert row() == stored
    assert may_run_from_the_page(client)


def test_fail_stale_runs_records_only_the_dead_runs_as_failed(
    scored, province_admin, settings, django_capture_on_commit_callbacks
):
    settings.JOB_LEASE_SECONDS = 60
    queue_run(province_admin, django_capture_on_commit_callbacks)
    claim(heartbeat_age=timedelta(minutes=10))
    alive = ensure_round(2026)
    alive_token = claim(2026, heartbeat_age=timedelta(seconds=5))

    assert jobs.fail_stale_jobs() == [row()["job_id"]]  # the sweep of every tracked job

    failed = row()
    assert (failed["job_state"], failed["job_token"], failed["state"]) == ("failed", None, "scoring_closed")
    assert "超过 60 秒没有心跳" in failed["job_message"]
    assert failed["job_finished_at"] is not None
    assert (row(2026)["job_state"], row(2026)["job_token"]) == ("running", alive_token)
    assert core_tasks.fail_stale_jobs() == {"failed": []}  # the beat task: nothing left to fail
    assert AssessmentRound.objects.get(pk=alive.pk).job_state == "running"


def _token_taken_over(successor):
    """The run was taken as dead (its job recorded failed by the sweep) and started again: the round's new
    job is held by another worker."""
    Job.objects.filter(pk=row()["job_id"]).update(
        state="failed", lease_token=None, error="任务进程已中断", finished_at=timezone.now()
    )
    again = Job.objects.create(
        kind="assessment.run",
        title=f"{YEAR}年度示范镇评价计算",
        state="running",
        lease_token=successor,
        heartbeat_at=timezone.now(),
    )
    AssessmentRound.objects.filter(year=YEAR).update(job=again)


@pytest.mark.parametrize("when", ["after_reading_the_inputs", "before_the_final_write"])
def test_a_zombie_worker_whose_lease_was_taken_over_writes_nothing(
    when, scored, province_admin, django_capture_on_commit_callbacks
):
    """The run was taken as dead and started again while its first worker still ran: that worker (a zombie)
    finds the round held by another token and leaves the draft of the earlier run untouched."""
    with django_capture_on_commit_callbacks(execute=True):
        start_assessment(province_admin, year=YEAR)
    earlier = drafts()
    assert earlier[0] and earlier[1]  # a draft to protect
    job = queue_run(province_admin, django_capture_on_commit_callbacks)  # a re-run of the computed year
    zombie = row()["job_id"]
    successor = uuid.uuid4()

    if when == "after_reading_the_inputs":
        read = selectors.year_inputs

        def year_inputs(assessment_round):
            inputs = read(assessment_round)
            _token_taken_over(successor)
            return inputs

        patch = mock.patch.object(selectors, "year_inputs", year_inputs)
    else:
        step = services._step

        def progress(ctx, percent, message):
            step(ctx, percent, message)
            if percent == 60:  # the last step before the rows are written
                _token_taken_over(successor)

        patch = mock.patch.object(services, "_step", progress)
    with patch:
        outcome = job().get()

    assert outcome == {"job": zombie, "state": None}  # the runner records nothing for a lost lease
    assert drafts() == earlier
    after = row()
    assert (after["state"], after["job_state"], after["job_token"]) == (
        "scoring_closed",
        "running",
        successor,
    )
    assert Job.objects.filter(pk=zombie).values_list("state", "progress").get() == (
        "failed",
        5 if when == "after_reading_the_inputs" else 60,
    )


# --- the state machine: queuing closes scoring; nothing is taken or published while a run is active -------


@pytest.mark.parametrize("job", ["queued", "running"])
def test_while_a_run_is_queued_or_running_no_input_is_taken_and_nothing_is_published(
    job, scored, province_admin, city_official, api_as, client, tmp_path, django_capture_on_commit_callbacks
):
    spare = town_in(JIAOHE, 1)  # a provincial town without scores: the run needs a confirmation
    designate(spare, "provincial", 2022)
    with pytest.raises(DomainError, match="1 个镇未录入得分"):
        start_assessment(province_admin, year=YEAR)
    assert (row()["state"], row()["job_state"]) == ("open", "idle")  # a refused start closes nothing

    admin_api = api_as(province_admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_api.post(f"{ROUND}run/", {"confirm_incomplete": True}, format="json")
    assert response.status_code == 202 and response.json()["started"]
    assert len(callbacks) == 1  # the job is queued, not yet run
    # Scoring closed with the queuing itself, in the database, before any worker took the job.
    assert AssessmentRound.objects.get(year=YEAR).state == "scoring_closed"
    assert (row()["state"], row()["job_state"]) == ("scoring_closed", "queued")
    if job == "running":
        claim()
    label = {"queued": "排队中", "running": "计算中"}[job]
    closed = f"{YEAR}年度评价评分已截止（计算任务{label}），不能再"
    mine = scored[0]
    scores = sorted(Score.objects.values_list("town_id", "indicator__code", "points", "updated_at"))

    city_api = APIClient()
    city_api.force_authenticate(city_official)
    response = city_api.post(
        "/api/v1/scores/", {"town": mine.code, "year": YEAR, "indicator": "T01", "points": "1"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == closed + "录入得分。"
    client.force_login(city_official)
    response = client.post(f"/assessment/{YEAR}/scores/{mine.code}/", {"T01": "1"})
    assert response.status_code == 200
    assert closed + "录入得分。" in page_text(response)
    with pytest.raises(DomainError, match="不能再录入得分"):
        save_scores(province_admin, year=YEAR, town=mine, points_by_code={"T01": "1"})

    sheet = f"town_code,indicator_code,points\n{mine.code},T01,1\n".encode()
    with pytest.raises(DomainError, match="不能再导入得分"):
        import_scores("scores.csv", sheet, YEAR, actor=province_admin)
    (tmp_path / "scores.csv").write_bytes(sheet)
    with pytest.raises(CommandError, match="不能再导入得分"):
        call_command("import_scores", str(tmp_path / "scores.csv"), "--year", str(YEAR))

    response = admin_api.post(
        "/api/v1/vetoes/", {"town": mine.code, "year": YEAR, "reason": "拆除历史建筑"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == closed + "登记一票否决。"
    response = admin_api.post(
        "/api/v1/exemptions/",
        {"town": spare.code, "year": YEAR, "reason": "镇区整体搬迁", "doc_no": "吉示范镇办〔2024〕函2号"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == closed + "登记免评。"

    response = admin_api.post(f"{ROUND}publish/", {"doc_prefix": "吉示范镇办"}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == f"{YEAR}年度评价计算任务{label}，完成后才能发布。"
    response = admin_api.post(f"{ROUND}reopen/", {"reason": "更正得分"}, format="json")
    assert response.status_code == 400
    assert "完成后才能重新开放" in response.json()["detail"]

    assert sorted(Score.objects.values_list("town_id", "indicator__code", "points", "updated_at")) == scores
    assert not Veto.objects.exists() and not Exemption.objects.exists()
    assert not DocumentNumber.objects.exists() and not Notice.objects.exists()
    assert (row()["state"], row()["job_state"]) == ("scoring_closed", job)


def test_a_computed_year_takes_no_input_until_reopened(
    scored, province_admin, api_as, django_capture_on_commit_callbacks
):
    queue_run(province_admin, django_capture_on_commit_callbacks)()
    assert (row()["state"], row()["job_state"]) == ("computed", "done")
    mine = scored[0]
    api = api_as(province_admin)

    response = api.post(
        "/api/v1/scores/", {"town": mine.code, "year": YEAR, "indicator": "T01", "points": "1"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == (
        f"{YEAR}年度评价已计算（待发布），不能再录入得分。如需更正请先重新开放。"
    )
    response = api.post(
        "/api/v1/vetoes/", {"town": mine.code, "year": YEAR, "reason": "拆除历史建筑"}, format="json"
    )
    assert response.status_code == 400 and "不能再登记一票否决" in response.json()["detail"]
    assert Score.objects.get(town=mine, indicator__code="T01").points == 10
    assert not Veto.objects.exists()

    reopen(province_admin, year=YEAR, reason="更正双阳区的得分")
    save_scores(province_admin, year=YEAR, town=mine, points_by_code={"T01": "1"})
    assert Score.objects.get(town=mine, indicator__code="T01").points == 1


# --- PostgreSQL and Redis: a real Celery worker, killed mid-run ----------------------------------------------

WORKER_REDIS_DB = 7  # the worker subprocess's own Redis database: it never takes another test's task


def worker_redis_url():
    parts = urlsplit(os.environ["REDIS_URL"])
    return urlunsplit((parts.scheme, parts.netloc, f"/{WORKER_REDIS_DB}", "", ""))


def worker_database_url():
    """The test database (not the one DATABASE_URL names) as a URL for the worker subprocess."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    host = quote(db.get("HOST") or "", safe="")
    return (
        f"postgres://{quote(db['USER'] or '', safe='')}{password}@{host}{port}/{quote(db['NAME'], safe='')}"
    )


def start_worker_process(log_path, broker_url, **env):
    """`celery -A config worker` in its own session (process group), outside pytest: TESTING is off, so it
    consumes from Redis for real, against the test database."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": broker_url,
        "DEBUG": "1",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CONN_MAX_AGE": "0",
        "JOB_HEARTBEAT_SECONDS": "0.5",
        **env,
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool",
        "solo",
        "--concurrency",
        "1",
    ]
    command += ["-l", "WARNING", "-n", f"crash-drill-{uuid.uuid4().hex[:8]}@%h"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    log = open(log_path, "ab")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(
        command,
        cwd=django_settings.BASE_DIR,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    process.log, process.log_path = log, log_path
    return process


def kill(process):
    """SIGKILL the worker's whole process group (no clean shutdown: a crash)."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    process.log.close()


def wait_for(condition, timeout, what, worker):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if worker is not None and worker.poll() is not None:
            break
        time.sleep(0.1)
    log = worker.log_path.read_text(errors="replace")[-3000:] if worker is not None else ""
    pytest.fail(f"timed out waiting for {what}; worker log:\n{log}")


def use_broker(url, eager):
    """Point this process's Celery app at a broker. The app keeps the connection pool of the first broker
    it used (possibly another test's): its references are dropped (not the pools, which kombu shares by
    URL), so the next send looks up the pool of this broker."""
    from config.celery import app

    app.conf.update(broker_url=url, task_always_eager=eager, broker_connection_retry=False)
    app._pool = None
    app.amqp._producer_pool = None
    return app


def job_row():
    stored = row()
    names = ("state", "job_state", "job_progress", "job_heartbeat_at", "job_token", "job_message", "job_id")
    return {name: stored[name] for name in names}


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_run_is_found_by_its_lease_and_the_round_runs_again(
    require_services, scored, province_admin, api_as, client, settings, tmp_path
):
    """A real worker subprocess takes the run from Redis and is SIGKILLed while it pauses between steps:
    the round reads 失败 with the reason once the lease is over (not before), holds no partial rows, still
    takes no scores and cannot be published; started again from the API, a new worker computes it."""
    # Long enough that a loaded machine (two cores, a parallel suite) still reads the page within the lease
    # after the kill: with 3 s the "not yet guessed dead" read could come after the lease had run out.
    lease = 8
    settings.JOB_LEASE_SECONDS = lease
    from config.celery import app

    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "broker_connection_retry")}
    broker = worker_redis_url()
    api = api_as(province_admin)
    client.force_login(province_admin)
    workers = []
    try:
        use_broker(broker, eager=False)
        app.control.purge()  # the private queue holds nothing left over from an aborted run
        worker = start_worker_process(
            tmp_path / "worker-1.log", broker, ASSESSMENT_JOB_STEP_PAUSE_SECONDS="30"
        )
        workers.append(worker)

        response = api.post(f"{ROUND}run/", {"confirm_incomplete": True}, format="json")
        assert response.status_code == 202 and response.json()["started"]
        claimed = wait_for(
            lambda: (job := job_row())["job_state"] == "running" and job["job_progress"] == 30 and job,
            40,
            "the worker to claim the run",
            worker,
        )
        beating = wait_for(
            lambda: (job := job_row())["job_heartbeat_at"] > claimed["job_heartbeat_at"] and job,
            5,
            "a heartbeat",
            worker,
        )
        assert beating["job_token"] is not None

        kill(worker)
        assert shown_job(api, client)[0] == "running"  # within the lease the run is not guessed dead
        last_beat = job_row()["job_heartbeat_at"]
        time.sleep(max(0.0, lease + 0.5 - (timezone.now() - last_beat).total_seconds()))

        stored = row()
        assert stored["job_heartbeat_at"] == last_beat  # the dead worker beats no more
        job_state, message = shown_job(api, client)
        assert job_state == "failed"
        assert f"超过 {lease} 秒没有心跳" in message
        assert may_run_from_the_page(client)
        assert row() == stored  # reading wrote nothing
        assert no_rows_of_the_run()  # the dead worker left no partial rows

        town = scored[0]
        response = api.post(
            "/api/v1/scores/",
            {"town": town.code, "year": YEAR, "indicator": "T01", "points": "1"},
            format="json",
        )
        assert response.status_code == 400
        # The page says 失败; the refusal does not call the dead run 计算中 either.
        assert response.json()["detail"] == f"{YEAR}年度评价评分已截止，不能再录入得分。"
        assert Score.objects.get(town=town, indicator__code="T01").points == 10
        response = api.post(f"{ROUND}publish/", {"doc_prefix": "吉示范镇办"}, format="json")
        assert response.status_code == 400 and "须先运行计算再发布" in response.json()["detail"]
        assert not DocumentNumber.objects.exists()

        dead_job = stored["job_id"]
        assert jobs.fail_stale_jobs() == [dead_job]  # the beat task records it
        failed = row()
        assert (failed["job_state"], failed["job_token"]) == ("failed", None)
        assert f"超过 {lease} 秒没有心跳" in failed["job_message"]
        assert jobs.fail_stale_jobs() == []
        # The run's job, in the admin's 我的任务 and the jobs API, says the same.
        job = api.get(f"/api/v1/jobs/{dead_job}/").json()
        assert (job["kind"], job["state"], job["error"]) == (
            "assessment.run",
            "failed",
            failed["job_message"],
        )
        assert dead_job in [item["id"] for item in api.get("/api/v1/jobs/?mine=true").json()["results"]]

        worker = start_worker_process(
            tmp_path / "worker-2.log", broker, ASSESSMENT_JOB_STEP_PAUSE_SECONDS="0"
        )
        workers.append(worker)
        response = api.post(f"{ROUND}run/", {}, format="json")
        assert response.status_code == 202
        assert (response.json()["started"], response.json()["job_state"]) == (True, "queued")
        assert response.json()["job"]["id"] != dead_job
        wait_for(lambda: job_row()["job_state"] in ("done", "failed"), 40, "the second run", worker)
    finally:
        for worker in workers:
            kill(worker)
        use_broker(saved["broker_url"], eager=saved["task_always_eager"])
        app.conf.update(broker_connection_retry=saved["broker_connection_retry"])
        connection.close()

    done = job_row()
    assert (done["state"], done["job_state"], done["job_progress"]) == ("computed", "done", 100)
    assert done["job_message"] == "已完成：参评 4 个，未评 0 个"
    ranked = list(Result.objects.filter(round__year=YEAR).order_by("rank").values_list("town_id", "rank"))
    assert ranked == [(town.code, rank) for rank, town in enumerate(scored, start=1)]
    assert Notice.objects.filter(round__year=YEAR).count() == 2
    assert shown_job(api, client) == ("done", "已完成：参评 4 个，未评 0 个")


# --- PostgreSQL: two-thread races ----------------------------------------------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("earlier", [0, 1], ids=["first_documents_of_the_year", "after_an_earlier_document"])
def test_two_publications_at_once_take_distinct_consecutive_document_numbers(
    earlier, require_services, scored, province_admin
):
    """Point 3: 2022 and 2024 published at the same moment under one prefix take four numbers in sequence
    (1…4, or 2…5 after an earlier document of the year), each once, each publication's two consecutive;
    the database holds each number once. The first documents of the year also race to create the sequence;
    after an earlier one, only its row lock keeps the two publications apart."""
    from ..test_services import race

    issued_in = timezone.localdate().year
    if earlier:
        with transaction.atomic():
            take_number("吉示范镇办", issued_in, "other", "关于召开示范镇建设现场会的通知")
    score_year(province_admin, 2022, scored)
    for year in (2022, YEAR):
        compute_round(ensure_round(year).pk)
    assert DocumentSequence.objects.exists() == bool(earlier)

    outcomes = race(
        lambda: publish(province_admin, year=2022, doc_prefix="吉示范镇办"),
        lambda: publish(province_admin, year=YEAR, doc_prefix="吉示范镇办"),
    )

    assert outcomes == ["ok", "ok"]
    taken = [earlier + n for n in (1, 2, 3, 4)]
    numbers = list(
        DocumentNumber.objects.filter(number__gt=earlier)
        .order_by("number")
        .values_list("prefix", "year", "number", "doc_no")
    )
    assert numbers == [("吉示范镇办", issued_in, n, f"吉示范镇办〔{issued_in}〕{n}号") for n in taken]
    by_year = {
        year: sorted(
            DocumentNumber.objects.get(doc_no=doc_no).number
            for doc_no in Notice.objects.filter(round__year=year).values_list("doc_no", flat=True)
        )
        for year in (2022, YEAR)
    }
    assert sorted(by_year.values()) == [taken[:2], taken[2:]], by_year
    assert DocumentNumber.objects.count() == earlier + 4
    assert DocumentSequence.objects.get(prefix="吉示范镇办", year=issued_in).last_number == earlier + 4
    assert {row()["state"], row(2022)["state"]} == {"published"}


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_score_racing_the_start_of_the_run_lands_before_it_or_is_refused(
    require_services, scored, province_admin
):
    """A town's last missing score against the start of the run (confirming incomplete scoring): either the
    score lands first and the start sees the town complete, or the start comes first, records the town as
    incomplete, and the score is refused. Never a score the start did not see (one written after scoring
    closed). Five rounds of the race, reopening in between."""
    from ..test_services import race

    town = scored[0]
    refused = ("DomainError", f"{YEAR}年度评价评分已截止（计算任务排队中），不能再录入得分。")
    for attempt in range(5):
        Score.objects.filter(round__year=YEAR, town=town, indicator__code="T15").delete()
        with mock.patch.object(core_tasks.run_job, "delay") as delay:
            outcomes = race(
                lambda: save_scores(province_admin, year=YEAR, town=town, points_by_code={"T15": "2"}),
                lambda: start_assessment(province_admin, year=YEAR, confirm_incomplete=True),
            )
        assert outcomes[1] == "ok" and delay.call_count == 1
        queued = row()
        assert (queued["state"], queued["job_state"]) == ("scoring_closed", "queued")
        entered = Score.objects.filter(round__year=YEAR, town=town, indicator__code="T15").first()
        if outcomes[0] == "ok":
            assert not queued["run_confirmed_incomplete"], queued["run_confirmation"]  # the start saw it
            assert entered.updated_at < queued["job_started_at"]
        else:
            assert outcomes[0] == refused
            assert queued["run_confirmed_incomplete"] and "1 个镇评分不完整" in queued["run_confirmation"]
            assert entered is None
        compute_round(queued["id"])
        result = Result.objects.get(round__year=YEAR, town=town)
        assert result.incomplete == (outcomes[0] != "ok")
        reopen(province_admin, year=YEAR, reason=f"第 {attempt + 1} 次更正")
    connection.close()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_restarts_of_a_dead_run_at_once_queue_one_run(require_services, scored, province_admin, settings):
    """Two 运行计算 from the API at the same moment after a crash: one restarts it, the other sees the new
    run queued (started=false); one job is sent."""
    from ..test_services import race

    settings.JOB_LEASE_SECONDS = 60
    with mock.patch.object(core_tasks.run_job, "delay"):
        start_assessment(province_admin, year=YEAR)
    dead_token = claim(heartbeat_age=timedelta(minutes=10))
    dead_job = row()["job_id"]
    responses = []

    def run_from_the_api():
        api = APIClient()
        api.force_authenticate(province_admin)
        responses.append(api.post(f"{ROUND}run/", {}, format="json"))

    with mock.patch.object(core_tasks.run_job, "delay") as delay:
        assert race(run_from_the_api, run_from_the_api) == ["ok", "ok"]

    assert [response.status_code for response in responses] == [202, 202]
    assert sorted(response.json()["started"] for response in responses) == [False, True]
    assert {response.json()["job_state"] for response in responses} == {"queued"}
    delay.assert_called_once_with(row()["job_id"])
    restarted = row()
    assert (restarted["job_state"], restarted["job_token"]) == ("queued", None)
    assert restarted["job_token"] != dead_token
    assert {response.json()["job"]["id"] for response in responses} == {restarted["job_id"]}
    assert Job.objects.filter(kind="assessment.run").exclude(pk=dead_job).count() == 1
    assert Job.objects.get(pk=dead_job).state == "failed"
    connection.close()
