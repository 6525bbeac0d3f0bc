"""Writes about towns and designations; each operation is one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from core.audit import Via
from core.choices import RowStatus
from core.errors import DomainError
from core.roles import Role
from core.scoping import is_province_admin

from ..choices import Began, Ended, TierChange
from ..models import Designation, Town
from ..rules import Actor, designation_correction_refusal, designation_refusal, tier_change_refusal
from ..selectors import town_fact

if TYPE_CHECKING:
    from accounts.models import User

DESIGNATION_IMPORT = "towns.designations"  # the importer's kind (towns.imports)


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
