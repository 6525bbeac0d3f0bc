"""One page per town (issue 10, point 6): everything the user's scope allows of one town, read through each
app's own selectors and composed here, on the top floor (the only one that may read towns, selection,
projects, funding and the assessment together). The town page and `GET /api/v1/towns/{code}/summary/` show
the same `TownSummary`.

A constant number of queries whatever the number of towns, projects, submissions or years: one per section.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, F, Prefetch, Sum
from django.urls import reverse

from assessment import selectors as assessment_selectors
from assessment.choices import ResultStatus
from core.charts import Chart, as_series
from funding import selectors as funding_selectors
from projects import selectors as project_selectors
from projects.choices import FundingSource
from selection import selectors as selection_selectors
from towns import selectors as town_selectors

if TYPE_CHECKING:
    from accounts.models import User
    from assessment.models import Notice, Result, TalkFollowUp, Veto
    from projects.models import Project
    from selection.models import Submission
    from towns.models import Designation, Town

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class FundingLine:
    """What the town's projects were allocated from one source (R6)."""

    source: str
    label: str
    amount: Decimal
    count: int
    share: Decimal  # percent of everything allocated to the town's projects, one decimal


@dataclass(frozen=True)
class TownSummary:
    """A town and its record in every app, as far as the user may see it (model rows, read as they are)."""

    town: Town
    designations: list[Designation]  # newest first (R2: kept forever)
    submissions: list[Submission]  # newest round first; each with `shown_events`, oldest first (R3)
    projects: list[Project]  # by task area; percent_complete is the latest report's (R5)
    funding: list[FundingLine]  # by source, in FundingSource order (R6)
    results: list[Result]  # one per assessed year, oldest first, as the user is shown that year (R7, R8)
    vetoes: list[Veto]  # newest year first (R7)
    notices: list[Notice]  # notices listing the town, newest first; each with town_score and town_rank (R8)
    talks: list[TalkFollowUp]  # newest year first (R8)

    @property
    def investment(self) -> Decimal:
        return sum((project.investment for project in self.projects), ZERO)

    @property
    def completed_investment(self) -> Decimal:
        return sum((project.completed_investment for project in self.projects), ZERO)

    @property
    def funding_total(self) -> Decimal:
        return sum((line.amount for line in self.funding), ZERO)

    @property
    def results_newest_first(self) -> list[Result]:
        return self.results[::-1]

    def score_chart(self) -> Chart:
        """The composite score by year (R7), a line; the table under it also lists the ranks."""
        return Chart(
            key="town-scores",
            title="综合得分",
            kind="line",
            categories=tuple(f"{result.round.year}年" for result in self.results),
            series=(as_series("综合得分", [result.score for result in self.results]),),
            unit="分",
            places=2,
            category_header="年度",
        )

    def rank_chart(self) -> Chart:
        """The rank in its tier by year (R8), a line with the first rank on top."""
        return Chart(
            key="town-ranks",
            title="层级内排名",
            kind="line",
            categories=tuple(f"{result.round.year}年" for result in self.results),
            series=(as_series("层级内排名", [result.rank for result in self.results]),),
            unit="名",
            category_header="年度",
            extra={"inverse": True},
        )


def town_summary(user: User, code: str) -> TownSummary | None:
    """The town of that code with its record, or None when it does not exist or lies outside the user's
    scope (the two answer alike). Ten queries, whatever the data."""
    town = town_selectors.visible_town(user, code)
    if town is None:
        return None
    return TownSummary(
        town=town,
        designations=town_selectors.designation_history(town),
        submissions=town_submissions(user, town),
        projects=town_projects(user, town),
        funding=town_funding(user, town),
        results=town_results(user, town),
        vetoes=list(
            assessment_selectors.visible_vetoes(user)
            .filter(town=town)
            .select_related("recorded_by")
            .order_by("-round__year", "id")
        ),
        notices=town_notices(user, town),
        talks=list(assessment_selectors.visible_talks(user).filter(town=town).order_by("-round__year")),
    )


def town_submissions(user: User, town: Town) -> list[Submission]:
    """The town's candidate submissions the user may see, newest round first, each with its workflow steps as
    the user is shown them (`shown_events`): two queries."""
    return list(
        selection_selectors.visible_submissions(user, with_documents=False)
        .filter(town=town)
        .prefetch_related(
            Prefetch("events", queryset=selection_selectors.shown_events(user), to_attr="shown_events")
        )
        .order_by("-round__deadline", "-round_id")
    )


def town_projects(user: User, town: Town) -> list[Project]:
    """The town's projects the user may see, with their flags, by task area."""
    return list(project_selectors.visible_projects(user).filter(town=town).order_by("task_area_id", "id"))


def town_funding(user: User, town: Town) -> list[FundingLine]:
    """What the town's projects were allocated, per source (one query)."""
    rows = (
        funding_selectors.visible_allocations(user)
        .filter(project__town=town)
        .order_by()
        .values("source")
        .annotate(amount=Sum("amount"), count=Count("id"))
    )
    by_source = {row["source"]: row for row in rows}
    total = sum((row["amount"] for row in by_source.values()), ZERO)
    return [
        FundingLine(
            source=source.value,
            label=str(source.label),
            amount=by_source[source]["amount"],
            count=by_source[source]["count"],
            share=(by_source[source]["amount"] * 100 / total).quantize(Decimal("0.1"), ROUND_HALF_UP)
            if total
            else ZERO,
        )
        for source in FundingSource
        if source in by_source
    ]


def town_results(user: User, town: Town) -> list[Result]:
    """One result per year, oldest first: the one the year's pages show the user (the draft to province roles
    while it awaits publication, otherwise the published one). One query."""
    results = assessment_selectors.visible_results(user).filter(town=town).order_by("round__year", "id")
    return [
        result for result in results if result.status == assessment_selectors.shown_status(user, result.round)
    ]


def town_notices(user: User, town: Town) -> list[Notice]:
    """The notices (通报) the user may see that list the town, newest first, each with the town's score and
    rank as the notice lists them (town_score, town_rank). One query."""
    return list(
        assessment_selectors.visible_notices(user)
        .prefetch_related(None)
        .filter(results__town=town)
        .annotate(town_score=F("results__score"), town_rank=F("results__rank"))
        .order_by("-round__year", "kind", "-id")
    )


def notice_url(notice: Notice) -> str:
    """The notice's page: the one in force by its year and kind, a superseded one by its id too."""
    url = reverse("assessment-notice", kwargs={"year": str(notice.round.year), "kind": notice.kind})
    return f"{url}?notice={notice.pk}" if notice.status == ResultStatus.SUPERSEDED else url
