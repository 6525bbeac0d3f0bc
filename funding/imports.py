"""The new-debt quota and allocation imports (R6) on core's two-step framework (core.imports).

- Quotas (funding.quotas, province_admin): the quota list's export (funding.sheets.QUOTA_SHEET), edited, imports
  back: one row per region and year; another amount is a change (before → after), a region and year without a
  quota a new one. Each row is checked as set_quota checks it (funding.rules.check_quota_rows: a city or a
  county, a valid year, amounts in range, never below what is already allocated of the quota) and written
  through set_quota, with the version the preview read.
- Allocations (funding.allocations, province_admin or a city's officials for their city's projects): the
  allocation list's export (funding.sheets.ALLOCATION_SHEET). A row without 安排编号 is a new allocation,
  written through allocate(); a row with one names a recorded allocation, whose amount and note may change
  (revise_allocation). Every row is checked as those services check it, in the file's order with what the rows
  above took (funding.rules.check_allocation_rows, R5/R6: never above the quota's remaining, never above the
  project's unfunded investment, the project's bond type, a cancelled project takes no more); a project or an
  allocation outside the user's city answers like one that does not exist. Each county is told once.

Locks: the framework's `lock(params)` is not given the rows, so it cannot name the rows to lock. Here `lock`
asks the preview that follows it inside the confirm's transaction (core.import_batches.apply_batch and
import_now call lock, then preview) to read the file's quotas and then its projects FOR UPDATE — the services'
order — so the preview that decides what is written sees rows nobody can change before the write.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse

from core import formats
from core.choices import RowStatus
from core.errors import DomainError
from core.imports import (
    Importer,
    ProgressCallback,
    RowOutcome,
    SheetColumn,
    counts,
    register,
    row_errors,
)
from core.roles import Role
from core.tabular import Table

from . import selectors, services
from .choices import FundingSource
from .models import Allocation
from .rules import (
    AllocationDecision,
    QuotaDecision,
    check_allocation_rows,
    check_quota_rows,
    parse_year,
)
from .sheets import (
    ALLOCATION_AMOUNT,
    ALLOCATION_NOTE,
    ALLOCATION_READ,
    ALLOCATION_SHEET,
    ALLOCATION_SOURCE,
    ALLOCATION_YEAR,
    GENERAL_AMOUNT,
    QUOTA_READ,
    QUOTA_SHEET,
    SPECIAL_AMOUNT,
)

if TYPE_CHECKING:
    from accounts.models import User

_LOCK_NEXT_PREVIEW: ContextVar[bool] = ContextVar("funding_import_lock_next_preview", default=False)


class _LockingImporter(Importer):
    """lock() marks the next preview of this thread to lock what it reads (see the module docstring)."""

    def lock(self, params: Mapping[str, Any]) -> None:
        _LOCK_NEXT_PREVIEW.set(True)

    @staticmethod
    def locking() -> bool:
        """Whether this preview takes the rows' locks: lock() asked for it and a transaction is open."""
        asked = _LOCK_NEXT_PREVIEW.get()
        _LOCK_NEXT_PREVIEW.set(False)
        return asked and transaction.get_connection().in_atomic_block


def _years(rows: Table) -> set[int]:
    return {year for row in rows if (year := parse_year(row.values.get("year", ""))[0]) is not None}


def _ids(rows: Table, key: str) -> set[int]:
    return {int(text) for row in rows if (text := (row.values.get(key) or "").strip()).isdigit()}


def _money(value: object) -> str:
    return "" if value is None else formats.money(value)


# --- quotas ----------------------------------------------------------------------------------------------


@register
class QuotaImporter(_LockingImporter):
    kind = services.QUOTA_IMPORT
    title = "新增债务限额"
    roles = frozenset({Role.PROVINCE_ADMIN})

    def denied_message(self) -> str:
        return "只有省级管理员可以下达新增债务限额。"

    def columns(self, params: Mapping[str, Any]) -> Sequence[SheetColumn]:
        return QUOTA_READ

    def template_columns(self, params: Mapping[str, Any]) -> Sequence[SheetColumn]:
        return QUOTA_SHEET

    def template_notes(self, params: Mapping[str, Any]) -> list[str]:
        return [
            "与“新增债务限额”导出表的列相同：可导出限额表，修改或补充后导入。每行一个地区一个年度的限额。",
            "已下达的限额：金额不同的行为修改（预览显示修改前后的值），相同的行为未变；未下达的地区和年度为新下达，须填写两项限额。",
            "县（市、区）的限额供其非市级示范镇的项目使用；市（州）的限额为市本级限额，只供该市（州）市级示范镇的项目使用。限额不能低于已安排的同类债券。",
        ]

    def breadcrumbs(self, params: Mapping[str, Any]) -> list[tuple[str, str]]:
        return [("资金保障", reverse("funding-summary")), ("新增债务限额", reverse("funding-quotas"))]

    def upload_url(self, params: Mapping[str, Any]) -> str:
        return reverse("funding-quota-import")

    def return_url(self, params: Mapping[str, Any]) -> str:
        return reverse("funding-quotas")

    def return_label(self, params: Mapping[str, Any]) -> str:
        return "查看新增债务限额"

    def preview(self, user: User | None, rows: Table, params: Mapping[str, Any]) -> list[RowOutcome]:
        """Two queries (three when locking), whatever the rows; the rules decide each row."""
        lock = self.locking()
        if not (rows.has("general_amount") or rows.has("special_amount")):
            raise DomainError(
                f"缺少限额列：{GENERAL_AMOUNT.header}（{GENERAL_AMOUNT.key}）或 {SPECIAL_AMOUNT.header}"
                f"（{SPECIAL_AMOUNT.key}），与导出的新增债务限额表相同。"
            )
        codes = {(row.values.get("region") or "").strip() for row in rows}
        regions, quotas = selectors.quota_import_facts(user, codes, _years(rows), lock=lock)
        labels = {"general": GENERAL_AMOUNT.header, "special": SPECIAL_AMOUNT.header}
        return [_quota_outcome(decision) for decision in check_quota_rows(rows, regions, quotas, labels)]

    def apply(
        self,
        user: User | None,
        outcomes: Sequence[RowOutcome],
        params: Mapping[str, Any],
        progress: ProgressCallback | None = None,
    ) -> dict[str, int]:
        """One set_quota per new or changed row (the quota form's service: its checks, its lock, its audit)."""
        writing = [outcome for outcome in outcomes if outcome.writes]
        regions = selectors.regions_by_code(outcome.data.region_code for outcome in writing)
        for done, outcome in enumerate(writing, start=1):
            decision: QuotaDecision = outcome.data
            with row_errors(outcome.number):
                services.set_quota(
                    user,
                    region=regions[decision.region_code],
                    year=decision.year,
                    general_amount=str(decision.general),
                    special_amount=str(decision.special),
                    version=decision.before.version if decision.before is not None else None,
                )
            if progress is not None:
                progress(done, len(writing))
        return counts(outcomes)


def _quota_outcome(decision: QuotaDecision) -> RowOutcome:
    if decision.status == RowStatus.ERROR:
        return RowOutcome.error(decision.number, decision.message, decision.subject)
    before = decision.before
    fields = [
        (
            GENERAL_AMOUNT.key,
            GENERAL_AMOUNT.header,
            _money(before.general if before else None),
            _money(decision.general),
        ),
        (
            SPECIAL_AMOUNT.key,
            SPECIAL_AMOUNT.header,
            _money(before.special if before else None),
            _money(decision.special),
        ),
    ]
    return RowOutcome.compare(
        decision.number, decision.subject, fields, exists=before is not None, data=decision
    )


# --- allocations -----------------------------------------------------------------------------------------


@register
class AllocationImporter(_LockingImporter):
    kind = services.ALLOCATION_IMPORT
    title = "资金安排"
    roles = services.ALLOCATING_ROLES

    def denied_message(self) -> str:
        return "只有省级管理员或市（州）工作人员可以安排资金。"

    def columns(self, params: Mapping[str, Any]) -> Sequence[SheetColumn]:
        return ALLOCATION_READ

    def template_columns(self, params: Mapping[str, Any]) -> Sequence[SheetColumn]:
        return ALLOCATION_SHEET

    def template_notes(self, params: Mapping[str, Any]) -> list[str]:
        return [
            "与“资金安排明细”导出表的列相同：可导出资金安排，补充新的安排或修改已有安排的金额、备注后导入。每行一笔资金安排。",
            "没有安排编号的行为新增的资金安排；与已记录的某笔安排完全相同（项目、资金来源、年度、金额、备注）的行视为未变，不重复安排。"
            "有安排编号的行对应已记录的那笔安排：只能修改金额和备注，项目、资金来源和年度不能修改。",
            "各行按文件中的顺序逐行校验，并计入上面各行已安排的金额：任何来源都不能超过项目尚未落实的资金；省级一般债券、专项债券须与项目推荐的债券类型一致，"
            "且不能超过所占用限额当年该类的剩余额度（市级示范镇的项目占用所在市（州）本级的限额，其他项目占用所在县（市、区）的限额）。",
        ]

    def breadcrumbs(self, params: Mapping[str, Any]) -> list[tuple[str, str]]:
        return [("资金保障", reverse("funding-summary")), ("资金安排", reverse("funding-allocations"))]

    def upload_url(self, params: Mapping[str, Any]) -> str:
        return reverse("funding-allocation-import")

    def return_url(self, params: Mapping[str, Any]) -> str:
        return reverse("funding-allocations")

    def return_label(self, params: Mapping[str, Any]) -> str:
        return "查看资金安排"

    def preview(self, user: User | None, rows: Table, params: Mapping[str, Any]) -> list[RowOutcome]:
        """Five queries (seven when locking), whatever the rows; the rules decide each row in the file's order."""
        facts = selectors.allocation_import_facts(
            user, _ids(rows, "project"), _ids(rows, "id"), _years(rows), lock=self.locking()
        )
        decisions = check_allocation_rows(
            list(rows), facts.projects, facts.recorded, facts.quotas, facts.project_allocations
        )
        return [_allocation_outcome(decision) for decision in decisions]

    def apply(
        self,
        user: User | None,
        outcomes: Sequence[RowOutcome],
        params: Mapping[str, Any],
        progress: ProgressCallback | None = None,
    ) -> dict[str, int]:
        """In the file's order, allocate() for each new row and revise_allocation() for each changed one (the
        services of the allocation form: their checks under their locks, their audit); then each county is
        told once of what was made and changed."""
        writing = [outcome for outcome in outcomes if outcome.writes]
        decisions: list[AllocationDecision] = [outcome.data for outcome in writing]
        projects = selectors.projects_for_allocation(d.project_id for d in decisions if d.recorded is None)
        recorded = selectors.allocations_for_revision(d.recorded.id for d in decisions if d.recorded)
        made: list[Allocation] = []
        revised: list[tuple[Allocation, Any]] = []
        for done, (outcome, decision) in enumerate(zip(writing, decisions, strict=True), start=1):
            with row_errors(outcome.number):
                if decision.recorded is None:
                    made.append(
                        services.allocate(
                            user,
                            project=projects[decision.project_id],
                            source=decision.source,
                            amount=str(decision.amount),
                            year=decision.year,
                            note=decision.note,
                            notify_county=False,
                        )
                    )
                else:
                    allocation = services.revise_allocation(
                        user,
                        allocation=recorded[decision.recorded.id],
                        amount=str(decision.amount),
                        note=decision.note,
                        notify_county=False,
                    )
                    revised.append((allocation, decision.recorded.amount))
            if progress is not None:
                progress(done, len(writing))
        services.tell_allocations(user, made=made, revised=revised)
        return counts(outcomes)


def _allocation_outcome(decision: AllocationDecision) -> RowOutcome:
    if decision.status == RowStatus.ERROR:
        return RowOutcome.error(decision.number, decision.message, decision.subject)
    if decision.status == RowStatus.UNCHANGED:
        return RowOutcome.unchanged(decision.number, decision.subject, decision.message, data=decision)
    recorded = decision.recorded
    if recorded is None:
        fields = [
            (ALLOCATION_YEAR.key, ALLOCATION_YEAR.header, "", str(decision.year)),
            (ALLOCATION_SOURCE.key, ALLOCATION_SOURCE.header, "", FundingSource(decision.source).label),
            (ALLOCATION_AMOUNT.key, ALLOCATION_AMOUNT.header, "", _money(decision.amount)),
            (ALLOCATION_NOTE.key, ALLOCATION_NOTE.header, "", decision.note),
        ]
        return RowOutcome.compare(decision.number, decision.subject, fields, exists=False, data=decision)
    fields = [
        (ALLOCATION_AMOUNT.key, ALLOCATION_AMOUNT.header, _money(recorded.amount), _money(decision.amount)),
        (ALLOCATION_NOTE.key, ALLOCATION_NOTE.header, recorded.note, decision.note),
    ]
    return RowOutcome.compare(decision.number, decision.subject, fields, exists=True, data=decision)
