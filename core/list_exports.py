"""The exports of core's own lists — the audit log, the user's notifications, the tracked jobs — registered as
every app registers its lists' (core.exports.register_export); imported by core.apps."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from types import SimpleNamespace

from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from . import audit_display, jobs, notifications
from .choices import JobState, NotificationKind, SecurityEventKind
from .errors import DomainError
from .exports import FILTERS_REFUSED, Column, ExportSpec, filter_note, register_export
from .filtersets import (
    AUDIT_SORTS,
    JOB_SORTS,
    NOTIFICATION_SORTS,
    SECURITY_EVENT_SORTS,
    JobFilterSet,
    LogEntryFilterSet,
    NotificationFilterSet,
    SecurityEventFilterSet,
    audit_entries,
    security_events,
)
from .formats import chinese_datetime
from .models import Job, Notification, SecurityEvent
from .scoping import PortalUser, can_read_audit_log, can_read_security_events
from .sorting import Sorting, Sorts
from .vocabulary import label

AUDIT_EXPORT_MAX_ROWS = 100_000
AUDIT_READERS_ONLY = "只有审计管理员和内部审计可以查看审计日志。"
SECURITY_EVENT_READERS_ONLY = "只有审计管理员和内部审计可以查看安全事件。"


def _today() -> str:
    return f"{timezone.localdate():%Y%m%d}"


def _capped(rows: QuerySet, sorting: Sorting, sorts: Sorts) -> tuple[QuerySet, int, str]:
    """An audit list's rows in the asked order, at most AUDIT_EXPORT_MAX_ROWS of them, their number and the
    sheet's note saying how many matched (the audit log and the security events are exported alike)."""
    count = rows.count()
    rows = sorting.apply(rows)
    if count <= AUDIT_EXPORT_MAX_ROWS:
        return rows, count, f"共 {count} 条"
    first = "最新" if sorting.sort == sorts.default else "前"
    note = f"共 {count} 条，仅导出{first} {AUDIT_EXPORT_MAX_ROWS} 条，请缩小筛选范围"
    return rows[:AUDIT_EXPORT_MAX_ROWS], AUDIT_EXPORT_MAX_ROWS, note


# --- the audit log -------------------------------------------------------------------------------------


def audit_filterset(user: PortalUser, query: QueryDict) -> LogEntryFilterSet:
    if not can_read_audit_log(user):
        raise PermissionDenied(AUDIT_READERS_ONLY)
    return LogEntryFilterSet(query, queryset=audit_entries())


AUDIT_COLUMNS = (
    Column("时间", 20),
    Column("操作人", 22),
    Column("渠道", 10),
    Column("操作", 8),
    Column("对象类型", 14),
    Column("对象", 36),
    Column("对象主键", 14),
    Column("变更内容", 80),
    Column("IP 地址", 16),
)


def audit_rows(entries: Iterable[LogEntry]) -> Iterator[tuple]:
    for entry in entries:
        yield (
            audit_display.local_time(entry),
            audit_display.actor_label(entry),
            audit_display.via_label(entry),
            audit_display.action_label(entry),
            audit_display.object_type_label(entry),
            entry.object_repr,
            entry.object_pk,
            audit_display.changes_text(entry),
            entry.remote_addr or "",
        )


@register_export("core.audit", page="audit-log")
def audit_export(user: PortalUser, query: QueryDict) -> ExportSpec:
    filterset = audit_filterset(user, query)
    if not filterset.is_valid():
        raise DomainError(FILTERS_REFUSED)
    sorting = AUDIT_SORTS.sorting(query=query)
    entries, count, note = _capped(filterset.qs, sorting, AUDIT_SORTS)
    return ExportSpec(
        title="示范镇建设工作平台审计日志",
        filename=f"审计日志-{_today()}.xlsx",
        columns=AUDIT_COLUMNS,
        rows=audit_rows(entries.iterator(chunk_size=2000)),
        count=count,
        unit_note=note,
        filters=filter_note(filterset, sorting),
    )


# --- security events (安全事件) ------------------------------------------------------------------------------


def security_event_filterset(user: PortalUser, query: QueryDict) -> SecurityEventFilterSet:
    if not can_read_security_events(user):
        raise PermissionDenied(SECURITY_EVENT_READERS_ONLY)
    return SecurityEventFilterSet(query, queryset=security_events())


SECURITY_EVENT_COLUMNS = (
    Column("时间", 20),
    Column("事件", 16),
    Column("用户名", 18),
    Column("IP 地址", 16),
    Column("请求", 8),
    Column("路径", 40),
    Column("详情", 60),
    Column("客户端", 30),
)


def details_text(event: SecurityEvent) -> str:
    return "；".join(f"{key}：{value}" for key, value in sorted((event.details or {}).items()))


def security_event_rows(events: Iterable[SecurityEvent]) -> Iterator[tuple]:
    for event in events:
        yield (
            chinese_datetime(event.occurred_at),
            label(SecurityEventKind, event.kind, empty=""),
            event.username,
            event.remote_addr or "",
            event.method,
            event.path,
            details_text(event),
            event.user_agent,
        )


@register_export("core.security_events", page="security-event-list")
def security_event_export(user: PortalUser, query: QueryDict) -> ExportSpec:
    filterset = security_event_filterset(user, query)
    if not filterset.is_valid():
        raise DomainError(FILTERS_REFUSED)
    sorting = SECURITY_EVENT_SORTS.sorting(query=query)
    events, count, note = _capped(filterset.qs, sorting, SECURITY_EVENT_SORTS)
    return ExportSpec(
        title="示范镇建设工作平台安全事件",
        filename=f"安全事件-{_today()}.xlsx",
        columns=SECURITY_EVENT_COLUMNS,
        rows=security_event_rows(events.iterator(chunk_size=2000)),
        count=count,
        unit_note=note,
        filters=filter_note(filterset, sorting),
    )


# --- the user's notifications (站内通知) ------------------------------------------------------------------


def filtered_notifications(
    user: PortalUser, query: QueryDict
) -> tuple[NotificationFilterSet, Sorting, QuerySet[Notification]]:
    """The user's own notifications as the page lists them: its FilterSet, its sort, the rows in that order."""
    filterset = NotificationFilterSet(query, queryset=notifications.notifications_of(user))
    sorting = NOTIFICATION_SORTS.sorting(query=query)
    shown = sorting.apply(filterset.qs) if filterset.is_valid() else filterset.queryset.none()
    return filterset, sorting, shown


NOTIFICATION_COLUMNS = (
    Column("时间", 20),
    Column("类别", 14),
    Column("标题", 40),
    Column("内容", 60),
    Column("阅读状态", 10),
    Column("已读时间", 20),
)


def notification_rows(shown: Iterable[Notification]) -> Iterator[tuple]:
    for notice in shown:
        yield (
            chinese_datetime(notice.created_at),
            label(NotificationKind, notice.kind, empty=""),
            notice.title,
            notice.body,
            "已读" if notice.read_at else "未读",
            chinese_datetime(notice.read_at) if notice.read_at else "",
        )


@register_export("core.notifications", page="notice-list")
def notification_export(user: PortalUser, query: QueryDict) -> ExportSpec:
    filterset, sorting, shown = filtered_notifications(user, query)
    if not filterset.is_valid():
        raise DomainError(FILTERS_REFUSED)
    unread = filterset.form.cleaned_data.get("unread")
    values = {} if unread is None else {"unread": ("阅读状态", "未读" if unread else "已读")}
    count = filterset.qs.count()
    return ExportSpec(
        title="站内通知",
        filename=f"站内通知-{_today()}.xlsx",
        columns=NOTIFICATION_COLUMNS,
        rows=notification_rows(shown.iterator(chunk_size=2000)),
        count=count,
        unit_note=f"共 {count} 条",
        filters=filter_note(filterset, sorting, values=values),
    )


# --- tracked jobs (我的任务) ----------------------------------------------------------------------------


def filtered_jobs(user: PortalUser, query: QueryDict) -> tuple[JobFilterSet, Sorting, QuerySet[Job]]:
    """The jobs as 我的任务 lists them: the user's own unless asked for all they may see (mine=false)."""
    data = query.copy()
    data.setdefault("mine", "true")
    filterset = JobFilterSet(data, queryset=jobs.jobs_visible_to(user), request=SimpleNamespace(user=user))
    sorting = JOB_SORTS.sorting(query=query)
    shown = sorting.apply(filterset.qs) if filterset.is_valid() else filterset.queryset.none()
    return filterset, sorting, shown


JOB_COLUMNS = (
    Column("编号", 8, "int"),
    Column("名称", 40),
    Column("类型", 24),
    Column("发起人", 16),
    Column("状态", 10),
    Column("进度（%）", 10, "int"),
    Column("说明", 40),
    Column("提交时间", 20),
    Column("结束时间", 20),
    Column("失败原因", 40),
)


def job_rows(shown: Iterable[Job]) -> Iterator[tuple]:
    for job in shown:
        yield (
            job.pk,
            job.title,
            job.kind,
            job.started_by.username if job.started_by_id else "系统",
            label(JobState, job.state),
            job.progress,
            job.message,
            chinese_datetime(job.created_at),
            chinese_datetime(job.finished_at) if job.finished_at else "",
            job.error,
        )


@register_export("core.jobs", page="job-list")
def job_export(user: PortalUser, query: QueryDict) -> ExportSpec:
    filterset, sorting, shown = filtered_jobs(user, query)
    if not filterset.is_valid():
        raise DomainError(FILTERS_REFUSED)
    mine = filterset.form.cleaned_data.get("mine")
    values = {"mine": ("范围", "本人发起的" if mine else "查看范围内他人发起的")} if mine is not None else {}
    count = filterset.qs.count()
    return ExportSpec(
        title="后台任务",
        filename=f"后台任务-{_today()}.xlsx",
        columns=JOB_COLUMNS,
        rows=job_rows(shown.iterator(chunk_size=1000)),
        count=count,
        unit_note=f"共 {count} 个任务",
        filters=filter_note(filterset, sorting, values=values),
    )
