"""Writes about towns and designations; each operation is one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from core.audit import Via, audit_context
from core.errors import DomainError
from core.roles import Role
from core.scoping import is_province_admin
from core.tabular import read_table

from ..choices import Began, Ended, TierChange
from ..models import Designation, Town
from ..rules import Actor, check_designation_rows, designation_refusal, tier_change_refusal
from ..selectors import town_fact, town_facts, towns_by_code

if TYPE_CHECKING:
    from accounts.models import User

DESIGNATION_COLUMNS = ("town_code", "tier", "year")
DESIGNATION_OPTIONAL_COLUMNS = ("doc_no", "dev_type")


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


@dataclass(frozen=True)
class ImportSummary:
    created: int
    unchanged: int


def import_designations(
    user: User | None, *, file_name: str, data: bytes, via: str = Via.IMPORT
) -> ImportSummary:
    """Import designations from a .csv/.xlsx file: every row is checked first; any bad row imports nothing.

    The page passes the province_admin who uploads it, the command None (via command). Raises DomainError
    whose details list each bad row with its number and reason.
    """
    rows = read_table(file_name, data, DESIGNATION_COLUMNS, DESIGNATION_OPTIONAL_COLUMNS)
    facts = town_facts(row.values.get("town_code", "").strip() for row in rows)
    accepted, errors = check_designation_rows(rows, facts)
    if errors:
        raise DomainError(
            f"导入未执行：{len(errors)} 行有错误，请修改后重新导入（没有写入任何数据）。",
            details=[str(error) for error in errors],
        )
    to_create = [row for row in accepted if not row.unchanged]
    towns = towns_by_code(row.town_code for row in to_create)
    with audit_context(actor=user, via=via), transaction.atomic():
        for row in to_create:
            designate(towns[row.town_code], row.tier, row.year, doc_no=row.doc_no, dev_type=row.dev_type)
    return ImportSummary(created=len(to_create), unchanged=len(accepted) - len(to_create))


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
