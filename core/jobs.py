"""Tracked jobs: one model (core.models.Job) and one runner for every piece of work that takes longer than a
page load — the assessment run, imports over a few hundred rows, large exports, the reminder sweeps.

A domain app declares what a kind of job does in its own `jobs.py` (core autodiscovers them, so core never
imports a domain app):

    @job_handler("towns.export_towns")
    def export_towns(ctx: JobContext) -> dict | None:
        for done, chunk in enumerate(chunks, start=1):
            ctx.progress(done * 100 // len(chunks), f"已导出 {done * 1000} 行")  # raises JobCancelled
        ctx.save_result("示范镇名录.xlsx", content)
        return {"rows": 1234}  # the summary shown on the job page and in the API's `result`

and a page or API view starts it with `start_job(user, kind=…, title=…, parameters=…)`: the row is queued in
the caller's transaction and the Celery task `core.run_job` runs it after commit (inside the request when
tasks run in-process: `make run`, tests). A beat task that is itself the long work calls `run_now(...)`.

A handler that writes what must be written once calls `ctx.hold_lease()` inside its own transaction, under
its own lock, before writing: a worker whose lease was lost meanwhile writes nothing. A service that would
wait on a job (a second start) calls `fail_if_stale(job)` first, so a dead worker's job never holds it.

The runner claims the job with a token and keeps a heartbeat while the handler works; a worker that dies
stops the heartbeat, and `fail_stale_jobs` (beat, every few minutes) records the job failed once the lease
expires (core.lease). A DomainError ends the job failed with its Chinese message; any other exception ends it
failed with a generic one (and is logged). Cancelling a queued job ends it at once; a running one is asked to
stop and ends cancelled at its handler's next `progress()` — only jobs started `cancellable=True` (work that
writes nothing, or writes everything in one transaction at its end).

Result files live under settings.JOB_RESULTS_DIR/<id>/; they are downloadable only by users whose scope
covers the job's data (`scope_code`) and are deleted after settings.JOB_RESULT_RETENTION_DAYS.
"""

from __future__ import annotations

import logging
import shutil
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connections, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from .audit import Via, change_set
from .choices import ACTIVE_JOB_STATES, JobState, NotificationKind, SecurityEventKind
from .errors import DomainError
from .lease import stale_reason
from .models import Job
from .scoping import scope_of
from .security_log import record_security_event

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

log = logging.getLogger(__name__)

TERMINAL_STATES = frozenset({JobState.DONE, JobState.FAILED, JobState.CANCELLED})
GENERIC_FAILURE = "任务执行出错，已记录详细信息；请稍后重试，或联系系统管理员。"


class JobCancelled(Exception):
    """Raised by JobContext.progress() when the job was asked to stop; the runner records it cancelled."""


class _LeaseLost(Exception):
    """The job is no longer this worker's: it was taken as dead (its lease expired) and recorded failed."""


Handler = Callable[["JobContext"], "dict[str, Any] | None"]
_handlers: dict[str, Handler] = {}


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that does a kind of job (in an app's `jobs.py`)."""

    def register(function: Handler) -> Handler:
        if kind in _handlers and _handlers[kind] is not function:
            raise ValueError(f"job kind {kind!r} is registered twice")
        _handlers[kind] = function
        return function

    return register


def handler_for(kind: str) -> Handler | None:
    return _handlers.get(kind)


def autodiscover() -> None:
    """Import every installed app's `jobs` module, which registers its handlers (core.apps.ready)."""
    autodiscover_modules("jobs")


def should_run_as_job(row_count: int, setting: str = "EXPORT_INLINE_MAX_ROWS") -> bool:
    """Whether work on row_count rows goes to a tracked job rather than the request (the setting holds the
    largest count done inline)."""
    return row_count > int(getattr(settings, setting))


def results_dir(job: Job) -> Path:
    return Path(settings.JOB_RESULTS_DIR) / str(job.pk)


def result_path(job: Job) -> Path | None:
    """The job's result file while it is kept, else None."""
    if not job.has_result_file:
        return None
    path = results_dir(job) / Path(job.result_name).name
    return path if path.is_file() else None


@dataclass
class JobContext:
    """What a handler gets: its job, who started it, its parameters, and the means to report."""

    job: Job
    token: uuid.UUID
    _last_percent: int = field(default=-1, repr=False)

    @property
    def user(self) -> AbstractBaseUser | None:
        return self.job.started_by

    @property
    def parameters(self) -> dict[str, Any]:
        return self.job.parameters

    def progress(self, percent: int, message: str = "") -> None:
        """Record progress (0–100) and renew the lease; raises JobCancelled once a cancel was asked."""
        percent = max(0, min(99, int(percent)))  # 100 is the runner's, when the handler has returned
        now = timezone.now()
        mine = Job.objects.filter(pk=self.job.pk, lease_token=self.token, state=JobState.RUNNING)
        updated = mine.update(progress=percent, message=message[:300], heartbeat_at=now)
        if not updated:
            raise _LeaseLost()
        self._last_percent = percent
        if self.job.cancellable and mine.filter(cancel_requested_at__isnull=False).exists():
            raise JobCancelled()

    def hold_lease(self) -> None:
        """Inside the caller's transaction, before it writes what must be written once: lock the job's row and
        make sure the job is still this worker's (raises, and the runner records nothing, when its lease
        expired and the sweep recorded it failed). The heartbeat is renewed with it, so the lease holds until
        the runner records the outcome just after the caller's commit."""
        mine = Job.objects.filter(pk=self.job.pk, lease_token=self.token, state=JobState.RUNNING)
        if not mine.update(heartbeat_at=timezone.now()):  # the UPDATE holds the row until the caller commits
            raise _LeaseLost()

    def save_result(self, filename: str, content: bytes | Path) -> None:
        """Store the job's result file (replacing an earlier one of the same job)."""
        name = Path(filename).name or "result.bin"
        directory = results_dir(self.job)
        directory.mkdir(parents=True, exist_ok=True)
        for earlier in directory.iterdir():
            earlier.unlink()
        target = directory / name
        if isinstance(content, Path):
            shutil.copyfile(content, target)
        else:
            target.write_bytes(content)
        size = target.stat().st_size
        Job.objects.filter(pk=self.job.pk, lease_token=self.token).update(result_name=name, result_size=size)
        self.job.result_name, self.job.result_size = name, size


class _Heartbeat(threading.Thread):
    """Renews a running job's heartbeat while its worker lives; dies with the worker."""

    def __init__(self, job_id: int, token: uuid.UUID) -> None:
        super().__init__(daemon=True, name=f"job-heartbeat-{job_id}")
        self.job_id, self.token = job_id, token
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(settings.JOB_HEARTBEAT_SECONDS):
                try:
                    Job.objects.filter(pk=self.job_id, lease_token=self.token, state=JobState.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except Exception:
                    log.warning("job %s: heartbeat failed", self.job_id, exc_info=True)
        finally:
            connections.close_all()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=5)


# --- starting and running ---------------------------------------------------------------------------------


def _scope_code_of(user: AbstractBaseUser | None) -> str:
    scope = scope_of(user)
    return "" if user is None or scope.province_wide else (scope.code or "")


def start_job(
    user: AbstractBaseUser | None,
    *,
    kind: str,
    title: str,
    parameters: dict[str, Any] | None = None,
    scope_code: str | None = None,
    cancellable: bool = False,
    message: str = "已提交，等待后台处理",
    send: bool = True,
) -> Job:
    """Queue a job of a registered kind; it runs after the caller's transaction commits.

    scope_code: the region whose data the job reads; by default the starter's scope ("" = province).
    message: what the job says while it waits. send=False queues the row without sending it to a worker:
    the caller runs it itself with execute_job() once its transaction has committed (an operator's shell)."""
    if kind not in _handlers:
        raise ValueError(f"no handler for job kind {kind!r}")
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            title=title[:200],
            parameters=parameters or {},
            started_by=user if user is not None and user.pk else None,
            scope_code=_scope_code_of(user) if scope_code is None else scope_code,
            cancellable=cancellable,
            message=message[:300],
        )
        _record_started(job)
        if not send:
            return job
        from .tasks import run_job

        job_id = job.pk
        # robust: without a worker the job runs inside this request, and whatever it raises is recorded on
        # the job (failed, with the reason) rather than turned into a server error.
        transaction.on_commit(lambda: run_job.delay(job_id), robust=True)
    return job


def run_now(
    user: AbstractBaseUser | None,
    *,
    kind: str,
    title: str,
    parameters: dict[str, Any] | None = None,
    scope_code: str = "",
) -> Job:
    """Create a job and run it in this process at once (a beat task that is itself the long work)."""
    if kind not in _handlers:
        raise ValueError(f"no handler for job kind {kind!r}")
    job = Job.objects.create(
        kind=kind,
        title=title[:200],
        parameters=parameters or {},
        started_by=user if user is not None and user.pk else None,
        scope_code=scope_code,
    )
    _record_started(job)
    execute_job(job.pk)
    job.refresh_from_db()
    return job


def _record_started(job: Job) -> None:
    """JOB_STARTED (等保 安全审计), in the transaction that queues the job: no event for a job that never was."""
    record_security_event(
        SecurityEventKind.JOB_STARTED, user=job.started_by, job=job.pk, job_kind=job.kind, title=job.title
    )


def _record_ended(job_id: int) -> None:
    job = Job.objects.select_related("started_by").get(pk=job_id)
    record_security_event(
        SecurityEventKind.JOB_ENDED,
        user=job.started_by,
        job=job.pk,
        job_kind=job.kind,
        state=job.state,
        error=job.error,
    )


def _claim(job_id: int, token: uuid.UUID) -> bool:
    now = timezone.now()
    return bool(
        Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
            state=JobState.RUNNING,
            lease_token=token,
            heartbeat_at=now,
            started_at=now,
            progress=0,
            message="正在处理",
        )
    )


def _finish(job_id: int, token: uuid.UUID, **fields: object) -> bool:
    fields.setdefault("finished_at", timezone.now())
    return bool(Job.objects.filter(pk=job_id, lease_token=token).update(lease_token=None, **fields))


def execute_job(job_id: int) -> str | None:
    """Run one queued job in this worker (the Celery task core.run_job). Returns its final state, or None
    when the job was not this worker's to run (already claimed, cancelled or finished)."""
    token = uuid.uuid4()
    if not _claim(job_id, token):
        return None
    job = Job.objects.select_related("started_by").get(pk=job_id)
    handler = _handlers.get(job.kind)
    heartbeat = _Heartbeat(job_id, token)
    heartbeat.start()
    try:
        if handler is None:
            raise DomainError(f"未知的任务类型“{job.kind}”。")
        # One audit entry for the job's writes (core.audit.change_set): the handler's own change sets (the
        # import, the assessment run) write theirs inside their transactions; what is left — or a job that
        # writes no audited row, such as a reminder sweep — is one entry on the job, written once it ended well.
        with change_set(job, actor=job.started_by, via=Via.JOB) as changes:
            summary = handler(JobContext(job=job, token=token)) or {}
            changes.summary = {"kind": job.kind, **_plain(summary)}
    except _LeaseLost:
        log.warning("job %s: lease lost; its outcome was recorded by the sweep", job_id)
        return None
    except JobCancelled:
        _finish(job_id, token, state=JobState.CANCELLED, message="已按请求取消")
        state = JobState.CANCELLED
    except DomainError as exc:
        _finish(job_id, token, state=JobState.FAILED, error=exc.message[:500], message="失败")
        state = JobState.FAILED
    except Exception:
        log.exception("job %s (%s) failed", job_id, job.kind)
        _finish(job_id, token, state=JobState.FAILED, error=GENERIC_FAILURE, message="失败")
        state = JobState.FAILED
    else:
        message = str(summary.pop("message", "")) if isinstance(summary, dict) else ""
        _finish(job_id, token, state=JobState.DONE, progress=100, message=message or "已完成", result=summary)
        state = JobState.DONE
    finally:
        heartbeat.stop()
    _record_ended(job_id)
    _tell_starter(job_id)
    return state


def _plain(summary: object) -> dict[str, Any]:
    if not isinstance(summary, dict):
        return {}
    return {str(key): value for key, value in summary.items() if isinstance(value, str | int | float | bool)}


def _tell_starter(job_id: int) -> None:
    """The starter hears of the end of a job they may have left the page of (not of one they cancelled)."""
    from .notifications import notify

    job = Job.objects.select_related("started_by").get(pk=job_id)
    if job.started_by is None or job.state == JobState.CANCELLED:
        return
    outcome = "已完成" if job.state == JobState.DONE else "失败"
    notify(
        [job.started_by],
        kind=NotificationKind.JOB_FINISHED,
        title=f"后台任务{outcome}：{job.title}",
        body=job.error if job.state == JobState.FAILED else job.message,
        link=reverse("job-detail", args=[job.pk]),
        dedupe_key=f"job:{job.pk}",
    )


# --- cancelling and sweeping ------------------------------------------------------------------------------


def may_cancel(user: AbstractBaseUser, job: Job) -> bool:
    return (
        job.cancellable and job.is_active and job.started_by_id == user.pk and job.cancel_requested_at is None
    )


def cancel_job(user: AbstractBaseUser, *, job: Job) -> Job:
    """Ask the job to stop: a queued one ends cancelled now, a running one at its handler's next progress."""
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.started_by_id != user.pk:
            raise DomainError("只有任务的发起人可以取消任务。")
        if not locked.cancellable:
            raise DomainError("该任务会写入数据，开始后不能中途取消。")
        if locked.state not in ACTIVE_JOB_STATES:
            raise DomainError(f"任务{locked.get_state_display()}，不能再取消。")
        now = timezone.now()
        locked.cancel_requested_at = now
        fields = ["cancel_requested_at"]
        if locked.state == JobState.QUEUED:
            locked.state, locked.finished_at, locked.message = JobState.CANCELLED, now, "已按请求取消"
            fields += ["state", "finished_at", "message"]
        else:
            locked.message = "已请求取消，正在停止"
            fields.append("message")
        locked.save(update_fields=fields)
        if locked.state == JobState.CANCELLED:
            _record_ended(locked.pk)
    return locked


def staleness(job: Job, now: datetime | None = None) -> str | None:
    """Why an active job is taken as dead, or None (read-only: the page shows it; the sweep records it)."""
    if job.state not in ACTIVE_JOB_STATES:
        return None
    return stale_reason(
        job.state,
        job.heartbeat_at,
        job.created_at,
        now or timezone.now(),
        settings.JOB_LEASE_SECONDS,
        settings.JOB_QUEUE_TIMEOUT_SECONDS,
    )


def fail_if_stale(job: Job) -> bool:
    """Lock the job's row and record it failed if its lease expired, telling its starter (the sweep, and a
    service that must not wait on a dead worker, inside its own transaction). True when it was recorded
    failed; `job` is refreshed either way."""
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        reason = staleness(locked)
        if reason is not None:
            locked.state, locked.error, locked.message = JobState.FAILED, reason[:500], "失败"
            locked.lease_token, locked.finished_at = None, timezone.now()
            locked.save(update_fields=["state", "error", "message", "lease_token", "finished_at"])
            _record_ended(locked.pk)
            _tell_starter(locked.pk)
        for name in ("state", "error", "message", "lease_token", "finished_at", "heartbeat_at", "progress"):
            setattr(job, name, getattr(locked, name))
    return reason is not None


def fail_stale_jobs() -> list[int]:
    """For Celery beat: record failed every queued or running job whose lease expired. Returns their ids."""
    return [
        candidate.pk
        for candidate in Job.objects.filter(state__in=ACTIVE_JOB_STATES).only("pk")
        if fail_if_stale(candidate)
    ]


def purge_expired_results() -> int:
    """For Celery beat: delete the result files of jobs that ended more than the retention period ago; the
    job stays listed, saying its file was deleted. Returns how many files went."""
    cutoff = timezone.now() - timedelta(days=settings.JOB_RESULT_RETENTION_DAYS)
    expired = Job.objects.filter(finished_at__lt=cutoff, result_expired_at__isnull=True).exclude(
        result_name=""
    )
    purged = 0
    for job in expired.only("pk", "result_name"):
        shutil.rmtree(results_dir(job), ignore_errors=True)
        Job.objects.filter(pk=job.pk).update(result_expired_at=timezone.now())
        purged += 1
    return purged


# --- reading (the scoping policy decides) -----------------------------------------------------------------


def jobs_visible_to(user: AbstractBaseUser) -> QuerySet[Job]:
    """The jobs whose data the user's scope covers: a province-wide user sees every job, a city official the
    jobs of the city and its counties, a county official the county's; nobody else's region."""
    scope = scope_of(user)
    jobs = Job.objects.select_related("started_by")
    if scope.province_wide:
        return jobs
    if scope.is_empty:
        # The administrators of 三员 hold no region of business data: they see the region-free jobs they
        # started themselves (an audit administrator's export of the audit log, allowed when it was started).
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return jobs.none()
        return jobs.filter(started_by=user, scope_code="")
    return jobs.filter(scope_code__startswith=scope.code)


def jobs_of(user: AbstractBaseUser) -> QuerySet[Job]:
    """我的任务: the jobs the user started that their scope still covers."""
    return jobs_visible_to(user).filter(started_by=user)


def job_for(user: AbstractBaseUser, pk: int | str) -> Job | None:
    """One job the user may see, or None (out of scope and nonexistent answer alike)."""
    try:
        return jobs_visible_to(user).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None
