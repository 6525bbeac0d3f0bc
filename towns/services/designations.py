"""Writes about towns and designations; each operation is one transaction."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from core.audit import audit_context
from core.errors import DomainError
from core.tabular import read_table

from ..choices import Began, Ended, TierChange
from ..models import Designation, Town
from ..rules import Actor, check_designation_rows, designation_refusal, tier_change_refusal
from ..selectors import town_fact, town_facts

DESIGNATION_COLUMNS = ("town_code", "tier", "year")
DESIGNATION_OPTIONAL_COLUMNS = ("doc_no", "dev_type")


def designate(town, tier, from_year, doc_no="", dev_type="", began=Began.SELECTED):
    """Create the town's active designation (R2): only a 镇, and only one active at a time."""
    with transaction.atomic():
        # Lock the town row so two concurrent designations of one town queue up behind each other.
        Town.objects.select_for_update().filter(pk=town.pk).exists()
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


def import_designations(file_name, data, actor=None, via="import"):
    """Import designations from a .csv/.xlsx file: every row is checked first; any bad row imports nothing.

    Raises DomainError whose details list each bad row with its number and reason.
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
    towns = Town.objects.in_bulk([row.town_code for row in to_create])
    with audit_context(actor=actor, via=via), transaction.atomic():
        for row in to_create:
            designate(towns[row.town_code], row.tier, row.year, doc_no=row.doc_no, dev_type=row.dev_type)
    return ImportSummary(created=len(to_create), unchanged=len(accepted) - len(to_create))


def actor_of(user):
    return Actor(role=user.role, region_code=user.region_id)


def _end_designation(designation, year, ended, doc_no):
    if year < designation.from_year:
        raise DomainError(f"终止年度 {year} 不能早于该认定的起始年度 {designation.from_year}。")
    designation.to_year = year
    designation.ended = ended
    designation.end_doc_no = doc_no
    designation.save(update_fields=["to_year", "ended", "end_doc_no", "updated_at"])


def replace_designation(town, tier, year, doc_no, began, ended):
    """End the town's active designation (if any) in `year` and start one of `tier` from `year`. R2."""
    with transaction.atomic():
        Town.objects.select_for_update().filter(pk=town.pk).exists()
        active = town.designations.filter(to_year__isnull=True).first()
        if active is not None:
            _end_designation(active, year, ended, doc_no)
        dev_type = active.dev_type if active is not None else town.dev_type
        return designate(town, tier, year, doc_no=doc_no, dev_type=dev_type, began=began)


def change_tier(user, town, change, year, doc_no, new_tier=None):
    """Promote, change or withdraw a town's designation outside a round, with a document number (R2).

    The page and the API (POST /api/v1/towns/{code}/tier-change/) both call this. The town row is locked
    first, so the rules decide on the designation that is really active: two changes of one town queue up.
    Returns the new designation (promote, change) or the ended one (withdraw).
    """
    doc_no = doc_no or ""
    with transaction.atomic():
        Town.objects.select_for_update().filter(pk=town.pk).exists()
        active = town.designations.filter(to_year__isnull=True).first()
        old_tier = active.tier if active is not None else None
        refusal = tier_change_refusal(
            actor_of(user), change, town.city_id, town.name, old_tier, new_tier, doc_no
        )
        if refusal:
            raise DomainError(refusal)
        doc_no = doc_no.strip()
        if change == TierChange.WITHDRAW:
            _end_designation(active, year, Ended.WITHDRAWN, doc_no)
            return active
        if change == TierChange.PROMOTE:
            return replace_designation(
                town, new_tier, year, doc_no, began=Began.PROMOTED, ended=Ended.PROMOTED
            )
        return replace_designation(town, new_tier, year, doc_no, began=Began.CHANGED, ended=Ended.CHANGED)
