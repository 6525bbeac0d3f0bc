"""Small programs whose dashboards are computed by hand in the tests, and many more towns for the query counts.

Rows are written directly (the dashboards read them; the services that write them are tested elsewhere).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from assessment.models import AssessmentRound, Result, TalkFollowUp
from assessment.services import ensure_round
from funding.models import Allocation
from projects.models import ProgressReport, Project
from projects.rules import period_of
from selection.models import SelectionRound, Submission
from towns.models import Designation, Region, Town

from ..conftest import COMPLETE_INFORMATION, JIAOHE, NONGAN, SHUANGYANG, town_in


@dataclass
class Program:
    """双阳区 (长春市): a provincial town since 2022 (sy0) and a county-level one since 2023 (sy1); 农安县 (长春市):
    a city-level town since 2022 (na0); 蛟河市 (吉林市): a provincial town since 2024 (jh0)."""

    sy0: Town
    sy1: Town
    na0: Town
    jh0: Town
    projects: dict


def designation(town, tier, year):
    return Designation.objects.create(town=town, tier=tier, from_year=year, doc_no=f"测试〔{year}〕1号")


def this_period():
    return period_of(timezone.localdate(), settings.PROGRESS_PERIOD)


def report(project, period=None):
    period = period or this_period()
    return ProgressReport.objects.create(
        project=project,
        period_type=period.kind,
        year=period.year,
        number=period.number,
        period_end=period.end,
        cumulative_investment=Decimal("10.00"),
        percent_complete=Decimal("5.00"),
    )


def project(town, name, investment, status, area="T05"):
    return Project.objects.create(
        town=town,
        task_area_id=area,
        name=name,
        public_welfare=True,
        investment=Decimal(investment),
        start_year=2025,
        end_year=2027,
        status=status,
    )


def result(year, town, tier, score, grade, status="published"):
    return Result.objects.create(
        round=ensure_round(year), town=town, tier=tier, score=Decimal(score), grade=grade, status=status
    )


def small_program():
    """The program every figure of tests/dashboard/test_figures.py is computed from by hand:

    projects  a 1,200.00 在建 (sy0, T05) · b 800.00 已批复, reported this period (sy0, T01) · c 500.50 储备 (na0,
              T05) · d 300.00 已终止 (jh0, T03) · e 100.00 在建 (jh0, T03)
    funding   a: 县级财政资金 200.00 · b: 社会资本 100.50
    results   2024 published: sy0 省级 92 优秀, jh0 省级 70 合格, na0 市级 85 良好; a 2024 draft of sy1 (never
              shown) · 2025 published: sy0 省级 88 良好, na0 市级 81 良好, sy1 县级 55 不合格
    decisions 2026 computed, not published; a talk pending for jh0 (2024); submissions: sy1 已上报 (awaiting
              长春市), na0 市级已推荐 (awaiting the province), jh0 草稿
    """
    sy0, sy1 = town_in(SHUANGYANG, 0), town_in(SHUANGYANG, 1)
    na0, jh0 = town_in(NONGAN, 0), town_in(JIAOHE, 0)
    designation(sy0, "provincial", 2022)
    designation(sy1, "county", 2023)
    designation(na0, "city", 2022)
    designation(jh0, "provincial", 2024)
    projects = {
        "a": project(sy0, "镇区污水管网", "1200.00", "under_construction"),
        "b": project(sy0, "园区道路", "800.00", "approved", area="T01"),
        "c": project(na0, "污水处理站", "500.50", "planned"),
        "d": project(jh0, "农贸市场", "300.00", "cancelled", area="T03"),
        "e": project(jh0, "便民服务中心", "100.00", "under_construction", area="T03"),
    }
    report(projects["b"])
    report(projects["a"], period=period_of(timezone.localdate() - datetime.timedelta(days=120), "quarter"))
    Allocation.objects.create(
        project=projects["a"], source="county_budget", amount=Decimal("200.00"), year=2026
    )
    Allocation.objects.create(
        project=projects["b"], source="social_capital", amount=Decimal("100.50"), year=2026
    )

    result(2024, sy0, "provincial", "92", "excellent")
    result(2024, jh0, "provincial", "70", "pass")
    result(2024, na0, "city", "85", "good")
    result(2024, sy1, "county", "99", "excellent", status="proposed")
    result(2025, sy0, "provincial", "88", "good")
    result(2025, na0, "city", "81", "good")
    result(2025, sy1, "county", "55", "fail")
    AssessmentRound.objects.filter(year__in=[2024, 2025]).update(state="published")
    AssessmentRound.objects.filter(pk=ensure_round(2026).pk).update(state="computed")
    TalkFollowUp.objects.create(round=AssessmentRound.objects.get(year=2024), town=jh0)

    selection_round = SelectionRound.objects.create(
        name="测试评选批次", tiers=["city", "county"], deadline=datetime.date(2030, 4, 30), year=2030
    )
    for town, status in ((sy1, "submitted"), (na0, "recommended"), (jh0, "draft")):
        Submission.objects.create(
            round=selection_round, town=town, tier="city", status=status, **COMPLETE_INFORMATION
        )
    return Program(sy0=sy0, sy1=sy1, na0=na0, jh0=jh0, projects=projects)


def many_towns(count, *, start=600):
    """count more 镇 spread over every county of Jilin (codes <county>600, <county>601, …: real codes end below 600), each designated
    (tiers in turn), with a project (statuses in turn; every other one due and reported this period), a
    funding allocation, and a published 2025 result and score. Bulk-created, so the rows exist and nothing
    else runs."""
    counties = list(Region.objects.filter(level="county").order_by("code"))
    per_county = -(-count // len(counties))
    towns = [
        Town(
            code=f"{county.code}{start + index:03d}",
            name=f"测试{start + index}镇",
            kind="town",
            county=county,
            city_id=county.parent_id,
            province_id=county.parent_id[:2],
        )
        for index in range(per_county)
        for county in counties
    ][:count]
    Town.objects.bulk_create(towns)
    tiers = ("provincial", "city", "county")
    Designation.objects.bulk_create(
        Designation(town=town, tier=tiers[index % 3], from_year=2022 + index % 4)
        for index, town in enumerate(towns)
    )
    statuses = ("planned", "approved", "under_construction", "completed", "cancelled")
    projects = Project.objects.bulk_create(
        Project(
            town=town,
            task_area_id=f"T{index % 15 + 1:02d}",
            name=f"批量项目{index}",
            investment=Decimal("100.00") + index,
            start_year=2025,
            end_year=2027,
            status=statuses[index % 5],
        )
        for index, town in enumerate(towns)
    )
    period = this_period()
    ProgressReport.objects.bulk_create(
        ProgressReport(
            project=item,
            period_type=period.kind,
            year=period.year,
            number=period.number,
            period_end=period.end,
            cumulative_investment=Decimal("1.00"),
            percent_complete=Decimal("1.00"),
        )
        for item in projects[::2]
    )
    sources = ("provincial_general_bond", "county_budget", "social_capital", "policy_bank")
    Allocation.objects.bulk_create(
        Allocation(project=item, source=sources[index % 4], amount=Decimal("10.00"), year=2026)
        for index, item in enumerate(projects)
    )
    year = ensure_round(2025)
    grades = ("excellent", "good", "pass", "fail")
    Result.objects.bulk_create(
        Result(
            round=year,
            town=town,
            tier=tiers[index % 3],
            score=Decimal(50 + index % 50),
            grade=grades[index % 4],
            status="published",
        )
        for index, town in enumerate(towns)
    )
    return towns
