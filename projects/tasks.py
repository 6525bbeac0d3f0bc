from celery import shared_task

from .services import remind_unreported


@shared_task(name="projects.remind_progress_reporting")
def remind_progress_reporting():
    """Celery beat, at the start of each reporting period: remind counties of unreported projects."""
    summary = remind_unreported()
    return {"period": summary.period_label, "counties": summary.counties, "notices": summary.notices}
