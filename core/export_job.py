"""A list export too long for a page load, as a tracked job (core.jobs): the export view starts it with the
list's kind, its query string and URL arguments; the job rebuilds the same sheet for the user who started it
(the same FilterSet, sort and scope as the page), streams it into a temporary file reporting progress, and
keeps it as the job's result file, downloadable by whoever the job's scope allows."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict

from .errors import DomainError
from .exports import EXPORT_JOB, PROGRESS_EVERY, ExportSpec, export_spec, write_workbook
from .jobs import JobContext, job_handler, start_job
from .models import Job
from .scoping import PortalUser


def start_export_job(
    user: PortalUser, kind: str, query: QueryDict, kwargs: Mapping[str, object], spec: ExportSpec
) -> Job:
    """Queue the export of a registered list (the Job row); it runs after the request's transaction commits."""
    return start_job(
        user,
        kind=EXPORT_JOB,
        title=f"导出{spec.title}",
        parameters={"export": kind, "query": query.urlencode(), "kwargs": dict(kwargs)},
        cancellable=True,  # it writes nothing but its own result file
    )


@job_handler(EXPORT_JOB)
def run_export(ctx: JobContext) -> dict:
    if ctx.user is None:
        # A list is exported as a person sees it: without one, there is no scope to export.
        raise DomainError("导出任务没有发起人，未导出。")
    parameters = ctx.parameters
    try:
        spec = export_spec(
            parameters["export"],
            ctx.user,
            QueryDict(parameters.get("query", "")),
            parameters.get("kwargs") or {},
        )
    except PermissionDenied as exc:
        # The starter's role changed since: the list is refused as its page would refuse it now.
        raise DomainError(str(exc) or "您已无权导出该列表。") from None
    except Http404:
        raise DomainError("要导出的列表已不存在。") from None
    total = max(spec.count, 1)
    ctx.progress(0, f"正在导出，共 {spec.count} 行")

    def report(written: int) -> None:
        ctx.progress(min(99, written * 100 // total), f"已写入 {written} / {spec.count} 行")

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "export.xlsx"
        written = write_workbook(
            path,
            spec.title,
            spec.columns,
            spec.rows,
            unit_note=spec.unit_note,
            filters=spec.filters,
            sheet_title=spec.sheet_title or None,
            progress=report,
            every=PROGRESS_EVERY,
        )
        ctx.save_result(spec.filename, path)  # copied file to file: the sheet is never held in memory
    return {"rows": written, "message": f"已导出 {written} 行"}
