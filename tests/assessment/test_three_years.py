"""R7–R9 through the services over three years: scores → job → publish, eliminations and substitutes."""

from decimal import Decimal

import pytest

from assessment.models import AssessmentRound, Elimination, Notice, Result, TalkFollowUp
from assessment.rules import DEFAULT_INDICATORS
from assessment.services import (
    compute_round,
    ensure_round,
    publish,
    record_veto,
    save_scores,
    start_assessment,
)
from core.errors import DomainError
from towns.models import Designation, Town
from towns.services import designate


def points_for(total):
    """Spread a composite score over the default indicators, each up to its maximum."""
    left, points = Decimal(total), {}
    for code, maximum in DEFAULT_INDICATORS:
        points[code] = str(min(maximum, left))
        left -= min(maximum, left)
    return points


def towns_of(city, count, start=0):
    return list(Town.objects.filter(city_id=city, kind="town").order_by("code")[start : start + count])


@pytest.fixture
def program(jilin):
    """Six provincial towns in 长春 and 吉林, plus city- and county-level towns that could substitute."""
    provincial = towns_of("2201", 3) + towns_of("2202", 3)
    for town in provincial:
        designate(town, "provincial", 2022)
    city_level = towns_of("2201", 2, start=3)
    county_level = towns_of("2202", 2, start=3)
    for town in city_level:
        designate(town, "city", 2022)
    for town in county_level:
        designate(town, "county", 2022)
    return provincial, city_level, county_level


def run(year):
    assessment_round = ensure_round(year)
    compute_round(assessment_round.pk)
    return AssessmentRound.objects.get(pk=assessment_round.pk)


def test_three_years_of_assessment(program, province_admin):
    provincial, city_level, county_level = program
    scores = dict(zip(provincial, ["95", "91", "85", "70", "62", "55"], strict=True))
    for year in (2024, 2025):
        ensure_round(year).__class__.objects.filter(year=year).update(bottom_count=2, top_count=2)
        for town, total in scores.items():
            save_scores(province_admin, year=year, town=town, points_by_code=points_for(total))
        for town, total in zip(city_level + county_level, ["93", "93", "93", "88"], strict=True):
            save_scores(province_admin, year=year, town=town, points_by_code=points_for(total))
        computed = run(year)
        assert computed.state == "computed"
        ranking = list(
            Result.objects.filter(round=computed, tier="provincial")
            .order_by("rank")
            .values_list("town_id", "rank", "grade")
        )
        assert ranking[0] == (provincial[0].code, 1, "excellent") and ranking[-1][1] == 6
        criticised = Notice.objects.get(round=computed, kind="criticism")
        assert {r.town_id for r in criticised.results.all()} == {provincial[4].code, provincial[5].code}
        if year == 2024:
            assert not Elimination.objects.filter(round=computed).exists()  # first year: never eliminated
        publish(province_admin, year=year, doc_prefix="吉示范镇办")

    eliminations = Elimination.objects.filter(round__year=2025).order_by("town_id")
    assert [e.town_id for e in eliminations] == [provincial[4].code, provincial[5].code]
    # Both eliminated towns are in 吉林市 (2202): its county-level 优秀 town (93) substitutes first, then
    # the province's best: a city-level town of 长春 at 93 beats the county-level 88 of 吉林.
    substitutes = {e.town_id: (e.substitute_id, e.same_city) for e in eliminations}
    assert substitutes[provincial[5].code] == (county_level[0].code, True)  # the worst (55) chooses first
    assert substitutes[provincial[4].code] == (city_level[0].code, False)
    ended = Designation.objects.get(town=provincial[5], tier="provincial")
    assert (ended.to_year, ended.ended) == (2025, "eliminated")
    new = Designation.objects.active().get(town=county_level[0])
    assert (new.tier, new.began, new.from_year) == ("provincial", "substitute", 2025)
    assert TalkFollowUp.objects.filter(round__year=2025).count() == 2
    notice = Notice.objects.get(round__year=2025, kind="criticism")
    assert notice.doc_no.startswith("吉示范镇办〔") and notice.status == "published"

    # 2026: the substitute is provincial for its first assessed year: not eliminated even at the bottom.
    for town in [*provincial[:4], county_level[0], city_level[0]]:
        save_scores(
            province_admin,
            year=2026,
            town=town,
            points_by_code=points_for("50" if town in (county_level[0], city_level[0]) else "90"),
        )
    ensure_round(2026).__class__.objects.filter(year=2026).update(bottom_count=2)
    computed = run(2026)
    assert not Elimination.objects.filter(round=computed).exists()


def test_vetoed_and_unassessed_towns(program, province_admin):
    provincial, *_ = program
    for town, total in zip(provincial[:5], ["95", "91", "85", "70", "62"], strict=True):
        save_scores(province_admin, year=2024, town=town, points_by_code=points_for(total))
    record_veto(
        province_admin, year=2024, town=provincial[0], reason="拆除历史建筑", doc_no="吉建罚〔2024〕1号"
    )
    computed = run(2024)
    results = {r.town_id: r for r in Result.objects.filter(round=computed)}
    vetoed = results[provincial[0].code]
    assert (vetoed.vetoed, vetoed.grade, vetoed.rank) == (True, "fail", 5)
    unassessed = results[provincial[5].code]
    assert (unassessed.assessed, unassessed.rank, unassessed.score) == (False, None, None)
    criticised = {r.town_id for r in Notice.objects.get(round=computed, kind="criticism").results.all()}
    assert provincial[0].code in criticised and provincial[5].code not in criticised


def test_a_second_run_replaces_the_draft_and_published_rounds_are_frozen(program, province_admin):
    provincial, *_ = program
    for town in provincial:
        save_scores(province_admin, year=2024, town=town, points_by_code=points_for("80"))
    run(2024)
    run(2024)  # the computed year run again
    assert Result.objects.filter(round__year=2024).count() == Designation.objects.in_year(2024).count()
    assert Notice.objects.filter(round__year=2024).count() == 2
    publish(province_admin, year=2024, doc_prefix="吉示范镇办")
    with pytest.raises(DomainError, match="已发布并冻结"):
        start_assessment(province_admin, year=2024)
    with pytest.raises(DomainError, match="不能再录入得分"):
        save_scores(province_admin, year=2024, town=provincial[0], points_by_code=points_for("99"))


def test_the_yearly_beat_task_starts_last_years_job(
    program, province_admin, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from assessment.tasks import run_previous_year

    provincial, *_ = program
    last_year = timezone.localdate().year - 1
    save_scores(province_admin, year=last_year, town=provincial[0], points_by_code=points_for("88"))
    with django_capture_on_commit_callbacks(execute=True):
        refused = run_previous_year.delay().get()
    # Unattended, the job never confirms incomplete scoring on anybody's behalf.
    assert (refused["started"], "未录入得分" in refused["reason"]) == (False, True)
    for town in Designation.objects.in_year(last_year).values_list("town", flat=True):
        save_scores(
            province_admin, year=last_year, town=Town.objects.get(pk=town), points_by_code=points_for("70")
        )
    with django_capture_on_commit_callbacks(execute=True):
        outcome = run_previous_year.delay().get()
    assert outcome == {"year": last_year, "started": True}
    assert AssessmentRound.objects.get(year=last_year).state == "computed"


def test_reopening_opens_scoring_again_for_a_correction(program, province_admin):
    from assessment.services import reopen

    provincial, *_ = program
    for town in provincial:
        save_scores(province_admin, year=2024, town=town, points_by_code=points_for("80"))
    run(2024)
    publish(province_admin, year=2024, doc_prefix="吉示范镇办")
    with pytest.raises(DomainError, match="须填写原因"):
        reopen(province_admin, year=2024, reason=" ")
    reopened = reopen(province_admin, year=2024, reason="第 3 项指标录入有误")
    assert (reopened.state, reopened.reopened_reason) == ("open", "第 3 项指标录入有误")
    save_scores(province_admin, year=2024, town=provincial[0], points_by_code=points_for("97"))
    rerun = run(2024)
    top = Result.objects.get(round=rerun, tier="provincial", rank=1, status="proposed")
    assert (top.town_id, top.score, top.status) == (provincial[0].code, Decimal("97.00"), "proposed")


def test_a_regional_user_sees_only_his_towns_in_a_published_notice(program, province_admin, make_user):
    from assessment.selectors import visible_notices

    provincial, *_ = program
    for town, total in zip(provincial, ["95", "91", "85", "70", "62", "55"], strict=True):
        save_scores(province_admin, year=2024, town=town, points_by_code=points_for(total))
    run(2024)
    jilin_official = make_user("city_official", region="2202")
    assert not visible_notices(jilin_official).exists()  # proposed: province roles only
    publish(province_admin, year=2024, doc_prefix="吉示范镇办")
    criticism = visible_notices(jilin_official).get(kind="criticism")
    assert {r.town.city_id for r in criticism.results.all()} == {"2202"}
    praise = visible_notices(jilin_official).get(kind="praise")
    assert {r.town.city_id for r in praise.results.all()} == {"2202"}  # 长春's praised towns are not listed
