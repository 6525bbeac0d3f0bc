"""The in-app notifications (站内通知), the audit log page and the error pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import audit_display, notifications
from .exports import Column, xlsx_response
from .filtersets import LogEntryFilterSet, NotificationFilterSet, audit_entries
from .scoping import can_read_audit_log

AUDIT_PAGE_SIZE = 50
NOTIFICATION_PAGE_SIZE = 50
AUDIT_EXPORT_MAX_ROWS = 100_000


# --- in-app notifications (站内通知, not the 通报 of the assessment) ------------------------------------


@login_required
def notification_list(request):
    """The user's notifications, newest first, filtered by unread and kind; unread ones stand out."""
    filterset = NotificationFilterSet(request.GET, queryset=notifications.notifications_of(request.user))
    shown = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(shown, NOTIFICATION_PAGE_SIZE).get_page(request.GET.get("page"))
    unread = notifications.unread_count(request.user)
    return render(
        request, "core/notifications.html", {"page": page, "unread": unread, "filterset": filterset}
    )


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


def _audit_filterset(request):
    if not can_read_audit_log(request.user):
        raise PermissionDenied("只有省级管理员和内部审计可以查看审计日志。")
    return LogEntryFilterSet(request.GET, queryset=audit_entries())


@login_required
def audit_log(request):
    filterset = _audit_filterset(request)
    entries = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"filterset": filterset, "page": page})


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
    entries = list(filterset.qs[: AUDIT_EXPORT_MAX_ROWS + 1])
    note = "按时间倒序"
    if len(entries) > AUDIT_EXPORT_MAX_ROWS:
        entries = entries[:AUDIT_EXPORT_MAX_ROWS]
        note = f"仅导出最新 {AUDIT_EXPORT_MAX_ROWS} 条，请缩小筛选范围"
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
