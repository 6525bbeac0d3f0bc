"""The in-app notifications (站内通知), the tracked jobs (我的任务), the audit log page and the error pages."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import jobs, list_exports, notifications
from .choices import JobState, SecurityEventKind
from .counting import ListPaginator
from .errors import DomainError
from .exports import export_response
from .filtersets import AUDIT_SORTS, SECURITY_EVENT_SORTS
from .security_log import record_security_event

AUDIT_PAGE_SIZE = 50
NOTIFICATION_PAGE_SIZE = 50
JOB_PAGE_SIZE = 30


# --- in-app notifications (站内通知, not the 通报 of the assessment) ------------------------------------


@login_required
def notification_list(request):
    """The user's notifications, newest first unless the user sorts them, filtered by unread and kind; unread
    ones stand out."""
    filterset, sorting, shown = list_exports.filtered_notifications(request.user, request.GET)
    page = ListPaginator(shown, NOTIFICATION_PAGE_SIZE).get_page(request.GET.get("page"))
    unread = notifications.unread_count(request.user)
    context = {"page": page, "unread": unread, "filterset": filterset, "sorting": sorting}
    return render(request, "core/notifications.html", context)


@login_required
def notification_export(request):
    return export_response(request, "core.notifications")


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


def _filtered_jobs(request):
    return list_exports.filtered_jobs(request.user, request.GET)


@login_required
def job_list(request):
    """我的任务: the user's tracked jobs, newest first; running ones update themselves on the page."""
    filterset, sorting, shown = _filtered_jobs(request)
    page = ListPaginator(shown, JOB_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filterset": filterset,
        "sorting": sorting,
        "states": JobState,
        "mine": filterset.form.cleaned_data.get("mine") if filterset.is_valid() else True,
        "retention_days": settings.JOB_RESULT_RETENTION_DAYS,
    }
    return render(request, "core/jobs.html", context)


@login_required
def job_export(request):
    return export_response(request, "core.jobs")


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
    record_security_event(SecurityEventKind.DOWNLOADED, request=request, job=job.pk, file=job.result_name)
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.result_name)


def _audit_filterset(request):
    return list_exports.audit_filterset(request.user, request.GET)


@login_required
def audit_log(request):
    filterset = _audit_filterset(request)
    sorting = AUDIT_SORTS.sorting(request)
    entries = sorting.apply(filterset.qs) if filterset.is_valid() else filterset.queryset.none()
    page = ListPaginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"filterset": filterset, "page": page, "sorting": sorting})


@login_required
def audit_log_export(request):
    return export_response(request, "core.audit")


@login_required
def security_event_list(request):
    """安全事件: logins, lockouts, tokens, partners' reads, denials … for the audit administrator and auditor."""
    filterset = list_exports.security_event_filterset(request.user, request.GET)
    sorting = SECURITY_EVENT_SORTS.sorting(request)
    events = sorting.apply(filterset.qs) if filterset.is_valid() else filterset.queryset.none()
    page = ListPaginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filterset": filterset, "page": page, "sorting": sorting}
    return render(request, "core/security_events.html", context)


@login_required
def security_event_export(request):
    return export_response(request, "core.security_events")


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def server_error(request):
    # No request context: whatever broke the request (database, session) must not break this page too.
    return HttpResponseServerError(loader.get_template("500.html").render())
