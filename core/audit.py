"""The audit hook: every create, update and delete of a registered model leaves a record.

Built on django-auditlog (signals → LogEntry with before/after per field). What this module adds:
- who: the actor is resolved lazily, so a token-authenticated API caller (authenticated by DRF inside the
  view, after middleware ran) is recorded as well as a session user;
- through what: `additional_data["via"]` is one of `Via` (page, api, admin, import, command, job);
- bulk writes (the division loader) write their entries in bulk too;
- change sets: an import or a job writes one entry carrying all its rows (`change_set`, `log_change_set`);
- every entry is sealed into the audit chain (core.audit_chain, ADR 13).
"""

import contextlib
import contextvars
from dataclasses import dataclass, field

from auditlog.context import auditlog_value, set_extra_data
from auditlog.diff import model_instance_diff
from auditlog.middleware import AuditlogMiddleware
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
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
    """Audit instances written by bulk_create (which sends no signals): inside a change set (`change_set`)
    they join its one entry; otherwise one creation entry per instance, in a single INSERT, each sealed into
    the audit chain."""
    instances = list(instances)
    collector = _collector.get()
    if collector is not None:
        for instance in instances:
            collector.add(instance, LogEntry.Action.CREATE, _diff(None, instance))
        return
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
    from .audit_chain import seal

    with transaction.atomic():
        created = LogEntry.objects.bulk_create(entries, batch_size=2000)
        seal(created)
    from .bulk import analyze_tables
    from .models import AuditSeal

    analyze_tables(LogEntry, AuditSeal, rows=len(created))


# --- change sets: one entry for a bulk operation -----------------------------------------------------------
#
# An import, the assessment run, a job writes ONE LogEntry carrying its whole change set, not one per row (and
# not none). The shape, read by core.audit_display and documented in ADR 13:
#   LogEntry(content_type/object_pk = the operation's object (the import batch, the round, the job),
#            action = UPDATE (or the one given), changes = {} (the rows are not fields of that object),
#            additional_data = {"via": …, "change_set": {"label": …, "count": N, "summary": {…},
#                               "rows": [{"model": "towns.designation", "pk": "12", "repr": "…",
#                                         "action": 0|1|2, "changes": {field: [old, new]}}, …]}})


@dataclass
class ChangeSet:
    """The rows one operation changed, collected while it runs (see change_set)."""

    subject: object
    actor: object = None
    via: str = Via.JOB
    action: int = LogEntry.Action.UPDATE
    rows: list = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    wrote_inner: bool = False

    def add(self, instance, action, changes, repr_text=None):
        self.rows.append(
            {
                "model": instance._meta.label_lower,
                "pk": smart_str(instance.pk),
                "repr": repr_text if repr_text is not None else _repr(instance),
                "action": int(action),
                "changes": changes or {},
            }
        )

    def add_row(self, model_label, pk, repr_text, action, changes):
        """A row written without an instance (core.upsert: plain tuples), in the same shape as add."""
        self.rows.append(
            {
                "model": model_label,
                "pk": smart_str(pk),
                "repr": repr_text,
                "action": int(action),
                "changes": changes,
            }
        )

    def add_updated(self, queryset, **values):
        """Rows a queryset.update(**values) is about to change (update sends no signals): call it before."""
        names = list(values)
        for instance in queryset.only("pk", *names):
            before = {name: getattr(instance, name) for name in names}
            changed = {
                name: [smart_str(before[name]), smart_str(values[name])]
                for name in names
                if smart_str(before[name]) != smart_str(values[name])
            }
            if changed:
                self.add(instance, LogEntry.Action.UPDATE, changed)

    def add_deleted(self, queryset):
        """Rows a queryset.delete() or _raw_delete of an unregistered model is about to remove: call it before."""
        for instance in queryset:
            self.add(instance, LogEntry.Action.DELETE, _diff(instance, None))

    def add_values(self, model, action, rows):
        """Rows of an unregistered model written in bulk, from plain values rather than instances (a job
        writing tens of thousands of rows builds none): rows are (pk, repr, {field name: value}) with every
        stored field's value as the row holds it (a foreign key's id), recorded as `_diff` records an
        instance. Only CREATE and DELETE: an update is a queryset's (add_updated)."""
        label = model._meta.label_lower
        created = int(action) == LogEntry.Action.CREATE
        for pk, repr_text, values in rows:
            # str() is smart_str() for plain values (None → "None"), at a fraction of its cost per value.
            if created:
                changes = {name: [None, str(value)] for name, value in values.items()}
            else:
                changes = {name: [str(value), None] for name, value in values.items()}
            self.rows.append(
                {
                    "model": label,
                    "pk": smart_str(pk),
                    "repr": repr_text,
                    "action": int(action),
                    "changes": changes,
                }
            )


def _diff(old, new):
    """auditlog's field diff for a registered model; every concrete field's value for one that is not (the
    results, rewritten in bulk and audited only through change sets)."""
    instance = new if new is not None else old
    if auditlog.contains(instance.__class__):
        return model_instance_diff(old, new)
    values = {
        field.name: smart_str(getattr(instance, field.attname))
        for field in instance._meta.concrete_fields
        if not field.primary_key
    }
    return {name: [None, value] if old is None else [value, None] for name, value in values.items()}


def _repr(instance):
    try:
        return smart_str(instance)
    except Exception:  # a __str__ reaching a deleted relation: the key is enough
        return f"{instance._meta.verbose_name} {instance.pk}"


_collector: contextvars.ContextVar[ChangeSet | None] = contextvars.ContextVar(
    "audit_change_set", default=None
)


def current_change_set():
    """The change set the caller's writes are collected into, or None (a bulk path adds its rows to it)."""
    return _collector.get()


def current_via():
    """The channel of the enclosing audit context (the request's, an import's…), command when there is none."""
    return _current_context()[1]


def _current_context():
    context = auditlog_value.get(None) or {}
    data = context.get("additional_data") or {}
    return context.get("actor"), data.get("via") or Via.COMMAND


@contextlib.contextmanager
def change_set(subject, *, actor=None, via=None, action=LogEntry.Action.UPDATE, write_empty=True):
    """Collect the audited writes of the block into one entry on subject (a model instance, or a label).

    Inside, auditlog's per-row entries are collected instead of written; bulk paths add theirs
    (log_bulk_created, ChangeSet.add_updated / add_deleted). On a normal exit the one entry is written —
    place the block inside the operation's transaction so that the entry commits or rolls back with the
    writes. Nested: an inner change set writes its own entry (its own transaction), the outer one notes it
    and writes only what was collected outside it (write_empty=False: nothing when nothing was)."""
    if via is None:  # a service called from a page, the API or a command: the request's actor and channel
        context_actor, via = _current_context()
        actor = actor if actor is not None else context_actor
    outer = _collector.get()
    collected = ChangeSet(subject=subject, actor=actor, via=via, action=action)
    token = _collector.set(collected)
    try:
        with audit_context(actor=actor, via=via):
            yield collected
    finally:
        _collector.reset(token)
    if outer is not None:
        outer.wrote_inner = True
    if collected.rows or (write_empty and not collected.wrote_inner):
        log_change_set(
            subject, collected.rows, actor=actor, via=via, action=action, summary=collected.summary
        )


def log_change_set(
    obj_or_label, changes, actor=None, via=Via.JOB, *, action=LogEntry.Action.UPDATE, summary=None
):
    """Write one audit entry carrying a change set (the rows of change_set, or rows built by the caller)."""
    rows = list(changes or [])
    if isinstance(obj_or_label, models.Model):
        content_type = ContentType.objects.get_for_model(obj_or_label.__class__)
        pk = obj_or_label.pk
        object_pk, object_id, label = smart_str(pk), pk if isinstance(pk, int) else None, _repr(obj_or_label)
    else:
        # A label names an operation with no row of its own: the entry is filed under the audit log itself.
        content_type = ContentType.objects.get_for_model(LogEntry)
        object_pk, object_id, label = "", None, str(obj_or_label)
    entry = LogEntry(
        content_type=content_type,
        object_pk=object_pk,
        object_id=object_id,
        object_repr=label[:2000],
        action=action,
        changes={},
        actor=actor if getattr(actor, "pk", None) else None,
        additional_data={
            "via": via,
            "change_set": {"label": label, "count": len(rows), "summary": dict(summary or {}), "rows": rows},
        },
    )
    _save_in_context(entry)  # post_save seals it
    return entry


def _save_in_context(entry):
    """Save entry; an enclosing audit context (a request's) adds its address but keeps entry's data.

    auditlog's context sets every LogEntry's additional_data to the context's on pre_save; for the duration of
    this save the context carries the entry's own (the change set) on top of its channel."""
    context = auditlog_value.get(None)
    if not context or "additional_data" not in context:
        entry.save()
        return
    enclosing = context["additional_data"]
    context["additional_data"] = {**(enclosing or {}), **entry.additional_data}
    try:
        entry.save()
    finally:
        context["additional_data"] = enclosing


def _collecting_log_create(original):
    """auditlog's LogEntryManager.log_create, collecting into the active change set instead of writing."""

    def log_create(self, instance, force_log=False, **kwargs):
        collector = _collector.get()
        if collector is None or kwargs.get("action") == LogEntry.Action.ACCESS:
            return original(self, instance, force_log=force_log, **kwargs)
        changes = kwargs.get("changes")
        if changes is None and not force_log:
            return None
        collector.add(instance, kwargs.get("action", LogEntry.Action.UPDATE), changes)
        return None

    log_create.collects_change_sets = True
    return log_create


def install_change_set_collection():
    """Called once from core's AppConfig.ready()."""
    from auditlog.models import LogEntryManager

    if not getattr(LogEntryManager.log_create, "collects_change_sets", False):
        LogEntryManager.log_create = _collecting_log_create(LogEntryManager.log_create)


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
