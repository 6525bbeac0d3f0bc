from celery import shared_task

from .services import remind_overdue, remind_unreported


@shared_task(name="projects.remind_progress_reporting")
def remind_progress_reporting():
    """Celery beat, at the start of each reporting period: remind counties of unreported projects."""
    summary = remind_unreported()
    return {"period": summary.period_label, "counties": summary.counties, "notices": summary.notices}


@shared_task(name="projects.remind_overdue_progress")
def remind_overdue_progress():
    """Celery beat, every morning: tell counties (and, after PROGRESS_ESCALATION_DAYS, their cities) of
    projects whose last period ended unreported."""
    summary = remind_overdue()
    return {
        "period": summary.period_label,
        "days_overdue": summary.days_overdue,
        "counties": summary.counties,
        "county_notices": summary.county_notices,
        "city_notices": summary.city_notices,
    }
