"""The round's run moved from its job_* columns onto a tracked job (assessment 0004–0005): each round that had
run gets a job saying what the columns said (state, progress, message or failure reason, times, lease,
starter), a round never run gets none; going back copies the jobs into the columns again, and forward once
more takes the same jobs up again (none twice)."""

import datetime
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("assessment", "0003_talk_due_date")]
AFTER = [("assessment", "0005_remove_round_job_columns")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def before():
    apps = migrate(BEFORE)
    try:
        yield apps
    finally:
        migrate(latest())


QUEUED_AT = timezone.now() - datetime.timedelta(hours=2)
FINISHED_AT = QUEUED_AT + datetime.timedelta(minutes=3)
TOKEN = uuid.uuid4()


def fill(apps):
    User = apps.get_model("accounts", "User")
    IndicatorSystem = apps.get_model("assessment", "IndicatorSystem")
    AssessmentRound = apps.get_model("assessment", "AssessmentRound")
    admin = User.objects.create(username="migration_admin", role="province_admin")
    rows = {
        2022: {"job_state": "idle"},
        2023: {
            "job_state": "done",
            "job_progress": 100,
            "job_message": "已完成：参评 4 个，未评 0 个",
            "job_started_at": QUEUED_AT,
            "job_finished_at": FINISHED_AT,
            "run_by": admin,
        },
        2024: {
            "job_state": "failed",
            "job_progress": 30,
            "job_message": "计算失败：数据库连接中断",
            "job_started_at": QUEUED_AT,
            "job_finished_at": FINISHED_AT,
        },
        2025: {
            "job_state": "running",
            "job_progress": 60,
            "job_message": "比对上一年度结果，确定淘汰与递补",
            "job_started_at": QUEUED_AT,
            "job_token": TOKEN,
            "job_heartbeat_at": FINISHED_AT,
            "run_by": admin,
        },
    }
    for year, fields in rows.items():
        system = IndicatorSystem.objects.create(year=year, name=f"{year}年度示范镇评价指标体系")
        AssessmentRound.objects.create(year=year, system=system, **fields)
    return admin.pk


COLUMNS = (
    "year",
    "job_state",
    "job_progress",
    "job_message",
    "job_started_at",
    "job_finished_at",
    "job_token",
    "job_heartbeat_at",
    "run_by_id",
)


def test_the_runs_move_onto_jobs_and_back(before):
    admin = fill(before)
    columns = sorted(before.get_model("assessment", "AssessmentRound").objects.values_list(*COLUMNS))

    after = migrate(AFTER)
    Job = after.get_model("core", "Job")
    rounds = {r.year: r for r in after.get_model("assessment", "AssessmentRound").objects.all()}
    assert rounds[2022].job_id is None
    done, failed, running = (Job.objects.get(pk=rounds[year].job_id) for year in (2023, 2024, 2025))
    assert (done.kind, done.title, done.state, done.progress, done.message) == (
        "assessment.run",
        "2023年度示范镇评价计算",
        "done",
        100,
        "已完成：参评 4 个，未评 0 个",
    )
    assert (done.started_by_id, done.scope_code, done.parameters) == (
        admin,
        "",
        {"round_id": rounds[2023].pk, "year": 2023},
    )
    assert (done.created_at, done.finished_at) == (QUEUED_AT, FINISHED_AT)
    assert (failed.state, failed.error, failed.started_by_id) == ("failed", "计算失败：数据库连接中断", None)
    assert (running.state, running.lease_token, running.heartbeat_at) == ("running", TOKEN, FINISHED_AT)
    assert Job.objects.count() == 3

    jobs = sorted(Job.objects.values_list("pk", "state", "progress", "message", "error", "created_at"))

    back = migrate(BEFORE)
    assert sorted(back.get_model("assessment", "AssessmentRound").objects.values_list(*COLUMNS)) == columns
    assert Job.objects.count() == 3  # kept, as history

    again = migrate(AFTER)
    # Forward once more takes each round's job up again: no job twice.
    assert (
        sorted(Job.objects.values_list("pk", "state", "progress", "message", "error", "created_at")) == jobs
    )
    assert sorted(again.get_model("assessment", "AssessmentRound").objects.values_list("year", "job_id")) == [
        (2022, None),
        (2023, done.pk),
        (2024, failed.pk),
        (2025, running.pk),
    ]
