"""The real services: PostgreSQL as the database, Redis as the Celery broker with a real worker.

Skipped on a bare machine; under CI (PORTAL_REQUIRE_SERVICES=1) a missing service fails these tests.
"""

import os

import pytest
from django.db import connection

pytestmark = pytest.mark.services


def test_database_is_postgresql_and_enforces_the_partial_unique_index(require_services, jilin):
    from django.db import IntegrityError, transaction

    from towns.models import Designation, Town

    assert connection.vendor == "postgresql"
    town = Town.objects.filter(kind="town").first()
    Designation.objects.create(town=town, tier="county", from_year=2022)
    with pytest.raises(IntegrityError), transaction.atomic():
        Designation.objects.create(town=town, tier="city", from_year=2022)


@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_runs_a_task_from_redis(require_services):
    from celery.contrib.testing.worker import start_worker

    from config.celery import app
    from core.tasks import ping

    redis_url = os.environ["REDIS_URL"]
    app.conf.update(
        broker_url=redis_url, result_backend=redis_url, task_always_eager=False, broker_connection_retry=False
    )
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
            assert ping.delay().get(timeout=20) == "pong"
    finally:
        app.conf.update(task_always_eager=True, broker_url="memory://", result_backend="cache+memory://")


@pytest.mark.django_db(transaction=True)
def test_two_allocations_racing_for_the_last_of_a_quota_cannot_both_succeed(require_services, jilin):
    """R6 under real concurrency: the quota row lock makes the second allocation see the first."""
    import threading
    from decimal import Decimal

    from django.db import connection as main_connection

    from accounts.models import User
    from core.errors import DomainError
    from funding.models import Allocation
    from funding.services import allocate, set_quota
    from projects.services import create_project
    from towns.models import Region
    from towns.services import designate

    from .conftest import PROJECT_DATA, SHUANGYANG, town_in

    town = town_in(SHUANGYANG)
    designate(town, "provincial", 2022)
    admin = User.objects.create(username="race_admin", role="province_admin")
    county = User.objects.create(username="race_county", role="county_official", region_id=SHUANGYANG)
    set_quota(
        admin,
        region=Region.objects.get(code=SHUANGYANG),
        year=2026,
        general_amount="500.00",
        special_amount="0.00",
    )
    projects = [
        create_project(county, town=town, data={**PROJECT_DATA, "name": f"项目{i}", "investment": "900.00"})
        for i in (1, 2)
    ]
    main_connection.close()

    barrier = threading.Barrier(2)
    outcomes = []

    def race(project):
        from django.db import connection

        try:
            barrier.wait(timeout=10)
            allocate(admin, project=project, source="provincial_general_bond", amount="400.00", year=2026)
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=(project,)) for project in projects]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes, key=lambda o: o != "ok")[0] == "ok"
    assert outcomes.count("ok") == 1, outcomes
    assert any("剩余限额 100.00 万元" in outcome for outcome in outcomes), outcomes
    assert Allocation.objects.count() == 1
    assert sum(a.amount for a in Allocation.objects.all()) == Decimal("400.00")


@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_runs_the_assessment_job(require_services, jilin):
    """R7–R9 end to end on the real services: start_assessment queues the run's tracked job on Redis at commit,
    a real worker runs it (core.run_job → services.run_round) against PostgreSQL, the round reports done and
    the results are there."""
    import time

    from celery.contrib.testing.worker import start_worker

    from accounts.models import User
    from assessment.models import AssessmentRound, Notice, Result
    from assessment.services import save_scores, start_assessment
    from config.celery import app
    from towns.services import designate

    from .assessment.test_three_years import points_for
    from .conftest import JIAOHE, NONGAN, SHUANGYANG, town_in

    admin = User.objects.create(username="job_admin", role="province_admin")
    towns = [town_in(SHUANGYANG), town_in(NONGAN), town_in(JIAOHE)]
    for town, total in zip(towns, ["93", "81", "59"], strict=True):
        designate(town, "provincial", 2022)
        save_scores(admin, year=2024, town=town, points_by_code=points_for(total))

    redis_url = os.environ["REDIS_URL"]
    app.conf.update(
        broker_url=redis_url, result_backend=redis_url, task_always_eager=False, broker_connection_retry=False
    )
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
            assessment_round, started = start_assessment(admin, year=2024)  # commits; the task goes to Redis
            assert started
            deadline = time.monotonic() + 60
            while True:
                assessment_round.refresh_from_db()
                if assessment_round.job_state in ("done", "failed") or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
    finally:
        app.conf.update(task_always_eager=True, broker_url="memory://", result_backend="cache+memory://")
        connection.close()

    assert (assessment_round.job_state, assessment_round.job_message) == (
        "done",
        "已完成：参评 3 个，未评 0 个",
    )
    assert (assessment_round.state, assessment_round.job_progress) == ("computed", 100)
    assert assessment_round.job_finished_at is not None
    ranked = list(
        Result.objects.filter(round=assessment_round).order_by("rank").values_list("town_id", "grade")
    )
    assert ranked == [(towns[0].code, "excellent"), (towns[1].code, "good"), (towns[2].code, "fail")]
    assert Notice.objects.filter(round=assessment_round).count() == 2
    assert AssessmentRound.objects.get(pk=assessment_round.pk).job_state == "done"
    job = assessment_round.job
    assert (job.kind, job.state, job.started_by, job.lease_token) == ("assessment.run", "done", admin, None)


# --- issue 8: no lost update on projects and funding under real concurrency (PostgreSQL row locks) -----------


def race(*calls):
    """Run the calls at the same moment, one thread (and database connection) each; their outcomes in call
    order: "ok", or the refusal's class name and message."""
    import threading

    from django.db import connection as main_connection

    from core.errors import DomainError

    main_connection.close()
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        from django.db import connection

        try:
            barrier.wait(timeout=10)
            call()
            outcomes[index] = "ok"
        except DomainError as exc:
            outcomes[index] = (type(exc).__name__, exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert None not in outcomes, outcomes  # no thread hung (a deadlock would)
    return outcomes


def _racing_project(investment="1000.00", **overrides):
    from accounts.models import User
    from projects.services import create_project
    from towns.services import designate

    from .conftest import PROJECT_DATA, SHUANGYANG, town_in

    town = town_in(SHUANGYANG)
    if not town.designations.exists():
        designate(town, "provincial", 2022)
    county, _ = User.objects.get_or_create(
        username="race_county", defaults={"role": "county_official", "region_id": SHUANGYANG}
    )
    project = create_project(county, town=town, data={**PROJECT_DATA, "investment": investment, **overrides})
    return county, project


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_edits_of_a_project_lose_nothing(require_services, jilin):
    """Whole-form edits from the same version: one is saved, the other refused as stale (never silently
    overwritten). Partial edits without a version: both are applied to the fresh row."""
    from decimal import Decimal

    from projects.models import Project
    from projects.services import update_project

    county, project = _racing_project()
    outcomes = race(
        lambda: update_project(county, project=project, data={"name": "甲的修改"}, version=1),
        lambda: update_project(county, project=project, data={"investment": "900.00"}, version=1),
    )
    assert sorted(outcome == "ok" for outcome in outcomes) == [False, True], outcomes
    (refusal,) = [outcome for outcome in outcomes if outcome != "ok"]
    assert refusal[0] == "Conflict" and "当前为第 2 版" in refusal[1]
    saved = Project.objects.get(pk=project.pk)
    assert saved.version == 2
    won = outcomes.index("ok")
    assert (saved.name, saved.investment) == (
        ("甲的修改", Decimal("1000.00")) if won == 0 else ("镇区污水管网改造工程", Decimal("900.00"))
    )

    outcomes = race(
        lambda: update_project(county, project=project, data={"name": "乙的修改"}),
        lambda: update_project(county, project=project, data={"annual_debt_service": "12.50"}),
    )
    assert outcomes == ["ok", "ok"]
    saved = Project.objects.get(pk=project.pk)
    assert (saved.name, saved.annual_debt_service, saved.version) == ("乙的修改", Decimal("12.50"), 4)


@pytest.mark.django_db(transaction=True)
def test_an_allocation_racing_an_investment_decrease_never_exceeds_the_investment(require_services, jilin):
    """R6 under real concurrency: the allocation (quota lock, then project lock) and the edit (project lock)
    queue up on the project row; whichever comes second sees the first, so allocated ≤ investment always."""
    from decimal import Decimal

    from accounts.models import User
    from funding.models import Allocation
    from funding.services import allocate, set_quota
    from projects.models import Project
    from projects.services import update_project
    from towns.models import Region

    from .conftest import SHUANGYANG

    admin = User.objects.create(username="race_admin", role="province_admin")
    set_quota(
        admin,
        region=Region.objects.get(code=SHUANGYANG),
        year=2026,
        general_amount="10000.00",
        special_amount="0.00",
    )
    for round_number in range(3):
        county, project = _racing_project(name=f"第{round_number}轮项目")
        outcomes = race(
            lambda project=project: allocate(
                admin, project=project, source="provincial_general_bond", amount="800.00", year=2026
            ),
            lambda county=county, project=project: update_project(
                county, project=project, data={"investment": "500.00"}
            ),
        )
        assert sorted(outcome == "ok" for outcome in outcomes) == [False, True], outcomes
        allocation_won = outcomes[0] == "ok"
        refusal = outcomes[1] if allocation_won else outcomes[0]
        assert refusal[1] == (
            "总投资不能低于已安排给该项目的资金 800.00 万元（拟改为 500.00 万元）。"
            if allocation_won
            else "安排金额 800.00 万元超过项目尚未落实的资金 500.00 万元。"
        )
        saved = Project.objects.get(pk=project.pk)
        allocated = sum(a.amount for a in Allocation.objects.filter(project=project))
        assert allocated <= saved.investment
        assert (saved.investment, allocated) == (
            (Decimal("1000.00"), Decimal("800.00")) if allocation_won else (Decimal("500.00"), 0)
        )


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_status_changes_of_a_project_cannot_both_succeed(require_services, jilin):
    """R5 under real concurrency: completing and cancelling the same project at once leaves one of them."""
    from auditlog.models import LogEntry

    from projects.models import Project
    from projects.services import change_status, submit_report, update_project

    county, project = _racing_project()
    update_project(
        county,
        project=project,
        data={
            "planning_approval_date": "2025-03-01",
            "planning_approval_doc_no": "双规批〔2025〕3号",
            "design_approval_date": "2025-04-01",
            "design_approval_doc_no": "双设批〔2025〕7号",
        },
    )
    change_status(county, project=project, status="approved")
    change_status(county, project=project, status="under_construction")
    submit_report(
        county,
        project=project,
        period_type="month",
        year=2025,
        number=6,
        cumulative_investment="1000.00",
        percent_complete="100",
    )
    outcomes = race(
        lambda: change_status(county, project=project, status="completed"),
        lambda: change_status(county, project=project, status="cancelled"),
    )
    assert sorted(outcome == "ok" for outcome in outcomes) == [False, True], outcomes
    won = ("completed", "cancelled")[outcomes.index("ok")]
    saved = Project.objects.get(pk=project.pk)
    assert (saved.status, saved.version) == (won, 5)
    (refusal,) = [outcome for outcome in outcomes if outcome != "ok"]
    assert refusal[1].startswith(f"项目状态不能从“{saved.get_status_display()}”变为")
    changes = [
        entry.changes_dict["status"]
        for entry in LogEntry.objects.get_for_object(saved).order_by("timestamp", "id")
        if "status" in (entry.changes_dict or {})
    ]
    assert changes[-1] == ["under_construction", won] and len(changes) == 4  # create + 3 moves, no more


@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_runs_a_tracked_job_from_redis(require_services, jilin):
    """Issue 11, point 4: start_job queues core.run_job on Redis at commit; a real worker claims the job,
    reports its progress, stores its result file and records it done."""
    import time

    from celery.contrib.testing.worker import start_worker

    from accounts.models import User
    from config.celery import app
    from core import jobs
    from core.models import Job

    @jobs.job_handler("tests.worker_count")
    def count(ctx):
        for step in range(1, 4):
            ctx.progress(step * 30, f"第 {step} 步")
        ctx.save_result("结果.txt", "完成".encode())
        return {"steps": 3}

    user = User.objects.create(username="job_county", role="county_official", region_id="220112")
    redis_url = os.environ["REDIS_URL"]
    app.conf.update(
        broker_url=redis_url, result_backend=redis_url, task_always_eager=False, broker_connection_retry=False
    )
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
            job = jobs.start_job(user, kind="tests.worker_count", title="真实任务")  # commits: goes to Redis
            deadline = time.monotonic() + 60
            while True:
                job.refresh_from_db()
                if job.state in ("done", "failed") or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
    finally:
        app.conf.update(task_always_eager=True, broker_url="memory://", result_backend="cache+memory://")
        connection.close()

    assert (job.state, job.progress, job.result) == ("done", 100, {"steps": 3})
    assert jobs.result_path(job).read_text() == "完成"
    assert Job.objects.get(pk=job.pk).lease_token is None
