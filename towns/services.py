"""Writes about towns and designations; each operation is one transaction."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from core.audit import audit_context
from core.errors import DomainError
from core.tabular import read_table

from .choices import Began
from .models import Designation, Town
from .rules import check_designation_rows, designation_refusal
from .selectors import town_fact, town_facts

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
