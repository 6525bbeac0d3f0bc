"""The two-step import's pipeline (core.imports): stage an upload, confirm it, purge old ones.

- `stage_import(user, kind=…, file_name=…, data=…, params=…)` checks the file (core.tabular), runs the
  importer's preview and keeps the file (settings.IMPORT_DIR/<id>/<sha256>.<ext>) and every row's outcome
  in a core.ImportBatch — nothing of the domain is written. A file that cannot be read, or a refusal of the
  whole file, is a DomainError and stages nothing.
- `confirm_import(user, batch=…)`: at most settings.IMPORT_INLINE_MAX_ROWS rows are applied in the request;
  more start the tracked job "core.apply_import" (core.jobs) and the page follows it.
- `apply_batch` (the request's or the job's): inside one transaction, under the importer's locks, the file
  is read and previewed again; an outcome that differs from the preview the user confirmed (new errors, or
  data that changed since) writes nothing and stages the new preview instead (`Confirmed.stale`); the same
  outcomes are applied through the importer's services, all rows or none, audited as an import.
- `import_now` / `preview_now`: the same steps without staging, for the operator commands and the old
  one-step services (preview, then apply; any error row refuses the file with every row's reason).
- `purge_expired_imports()`: for beat (core.purge_imports): files and preview rows older than
  settings.IMPORT_RETENTION_DAYS go; an unconfirmed batch becomes expired.

A batch is its uploader's alone: `batch_of(user, pk)` is None for anyone else (pages and API answer 404).
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from .audit import Via, audit_context, change_set
from .bulk import analyze_tables, few_collections
from .choices import ImportState, JobState, RowStatus
from .errors import DomainError, NotVisible
from .files import display_name
from .imports import Importer, RowOutcome, counts, digest, get_importer
from .jobs import JobContext, job_handler, should_run_as_job, start_job
from .models import ImportBatch, ImportRow, Job
from .tabular import check_upload
from .upsert import copy_rows

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

log = logging.getLogger(__name__)

IMPORT_JOB_KIND = "core.apply_import"
STALE_MESSAGE = "数据在预览之后发生了变化（或出现了新的错误），本次确认没有写入任何数据；已按当前数据重新预览，请核对后再确认。"
GENERIC_FAILURE = "导入时出错，没有写入任何数据；已记录详细信息，请稍后重试或联系系统管理员。"
ORPHAN_GRACE_SECONDS = 3600
SUMMARY_STATUSES = (RowStatus.NEW, RowStatus.CHANGED, RowStatus.UNCHANGED)  # what a result message counts


def import_dir() -> Path:
    return Path(settings.IMPORT_DIR)


def retention() -> timedelta:
    return timedelta(days=int(settings.IMPORT_RETENTION_DAYS))


def _denied(importer: Importer, user: AbstractBaseUser | None) -> None:
    if not importer.may_import(user):
        raise PermissionDenied(importer.denied_message())


ROW_COLUMNS = ("batch_id", "number", "status", "subject", "changes", "message")


def _write_rows(batch: ImportBatch, outcomes: Sequence[RowOutcome]) -> None:
    """Every row's outcome in one statement (core.upsert.copy_rows: a national file's 320k rows in seconds)."""
    copy_rows(
        ImportRow,
        columns=ROW_COLUMNS,
        rows=(
            (
                batch.pk,
                outcome.number,
                outcome.status,
                outcome.subject[:200],
                outcome.as_dict()["changes"],
                outcome.message,
            )
            for outcome in outcomes
        ),
    )
    analyze_tables(ImportRow, rows=len(outcomes))


def _set_preview(batch: ImportBatch, outcomes: Sequence[RowOutcome]) -> None:
    tally = counts(outcomes)
    batch.rows_new = tally[RowStatus.NEW]
    batch.rows_changed = tally[RowStatus.CHANGED]
    batch.rows_unchanged = tally[RowStatus.UNCHANGED]
    batch.rows_error = tally[RowStatus.ERROR]
    batch.digest = digest(outcomes)
    batch.previewed_at = timezone.now()


# --- staging -------------------------------------------------------------------------------------------------


@few_collections()
def stage_import(
    user: AbstractBaseUser,
    *,
    kind: str,
    file_name: str,
    data: bytes,
    params: Mapping[str, Any] | None = None,
) -> ImportBatch:
    """Check and preview an uploaded file and keep it for the confirm; writes nothing of the domain.

    PermissionDenied when the user may not import this kind; DomainError (in Chinese) when the file or its
    parameters are refused as a whole — then nothing is staged."""
    importer = get_importer(kind)
    _denied(importer, user)
    clean = importer.clean_params(params or {})
    suffix = check_upload(file_name, data)
    table = importer.read(file_name, data, clean)
    outcomes = importer.preview(user, table, clean)
    sha256 = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        batch = ImportBatch(
            kind=importer.kind,
            title=importer.describe(clean)[:100],
            uploaded_by=user,
            params=clean,
            file_name=display_name(file_name, fallback=f"导入文件{suffix}"),  # metadata only, never a path
            size=len(data),
            sha256=sha256,
        )
        _set_preview(batch, outcomes)
        batch.save()
        _write_rows(batch, outcomes)
        relative = f"{batch.pk}/{sha256}{suffix}"
        target = import_dir() / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        batch.file_path = relative
        batch.save(update_fields=["file_path"])
    return batch


def _stored_file(batch: ImportBatch) -> bytes:
    path = import_dir() / batch.file_path if batch.file_path else None
    if path is None or not path.is_file():
        raise DomainError("暂存的导入文件已不存在（已超过保留期限或已清理），请重新上传。")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != batch.sha256:
        raise DomainError("暂存的导入文件已损坏，请重新上传。")
    return data


# --- reading ---------------------------------------------------------------------------------------------------


def batches_of(user: AbstractBaseUser) -> QuerySet[ImportBatch]:
    """The user's own staged imports (a batch is visible only to its uploader)."""
    if not getattr(user, "is_authenticated", False):
        return ImportBatch.objects.none()
    return ImportBatch.objects.filter(uploaded_by=user)


def batch_of(user: AbstractBaseUser, pk: object) -> ImportBatch | None:
    """The user's batch of that id, with its job; None for another's or a missing one (both answer 404)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return batches_of(user).select_related("job").filter(pk=pk).first()


def batch_rows(batch: ImportBatch, status: str | None = None) -> QuerySet[ImportRow]:
    rows = ImportRow.objects.filter(batch=batch)
    if status in RowStatus.values:
        rows = rows.filter(status=status)
    return rows.order_by("number", "id")


@dataclass(frozen=True)
class ShownState:
    state: str
    message: str

    @property
    def label(self) -> str:
        return ImportState(self.state).label


def shown_state(batch: ImportBatch, now: datetime | None = None) -> ShownState:
    """The batch's state as a reader sees it now: an unconfirmed one past its retention is expired, one whose
    job ended without applying it failed (a read shows this; the purge and the job record it)."""
    now = now or timezone.now()
    if batch.state == ImportState.PREVIEWED and batch.created_at < now - retention():
        days = int(settings.IMPORT_RETENTION_DAYS)
        return ShownState(ImportState.EXPIRED, f"暂存文件已超过 {days} 天的保留期限，请重新上传。")
    if batch.state == ImportState.APPLYING and batch.job_id is not None:
        job = batch.job
        if job.state in (JobState.FAILED, JobState.CANCELLED):
            return ShownState(ImportState.FAILED, job.error or "后台任务未完成，没有写入任何数据。")
    return ShownState(batch.state, batch.message)


def may_confirm(batch: ImportBatch) -> bool:
    return shown_state(batch).state == ImportState.PREVIEWED and batch.rows_error == 0 and batch.row_count > 0


def _confirm_refusal(batch: ImportBatch) -> str | None:
    shown = shown_state(batch)
    if shown.state == ImportState.APPLIED:
        return "该文件已经导入，不能重复确认。"
    if shown.state == ImportState.APPLYING:
        return "该文件正在后台导入，请在任务页面查看进度。"
    if shown.state == ImportState.EXPIRED:
        return shown.message
    if shown.state == ImportState.FAILED:
        return "该批次导入失败，没有写入任何数据；请修改文件后重新上传。"
    if batch.rows_error:
        return f"预览中有 {batch.rows_error} 行错误，不能导入；请修改文件后重新上传（没有写入任何数据）。"
    if not batch.row_count:
        return "文件中没有可导入的数据行。"
    return None


# --- confirming -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Confirmed:
    """What a confirm did: applied the batch, started its job, or found the preview stale (nothing written,
    the new preview staged)."""

    batch: ImportBatch
    job: Job | None = None
    stale: bool = False


class _Stale(Exception):
    def __init__(self, outcomes: list[RowOutcome]) -> None:
        super().__init__("stale preview")
        self.outcomes = outcomes


def confirm_import(user: AbstractBaseUser, *, batch: ImportBatch) -> Confirmed:
    """Confirm the user's previewed batch: apply it now, or start its job above IMPORT_INLINE_MAX_ROWS."""
    importer = get_importer(batch.kind)
    _denied(importer, user)
    with transaction.atomic():
        locked = batches_of(user).select_for_update().filter(pk=batch.pk).first()
        if locked is None:
            raise NotVisible()
        refusal = _confirm_refusal(locked)
        if refusal:
            raise DomainError(refusal)
        if should_run_as_job(locked.row_count, setting="IMPORT_INLINE_MAX_ROWS"):
            job = start_job(
                user,
                kind=IMPORT_JOB_KIND,
                title=f"导入{locked.title}（{locked.file_name}）"[:200],
                parameters={"batch": locked.pk},
            )
            locked.state, locked.job, locked.message = ImportState.APPLYING, job, ""
            locked.save(update_fields=["state", "job", "message"])
            return Confirmed(locked, job=job)
    return apply_batch(batch.pk, user)


def _fail(batch_id: int, message: str) -> None:
    ImportBatch.objects.filter(pk=batch_id).update(state=ImportState.FAILED, message=message[:500])


def _restage(batch_id: int, outcomes: list[RowOutcome]) -> ImportBatch:
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        batch.rows.all().delete()  # one DELETE (nothing depends on an import row, no signal listens)
        _write_rows(batch, outcomes)
        _set_preview(batch, outcomes)
        batch.state, batch.message, batch.job = ImportState.PREVIEWED, STALE_MESSAGE, None
        batch.save()
    return batch


@few_collections()
def apply_batch(batch_id: int, user: AbstractBaseUser | None, *, from_job: bool = False) -> Confirmed:
    """Check the batch again and write it, all rows or none (the confirm's second half, or its job)."""
    batch = ImportBatch.objects.get(pk=batch_id)
    expected = ImportState.APPLYING if from_job else ImportState.PREVIEWED
    if batch.state != expected:
        raise DomainError(_confirm_refusal(batch) or "该批次的状态已改变，请刷新页面。")
    importer = get_importer(batch.kind)
    try:
        data = _stored_file(batch)
        table = importer.read(batch.file_name, data, batch.params)  # parsing outside the transaction
        with transaction.atomic(), audit_context(actor=user, via=Via.IMPORT):
            locked = ImportBatch.objects.select_for_update().get(pk=batch_id)
            if locked.state != expected:
                raise _Refused(_confirm_refusal(locked) or "该批次的状态已改变，请刷新页面。")
            importer.lock(locked.params)
            outcomes = importer.preview(user, table, locked.params)
            if digest(outcomes) != locked.digest:
                raise _Stale(outcomes)
            # One audit entry on the batch carrying every row's change (core.audit.change_set), in this
            # transaction: the rows and their record commit or roll back together.
            with change_set(locked, actor=user, via=Via.IMPORT) as changes:
                result = importer.apply(user, outcomes, locked.params)
                changes.summary = {"kind": locked.kind, "file": locked.file_name, **dict(result)}
            locked.state, locked.message, locked.result = ImportState.APPLIED, "", dict(result)
            locked.applied_at = timezone.now()
            locked.save(update_fields=["state", "message", "result", "applied_at"])
    except _Refused as refused:
        raise DomainError(refused.message) from None
    except _Stale as stale:
        return Confirmed(_restage(batch_id, stale.outcomes), stale=True)
    except DomainError as exc:
        _fail(batch_id, exc.message)
        raise
    except Exception:
        _fail(batch_id, GENERIC_FAILURE)
        raise
    return Confirmed(locked)


class _Refused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@job_handler(IMPORT_JOB_KIND)
def apply_import_job(ctx: JobContext) -> dict[str, Any]:
    """The tracked job of a large confirm: the batch is checked again and written in one transaction (no
    progress inside it: the job row stays outside the import's transaction, its heartbeat keeps the lease)."""
    batch_id = int(ctx.parameters["batch"])
    ctx.progress(5, "正在读取暂存文件并重新校验全部数据行")
    confirmed = apply_batch(batch_id, ctx.user, from_job=True)
    if confirmed.stale:
        raise DomainError(STALE_MESSAGE)
    batch = confirmed.batch
    counted = {RowStatus(status).label: batch.result.get(status, 0) for status in SUMMARY_STATUSES}
    return {"message": result_message(batch), **counted}  # the job page shows the summary's keys


def result_message(batch: ImportBatch) -> str:
    """导入完成：新增 3 行，修改 1 行，未变 2 行。"""
    result = batch.result or {}
    parts = [f"{RowStatus(status).label} {result.get(status, 0)} 行" for status in SUMMARY_STATUSES]
    return f"导入完成：{'，'.join(parts)}。"


# --- without staging: the commands and the old one-step services -------------------------------------------


@dataclass(frozen=True)
class ImportReport:
    outcomes: list[RowOutcome]
    counts: dict[str, int]
    result: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[RowOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status == RowStatus.ERROR]


def preview_text(report: ImportReport) -> str:
    """预览（未写入任何数据）：新增 3 行，修改 1 行，未变 2 行，错误 0 行。"""
    parts = [f"{label} {report.counts[value]} 行" for value, label in RowStatus.choices]
    return f"预览（未写入任何数据）：{'，'.join(parts)}。"


def error_details(outcomes: Sequence[RowOutcome]) -> list[str]:
    return [f"第 {o.number} 行：{o.message}" for o in outcomes if o.status == RowStatus.ERROR]


def refusal_for_errors(outcomes: Sequence[RowOutcome]) -> DomainError:
    details = error_details(outcomes)
    return DomainError(
        f"导入未执行：{len(details)} 行有错误，请修改后重新导入（没有写入任何数据）。", details=details
    )


def _checked(user: AbstractBaseUser | None, kind: str, params: Mapping[str, Any] | None) -> tuple:
    importer = get_importer(kind)
    if not importer.may_import(user):
        raise DomainError(importer.denied_message())
    return importer, importer.clean_params(params or {})


@few_collections()
def preview_now(
    user: AbstractBaseUser | None,
    *,
    kind: str,
    file_name: str,
    data: bytes,
    params: Mapping[str, Any] | None = None,
) -> ImportReport:
    """What the import would do (a command's --dry-run): reads only."""
    importer, clean = _checked(user, kind, params)
    outcomes = importer.preview(user, importer.read(file_name, data, clean), clean)
    return ImportReport(outcomes=outcomes, counts=counts(outcomes))


@few_collections()
def import_now(
    user: AbstractBaseUser | None,
    *,
    kind: str,
    file_name: str,
    data: bytes,
    params: Mapping[str, Any] | None = None,
    via: str = Via.COMMAND,
) -> ImportReport:
    """Preview and apply in one transaction; any error row refuses the file, listing every bad row."""
    importer, clean = _checked(user, kind, params)
    table = importer.read(file_name, data, clean)
    with transaction.atomic(), audit_context(actor=user, via=via):
        importer.lock(clean)
        outcomes = importer.preview(user, table, clean)
        if any(outcome.status == RowStatus.ERROR for outcome in outcomes):
            raise refusal_for_errors(outcomes)
        with change_set(f"导入{importer.title}（{file_name}）", actor=user, via=via) as changes:
            result = importer.apply(user, outcomes, clean)
            changes.summary = {"kind": kind, "file": file_name, **dict(result)}
    return ImportReport(outcomes=outcomes, counts=counts(outcomes), result=dict(result))


# --- purging ---------------------------------------------------------------------------------------------------


def purge_expired_imports(now: datetime | None = None) -> int:
    """For beat: delete the files and preview rows of batches older than IMPORT_RETENTION_DAYS (an unconfirmed
    one becomes expired; the batch stays listed with its counts), and files left by a staging that never
    committed. Returns how many batches were purged."""
    now = now or timezone.now()
    cutoff = now - retention()
    old = ImportBatch.objects.filter(created_at__lt=cutoff).exclude(state=ImportState.APPLYING)
    purged = 0
    for batch in old.exclude(file_path="").only("pk", "state", "file_path"):
        shutil.rmtree(import_dir() / str(batch.pk), ignore_errors=True)
        with transaction.atomic():
            ImportRow.objects.filter(batch_id=batch.pk).delete()
            update = {"file_path": ""}
            if batch.state == ImportState.PREVIEWED:
                update.update(state=ImportState.EXPIRED, message="暂存文件已超过保留期限，已清理。")
            ImportBatch.objects.filter(pk=batch.pk).update(**update)
        purged += 1
    _purge_orphans()
    return purged


def _purge_orphans() -> None:
    root = import_dir()
    if not root.is_dir():
        return
    names = [entry for entry in root.iterdir() if entry.is_dir() and entry.name.isdigit()]
    existing = set(
        ImportBatch.objects.filter(pk__in=[int(entry.name) for entry in names]).values_list("pk", flat=True)
    )
    for entry in names:
        if int(entry.name) not in existing and time.time() - entry.stat().st_mtime > ORPHAN_GRACE_SECONDS:
            shutil.rmtree(entry, ignore_errors=True)
