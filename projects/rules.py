"""Pure decisions about projects and their progress (R5): no ORM, no request. Tested without a database."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from core.years import YEAR_MAX, YEAR_MIN

from .choices import BondType, PeriodType, ProjectStatus

KEY_SUPPORT_THRESHOLD = Decimal("500.00")  # 万元; strictly more than this


def is_key_provincial_support(
    town_is_provincial: bool, public_welfare: bool, investment: Decimal | None
) -> bool:
    """R5; plan 六、(二): the town holds an active provincial designation, the project is public-welfare,
    and its investment is over 500 万元 (exactly 500.00 is not)."""
    return bool(
        town_is_provincial
        and public_welfare
        and investment is not None
        and investment > KEY_SUPPORT_THRESHOLD
    )


def recommended_bond_type(
    public_welfare: bool,
    special_bond_field: bool,
    annual_revenue: Decimal | None,
    annual_debt_service: Decimal | None,
) -> BondType:
    """R5; plan 六、(二): public-welfare without revenue → general bond; public-welfare in a special-bond
    field whose revenue covers principal and interest → special bond; otherwise not bond-funded."""
    revenue = annual_revenue or Decimal("0")
    debt_service = annual_debt_service or Decimal("0")
    if public_welfare and revenue == 0:
        return BondType.GENERAL
    if public_welfare and special_bond_field and revenue >= debt_service:
        return BondType.SPECIAL
    return BondType.NONE


def parse_percent(value: object) -> tuple[Decimal | None, str | None]:
    """Percent complete, 0 … 100 with at most two decimals: (Decimal, None) or (None, refusal)."""
    try:
        percent = Decimal(str(value).strip().rstrip("%"))
    except (InvalidOperation, ValueError):
        return None, f"形象进度“{value}”不是有效的百分比。"
    if not percent.is_finite() or not (Decimal("0") <= percent <= Decimal("100")):
        return None, "形象进度应在 0–100% 之间。"
    if percent != percent.quantize(Decimal("0.01")):
        return None, "形象进度最多保留两位小数。"
    return percent.quantize(Decimal("0.01")), None


# --- status (R5: 储备 → 已批复 → 在建 → 已完工, or 已终止) ------------------------------------------------

STATUS_FLOW = {
    ProjectStatus.PLANNED: {ProjectStatus.APPROVED, ProjectStatus.CANCELLED},
    ProjectStatus.APPROVED: {ProjectStatus.UNDER_CONSTRUCTION, ProjectStatus.CANCELLED},
    ProjectStatus.UNDER_CONSTRUCTION: {ProjectStatus.COMPLETED, ProjectStatus.CANCELLED},
    ProjectStatus.COMPLETED: set(),
    ProjectStatus.CANCELLED: set(),
}


def status_change_refusal(
    current: str, new: str, has_planning_approval: bool, has_design_approval: bool
) -> str | None:
    """Why the project may not move from current to new, or None. R5 有项目必规划、无设计不动工:
    entering 在建 needs both the planning approval and the design approval recorded."""
    if new not in ProjectStatus.values:
        return f"未知的项目状态“{new}”。"
    if new == current:
        return f"项目已是“{ProjectStatus(current).label}”状态。"
    if new not in STATUS_FLOW[ProjectStatus(current)]:
        return f"项目状态不能从“{ProjectStatus(current).label}”变为“{ProjectStatus(new).label}”。"
    if new == ProjectStatus.UNDER_CONSTRUCTION:
        missing = [
            label
            for present, label in ((has_planning_approval, "规划批复"), (has_design_approval, "设计批复"))
            if not present
        ]
        if missing:
            return f"有项目必规划、无设计不动工：尚未登记{'和'.join(missing)}（日期和文号），不能转为在建。"
    return None


# --- progress periods (月/季 调度) -------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Period:
    end: datetime.date
    kind: str
    year: int
    number: int

    @property
    def label(self) -> str:
        if self.kind == PeriodType.MONTH:
            return f"{self.year}年{self.number}月"
        return f"{self.year}年第{self.number}季度"

    @property
    def key(self) -> str:
        return (
            f"{self.year}-{self.number:02d}"
            if self.kind == PeriodType.MONTH
            else f"{self.year}-Q{self.number}"
        )


def period(kind: str, year: int | str, number: int | str) -> Period:
    """The period, or raises ValueError with a Chinese message."""
    if kind not in PeriodType.values:
        raise ValueError(f"报送周期应为 month（月度）或 quarter（季度），而不是“{kind}”。")
    if not (YEAR_MIN <= int(year) <= YEAR_MAX):
        raise ValueError(f"年度 {year} 无效。")
    limit = 12 if kind == PeriodType.MONTH else 4
    if not (1 <= int(number) <= limit):
        raise ValueError(f"{'月份' if kind == PeriodType.MONTH else '季度'}应为 1–{limit}，而不是 {number}。")
    last_month = int(number) if kind == PeriodType.MONTH else int(number) * 3
    end = datetime.date(int(year), last_month, calendar.monthrange(int(year), last_month)[1])
    return Period(end=end, kind=kind, year=int(year), number=int(number))


def period_of(day: datetime.date, kind: str) -> Period:
    """The period containing the day."""
    number = day.month if kind == PeriodType.MONTH else (day.month - 1) // 3 + 1
    return period(kind, day.year, number)


def previous_period(day: datetime.date, kind: str) -> Period:
    """The latest period that ended before the day: the one whose report is overdue once it is unfiled."""
    first_month = day.month if kind == PeriodType.MONTH else (day.month - 1) // 3 * 3 + 1
    return period_of(datetime.date(day.year, first_month, 1) - datetime.timedelta(days=1), kind)


@dataclass(frozen=True)
class ReportFigures:
    period_end: datetime.date
    cumulative_investment: Decimal
    percent_complete: Decimal


def progress_refusal(
    investment: Decimal,
    cumulative: Decimal,
    percent: Decimal,
    earlier: ReportFigures | None = None,
    later: ReportFigures | None = None,
    today: datetime.date | None = None,
    period_end: datetime.date | None = None,
) -> str | None:
    """Why a progress report is refused, or None. R5: a report can neither claim more than the project's
    investment nor less than the report before it (nor more than the one after it, if filed late)."""
    if cumulative > investment:
        return f"累计完成投资 {cumulative} 万元超过项目总投资 {investment} 万元。"
    if not (Decimal("0") <= percent <= Decimal("100")):
        return "形象进度应在 0–100% 之间。"
    if earlier is not None:
        if cumulative < earlier.cumulative_investment:
            return f"累计完成投资不能少于上一期报送的 {earlier.cumulative_investment} 万元。"
        if percent < earlier.percent_complete:
            return f"形象进度不能低于上一期报送的 {earlier.percent_complete}%。"
    if later is not None:
        if cumulative > later.cumulative_investment:
            return f"累计完成投资不能多于之后一期已报送的 {later.cumulative_investment} 万元。"
        if percent > later.percent_complete:
            return f"形象进度不能高于之后一期已报送的 {later.percent_complete}%。"
    if today is not None and period_end is not None and period_end.replace(day=1) > today:
        return "不能报送尚未开始的周期。"
    return None


# --- edits that must keep R5 and R6 (issue 8) ----------------------------------------------------------

# The approvals of a project that is being built or has been built are its record: never erased.
APPROVALS_KEPT_STATUSES = (ProjectStatus.UNDER_CONSTRUCTION, ProjectStatus.COMPLETED)
FULL_PERCENT = Decimal("100")


def approval_recorded(date: datetime.date | None, doc_no: str | None) -> bool:
    """An approval counts as recorded when both its date and its document number are."""
    return bool(date and (doc_no or "").strip())


@dataclass(frozen=True)
class ProjectTerms:
    """What an edit may change that R5 and R6 watch: status (never changed by an edit), the figures behind
    the recommended bond type, the investment and the two approvals."""

    status: str
    investment: Decimal
    public_welfare: bool
    special_bond_field: bool
    annual_revenue: Decimal
    annual_debt_service: Decimal
    planning_approval_date: datetime.date | None = None
    planning_approval_doc_no: str = ""
    design_approval_date: datetime.date | None = None
    design_approval_doc_no: str = ""

    @property
    def bond_type(self) -> BondType:
        return recommended_bond_type(
            self.public_welfare, self.special_bond_field, self.annual_revenue, self.annual_debt_service
        )

    @property
    def has_planning_approval(self) -> bool:
        return approval_recorded(self.planning_approval_date, self.planning_approval_doc_no)

    @property
    def has_design_approval(self) -> bool:
        return approval_recorded(self.design_approval_date, self.design_approval_doc_no)


@dataclass(frozen=True)
class BondAllocation:
    """A provincial bond allocation already made to the project: what a refusal names."""

    year: int
    source_label: str
    amount: Decimal


def investment_refusal(investment: Decimal, allocated: Decimal) -> str | None:
    """R6: the investment cannot be lowered below what is already allocated to the project (all sources):
    allocations never exceed the investment."""
    if investment < allocated:
        return f"总投资不能低于已安排给该项目的资金 {allocated} 万元（拟改为 {investment} 万元）。"
    return None


def bond_type_change_refusal(
    before: str, after: str, bond_allocations: Sequence[BondAllocation]
) -> str | None:
    """R5/R6: bond money was allocated for the recommended bond type; while any provincial bond allocation
    exists, a change of public welfare, special-bond field, revenue or debt service that changes the
    recommended bond type is refused, naming those allocations (year, source, amount)."""
    if before == after or not bond_allocations:
        return None
    listed = "；".join(
        f"{allocation.year}年{allocation.source_label} {allocation.amount} 万元"
        for allocation in bond_allocations
    )
    return (
        f"该修改会使推荐债券类型由“{BondType(before).label}”变为“{BondType(after).label}”，"
        f"但项目已安排债券资金：{listed}。债券资金须与推荐债券类型一致，不能作此修改。"
    )


def approval_erasure_refusal(status: str, before: ProjectTerms, after: ProjectTerms) -> str | None:
    """R5 有项目必规划、无设计不动工: a project 在建 or 已完工 keeps its planning and design approvals; an edit
    may correct them but not erase them (neither the date nor the document number)."""
    if status not in APPROVALS_KEPT_STATUSES:
        return None
    erased = [
        label
        for was, still, label in (
            (before.has_planning_approval, after.has_planning_approval, "规划批复"),
            (before.has_design_approval, after.has_design_approval, "设计批复"),
        )
        if was and not still
    ]
    if not erased:
        return None
    return (
        f"项目{ProjectStatus(status).label}，{'和'.join(erased)}（日期和文号）不能删除："
        "有项目必规划、无设计不动工。"
    )


def edit_refusals(
    before: ProjectTerms, after: ProjectTerms, allocated: Decimal, bond_allocations: Sequence[BondAllocation]
) -> list[str]:
    """Every reason an edit from `before` to `after` (ProjectTerms) is refused, given the sum allocated to the
    project and its bond allocations; empty when the edit keeps R5 and R6."""
    refusals = [
        investment_refusal(after.investment, allocated),
        bond_type_change_refusal(before.bond_type, after.bond_type, bond_allocations),
        approval_erasure_refusal(before.status, before, after),
    ]
    return [refusal for refusal in refusals if refusal]


def completion_refusal(
    latest_percent: Decimal | None, note: str | None, latest_label: str = ""
) -> str | None:
    """R5: a project becomes 已完工 when its latest progress report says 100%, or with an explicit reason why
    it is complete without one (recorded on the project)."""
    if latest_percent is not None and latest_percent == FULL_PERCENT:
        return None
    if (note or "").strip():
        return None
    if latest_percent is None:
        return (
            "项目尚未报送进度：转为已完工须最近一期进度报送的形象进度为 100%，或填写未达 100% 即完工的说明。"
        )
    return (
        f"最近一期进度报送（{latest_label}）的形象进度为 {latest_percent}%：转为已完工须为 100%，"
        "或填写未达 100% 即完工的说明。"
    )


def stale_version_refusal(sent: int | str | None, current: int, what: str = "项目") -> str | None:
    """Optimistic concurrency: a whole-form edit carries the version it was made from; if the record has
    changed since, the edit is refused rather than silently overwriting the other change."""
    if sent is None or int(sent) == int(current):
        return None
    return (
        f"该{what}在您打开后已被修改（您提交的是第 {sent} 版，当前为第 {current} 版），未保存您的修改。"
        "请刷新，核对最新内容后重新提交。"
    )
