from celery import shared_task


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


@shared_task(name="assessment.remind_due_talks")
def remind_due_talks():
    """For Celery beat, every morning: tell the city and county of each pending 约谈 whose due date has come.
    The sweep is a tracked job of the system (listed for province-wide users, with its summary)."""
    from django.utils import timezone

    from core.formats import chinese_date
    from core.jobs import run_now

    from .jobs import DUE_TALKS_KIND

    today = timezone.localdate()
    job = run_now(
        None,
        kind=DUE_TALKS_KIND,
        title=f"约谈到期提醒（{chinese_date(today)}）",
        parameters={"date": today.isoformat()},
    )
    return job.result if job.state == "done" else {"job": job.pk, "state": job.state, "error": job.error}
