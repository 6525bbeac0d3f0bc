"""API v1: a submission's detail carries its workflow record (`events`), oldest first, with who (and in what
role), when, the comment, the status change, the document number, and every refused attempt."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from core.errors import DomainError
from selection.models import SubmissionEvent
from selection.services import transition

from ...conftest import JIAOHE

URL = "/api/v1/submissions/"

pytestmark = pytest.mark.django_db


def at(event):
    return timezone.localtime(event.at).isoformat()


def test_the_detail_lists_every_step_and_refusal_in_order(
    api_as, make_draft, county_official, city_official, province_admin
):
    draft = make_draft(tier="city")
    transition(county_official, submission_id=draft.pk, action="submit", comment="请审核")
    transition(city_official, submission_id=draft.pk, action="return", comment="请补充园区情况")
    transition(county_official, submission_id=draft.pk, action="submit", comment="已补充")
    transition(city_official, submission_id=draft.pk, action="recommend")
    with pytest.raises(DomainError, match="须填写决定文号"):
        transition(province_admin, submission_id=draft.pk, action="select")
    transition(province_admin, submission_id=draft.pk, action="select", doc_no="吉示范镇办〔2026〕5号")
    events = list(SubmissionEvent.objects.filter(submission=draft).order_by("at", "id"))

    body = api_as(county_official).get(f"{URL}{draft.pk}/").json()
    assert body["events"] == [
        {
            "action": "submit",
            "action_label": "上报",
            "actor": "shuangyang",
            "role": "county_official",
            "role_label": "县（市、区）工作人员",
            "time": at(events[0]),
            "comment": "请审核",
            "from_status": "draft",
            "to_status": "submitted",
            "doc_no": "",
            "accepted": True,
            "refusal": None,
        },
        {
            "action": "return",
            "action_label": "退回修改",
            "actor": "changchun",
            "role": "city_official",
            "role_label": "市（州）工作人员",
            "time": at(events[1]),
            "comment": "请补充园区情况",
            "from_status": "submitted",
            "to_status": "draft",
            "doc_no": "",
            "accepted": True,
            "refusal": None,
        },
        {
            "action": "submit",
            "action_label": "上报",
            "actor": "shuangyang",
            "role": "county_official",
            "role_label": "县（市、区）工作人员",
            "time": at(events[2]),
            "comment": "已补充",
            "from_status": "draft",
            "to_status": "submitted",
            "doc_no": "",
            "accepted": True,
            "refusal": None,
        },
        {
            "action": "recommend",
            "action_label": "推荐",
            "actor": "changchun",
            "role": "city_official",
            "role_label": "市（州）工作人员",
            "time": at(events[3]),
            "comment": "",
            "from_status": "submitted",
            "to_status": "recommended",
            "doc_no": "",
            "accepted": True,
            "refusal": None,
        },
        # A refused attempt is part of the record, for the county too: it changed nothing.
        {
            "action": "select",
            "action_label": "审定入选",
            "actor": "admin",
            "role": "province_admin",
            "role_label": "省级管理员",
            "time": at(events[4]),
            "comment": "",
            "from_status": "recommended",
            "to_status": None,
            "doc_no": "",
            "accepted": False,
            "refusal": "审定入选须填写决定文号。",
        },
        {
            "action": "select",
            "action_label": "审定入选",
            "actor": "admin",
            "role": "province_admin",
            "role_label": "省级管理员",
            "time": at(events[5]),
            "comment": "",
            "from_status": "recommended",
            "to_status": "selected",
            "doc_no": "吉示范镇办〔2026〕5号",
            "accepted": True,
            "refusal": None,
        },
    ]
    assert [event["time"] for event in body["events"]] == sorted(event["time"] for event in body["events"])
    # Every reader in scope sees the same record.
    assert api_as(city_official).get(f"{URL}{draft.pk}/").json()["events"] == body["events"]


def test_a_step_answers_with_the_events_including_itself(api_as, make_draft, county_official):
    draft = make_draft()
    response = api_as(county_official).post(f"{URL}{draft.pk}/submit/", {"comment": "请审核"}, format="json")
    assert response.status_code == 200, response.content
    assert [(e["action"], e["actor"], e["role"], e["comment"]) for e in response.json()["events"]] == [
        ("submit", "shuangyang", "county_official", "请审核")
    ]


def test_the_role_is_the_one_held_at_the_time(api_as, make_draft, make_user, county_official, province_admin):
    draft = make_draft()
    official = make_user("city_official", "2201", username="zhang")
    transition(county_official, submission_id=draft.pk, action="submit")
    transition(official, submission_id=draft.pk, action="recommend", comment="同意")
    official.role, official.region_id = "province_viewer", None
    official.save()
    events = api_as(province_admin).get(f"{URL}{draft.pk}/").json()["events"]
    assert (events[-1]["actor"], events[-1]["role"], events[-1]["role_label"]) == (
        "zhang",
        "city_official",
        "市（州）工作人员",
    )
    # An account is deactivated, never deleted (a deletion would rewrite the audit records naming it).
    with pytest.raises(DomainError):
        official.delete()
    events = api_as(province_admin).get(f"{URL}{draft.pk}/").json()["events"]
    assert (events[-1]["actor"], events[-1]["role"], events[-1]["comment"]) == (
        "zhang",
        "city_official",
        "同意",
    )


def test_an_unknown_role_is_null(api_as, make_draft, county_official):
    draft = make_draft()
    transition(county_official, submission_id=draft.pk, action="submit")
    SubmissionEvent.objects.filter(submission=draft).update(actor=None, actor_role="")
    (event,) = api_as(county_official).get(f"{URL}{draft.pk}/").json()["events"]
    assert (event["actor"], event["role"], event["role_label"]) == (None, None, None)


def test_an_attempt_from_outside_the_scope_is_recorded_and_answered_404(
    api_as, make_draft, county_official, other_county_official
):
    draft = make_draft()
    response = api_as(other_county_official).post(f"{URL}{draft.pk}/submit/", format="json")
    assert (response.status_code, response.json()) == (404, {"detail": "未找到。"})
    (event,) = api_as(county_official).get(f"{URL}{draft.pk}/").json()["events"]
    assert (event["actor"], event["role"], event["accepted"], event["refusal"]) == (
        "jiaohe",
        "county_official",
        False,
        "不在权限范围内",
    )
    assert other_county_official.region_id == JIAOHE


@pytest.mark.parametrize("steps", [1, 12])
def test_detail_queries_do_not_grow_with_events(
    api_as, make_draft, county_official, city_official, django_assert_num_queries, steps
):
    draft = make_draft()
    transition(county_official, submission_id=draft.pk, action="submit")
    for _ in range(steps - 1):
        transition(city_official, submission_id=draft.pk, action="return", comment="补充")
        transition(county_official, submission_id=draft.pk, action="submit")
    client = api_as(city_official)
    # submission (round, town, county, city joined; return comment), documents, events with their actors;
    # available_actions: the documents' kinds and the town's active designation
    with django_assert_num_queries(5):
        body = client.get(f"{URL}{draft.pk}/").json()
    assert len(body["events"]) == 2 * steps - 1


def test_the_migration_fills_in_the_current_role_of_known_actors(make_draft, county_official, city_official):
    draft = make_draft()
    transition(county_official, submission_id=draft.pk, action="submit")
    transition(city_official, submission_id=draft.pk, action="recommend")
    SubmissionEvent.objects.filter(submission=draft, action="submit").update(actor_role="")
    SubmissionEvent.objects.filter(submission=draft, action="recommend").update(actor=None, actor_role="")
    migration = importlib.import_module("towns.migrations.0005_backfill_submission_event_actor_role")
    # The models as that migration saw them (the events then belonged to towns; the table is the same).
    apps = (
        MigrationLoader(connection).project_state(("towns", "0005_backfill_submission_event_actor_role")).apps
    )

    migration.backfill_actor_role(apps, None)
    roles = dict(SubmissionEvent.objects.filter(submission=draft).values_list("action", "actor_role"))
    assert roles == {"submit": "county_official", "recommend": ""}

    migration.forget_actor_role(apps, None)
    assert set(SubmissionEvent.objects.values_list("actor_role", flat=True)) == {""}
