"""The audit chain (等保 安全审计, issue 12 point 4; ADR 13): every audit record is sealed by a hash chained to
the one before, so that a record rewritten, removed or slipped in from the database is found by `verify_audit`.

- One chain across both audit tables — auditlog's LogEntry (data changes) and core.SecurityEvent — in
  core.AuditSeal (a side table: LogEntry is a third-party model). A link's hash is sha256 over a canonical
  JSON of the record's fields, its table and id, and the previous link's hash.
- Appending is serialised: on PostgreSQL `pg_advisory_xact_lock(AUDIT_CHAIN_LOCK)` inside the writing
  transaction, held until it commits, so two writers never chain to the same link (SQLite writes one at a
  time anyway). A record written in a transaction that rolls back takes its link with it.
- Records are sealed by post_save (one record at a time) and by `seal` (LogEntry.objects.bulk_create).
- The chain may start at an anchor: a purge (`purge_before`) removes the oldest links and records an
  AUDIT_PURGED event carrying the last purged link's hash, where verification then starts.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
from auditlog.models import LogEntry
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, router, transaction
from django.db.models.signals import post_save

from .bulk import few_collections
from .choices import SecurityEventKind
from .models import AuditSeal, SecurityEvent

GENESIS = "0" * 64
# An arbitrary constant naming the chain's advisory lock (pg_advisory_xact_lock takes a bigint).
AUDIT_CHAIN_LOCK = 0x5EA1_A0D1
CHUNK = 2000

# The fields each link hashes, fixed here (not read from the model) so that a column added later does not
# break the links written before it.
SEALED_FIELDS: dict[str, tuple[type, tuple[str, ...]]] = {
    "auditlog_logentry": (
        LogEntry,
        (
            "content_type_id",
            "object_pk",
            "object_id",
            "object_repr",
            "serialized_data",
            "action",
            "changes_text",
            "changes",
            "actor_id",
            "cid",
            "remote_addr",
            "remote_port",
            "timestamp",
            "additional_data",
            "actor_email",
        ),
    ),
    "core_securityevent": (
        SecurityEvent,
        (
            "kind",
            "occurred_at",
            "user_id",
            "username",
            "remote_addr",
            "user_agent",
            "method",
            "path",
            "details",
        ),
    ),
}
TABLE_OF = {model: table for table, (model, _fields) in SEALED_FIELDS.items()}
JSON_FIELDS = frozenset({"serialized_data", "changes", "additional_data", "details"})
# Text columns a writer may have set to another type (auditlog sets object_pk to the key itself, an int).
TEXT_FIELDS = frozenset(
    {
        "object_pk",
        "object_repr",
        "changes_text",
        "cid",
        "actor_email",
        "kind",
        "username",
        "user_agent",
        "method",
        "path",
    }
)


def _canonical_value(name: str, value):
    """The value as the database gives it back, whatever Python type the writer held."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if name == "remote_addr":
        try:
            return str(ipaddress.ip_address(str(value)))
        except ValueError:
            return str(value)
    if name in JSON_FIELDS:
        return _as_stored_json(value)
    if name in TEXT_FIELDS:
        return str(value)
    return value


_DJANGO_JSON = DjangoJSONEncoder()


def _as_stored_json(value):
    """A JSON column's value as the database gives it back: what DjangoJSONEncoder (the column's encoder)
    makes of the writer's Python types (Decimal, datetime, UUID, lazy text, tuples), read again.

    orjson makes the round trip, with DjangoJSONEncoder's own conversion for every type that is not JSON's,
    datetimes included, so the value is the same as json's round trip; what orjson refuses (an integer beyond
    64 bits, a key that is not text) takes json's. A national import's change set is a 100 MB value: json's
    round trip of it took 5 s, this one under 1 s."""
    with few_collections():
        try:
            return orjson.loads(
                orjson.dumps(value, default=_DJANGO_JSON.default, option=orjson.OPT_PASSTHROUGH_DATETIME)
            )
        except orjson.JSONEncodeError:
            return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def fields_of(table: str, record) -> dict:
    _model, names = SEALED_FIELDS[table]
    get = record.get if isinstance(record, dict) else lambda name: getattr(record, name)
    return {name: _canonical_value(name, get(name)) for name in names}


def link_hash(table: str, entry_id: int, fields: dict, prev_hash: str) -> str:
    payload = {"table": table, "id": int(entry_id), "fields": fields, "prev": prev_hash}
    text = json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- appending --------------------------------------------------------------------------------------------


def _lock(using: str) -> None:
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK])


def head(using: str = "default") -> AuditSeal | None:
    return AuditSeal.objects.using(using).order_by("-id").first()


def seal(records: Sequence, using: str | None = None) -> list[AuditSeal]:
    """Append links for the given saved records (LogEntry or SecurityEvent instances), in their order."""
    records = [record for record in records if record.pk is not None]
    if not records:
        return []
    using = using or router.db_for_write(type(records[0]))
    with transaction.atomic(using=using):
        _lock(using)
        last = head(using)
        prev = last.hash if last is not None else GENESIS
        links = []
        for record in records:
            table = TABLE_OF[type(record)]
            digest = link_hash(table, record.pk, fields_of(table, record), prev)
            links.append(AuditSeal(entry_table=table, entry_id=record.pk, prev_hash=prev, hash=digest))
            prev = digest
        return AuditSeal.objects.using(using).bulk_create(links, batch_size=CHUNK)


def _sealed_on_save(sender, instance, created, raw=False, using=None, **kwargs):
    if created and not raw:
        seal([instance], using=using)


def connect_signals() -> None:
    for model in TABLE_OF:
        post_save.connect(_sealed_on_save, sender=model, dispatch_uid=f"audit-chain-{model._meta.label}")


# --- verifying --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Broken:
    """The first broken link: where, and what was expected against what was found."""

    table: str
    entry_id: int | None
    time: str
    problem: str
    expected: str
    found: str

    def message(self) -> str:
        where = f"{self.table} #{self.entry_id}" if self.entry_id is not None else self.table
        return (
            f"审计记录不完整：{where}（{self.time or '时间不明'}）{self.problem}；"
            f"预期 {self.expected}，实际 {self.found}"
        )


@dataclass(frozen=True)
class Verified:
    count: int
    head_hash: str
    broken: Broken | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _anchor(using: str) -> str:
    """Where the chain starts: the last purge's anchor (the hash of the last link it removed), or genesis."""
    purge = (
        SecurityEvent.objects.using(using).filter(kind=SecurityEventKind.AUDIT_PURGED).order_by("-id").first()
    )
    if purge is None:
        return GENESIS
    return str((purge.details or {}).get("anchor_hash") or GENESIS)


def _chunks(using: str) -> Iterator[list[AuditSeal]]:
    last_id = 0
    while True:
        batch = list(AuditSeal.objects.using(using).filter(id__gt=last_id).order_by("id")[:CHUNK])
        if not batch:
            return
        yield batch
        last_id = batch[-1].id


def _records(using: str, table: str, ids: Iterable[int]) -> dict[int, dict]:
    model, names = SEALED_FIELDS[table]
    return {
        row["id"]: row for row in model.objects.using(using).filter(id__in=list(ids)).values("id", *names)
    }


def _time_of(table: str, record: dict | None) -> str:
    if record is None:
        return ""
    moment = record.get("timestamp") or record.get("occurred_at")
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else ""


def verify(using: str = "default") -> Verified:
    """Walk the chain from its anchor: every link's record present and unchanged, every link chained to the
    one before, and no audit record without a link. Returns the count and the first broken link."""
    prev = _anchor(using)
    count = 0
    for links in _chunks(using):
        by_table: dict[str, list[int]] = {}
        for link in links:
            by_table.setdefault(link.entry_table, []).append(link.entry_id)
        records = {
            table: _records(using, table, ids) for table, ids in by_table.items() if table in SEALED_FIELDS
        }
        for link in links:
            record = records.get(link.entry_table, {}).get(link.entry_id)
            if link.prev_hash != prev:
                return Verified(
                    count,
                    prev,
                    Broken(
                        link.entry_table,
                        link.entry_id,
                        _time_of(link.entry_table, record),
                        "与上一条记录的链接断开（其前有记录被删除或插入）",
                        prev,
                        link.prev_hash,
                    ),
                )
            if record is None:
                return Verified(
                    count,
                    prev,
                    Broken(
                        link.entry_table,
                        link.entry_id,
                        link.sealed_at.astimezone(UTC).isoformat(timespec="seconds"),
                        "记录已被删除",
                        link.hash,
                        "（无此记录）",
                    ),
                )
            digest = link_hash(link.entry_table, link.entry_id, fields_of(link.entry_table, record), prev)
            if digest != link.hash:
                return Verified(
                    count,
                    prev,
                    Broken(
                        link.entry_table,
                        link.entry_id,
                        _time_of(link.entry_table, record),
                        "内容已被改动",
                        link.hash,
                        digest,
                    ),
                )
            prev = link.hash
            count += 1
    for table, (model, names) in SEALED_FIELDS.items():
        sealed = AuditSeal.objects.using(using).filter(entry_table=table).values("entry_id")
        stray = model.objects.using(using).exclude(id__in=sealed).order_by("id").values("id", *names).first()
        if stray is not None:
            return Verified(
                count,
                prev,
                Broken(
                    table,
                    stray["id"],
                    _time_of(table, stray),
                    "记录不在审计链中（未经系统写入）",
                    "已封存",
                    "未封存",
                ),
            )
    return Verified(count, prev)


# --- purging ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Purged:
    count: int
    anchor_hash: str
    event: SecurityEvent | None


def purge_before(cutoff: datetime, using: str = "default", **details) -> Purged:
    """Remove the chain's oldest links sealed before cutoff, with their records, and record AUDIT_PURGED
    carrying the hash of the last removed link: the anchor where verification starts from then on.

    Only a prefix of the chain goes (up to the first link sealed at or after cutoff), so what stays is still
    one unbroken chain. The caller checks the retention period."""
    from .security_log import record_security_event

    with transaction.atomic(using=using):
        _lock(using)
        first_kept = (
            AuditSeal.objects.using(using).filter(sealed_at__gte=cutoff).order_by("id").values("id").first()
        )
        doomed = AuditSeal.objects.using(using)
        if first_kept is not None:
            doomed = doomed.filter(id__lt=first_kept["id"])
        last = doomed.order_by("-id").first()
        if last is None:
            return Purged(0, "", None)
        count = doomed.count()
        for table, (model, _names) in SEALED_FIELDS.items():
            ids = doomed.filter(entry_table=table).values("entry_id")
            model.objects.using(using).filter(id__in=ids)._raw_delete(using)
        doomed._raw_delete(using)
        event = record_security_event(
            SecurityEventKind.AUDIT_PURGED,
            anchor_hash=last.hash,
            anchor_link=last.id,
            purged=count,
            before=cutoff.isoformat(),
            **details,
        )
    return Purged(count, last.hash, event)
