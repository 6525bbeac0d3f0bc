"""Pure decisions about funding (R6): allocation checks and the proposed allocation of a county's (or a city's
own) quota."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from core.formats import money
from core.money import parse_money
from core.roles import RegionLevel, Role
from core.years import YEAR_INVALID, YEAR_MAX, YEAR_MIN
from projects.choices import BondType, ProjectStatus
from towns.choices import Tier

from .choices import BOND_KIND_OF_SOURCE, FundingSource


def quota_region_code(town_tier: str | None, county_code: str, city_code: str) -> str:
    """Which new-debt quota a bond allocation to a project draws on (R6: a county's, or a city's).

    A city's own quota (市本级) serves the towns the city manages, its city-level demonstration towns
    (市级示范镇): it is drawn by allocations to projects of a town whose active designation is city-level,
    and by nothing else. Every other project (provincial or county-level town, or no active designation)
    draws on its county's quota.
    """
    return city_code if town_tier == Tier.CITY else county_code


def may_allocate_to(role: str | None, user_region: str | None, project_city: str) -> bool:
    """Who allocates to a project (R6): province_admin, or an official of the project's city."""
    return role == Role.PROVINCE_ADMIN or (role == Role.CITY_OFFICIAL and user_region == project_city)


def allocation_refusal(
    source: str,
    amount: Decimal,
    project_bond_type: str,
    unfunded: Decimal,
    remaining_quota: Decimal | None,
    project_status: str,
    city_quota: bool = False,
) -> str | None:
    """Why an allocation of amount from source to a project is refused, or None. R6; plan 六、(二).

    remaining_quota: what is left of the quota the allocation draws on (quota_region_code) of the bond's kind
    for the year (None when that region has no quota that year); ignored for non-bond sources. city_quota:
    the quota is the city's (the project's town is city-level).
    """
    if source not in FundingSource.values:
        return f"未知的资金来源“{source}”。"
    if amount <= 0:
        return "安排金额应大于 0。"
    if project_status == ProjectStatus.CANCELLED:
        return "项目已终止，不能再安排资金。"
    if amount > unfunded:
        return f"安排金额 {money(amount)} 万元超过项目尚未落实的资金 {money(unfunded)} 万元。"
    kind = BOND_KIND_OF_SOURCE.get(FundingSource(source))
    if kind is None:
        return None
    bond = BondType(kind).label
    if project_bond_type != kind:
        recommended = BondType(project_bond_type).label
        return f"该项目的推荐债券类型为“{recommended}”，不能安排{bond}。"
    if remaining_quota is None:
        if city_quota:
            return (
                f"该市（州）当年尚未下达市本级新增{bond}限额（市级示范镇的项目占用所在市（州）本级的限额）。"
            )
        return f"该县（市、区）当年尚未下达新增{bond}限额。"
    if amount > remaining_quota:
        return f"安排金额 {money(amount)} 万元超过当年新增{bond}剩余限额 {money(remaining_quota)} 万元。"
    return None


@dataclass(frozen=True)
class ProjectFacts:
    id: int
    name: str
    town_is_provincial: bool
    public_welfare: bool
    key_support: bool
    status: str
    has_approvals: bool
    bond_type: str
    unfunded: Decimal
    start_year: int


@dataclass(frozen=True)
class ProposalLine:
    project_id: int
    project_name: str
    source: str
    amount: Decimal
    reason: str

    @property
    def source_label(self) -> str:
        return FundingSource(self.source).label


READINESS = {ProjectStatus.UNDER_CONSTRUCTION: 3, ProjectStatus.APPROVED: 2, ProjectStatus.PLANNED: 1}


def priority_key(project: ProjectFacts) -> tuple[bool, bool, int, bool, int, int]:
    """R6 优先安排: provincial towns' public-welfare projects first, then key provincial support, then the
    readiest (在建, then 已批复 with both approvals, …), then the earlier start, then the older project."""
    return (
        not (project.town_is_provincial and project.public_welfare),
        not project.key_support,
        -READINESS.get(project.status, 0),
        not project.has_approvals,
        project.start_year,
        project.id,
    )


def propose_allocation(
    projects: Iterable[ProjectFacts], remaining: Mapping[str, Decimal | None]
) -> list[ProposalLine]:
    """Share out the remaining quota {"general": Decimal, "special": Decimal} over the projects in priority
    order, each getting as much of its own bond kind as it still lacks. Pure; returns ProposalLines."""
    left = {kind: max(Decimal(remaining.get(kind) or 0), Decimal("0")) for kind in ("general", "special")}
    lines = []
    for project in sorted(projects, key=priority_key):
        if project.bond_type not in left or project.status not in READINESS or project.unfunded <= 0:
            continue
        amount = min(project.unfunded, left[project.bond_type])
        if amount <= 0:
            continue
        left[project.bond_type] -= amount
        source = (
            FundingSource.PROVINCIAL_GENERAL_BOND
            if project.bond_type == BondType.GENERAL
            else FundingSource.PROVINCIAL_SPECIAL_BOND
        )
        lines.append(ProposalLine(project.id, project.name, source, amount, _reason(project)))
    return lines


def _reason(project: ProjectFacts) -> str:
    if project.key_support:
        return "省级重点支持项目（省级示范镇公益性项目，投资超过 500 万元）优先安排"
    if project.town_is_provincial and project.public_welfare:
        return "省级示范镇公益性项目优先安排"
    return f"按项目成熟度安排（{ProjectStatus(project.status).label}）"


# --- quotas and allocations read from a spreadsheet (issue 11, point 2: funding.imports) ---------------------

KIND_WORDS = {"general": "一般", "special": "专项"}
NOTE_MAX = 200  # Allocation.note


def quota_floor_refusal(kind: str, amount: Decimal, used: Decimal) -> str | None:
    """R6: a quota of a kind never falls below the bond allocations of that kind already drawing on it."""
    if amount < used:
        return f"已安排{KIND_WORDS[kind]}债券 {money(used)} 万元，限额不能低于该数。"
    return None


def revision_refusal(
    source: str,
    before: Decimal,
    after: Decimal,
    project_bond_type: str,
    unfunded: Decimal,
    remaining_quota: Decimal | None,
    project_status: str,
    city_quota: bool = False,
) -> str | None:
    """Why changing a recorded allocation's amount from before to after is refused, or None (R6).

    A reduction only gives back to the project and to the quota it drew on: refused only when it does not stay
    above 0. A raise is an allocation of the difference, checked as allocation_refusal checks a new one (the
    project's current bond type, not cancelled, within its unfunded investment and what is left of the quota
    the allocation drew on: remaining_quota)."""
    if after <= 0:
        return "安排金额应大于 0。"
    if after <= before:
        return None
    raise_by = after - before
    refusal = allocation_refusal(
        source, raise_by, project_bond_type, unfunded, remaining_quota, project_status, city_quota=city_quota
    )
    if refusal is None:
        return None
    return f"金额由 {money(before)} 万元调为 {money(after)} 万元（调增 {money(raise_by)} 万元）：{refusal}"


def joined(problems: Iterable[str]) -> str:
    """Every problem of a row in one message: sentences joined by "；", ending in "。"."""
    parts = [problem.rstrip("。；") for problem in problems if problem]
    return "；".join(parts) + "。" if parts else ""


def parse_year(text: str) -> tuple[int | None, str | None]:
    """A program year from a cell: (year, None) or (None, the problem)."""
    text = (text or "").strip()
    if not text:
        return None, "请填写年度"
    if not text.isdigit() or not YEAR_MIN <= int(text) <= YEAR_MAX:
        return None, f"年度“{text}”无效（{YEAR_INVALID.rstrip('。')}）"
    return int(text), None


def parse_source(text: str) -> str | None:
    """A funding source from a cell: its value (provincial_general_bond) or its label (省级一般债券); None."""
    text = (text or "").strip()
    by_value = {value.lower(): value for value in FundingSource.values}
    if text.lower() in by_value:
        return by_value[text.lower()]
    for value, name in FundingSource.choices:
        if text.replace(" ", "") == str(name).replace(" ", ""):
            return value
    return None


class SheetRow(Protocol):
    """A row read from a spreadsheet (core.tabular.SourceRow): its number and its cells as text by key; a key
    is missing when the sheet has no such column."""

    number: int
    values: Mapping[str, str]


# --- quotas ---


@dataclass(frozen=True)
class QuotaRegion:
    """A region a quota row names: its code, name and level (core.roles.RegionLevel)."""

    code: str
    name: str
    level: str


@dataclass(frozen=True)
class RecordedQuota:
    """A quota already set: its amounts, what is used of each kind, its version."""

    id: int
    general: Decimal
    special: Decimal
    general_used: Decimal
    special_used: Decimal
    version: int

    def amount(self, kind: str) -> Decimal:
        return self.general if kind == "general" else self.special

    def used(self, kind: str) -> Decimal:
        return self.general_used if kind == "general" else self.special_used


@dataclass(frozen=True)
class QuotaDecision:
    """What a quota import does with one row: status new / changed / unchanged / error; for the others the
    region, year and both amounts to set (and before: the quota as recorded, None for a new one)."""

    number: int
    status: str
    subject: str
    message: str = ""
    region_code: str = ""
    year: int | None = None
    general: Decimal | None = None
    special: Decimal | None = None
    before: RecordedQuota | None = None


def check_quota_rows(
    rows: Iterable[SheetRow],
    regions: Mapping[str, QuotaRegion],
    quotas: Mapping[tuple[str, int], RecordedQuota],
    labels: Mapping[str, str],
) -> list[QuotaDecision]:
    """Each row of a quota sheet checked as set_quota checks it (R6), every problem of a row listed.

    regions: the regions the file names that the importer may see (any other is unknown); quotas: those set,
    by (region code, year); labels: kind → the amount column's header (for the messages). A blank amount keeps
    a recorded quota's amount; a new quota needs both. A quota never falls below what is allocated of it.
    """
    decisions, seen = [], {}
    for row in rows:
        values = row.values
        problems = []
        code = (values.get("region") or "").strip()
        region = regions.get(code)
        if not code:
            problems.append("请填写区划代码")
        elif region is None:
            problems.append(f"区划代码 {code} 不存在")
        elif region.level not in (RegionLevel.CITY, RegionLevel.COUNTY):
            problems.append(f"新增债务限额按市（州）或县（市、区）下达，{region.name}（{code}）不是")
        year, problem = parse_year(values.get("year", ""))
        if problem:
            problems.append(problem)
        subject = _quota_subject(region, code, year)
        recorded = quotas.get((code, year)) if region is not None and year is not None else None
        amounts: dict[str, Decimal | None] = {}
        for kind in ("general", "special"):
            text = (values.get(f"{kind}_amount") or "").strip()
            if not text:
                if recorded is None and region is not None and year is not None:
                    problems.append(f"请填写{labels[kind]}（新下达的限额两项都要填写）")
                amounts[kind] = recorded.amount(kind) if recorded is not None else None
                continue
            amount, problem = parse_money(text, labels[kind])
            if problem:
                problems.append(problem)
            elif recorded is not None:
                problems.append(quota_floor_refusal(kind, amount, recorded.used(kind)) or "")
            amounts[kind] = amount
        if region is not None and year is not None:
            first = seen.setdefault((code, year), row.number)
            if first != row.number:
                problems.append(f"与第 {first} 行是同一地区、同一年度的限额")
        message = joined(problems)
        if message:
            decisions.append(QuotaDecision(row.number, "error", subject, message))
            continue
        if recorded is None:
            status = "new"
        elif (amounts["general"], amounts["special"]) == (recorded.general, recorded.special):
            status = "unchanged"
        else:
            status = "changed"
        decisions.append(
            QuotaDecision(
                row.number,
                status,
                subject,
                region_code=code,
                year=year,
                general=amounts["general"],
                special=amounts["special"],
                before=recorded,
            )
        )
    return decisions


def _quota_subject(region: QuotaRegion | None, code: str, year: int | None) -> str:
    if region is None:
        where = code
    else:
        own = "（市本级）" if region.level == RegionLevel.CITY else ""
        where = f"{region.name}{own}（{code}）"
    return f"{where} {year} 年" if year is not None else where


# --- allocations ---


@dataclass(frozen=True)
class AllocatableProject:
    """A project as an allocation row is checked against it (R5/R6): unfunded is its investment less every
    allocation recorded; quota_region the region whose quota its bond allocations draw on (quota_region_code);
    allowed whether the importing user may allocate to it (province_admin, or the project's city)."""

    id: int
    name: str
    town_name: str
    status: str
    bond_type: str
    unfunded: Decimal
    quota_region: str
    city_quota: bool
    allowed: bool


@dataclass(frozen=True)
class RecordedAllocation:
    id: int
    project_id: int
    source: str
    year: int
    amount: Decimal
    note: str
    quota_id: int | None


@dataclass(frozen=True)
class QuotaBalance:
    """What is left of a quota of each bond kind."""

    id: int
    region_code: str
    year: int
    general: Decimal
    special: Decimal

    def remaining(self, kind: str) -> Decimal:
        return self.general if kind == "general" else self.special


@dataclass(frozen=True)
class AllocationDecision:
    """What an allocation import does with one row: status new (allocate) / changed (revise the recorded
    allocation `recorded`: amount, note) / unchanged / error, with the values to write."""

    number: int
    status: str
    subject: str
    message: str = ""
    project_id: int | None = None
    source: str = ""
    year: int | None = None
    amount: Decimal | None = None
    note: str = ""
    recorded: RecordedAllocation | None = None


@dataclass
class _Ledger:
    """The running account of one import, in the file's order: each project's unfunded investment and each
    quota's remaining per kind, as the rows accepted so far leave them."""

    unfunded: dict[int, Decimal]
    remaining: dict[tuple[int, str], Decimal]

    def take(self, project_id: int, quota_id: int | None, kind: str | None, amount: Decimal) -> None:
        self.unfunded[project_id] -= amount
        if quota_id is not None and kind is not None:
            self.remaining[(quota_id, kind)] -= amount


def check_allocation_rows(
    rows: Sequence[SheetRow],
    projects: Mapping[int, AllocatableProject],
    recorded: Mapping[int, RecordedAllocation],
    quotas: Iterable[QuotaBalance],
    project_allocations: Iterable[RecordedAllocation] = (),
) -> list[AllocationDecision]:
    """Each row of an allocation sheet checked as allocate() checks it (R5/R6), in the file's order, every
    problem of a row listed.

    A row without 安排编号 (id) is a new allocation: refused where allocation_refusal refuses it, with what the
    rows above it took already counted (never above the quota's remaining nor the project's unfunded
    investment). A row identical to an allocation recorded (project, source, year, amount, note) that no
    other row names by id is unchanged: importing a sheet twice allocates nothing twice. A row with an id
    names a recorded allocation (among `recorded`, those the user may see): its project, source and year stay
    as recorded; another amount is a revision (revision_refusal) and another note a correction.

    projects: the projects the file names that the user may see; project_allocations: the allocations
    recorded for them (for the identical-row check).
    """
    balances = list(quotas)
    by_region = {(quota.region_code, quota.year): quota for quota in balances}
    ledger = _Ledger(
        unfunded={pid: project.unfunded for pid, project in projects.items()},
        remaining={(q.id, kind): q.remaining(kind) for q in balances for kind in ("general", "special")},
    )
    named = {int(text) for row in rows if (text := (row.values.get("id") or "").strip()).isdigit()}
    identical: dict[tuple, list[int]] = {}
    for allocation in sorted(project_allocations, key=lambda a: a.id):
        if allocation.id not in named:
            identical.setdefault(_identity(allocation), []).append(allocation.id)
    decisions, seen_ids = [], {}
    for row in rows:
        decisions.append(_allocation_row(row, projects, recorded, by_region, ledger, identical, seen_ids))
    return decisions


def _identity(allocation: RecordedAllocation) -> tuple:
    return (allocation.project_id, allocation.source, allocation.year, allocation.amount, allocation.note)


def _allocation_row(
    row: SheetRow,
    projects: Mapping[int, AllocatableProject],
    recorded_by_id: Mapping[int, RecordedAllocation],
    by_region: Mapping[tuple[str, int], QuotaBalance],
    ledger: _Ledger,
    identical: dict[tuple, list[int]],
    seen_ids: dict[int, int],
) -> AllocationDecision:
    values = row.values
    problems: list[str] = []

    recorded = None
    id_text = (values.get("id") or "").strip()
    if id_text:
        if not id_text.isdigit():
            problems.append(f"安排编号“{id_text}”无效")
        else:
            recorded = recorded_by_id.get(int(id_text))
            if recorded is None:
                problems.append(f"安排编号 {id_text} 不存在")
            elif seen_ids.setdefault(recorded.id, row.number) != row.number:
                problems.append(f"与第 {seen_ids[recorded.id]} 行是同一笔资金安排（安排编号 {recorded.id}）")

    year, problem = parse_year(values.get("year", ""))
    if problem:
        problems.append(problem)

    project = None
    project_text = (values.get("project") or "").strip()
    if not project_text:
        problems.append("请填写项目编号")
    elif not project_text.isdigit():
        problems.append(f"项目编号“{project_text}”无效")
    else:
        project = projects.get(int(project_text))
        if project is None:
            problems.append(f"项目编号 {project_text} 不存在")
        elif not project.allowed:
            problems.append("只有省级管理员或项目所在市（州）的工作人员可以安排资金")

    source_text = (values.get("source") or "").strip()
    source = parse_source(source_text)
    if not source_text:
        problems.append("请填写资金来源")
    elif source is None:
        problems.append(f"未知的资金来源“{source_text}”，应为：{'、'.join(FundingSource.labels)}")

    amount, problem = parse_money(values.get("amount", ""), "安排金额")
    if problem:
        problems.append(problem)
    elif amount <= 0:
        problems.append("安排金额应大于 0")

    note = values.get("note")
    note = None if note is None else note.strip()
    if note is not None and len(note) > NOTE_MAX:
        problems.append(f"备注超过 {NOTE_MAX} 个字符")

    if recorded is not None:
        moved = []
        if project is not None and project.id != recorded.project_id:
            moved.append(f"项目（原为项目编号 {recorded.project_id}）")
        if source is not None and source != recorded.source:
            moved.append(f"资金来源（原为{FundingSource(recorded.source).label}）")
        if year is not None and year != recorded.year:
            moved.append(f"年度（原为 {recorded.year} 年）")
        if moved:
            problems.append(
                f"安排编号 {recorded.id} 的{'、'.join(moved)}不能修改：导入只能修改已有资金安排的金额和备注，"
                "另作安排请清空安排编号"
            )

    subject = _allocation_subject(project, project_text, source, year, recorded)
    message = joined(problems)
    if message:
        return AllocationDecision(row.number, "error", subject, message)
    kind = BOND_KIND_OF_SOURCE.get(FundingSource(source))
    decided = {"project_id": project.id, "source": source, "year": year, "amount": amount}

    if recorded is not None:
        note = recorded.note if note is None else note
        if amount == recorded.amount and note == recorded.note:
            return AllocationDecision(
                row.number, "unchanged", subject, recorded=recorded, note=note, **decided
            )
        if amount != recorded.amount:
            remaining = ledger.remaining.get((recorded.quota_id, kind)) if recorded.quota_id else None
            refusal = revision_refusal(
                source,
                recorded.amount,
                amount,
                project.bond_type,
                ledger.unfunded[project.id],
                remaining,
                project.status,
                city_quota=project.city_quota,
            )
            if refusal:
                return AllocationDecision(row.number, "error", subject, joined([refusal]))
            ledger.take(project.id, recorded.quota_id, kind, amount - recorded.amount)
        return AllocationDecision(row.number, "changed", subject, recorded=recorded, note=note, **decided)

    note = note or ""
    twins = identical.get((project.id, source, year, amount, note))
    if twins:
        twin = twins.pop(0)
        return AllocationDecision(
            row.number,
            "unchanged",
            subject,
            f"与已记录的资金安排（安排编号 {twin}）相同，不重复安排。",
            note=note,
            **decided,
        )
    quota = by_region.get((project.quota_region, year)) if kind is not None else None
    remaining = ledger.remaining[(quota.id, kind)] if quota is not None else None
    refusal = allocation_refusal(
        source,
        amount,
        project.bond_type,
        ledger.unfunded[project.id],
        remaining,
        project.status,
        city_quota=project.city_quota,
    )
    if refusal:
        return AllocationDecision(row.number, "error", subject, joined([refusal]))
    ledger.take(project.id, quota.id if quota is not None else None, kind, amount)
    return AllocationDecision(row.number, "new", subject, note=note, **decided)


def _allocation_subject(
    project: AllocatableProject | None,
    project_text: str,
    source: str | None,
    year: int | None,
    recorded: RecordedAllocation | None,
) -> str:
    parts = []
    if recorded is not None:
        parts.append(f"安排编号 {recorded.id}")
    if project is not None:
        parts.append(f"{project.town_name}“{project.name}”（项目编号 {project.id}）")
    elif project_text:
        parts.append(f"项目编号 {project_text}")
    if source is not None:
        parts.append(FundingSource(source).label)
    if year is not None:
        parts.append(f"{year} 年")
    return " ".join(parts)
