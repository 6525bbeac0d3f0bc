"""Issue 8 through the API: a year assessed on its own inputs (a re-run of an unchanged year is a fixed point
and re-publishing it changes nothing), corrections reconciled with the designations under a correction number,
document numbers never reused, the two-year rule's dependencies between years, incomplete scoring, the what-if,
and a three-year history with a correction in the middle year."""

import pytest
from auditlog.models import LogEntry
from django.db import IntegrityError, transaction

from assessment.models import (
    AssessmentRound,
    Elimination,
    Notice,
    Publication,
    PublicationChange,
    Result,
    Score,
)
from assessment.services import compute_round, ensure_round, publish, save_scores
from core.models import DocumentNumber
from towns.models import Designation
from towns.services.designations import change_tier

from ..test_three_years import points_for
from .conftest import score_year

pytestmark = pytest.mark.django_db

ROUNDS = "/api/v1/assessment-rounds/"


def results(client, url, **params):
    response = client.get(url, {"page_size": 1000, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def snapshot(client, year):
    """What a reader of the year sees: rankings, notices' lists, eliminations and substitutes."""
    rankings = [
        (r["town_code"], r["tier"], r["score"], r["rank"], r["grade"], r["vetoed"])
        for r in results(client, "/api/v1/rankings/", year=year, status="published")
    ]
    notices = sorted(
        (n["kind"], tuple(n["towns"]))
        for n in results(client, "/api/v1/notices/", year=year)
        if n["status"] == "published"
    )
    eliminations = sorted(
        (e["town_code"], e["substitute_code"])
        for e in results(client, "/api/v1/eliminations/", year=year)
        if e["status"] == "published"
    )
    return rankings, notices, eliminations


def designations():
    return sorted(
        Designation.objects.values_list(
            "pk", "town_id", "tier", "from_year", "to_year", "began", "ended", "doc_no", "end_doc_no"
        )
    )


def provincial_count():
    return Designation.objects.active().filter(tier="provincial").count()


@pytest.fixture
def admin_api(api_as, province_admin):
    return api_as(province_admin)


def run(client, year, capture, confirm=True):
    with capture(execute=True):
        response = client.post(f"{ROUNDS}{year}/run/", {"confirm_incomplete": confirm}, format="json")
    assert response.status_code == 202, response.content
    return response


def publish_api(client, year):
    response = client.post(f"{ROUNDS}{year}/publish/", {"doc_prefix": "吉示范镇办"}, format="json")
    assert response.status_code == 200, response.content
    return response


def reopen_api(client, year, reason="核实更正"):
    response = client.post(f"{ROUNDS}{year}/reopen/", {"reason": reason}, format="json")
    assert response.status_code == 200, response.content
    return response


# --- point 1: a year's assessment is a function of that year's inputs alone ---------------------------------


def test_reopening_and_re_running_an_unchanged_year_is_a_fixed_point(
    admin_api, towns, two_years, django_capture_on_commit_callbacks
):
    before_publication = provincial_count()
    publish_api(admin_api, 2025)
    eliminated = Elimination.objects.filter(round__year=2025, status="published")
    substitutes = eliminated.exclude(substitute=None).count()
    # After a publication: the provincial towns before it, minus the eliminated, plus the substitutes.
    assert (
        provincial_count() == before_publication - eliminated.count() + substitutes == before_publication - 1
    )
    published = snapshot(admin_api, 2025)
    held = designations()
    numbers = DocumentNumber.objects.count()
    doc_nos = set(Notice.objects.filter(round__year=2025).values_list("doc_no", flat=True))

    reopen_api(admin_api, 2025)
    run(admin_api, 2025, django_capture_on_commit_callbacks)
    draft = [
        (r["town_code"], r["tier"], r["score"], r["rank"], r["grade"], r["vetoed"])
        for r in results(admin_api, "/api/v1/rankings/", year=2025, status="proposed")
    ]
    assert draft == published[0]  # the substitute promoted by 2025 is still read at its 2025 tier
    assert (
        sorted(
            (e.town_id, e.substitute_id)
            for e in Elimination.objects.filter(round__year=2025, status="proposed")
        )
        == published[2]
    )
    preview = admin_api.get(f"{ROUNDS}2025/publication-preview/").json()
    assert (preview["changes_nothing"], preview["new_documents"], preview["designations"]) == (True, 0, [])

    publish_api(admin_api, 2025)
    assert snapshot(admin_api, 2025) == published
    assert designations() == held  # no designation changed
    assert DocumentNumber.objects.count() == numbers  # no document issued
    assert set(Notice.objects.filter(round__year=2025).values_list("doc_no", flat=True)) == doc_nos
    assert not Notice.objects.filter(round__year=2025, status="superseded").exists()
    assert provincial_count() == before_publication - 1
    second = Publication.objects.get(round__year=2025, number=2)
    assert (second.correction_doc_no, second.summary) == (
        "",
        "重新发布，结果与已发布的一致：未重新发文，认定无变化。",
    )


# --- point 2: corrections are decisions too -------------------------------------------------------------------


def test_a_correction_reverses_an_elimination_and_revokes_a_substitute_under_the_correction_number(
    admin_api, towns, two_years, province_admin, django_capture_on_commit_callbacks
):
    p5, p0, city_level = towns.provincial[5], towns.provincial[0], towns.city_level
    before_publication = provincial_count()
    publish_api(admin_api, 2025)
    criticism = Notice.objects.get(round__year=2025, kind="criticism", status="published")
    assert Designation.objects.get(town=p5, ended="eliminated").end_doc_no == criticism.doc_no
    assert Designation.objects.active().get(town=city_level).began == "substitute"

    reopen_api(admin_api, 2025, "蛟河市两镇得分录入有误")
    # P5 was entered 30 points too low; the city-level town of 农安 10 points too high (no longer 优秀).
    body = {"town": p5.code, "year": 2025, "indicator": "T01", "points": "10"}
    assert admin_api.post("/api/v1/scores/", body, format="json").status_code == 200  # entered: corrected
    save_scores(province_admin, year=2025, town=p5, points_by_code=points_for("90"))
    save_scores(province_admin, year=2025, town=city_level, points_by_code=points_for("85"))
    run(admin_api, 2025, django_capture_on_commit_callbacks)

    held = designations()
    preview = admin_api.get(f"{ROUNDS}2025/publication-preview/").json()
    assert {(c["action"], c["town_code"]) for c in preview["designations"]} == {
        ("restore", p5.code),
        ("revoke", city_level.code),
    }
    assert {n["kind"]: n["reissue"] for n in preview["notices"]}["criticism"] is True
    assert designations() == held  # the preview wrote nothing
    assert Designation.objects.filter(town=p5, to_year=None).count() == 0

    publish_api(admin_api, 2025)
    correction = Publication.objects.get(round__year=2025, number=2)
    assert (
        correction.correction_doc_no.startswith("吉示范镇办〔")
        and correction.reason == "蛟河市两镇得分录入有误"
    )
    # P5 holds its provincial designation again; its history shows the elimination and its reversal.
    history = list(Designation.objects.filter(town=p5).order_by("from_year", "pk"))
    assert [(d.tier, d.ended, d.end_doc_no, d.began, d.doc_no) for d in history][-2:] == [
        ("provincial", "eliminated", criticism.doc_no, "selected", ""),
        ("provincial", "", "", "restored", correction.correction_doc_no),
    ]
    # The substitute no longer needed loses the promotion and returns to its city-level designation.
    promoted = Designation.objects.get(town=city_level, tier="provincial")
    assert (promoted.ended, promoted.end_doc_no) == ("revoked", correction.correction_doc_no)
    assert Designation.objects.active().get(town=city_level).tier == "city"
    # Superseded notices are kept under their numbers, marked as replaced by the new one.
    old = Notice.objects.get(pk=criticism.pk)
    new = Notice.objects.get(round__year=2025, kind="criticism", status="published")
    assert (old.status, old.doc_no, old.superseded_by_id) == ("superseded", criticism.doc_no, new.pk)
    listed = {n["doc_no"]: n for n in results(admin_api, "/api/v1/notices/", year=2025)}
    assert listed[criticism.doc_no]["superseded_by"] == new.doc_no
    assert {r.town_id for r in old.results.all()} == {p5.code, p0.code}  # the old list as it was published
    # Only P0 stays eliminated, without a substitute: before − 1 + 0.
    assert provincial_count() == before_publication - 1
    assert PublicationChange.objects.filter(doc_no=correction.correction_doc_no).count() == 3


# --- point 3: document numbers ------------------------------------------------------------------------------------


def test_document_numbers_are_unique_in_the_database_and_a_reissued_notice_takes_a_new_one(
    admin_api, towns, two_years, province_admin, django_capture_on_commit_callbacks
):
    publish_api(admin_api, 2025)
    taken = list(DocumentNumber.objects.order_by("number").values_list("number", flat=True))
    assert taken == list(range(1, len(taken) + 1))  # in sequence: 2024's two, then 2025's two
    first = DocumentNumber.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentNumber.objects.create(
            prefix=first.prefix, year=first.year, number=first.number, doc_no="x", kind="x"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Notice.objects.filter(pk=Notice.objects.filter(doc_no__isnull=False).last().pk).update(
            doc_no=first.doc_no
        )
    reopen_api(admin_api, 2025)
    save_scores(province_admin, year=2025, town=towns.provincial[5], points_by_code=points_for("90"))
    run(admin_api, 2025, django_capture_on_commit_callbacks)
    publish_api(admin_api, 2025)
    numbers = list(DocumentNumber.objects.order_by("number").values_list("number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) > len(taken)
    reissued = Notice.objects.filter(round__year=2025, status="published").values_list("doc_no", flat=True)
    assert not set(reissued) & {f"{first.prefix}〔{first.year}〕{n}号" for n in taken}  # never reused


# --- point 4: the two-year rule reads the previous year's published results --------------------------------------


def test_a_run_waits_for_a_reopened_previous_year_and_a_predecessor_waits_for_its_successor(
    admin_api, towns, two_years, django_capture_on_commit_callbacks
):
    refused = admin_api.post(f"{ROUNDS}2024/reopen/", {"reason": "更正"}, format="json")
    assert refused.status_code == 400
    assert "须先重新开放2025年度评价" in refused.json()["detail"]
    reopen_api(admin_api, 2025)  # the computed 2025 draft is discarded, scoring opens
    reopen_api(admin_api, 2024)
    waiting = admin_api.post(f"{ROUNDS}2025/run/", {"confirm_incomplete": True}, format="json")
    assert waiting.status_code == 400
    assert "2024年度评价已重新开放" in waiting.json()["detail"]
    assert AssessmentRound.objects.get(year=2025).state == "open"
    run(admin_api, 2024, django_capture_on_commit_callbacks)
    publish_api(admin_api, 2024)
    run(admin_api, 2025, django_capture_on_commit_callbacks)
    assert AssessmentRound.objects.get(year=2025).state == "computed"


# --- point 5: candidates are towns active when the run starts -----------------------------------------------------


def test_a_withdrawn_town_is_never_a_substitute(
    admin_api, towns, province_admin, django_capture_on_commit_callbacks
):
    score_year(province_admin, 2024, towns)
    compute_round(ensure_round(2024).pk)
    publish(province_admin, year=2024, doc_prefix="吉示范镇办")
    score_year(province_admin, 2025, towns)
    change_tier(
        province_admin, town=towns.city_level, change="withdraw", year=2025, doc_no="长春市住建发〔2025〕9号"
    )
    run(admin_api, 2025, django_capture_on_commit_callbacks)
    substitutes = Elimination.objects.filter(round__year=2025, status="proposed").values_list(
        "substitute_id", flat=True
    )
    assert towns.city_level.code not in set(substitutes)  # 优秀 in 2025 but withdrawn before the run
    assert set(substitutes) == {None}


# --- point 7: no town escapes by omission ---------------------------------------------------------------------------


def test_incomplete_and_unassessed_towns_are_listed_and_a_run_needs_an_explicit_confirmation(
    admin_api, towns, province_admin, django_capture_on_commit_callbacks
):
    score_year(province_admin, 2024, towns)
    Score.objects.filter(town=towns.provincial[3], indicator__code__in=["T14", "T15"]).delete()
    body = admin_api.get(f"{ROUNDS}2024/").json()
    assert [(t["town_code"], t["scored"], t["missing"]) for t in body["incomplete_towns"]] == [
        (towns.provincial[3].code, 13, ["T14", "T15"])
    ]
    assert [t["town_code"] for t in body["unassessed_towns"]] == [towns.county_level.code]
    refused = admin_api.post(f"{ROUNDS}2024/run/", {}, format="json")
    assert refused.status_code == 400
    assert "1 个镇评分不完整、1 个镇未录入得分" in refused.json()["detail"]
    assert AssessmentRound.objects.get(year=2024).state == "open"  # nothing queued, scoring still open

    run(admin_api, 2024, django_capture_on_commit_callbacks)
    body = admin_api.get(f"{ROUNDS}2024/").json()
    assert body["run_confirmed_incomplete"] is True and "admin" in body["run_confirmation"]
    flagged = {r["town_code"]: r["incomplete"] for r in results(admin_api, "/api/v1/rankings/", year=2024)}
    assert flagged[towns.provincial[3].code] is True and flagged[towns.provincial[1].code] is False


def test_a_provincial_town_left_unassessed_is_published_only_with_an_exemption(
    admin_api, towns, province_admin, django_capture_on_commit_callbacks
):
    score_year(province_admin, 2024, towns)
    unscored = towns.provincial[4]
    Score.objects.filter(town=unscored).delete()
    run(admin_api, 2024, django_capture_on_commit_callbacks)
    refused = admin_api.post(f"{ROUNDS}2024/publish/", {"doc_prefix": "吉示范镇办"}, format="json")
    assert refused.status_code == 400
    assert unscored.code in refused.json()["detail"] and "免评" in refused.json()["detail"]
    assert not DocumentNumber.objects.exists()  # nothing half-written: no number taken
    reopen_api(admin_api, 2024, "登记免评")
    no_number = admin_api.post(
        "/api/v1/exemptions/", {"town": unscored.code, "year": 2024, "reason": "整体搬迁"}, format="json"
    )
    assert no_number.status_code == 400
    exempted = admin_api.post(
        "/api/v1/exemptions/",
        {"town": unscored.code, "year": 2024, "reason": "整体搬迁", "doc_no": "吉示范镇办〔2024〕函5号"},
        format="json",
    )
    assert exempted.status_code == 201, exempted.content
    run(admin_api, 2024, django_capture_on_commit_callbacks)
    publish_api(admin_api, 2024)
    result = Result.objects.get(round__year=2024, town=unscored, status="published")
    assert (result.assessed, result.exempt, result.rank) == (False, True, None)


# --- point 8: what-if before publishing ------------------------------------------------------------------------


def test_the_what_if_answers_the_list_shapes_and_writes_nothing(
    api_as, admin_api, towns, computed, county_official
):
    counts = [
        model.objects.count() for model in (Result, Notice, Elimination, Score, LogEntry, AssessmentRound)
    ]
    p = [town.code for town in towns.provincial]
    response = admin_api.post(
        f"{ROUNDS}2024/simulate/",
        {"settings": {"bottom_count": 3}, "vetoes": [p[1]], "scores": {p[3]: {"T01": "0"}}},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {
        "year",
        "settings",
        "rankings",
        "notices",
        "eliminations",
        "cities_under_minimum",
        "draft",
        "changes",
    }
    assert body["settings"]["bottom_count"] == 3
    ranking_keys = set(results(admin_api, "/api/v1/rankings/", year=2024)[0])
    assert set(body["rankings"][0]) == ranking_keys
    criticism = next(n for n in body["notices"] if n["kind"] == "criticism")
    assert p[1] in criticism["towns"] and len(criticism["towns"]) == 3
    draft_criticism = next(n for n in body["draft"]["notices"] if n["kind"] == "criticism")
    assert draft_criticism["towns"] == [p[5], p[0]]
    kinds = {(c["kind"], c["code"]) for c in body["changes"]}
    assert ("criticism", p[1]) in kinds and ("grade", p[1]) in kinds and ("rank", p[3]) in kinds
    assert all(c["description"] for c in body["changes"])
    assert [
        model.objects.count() for model in (Result, Notice, Elimination, Score, LogEntry, AssessmentRound)
    ] == counts

    refused = admin_api.post(f"{ROUNDS}2024/simulate/", {"scores": {p[0]: {"T01": "11"}}}, format="json")
    assert refused.status_code == 400 and "超出" in refused.json()["detail"]
    unknown = admin_api.post(f"{ROUNDS}2024/simulate/", {"vetoes": ["229999999"]}, format="json")
    assert unknown.status_code == 400 and "不是示范镇" in unknown.json()["detail"]
    assert api_as(county_official).post(f"{ROUNDS}2024/simulate/", {}, format="json").status_code == 403


# --- point 10: denial looks like absence in the eliminations list ---------------------------------------------------


def test_a_county_sees_its_eliminated_town_but_not_a_substitute_from_another_region(
    api_as, admin_api, towns, two_years, county_official
):
    publish_api(admin_api, 2025)
    body = results(api_as(county_official), "/api/v1/eliminations/", year=2025)  # 双阳区
    assert [item["town_code"] for item in body] == [towns.provincial[0].code]
    assert (body[0]["substitute_disclosed"], body[0]["substitute_code"], body[0]["substitute_name"]) == (
        False,
        None,
        None,
    )
    assert towns.city_level.name not in str(body)


# --- a three-year history with a correction in the middle year --------------------------------------------------------


def test_three_years_with_a_correction_of_the_middle_year(
    admin_api, towns, province_admin, django_capture_on_commit_callbacks
):
    """2024, 2025 and 2026 assessed; 2025 is corrected while 2026 is computed: 2026 must be reopened first,
    and after the correction 2026's two-year rule reads the corrected 2025."""
    p = towns.provincial
    for year in (2024, 2025):
        score_year(province_admin, year, towns)
        run(admin_api, year, django_capture_on_commit_callbacks)
        publish_api(admin_api, year)
    # 2025 eliminated P0 and P5 (bottom two in 2024 and 2025); 2026 scores P4 and P1 lowest (P0, P5 are gone).
    score_year_2026 = {p[1]: "61", p[2]: "90", p[3]: "85", p[4]: "62"}
    ensure_round(2026)
    admin_api.patch(f"{ROUNDS}2026/", {"top_count": 1, "bottom_count": 2}, format="json")
    for town, total in score_year_2026.items():
        save_scores(province_admin, year=2026, town=town, points_by_code=points_for(total))
    run(admin_api, 2026, django_capture_on_commit_callbacks)
    assert not Elimination.objects.filter(
        round__year=2026, status="proposed"
    ).exists()  # P1, P4 not bottom in 2025

    refused = admin_api.post(f"{ROUNDS}2025/reopen/", {"reason": "更正"}, format="json")
    assert refused.status_code == 400 and "须先重新开放2026年度评价" in refused.json()["detail"]
    reopen_api(admin_api, 2026)
    reopen_api(admin_api, 2025, "P4 得分录入偏高")
    save_scores(
        province_admin, year=2025, town=p[4], points_by_code=points_for("50")
    )  # P4 now in 2025's bottom two, P5 out of it
    save_scores(province_admin, year=2025, town=p[5], points_by_code=points_for("89"))
    run(admin_api, 2025, django_capture_on_commit_callbacks)
    publish_api(admin_api, 2025)
    correction = Publication.objects.get(round__year=2025, number=2).correction_doc_no
    assert Designation.objects.active().get(town=p[5]).began == "restored"
    assert Designation.objects.get(town=p[5], began="restored").doc_no == correction

    run(admin_api, 2026, django_capture_on_commit_callbacks)
    # 2026 reads the corrected 2025: P4 is in the bottom two both years and is eliminated now.
    assert list(
        Elimination.objects.filter(round__year=2026, status="proposed").values_list("town_id", flat=True)
    ) == [p[4].code]


def test_the_publish_page_names_only_the_documents_this_publication_issued(
    client, admin_api, towns, two_years, province_admin, django_capture_on_commit_callbacks
):
    from ..page_helpers import page_text

    client.force_login(province_admin)
    first = client.post("/assessment/2025/publish/", {"doc_prefix": "吉示范镇办"}, follow=True)
    numbers = list(Notice.objects.filter(round__year=2025).order_by("kind").values_list("doc_no", flat=True))
    assert all(number in page_text(first) for number in numbers)
    reopen_api(admin_api, 2025)
    run(admin_api, 2025, django_capture_on_commit_callbacks)
    again = client.post("/assessment/2025/publish/", {"doc_prefix": "吉示范镇办"}, follow=True)
    text = page_text(again)
    assert "结果与已发布的一致，未重新发文" in text
    assert not any(number in text.split("已发布2025年度评价结果")[1][:80] for number in numbers)
