"""Reads of projects: scoped, annotated with the computed R5 flags, in a constant number of queries."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q, Sum

from core.money import quantize
from core.scoping import restrict
from towns.selectors import town_lookup, within_region

from .choices import ProjectStatus
from .models import ProgressReport, Project

if TYPE_CHECKING:
    from accounts.models import User

    from .rules import Period

REPORT_DUE_STATUSES = (ProjectStatus.APPROVED, ProjectStatus.UNDER_CONSTRUCTION)


def visible_projects(user):
    """The projects the user may see, with town, county, city and task area, and the computed flags."""
    projects = Project.objects.with_flags().select_related("town", "town__county", "town__city", "task_area")
    return projects if user is None else restrict(projects, user)


class UnreportedProjects:
    """Projects due to report (已批复 or 在建) with no report for the period."""

    def __init__(self, user, period):
        due = Project.objects.filter(status__in=REPORT_DUE_STATUSES)
        if user is not None:
            due = restrict(due, user)
        reported = ProgressReport.objects.filter(
            project=OuterRef("pk"), period_type=period.kind, year=period.year, number=period.number
        )
        self.period = period
        self.queryset = due.filter(~Exists(reported))

    def projects(self):
        return self.queryset.with_flags().select_related("town", "town__county", "town__city", "task_area")

    def county_counts(self):
        """(county code, number of unreported projects), one query."""
        rows = self.queryset.values("town__county_id").annotate(n=Count("id")).order_by("town__county_id")
        return [(row["town__county_id"], row["n"]) for row in rows]


def unreported_projects(user, period):
    """Projects inside the user's scope (everyone's when user is None, for jobs) not reported for period."""
    return UnreportedProjects(user, period)


# --- pages (appended by the project pages; reads only) ------------------------------------------------------


def project_towns(user):
    """The 镇 of the county official's county that hold an active designation: where he may file projects."""
    from towns.models import Town

    return (
        Town.objects.towns_only()
        .filter(county_id=user.region_id)
        .with_active_designation()
        .filter(active_tier__isnull=False)
        .order_by("code")
    )


def project_filter_towns(user, city="", county=""):
    """The towns that have projects inside the user's scope (and the chosen city or county): the list's
    town filter. One query."""
    from towns.models import Town

    projects = restrict(Project.objects.all(), user)
    if city:
        projects = projects.filter(town__city_id=city)
    if county:
        projects = projects.filter(town__county_id=county)
    return Town.objects.filter(code__in=projects.values("town_id")).select_related("county").order_by("code")


def task_area_totals(user, year=None):
    """task area code → (projects, investment, key-support projects) within the user's scope, one query."""
    from django.db.models import Q, Sum

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
