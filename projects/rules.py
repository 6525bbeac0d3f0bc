"""Pure decisions about projects and their progress (R5): no ORM, no request. Tested without a database."""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from core.money import MAX_MONEY, parse_money

from .choices import BondType, PeriodType, ProjectStatus

KEY_SUPPORT_THRESHOLD = Decimal("500.00")  # 万元; strictly more than this

__all__ = ["MAX_MONEY", "parse_money"]  # re-exported: the project rules speak of money too


def is_key_provincial_support(town_is_provincial, public_welfare, investment):
    """R5; plan 六、(二): the town holds an active provincial designation, the project is public-welfare,
    and its investment is over 500 万元 (exactly 500.00 is not)."""
    return bool(
        town_is_provincial
        and public_welfare
        and investment is not None
        and investment > KEY_SUPPORT_THRESHOLD
    )


def recommended_bond_type(public_welfare, special_bond_field, annual_revenue, annual_debt_service):
    """R5; plan 六、(二): public-welfare without revenue → general bond; public-welfare in a special-bond
    field whose revenue covers principal and interest → special bond; otherwise not bond-funded."""
    revenue = annual_revenue or Decimal("0")
    debt_service = annual_debt_service or Decimal("0")
    if public_welfare and revenue == 0:
        return BondType.GENERAL
    if public_welfare and special_bond_field and revenue >= debt_service:
        return BondType.SPECIAL
    return BondType.NONE


def parse_percent(value):
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


def status_change_refusal(current, new, has_planning_approval, has_design_approval):
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
    def label(self):
        if self.kind == PeriodType.MONTH:
            return f"{self.year}年{self.number}月"
        return f"{self.year}年第{self.number}季度"

    @property
    def key(self):
        return (
            f"{self.year}-{self.number:02d}"
            if self.kind == PeriodType.MONTH
            else f"{self.year}-Q{self.number}"
        )


def period(kind, year, number):
    """The period, or raises ValueError with a Chinese message."""
    if kind not in PeriodType.values:
        raise ValueError(f"报送周期应为 month（月度）或 quarter（季度），而不是“{kind}”。")
    if not (2000 <= int(year) <= 2100):
        raise ValueError(f"年度 {year} 无效。")
    limit = 12 if kind == PeriodType.MONTH else 4
    if not (1 <= int(number) <= limit):
        raise ValueError(f"{'月份' if kind == PeriodType.MONTH else '季度'}应为 1–{limit}，而不是 {number}。")
    last_month = int(number) if kind == PeriodType.MONTH else int(number) * 3
    end = datetime.date(int(year), last_month, calendar.monthrange(int(year), last_month)[1])
    return Period(end=end, kind=kind, year=int(year), number=int(number))


def period_of(day, kind):
    """The period containing the day."""
    number = day.month if kind == PeriodType.MONTH else (day.month - 1) // 3 + 1
    return period(kind, day.year, number)


@dataclass(frozen=True)
class ReportFigures:
    period_end: datetime.date
    cumulative_investment: Decimal
    percent_complete: Decimal


def progress_refusal(investment, cumulative, percent, earlier=None, later=None, today=None, period_end=None):
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
