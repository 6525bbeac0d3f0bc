"""The dashboards of issue 10: the figures and charts of the province, a city or a county, for the user's own
scope or a region inside it, composed from the apps' aggregate selectors (grouped in SQL). The number of
queries is fixed for each level, whatever the number of towns, projects or results.

The home page, the region pages, their .xlsx export and GET /api/v1/dashboard/ all read one `Dashboard`; the
home page also reads the first rows of the user's to-do list and the county's unreported count from here.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from assessment import selectors as assessment_selectors
from assessment.choices import Grade
from core.charts import Chart, Number, Series
from core.roles import RegionLevel
from core.scoping import scope_of
from core.vocabulary import label
from funding import selectors as funding_selectors
from funding.choices import FundingSource
from projects import selectors as project_selectors
from projects.choices import ProjectStatus
from projects.rules import Period, period_of
from projects.selectors import unreported_projects
from selection import selectors as selection_selectors
from selection.choices import SubmissionStatus
from towns import selectors as town_selectors
from towns.choices import Tier
from towns.rules import RegionCounts, RegionQuota, region_quota

from . import rules
from .rules import Measure

if TYPE_CHECKING:
    from accounts.models import User
    from towns.models import Region

ZERO = Decimal("0.00")
MAP_NOTE = "示意图：市（州）轮廓仅为示意，不作为标准地图使用；点击市（州）查看其所辖县（市、区）。"
PUBLISHED_NOTE = "已发布的年度评价结果。"


# --- the home page's unreported count -------------------------------------------------------


def unreported_count(user: User, period: Period) -> int:
    """How many of the user's projects due to report have no report for the period."""
    return unreported_projects(user, period).queryset.count()


# --- the dashboards ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One headline number of a dashboard."""

    key: str
    label: str
    value: int | Decimal | None
    unit: str = ""
    places: int = 0
    link: str = ""


@dataclass(frozen=True)
class Row:
    """One line of a dashboard's measures table: a city (the province's), a county (a city's) or a town (a
    county's), with the figures the map and the charts show for it."""

    code: str
    name: str
    link: str = ""
    tier: str = ""  # a town's active tier ("" when not designated, and for a city or county)
    provincial: int = 0
    city: int = 0
    county: int = 0
    required: int = 0  # designations the R1 minimums ask for (a city's own and its counties')
    gap: int | None = None  # R1 shortfall; None for a town, or a county that has no 镇
    projects: int = 0
    investment: Decimal = ZERO
    due: int = 0  # projects due to report this period
    reported: int = 0  # … of which reported
    score: Decimal | None = None  # average composite score (a town's own) of the score year

    @property
    def designations(self) -> int:
        return self.provincial + self.city + self.county

    @property
    def unreported(self) -> int:
        return self.due - self.reported

    @property
    def rate(self) -> Decimal | None:
        return rules.reporting_rate(self.due, self.reported)

    @property
    def tier_label(self) -> str:
        return label(Tier, self.tier, empty="未认定")

    def value(self, measure: Measure) -> Number:
        """The row's figure for a map measure (rules.MEASURES)."""
        return getattr(self, measure.key)


@dataclass(frozen=True)
class Dashboard:
    """What a dashboard shows: headline figures, the measures table and the charts (each with its data table
    and its sheet in the export). level is "province", "city" or "county"; "" for a user who sees nothing."""

    level: str
    title: str
    region_code: str = ""
    parent_code: str = ""
    parent_name: str = ""
    period: Period | None = None
    score_year: int | None = None
    measure: Measure | None = None  # what the map shows (the province alone has a map)
    row_header: str = ""
    rows: tuple[Row, ...] = ()
    figures: tuple[Figure, ...] = ()
    charts: tuple[Chart, ...] = ()

    @property
    def scope_note(self) -> str:
        return f"查看范围：{self.title}" if self.level else "未设置查看范围"

    @property
    def has_map(self) -> bool:
        return any(chart.kind == "map" for chart in self.charts)

    @property
    def town_rows(self) -> bool:
        return self.level == RegionLevel.COUNTY

    def chart(self, key: str) -> Chart | None:
        return next((chart for chart in self.charts if chart.key == key), None)

    def figure(self, key: str) -> Figure | None:
        return next((figure for figure in self.figures if figure.key == key), None)


def dashboard_for(
    user: User,
    *,
    region: Region | None = None,
    measure: str | None = None,
    today: datetime.date | None = None,
) -> Dashboard:
    """The dashboard of the region (a city or county the caller has already checked the user may see, e.g.
    through towns.selectors.dashboard_region), or of the user's own scope: the province's for a province-wide
    role, their city's or county's otherwise."""
    today = today or timezone.localdate()
    scope = scope_of(user)
    if region is None and scope.is_empty:
        return Dashboard(level="", title="")
    if region is None and not scope.province_wide:
        region = town_selectors.dashboard_region(user, scope.code)
        if region is None:
            return Dashboard(level="", title="")
    if region is None:
        return _province(user, rules.measure_of(measure), today)
    if region.level == RegionLevel.CITY:
        return _city(user, region, today)
    return _county(user, region, today)


def region_in_scope(user: User, code: str) -> Region | None:
    """The city or county whose page /regions/<code>/ shows, if the user may see it (else None: unknown and
    outside the scope alike)."""
    return town_selectors.dashboard_region(user, code)


# --- the province ----------------------------------------------------------------------------------------


def _province(user: User, measure: Measure, today: datetime.date) -> Dashboard:
    period = period_of(today, settings.PROGRESS_PERIOD)
    province, cities, counties = town_selectors.quota_report(user)
    investment = project_selectors.investment_by(user, by="city")
    reporting = project_selectors.reporting_by(user, period, by="city")
    averages = assessment_selectors.published_averages(user, by="city")
    tier_averages = assessment_selectors.published_averages(user, by="tier")
    grades = assessment_selectors.published_grades(user)
    areas = funding_selectors.task_area_summary(user)
    sources = funding_selectors.allocations_by_source(user)
    statuses = project_selectors.status_counts(user)
    years = rules.program_years(today.year)
    in_force = town_selectors.designations_in_force(user, years)
    submissions = selection_selectors.submission_counts(user, by="city")
    pending = assessment_selectors.pending_assessment_decisions(user)

    score_year = _latest_year(averages)
    gaps = {city.code: rules.city_gap(city, counties) for city in cities}
    rows = tuple(
        _region_row(
            city,
            gap=gaps[city.code],
            investment=investment,
            reporting=reporting,
            score=averages.get((score_year, city.code)),
        )
        for city in cities
    )
    awaiting_decision = sum(
        by_status.get(SubmissionStatus.RECOMMENDED, 0) for by_status in submissions.values()
    )
    total_due, total_reported = _sums(reporting.values())
    names = tuple(row.name for row in rows)
    links = tuple(row.link for row in rows)
    charts = (
        _quota_chart("tiers", "示范镇数量与全省目标", province, target_name="全省目标"),
        Chart(
            key="map",
            title=f"各市（州）{measure.label}",
            kind="map",
            categories=names,
            series=(Series(measure.label, tuple(row.value(measure) for row in rows)),),
            unit=measure.unit,
            places=measure.places,
            links=links,
            map_url=static("maps/jilin.json"),
            note=MAP_NOTE
            + (f"得分为{score_year}年{PUBLISHED_NOTE}" if measure.key == "score" and score_year else ""),
            category_header="市（州）",
        ),
        _tiers_by_region("city_tiers", "各市（州）示范镇数量", rows, "市（州）"),
        Chart(
            key="gaps",
            title="各市（州）最低名额完成情况与缺口",
            kind="bar",
            categories=names,
            series=(
                Series("已满足", tuple(gaps[row.code].met for row in rows), stack="quota"),
                Series("省级缺口", tuple(gaps[row.code].provincial for row in rows), stack="quota"),
                Series("市级缺口", tuple(gaps[row.code].city for row in rows), stack="quota"),
                Series(
                    "县级缺口（所辖县（市、区））",
                    tuple(gaps[row.code].county for row in rows),
                    stack="quota",
                ),
            ),
            unit="个",
            links=links,
            note="最低名额：每个市（州）2 个省级、2 个市级示范镇，每个有建制镇的县（市、区）1 个县级示范镇；"
            "超出最低名额的认定不计入“已满足”。",
            category_header="市（州）",
        ),
        Chart(
            key="task_areas",
            title="各任务领域项目投资与资金安排",
            kind="hbar",
            categories=tuple(f"{area['code']} {area['name']}" for area in areas),
            series=(
                Series("项目总投资", tuple(area["investment"] for area in areas)),
                Series("已安排资金", tuple(area["allocated"] for area in areas)),
            ),
            unit="万元",
            places=2,
            links=tuple(f"{reverse('project-list')}?task_area={area['code']}" for area in areas),
            category_header="任务领域",
        ),
        _sources_chart(sources),
        _funnel_chart(statuses),
        _reporting_chart("reporting", "各市（州）", rows, period),
        _grades_chart(grades),
        _tier_scores_chart(tier_averages),
        Chart(
            key="trend",
            title=f"示范镇数量变化（{years[0]}年至今）",
            kind="line",
            categories=tuple(f"{year}年" for year in years),
            series=tuple(
                Series(Tier(tier).label, tuple(in_force[year][tier] for year in years))
                for tier in rules.TIERS
            ),
            unit="个",
            note="当年任一时间有效的认定（含当年终止的）。",
            category_header="年度",
        ),
        Chart(
            key="pending",
            title="待决事项",
            kind="hbar",
            categories=("待省级审定的候选镇申报", "待发布的年度评价", "待约谈的通报批评对象"),
            series=(Series("件数", (awaiting_decision, pending["rounds"], pending["talks"])),),
            unit="项",
            links=(reverse("inbox"), reverse("assessment-index"), reverse("assessment-index")),
            category_header="事项",
        ),
    )
    province_gap = rules.shortfall(province)
    figures = (
        Figure("province_gap", "全省目标缺口", province_gap, "个", link=reverse("quota-page")),
        Figure(
            "region_gap",
            "市县最低名额缺口",
            sum(gap.total for gap in gaps.values()),
            "个",
            link=f"{reverse('quota-page')}?unmet=1",
        ),
        Figure(
            "projects", "建设项目", sum(n for n, _ in investment.values()), "个", link=reverse("project-list")
        ),
        Figure("investment", "项目总投资", _money(amount for _, amount in investment.values()), "万元", 2),
        Figure(
            "allocated", "已安排资金", _money(sources.values()), "万元", 2, link=reverse("funding-summary")
        ),
        Figure(
            "reporting_rate",
            f"本期（{period.label}）进度报送率",
            rules.reporting_rate(total_due, total_reported),
            "%",
            1,
            link=reverse("project-unreported"),
        ),
        Figure("awaiting_decision", "待省级审定的申报", awaiting_decision, "件", link=reverse("inbox")),
        Figure(
            "rounds_to_publish", "待发布的年度评价", pending["rounds"], "个", link=reverse("assessment-index")
        ),
    )
    return Dashboard(
        level=RegionLevel.PROVINCE,
        title=province.name if province else "全省",
        region_code=province.code if province else settings.PROGRAM_PROVINCE_CODE,
        period=period,
        score_year=score_year,
        measure=measure,
        row_header="市（州）",
        rows=rows,
        figures=figures,
        charts=charts,
    )


# --- a city: its counties --------------------------------------------------------------------------------


def _city(user: User, city: Region, today: datetime.date) -> Dashboard:
    period = period_of(today, settings.PROGRESS_PERIOD)
    _province_quota, cities, counties = town_selectors.quota_report(user)
    investment = project_selectors.investment_by(user, by="county", region=city.code)
    reporting = project_selectors.reporting_by(user, period, by="county", region=city.code)
    averages = assessment_selectors.published_averages(user, by="county", region=city.code)
    town_scores = assessment_selectors.published_town_scores(user, region=city.code)
    submissions = selection_selectors.submission_counts(user, by="county", region=city.code)

    city_quota = next((quota for quota in cities if quota.code == city.code), None) or _no_quota(city)
    own_counties = [quota for quota in counties if quota.parent_code == city.code]
    score_year = _latest_year(averages)
    rows = tuple(
        row
        for row in (
            _region_row(
                county,
                gap=rules.county_gap(county) if county.applicable else None,
                investment=investment,
                reporting=reporting,
                score=averages.get((score_year, county.code)),
            )
            for county in own_counties
        )
        if row.gap is not None or row.designations or row.projects
    )
    gap = rules.city_gap(city_quota, own_counties)
    names = tuple(row.name for row in rows)
    links = tuple(row.link for row in rows)
    applicable = sum(1 for county in own_counties if county.applicable)
    statuses = _status_totals(submissions.values())
    total_due, total_reported = _sums(reporting.values())
    charts = (
        _quota_chart(
            "tiers",
            f"{city.name}示范镇数量与最低名额",
            city_quota,
            target_name="最低名额",
            county_minimum=applicable,
        ),
        _tiers_by_region("county_tiers", "各县（市、区）示范镇数量", rows, "县（市、区）"),
        Chart(
            key="county_gaps",
            title="各县（市、区）县级最低名额完成情况与缺口",
            kind="bar",
            categories=names,
            series=(
                Series("已满足", tuple(row.required - (row.gap or 0) for row in rows), stack="quota"),
                Series("县级缺口", tuple(row.gap or 0 for row in rows), stack="quota"),
            ),
            unit="个",
            links=links,
            note="每个有建制镇的县（市、区）至少 1 个县级示范镇。",
            category_header="县（市、区）",
        ),
        Chart(
            key="county_investment",
            title="各县（市、区）项目总投资",
            kind="bar",
            categories=names,
            series=(Series("项目总投资", tuple(row.investment for row in rows)),),
            unit="万元",
            places=2,
            links=links,
            category_header="县（市、区）",
        ),
        _region_scores_chart("county_scores", "各县（市、区）平均综合得分", rows, score_year, "县（市、区）"),
        _reporting_chart("county_reporting", "各县（市、区）", rows, period),
        _submissions_chart("submissions", "各县（市、区）候选镇申报", rows, submissions, "县（市、区）"),
        _town_scores_chart(town_scores, with_county=True),
    )
    figures = (
        Figure(
            "region_gap",
            "名额缺口（含所辖县（市、区））",
            gap.total,
            "个",
            link=f"{reverse('quota-page')}?unmet=1",
        ),
        Figure(
            "awaiting_review",
            "待市级审核的申报",
            statuses.get(SubmissionStatus.SUBMITTED, 0),
            "件",
            link=reverse("inbox"),
        ),
        Figure("projects", "建设项目", sum(row.projects for row in rows), "个", link=reverse("project-list")),
        Figure("investment", "项目总投资", _money(row.investment for row in rows), "万元", 2),
        Figure(
            "reporting_rate",
            f"本期（{period.label}）进度报送率",
            rules.reporting_rate(total_due, total_reported),
            "%",
            1,
            link=reverse("project-unreported"),
        ),
        Figure("average_score", _score_label(score_year), _average(town_scores), "分", 2),
    )
    return Dashboard(
        level=RegionLevel.CITY,
        title=city.name,
        region_code=city.code,
        period=period,
        score_year=score_year,
        row_header="县（市、区）",
        rows=rows,
        figures=figures,
        charts=charts,
    )


# --- a county: its towns ---------------------------------------------------------------------------------


def _county(user: User, county: Region, today: datetime.date) -> Dashboard:
    period = period_of(today, settings.PROGRESS_PERIOD)
    towns = town_selectors.county_towns(user, county.code)
    investment = project_selectors.investment_by(user, by="town", region=county.code)
    reporting = project_selectors.reporting_by(user, period, by="town", region=county.code)
    town_scores = assessment_selectors.published_town_scores(user, region=county.code)
    submissions = selection_selectors.submission_counts(user, by="round", region=county.code)
    statuses = project_selectors.status_counts(user, region=county.code)

    counts: dict[str, int] = {}
    for town in towns:
        if town["active_tier"]:
            counts[town["active_tier"]] = counts.get(town["active_tier"], 0) + 1
    quota = region_quota(
        RegionCounts(
            code=county.code,
            name=county.name,
            level=RegionLevel.COUNTY,
            parent_code=county.parent_id,
            counts=counts,
            town_count=len(towns),
        )
    )
    score_of = {result["town_id"]: result["score"] for result in town_scores}
    score_year = town_scores[0]["round__year"] if town_scores else None
    rows = tuple(
        row
        for row in (_town_row(town, investment, reporting, score_of.get(town["code"])) for town in towns)
        if row.tier or row.projects or row.score is not None
    )
    names = tuple(row.name for row in rows)
    links = tuple(row.link for row in rows)
    charts = (
        _quota_chart("tiers", f"{county.name}示范镇数量与最低名额", quota, target_name="最低名额"),
        Chart(
            key="town_investment",
            title="各镇项目总投资",
            kind="hbar",
            categories=names,
            series=(Series("项目总投资", tuple(row.investment for row in rows)),),
            unit="万元",
            places=2,
            links=links,
            category_header="镇",
        ),
        Chart(
            key="town_reporting",
            title=f"本期（{period.label}）各镇进度报送",
            kind="hbar",
            categories=names,
            series=(
                Series("已报送", tuple(row.reported for row in rows), stack="due"),
                Series("未报送（逾期）", tuple(row.unreported for row in rows), stack="due"),
            ),
            unit="个项目",
            links=links,
            note="应报送：已批复或在建的项目。",
            category_header="镇",
        ),
        _town_scores_chart(town_scores, with_county=False),
        _submissions_by_round_chart(submissions),
        Chart(
            key="project_status",
            title="建设项目状态",
            kind="bar",
            categories=tuple(ProjectStatus.labels),
            series=(Series("项目数", tuple(statuses.get(status, 0) for status in ProjectStatus.values)),),
            unit="个",
            links=tuple(
                f"{reverse('project-list')}?county={county.code}&status={status}"
                for status in ProjectStatus.values
            ),
            category_header="状态",
        ),
    )
    submission_statuses = _status_totals(submissions.values())
    total_due, total_reported = _sums(reporting.values())
    figures = (
        Figure(
            "region_gap",
            "县级名额缺口",
            rules.county_gap(quota).total,
            "个",
            link=f"{reverse('quota-page')}?unmet=1",
        ),
        Figure(
            "unreported",
            f"本期（{period.label}）逾期未报送",
            total_due - total_reported,
            "个项目",
            link=reverse("project-unreported"),
        ),
        Figure(
            "submissions_open",
            "办理中的申报",
            sum(
                submission_statuses.get(status, 0)
                for status in (
                    SubmissionStatus.DRAFT,
                    SubmissionStatus.SUBMITTED,
                    SubmissionStatus.RECOMMENDED,
                )
            ),
            "件",
            link=reverse("round-list"),
        ),
        Figure("projects", "建设项目", sum(row.projects for row in rows), "个", link=reverse("project-list")),
        Figure("investment", "项目总投资", _money(row.investment for row in rows), "万元", 2),
        Figure("average_score", _score_label(score_year), _average(town_scores), "分", 2),
    )
    return Dashboard(
        level=RegionLevel.COUNTY,
        title=f"{county.parent.name}{county.name}" if county.parent_id else county.name,
        region_code=county.code,
        parent_code=county.parent_id or "",
        parent_name=county.parent.name if county.parent_id else "",
        period=period,
        score_year=score_year,
        row_header="镇",
        rows=rows,
        figures=figures,
        charts=charts,
    )


# --- pieces ----------------------------------------------------------------------------------------------


def region_link(code: str) -> str:
    return reverse("dashboard-region", args=[code])


def _region_row(
    quota: RegionQuota,
    *,
    gap: rules.Gap | None,
    investment: Mapping[str, tuple[int, Decimal]],
    reporting: Mapping[str, tuple[int, int]],
    score: tuple[Decimal, int] | None,
) -> Row:
    projects, amount = investment.get(quota.code, (0, ZERO))
    due, reported = reporting.get(quota.code, (0, 0))
    return Row(
        code=quota.code,
        name=quota.name,
        link=region_link(quota.code),
        provincial=quota.line(Tier.PROVINCIAL).count,
        city=quota.line(Tier.CITY).count,
        county=quota.line(Tier.COUNTY).count,
        required=gap.required if gap else 0,
        gap=gap.total if gap else None,
        projects=projects,
        investment=amount,
        due=due,
        reported=reported,
        score=rules.rounded_score(score[0]) if score else None,
    )


def _town_row(
    town: Mapping[str, str | None],
    investment: Mapping[str, tuple[int, Decimal]],
    reporting: Mapping[str, tuple[int, int]],
    score: Decimal | None,
) -> Row:
    code, tier = str(town["code"]), town["active_tier"] or ""
    projects, amount = investment.get(code, (0, ZERO))
    due, reported = reporting.get(code, (0, 0))
    return Row(
        code=code,
        name=str(town["name"]),
        link=reverse("town-detail", args=[code]),
        tier=tier,
        provincial=int(tier == Tier.PROVINCIAL),
        city=int(tier == Tier.CITY),
        county=int(tier == Tier.COUNTY),
        projects=projects,
        investment=amount,
        due=due,
        reported=reported,
        score=score,
    )


def _no_quota(region: Region) -> RegionQuota:
    return region_quota(
        RegionCounts(
            code=region.code,
            name=region.name,
            level=region.level,
            parent_code=region.parent_id,
            counts={},
            town_count=0,
        )
    )


def _quota_chart(
    key: str, title: str, quota: RegionQuota | None, *, target_name: str, county_minimum: int | None = None
) -> Chart:
    """Active designations per tier against the R1 targets (the province) or minimums (a city: 2 and 2, and
    one county-level town per county that has a 镇; a county: one county-level town)."""
    lines = {line.tier: line for line in quota.lines} if quota else {}
    counts = tuple(lines[tier].count if tier in lines else 0 for tier in rules.TIERS)
    minimums = tuple(
        county_minimum
        if tier == Tier.COUNTY and county_minimum is not None
        else lines[tier].minimum
        if tier in lines
        else None
        for tier in rules.TIERS
    )
    return Chart(
        key=key,
        title=title,
        kind="bar",
        categories=tuple(Tier(tier).label for tier in rules.TIERS),
        series=(Series("有效认定", counts), Series(target_name, minimums, kind="line")),
        unit="个",
        links=tuple(f"{reverse('town-list')}?tier={tier}" for tier in rules.TIERS),
        category_header="层级",
    )


def _tiers_by_region(key: str, title: str, rows: tuple[Row, ...], header: str) -> Chart:
    return Chart(
        key=key,
        title=title,
        kind="bar",
        categories=tuple(row.name for row in rows),
        series=tuple(
            Series(Tier(tier).label, tuple(getattr(row, tier) for row in rows), stack="tier")
            for tier in rules.TIERS
        ),
        unit="个",
        links=tuple(row.link for row in rows),
        category_header=header,
    )


def _reporting_chart(key: str, of: str, rows: tuple[Row, ...], period: Period) -> Chart:
    return Chart(
        key=key,
        title=f"{of}本期（{period.label}）进度报送率",
        kind="bar",
        categories=tuple(row.name for row in rows),
        series=(Series("报送率", tuple(row.rate for row in rows)),),
        unit="%",
        places=1,
        links=tuple(row.link for row in rows),
        note="已批复或在建的项目中本期已报送进度的比例；没有应报送项目的地区不计。",
        category_header=of,
    )


def _region_scores_chart(key: str, title: str, rows: tuple[Row, ...], year: int | None, header: str) -> Chart:
    return Chart(
        key=key,
        title=f"{title}（{year}年）" if year else title,
        kind="bar",
        categories=tuple(row.name for row in rows),
        series=(Series("平均综合得分", tuple(row.score for row in rows)),),
        unit="分",
        places=2,
        links=tuple(row.link for row in rows),
        note=PUBLISHED_NOTE,
        category_header=header,
    )


def _town_scores_chart(results: list[dict[str, object]], *, with_county: bool) -> Chart:
    year = results[0]["round__year"] if results else None
    names = tuple(
        f"{result['town__name']}（{result['town__county__name']}）"
        if with_county
        else str(result["town__name"])
        for result in results
    )
    return Chart(
        key="town_scores",
        title=f"示范镇综合得分（{year}年）" if year else "示范镇综合得分",
        kind="hbar",
        categories=names,
        series=(Series("综合得分", tuple(result["score"] for result in results)),),
        unit="分",
        places=2,
        links=tuple(reverse("town-detail", args=[result["town_id"]]) for result in results),
        note=PUBLISHED_NOTE + "从高到低。",
        category_header="镇",
    )


def _sources_chart(sources: Mapping[str, Decimal]) -> Chart:
    return Chart(
        key="sources",
        title="资金来源构成（已安排资金）",
        kind="pie",
        categories=tuple(FundingSource.labels),
        series=(Series("已安排资金", tuple(sources.get(source, ZERO) for source in FundingSource.values)),),
        unit="万元",
        places=2,
        links=tuple(f"{reverse('funding-allocations')}?source={source}" for source in FundingSource.values),
        category_header="资金来源",
    )


def _funnel_chart(statuses: Mapping[str, int]) -> Chart:
    stages = rules.funnel(statuses)
    cancelled = statuses.get(ProjectStatus.CANCELLED, 0)
    return Chart(
        key="funnel",
        title="建设项目进展（储备 → 已批复 → 在建 → 已完工）",
        kind="funnel",
        categories=tuple(
            f"{ProjectStatus(stage).label}及以后" if index else "全部项目"
            for index, (stage, _) in enumerate(stages)
        ),
        series=(Series("项目数", tuple(n for _, n in stages)),),
        unit="个",
        note=f"每一层为已到达该阶段（含此后阶段）的项目数；已终止的 {cancelled} 个项目不计。",
        category_header="阶段",
    )


def _grades_chart(grades: Mapping[tuple[int, str, str], int]) -> Chart:
    pairs = sorted({(year, tier) for year, tier, _ in grades}, key=lambda p: (p[0], rules.TIERS.index(p[1])))
    return Chart(
        key="grades",
        title="评价等次分布（各年度、各层级）",
        kind="bar",
        categories=tuple(f"{year}年{label(Tier, tier)}" for year, tier in pairs),
        series=tuple(
            Series(
                Grade(grade).label,
                tuple(grades.get((year, tier, grade), 0) for year, tier in pairs),
                stack="grade",
            )
            for grade in Grade.values
        ),
        unit="个",
        note=PUBLISHED_NOTE + "未评、免评的镇不计。",
        category_header="年度与层级",
    )


def _tier_scores_chart(averages: Mapping[tuple[int, str], tuple[Decimal, int]]) -> Chart:
    years = sorted({year for year, _ in averages})
    return Chart(
        key="tier_scores",
        title="各层级平均综合得分（各年度）",
        kind="line",
        categories=tuple(f"{year}年" for year in years),
        series=tuple(
            Series(
                Tier(tier).label,
                tuple(
                    rules.rounded_score(averages[(year, tier)][0]) if (year, tier) in averages else None
                    for year in years
                ),
            )
            for tier in rules.TIERS
        ),
        unit="分",
        places=2,
        note=PUBLISHED_NOTE,
        category_header="年度",
    )


def _submissions_chart(
    key: str, title: str, rows: tuple[Row, ...], counts: Mapping[str, Mapping[str, int]], header: str
) -> Chart:
    return Chart(
        key=key,
        title=title,
        kind="bar",
        categories=tuple(row.name for row in rows),
        series=tuple(
            Series(
                SubmissionStatus(status).short_label,
                tuple(counts.get(row.code, {}).get(status, 0) for row in rows),
                stack="status",
            )
            for status in SubmissionStatus.values
        ),
        unit="件",
        links=tuple(row.link for row in rows),
        note="“已上报”的申报待市级审核。",
        category_header=header,
    )


def _submissions_by_round_chart(counts: Mapping[str, Mapping[str, int]]) -> Chart:
    rounds = tuple(counts)
    return Chart(
        key="submissions",
        title="候选镇申报及其状态（各评选批次）",
        kind="bar",
        categories=rounds,
        series=tuple(
            Series(
                SubmissionStatus(status).short_label,
                tuple(counts[name].get(status, 0) for name in rounds),
                stack="status",
            )
            for status in SubmissionStatus.values
        ),
        unit="件",
        category_header="评选批次",
    )


def _latest_year(averages: Mapping[tuple[int, str], object]) -> int | None:
    return max((year for year, _ in averages), default=None)


def _sums(pairs: Iterable[tuple[int, int]]) -> tuple[int, int]:
    due = reported = 0
    for one, other in pairs:
        due, reported = due + one, reported + other
    return due, reported


def _money(amounts: Iterable[Decimal]) -> Decimal:
    return sum(amounts, ZERO)


def _status_totals(counts: Iterable[Mapping[str, int]]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for by_status in counts:
        for status, n in by_status.items():
            totals[status] = totals.get(status, 0) + n
    return totals


def _average(results: list[dict[str, object]]) -> Decimal | None:
    """The mean composite score of the scored towns listed (two decimals), None for none."""
    scores = [Decimal(str(result["score"])) for result in results]
    return rules.rounded_score(sum(scores, Decimal(0)) / len(scores)) if scores else None


def _score_label(year: int | None) -> str:
    return f"{year}年平均综合得分" if year else "平均综合得分"
