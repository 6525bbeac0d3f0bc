"""The project and progress imports (R5, R6) on core's two-step framework (core.imports), each reading the
sheet its export writes (projects.sheets): an exported project list or progress sheet, edited, imports back.

- projects.projects: a row with a 项目编号 edits that project (update_project for its declared fields,
  change_status for a new status), a row without one files a new project (create_project).
- projects.reports: each row files a progress report (submit_report); a row repeating a report already filed
  is unchanged, one that differs from it is refused (no form corrects a filed report).

Only a county official imports, and only for the county's own towns and projects (the services' rule; a
project or town outside the county is "不存在", like an unknown one). The preview checks every row with the
services' pure rules (projects.rules.check_project_rows / check_report_rows) in a constant number of queries;
the confirm writes through the services themselves, which check everything again under their row locks.

The framework's `lock(params)` has no rows to lock, and the services lock the projects a file names: so the
preview locks those projects itself (SELECT … FOR UPDATE, in id order) when it runs inside a transaction —
the confirm's, where core.import_batches.apply_batch runs it again right before the apply — and only reads
when it runs for the upload's preview (outside one).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from core import formats
from core.errors import DomainError
from core.imports import (
    Change,
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
from towns.selectors import towns_by_code

from . import selectors
from .choices import ProjectStatus
from .rules import (
    DECLARED_FIELDS,
    BondAllocation,
    ExistingProject,
    FiledReport,
    ProjectRowCheck,
    ProjectRowPlan,
    ReportProject,
    ReportRowCheck,
    check_project_rows,
    check_report_rows,
    parse_project_id,
)
from .services import change_status, create_project, may_file_projects, submit_report, update_project
from .sheets import (
    CUMULATIVE,
    NARRATIVE,
    PERCENT,
    PERIOD,
    PROJECT_READ_COLUMNS,
    PROJECT_SHEET,
    REPORT_NUMBER,
    REPORT_READ_COLUMNS,
    REPORT_SHEET,
    REPORT_YEAR,
)

if TYPE_CHECKING:
    from accounts.models import User

    from .models import Project

PROJECT_IMPORT = "projects.projects"
REPORT_IMPORT = "projects.reports"
PROJECT_LABELS = {column.key: column.header for column in PROJECT_SHEET}


def _in_transaction() -> bool:
    return transaction.get_connection().in_atomic_block


def _ids(rows: Table, key: str) -> list[int]:
    ids = []
    for row in rows:
        project_id, _problem = parse_project_id(row.values.get(key, ""))
        if project_id is not None:
            ids.append(project_id)
    return ids


def _shown(field: str, value: object) -> str:
    """A field's value as the preview shows it before → after."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if field == "status":
        return ProjectStatus(value).label
    if isinstance(value, Decimal):
        return formats.money(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class _CountyImporter(Importer):
    """What both imports share: a county official's, linked from the project pages."""

    roles = frozenset({Role.COUNTY_OFFICIAL})

    def may_import(self, user: User | None) -> bool:
        # Not None: the project services write only for a county official (commands take --user).
        return user is not None and may_file_projects(user)

    def breadcrumbs(self, params: Mapping[str, Any]) -> list[tuple[str, str]]:
        return [("建设项目", reverse("project-list"))]


# --- the project list ---------------------------------------------------------------------------------------


@register
class ProjectImporter(_CountyImporter):
    kind = PROJECT_IMPORT
    title = "建设项目"

    def denied_message(self) -> str:
        return "只有县（市、区）工作人员可以导入项目。"

    def columns(self, params: Mapping[str, Any]) -> Sequence[SheetColumn]:
        return PROJECT_READ_COLUMNS

    def template_columns(self, params: Mapping[str, Any]) -> Sequence[SheetColumn]:
        return PROJECT_SHEET

    def template_notes(self, params: Mapping[str, Any]) -> list[str]:
        return [
            "与“示范镇建设项目”导出表的列相同：可导出项目列表，修改后导入；每行一个项目。",
            "填写了项目编号的行修改该项目（与项目编辑页面的规则相同：已安排资金时总投资不能低于已安排的资金、"
            "推荐债券类型不能改变，在建或已完工项目的批复不能删除）；填写下一状态即变更状态。",
            "项目编号留空的行新增项目（状态为储备），所在镇须为本县（市、区）的示范镇；同一镇已有同名项目的行不能导入。",
            "省级重点支持、推荐债券类型由系统计算，累计完成投资和形象进度来自进度报送：导入时不读取这些列。",
        ]

    def upload_url(self, params: Mapping[str, Any]) -> str:
        return reverse("project-import")

    def return_url(self, params: Mapping[str, Any]) -> str:
        return reverse("project-list")

    def return_label(self, params: Mapping[str, Any]) -> str:
        return "查看项目列表"

    def preview(self, user: User | None, rows: Table, params: Mapping[str, Any]) -> list[RowOutcome]:
        """Five queries whatever the rows: the projects named (locked inside a confirm), their allocations,
        their reports, the county's towns named, and the projects those towns have."""
        projects = selectors.import_projects(user, _ids(rows, "id"), lock=_in_transaction())
        allocations = selectors.projects_allocations(projects)
        reports = selectors.filed_reports(projects)
        towns = selectors.import_towns(user, (row.values.get("town", "").strip() for row in rows))
        names = selectors.project_names(code for code, town in towns.items() if town.eligible)
        existing = {
            pk: _existing(project, allocations.get(pk), reports.get(pk, ()))
            for pk, project in projects.items()
        }
        checks = check_project_rows(rows, rows.columns, projects=existing, towns=towns, names=names)
        town_names = {code: town.name for code, town in towns.items()}
        return [_project_outcome(check, existing, town_names) for check in checks]

    def apply(
        self,
        user: User | None,
        outcomes: Sequence[RowOutcome],
        params: Mapping[str, Any],
        progress: ProgressCallback | None = None,
    ) -> dict[str, int]:
        """Each row through the form's services, in the file's order: create_project, or update_project with
        the changed fields and then change_status."""
        writing = [outcome for outcome in outcomes if outcome.writes]
        plans: list[ProjectRowPlan] = [outcome.data for outcome in writing]
        projects = selectors.import_projects(user, (plan.project_id for plan in plans if plan.project_id))
        towns = towns_by_code(plan.town_code for plan in plans if plan.project_id is None)
        for done, outcome in enumerate(writing, start=1):
            plan: ProjectRowPlan = outcome.data
            with row_errors(outcome.number):
                if plan.project_id is None:
                    create_project(user, town=towns[plan.town_code], data=dict(plan.fields))
                else:
                    project = projects[plan.project_id]
                    if plan.fields:
                        project = update_project(user, project=project, data=dict(plan.fields))
                    if plan.status is not None:
                        change_status(
                            user, project=project, status=plan.status, completion_note=plan.completion_note
                        )
            if progress is not None:
                progress(done, len(writing))
        return counts(outcomes)


def _existing(
    project: Project,
    allocations: tuple[Decimal, tuple[BondAllocation, ...]] | None,
    reports: Sequence[FiledReport],
) -> ExistingProject:
    declared = {field: getattr(project, field) for field in DECLARED_FIELDS if field != "task_area"}
    declared["task_area"] = project.task_area_id
    allocated, bonds = allocations or (Decimal("0.00"), ())
    latest = reports[0] if reports else None
    return ExistingProject(
        id=project.pk,
        name=project.name,
        town_code=project.town_id,
        town_name=project.town.name,
        status=project.status,
        declared=declared,
        completion_note=project.completion_note,
        allocated=allocated,
        bond_allocations=bonds,
        latest_percent=latest.percent_complete if latest else None,
        latest_label=latest.period.label if latest else "",
    )


def _project_subject(
    check: ProjectRowCheck, existing: Mapping[int, ExistingProject], town_names: Mapping[str, str]
) -> str:
    project = existing.get(check.project_id) if check.project_id is not None else None
    if project is not None:
        return f"{project.name}（项目编号 {project.id}）"
    if check.project_id is not None:
        return f"项目编号 {check.project_id}"
    town = town_names.get(check.town_code, check.town_code)
    return "：".join(part for part in (town, check.name) if part)


def _project_outcome(
    check: ProjectRowCheck, existing: Mapping[int, ExistingProject], town_names: Mapping[str, str]
) -> RowOutcome:
    subject = _project_subject(check, existing, town_names)
    if check.plan is None:
        return RowOutcome.error(check.number, "；".join(check.problems), subject)
    plan = check.plan
    changes = [
        Change(field, PROJECT_LABELS[field], _shown(field, before), _shown(field, after))
        for field, before, after in plan.changes
    ]
    if plan.project_id is None:
        return RowOutcome.new(check.number, subject, [c for c in changes if c.after], data=plan)
    if not plan.writes:
        return RowOutcome.unchanged(check.number, subject)
    return RowOutcome.changed(check.number, subject, changes, data=plan)


# --- the progress reports ------------------------------------------------------------------------------------


def _report_list_url() -> str:
    """The list of progress reports across projects where it exists (/projects/reports/), else the projects."""
    try:
        return reverse("report-list")
    except NoReverseMatch:
        return reverse("project-list")


@register
class ProgressReportImporter(_CountyImporter):
    kind = REPORT_IMPORT
    title = "项目进度报送"

    def denied_message(self) -> str:
        return "只有县（市、区）工作人员可以导入进度报送。"

    def columns(self, params: Mapping[str, Any]) -> Sequence[SheetColumn]:
        return REPORT_READ_COLUMNS

    def template_columns(self, params: Mapping[str, Any]) -> Sequence[SheetColumn]:
        return REPORT_SHEET

    def template_notes(self, params: Mapping[str, Any]) -> list[str]:
        return [
            "与“示范镇建设项目进度报送”导出表的列相同：每行一个项目一期（月度或季度）的进度，按行的顺序报送。",
            "与项目页面报送进度的规则相同：只有已批复、在建、已完工的项目报送进度；累计完成投资和形象进度不少于"
            "之前一期、不多于之后一期，累计完成投资不超过项目总投资；不能报送尚未开始的周期。",
            "已报送过的周期：数据相同的行为未变；与已报送的数据不同的行不能导入（已报送的进度不能修改）。",
            "也可不填“周期”，改填 报送周期、年度（year）和 月份或季度（number）三列。",
        ]

    def upload_url(self, params: Mapping[str, Any]) -> str:
        return reverse("report-import")

    def return_url(self, params: Mapping[str, Any]) -> str:
        return _report_list_url()

    def return_label(self, params: Mapping[str, Any]) -> str:
        return "查看进度报送" if _report_list_url() != reverse("project-list") else "查看项目列表"

    def preview(self, user: User | None, rows: Table, params: Mapping[str, Any]) -> list[RowOutcome]:
        """Two queries whatever the rows: the projects named (locked inside a confirm) and their reports."""
        if not rows.has(PERIOD.key) and not (rows.has(REPORT_YEAR.key) and rows.has(REPORT_NUMBER.key)):
            raise DomainError(
                f"缺少必需的列：{PERIOD.header}（{PERIOD.key}），如 2025年3月、2025年第1季度；"
                f"或 报送周期、{REPORT_YEAR.header}（year）和 {REPORT_NUMBER.header}（number）三列。"
            )
        projects = selectors.import_projects(user, _ids(rows, "project"), lock=_in_transaction())
        reports = selectors.filed_reports(projects)
        facts = {
            pk: ReportProject(
                pk, project.name, project.town.name, project.status, project.investment, reports.get(pk, ())
            )
            for pk, project in projects.items()
        }
        checks = check_report_rows(rows, rows.columns, projects=facts, today=timezone.localdate())
        return [_report_outcome(check, facts) for check in checks]

    def apply(
        self,
        user: User | None,
        outcomes: Sequence[RowOutcome],
        params: Mapping[str, Any],
        progress: ProgressCallback | None = None,
    ) -> dict[str, int]:
        """One submit_report per new row, in the file's order (the order the preview checked them in)."""
        writing = [outcome for outcome in outcomes if outcome.writes]
        projects = selectors.import_projects(user, (outcome.data.project_id for outcome in writing))
        for done, outcome in enumerate(writing, start=1):
            check: ReportRowCheck = outcome.data
            with row_errors(outcome.number):
                submit_report(
                    user,
                    project=projects[check.project_id],
                    period_type=check.period.kind,
                    year=check.period.year,
                    number=check.period.number,
                    cumulative_investment=str(check.cumulative_investment),
                    percent_complete=str(check.percent_complete),
                    narrative=check.narrative,
                )
            if progress is not None:
                progress(done, len(writing))
        return counts(outcomes)


def _report_subject(check: ReportRowCheck, facts: Mapping[int, ReportProject]) -> str:
    project = facts.get(check.project_id) if check.project_id is not None else None
    parts = []
    if project is not None:
        parts.append(f"{project.name}（项目编号 {project.id}）")
    elif check.project_id is not None:
        parts.append(f"项目编号 {check.project_id}")
    if check.period is not None:
        parts.append(check.period.label)
    return " ".join(parts)


def _report_outcome(check: ReportRowCheck, facts: Mapping[int, ReportProject]) -> RowOutcome:
    subject = _report_subject(check, facts)
    if check.problems:
        return RowOutcome.error(check.number, "；".join(check.problems), subject)
    if check.unchanged:
        return RowOutcome.unchanged(check.number, subject, "本期已报送，数据相同")
    changes = [
        Change(PERIOD.key, PERIOD.header, "", check.period.label),
        Change(CUMULATIVE.key, CUMULATIVE.header, "", formats.money(check.cumulative_investment)),
        Change(PERCENT.key, PERCENT.header, "", formats.figure(check.percent_complete)),
    ]
    if check.narrative:
        changes.append(Change(NARRATIVE.key, NARRATIVE.header, "", check.narrative))
    return RowOutcome.new(check.number, subject, changes, data=check)
