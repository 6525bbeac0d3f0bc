"""The audit hook: every create, update and delete of a registered model leaves a record.

Built on django-auditlog (signals → LogEntry with before/after per field). What this module adds:
- who: the actor is resolved lazily, so a token-authenticated API caller (authenticated by DRF inside the
  view, after middleware ran) is recorded as well as a session user;
- through what: `additional_data["via"]` is one of `Via` (page, api, admin, import, command, job);
- bulk writes (the division loader) write their entries in bulk too.
"""

import contextlib

from auditlog.context import auditlog_value, set_extra_data
from auditlog.diff import model_instance_diff
from auditlog.middleware import AuditlogMiddleware
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.encoding import smart_str
from django.utils.functional import SimpleLazyObject


class Via(models.TextChoices):
    """The channel an audited write came through (LogEntry.additional_data["via"])."""

    PAGE = "page", "页面"
    API = "api", "API"
    ADMIN = "admin", "管理后台"
    IMPORT = "import", "导入"
    COMMAND = "command", "命令"
    JOB = "job", "后台任务"


def register_audited(model, **options):
    """Register a domain model with the audit log; each app calls this from its AppConfig.ready()."""
    if not auditlog.contains(model):
        auditlog.register(model, **options)


def via_for_path(path):
    if path.startswith("/api/"):
        return Via.API
    if path.startswith("/admin/"):
        return Via.ADMIN
    return Via.PAGE


class AuditMiddleware(AuditlogMiddleware):
    def get_extra_data(self, request):
        data = super().get_extra_data(request)
        data["actor"] = SimpleLazyObject(lambda: self._get_actor(request))
        data["additional_data"] = {"via": via_for_path(request.path)}
        return data


@contextlib.contextmanager
def audit_context(actor=None, via=Via.COMMAND):
    """Attribute audit records written inside the block (imports, commands, jobs) to actor and channel.

    auditlog's own context manager does not restore an enclosing context (a request's) on exit; we do.
    """
    enclosing = auditlog_value.get(None)
    try:
        with set_extra_data({"actor": actor, "additional_data": {"via": via}}):
            yield
    finally:
        if enclosing is not None:
            auditlog_value.set(enclosing)


def log_bulk_created(instances, actor=None, via=Via.COMMAND):
    """Write one creation entry per instance in a single INSERT (bulk_create sends no signals)."""
    entries = []
    for instance in instances:
        content_type = ContentType.objects.get_for_model(instance.__class__)
        pk = instance.pk
        entries.append(
            LogEntry(
                content_type=content_type,
                object_pk=smart_str(pk),
                object_id=pk if isinstance(pk, int) else None,
                object_repr=smart_str(instance),
                action=LogEntry.Action.CREATE,
                changes=model_instance_diff(None, instance),
                actor=actor,
                additional_data={"via": via},
            )
        )
    LogEntry.objects.bulk_create(entries, batch_size=2000)


# auditlog's own LogEntry.Action labels are English ("create", "update"…) and django-auditlog ships no
# zh-hans translation of them, so the portal names its actions here, keyed by auditlog's values.
ACTION_LABELS = {
    LogEntry.Action.CREATE: "新增",
    LogEntry.Action.UPDATE: "修改",
    LogEntry.Action.DELETE: "删除",
    LogEntry.Action.ACCESS: "访问",
}


def history_for(*objects):
    """Audit entries of the given objects, newest first, with actors fetched in the same query."""
    from django.db.models import Q

    condition = Q(pk__in=[])
    for obj in objects:
        condition |= Q(
            content_type=ContentType.objects.get_for_model(obj.__class__), object_pk=smart_str(obj.pk)
        )
    return (
        LogEntry.objects.filter(condition)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-id")
    )
