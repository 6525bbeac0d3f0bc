"""The projects' tracked jobs (core.jobs): beat's reminder sweeps of progress reporting (调度)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from core.jobs import JobContext, job_handler

from . import services

REPORTING_KIND = "projects.remind_progress_reporting"
OVERDUE_KIND = "projects.remind_overdue_progress"


def _day(ctx: JobContext) -> date:
    """The day the sweep runs for (its parameter, so that the job page says which), else today."""
    given = ctx.parameters.get("date")
    return date.fromisoformat(given) if given else timezone.localdate()


@job_handler(REPORTING_KIND)
def remind_progress_reporting(ctx: JobContext) -> dict[str, Any]:
    """At the start of each period: the counties with projects not yet reported for it (once each)."""
    summary = services.remind_unreported(_day(ctx))
    return {
        "message": (
            f"{summary.period_label}：提醒 {summary.counties} 个县（市、区），发出通知 {summary.notices} 条"
        ),
        "period": summary.period_label,
        "counties": summary.counties,
        "notices": summary.notices,
    }


@job_handler(OVERDUE_KIND)
def remind_overdue_progress(ctx: JobContext) -> dict[str, Any]:
    """Every morning: the counties (and after the escalation days their cities) of the last period's
    unreported projects (once each per period)."""
    summary = services.remind_overdue(_day(ctx))
    return {
        "message": (
            f"{summary.period_label}（已逾期 {summary.days_overdue} 天）：{summary.counties} 个县（市、区）未报送，"
            f"发出通知 {summary.county_notices + summary.city_notices} 条"
        ),
        "period": summary.period_label,
        "days_overdue": summary.days_overdue,
        "counties": summary.counties,
        "county_notices": summary.county_notices,
        "city_notices": summary.city_notices,
    }
