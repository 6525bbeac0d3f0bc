"""/api/v1/vetoes/, /api/v1/exemptions/, /api/v1/talks/ and PATCH /api/v1/assessment-rounds/{year}/
(issue 8): the province_admin records vetoes and exemptions while scoring is open, marks talks held and
sets a year's settings before scoring (or while a published year is reopened); every other role reads its
own region's rows and is refused every write alike; refusals answer 400 with the Chinese reason."""

import pytest
from auditlog.models import LogEntry

from accounts.services import issue_token
from assessment.models import AssessmentRound, Exemption, Indicator, TalkFollowUp, Veto
from assessment.services import (
    ensure_round,
    publish,
    record_exemption,
    record_veto,
    reopen,
    save_scores,
)

from ...conftest import NONGAN, SHUANGYANG, town_in
from ..test_three_years import points_for
from .conftest import compute, score_year

pytestmark = pytest.mark.django_db

VETOES = "/api/v1/vetoes/"
EXEMPTIONS = "/api/v1/exemptions/"
TALKS = "/api/v1/talks/"
ROUNDS = "/api/v1/assessment-rounds/"
NON_WRITERS = ["province_viewer", "auditor", "partner", "city_official", "county_official"]
UNKNOWN = "229999999"


def items(client, url, **params):
    response = client.get(url, {"page_size": 1000, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def towns_of(client, url, **params):
    return [(item["year"], item["town"]) for item in items(client, url, **params)]


def veto_body(town, year=2024, reason="砍伐古树名木", doc_no="吉林建罚〔2024〕7号"):
    return {"town": getattr(town, "code", town), "year": year, "reason": reason, "doc_no": doc_no}


def exemption_body(town, year=2024, reason="镇区整体搬迁，当年不参加评价", doc_no="吉示范镇办〔2024〕函2号"):
    return {"town": getattr(town, "code", town), "year": year, "reason": reason, "doc_no": doc_no}


@pytest.fixture
def corrected(towns, province_admin, computed):
    """2024 published (criticised: P5 60 and P0 vetoed), reopened, P5 corrected to 80, re-run and published
    again: P4 (70) is criticised instead of P5, whose talk is cancelled."""
    publish(province_admin, year=2024, doc_prefix="吉示范镇办")
    reopen(province_admin, year=2024, reason="蛟河市得分录入有误")
    save_scores(province_admin, year=2024, town=towns.provincial[5], points_by_code=points_for("80"))
    compute(2024)
    publish(province_admin, year=2024, doc_prefix="吉示范镇办")
    return towns


# --- vetoes (一票否决, R7) ----------------------------------------------------------------------------------


def test_province_admin_records_a_veto_and_the_run_grades_the_town_fail(api_as, province_admin, towns):
    town = towns.provincial[3]
    client = api_as(province_admin)
    response = client.post(VETOES, veto_body(town), format="json")
    assert response.status_code == 201, response.content
    veto = Veto.objects.get()
    created = response.json()
    assert created.pop("created_at").startswith(f"{veto.created_at.astimezone().year}-")
    assert created == {
        "id": veto.pk,
        "year": 2024,
        "town": town.code,
        "town_name": town.name,
        "reason": "砍伐古树名木",
        "doc_no": "吉林建罚〔2024〕7号",
        "has_document": False,
        "recorded_by": "admin",
    }
    listed = items(client, VETOES)
    assert len(listed) == 1 and {**listed[0], "created_at": None} == {**created, "created_at": None}
    # The veto is an input of the run: the town, at 75 points, is graded 不合格 and ranked last.
    for other, total in zip(towns.provincial, ["95", "88", "88", "75", "70", "60"], strict=True):
        save_scores(province_admin, year=2024, town=other, points_by_code=points_for(total))
    compute(2024)
    ranking = items(client, "/api/v1/rankings/", year=2024, tier="provincial")
    assert (ranking[-1]["town_code"], ranking[-1]["vetoed"], ranking[-1]["grade"]) == (
        town.code,
        True,
        "fail",
    )


def test_the_veto_list_filters_by_year_and_town(api_as, province_admin, towns):
    p = towns.provincial
    record_veto(province_admin, year=2024, town=p[4], reason="发生重大安全事故", doc_no="吉应急〔2024〕3号")
    record_veto(province_admin, year=2024, town=p[0], reason="拆除历史建筑", doc_no="吉建罚〔2024〕1号")
    record_veto(province_admin, year=2025, town=p[0], reason="大拆大建", doc_no="吉建罚〔2025〕2号")
    client = api_as(province_admin)
    assert towns_of(client, VETOES) == [(2025, p[0].code), (2024, p[0].code), (2024, p[4].code)]
    assert towns_of(client, VETOES, year=2024) == [(2024, p[0].code), (2024, p[4].code)]
    assert towns_of(client, VETOES, year=2025) == [(2025, p[0].code)]
    assert towns_of(client, VETOES, town=p[4].code) == [(2024, p[4].code)]
    assert towns_of(client, VETOES, year=2025, town=p[4].code) == []
    assert towns_of(client, VETOES, year=2023) == []
    assert towns_of(client, VETOES, year="abc") == []  # a year that cannot be is an empty list, not a 500


def test_a_regional_user_lists_the_vetoes_of_its_region_alone(
    api_as, province_admin, county_official, other_county_official, city_official, partner, towns
):
    p = towns.provincial  # P0 双阳区, P2 农安县 (长春市); P4 蛟河市 (吉林市)
    for town in (p[0], p[2], p[4]):
        record_veto(province_admin, year=2024, town=town, reason="拆除历史建筑", doc_no="吉建罚〔2024〕1号")
    assert towns_of(api_as(county_official), VETOES) == [(2024, p[0].code)]
    assert towns_of(api_as(city_official), VETOES) == [(2024, p[0].code), (2024, p[2].code)]
    assert towns_of(api_as(other_county_official), VETOES) == [(2024, p[4].code)]
    assert len(items(api_as(partner), VETOES)) == 3
    # Asking for another region's town answers like asking for a town that does not exist.
    client = api_as(county_official)
    assert items(client, VETOES, town=p[4].code) == items(client, VETOES, town=UNKNOWN) == []


def test_an_unknown_or_undesignated_town_is_refused_and_creates_no_round(api_as, province_admin, towns):
    client = api_as(province_admin)
    unknown = client.post(VETOES, veto_body(UNKNOWN), format="json")
    assert (unknown.status_code, unknown.json()) == (400, {"detail": f"乡镇“{UNKNOWN}”不存在。"})
    plain = town_in(NONGAN, 5)  # a 镇 without any designation
    undesignated = client.post(VETOES, veto_body(plain), format="json")
    assert (undesignated.status_code, undesignated.json()) == (
        400,
        {"detail": f"{plain.name}在 2024 年不是示范镇。"},
    )
    blank = client.post(VETOES, veto_body(towns.provincial[0], reason="  "), format="json")
    assert blank.status_code == 400 and "reason" in blank.json()
    assert not Veto.objects.exists()
    assert not AssessmentRound.objects.exists()  # the refused first write rolled its new round back


def test_no_veto_once_scoring_is_closed_until_the_year_is_reopened(api_as, province_admin, towns, computed):
    client = api_as(province_admin)
    before = Veto.objects.count()
    response = client.post(VETOES, veto_body(towns.provincial[3]), format="json")
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "2024年度评价已计算（待发布），不能再登记一票否决。如需更正请先重新开放。"},
    )
    publish(province_admin, year=2024, doc_prefix="吉示范镇办")
    response = client.post(VETOES, veto_body(towns.provincial[3]), format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "2024年度评价已发布，不能再登记一票否决。如需更正请先重新开放。"
    assert Veto.objects.count() == before
    reopen(province_admin, year=2024, reason="补登一票否决")
    assert client.post(VETOES, veto_body(towns.provincial[3]), format="json").status_code == 201


# --- exemptions (免评, R7) --------------------------------------------------------------------------------


def test_province_admin_exempts_an_unscored_town_which_leaves_the_towns_to_score(
    api_as, province_admin, towns
):
    score_year(province_admin, 2024, towns)  # every town scored but the county-level one
    client = api_as(province_admin)
    gaps = client.get(f"{ROUNDS}2024/").json()
    assert [town["town_code"] for town in gaps["unassessed_towns"]] == [towns.county_level.code]
    town = towns.county_level
    response = client.post(EXEMPTIONS, exemption_body(town), format="json")
    assert response.status_code == 201, response.content
    exemption = Exemption.objects.get()
    created = response.json()
    assert created.pop("created_at")
    assert created == {
        "id": exemption.pk,
        "year": 2024,
        "town": town.code,
        "town_name": town.name,
        "reason": "镇区整体搬迁，当年不参加评价",
        "doc_no": "吉示范镇办〔2024〕函2号",
        "recorded_by": "admin",
    }
    assert [item["id"] for item in items(client, EXEMPTIONS, year=2024)] == [exemption.pk]
    assert client.get(f"{ROUNDS}2024/").json()["unassessed_towns"] == []
    compute(2024)
    ranking = items(client, "/api/v1/rankings/", year=2024, tier="county")
    assert [(r["town_code"], r["assessed"], r["exempt"], r["rank"]) for r in ranking] == [
        (town.code, False, True, None)
    ]


def test_an_exemption_needs_a_reason_a_number_and_a_designated_town_without_scores(
    api_as, province_admin, towns
):
    score_year(province_admin, 2024, towns)
    client = api_as(province_admin)
    unscored = towns.county_level
    no_number = client.post(EXEMPTIONS, {**exemption_body(unscored), "doc_no": ""}, format="json")
    assert no_number.status_code == 400 and "doc_no" in no_number.json()
    without = client.post(EXEMPTIONS, {"town": unscored.code, "year": 2024, "reason": "搬迁"}, format="json")
    assert without.status_code == 400 and "doc_no" in without.json()
    no_reason = client.post(EXEMPTIONS, {**exemption_body(unscored), "reason": "   "}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()

    scored = towns.provincial[1]
    refusals = [
        (exemption_body(scored), f"{scored.name}在 2024 年已有得分，不能免评。"),
        (exemption_body(UNKNOWN), f"乡镇“{UNKNOWN}”不存在。"),
        (exemption_body(town_in(NONGAN, 5)), f"{town_in(NONGAN, 5).name}在 2024 年不是示范镇。"),
    ]
    for body, detail in refusals:
        response = client.post(EXEMPTIONS, body, format="json")
        assert (response.status_code, response.json()) == (400, {"detail": detail}), body
    assert not Exemption.objects.exists()

    assert client.post(EXEMPTIONS, exemption_body(unscored), format="json").status_code == 201
    again = client.post(EXEMPTIONS, exemption_body(unscored, doc_no="吉示范镇办〔2024〕函9号"), format="json")
    assert (again.status_code, again.json()) == (400, {"detail": f"{unscored.name}在 2024 年已登记免评。"})
    assert Exemption.objects.get().doc_no == "吉示范镇办〔2024〕函2号"


def test_no_exemption_once_scoring_is_closed(api_as, province_admin, towns, computed):
    response = api_as(province_admin).post(EXEMPTIONS, exemption_body(towns.county_level), format="json")
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "2024年度评价已计算（待发布），不能再登记免评。如需更正请先重新开放。"},
    )
    assert not Exemption.objects.exists()


def test_a_regional_user_lists_the_exemptions_of_its_region_alone(
    api_as, province_admin, province_viewer, county_official, other_county_official, city_official, towns
):
    p = towns.provincial
    for town in (p[0], p[2], towns.county_level):  # 双阳区, 农安县 (长春市); 蛟河市 (吉林市)
        record_exemption(
            province_admin, year=2024, town=town, reason="镇区整体搬迁", doc_no="吉示范镇办〔2024〕函2号"
        )
    record_exemption(
        province_admin, year=2025, town=p[0], reason="行政区划调整", doc_no="吉示范镇办〔2025〕函1号"
    )
    everything = [(2025, p[0].code), (2024, p[0].code), (2024, p[2].code), (2024, towns.county_level.code)]
    assert towns_of(api_as(province_viewer), EXEMPTIONS) == everything
    assert towns_of(api_as(province_viewer), EXEMPTIONS, year=2025) == [(2025, p[0].code)]
    assert towns_of(api_as(province_viewer), EXEMPTIONS, town=p[2].code) == [(2024, p[2].code)]
    assert towns_of(api_as(county_official), EXEMPTIONS, year=2024) == [(2024, p[0].code)]
    assert towns_of(api_as(city_official), EXEMPTIONS, year=2024) == [(2024, p[0].code), (2024, p[2].code)]
    assert towns_of(api_as(other_county_official), EXEMPTIONS) == [(2024, towns.county_level.code)]
    client = api_as(county_official)
    assert items(client, EXEMPTIONS, town=p[2].code) == items(client, EXEMPTIONS, town=UNKNOWN) == []


# --- who writes -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", NON_WRITERS)
@pytest.mark.parametrize(("url", "body"), [(VETOES, veto_body), (EXEMPTIONS, exemption_body)])
def test_only_the_province_admin_records_vetoes_and_exemptions(api_as, everyone, towns, role, url, body):
    client = api_as(everyone[role])
    # Whether the town is the caller's own, another region's or no town at all, the answer is the same.
    answers = [
        client.post(url, body(code), format="json")
        for code in (towns.provincial[0].code, towns.provincial[4].code, UNKNOWN)
    ]
    assert {response.status_code for response in answers} == {403}
    assert len({response.content for response in answers}) == 1
    assert "省级管理员" in answers[0].json()["detail"]
    assert not Veto.objects.exists() and not Exemption.objects.exists()
    assert not AssessmentRound.objects.exists()


# --- talks (约谈, R8) --------------------------------------------------------------------------------------


def test_talks_are_listed_with_their_status_and_filtered(api_as, province_viewer, corrected):
    p = corrected.provincial
    client = api_as(province_viewer)
    listed = items(client, TALKS)
    # Ordered by year, then status (cancelled before pending), then town.
    assert [(item["town"], item["status"]) for item in listed] == [
        (p[5].code, "cancelled"),
        (p[0].code, "pending"),
        (p[4].code, "pending"),
    ]
    cancelled = TalkFollowUp.objects.get(town=p[5])
    assert listed[0] == {
        "id": cancelled.pk,
        "year": 2024,
        "town": p[5].code,
        "town_name": p[5].name,
        "city": p[5].city_id,
        "status": "cancelled",
        "status_label": "已撤销（结果更正）",
        "due_on": cancelled.due_on.isoformat(),
        "held_on": None,
        "note": "结果更正后不再列入通报批评，约谈撤销。",
    }
    assert [item["town"] for item in items(client, TALKS, status="pending")] == [p[0].code, p[4].code]
    assert [item["town"] for item in items(client, TALKS, status="cancelled")] == [p[5].code]
    assert items(client, TALKS, status="held") == []
    assert [item["town"] for item in items(client, TALKS, year=2024, town=p[4].code)] == [p[4].code]
    assert items(client, TALKS, year=2025) == []


def test_a_regional_user_lists_the_talks_of_its_region_alone(
    api_as, county_official, other_county_official, city_official, partner, corrected
):
    p = corrected.provincial
    assert [item["town"] for item in items(api_as(county_official), TALKS)] == [p[0].code]
    assert [item["town"] for item in items(api_as(city_official), TALKS)] == [p[0].code]
    assert [item["town"] for item in items(api_as(other_county_official), TALKS)] == [p[5].code, p[4].code]
    assert len(items(api_as(partner), TALKS)) == 3
    client = api_as(county_official)
    assert items(client, TALKS, town=p[4].code) == items(client, TALKS, town=UNKNOWN) == []


def test_the_province_admin_marks_a_talk_held_but_not_a_cancelled_one(api_as, province_admin, corrected):
    p = corrected.provincial
    client = api_as(province_admin)
    talk = TalkFollowUp.objects.get(town=p[4])
    no_date = client.post(f"{TALKS}{talk.pk}/held/", {"note": "约谈镇党委书记"}, format="json")
    assert no_date.status_code == 400 and "held_on" in no_date.json()
    response = client.post(
        f"{TALKS}{talk.pk}/held/",
        {"held_on": "2025-03-18", "note": "约谈镇党委书记，明确整改时限"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["status_label"], body["held_on"], body["note"]) == (
        "held",
        "已约谈",
        "2025-03-18",
        "约谈镇党委书记，明确整改时限",
    )
    assert [item["town"] for item in items(client, TALKS, status="held")] == [p[4].code]

    cancelled = TalkFollowUp.objects.get(town=p[5])
    refused = client.post(f"{TALKS}{cancelled.pk}/held/", {"held_on": "2025-03-18"}, format="json")
    assert (refused.status_code, refused.json()) == (
        400,
        {"detail": f"{p[5].name}的约谈已因结果更正撤销，无需登记。"},
    )
    cancelled.refresh_from_db()
    assert (cancelled.status, cancelled.held_on) == ("cancelled", None)
    missing = client.post(f"{TALKS}{cancelled.pk + 1000}/held/", {"held_on": "2025-03-18"}, format="json")
    assert (missing.status_code, missing.json()) == (404, {"detail": "未找到。"})


@pytest.mark.parametrize("role", NON_WRITERS)
def test_only_the_province_admin_marks_a_talk_held(api_as, everyone, corrected, role):
    client = api_as(everyone[role])
    own = TalkFollowUp.objects.get(town=corrected.provincial[0])  # 双阳区, 长春市
    other = TalkFollowUp.objects.get(town=corrected.provincial[4])  # 蛟河市, 吉林市
    answers = [
        client.post(f"{TALKS}{pk}/held/", {"held_on": "2025-03-18"}, format="json")
        for pk in (own.pk, other.pk, other.pk + 1000)
    ]
    assert {response.status_code for response in answers} == {403}
    assert len({response.content for response in answers}) == 1
    assert set(TalkFollowUp.objects.values_list("status", flat=True)) == {"pending", "cancelled"}


# --- audit ------------------------------------------------------------------------------------------------


def new_entries(already, model):
    return LogEntry.objects.exclude(pk__in=already).filter(content_type__model=model)


def token_client(api_client, user):
    token = issue_token(None, user, name="测试")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api_client


def test_vetoes_and_talks_are_audited_as_api_writes_of_the_caller(api_client, province_admin, corrected):
    client = token_client(api_client, province_admin)
    already = set(LogEntry.objects.values_list("pk", flat=True))
    ensure_round(2025)
    response = client.post(VETOES, veto_body(corrected.provincial[3], year=2025), format="json")
    assert response.status_code == 201, response.content
    created = new_entries(already, "veto").get()
    assert (created.action, created.object_pk) == (LogEntry.Action.CREATE, str(response.json()["id"]))
    assert created.changes["reason"] == ["None", "砍伐古树名木"]

    talk = TalkFollowUp.objects.get(town=corrected.provincial[4])
    response = client.post(f"{TALKS}{talk.pk}/held/", {"held_on": "2025-03-18"}, format="json")
    assert response.status_code == 200, response.content
    held = new_entries(already, "talkfollowup").get()
    assert (held.action, held.object_pk) == (LogEntry.Action.UPDATE, str(talk.pk))
    assert held.changes["status"] == ["pending", "held"]
    for entry in (created, held):
        assert (entry.actor, entry.additional_data) == (province_admin, {"via": "api"})


def test_an_exemption_is_audited_as_an_api_write_of_the_caller(api_client, province_admin, towns):
    client = token_client(api_client, province_admin)
    already = set(LogEntry.objects.values_list("pk", flat=True))
    response = client.post(EXEMPTIONS, exemption_body(towns.county_level), format="json")
    assert response.status_code == 201, response.content
    entry = new_entries(already, "exemption").get()
    assert (entry.action, entry.object_pk) == (LogEntry.Action.CREATE, str(response.json()["id"]))
    assert (entry.actor, entry.additional_data) == (province_admin, {"via": "api"})


# --- query counts -----------------------------------------------------------------------------------------


def designated(towns):
    return [*towns.provincial, towns.city_level, towns.county_level]


def test_the_lists_keep_a_constant_number_of_queries(
    api_as, province_admin, county_official, towns, django_assert_num_queries
):
    everywhere = designated(towns)
    record_veto(
        province_admin, year=2024, town=everywhere[0], reason="拆除历史建筑", doc_no="吉建罚〔2024〕1号"
    )
    record_exemption(
        province_admin, year=2024, town=everywhere[0], reason="镇区整体搬迁", doc_no="吉示范镇办〔2024〕函1号"
    )
    assessment_round = ensure_round(2024)
    TalkFollowUp.objects.create(round=assessment_round, town=everywhere[0])
    for url in (VETOES, EXEMPTIONS, TALKS):
        with django_assert_num_queries(2):  # count, rows with their town, round and recorder
            assert len(items(api_as(province_admin), url)) == 1

    for town in everywhere[1:]:
        record_veto(province_admin, year=2024, town=town, reason="拆除历史建筑", doc_no="吉建罚〔2024〕1号")
        record_exemption(
            province_admin, year=2024, town=town, reason="镇区整体搬迁", doc_no="吉示范镇办〔2024〕函1号"
        )
    TalkFollowUp.objects.bulk_create(
        TalkFollowUp(round=assessment_round, town=town) for town in everywhere[1:]
    )
    for url in (VETOES, EXEMPTIONS, TALKS):
        with django_assert_num_queries(2):
            assert len(items(api_as(province_admin), url)) == len(everywhere)
        with django_assert_num_queries(2):  # the region's rows alone, in as many queries
            assert {item["town"] for item in items(api_as(county_official), url)} == {
                town.code for town in everywhere if town.county_id == SHUANGYANG
            }


# --- settings (PATCH assessment-rounds/{year}/) --------------------------------------------------------------


def test_reads_create_no_round_and_the_first_patch_creates_it(api_as, province_admin, province_viewer, towns):
    client = api_as(province_admin)
    detail = client.get(f"{ROUNDS}2026/")
    assert (detail.status_code, detail.json()["exists"], detail.json()["top_count"]) == (200, False, 5)
    preview = client.get(f"{ROUNDS}2026/publication-preview/")
    assert preview.status_code == 400 and "须先运行计算" in preview.json()["detail"]
    for url in (ROUNDS, VETOES, EXEMPTIONS, TALKS):
        assert api_as(province_viewer).get(url, {"year": 2026}).status_code == 200
    assert not AssessmentRound.objects.exists()

    client = api_as(province_admin)
    response = client.patch(f"{ROUNDS}2026/", {"excellent_threshold": "92.5", "top_count": 3}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["exists"], body["state"], body["top_count"], body["bottom_count"]) == (True, "open", 3, 5)
    assert body["thresholds"] == {"excellent": "92.50", "good": "80.00", "pass": "60.00"}
    assert AssessmentRound.objects.get().year == 2026
    assert Indicator.objects.filter(system__year=2026).count() == 15  # the default system of R7
    # A second PATCH changes the same round, only what it names.
    again = client.patch(f"{ROUNDS}2026/", {"bottom_count": 4}, format="json").json()
    assert (again["top_count"], again["bottom_count"], again["thresholds"]["excellent"]) == (3, 4, "92.50")
    assert AssessmentRound.objects.count() == 1


@pytest.mark.parametrize("role", NON_WRITERS)
def test_only_the_province_admin_patches_settings(api_as, everyone, towns, role):
    client = api_as(everyone[role])
    response = client.patch(f"{ROUNDS}2026/", {"top_count": 3}, format="json")
    assert response.status_code == 403
    assert not AssessmentRound.objects.exists()
    ensure_round(2027)
    assert client.patch(f"{ROUNDS}2027/", {"top_count": 3}, format="json").status_code == 403
    assert AssessmentRound.objects.get(year=2027).top_count == 5


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"good_threshold": "95"}, "detail", "分数线应满足 100 ≥ 优秀 ≥ 良好 ≥ 合格 ≥ 0"),
        ({"excellent_threshold": "101"}, "detail", "分数线应满足 100 ≥ 优秀 ≥ 良好 ≥ 合格 ≥ 0"),
        ({"top_count": 0}, "top_count", "1"),
        ({"bottom_count": "五"}, "bottom_count", "整数"),
        ({"pass_threshold": "sixty"}, "pass_threshold", "数"),
        ({}, "detail", "请至少填写一项设置。"),
        ({"state": "published"}, "detail", "请至少填写一项设置。"),  # not a setting: nothing to change
    ],
)
def test_invalid_settings_are_refused_with_the_reason_and_create_nothing(
    api_as, province_admin, towns, data, field, message
):
    response = api_as(province_admin).patch(f"{ROUNDS}2026/", data, format="json")
    assert response.status_code == 400, response.content
    answer = response.json()[field]
    assert message in (answer if isinstance(answer, str) else answer[0])
    assert not AssessmentRound.objects.exists()


def test_settings_are_fixed_once_scoring_starts_and_corrected_in_a_reopened_year(
    api_as, province_admin, towns
):
    client = api_as(province_admin)

    def patch():
        return client.patch(f"{ROUNDS}2024/", {"bottom_count": 3}, format="json")

    score_year(province_admin, 2024, towns)  # praise 1, criticism 2
    response = patch()
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "评分已经开始，指标体系和评价设置不能再修改。"},
    )
    compute(2024)
    assert patch().json() == {"detail": "2024年度评价已计算（待发布），评价设置不能修改。"}
    # A computed draft reopened before any publication is still being scored: settings stay fixed.
    reopen(province_admin, year=2024, reason="补录得分")
    assert patch().json() == {"detail": "评分已经开始，指标体系和评价设置不能再修改。"}
    compute(2024)
    publish(province_admin, year=2024, doc_prefix="吉示范镇办")
    assert patch().json() == {"detail": "2024年度评价已发布，评价设置不能修改。"}
    assert AssessmentRound.objects.get(year=2024).bottom_count == 2

    # A published year reopened for correction may correct its settings; the re-run applies them.
    reopen(province_admin, year=2024, reason="批评名额应为 3 个")
    response = patch()
    assert (response.status_code, response.json()["bottom_count"]) == (200, 3)
    compute(2024)
    proposed = items(client, "/api/v1/notices/", year=2024, kind="criticism", status="proposed")
    p = towns.provincial
    assert proposed[0]["towns"] == [p[4].code, p[5].code, p[0].code]
