"""Spreadsheets of the project pages: the project list, the progress reports across projects, the unreported
projects and the task-area summary. Each list registers its export (core.exports): the page's FilterSet (or
form) and sort over the user's scope, read by the page and by its export alike."""

from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from core.errors import DomainError
from core.exports import FILTERS_REFUSED, Column, ExportSpec, filter_note, register_export
from core.formats import money
from core.vocabulary import label
from towns.choices import Tier
from towns.exports import place_values

from . import selectors
from .choices import TASK_AREAS, TASK_GROUPS, BondType, PeriodType, ProjectStatus
from .display import period_key_label
from .filtersets import (
    PROJECT_SORTS,
    REPORT_SORTS,
    UNREPORTED_SORTS,
    ProgressReportFilterSet,
    ProjectFilterSet,
)
from .forms import GROUP_NUMERALS, PeriodForm, YearForm
from .rules import period_of
from .sheets import PROJECT_SHEET, REPORT_SHEET

PERIOD_FIELDS = ("period_type", "year", "number")

YES_NO = {True: "是", False: "否"}

# The project list's columns: declared once with the import's (projects.sheets), so an export imports back.
PROJECT_COLUMNS = tuple(column.column for column in PROJECT_SHEET)


def _date(value):
    return value.strftime("%Y-%m-%d") if value else ""


def _today():
    return f"{timezone.localdate():%Y%m%d}"


def filtered_projects(user, query):
    """The list's FilterSet over the user's projects, its sort, and its rows in that order (none while a filter
    is invalid): the page and its export alike."""
    filterset = ProjectFilterSet(query, queryset=selectors.visible_projects(user))
    projects = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    sorting = PROJECT_SORTS.sorting(query=query)
    return filterset, sorting.apply(projects), sorting


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


@register_export("projects.projects", page="project-list")
def project_export(user, query):
    filterset, projects, sorting = filtered_projects(user, query)
    if not filterset.is_valid():
        raise DomainError(FILTERS_REFUSED)
    totals = selectors.project_totals(filterset.qs)
    count = filterset.qs.count()
    return ExportSpec(
        title="吉林省示范镇建设项目",
        filename=f"示范镇建设项目-{_today()}.xlsx",
        columns=PROJECT_COLUMNS,
        rows=project_rows(projects.iterator(chunk_size=2000)),
        count=count,
        unit_note=f"金额单位：万元　共 {count} 个项目，总投资 {money(totals['investment'])} 万元",
        filters=filter_note(filterset, sorting, values=place_values(filterset)),
    )


# --- progress reports across projects (R5 调度) -----------------------------------------------------------


def filtered_reports(user, query):
    """The progress reports' FilterSet over those of the user's projects, its sort, and the rows in that order
    (none while a filter is invalid): the page, its export and GET /api/v1/progress-reports/ filter alike."""
    filterset = ProgressReportFilterSet(query, queryset=selectors.listed_reports(user))
    reports = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    sorting = REPORT_SORTS.sorting(query=query)
    return filterset, sorting.apply(reports), sorting


# The progress sheet's columns: declared once with the progress import's (projects.sheets).
REPORT_COLUMNS = tuple(column.column for column in REPORT_SHEET)


def report_rows(reports):
    for report in reports:
        project = report.project
        town = project.town
        reporter = report.reported_by
        yield (
            project.pk,
            project.name,
            town.code,
            town.name,
            town.county.name,
            town.city.name,
            project.task_area_id,
            label(PeriodType, report.period_type),
            report.period_label,
            _date(report.period_end),
            report.cumulative_investment,
            report.percent_complete,
            report.narrative,
            (reporter.get_full_name() or reporter.username) if reporter else "",
            timezone.localtime(report.created_at).strftime("%Y-%m-%d %H:%M"),
        )


@register_export("projects.reports", page="report-list")
def report_export(user, query):
    filterset, reports, sorting = filtered_reports(user, query)
    if not filterset.is_valid():
        raise DomainError(FILTERS_REFUSED)
    count = filterset.qs.count()
    return ExportSpec(
        title="示范镇建设项目进度报送",
        filename=f"项目进度报送-{_today()}.xlsx",
        columns=REPORT_COLUMNS,
        rows=report_rows(reports.iterator(chunk_size=2000)),
        count=count,
        unit_note=f"金额单位：万元　共 {count} 条报送",
        filters=filter_note(filterset, sorting, values=place_values(filterset)),
    )


# --- unreported projects -----------------------------------------------------------------------------


def unreported_context(user, query):
    """The projects not reported for the period asked for (the current one by default), grouped by city and
    county in code order with the chosen sort inside each county: the page and its export alike."""
    current = period_of(timezone.localdate(), settings.PROGRESS_PERIOD)
    asked = any(name in query for name in PERIOD_FIELDS)
    form = PeriodForm(
        query if asked else None,
        initial={"period_type": current.kind, "year": current.year, "number": current.number},
    )
    chosen = form.cleaned_data["period"] if asked and form.is_valid() else current
    sorting = UNREPORTED_SORTS.sorting(query=query)
    projects = sorted(
        sorting.apply(selectors.unreported_projects(user, chosen).projects()),
        key=lambda project: (project.town.city_id, project.town.county_id),
    )
    cities = {}
    for project in projects:
        town = project.town
        city = cities.setdefault(town.city_id, {"region": town.city, "count": 0, "counties": {}})
        county = city["counties"].setdefault(town.county_id, {"region": town.county, "projects": []})
        city["count"] += 1
        county["projects"].append(project)
    return {
        "form": form,
        "period": chosen,
        "is_current": chosen == current,
        "current": current,
        "projects": projects,
        "sorting": sorting,
        "cities": [{**city, "counties": list(city["counties"].values())} for city in cities.values()],
    }


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


@register_export("projects.unreported", page="project-unreported")
def unreported_export(user, query):
    context = unreported_context(user, query)
    chosen = context["period"]
    projects = context["projects"]
    return ExportSpec(
        title=f"{chosen.label}未报送进度的示范镇建设项目",
        filename=f"未报送进度项目-{chosen.key}.xlsx",
        columns=UNREPORTED_COLUMNS,
        rows=unreported_rows(projects),
        count=len(projects),
        unit_note=f"金额单位：万元　共 {len(projects)} 个项目（已批复、在建）",
        filters=filter_note(None, context["sorting"], extra=[("报送期", chosen.label)]),
    )


# --- task areas --------------------------------------------------------------------------------------


def task_area_context(user, query):
    """The projects per task group and area (R4) within the user's scope, of a year's construction period
    when one is asked for: the page and its export alike."""
    form = YearForm(query or None)
    year = form.cleaned_data["year"] if form.is_bound and form.is_valid() else None
    totals = selectors.task_area_totals(user, year)
    groups = []
    for group, group_name in TASK_GROUPS.items():
        areas = []
        for code, area_group, name in TASK_AREAS:
            if area_group != group:
                continue
            count, investment, key = totals.get(code, (0, None, 0))
            areas.append(
                {
                    "code": code,
                    "name": name,
                    "projects": count,
                    "investment": investment or Decimal("0.00"),
                    "key_support": key,
                }
            )
        groups.append(
            {
                "number": group,
                "label": f"{GROUP_NUMERALS[group]}、{group_name}",
                "areas": areas,
                "projects": sum(area["projects"] for area in areas),
                "investment": sum((area["investment"] for area in areas), Decimal("0.00")),
                "key_support": sum(area["key_support"] for area in areas),
            }
        )
    return {
        "form": form,
        "year": year,
        "groups": groups,
        "total_projects": sum(group["projects"] for group in groups),
        "total_investment": sum((group["investment"] for group in groups), Decimal("0.00")),
        "total_key_support": sum(group["key_support"] for group in groups),
    }


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


@register_export("projects.task_areas", page="task-area-summary")
def task_area_export(user, query):
    context = task_area_context(user, query)
    scope = f"{context['year']}年在建设期内的项目" if context["year"] else "全部项目"
    return ExportSpec(
        title="示范镇建设任务领域项目汇总",
        filename=f"任务领域项目汇总-{_today()}.xlsx",
        columns=TASK_AREA_COLUMNS,
        rows=task_area_rows(context["groups"]),
        count=len(TASK_AREAS),
        unit_note=f"金额单位：万元　{scope}",
        filters=filter_note(context["form"]),
    )
