from celery import shared_task

from .services import compute_round


@shared_task(name="assessment.run_assessment")
def run_assessment_job(round_id):
    """The yearly assessment job: takes the round's id, runs the one service, reports a summary."""
    summary = compute_round(round_id)
    if summary is None:
        return {"skipped": True}
    return summary.__dict__


@shared_task(name="assessment.run_previous_year")
def run_previous_year():
    """For Celery beat (ASSESSMENT_BEAT=1): start last year's computation in January; publishing stays a
    province_admin's decision."""
    from django.utils import timezone

    from core.errors import DomainError

    from .services import start_assessment

    year = timezone.localdate().year - 1
    try:
        # Unattended: never confirms incomplete scoring on anybody's behalf.
        _round, started = start_assessment(None, year=year)
    except DomainError as exc:
        return {"year": year, "started": False, "reason": exc.message}
    return {"year": year, "started": started}


@shared_task(name="assessment.fail_stale_runs")
def fail_stale_runs():
    """For Celery beat: a run whose worker died (its lease expired) is recorded as failed, with the reason."""
    from .services import fail_stale_runs as fail

    return {"failed": fail()}


@shared_task(name="assessment.remind_due_talks")
def remind_due_talks():
    """For Celery beat, every morning: tell the city and county of each pending 约谈 whose due date has come."""
    from .services import remind_due_talks as remind

    return {"notifications": remind()}
