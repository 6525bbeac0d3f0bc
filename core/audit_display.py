"""Audit log entries as people read them: field names and choice values in Chinese, local time."""

from datetime import UTC, datetime

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone

from .audit import ACTION_LABELS, Via
from .formats import chinese_datetime
from .vocabulary import EMPTY, label

SYSTEM_ACTOR = "系统"


def _model_of(entry):
    # ContentType.model_class() reads the app registry: no query.
    return entry.content_type.model_class() if entry.content_type_id else None


def object_type_label(entry):
    model = _model_of(entry)
    return str(model._meta.verbose_name) if model is not None else entry.content_type.model


def action_label(entry):
    return ACTION_LABELS.get(entry.action, str(entry.action))


def via_of(entry):
    data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    return data.get("via", "")


def via_label(entry):
    return label(Via, via_of(entry))


def actor_label(entry):
    actor = entry.actor
    if actor is None:
        return entry.actor_email or SYSTEM_ACTOR
    full_name = actor.get_full_name()
    return f"{full_name}（{actor.username}）" if full_name else actor.username


def local_time(entry):
    return chinese_datetime(entry.timestamp, seconds=True)


BOOLEAN_LABELS = {"True": "是", "False": "否"}


def _display_value(value, choices, field=None):
    if value is None or value in ("", "None"):
        return EMPTY
    text = str(value)
    if text in choices:
        return str(choices[text])
    internal_type = field.get_internal_type() if field is not None else ""
    if internal_type == "BooleanField":
        return BOOLEAN_LABELS.get(text, text)
    if internal_type == "DateTimeField":
        return _local_datetime_text(text)
    return text


def _local_datetime_text(text):
    """auditlog records datetimes as naive UTC text; readers want Beijing time to the second."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return chinese_datetime(moment, seconds=True)


def _shown(field):
    """Whether a recorded field means something to a reader (not a reverse relation, id or timestamp)."""
    if field is None:
        return True
    if not getattr(field, "concrete", False):
        return False
    if getattr(field, "primary_key", False) and field.get_internal_type() in ("AutoField", "BigAutoField"):
        return False
    return not (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def changes(entry):
    """[(field label, before, after)] from LogEntry.changes, a dict {field: [old, new]}; no query.

    For a creation "before" is None: there was nothing before.
    """
    raw = entry.changes if isinstance(entry.changes, dict) else {}
    model = _model_of(entry)
    creation = entry.action == LogEntry.Action.CREATE
    rows = []
    for name, values in raw.items():
        field = None
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
        if not _shown(field):
            continue
        label = str(getattr(field, "verbose_name", name)) if field is not None else name
        choices = {str(key): text for key, text in (getattr(field, "flatchoices", None) or [])}
        old, new = [*values, None, None][:2] if isinstance(values, list | tuple) else (None, values)
        before = None if creation else _display_value(old, choices, field)
        rows.append((label, before, _display_value(new, choices, field)))
    return rows


def changes_text(entry):
    return "；".join(
        f"{label}：{new}" if old is None else f"{label}：{old} → {new}" for label, old, new in changes(entry)
    )
