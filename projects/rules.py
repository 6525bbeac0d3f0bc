"""Pure decisions about projects and their progress (R5): no ORM, no request. Tested without a database."""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from core.formats import figure, money
from core.money import parse_money
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
        return f"累计完成投资 {money(cumulative)} 万元超过项目总投资 {money(investment)} 万元。"
    if not (Decimal("0") <= percent <= Decimal("100")):
        return "形象进度应在 0–100% 之间。"
    if earlier is not None:
        if cumulative < earlier.cumulative_investment:
            return f"累计完成投资不能少于上一期报送的 {money(earlier.cumulative_investment)} 万元。"
        if percent < earlier.percent_complete:
            return f"形象进度不能低于上一期报送的 {figure(earlier.percent_complete)}%。"
    if later is not None:
        if cumulative > later.cumulative_investment:
            return f"累计完成投资不能多于之后一期已报送的 {money(later.cumulative_investment)} 万元。"
        if percent > later.percent_complete:
            return f"形象进度不能高于之后一期已报送的 {figure(later.percent_complete)}%。"
    if today is not None and period_end is not None and period_end.replace(day=1) > today:
        return "不能报送尚未开始的周期。"
    return None


# --- edits that must keep R5 and R6 (issue 8) ----------------------------------------------------------

# A project 已完工 or 已终止 is final: its record is no longer edited (projects.services.update_project).
FINAL_STATUSES = (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED)
# The statuses in which a project's progress is reported (月/季 调度).
REPORTING_STATUSES = (ProjectStatus.APPROVED, ProjectStatus.UNDER_CONSTRUCTION, ProjectStatus.COMPLETED)
COMPLETION_NOTE_MAX = 500
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
        return (
            f"总投资不能低于已安排给该项目的资金 {money(allocated)} 万元（拟改为 {money(investment)} 万元）。"
        )
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
        f"{allocation.year}年{allocation.source_label} {money(allocation.amount)} 万元"
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


# --- spreadsheet imports (issue 11, point 2): a row of the project sheet or of the progress sheet ----------
#
# The import's preview checks every row with these functions, as the services would check the same write
# (the services check again on the confirm, under their row locks): one Chinese phrase per problem, without
# the closing "。", so that a row's problems join with "；".

NAME_MAX = 200
DOC_NO_MAX = 100
TASK_AREA_CODES = frozenset(f"T{number:02d}" for number in range(1, 16))
YES_WORDS = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "有"})
NO_WORDS = frozenset({"否", "n", "no", "false", "0", "×", "无", ""})
# The declared fields of a project (what create_project / update_project write), with the phrase a refusal
# names each by.
DECLARED_FIELDS = {
    "name": "项目名称",
    "task_area": "任务领域",
    "public_welfare": "公益性",
    "special_bond_field": "专项债券投向领域",
    "investment": "总投资",
    "annual_revenue": "预期年收益",
    "annual_debt_service": "年还本付息",
    "start_year": "开工年度",
    "end_year": "完工年度",
    "planning_approval_date": "规划批复日期",
    "planning_approval_doc_no": "规划批复文号",
    "design_approval_date": "设计批复日期",
    "design_approval_doc_no": "设计批复文号",
}
NEW_PROJECT_DEFAULTS: dict[str, object] = {
    "public_welfare": False,
    "special_bond_field": False,
    "annual_revenue": Decimal("0.00"),
    "annual_debt_service": Decimal("0.00"),
    "planning_approval_date": None,
    "planning_approval_doc_no": "",
    "design_approval_date": None,
    "design_approval_doc_no": "",
}
_DATE_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)


def _phrase(message: str) -> str:
    return message.strip().rstrip("。")


def parse_yes_no(text: str, label: str) -> tuple[bool | None, str | None]:
    """是/否 (or true/false, 1/0, yes/no); an empty cell is 否."""
    value = (text or "").strip().casefold()
    if value in YES_WORDS:
        return True, None
    if value in NO_WORDS:
        return False, None
    return None, f"{label}“{text}”应为“是”或“否”"


def parse_year(text: str, label: str) -> tuple[int | None, str | None]:
    value = (text or "").strip()
    if not value:
        return None, f"请填写{label}"
    if not value.isdigit() or not (YEAR_MIN <= int(value) <= YEAR_MAX):
        return None, f"{label}“{value}”应为 {YEAR_MIN}–{YEAR_MAX} 之间的四位年份"
    return int(value), None


def parse_date(text: str, label: str) -> tuple[datetime.date | None, str | None]:
    """2025-03-01 (what the export writes and a spreadsheet's date cell reads as), 2025/3/1, 2025.3.1 or
    2025年3月1日; an empty cell is no date."""
    value = (text or "").strip()
    if not value:
        return None, None
    for form in _DATE_FORMS:
        match = form.match(value)
        if match:
            try:
                return datetime.date(*(int(part) for part in match.groups())), None
            except ValueError:
                break
    return None, f"{label}“{value}”不是有效的日期（如 2025-03-01）"


def parse_status(text: str) -> tuple[str | None, str | None]:
    """A project status by its label (储备) or its value (planned); an empty cell is None."""
    value = (text or "").strip()
    if not value:
        return None, None
    for status in ProjectStatus:
        if value in (status.label, status.value):
            return status.value, None
    return None, f"状态“{value}”无效，应为：{'、'.join(ProjectStatus.labels)}"


def parse_task_area(text: str) -> tuple[str | None, str | None]:
    value = (text or "").strip().upper()
    if not value:
        return None, "请填写任务领域代码"
    if value not in TASK_AREA_CODES:
        return None, f"任务领域“{text.strip()}”不存在，应为 T01–T15"
    return value, None


def parse_declared(values: Mapping[str, str], present: Iterable[str]) -> tuple[dict[str, object], list[str]]:
    """The declared fields of a row that its sheet has a column for, parsed: (values, problems). An empty cell
    of an optional column is its empty value (否, 0, no date, no document number)."""
    parsed: dict[str, object] = {}
    problems: list[str] = []

    def take(name: str, result: tuple[object, str | None]) -> None:
        value, problem = result
        if problem:
            problems.append(_phrase(problem))
        else:
            parsed[name] = value

    for name in DECLARED_FIELDS:
        if name not in present:
            continue
        text = (values.get(name) or "").strip()
        label_text = DECLARED_FIELDS[name]
        if name == "name":
            if not text:
                problems.append("请填写项目名称")
            elif len(text) > NAME_MAX:
                problems.append(f"项目名称不能超过 {NAME_MAX} 字")
            else:
                parsed[name] = text
        elif name == "task_area":
            take(name, parse_task_area(text))
        elif name in ("public_welfare", "special_bond_field"):
            take(name, parse_yes_no(text, label_text))
        elif name == "investment":
            take(name, parse_money(text, label_text))
        elif name in ("annual_revenue", "annual_debt_service"):
            take(name, parse_money(text or "0", label_text))
        elif name in ("start_year", "end_year"):
            take(name, parse_year(text, label_text))
        elif name.endswith("_date"):
            take(name, parse_date(text, label_text))
        elif len(text) > DOC_NO_MAX:
            problems.append(f"{label_text}不能超过 {DOC_NO_MAX} 个字符")
        else:
            parsed[name] = text
    return parsed, problems


@dataclass(frozen=True)
class ImportTown:
    """A town a project row names, inside the importer's county: eligible when it is a 镇 holding an active
    designation (only then are projects filed for it, R5)."""

    code: str
    name: str
    eligible: bool


@dataclass(frozen=True)
class ExistingProject:
    """What a project row is checked against: the project's declared fields (task_area as its code), its
    status and completion note, what is allocated to it (R6) and its latest progress report (R5)."""

    id: int
    name: str
    town_code: str
    town_name: str
    status: str
    declared: Mapping[str, object]
    completion_note: str = ""
    allocated: Decimal = Decimal("0.00")
    bond_allocations: tuple[BondAllocation, ...] = ()
    latest_percent: Decimal | None = None
    latest_label: str = ""


@dataclass(frozen=True)
class ProjectRowPlan:
    """What a project row asks for, once accepted: a new project (project_id None) with every declared field,
    or the changed declared fields of an existing one, and a status change (None: none). changes: (field,
    before, after) of every field that changes, in the sheet's order, status and completion note last."""

    number: int
    project_id: int | None
    town_code: str
    name: str
    fields: Mapping[str, object]
    status: str | None = None
    completion_note: str = ""
    changes: tuple[tuple[str, object, object], ...] = ()

    @property
    def writes(self) -> bool:
        return self.project_id is None or bool(self.fields) or self.status is not None


@dataclass(frozen=True)
class ProjectRowCheck:
    """A checked row: its plan when accepted, else its problems (every one of them)."""

    number: int
    plan: ProjectRowPlan | None
    problems: tuple[str, ...] = ()
    project_id: int | None = None
    town_code: str = ""
    name: str = ""


def _terms(status: str, fields: Mapping[str, object]) -> ProjectTerms:
    return ProjectTerms(
        status=status,
        investment=fields["investment"],
        public_welfare=bool(fields["public_welfare"]),
        special_bond_field=bool(fields["special_bond_field"]),
        annual_revenue=fields["annual_revenue"],
        annual_debt_service=fields["annual_debt_service"],
        planning_approval_date=fields.get("planning_approval_date"),
        planning_approval_doc_no=str(fields.get("planning_approval_doc_no") or ""),
        design_approval_date=fields.get("design_approval_date"),
        design_approval_doc_no=str(fields.get("design_approval_doc_no") or ""),
    )


def parse_project_id(text: str) -> tuple[int | None, str | None]:
    value = (text or "").strip()
    if not value:
        return None, None
    if not value.isdigit() or int(value) < 1:
        return None, f"项目编号“{value}”不是有效的编号"
    return int(value), None


def check_project_rows(
    rows: Iterable[object],
    present: Iterable[str],
    *,
    projects: Mapping[int, ExistingProject],
    towns: Mapping[str, ImportTown],
    names: Mapping[tuple[str, str], int],
) -> list[ProjectRowCheck]:
    """Check every row of a project sheet (rows: objects with .number and .values, the cells by column key)
    as create_project, update_project and change_status would check the same writes (R5, R6).

    A row with a 项目编号 edits that project (unknown, or outside the importer's county: "不存在", alike); one
    without creates a project in the town its 镇区划代码 names, which must be a demonstration 镇 of the
    county. projects: the existing projects the rows name, by id; towns: the county's towns the rows name;
    names: (town code, name) → id of the projects those towns already have (a new row repeating one is
    refused: re-importing a sheet of new projects never files them twice). A row that changes nothing is
    accepted with an empty plan (unchanged)."""
    present = frozenset(present)
    checks: list[ProjectRowCheck] = []
    first_of_project: dict[int, int] = {}
    first_of_new: dict[tuple[str, str], int] = {}
    for row in rows:
        number, values = row.number, row.values
        problems: list[str] = []
        project_id, id_problem = parse_project_id(values.get("id", "")) if "id" in present else (None, None)
        existing = None
        if id_problem:
            problems.append(id_problem)
        elif project_id is not None:
            existing = projects.get(project_id)
            if existing is None:
                problems.append(f"项目编号 {project_id} 不存在")
            elif project_id in first_of_project:
                problems.append(f"与第 {first_of_project[project_id]} 行是同一项目（项目编号 {project_id}）")
            else:
                first_of_project[project_id] = number
        town_code = (values.get("town") or "").strip()
        town = None
        if existing is not None:
            if town_code and town_code != existing.town_code:
                problems.append(
                    f"项目所在镇不能修改：项目编号 {existing.id} 属于{existing.town_name}（{existing.town_code}）"
                )
            town_code = existing.town_code
        elif project_id is None and not id_problem:
            town = towns.get(town_code)
            if not town_code:
                problems.append("请填写镇区划代码")
            elif town is None:
                problems.append(f"区划代码 {town_code} 不是本县（市、区）的镇")
            elif not town.eligible:
                problems.append(f"{town.name}不是示范镇，不能填报示范镇建设项目")

        parsed, field_problems = parse_declared(values, present)
        problems.extend(field_problems)
        status, problem = parse_status(values.get("status", "")) if "status" in present else (None, None)
        if problem:
            problems.append(problem)
        note = (values.get("completion_note") or "").strip() if "completion_note" in present else None
        if note is not None and len(note) > COMPLETION_NOTE_MAX:
            problems.append(f"完工说明不能超过 {COMPLETION_NOTE_MAX} 字")

        name = str(parsed.get("name") or (existing.name if existing else ""))
        base = dict(existing.declared) if existing is not None else dict(NEW_PROJECT_DEFAULTS)
        after = {**base, **parsed}
        start, end = after.get("start_year"), after.get("end_year")
        if isinstance(start, int) and isinstance(end, int) and end < start:
            problems.append("完工年度不能早于开工年度")

        plan = None
        if existing is not None:
            plan = _existing_plan(number, existing, after, status, note, problems)
        elif project_id is None and town is not None:
            if status not in (None, ProjectStatus.PLANNED):
                problems.append(
                    f"新项目的状态只能为“{ProjectStatus.PLANNED.label}”，导入后在项目页面办理状态变更"
                )
            if note:
                problems.append("完工说明只在转为已完工时填写")
            key = (town_code, name)
            if name and key in names:
                problems.append(
                    f"{town.name}已有同名项目（项目编号 {names[key]}）；修改该项目请填写其项目编号"
                )
            elif name and key in first_of_new:
                problems.append(f"与第 {first_of_new[key]} 行重复（同一镇的同名新项目）")
            elif name:
                first_of_new[key] = number
            fields = {field: after[field] for field in DECLARED_FIELDS if field in after}
            changes = tuple((field, None, after[field]) for field in DECLARED_FIELDS if field in after)
            plan = ProjectRowPlan(number, None, town_code, name, fields, changes=changes)
        if problems:
            checks.append(ProjectRowCheck(number, None, tuple(problems), project_id, town_code, name))
        else:
            checks.append(ProjectRowCheck(number, plan, (), project_id, town_code, name))
    return checks


def _existing_plan(
    number: int,
    existing: ExistingProject,
    after: Mapping[str, object],
    status: str | None,
    note: str | None,
    problems: list[str],
) -> ProjectRowPlan:
    """The plan of a row naming an existing project; appends to problems what update_project and
    change_status would refuse."""
    before = existing.declared
    changed = {
        field: after[field]
        for field in DECLARED_FIELDS
        if field in after and after[field] != before.get(field)
    }
    target = status if status is not None and status != existing.status else None
    if changed:
        if existing.status in FINAL_STATUSES:
            problems.append(f"项目状态为“{ProjectStatus(existing.status).label}”，不能再修改")
        else:
            problems.extend(
                _phrase(refusal)
                for refusal in edit_refusals(
                    _terms(existing.status, before),
                    _terms(existing.status, after),
                    existing.allocated,
                    existing.bond_allocations,
                )
            )
    if target is not None:
        terms = _terms(existing.status, after)
        refusal = status_change_refusal(
            existing.status, target, terms.has_planning_approval, terms.has_design_approval
        )
        if not refusal and target == ProjectStatus.COMPLETED:
            refusal = completion_refusal(existing.latest_percent, note, existing.latest_label)
        if refusal:
            problems.append(_phrase(refusal))
    new_note = existing.completion_note
    if note is not None and note != existing.completion_note:
        if target == ProjectStatus.COMPLETED:
            new_note = note
        else:
            problems.append("完工说明只在转为已完工时填写")
    changes = [(field, before.get(field), value) for field, value in changed.items()]
    if target is not None:
        changes.append(("status", existing.status, target))
    if new_note != existing.completion_note:
        changes.append(("completion_note", existing.completion_note, new_note))
    return ProjectRowPlan(
        number,
        existing.id,
        existing.town_code,
        existing.name,
        changed,
        status=target,
        completion_note=(note or "") if target == ProjectStatus.COMPLETED else "",
        changes=tuple(changes),
    )


# --- the progress sheet ------------------------------------------------------------------------------------

_MONTH_FORMS = (re.compile(r"^(\d{4})年(\d{1,2})月(?:份)?$"), re.compile(r"^(\d{4})[-/.](\d{1,2})$"))
_QUARTER_FORMS = (
    re.compile(r"^(\d{4})年第?([1-4一二三四])季度?$"),
    re.compile(r"^(\d{4})[-/.]?q([1-4])$"),
)
_QUARTER_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4}
_KIND_WORDS = {
    "月度": PeriodType.MONTH,
    "月": PeriodType.MONTH,
    "month": PeriodType.MONTH,
    "monthly": PeriodType.MONTH,
    "季度": PeriodType.QUARTER,
    "季": PeriodType.QUARTER,
    "quarter": PeriodType.QUARTER,
    "quarterly": PeriodType.QUARTER,
}


def parse_period_type(text: str) -> tuple[str | None, str | None]:
    """月度/季度 (or month/quarter); an empty cell is None."""
    value = (text or "").strip()
    if not value:
        return None, None
    kind = _KIND_WORDS.get(value.casefold())
    if kind is None:
        return None, f"报送周期“{value}”无效，应为 月度 或 季度"
    return kind.value, None


def parse_period(
    text: str, kind: str | None, year: str = "", number: str = ""
) -> tuple[Period | None, str | None]:
    """The period a row reports on: its 周期 as the export writes it (2025年3月, 2025年第1季度; also 2025-03,
    2025-Q1, or a date cell such as 2025-03-01, the month or quarter containing it), or else its year and
    number with the period type. kind (月度/季度, parsed) must agree when given."""
    value = re.sub(r"\s+", "", text or "").casefold()
    if not value:
        if not (year or "").strip() and not (number or "").strip():
            return None, "请填写周期（如 2025年3月、2025年第1季度）"
        if kind is None:
            return None, "按年度和月份或季度填写时，请填写报送周期（月度或季度）"
        try:
            return period(kind, int(str(year).strip()), int(str(number).strip())), None
        except ValueError as exc:
            message = str(exc)
            return None, _phrase(
                message if "应为" in message or "无效" in message else "年度或月份、季度无效"
            )
    found: tuple[str, int, int] | None = None
    for form in _MONTH_FORMS:
        match = form.match(value)
        if match:
            found = (PeriodType.MONTH, int(match.group(1)), int(match.group(2)))
    for form in _QUARTER_FORMS:
        match = form.match(value)
        if match:
            part = match.group(2)
            found = (PeriodType.QUARTER, int(match.group(1)), _QUARTER_NUMERALS.get(part) or int(part))
    day, _ = parse_date(value, "周期")
    if found is None and day is not None:
        found_kind = kind or PeriodType.MONTH
        found = (
            found_kind,
            day.year,
            day.month if found_kind == PeriodType.MONTH else (day.month - 1) // 3 + 1,
        )
    if found is None:
        return None, f"周期“{text.strip()}”无效，应如 2025年3月 或 2025年第1季度"
    found_kind, found_year, found_number = found
    if kind is not None and kind != found_kind:
        return None, f"报送周期“{PeriodType(kind).label}”与周期“{text.strip()}”不一致"
    try:
        return period(found_kind, found_year, found_number), None
    except ValueError as exc:
        return None, _phrase(str(exc))


@dataclass(frozen=True)
class FiledReport:
    """A progress report already filed (or accepted earlier in the same file)."""

    period: Period
    cumulative_investment: Decimal
    percent_complete: Decimal
    narrative: str = ""
    sequence: int = 0  # the filing order (the report's id): what breaks a tie of two periods ending alike


@dataclass(frozen=True)
class ReportProject:
    """What a progress row is checked against: the project (inside the importer's county), its status (only
    REPORTING_STATUSES take reports), its investment and its reports."""

    id: int
    name: str
    town_name: str
    status: str
    investment: Decimal
    reports: tuple[FiledReport, ...] = ()

    @property
    def takes_reports(self) -> bool:
        return self.status in REPORTING_STATUSES


@dataclass(frozen=True)
class ReportRowCheck:
    """A checked progress row: new (a report to file), unchanged (that period's report is already filed with
    the same figures) or refused with every problem."""

    number: int
    project_id: int | None
    period: Period | None
    problems: tuple[str, ...] = ()
    unchanged: bool = False
    cumulative_investment: Decimal | None = None
    percent_complete: Decimal | None = None
    narrative: str = ""


def _neighbours(
    filed: Sequence[FiledReport], end: datetime.date
) -> tuple[ReportFigures | None, ReportFigures | None]:
    """The reports just before and just after a period ending on `end`, as projects.selectors.neighbour_reports
    finds them: by period end, either period type; of two ending alike, the one filed last before it and the
    one filed first after it."""
    earlier = max(
        (report for report in filed if report.period.end < end),
        key=lambda report: (report.period.end, report.sequence),
        default=None,
    )
    later = min(
        (report for report in filed if report.period.end > end),
        key=lambda report: (report.period.end, report.sequence),
        default=None,
    )

    def figures(report: FiledReport | None) -> ReportFigures | None:
        if report is None:
            return None
        return ReportFigures(report.period.end, report.cumulative_investment, report.percent_complete)

    return figures(earlier), figures(later)


def check_report_rows(
    rows: Iterable[object],
    present: Iterable[str],
    *,
    projects: Mapping[int, ReportProject],
    today: datetime.date,
) -> list[ReportRowCheck]:
    """Check every row of a progress sheet as submit_report would check it, row after row in the file's order
    (the order the confirm files them in): each new report against the project's reports filed before and
    the rows accepted above it (R5: cumulative figures never go backwards, never exceed the investment, no
    period not yet begun). A report already filed for the period is unchanged when the row repeats it and
    refused when it differs: a filed report is never changed (the form refuses a second report, and no form
    corrects one)."""
    present = frozenset(present)
    filed: dict[int, list[FiledReport]] = {pk: list(project.reports) for pk, project in projects.items()}
    sequence = 1 + max((report.sequence for reports in filed.values() for report in reports), default=0)
    seen: dict[tuple[int, str, int, int], int] = {}
    checks: list[ReportRowCheck] = []
    for row in rows:
        number, values = row.number, row.values
        problems: list[str] = []
        project_id, problem = parse_project_id(values.get("project", ""))
        project = None
        if problem:
            problems.append(problem)
        elif project_id is None:
            problems.append("请填写项目编号")
        else:
            project = projects.get(project_id)
            if project is None:
                problems.append(f"项目编号 {project_id} 不存在")
            elif not project.takes_reports:
                problems.append(f"项目处于“{ProjectStatus(project.status).label}”状态，不需要报送进度")
        kind, problem = parse_period_type(values.get("period_type", ""))
        if problem:
            problems.append(problem)
        when = None
        if not problem:
            when, problem = parse_period(
                values.get("period", ""), kind, values.get("year", ""), values.get("number", "")
            )
            if problem:
                problems.append(problem)
        cumulative, problem = parse_money(values.get("cumulative_investment", ""), "累计完成投资")
        if problem:
            problems.append(_phrase(problem))
        text = (values.get("percent_complete") or "").strip()
        percent, problem = parse_percent(text) if text else (None, "请填写形象进度")
        if problem:
            problems.append(_phrase(problem))
        narrative = (values.get("narrative") or "").strip()

        unchanged = False
        if project is not None and when is not None:
            key = (project.id, when.kind, when.year, when.number)
            if key in seen:
                problems.append(f"与第 {seen[key]} 行重复（同一项目同一周期）")
            else:
                seen[key] = number
            same_period = next(
                (
                    report
                    for report in project.reports
                    if (report.period.kind, report.period.year, report.period.number) == key[1:]
                ),
                None,
            )
            if same_period is not None:
                differs = [
                    f"累计完成投资 {money(same_period.cumulative_investment)} 万元"
                    if cumulative is not None and cumulative != same_period.cumulative_investment
                    else "",
                    f"形象进度 {figure(same_period.percent_complete)}%"
                    if percent is not None and percent != same_period.percent_complete
                    else "",
                    "进展情况"
                    if "narrative" in present and narrative != same_period.narrative.strip()
                    else "",
                ]
                differs = [part for part in differs if part]
                if differs:
                    problems.append(
                        f"该项目{when.label}已报送过进度（{'，'.join(differs)}与表中不同），已报送的进度不能修改"
                    )
                else:
                    unchanged = True
            elif cumulative is not None and percent is not None and project.takes_reports:
                earlier, later = _neighbours(filed[project.id], when.end)
                refusal = progress_refusal(
                    project.investment,
                    cumulative,
                    percent,
                    earlier=earlier,
                    later=later,
                    today=today,
                    period_end=when.end,
                )
                if refusal:
                    problems.append(_phrase(refusal))
        if problems:
            checks.append(ReportRowCheck(number, project_id, when, tuple(problems)))
            continue
        if not unchanged:
            filed[project.id].append(FiledReport(when, cumulative, percent, narrative, sequence))
            sequence += 1
        checks.append(ReportRowCheck(number, project_id, when, (), unchanged, cumulative, percent, narrative))
    return checks
