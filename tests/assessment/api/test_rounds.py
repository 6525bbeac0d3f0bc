"""/api/v1/assessment-rounds/: one round per year, created by its first write (a read shows the defaults);
run, publish and reopen by the province_admin alone; the services' refusals as 400 with their Chinese reason."""

import pytest

from assessment.models import AssessmentRound, Notice, Result

from .conftest import score_year

pytestmark = pytest.mark.django_db

URL = "/api/v1/assessment-rounds/"


def test_retrieving_a_year_creates_no_round_and_shows_the_defaults(api_as, province_admin, towns):
    assert not AssessmentRound.objects.exists()
    response = api_as(province_admin).get(f"{URL}2026/")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "year": 2026,
        "state": "open",
        "state_label": "评分中",
        "thresholds": {"excellent": "90.00", "good": "80.00", "pass": "60.00"},
        "top_count": 5,
        "bottom_count": 5,
        "version": 1,
        "job_state": "idle",
        "job_state_label": "未运行",
        "job_progress": 0,
        "job_message": "",
        "job_started_at": None,
        "job_finished_at": None,
        "published_at": None,
        "doc_prefix": "",
        "reopened_reason": "",
        "run_confirmed_incomplete": False,
        "run_confirmation": "",
        "unassessed": 8,  # every designated town, none scored yet
        "exists": False,
        "incomplete_towns": [],
        "unassessed_towns": response.json()["unassessed_towns"],
        "publications": [],
    }
    assert [town["town_code"] for town in response.json()["unassessed_towns"]] == sorted(
        town.code for town in [*towns.provincial, towns.city_level, towns.county_level]
    )
    assert not AssessmentRound.objects.exists()  # a read never writes
    # The first write creates the round with the default indicator system.
    patched = api_as(province_admin).patch(f"{URL}2026/", {"bottom_count": 3}, format="json")
    assert patched.status_code == 200, patched.content
    assert (patched.json()["exists"], patched.json()["bottom_count"]) == (True, 3)
    assert AssessmentRound.objects.get().system.indicators.count() == 15


def test_unassessed_is_for_province_roles_only(api_as, province_admin, county_official, partner, towns):
    score_year(province_admin, 2024, towns)
    assert api_as(province_admin).get(f"{URL}2024/").json()["unassessed"] == 1  # the county-level town
    assert api_as(county_official).get(f"{URL}2024/").json()["unassessed"] is None
    assert api_as(partner).get(f"{URL}2024/").json()["unassessed"] is None


def test_list(api_as, province_admin, province_viewer, towns):
    score_year(province_admin, 2024, towns)
    api_as(province_admin).get(f"{URL}2025/")  # creates nothing
    assert [item["year"] for item in api_as(province_viewer).get(URL).json()["results"]] == [2024]
    api_as(province_admin).patch(f"{URL}2025/", {"top_count": 5}, format="json")
    body = api_as(province_viewer).get(URL).json()
    assert [(item["year"], item["unassessed"]) for item in body["results"]] == [(2025, 8), (2024, 1)]
    assert body["results"][1]["top_count"] == 1 and body["results"][1]["bottom_count"] == 2


def test_invalid_year_is_refused(api_as, province_admin):
    response = api_as(province_admin).get(f"{URL}1999/")
    assert response.status_code == 400
    assert "1999" in response.json()["detail"]
    assert api_as(province_admin).get(f"{URL}twenty/").status_code == 404


def test_run_queues_the_job_once_and_the_job_computes(
    api_as, province_admin, towns, django_capture_on_commit_callbacks
):
    score_year(province_admin, 2024, towns)
    client = api_as(province_admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = client.post(f"{URL}2024/run/", {"confirm_incomplete": True}, format="json")
        second = client.post(f"{URL}2024/run/", {"confirm_incomplete": True}, format="json")
    assert first.status_code == second.status_code == 202
    assert (first.json()["started"], first.json()["job_state"], first.json()["job_message"]) == (
        True,
        "queued",
        "已提交，等待计算",
    )
    assert (second.json()["started"], second.json()["job_state"]) == (False, "queued")
    assert len(callbacks) == 1
    for callback in callbacks:
        callback()  # the Celery task, eager in tests
    body = client.get(f"{URL}2024/").json()
    assert (body["state"], body["job_state"], body["job_progress"]) == ("computed", "done", 100)
    assert body["job_message"] == "已完成：参评 7 个，未评 1 个"
    assert Result.objects.filter(round__year=2024).count() == 8


def test_run_then_publish_then_frozen(api_as, province_admin, towns, django_capture_on_commit_callbacks):
    score_year(province_admin, 2024, towns)
    client = api_as(province_admin)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{URL}2024/run/", {"confirm_incomplete": True}, format="json").status_code == 202
    response = client.post(f"{URL}2024/publish/", {"doc_prefix": "吉示范镇办"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["state"], body["state_label"], body["doc_prefix"]) == ("published", "已发布", "吉示范镇办")
    assert body["published_at"]
    assert Notice.objects.filter(round__year=2024, doc_no__startswith="吉示范镇办〔").count() == 2

    frozen = client.post(f"{URL}2024/run/", {"confirm_incomplete": True}, format="json")
    assert frozen.status_code == 400
    assert "已发布并冻结" in frozen.json()["detail"]
    again = client.post(f"{URL}2024/publish/", {"doc_prefix": "吉示范镇办"}, format="json")
    assert again.status_code == 400
    assert "已发布" in again.json()["detail"]


def test_publish_before_run_is_refused(api_as, province_admin, towns):
    score_year(province_admin, 2024, towns)
    response = api_as(province_admin).post(f"{URL}2024/publish/", {"doc_prefix": "吉示范镇办"}, format="json")
    assert response.status_code == 400
    assert "须先运行计算再发布" in response.json()["detail"]
    assert AssessmentRound.objects.get(year=2024).state == "open"


def test_publish_needs_a_doc_prefix(api_as, province_admin, computed):
    response = api_as(province_admin).post(f"{URL}2024/publish/", {}, format="json")
    assert response.status_code == 400
    assert "发文字号前缀" in response.json()["detail"]
    assert AssessmentRound.objects.get(year=2024).state == "computed"


def test_reopen_needs_a_reason_and_a_round_past_scoring(
    api_as, province_admin, towns, computed, django_capture_on_commit_callbacks
):
    client = api_as(province_admin)
    still_open = client.post(f"{URL}2025/reopen/", {"reason": "更正得分"}, format="json")
    assert still_open.status_code == 400
    assert "无需重新开放" in still_open.json()["detail"]
    client.post(f"{URL}2024/publish/", {"doc_prefix": "吉示范镇办"}, format="json")
    no_reason = client.post(f"{URL}2024/reopen/", {"reason": " "}, format="json")
    assert no_reason.status_code == 400
    assert "原因" in no_reason.json()["detail"]
    response = client.post(f"{URL}2024/reopen/", {"reason": "蛟河市得分录入有误"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    # Reopening opens scoring again, so that scores can be corrected before the re-run.
    assert (body["state"], body["job_state"], body["reopened_reason"]) == (
        "open",
        "idle",
        "蛟河市得分录入有误",
    )
    with django_capture_on_commit_callbacks(execute=True):
        rerun = client.post(f"{URL}2024/run/", {"confirm_incomplete": True}, format="json")
    assert (rerun.status_code, rerun.json()["started"]) == (202, True)
    assert AssessmentRound.objects.get(year=2024).job_state == "done"
    # The published notices stay in force beside the new draft until the year is published again.
    assert sorted(Notice.objects.filter(round__year=2024).values_list("status", flat=True)) == [
        "proposed",
        "proposed",
        "published",
        "published",
    ]


def test_a_computed_draft_can_be_reopened_for_correction_before_publication(api_as, province_admin, computed):
    response = api_as(province_admin).post(f"{URL}2024/reopen/", {"reason": "补录得分"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "open"
    assert not Result.objects.filter(round__year=2024).exists()  # the draft is discarded
    assert not Notice.objects.filter(round__year=2024).exists()


@pytest.mark.parametrize(
    "role", ["province_viewer", "auditor", "partner", "city_official", "county_official"]
)
@pytest.mark.parametrize(
    ("path", "data"),
    [("run/", {}), ("publish/", {"doc_prefix": "吉示范镇办"}), ("reopen/", {"reason": "更正"})],
)
def test_only_the_province_admin_acts(api_as, everyone, computed, role, path, data):
    response = api_as(everyone[role]).post(f"{URL}2024/{path}", data, format="json")
    assert response.status_code == 403
    assert AssessmentRound.objects.get(year=2024).state == "computed"
    assert AssessmentRound.objects.get(year=2024).job_state == "done"


def test_reading_needs_authentication(api_client, computed):
    assert api_client.get(f"{URL}2024/").status_code == 401
    assert api_client.post(f"{URL}2024/run/").status_code == 401


def test_list_queries_do_not_grow(api_as, province_admin, county_official, towns, django_assert_num_queries):
    score_year(province_admin, 2024, towns)
    with django_assert_num_queries(5):  # count, rounds, designations, scored towns, exemptions
        api_as(province_admin).get(URL)
    for year in range(2018, 2024):
        api_as(province_admin).patch(f"{URL}{year}/", {"top_count": 3}, format="json")
    with django_assert_num_queries(5):
        assert api_as(province_admin).get(URL).json()["count"] == 7
    with django_assert_num_queries(2):  # no counts of unassessed towns for a county
        assert api_as(county_official).get(URL).json()["count"] == 7
