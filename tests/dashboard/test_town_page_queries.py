"""The town page and its summary keep a constant number of queries: from the real geography (about a
thousand township-level units) to 20,000 towns, and from one row per section to many."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment.models import AssessmentRound, Notice, Result, TalkFollowUp, Veto
from assessment.services import ensure_round
from funding.models import Allocation
from projects.models import Project
from selection.models import SelectionRound, Submission, SubmissionEvent
from towns.models import Designation, Region, Town

from .test_town_page import rows

pytestmark = pytest.mark.usefixtures("jilin")

TOWNS = 20_000


def more_towns(total):
    """Synthetic 镇 over every county (codes <county>700…<county>989), each a county-level demonstration town,
    until the database holds `total` township-level units."""
    counties = list(Region.objects.filter(level="county").values_list("code", "parent_id"))
    wanted = total - Town.objects.count()
    per_county = -(-wanted // len(counties))
    towns = [
        Town(
            code=f"{county}{700 + n:03d}",
            name=f"测试镇{county}{n}",
            kind="town",
            county_id=county,
            city_id=city,
            province_id="22",
        )
        for county, city in counties
        for n in range(per_county)
    ][:wanted]
    Town.objects.bulk_create(towns, ignore_conflicts=True, batch_size=5000)
    Designation.objects.bulk_create(
        (Designation(town_id=town.code, tier="county", from_year=2023) for town in towns), batch_size=5000
    )
    assert Town.objects.count() >= total


def grow(record, admin, n=12):
    """n more rows of every section of the town's record (rows only)."""
    town = record.town
    projects = Project.objects.bulk_create(
        Project(
            town=town,
            task_area_id=f"T{1 + i % 15:02d}",
            name=f"项目{i}",
            investment=Decimal("100.00"),
            start_year=2024,
            end_year=2026,
            percent_complete=Decimal(i),
        )
        for i in range(n)
    )
    Allocation.objects.bulk_create(
        Allocation(project=project, source=source, amount=Decimal("10.00"), year=2025)
        for project in projects
        for source in ("city_budget", "other", "policy_bank")
    )
    for i in range(3):
        selection_round = SelectionRound.objects.create(
            name=f"第{i + 2}批", tiers=["county"], deadline=datetime.date(2023 + i, 4, 30), year=2023 + i
        )
        submission = Submission.objects.create(
            round=selection_round, town=town, tier="county", status="submitted"
        )
        SubmissionEvent.objects.bulk_create(
            SubmissionEvent(
                submission=submission,
                action="submit",
                from_status="draft",
                to_status="submitted",
                actor=admin,
            )
            for _ in range(n)
        )
    for year in (2021, 2022, 2023):
        assessment_round = ensure_round(year)
        AssessmentRound.objects.filter(pk=assessment_round.pk).update(state="published")
        result = Result.objects.create(
            round=assessment_round,
            town=town,
            tier="provincial",
            score=Decimal("80"),
            grade="good",
            rank=3,
            status="published",
        )
        notice = Notice.objects.create(
            round=assessment_round, kind="praise", doc_no=f"吉示范镇办〔{year}〕9号", status="published"
        )
        notice.results.add(result)
        Veto.objects.create(round=assessment_round, town=town, reason=f"{year}年度否决事项")
        TalkFollowUp.objects.create(round=assessment_round, town=town)


def queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries), response


@pytest.mark.parametrize("who", ["province_admin", "county_official"])
def test_the_town_page_and_its_summary_keep_a_constant_number_of_queries(client, request, record, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    page, summary = f"/towns/{record.town.code}/", f"/api/v1/towns/{record.town.code}/summary/"
    client.get(page), client.get(summary)  # warm the caches every request shares (content types, session)

    few_page, response = queries(client, page)
    assert len(rows(response, "town-projects")) == 2
    few_api, _ = queries(client, summary)

    more_towns(TOWNS)
    grow(record, request.getfixturevalue("province_admin"))
    many_page, response = queries(client, page)
    assert (
        len(rows(response, "town-projects")) == 14 and len(rows(response, "town-results", "data-year")) >= 4
    )
    many_api, body = queries(client, summary)
    assert len(body.json()["submissions"]) == 4 and len(body.json()["funding"]) == 5

    # session and user, the town, one per section (submissions: two, their steps prefetched); the page adds the
    # audit trail and the header's unread count (and, for a regional user, his region's name).
    assert many_page == few_page == (14 if who == "province_admin" else 15)
    assert many_api == few_api == 12
