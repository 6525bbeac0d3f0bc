"""Reads of projects: scoped, annotated with the computed R5 flags, in a constant number of queries."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, Model, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from accounts.models import User
from core.money import quantize
from core.scoping import restrict
from towns.models import Designation, Region, Town, TownKind
from towns.selectors import town_lookup, within_region

from .choices import BOND_KIND_OF_SOURCE, FundingSource, ProjectStatus
from .models import ProgressReport, Project, TaskArea
from .rules import BondAllocation, FiledReport, ImportTown, Period, ProjectTerms, period

REPORT_DUE_STATUSES = (ProjectStatus.APPROVED, ProjectStatus.UNDER_CONSTRUCTION)
ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))
PLACE = ("town", "town__county", "town__city", "task_area")


def visible_projects(user: User | None) -> QuerySet[Project]:
    """The projects the user may see (every project for None: jobs and commands), with town, county, city and
    task area, and the computed flags."""
    projects = Project.objects.with_flags().select_related(*PLACE)
    return projects if user is None else restrict(projects, user)


def visible_project(user: User, pk: int) -> Project | None:
    """One of visible_projects(), or None when it does not exist or lies outside the user's scope."""
    return visible_projects(user).filter(pk=pk).first()


def visible_projects_by_id(user: User, ids: Iterable[int]) -> dict[int, Project]:
    """id → project of visible_projects() for those ids (those outside the scope are missing); one query."""
    return visible_projects(user).in_bulk(list(ids))


def scoped_project(user: User, pk: int) -> Project | None:
    """The project with its town if the user's scope covers it, else None (unknown and outside alike): what a
    report or an allocation is filed for."""
    return restrict(Project.objects.select_related("town"), user).filter(pk=pk).first()


def scoped_town(user: User, code: str) -> Town | None:
    """The town of that code if the user's scope covers it, else None (unknown and outside alike)."""
    return restrict(Town.objects.all(), user).filter(code=code).first()


def is_designated(town: Town) -> bool:
    """Whether the town holds an active designation (only then are projects filed for it, R5)."""
    return Designation.objects.active().filter(town=town).exists()


def task_areas() -> QuerySet[TaskArea]:
    """The 15 task areas (R4), T01–T15."""
    return TaskArea.objects.all()


def task_area_names() -> dict[str, str]:
    """task area code → name; one query."""
    return dict(TaskArea.objects.values_list("code", "name"))


def task_area_by_code(code: str) -> TaskArea | None:
    return TaskArea.objects.filter(code=code).first()


def project_totals(projects: QuerySet[Project]) -> dict[str, Decimal]:
    """The investment and completed investment summed over the projects (0.00 for none); one query."""
    return projects.aggregate(
        investment=Coalesce(Sum("investment"), ZERO), completed=Coalesce(Sum("completed_investment"), ZERO)
    )


def project_reports(project: Project) -> list[ProgressReport]:
    """The project's progress reports, latest period first, with who filed them."""
    return list(project.reports.select_related("reported_by").order_by("-period_end", "-id"))


def latest_report(project: Project) -> ProgressReport | None:
    """The project's report of the latest period."""
    return project.reports.order_by("-period_end", "-id").first()


def neighbour_reports(
    project: Project, period_end: datetime.date
) -> tuple[ProgressReport | None, ProgressReport | None]:
    """The project's reports just before and just after the period ending on period_end (each may be None)."""
    reports = project.reports.all()
    earlier = reports.filter(period_end__lt=period_end).order_by("-period_end", "-id").first()
    later = reports.filter(period_end__gt=period_end).order_by("period_end", "id").first()
    return earlier, later


def visible_project_allocations(user: User, project: Project) -> list[Model]:
    """The project's allocations the user may see, by year (funding's rows, reached through their foreign
    key: funding lies above projects), with what the allocation list shows of each."""
    return list(
        restrict(
            project.allocations.select_related(
                "project", "project__town", "project__town__county", "project__town__city", "quota__region"
            ),
            user,
        ).order_by("year", "id")
    )


def visible_reports(user: User) -> QuerySet[ProgressReport]:
    """The progress reports the user may see, with their project and town."""
    return restrict(ProgressReport.objects.select_related("project", "project__town"), user)


def listed_reports(user: User) -> QuerySet[ProgressReport]:
    """The progress reports the user may see, with what their list shows: the project, its town, county, city
    and who filed each (one query for any number of rows)."""
    reports = ProgressReport.objects.select_related(
        "project", "project__town", "project__town__county", "project__town__city", "reported_by"
    )
    return restrict(reports, user)


def project_terms(project: Project) -> ProjectTerms:
    """What projects.rules.edit_refusals compares of the project before and after an edit."""
    return ProjectTerms(
        status=project.status,
        investment=project.investment,
        public_welfare=project.public_welfare,
        special_bond_field=project.special_bond_field,
        annual_revenue=project.annual_revenue,
        annual_debt_service=project.annual_debt_service,
        planning_approval_date=project.planning_approval_date,
        planning_approval_doc_no=project.planning_approval_doc_no,
        design_approval_date=project.design_approval_date,
        design_approval_doc_no=project.design_approval_doc_no,
    )


def allocations_of(project: Project) -> tuple[Decimal, tuple[BondAllocation, ...]]:
    """What is allocated to the (locked) project, all sources, and its bond allocations: one query, inside
    the caller's transaction, so an allocation committed before the lock was granted is counted."""
    rows = list(project.allocations.order_by("year", "id").values_list("year", "source", "amount"))
    allocated = sum((amount for _year, _source, amount in rows), Decimal("0.00"))
    bonds = tuple(
        BondAllocation(year, FundingSource(source).label, amount)
        for year, source, amount in rows
        if source in BOND_KIND_OF_SOURCE
    )
    return allocated, bonds


class UnreportedProjects:
    """Projects due to report (已批复 or 在建) with no report for the period (filed_by_end: only those filed by
    the period's end, what is overdue once it has ended)."""

    def __init__(self, user: User | None, period: Period, *, filed_by_end: bool = False) -> None:
        due = Project.objects.filter(status__in=REPORT_DUE_STATUSES)
        if user is not None:
            due = restrict(due, user)
        if filed_by_end:
            due = due.filter(created_at__date__lte=period.end)
        reported = ProgressReport.objects.filter(
            project=OuterRef("pk"), period_type=period.kind, year=period.year, number=period.number
        )
        self.period = period
        self.queryset = due.filter(~Exists(reported))

    def projects(self) -> QuerySet[Project]:
        """The projects with their flags and place, by city, county and town."""
        return (
            self.queryset.with_flags()
            .select_related(*PLACE)
            .order_by("town__city_id", "town__county_id", "town_id", "id")
        )

    def county_counts(self) -> list[tuple[str, int]]:
        """(county code, number of unreported projects), one query."""
        rows = self.queryset.values("town__county_id").annotate(n=Count("id")).order_by("town__county_id")
        return [(row["town__county_id"], row["n"]) for row in rows]


def unreported_projects(
    user: User | None, period: Period, *, filed_by_end: bool = False
) -> UnreportedProjects:
    """Projects inside the user's scope (everyone's when user is None, for jobs) not reported for period
    (filed_by_end: those filed by the period's end only, for an ended period)."""
    return UnreportedProjects(user, period, filed_by_end=filed_by_end)


def counties_with_cities(codes: Iterable[str]) -> dict[str, tuple[str, str | None]]:
    """county code → (name, city code) for those counties; one query."""
    rows = Region.objects.filter(code__in=list(codes)).values_list("code", "name", "parent_id")
    return {code: (name, city) for code, name, city in rows}


def project_towns(user: User) -> QuerySet[Town]:
    """The 镇 of the county official's county that hold an active designation: where he may file projects."""
    return (
        Town.objects.towns_only()
        .filter(county_id=user.region_id)
        .with_active_designation()
        .filter(active_tier__isnull=False)
        .order_by("code")
    )


def chosen_filter_town(user: User, code: str) -> Town | None:
    """The town a list is filtered by, with its county, to name it in the filter bar (None when the code is
    not one of the user's towns). The filter offers towns as they are typed (/towns/suggest/), never all."""
    if not code:
        return None
    return restrict(Town.objects.select_related("county"), user).filter(code=code).first()


def task_area_totals(user: User, year: int | None = None) -> dict[str, tuple[int, Decimal | None, int]]:
    """task area code → (projects, investment, key-support projects) within the user's scope, one query."""
    projects = restrict(Project.objects.with_flags(), user)
    if year is not None:
        projects = projects.filter(start_year__lte=year, end_year__gte=year)
    rows = (
        projects.order_by()
        .values("task_area_id")
        .annotate(n=Count("id"), investment=Sum("investment"), key=Count("id", filter=Q(key_support=True)))
    )
    return {row["task_area_id"]: (row["n"], row["investment"], row["key"]) for row in rows}


# --- dashboards (issue 10): grouped in SQL, one query each whatever the number of towns and projects --------


def investment_by(user: User, *, by: str, region: str | None = None) -> dict[str, tuple[int, Decimal]]:
    """code of each city, county or town (by) → (projects, their total investment in 万元), inside the user's
    scope and the region. Every project counts, whatever its status, as on the task-area summary."""
    key = town_lookup(by)
    projects = within_region(restrict(Project.objects.all(), user), region)
    rows = projects.order_by().values(key).annotate(n=Count("id"), investment=Sum("investment"))
    return {row[key]: (row["n"], quantize(row["investment"] or 0)) for row in rows}


def status_counts(user: User, *, region: str | None = None) -> dict[str, int]:
    """status → projects inside the user's scope and the region."""
    projects = within_region(restrict(Project.objects.all(), user), region)
    return dict(projects.order_by().values_list("status").annotate(n=Count("id")))


def reporting_by(
    user: User, period: Period, *, by: str, region: str | None = None
) -> dict[str, tuple[int, int]]:
    """code of each city, county or town (by) → (projects due to report for the period, those of them that
    reported): due as unreported_projects() counts it (已批复 or 在建), inside the user's scope and the region."""
    key = town_lookup(by)
    reported = ProgressReport.objects.filter(
        project=OuterRef("pk"), period_type=period.kind, year=period.year, number=period.number
    )
    due = within_region(restrict(Project.objects.filter(status__in=REPORT_DUE_STATUSES), user), region)
    rows = (
        due.order_by().values(key).annotate(due=Count("id"), reported=Count("id", filter=Q(Exists(reported))))
    )
    return {row[key]: (row["due"], row["reported"]) for row in rows}


# --- spreadsheet imports (projects.imports): one query per kind of fact, whatever the number of rows ------


def import_projects(user: User, ids: Iterable[int], *, lock: bool = False) -> dict[int, Project]:
    """id → project (with its town) of those ids inside the user's scope; the others are missing, unknown and
    outside alike. One query. lock: SELECT … FOR UPDATE OF the projects, in id order — the row locks
    update_project, change_status and submit_report take, for an import's confirm inside its transaction."""
    projects = restrict(Project.objects.select_related("town"), user).filter(pk__in=set(ids)).order_by("pk")
    if lock:
        projects = projects.select_for_update(of=("self",))
    return {project.pk: project for project in projects}


def import_towns(user: User, codes: Iterable[str]) -> dict[str, ImportTown]:
    """code → the towns of the county official's county among those codes, each eligible when it is a 镇
    holding an active designation (where projects are filed, R5); one query."""
    rows = (
        Town.objects.filter(code__in=set(codes), county_id=user.region_id)
        .with_active_designation()
        .values_list("code", "name", "kind", "active_tier")
    )
    return {
        code: ImportTown(code, name, kind == TownKind.TOWN and active_tier is not None)
        for code, name, kind, active_tier in rows
    }


def project_names(codes: Iterable[str]) -> dict[tuple[str, str], int]:
    """(town code, project name) → the first project's id, of the projects of those towns; one query."""
    names: dict[tuple[str, str], int] = {}
    rows = Project.objects.filter(town_id__in=set(codes)).order_by("pk").values_list("town_id", "name", "pk")
    for town, name, pk in rows:
        names.setdefault((town, name.strip()), pk)
    return names


def projects_allocations(ids: Iterable[int]) -> dict[int, tuple[Decimal, tuple[BondAllocation, ...]]]:
    """project id → (what is allocated to it, all sources; its bond allocations), as allocations_of() gives
    them for one project; projects without allocations are missing. One query."""
    rows = (
        Project.objects.filter(pk__in=set(ids), allocations__isnull=False)
        .order_by("pk", "allocations__year", "allocations__id")
        .values_list("pk", "allocations__year", "allocations__source", "allocations__amount")
    )
    found: dict[int, tuple[Decimal, list[BondAllocation]]] = {}
    for pk, year, source, amount in rows:
        allocated, bonds = found.get(pk, (Decimal("0.00"), []))
        if source in BOND_KIND_OF_SOURCE:
            bonds.append(BondAllocation(year, FundingSource(source).label, amount))
        found[pk] = (allocated + amount, bonds)
    return {pk: (allocated, tuple(bonds)) for pk, (allocated, bonds) in found.items()}


def filed_reports(ids: Iterable[int]) -> dict[int, tuple[FiledReport, ...]]:
    """project id → its progress reports, latest period first (as latest_report() orders them); one query."""
    rows = (
        ProgressReport.objects.filter(project_id__in=set(ids))
        .order_by("project_id", "-period_end", "-id")
        .values_list(
            "project_id",
            "period_type",
            "year",
            "number",
            "cumulative_investment",
            "percent_complete",
            "narrative",
            "pk",
        )
    )
    found: dict[int, list[FiledReport]] = {}
    for project_id, kind, year, number, cumulative, percent, narrative, pk in rows:
        found.setdefault(project_id, []).append(
            FiledReport(period(kind, year, number), cumulative, percent, narrative or "", pk)
        )
    return {pk: tuple(reports) for pk, reports in found.items()}
