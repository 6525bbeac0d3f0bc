"""Writes about towns and designations; each operation is one transaction."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from core.audit import ChangeSet, Via, change_set, current_change_set
from core.bulk import analyze_tables
from core.choices import RowStatus
from core.errors import DomainError
from core.roles import Role
from core.scoping import is_province_admin
from core.upsert import upsert_rows

from ..choices import Began, Ended, TierChange
from ..models import Designation, Town
from ..rules import Actor, TownFacts, designation_correction_refusal, designation_refusal, tier_change_refusal
from ..selectors import town_fact, town_facts

if TYPE_CHECKING:
    from accounts.models import User

DESIGNATION_IMPORT = "towns.designations"  # the importer's kind (towns.imports)
CONCRETE_FIELDS = frozenset(field.name for field in Designation._meta.concrete_fields)


def _lock_town(town: Town) -> None:
    """Lock the town row, so two writes about one town's designations queue up behind each other."""
    Town.objects.select_for_update().filter(pk=town.pk).exists()


def designate(
    town: Town,
    tier: str,
    from_year: int,
    *,
    doc_no: str = "",
    dev_type: str = "",
    began: str = Began.SELECTED,
) -> Designation:
    """Create the town's active designation (R2): only a 镇, and only one active at a time.

    No actor: the operation that calls it (a selection, a publication, an import, a tier change) has already
    decided who may designate."""
    with transaction.atomic():
        _lock_town(town)
        refusal = designation_refusal(town_fact(town))
        if refusal:
            raise DomainError(refusal)
        try:
            with transaction.atomic():
                designation = Designation.objects.create(
                    town=town, tier=tier, from_year=from_year, doc_no=doc_no, dev_type=dev_type, began=began
                )
        except IntegrityError as exc:
            raise DomainError(f"{town.name}已有有效认定，同一时间只能有一个有效认定。") from exc
        if dev_type and town.dev_type != dev_type:
            town.dev_type = dev_type
            town.save(update_fields=["dev_type"])
    return designation


def correct_designation(
    user: User | None, *, town: Town, tier: str, from_year: int, doc_no: str = "", dev_type: str = ""
) -> Designation:
    """Correct the document number and/or the development type of the town's active designation (R2), which
    must still be of `tier` from `from_year`; an empty value leaves a field as it is. province_admin, or the
    system (user None). The designation import's "changed" rows come here."""
    if user is not None and not is_province_admin(user):
        raise DomainError("只有省级管理员可以更正示范镇认定。")
    doc_no, dev_type = (doc_no or "").strip(), (dev_type or "").strip()
    with transaction.atomic():
        _lock_town(town)
        active = town.active_designation()
        if active is None or active.tier != tier or active.from_year != from_year:
            raise DomainError(f"{town.name}的有效认定已经变化，未作更正，请刷新后重试。")
        refusal = designation_correction_refusal(doc_no=doc_no, dev_type=dev_type)
        if refusal:
            raise DomainError(refusal)
        fields = []
        if doc_no and active.doc_no != doc_no:
            active.doc_no = doc_no
            fields.append("doc_no")
        if dev_type and active.dev_type != dev_type:
            active.dev_type = dev_type
            fields.append("dev_type")
        if fields:
            active.save(update_fields=[*fields, "updated_at"])
        if dev_type and town.dev_type != dev_type:
            town.dev_type = dev_type
            town.save(update_fields=["dev_type"])
    return active


class DesignationWrite(NamedTuple):
    """One row of a bulk designation write (write_designations): a new designation, or a correction of the
    town's active one (its tier and first year as the row read them). Plain values, no model instance."""

    number: int  # the file's row, named in a refusal
    town_code: str
    tier: str
    from_year: int
    doc_no: str
    dev_type: str
    correction: bool = False


def write_designations(rows: Sequence[DesignationWrite]) -> int:
    """Create and correct many towns' designations at once (R2; the designation import): designate's and
    correct_designation's checks over the whole set under the towns' locks, then one statement per table —
    the new designations, the corrected ones, the towns whose development type changes. Each written row is
    one row of the enclosing change set, as auditlog records a saved one. No actor: the import has decided
    who may designate. Returns how many designations it created or corrected."""
    if not rows:
        return 0
    codes = sorted({row.town_code for row in rows})
    with transaction.atomic():
        towns = {
            town.code: town
            for town in Town.objects.select_for_update().filter(code__in=codes).order_by("code")
        }
        facts = town_facts(codes)
        problems = _write_problems(rows, towns, facts)
        if problems:
            raise DomainError(f"{problems[0].rstrip('。')}。导入未执行，没有写入任何数据。", details=problems)
        active = {
            designation.town_id: designation
            for designation in Designation.objects.filter(
                town_id__in=[row.town_code for row in rows if row.correction], to_year__isnull=True
            )
        }
        now = timezone.now()
        created = Designation.objects.bulk_create(
            Designation(
                town=towns[row.town_code],
                tier=row.tier,
                from_year=row.from_year,
                doc_no=row.doc_no,
                dev_type=row.dev_type,
                began=Began.SELECTED,
                created_at=now,
                updated_at=now,
            )
            for row in rows
            if not row.correction
        )
        made = iter(created)
        audit = _change_set_or_own("导入示范镇认定")
        corrected, retyped = [], {}
        with audit as changes:
            for row in rows:
                town = towns[row.town_code]
                if row.correction:
                    designation = active[row.town_code]
                    designation.town = town
                    diff = {}
                    for name, value in (("doc_no", row.doc_no.strip()), ("dev_type", row.dev_type.strip())):
                        if value and getattr(designation, name) != value:
                            diff[name] = [getattr(designation, name), value]
                            setattr(designation, name, value)
                    if diff:
                        designation.updated_at = now
                        corrected.append(designation)
                        changes.add(designation, LogEntry.Action.UPDATE, diff)
                else:
                    designation = next(made)
                    changes.add(designation, LogEntry.Action.CREATE, _created_diff(designation))
                dev_type = row.dev_type.strip()
                if dev_type and town.dev_type != dev_type:
                    changes.add(town, LogEntry.Action.UPDATE, {"dev_type": [town.dev_type, dev_type]})
                    town.dev_type = dev_type
                    retyped[town.code] = town
        _rewrite(Designation, corrected, update=("doc_no", "dev_type", "updated_at"))
        _rewrite(Town, list(retyped.values()), update=("dev_type",))
        analyze_tables(Designation, rows=len(created) + len(corrected))
        analyze_tables(Town, rows=len(retyped))
    return len(created) + len(corrected)


def _write_problems(
    rows: Sequence[DesignationWrite], towns: dict[str, Town], facts: dict[str, TownFacts]
) -> list[str]:
    problems = []
    for row in rows:
        fact = facts.get(row.town_code)
        if fact is None or row.town_code not in towns:
            problem = f"区划代码 {row.town_code} 不存在"
        elif row.correction:
            if fact.active_tier != row.tier or fact.active_from_year != row.from_year:
                problem = f"{fact.name}的有效认定已经变化，未作更正，请刷新后重试。"
            else:
                problem = designation_correction_refusal(
                    doc_no=row.doc_no.strip(), dev_type=row.dev_type.strip()
                )
        else:
            problem = designation_refusal(fact)
        if problem:
            problems.append(f"第 {row.number} 行：{problem}")
    return problems


def _created_diff(designation: Designation) -> dict:
    """auditlog's diff of a created designation (model_instance_diff), over its own columns only: the whole
    diff would look up each new designation's (absent) submission, one query per row, to record nothing."""
    return model_instance_diff(None, designation, fields_to_check=CONCRETE_FIELDS) or {}


def _change_set_or_own(label: str) -> contextlib.AbstractContextManager[ChangeSet]:
    enclosing = current_change_set()
    return contextlib.nullcontext(enclosing) if enclosing is not None else change_set(label)


def _rewrite(model: type[Model], instances: Sequence[Model], *, update: Sequence[str]) -> None:
    """Write the instances' `update` columns back in one statement (core.upsert on the primary key)."""
    columns = [field.attname for field in model._meta.concrete_fields]
    upsert_rows(
        model,
        columns=columns,
        rows=[tuple(getattr(instance, column) for column in columns) for instance in instances],
        conflict=(model._meta.pk.attname,),
        update=update,
        returning=(model._meta.pk.attname,),
    )


@dataclass(frozen=True)
class ImportSummary:
    created: int
    unchanged: int
    changed: int = 0


def import_designations(
    user: User | None, *, file_name: str, data: bytes, via: str = Via.IMPORT
) -> ImportSummary:
    """Import designations from a .csv/.xlsx file in one step: the designation importer's preview, then its
    apply (towns.imports; core.import_batches.import_now). Any bad row imports nothing.

    The command passes None (via command). Raises DomainError whose details list each bad row with its
    number and reason. The pages and the API import in two steps (core.imports) through the same importer.
    """
    from core.import_batches import import_now

    report = import_now(user, kind=DESIGNATION_IMPORT, file_name=file_name, data=data, via=via)
    return ImportSummary(
        created=report.counts[RowStatus.NEW],
        unchanged=report.counts[RowStatus.UNCHANGED],
        changed=report.counts[RowStatus.CHANGED],
    )


def actor_of(user: User) -> Actor:
    """The user as the pure rules see an actor: a role and the region it holds."""
    return Actor(role=user.role, region_code=user.region_id)


def may_change_tiers(user: User, town: Town | None = None) -> bool:
    """Whether the user may be offered the tier-change form (R2): province_admin, or the town's city (any
    city official when no town is given). What a change may do is tier_change_refusal's."""
    if is_province_admin(user):
        return True
    return user.role == Role.CITY_OFFICIAL and (town is None or user.region_id == town.city_id)


def _end_designation(designation: Designation, year: int, ended: str, doc_no: str) -> None:
    if year < designation.from_year:
        raise DomainError(f"终止年度 {year} 不能早于该认定的起始年度 {designation.from_year}。")
    designation.to_year = year
    designation.ended = ended
    designation.end_doc_no = doc_no
    designation.save(update_fields=["to_year", "ended", "end_doc_no", "updated_at"])


def replace_designation(
    town: Town, tier: str, year: int, *, doc_no: str, began: str, ended: str
) -> Designation:
    """End the town's active designation (if any) in `year` and start one of `tier` from `year`. R2."""
    with transaction.atomic():
        _lock_town(town)
        active = town.active_designation()
        if active is not None:
            _end_designation(active, year, ended, doc_no)
        dev_type = active.dev_type if active is not None else town.dev_type
        return designate(town, tier, year, doc_no=doc_no, dev_type=dev_type, began=began)


def change_tier(
    user: User, *, town: Town, change: str, year: int, doc_no: str, new_tier: str | None = None
) -> Designation:
    """Promote, change or withdraw a town's designation outside a round, with a document number (R2).

    The page and the API (POST /api/v1/towns/{code}/tier-change/) both call this. The town row is locked
    first, so the rules decide on the designation that is really active: two changes of one town queue up.
    Returns the new designation (promote, change) or the ended one (withdraw).
    """
    doc_no = doc_no or ""
    with transaction.atomic():
        _lock_town(town)
        active = town.active_designation()
        old_tier = active.tier if active is not None else None
        refusal = tier_change_refusal(
            actor_of(user),
            change=change,
            town_city_code=town.city_id,
            town_name=town.name,
            old_tier=old_tier,
            new_tier=new_tier,
            doc_no=doc_no,
        )
        if refusal:
            raise DomainError(refusal)
        doc_no = doc_no.strip()
        if change == TierChange.WITHDRAW:
            _end_designation(active, year, Ended.WITHDRAWN, doc_no)
            return active
        if change == TierChange.PROMOTE:
            return replace_designation(
                town, new_tier, year, doc_no=doc_no, began=Began.PROMOTED, ended=Ended.PROMOTED
            )
        return replace_designation(
            town, new_tier, year, doc_no=doc_no, began=Began.CHANGED, ended=Ended.CHANGED
        )
