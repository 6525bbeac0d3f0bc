"""The assessment job: two starts at once give one run (one tracked job); a second run of a year replaces its
draft results; on PostgreSQL, two threads starting the same year at the same moment queue exactly one job."""

import threading
from unittest import mock

import pytest
from django.utils import timezone

from assessment.models import AssessmentRound, Elimination, Notice, Result
from assessment.services import (
    ensure_round,
    publish,
    record_veto,
    reopen,
    save_scores,
    start_assessment,
    update_settings,
)
from core import tasks as core_tasks
from core.errors import DomainError
from core.models import Job
from towns.services import designate

from ..conftest import JIAOHE, NONGAN, SHUANGYANG, town_in
from .test_three_years import points_for


@pytest.fixture
def scored(jilin, province_admin):
    """Four provincial towns and a city-level one scored for 2024 (praise 1, criticism 2)."""
    towns = [town_in(SHUANGYANG, 0), town_in(SHUANGYANG, 1), town_in(NONGAN, 0), town_in(JIAOHE, 0)]
    for town in towns:
        designate(town, "provincial", 2022)
    city_level = town_in(NONGAN, 1)
    designate(city_level, "city", 2022)
    update_settings(province_admin, year=2024, top_count=1, bottom_count=2)
    for town, total in zip([*towns, city_level], ["91", "85", "72", "64", "95"], strict=True):
        save_scores(province_admin, year=2024, town=town, points_by_code=points_for(total))
    return towns


@pytest.mark.django_db
def test_two_starts_at_once_give_one_run(scored, province_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first_round, first = start_assessment(province_admin, year=2024)
        second_round, second = start_assessment(province_admin, year=2024)
    assert (first, second) == (True, False)
    assert first_round.pk == second_round.pk
    assert len(callbacks) == 1  # one job queued
    (job,) = Job.objects.all()  # one tracked job, the round's run
    assert (job.kind, job.state, job.started_by) == ("assessment.run", "queued", province_admin)
    assert AssessmentRound.objects.get(year=2024).job_id == job.pk
    assert AssessmentRound.objects.get(year=2024).job_state == "queued"
    callbacks[0]()  # the queued Celery task (eager in tests)
    done = AssessmentRound.objects.get(year=2024)
    assert (done.job_state, done.job_progress, done.state) == ("done", 100, "computed")
    assert Job.objects.get(pk=job.pk).state == "done"


@pytest.mark.django_db
def test_a_running_job_is_not_queued_again(scored, province_admin, django_capture_on_commit_callbacks):
    running = Job.objects.create(
        kind="assessment.run", title="2024年度示范镇评价计算", state="running", heartbeat_at=timezone.now()
    )
    AssessmentRound.objects.filter(pk=ensure_round(2024).pk).update(job=running)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _round, started = start_assessment(province_admin, year=2024)
    assert (started, callbacks) == (False, [])
    assert list(Job.objects.values_list("pk", flat=True)) == [running.pk]


@pytest.mark.django_db
def test_a_second_run_replaces_the_draft_results(scored, province_admin, django_capture_on_commit_callbacks):
    def run_once():
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            _round, started = start_assessment(province_admin, year=2024)
        assert started and len(callbacks) == 1
        assessment_round = AssessmentRound.objects.get(year=2024)
        assert assessment_round.job_state == "done"
        results = sorted(
            Result.objects.filter(round=assessment_round).values_list(
                "town_id", "tier", "score", "rank", "grade"
            )
        )
        notices = {
            notice.kind: sorted(notice.results.values_list("town_id", flat=True))
            for notice in Notice.objects.filter(round=assessment_round)
        }
        return results, notices

    first_results, first_notices = run_once()
    second_results, second_notices = run_once()
    assert len(first_results) == len(second_results) == 5
    assert second_results == first_results
    assert second_notices == first_notices
    assert Notice.objects.filter(round__year=2024).count() == 2  # never two sets of notices
    assert first_notices == {
        "praise": [scored[0].code],
        "criticism": sorted([scored[2].code, scored[3].code]),
    }
    assert Result.objects.count() == 5
    assert Elimination.objects.count() == 0


@pytest.mark.django_db
def test_a_second_run_takes_a_veto_recorded_since(scored, province_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        start_assessment(province_admin, year=2024)
    assert list(Notice.objects.get(kind="praise").results.values_list("town_id", flat=True)) == [
        scored[0].code
    ]
    with pytest.raises(DomainError, match="不能再登记一票否决"):
        record_veto(
            province_admin, year=2024, town=scored[0], reason="破坏性建设"
        )  # an input: scoring is closed
    reopen(
        province_admin, year=2024, reason="补登一票否决事项"
    )  # a computed draft is reopened for the correction
    record_veto(province_admin, year=2024, town=scored[0], reason="破坏性建设")
    with django_capture_on_commit_callbacks(execute=True):
        start_assessment(province_admin, year=2024)
    vetoed = Result.objects.get(round__year=2024, town=scored[0])
    assert (vetoed.vetoed, vetoed.rank, vetoed.grade) == (True, 4, "fail")
    assert Result.objects.filter(round__year=2024).count() == 5
    assert Notice.objects.filter(round__year=2024).count() == 2
    praise = Notice.objects.get(round__year=2024, kind="praise")
    assert list(praise.results.values_list("town_id", flat=True)) == [scored[1].code]
    criticism = Notice.objects.get(round__year=2024, kind="criticism")
    assert sorted(criticism.results.values_list("town_id", flat=True)) == sorted(
        [scored[0].code, scored[3].code]
    )


@pytest.mark.django_db
def test_a_published_round_is_not_run_again(scored, province_admin, django_capture_on_commit_callbacks):
    from core.errors import DomainError

    with django_capture_on_commit_callbacks(execute=True):
        start_assessment(province_admin, year=2024)
    publish(province_admin, year=2024, doc_prefix="吉示范镇办")
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        pytest.raises(DomainError, match="已发布并冻结"),
    ):
        start_assessment(province_admin, year=2024)
    assert callbacks == []


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_threads_starting_at_the_same_moment_queue_one_job(require_services, jilin):
    """On PostgreSQL: the round row is locked (SELECT … FOR UPDATE); the second start sees the queued job."""
    from django.db import connection as main_connection

    from accounts.models import User

    admin = User.objects.create(username="race_admin", role="province_admin")
    ensure_round(2024)
    main_connection.close()

    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def race():
        from django.db import connection

        try:
            barrier.wait(timeout=10)
            _round, started = start_assessment(admin, year=2024)
            outcomes.append(started)
        except Exception as exc:  # reported below, never swallowed
            errors.append(exc)
        finally:
            connection.close()

    # The queued task is recorded, not run: only the start itself races.
    with mock.patch.object(core_tasks.run_job, "delay") as delay:
        threads = [threading.Thread(target=race) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert errors == []
    assert sorted(outcomes) == [False, True]
    (job,) = Job.objects.filter(kind="assessment.run")  # one tracked job
    delay.assert_called_once_with(job.pk)
    assert AssessmentRound.objects.get(year=2024).job_id == job.pk
    assert AssessmentRound.objects.get(year=2024).job_state == "queued"
