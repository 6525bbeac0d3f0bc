"""Audit log entries as people read them: field names and choice values in Chinese, local time, numbers and
dates as every page writes them; no surrogate ids, hashes or counters, and no change that changes nothing."""

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from auditlog.models import LogEntry
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone

from .audit import ACTION_LABELS, Via
from .formats import chinese_date, chinese_datetime, figure
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
# Fields that mean nothing to a reader: content hashes, optimistic-locking counters, dedupe keys, job tokens
# (fields not editable, such as the pinyin initials, are left out by `not field.editable` below).
HIDDEN_FIELD_NAMES = frozenset({"sha256", "version", "dedupe_key", "job_token"})
SURROGATE_KEYS = ("AutoField", "BigAutoField", "SmallAutoField")


def _decimal(text):
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _display_value(value, choices, field=None, model=None):
    """A recorded value as a reader reads it: labels for choices, 是/否, money and points with their decimals
    and thousands separators, dates in Chinese, a file by its name."""
    if value is None or value in ("", "None"):
        return EMPTY
    text = str(value)
    if text in choices:
        return str(choices[text])
    if field is not None:
        custom = getattr(model, "audit_display", {}).get(field.name)
        if custom is not None:
            return custom(text)
    internal_type = field.get_internal_type() if field is not None else ""
    if internal_type == "BooleanField":
        return BOOLEAN_LABELS.get(text, text)
    if internal_type == "DateTimeField":
        return _local_datetime_text(text)
    if internal_type == "DateField":
        try:
            return chinese_date(date.fromisoformat(text))
        except ValueError:
            return text
    if internal_type == "DecimalField":
        number = _decimal(text)
        return figure(number, field.decimal_places) if number is not None else text
    if internal_type == "FileField":
        return PurePath(text).name
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
    """Whether a recorded field means something to a reader: not a reverse relation, a surrogate id (its own
    or a foreign key's: a number nobody reads), a timestamp kept by Django, a hash, a counter or a token."""
    if field is None:
        return True
    if not getattr(field, "concrete", False):
        return False
    if field.name in HIDDEN_FIELD_NAMES or not field.editable or field.get_internal_type() == "UUIDField":
        return False
    if getattr(field, "primary_key", False) and field.get_internal_type() in SURROGATE_KEYS:
        return False
    if field.is_relation:
        target = field.target_field
        if target.primary_key and target.get_internal_type() in SURROGATE_KEYS:
            return False
    return not (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def changes(entry):
    """[(field label, before, after)] from LogEntry.changes, a dict {field: [old, new]}; no query.

    For a creation "before" is None (there was nothing before) and empty fields are left out. A change whose
    before and after read the same (0.00 → 0, None → "") is left out: nothing changed for a reader.
    """
    rows = change_set_rows(entry)
    if rows is not None:
        return rows
    raw = entry.changes if isinstance(entry.changes, dict) else {}
    return _field_changes(raw, _model_of(entry), entry.action == LogEntry.Action.CREATE)


# A change set (core.audit.change_set: an import, a job, a bulk operation) lists each row it changed; the page
# shows this many, the export all of them.
CHANGE_SET_SHOWN_ROWS = 50


def change_set_of(entry):
    data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    change_set = data.get("change_set")
    return change_set if isinstance(change_set, dict) else None


def change_set_rows(entry, limit=None):
    """[(row label, None, its changes as text)] of a change-set entry — "示范镇认定「…」新增：认定文号：…" — or
    None for an ordinary entry."""
    change_set = change_set_of(entry)
    if change_set is None:
        return None
    rows = change_set.get("rows") or []
    shown = []
    for row in rows[:limit] if limit else rows:
        try:
            model = apps.get_model(row.get("model", ""))
        except (LookupError, ValueError):
            model = None
        kind = str(model._meta.verbose_name) if model is not None else row.get("model", "")
        action = ACTION_LABELS.get(row.get("action"), str(row.get("action")))
        raw = row.get("changes") if isinstance(row.get("changes"), dict) else {}
        fields = _field_changes(raw, model, row.get("action") == LogEntry.Action.CREATE)
        text = "；".join(
            f"{label}：{new}" if old is None else f"{label}：{old} → {new}" for label, old, new in fields
        )
        shown.append((f"{kind}「{row.get('repr', '')}」{action}", None, text or EMPTY))
    if limit and len(rows) > limit:
        shown.append(("其余", None, f"另有 {len(rows) - limit} 条变更，见导出的审计日志"))
    if not rows:
        shown.append(("变更", None, "没有数据变更"))
    return shown


def shown_changes(entry):
    """The changes the page shows: a change set's first CHANGE_SET_SHOWN_ROWS rows."""
    rows = change_set_rows(entry, limit=CHANGE_SET_SHOWN_ROWS)
    return rows if rows is not None else changes(entry)


def _field_changes(raw, model, creation):
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
        after = _display_value(new, choices, field, model)
        if creation:
            if after != EMPTY:
                rows.append((label, None, after))
            continue
        before = _display_value(old, choices, field, model)
        if before == after or _same_number(old, new):
            continue
        rows.append((label, before, after))
    return rows


def _same_number(old, new):
    """Whether two recorded values are the same number written differently (0.00 and 0)."""
    before, after = _decimal(str(old)), _decimal(str(new))
    return before is not None and after is not None and before == after


def changes_text(entry):
    return "；".join(
        f"{label}：{new}" if old is None else f"{label}：{old} → {new}" for label, old, new in changes(entry)
    )
