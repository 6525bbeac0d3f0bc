from celery import shared_task
from django.utils import timezone

from core.formats import chinese_date
from core.jobs import run_now

from .jobs import OVERDUE_KIND, REPORTING_KIND


def _sweep(kind, title):
    """Run a reminder sweep as a tracked job of the system (listed for province-wide users, with its
    summary); the task's result is that summary."""
    today = timezone.localdate()
    job = run_now(
        None, kind=kind, title=f"{title}（{chinese_date(today)}）", parameters={"date": today.isoformat()}
    )
    return job.result if job.state == "done" else {"job": job.pk, "state": job.state, "error": job.error}


@shared_task(name="projects.remind_progress_reporting")
def remind_progress_reporting():
    """Celery beat, at the start of each reporting period: remind counties of unreported projects."""
    return _sweep(REPORTING_KIND, "进度报送提醒")


@shared_task(name="projects.remind_overdue_progress")
def remind_overdue_progress():
    """Celery beat, every morning: tell counties (and, after PROGRESS_ESCALATION_DAYS, their cities) of
    projects whose last period ended unreported."""
    return _sweep(OVERDUE_KIND, "进度报送逾期提醒")
