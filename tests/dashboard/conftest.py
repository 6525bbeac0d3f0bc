"""A town with a record in every app (dashboard.town_summary): designations, a candidate submission with its
workflow, projects with progress, allocations, two assessed years, a veto, notices and a talk; and a town of
another city with a record of its own, which the first town's page never shows."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from assessment.models import Notice, TalkFollowUp
from assessment.services import publish, record_veto
from funding.services import allocate
from projects.models import Project
from projects.services import submit_report
from selection.models import Submission, SubmissionEvent
from towns.models import Town
from towns.services import designate

from ..assessment.page_helpers import compute, score, set_counts
from ..conftest import JIAOHE, town_in


@dataclass
class Record:
    town: Town
    other: Town
    submission: Submission
    reported: Project
    planned: Project
    criticism: Notice
    talk: TalkFollowUp


def workflow(submission, county, city, admin):
    """The steps of a selected submission, and one attempt the rules refused (rows only)."""
    at = timezone.make_aware(datetime.datetime(2022, 4, 1, 9, 0))
    steps = [
        ("submit", "draft", "submitted", county, "county_official", "", "", True, ""),
        ("select", "submitted", "", admin, "province_admin", "", "", False, "须经市级推荐后才能审定"),
        ("recommend", "submitted", "recommended", city, "city_official", "同意推荐", "", True, ""),
        ("select", "recommended", "selected", admin, "province_admin", "", "吉示范镇办〔2022〕1号", True, ""),
    ]
    SubmissionEvent.objects.bulk_create(
        SubmissionEvent(
            submission=submission,
            action=action,
            from_status=before,
            to_status=after,
            actor=actor,
            actor_role=role,
            comment=comment,
            doc_no=doc_no,
            accepted=accepted,
            refusal=refusal,
            at=at + datetime.timedelta(days=index),
        )
        for index, (action, before, after, actor, role, comment, doc_no, accepted, refusal) in enumerate(
            steps
        )
    )


@pytest.fixture
def record(
    province_admin,
    county_official,
    city_official,
    other_county_official,
    closed_round,
    make_project,
    demo_town,
):
    town = demo_town  # provincial since 2022 (吉示范镇办〔2022〕1号), 双阳区, 长春市
    other = town_in(JIAOHE)
    designate(other, "provincial", 2022, doc_no="吉示范镇办〔2022〕2号")

    submission = Submission.objects.create(
        round=closed_round,
        town=town,
        tier="provincial",
        status="selected",
        decision_doc_no="吉示范镇办〔2022〕1号",
    )
    workflow(submission, county_official, city_official, province_admin)

    reported = make_project(name="镇区污水管网改造工程", investment="1200.00")
    Project.objects.filter(pk=reported.pk).update(status="under_construction")
    submit_report(
        county_official,
        project=reported,
        period_type="quarter",
        year=2025,
        number=1,
        cumulative_investment="300.00",
        percent_complete="25",
    )
    planned = make_project(name="鹿乡镇游客服务中心", task_area="T02", investment="800.00")
    allocate(province_admin, project=reported, source="county_budget", amount="200.00", year=2025)
    allocate(province_admin, project=reported, source="social_capital", amount="100.00", year=2025)
    allocate(province_admin, project=planned, source="county_budget", amount="100.00", year=2025)

    # 2024: the town last (criticised, called in for a talk), published. 2025: the town first but vetoed
    # for felling an ancient tree, computed and awaiting publication.
    set_counts(2024, top=1, bottom=1)
    score(province_admin, 2024, {town: "61.5", other: "90"})
    compute(2024)
    publish(province_admin, year=2024, doc_prefix="吉示范镇办")
    set_counts(2025, top=1, bottom=1)
    score(province_admin, 2025, {town: "95", other: "80"})
    record_veto(province_admin, year=2025, town=town, reason="砍伐古树", doc_no="吉建罚〔2025〕2号")
    compute(2025)

    # The other town's own record, never on the first town's page.
    make_project(town=other, user=other_county_official, name="蛟河专属项目")
    criticism = Notice.objects.get(round__year=2024, kind="criticism", status="published")
    return Record(
        town=town,
        other=other,
        submission=submission,
        reported=reported,
        planned=planned,
        criticism=criticism,
        talk=TalkFollowUp.objects.get(town=town),
    )
