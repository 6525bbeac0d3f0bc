"""The in-app notifications (站内通知), the tracked jobs (我的任务), the audit log page and the error pages."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import audit_display, jobs, notifications
from .choices import JobState
from .errors import DomainError
from .exports import Column, xlsx_response
from .filtersets import (
    AUDIT_SORTS,
    JOB_SORTS,
    NOTIFICATION_SORTS,
    JobFilterSet,
    LogEntryFilterSet,
    NotificationFilterSet,
    audit_entries,
)
from .formats import chinese_datetime
from .scoping import can_read_audit_log
from .vocabulary import label

AUDIT_PAGE_SIZE = 50
NOTIFICATION_PAGE_SIZE = 50
JOB_PAGE_SIZE = 30
AUDIT_EXPORT_MAX_ROWS = 100_000


# --- in-app notifications (站内通知, not the 通报 of the assessment) ------------------------------------


@login_required
def notification_list(request):
    """The user's notifications, newest first unless the user sorts them, filtered by unread and kind; unread
    ones stand out."""
    filterset = NotificationFilterSet(request.GET, queryset=notifications.notifications_of(request.user))
    sorting = NOTIFICATION_SORTS.sorting(request)
    shown = sorting.apply(filterset.qs) if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(shown, NOTIFICATION_PAGE_SIZE).get_page(request.GET.get("page"))
    unread = notifications.unread_count(request.user)
    context = {"page": page, "unread": unread, "filterset": filterset, "sorting": sorting}
    return render(request, "core/notifications.html", context)


def _back_to_list(request):
    """Back to the notification list the form was posted from (its filters and page kept)."""
    back = request.POST.get("next", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        return redirect(back)
    return redirect("notice-list")  # URL names stay as published


@login_required
def notification_open(request, pk):
    """Mark one of the user's notifications read and follow its link (a path inside the portal)."""
    notification = notifications.notification_of(request.user, pk)
    if notification is None:
        raise Http404
    notifications.mark_read(request.user, notification=notification)
    link = notification.link
    if link and link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return redirect(link)
    return redirect("notice-list")  # URL names stay as published


@login_required
@require_POST
def notification_read(request, pk):
    """Mark one of the user's notifications read without following its link."""
    notification = notifications.notification_of(request.user, pk)
    if notification is None:
        raise Http404
    notifications.mark_read(request.user, notification=notification)
    return _back_to_list(request)


@login_required
@require_POST
def notification_read_all(request):
    marked = notifications.mark_all_read(request.user)
    if marked:
        messages.success(request, f"已将 {marked} 条通知标为已读。")
    return _back_to_list(request)


# --- tracked jobs (我的任务) ----------------------------------------------------------------------------


def _job_filterset(request):
    """The page lists the user's own jobs unless asked for all they may see (mine=false)."""
    data = request.GET.copy()
    data.setdefault("mine", "true")
    return JobFilterSet(data, queryset=jobs.jobs_visible_to(request.user), request=request)


def _filtered_jobs(request):
    filterset = _job_filterset(request)
    sorting = JOB_SORTS.sorting(request)
    shown = sorting.apply(filterset.qs) if filterset.is_valid() else filterset.queryset.none()
    return filterset, sorting, shown


@login_required
def job_list(request):
    """我的任务: the user's tracked jobs, newest first; running ones update themselves on the page."""
    filterset, sorting, shown = _filtered_jobs(request)
    page = Paginator(shown, JOB_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filterset": filterset,
        "sorting": sorting,
        "states": JobState,
        "mine": filterset.form.cleaned_data.get("mine") if filterset.is_valid() else True,
        "retention_days": settings.JOB_RESULT_RETENTION_DAYS,
    }
    return render(request, "core/jobs.html", context)


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


@login_required
def job_export(request):
    filterset, _sorting, shown = _filtered_jobs(request)
    if not filterset.is_valid():
        messages.error(request, "筛选条件有误，未导出。")
        return redirect("job-list")
    rows = (
        (
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
        for job in shown.iterator(chunk_size=1000)
    )
    filename = f"后台任务-{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_response(filename, "后台任务", JOB_COLUMNS, rows)


def _job_or_404(request, pk):
    job = jobs.job_for(request.user, pk)
    if job is None:
        raise Http404
    return job


@login_required
def job_detail(request, pk):
    """One job: its progress (live while it runs), its outcome, its result file, and cancel where safe."""
    job = _job_or_404(request, pk)
    context = {
        "job": job,
        "stale": jobs.staleness(job),
        "may_cancel": jobs.may_cancel(request.user, job),
        "has_file": jobs.result_path(job) is not None,
    }
    return render(request, "core/job_detail.html", context)


@login_required
@require_POST
def job_cancel(request, pk):
    job = _job_or_404(request, pk)
    try:
        job = jobs.cancel_job(request.user, job=job)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "任务已取消。" if job.state == JobState.CANCELLED else "已请求取消任务。")
    return redirect("job-detail", pk=job.pk)


@login_required
def job_download(request, pk):
    """The job's result file, for users whose scope covers its data (others: 404, as for no job at all)."""
    job = _job_or_404(request, pk)
    path = jobs.result_path(job)
    if path is None:
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.result_name)


def _audit_filterset(request):
    if not can_read_audit_log(request.user):
        raise PermissionDenied("只有省级管理员和内部审计可以查看审计日志。")
    return LogEntryFilterSet(request.GET, queryset=audit_entries())


@login_required
def audit_log(request):
    filterset = _audit_filterset(request)
    sorting = AUDIT_SORTS.sorting(request)
    entries = sorting.apply(filterset.qs) if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"filterset": filterset, "page": page, "sorting": sorting})


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


@login_required
def audit_log_export(request):
    filterset = _audit_filterset(request)
    if not filterset.is_valid():
        return render(request, "core/audit_log.html", {"filterset": filterset, "page": None}, status=400)
    sorting = AUDIT_SORTS.sorting(request)
    entries = list(sorting.apply(filterset.qs)[: AUDIT_EXPORT_MAX_ROWS + 1])
    newest_first = sorting.sort == AUDIT_SORTS.default
    note = "按时间倒序" if newest_first else "按所选列排序"
    if len(entries) > AUDIT_EXPORT_MAX_ROWS:
        entries = entries[:AUDIT_EXPORT_MAX_ROWS]
        first = "最新" if newest_first else "前"
        note = f"仅导出{first} {AUDIT_EXPORT_MAX_ROWS} 条，请缩小筛选范围"
    rows = (
        (
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
        for entry in entries
    )
    filename = f"审计日志-{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_response(filename, "示范镇建设工作平台审计日志", AUDIT_COLUMNS, rows, unit_note=note)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def server_error(request):
    # No request context: whatever broke the request (database, session) must not break this page too.
    return HttpResponseServerError(loader.get_template("500.html").render())
