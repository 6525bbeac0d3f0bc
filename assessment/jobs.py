"""The assessment's tracked jobs (core.jobs): the round's run, and the morning sweep of due 约谈."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from core.jobs import JobContext, job_handler

from . import services

DUE_TALKS_KIND = "assessment.remind_due_talks"


@job_handler(services.RUN_KIND)
def run_assessment(ctx: JobContext) -> dict[str, Any]:
    """A year's run (R7–R9), queued by services.start_assessment; not cancellable: it writes the draft."""
    return services.run_round(ctx)


@job_handler(DUE_TALKS_KIND)
def remind_due_talks(ctx: JobContext) -> dict[str, Any]:
    """Beat, every morning: the pending 约谈 whose due date has come, told to their city and county once each."""
    day = date.fromisoformat(ctx.parameters["date"]) if ctx.parameters.get("date") else timezone.localdate()
    told = services.remind_due_talks(day)
    return {"message": f"已发出约谈到期提醒 {told} 条", "date": day.isoformat(), "notifications": told}
