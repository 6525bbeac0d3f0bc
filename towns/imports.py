"""The designation import (R2) on core's two-step framework (core.imports): the directory's columns
(towns.exports.TOWN_SHEET), the rules of towns.rules.check_designation_rows, and one bulk write
(`write_designations`: the checks of `designate` for a new designation and of `correct_designation` for
another document number or development type of the active one, over the whole set, one statement per
table). An exported directory, edited, imports back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from core.choices import RowStatus
from core.imports import (
    Change,
    Importer,
    ProgressCallback,
    RowOutcome,
    SheetColumn,
    counts,
    register,
)
from core.roles import Role
from core.tabular import Table
from core.vocabulary import label

from .choices import DevType, Tier
from .exports import DESIGNATION_COLUMNS, DEV_TYPE, DOC_NO, TIER, TOWN_SHEET, YEAR
from .rules import DesignationRow, check_designation_rows
from .selectors import town_facts
from .services import DESIGNATION_IMPORT, DesignationWrite, write_designations

if TYPE_CHECKING:
    from accounts.models import User

FIELD_LABELS = {"doc_no": DOC_NO.header, "dev_type": DEV_TYPE.header}


def _shown(field: str, value: str) -> str:
    return label(DevType, value, empty="") if field == "dev_type" else value


def _changes(row: DesignationRow) -> tuple[Change, ...]:
    if row.outcome == RowStatus.NEW:
        fields = [
            ("tier", TIER.header, Tier(row.tier).label),
            ("year", YEAR.header, str(row.year)),
            ("doc_no", DOC_NO.header, row.doc_no),
            ("dev_type", DEV_TYPE.header, _shown("dev_type", row.dev_type)),
        ]
        return tuple(Change(key, header, "", after) for key, header, after in fields if after)
    return tuple(
        Change(field, FIELD_LABELS[field], _shown(field, before), _shown(field, after))
        for field, before, after in row.corrections
    )


@register
class DesignationImporter(Importer):
    kind = DESIGNATION_IMPORT
    title = "示范镇认定"
    roles = frozenset({Role.PROVINCE_ADMIN})

    def denied_message(self) -> str:
        return "只有省级管理员可以导入示范镇认定。"

    def columns(self, params: Mapping[str, Any]) -> Sequence[SheetColumn]:
        return DESIGNATION_COLUMNS

    def template_columns(self, params: Mapping[str, Any]) -> Sequence[SheetColumn]:
        return TOWN_SHEET

    def template_notes(self, params: Mapping[str, Any]) -> list[str]:
        return [
            "与“示范镇名录”导出表的列相同：可导出名录，修改或补充后导入。每行一个镇。",
            "层级和认定起始年度与该镇现有认定相同的行为未变（可更正其文号和发展类型）；已有认定的镇不能通过导入改为其他层级或终止认定，请在镇页面办理层级调整。",
        ]

    def breadcrumbs(self, params: Mapping[str, Any]) -> list[tuple[str, str]]:
        return [("示范镇名录", reverse("town-list"))]

    def upload_url(self, params: Mapping[str, Any]) -> str:
        return reverse("designation-import")

    def return_url(self, params: Mapping[str, Any]) -> str:
        return reverse("town-list")

    def return_label(self, params: Mapping[str, Any]) -> str:
        return "查看示范镇名录"

    def preview(self, user: User | None, rows: Table, params: Mapping[str, Any]) -> list[RowOutcome]:
        """One query (the towns the file names, with their active designations); the rules decide each row."""
        facts = town_facts(row.values.get("town_code", "").strip() for row in rows)
        accepted, errors = check_designation_rows(rows, facts)
        codes = {row.number: row.values.get("town_code", "").strip() for row in rows}
        outcomes = [
            RowOutcome.error(error.number, error.message, _subject(facts, codes[error.number]))
            for error in errors
        ]
        for row in accepted:
            town = facts[row.town_code]
            subject = f"{town.name}（{town.code}）"
            if row.blank:
                outcomes.append(RowOutcome.unchanged(row.number, subject, "未认定，不导入"))
            elif row.outcome == RowStatus.UNCHANGED:
                outcomes.append(RowOutcome.unchanged(row.number, subject))
            elif row.outcome == RowStatus.CHANGED:
                outcomes.append(RowOutcome.changed(row.number, subject, _changes(row), data=row))
            else:
                outcomes.append(RowOutcome.new(row.number, subject, _changes(row), data=row))
        return sorted(outcomes, key=lambda outcome: outcome.number)

    def apply(
        self,
        user: User | None,
        outcomes: Sequence[RowOutcome],
        params: Mapping[str, Any],
        progress: ProgressCallback | None = None,
    ) -> dict[str, int]:
        """Every new and corrected designation in one write (write_designations: designate's and
        correct_designation's checks over the whole set, one statement per table), in the file's order."""
        rows = [
            DesignationWrite(
                number=outcome.number,
                town_code=row.town_code,
                tier=row.tier,
                from_year=row.year,
                doc_no=row.doc_no,
                dev_type=row.dev_type,
                correction=outcome.status == RowStatus.CHANGED,
            )
            for outcome in outcomes
            if outcome.writes
            for row in (outcome.data,)
        ]
        write_designations(rows)
        if progress is not None:
            progress(len(rows), len(rows))
        return counts(outcomes)


def _subject(facts: Mapping[str, Any], code: str) -> str:
    town = facts.get(code)
    return f"{town.name}（{code}）" if town is not None else code
