"""Reads of projects: scoped, annotated with the computed R5 flags, in a constant number of queries."""

from django.db.models import Count, Exists, OuterRef

from core.scoping import restrict

from .choices import ProjectStatus
from .models import ProgressReport, Project

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
