"""Spreadsheets of the project pages: the project list, the unreported projects and the task-area summary."""

from core.exports import Column
from core.vocabulary import label
from towns.choices import Tier

from .choices import BondType, ProjectStatus
from .display import period_key_label
from .sheets import PROJECT_SHEET

YES_NO = {True: "是", False: "否"}

# The project list's columns: declared once with the import's (projects.sheets), so an export imports back.
PROJECT_COLUMNS = tuple(column.column for column in PROJECT_SHEET)


def _date(value):
    return value.strftime("%Y-%m-%d") if value else ""


def project_rows(projects):
    """One row per project of visible_projects() (annotated with_flags, towns and task area selected)."""
    for project in projects:
        yield (
            project.pk,
            project.name,
            project.town.city.name,
            project.town.county.name,
            project.town.name,
            project.town_id,
            label(Tier, project.town_tier, empty="非示范镇"),
            project.task_area_id,
            project.task_area.name,
            YES_NO[project.public_welfare],
            YES_NO[project.special_bond_field],
            project.investment,
            project.annual_revenue,
            project.annual_debt_service,
            project.start_year,
            project.end_year,
            label(ProjectStatus, project.status),
            YES_NO[bool(project.key_support)],
            label(BondType, project.bond_type),
            project.completed_investment,
            project.percent_complete,
            period_key_label(project.last_reported_period) or "未报送",
            _date(project.planning_approval_date),
            project.planning_approval_doc_no,
            _date(project.design_approval_date),
            project.design_approval_doc_no,
            project.completion_note,
        )


UNREPORTED_COLUMNS = (
    Column("市（州）", 12),
    Column("县（市、区）", 14),
    Column("镇", 12),
    Column("项目编号", 10, kind="int"),
    Column("项目名称", 32),
    Column("任务领域代码", 10),
    Column("状态", 8),
    Column("总投资（万元）", 14, kind="money"),
    Column("累计完成投资（万元）", 14, kind="money"),
    Column("最近报送", 14),
)


def unreported_rows(projects):
    for project in projects:
        yield (
            project.town.city.name,
            project.town.county.name,
            project.town.name,
            project.pk,
            project.name,
            project.task_area_id,
            label(ProjectStatus, project.status),
            project.investment,
            project.completed_investment,
            period_key_label(project.last_reported_period) or "从未报送",
        )


TASK_AREA_COLUMNS = (
    Column("任务组", 14),
    Column("任务领域代码", 10),
    Column("任务领域", 24),
    Column("项目数", 10, kind="int"),
    Column("省级重点支持项目数", 12, kind="int"),
    Column("总投资（万元）", 16, kind="money"),
)


def task_area_rows(groups):
    for group in groups:
        for area in group["areas"]:
            yield (
                group["label"],
                area["code"],
                area["name"],
                area["projects"],
                area["key_support"],
                area["investment"],
            )
