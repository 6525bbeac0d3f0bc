"""API v1 workflow steps (R3): POST /api/v1/submissions/{id}/{action}/ through the transition service."""

import datetime

import pytest

from selection.models import Submission, SubmissionEvent
from towns.models import Designation

from ...conftest import JIAOHE

URL = "/api/v1/submissions/"

pytestmark = pytest.mark.django_db


def step(client, submission, action, **body):
    return client.post(f"{URL}{submission.pk}/{action}/", body, format="json")


def snapshot(submission):
    row = Submission.objects.get(pk=submission.pk)
    return (row.status, row.decision_doc_no, row.designation_id, row.updated_at)


def test_the_full_flow_by_each_role(api_as, make_draft, county_official, city_official, province_admin):
    draft = make_draft(tier="city")
    response = step(api_as(county_official), draft, "submit", comment="请审核")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["available_actions"]) == ("submitted", [])

    response = step(api_as(city_official), draft, "recommend", comment="同意推荐")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "recommended"

    response = step(api_as(province_admin), draft, "select", doc_no="吉示范镇办〔2026〕5号")
    assert response.status_code == 200, response.content
    item = response.json()
    active = Designation.objects.active().filter(town=draft.town)
    assert active.count() == 1
    designation = active.get()
    assert (designation.tier, designation.doc_no, designation.from_year) == (
        "city",
        "吉示范镇办〔2026〕5号",
        draft.round.year,
    )
    assert (item["status"], item["status_label"], item["decision_doc_no"], item["designation"]) == (
        "selected",
        "已入选",
        "吉示范镇办〔2026〕5号",
        designation.pk,
    )
    events = SubmissionEvent.objects.filter(submission=draft, accepted=True).order_by("at", "id")
    assert [(e.action, e.actor, e.comment) for e in events] == [
        ("submit", county_official, "请审核"),
        ("recommend", city_official, "同意推荐"),
        ("select", province_admin, ""),
    ]


def test_reject_by_the_province(api_as, make_draft, county_official, city_official, province_admin):
    draft = make_draft()
    step(api_as(county_official), draft, "submit")
    step(api_as(city_official), draft, "recommend")
    response = step(
        api_as(province_admin), draft, "reject", comment="产业基础较弱", doc_no="吉示范镇办〔2026〕7号"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["decision_doc_no"]) == (
        "rejected",
        "吉示范镇办〔2026〕7号",
    )
    assert not Designation.objects.filter(town=draft.town).exists()


def test_return_and_resubmit(api_as, make_draft, county_official, city_official):
    draft = make_draft()
    county, city = api_as(county_official), None
    assert step(county, draft, "submit").status_code == 200
    city = api_as(city_official)
    response = step(city, draft, "return", comment="请补充园区情况")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["returned_comment"]) == ("draft", "请补充园区情况")

    county = api_as(county_official)
    detail = county.get(f"{URL}{draft.pk}/").json()
    assert (detail["returned_comment"], detail["available_actions"]) == ("请补充园区情况", ["submit"])
    assert county.patch(f"{URL}{draft.pk}/", {"industrial_park": "新园区"}, format="json").status_code == 200
    response = step(county, draft, "submit", comment="已补充")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["returned_comment"]) == ("submitted", None)


def test_form_encoded_body_and_empty_body(api_as, make_draft, county_official):
    draft = make_draft()
    response = api_as(county_official).post(f"{URL}{draft.pk}/submit/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"


@pytest.mark.parametrize(
    ("actor", "action", "message"),
    [
        ("city_official", "submit", "只有县（市、区）工作人员可以上报。"),
        ("province_admin", "submit", "只有县（市、区）工作人员可以上报。"),
        ("county_official", "recommend", "只有市（州）工作人员可以推荐。"),
        ("county_official", "return", "只有市（州）工作人员可以退回修改。"),
        ("county_official", "select", "只有省级管理员可以审定入选。"),
        ("city_official", "select", "只有省级管理员可以审定入选。"),
        ("city_official", "reject", "只有省级管理员可以审定不入选。"),
    ],
)
def test_wrong_role_is_refused_and_changes_nothing(api_as, request, make_draft, actor, action, message):
    draft = make_draft()
    before = snapshot(draft)
    response = step(api_as(request.getfixturevalue(actor)), draft, action, comment="x", doc_no="x")
    assert response.status_code == 400
    assert response.json() == {"detail": message}
    assert snapshot(draft) == before
    assert not Designation.objects.filter(town=draft.town).exists()


@pytest.mark.parametrize("actor", ["province_viewer", "auditor"])
@pytest.mark.parametrize("action", ["submit", "recommend", "return", "select", "reject"])
def test_read_only_roles_are_forbidden(api_as, request, make_draft, actor, action):
    draft = make_draft()
    before = snapshot(draft)
    response = step(api_as(request.getfixturevalue(actor)), draft, action, comment="x", doc_no="x")
    assert response.status_code == 403
    assert snapshot(draft) == before


def test_partner_is_forbidden(api_as, make_user, make_draft):
    draft = make_draft()
    before = snapshot(draft)
    assert step(api_as(make_user("partner", username="cdb")), draft, "submit").status_code == 403
    assert snapshot(draft) == before


def test_wrong_region_is_404_and_changes_nothing(
    api_as, make_user, make_draft, county_official, other_county_official
):
    draft = make_draft()
    before = snapshot(draft)
    response = step(api_as(other_county_official), draft, "submit")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}
    assert snapshot(draft) == before

    step(api_as(county_official), draft, "submit")
    before = snapshot(draft)
    jilin_city = make_user("city_official", JIAOHE[:4], username="jilin_city")
    assert step(api_as(jilin_city), draft, "recommend").status_code == 404
    assert step(api_as(jilin_city), draft, "return", comment="x").status_code == 404
    assert snapshot(draft) == before
    # the refused attempts are on record, as through the pages
    assert SubmissionEvent.objects.filter(submission=draft, accepted=False).count() == 3


def test_unknown_submission_is_404(api_as, county_official, jilin):
    assert step(api_as(county_official), Submission(pk=987654), "submit").status_code == 404


def test_wrong_state_is_refused_with_the_reason(
    api_as, make_draft, county_official, city_official, province_admin
):
    draft = make_draft()
    response = step(api_as(city_official), draft, "recommend")
    assert (response.status_code, response.json()) == (400, {"detail": "当前状态为“草稿”，不能推荐。"})
    response = step(api_as(province_admin), draft, "select", doc_no="吉示范镇办〔2026〕1号")
    assert (response.status_code, response.json()) == (400, {"detail": "当前状态为“草稿”，不能审定入选。"})

    step(api_as(county_official), draft, "submit")
    before = snapshot(draft)
    response = step(api_as(county_official), draft, "submit")
    assert (response.status_code, response.json()) == (400, {"detail": "当前状态为“已上报”，不能上报。"})
    response = step(api_as(province_admin), draft, "reject", comment="x")
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "当前状态为“已上报”，不能审定不入选。"},
    )
    assert snapshot(draft) == before
    assert not Designation.objects.filter(town=draft.town).exists()


def test_after_the_deadline_the_county_cannot_submit(api_as, make_draft, county_official):
    draft = make_draft()
    draft.round.deadline = datetime.date(2022, 4, 30)
    draft.round.save()
    before = snapshot(draft)
    response = step(api_as(county_official), draft, "submit")
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "本批次申报已于 2022-04-30 截止，不能再上报。"},
    )
    assert snapshot(draft) == before


def test_a_missing_document_is_named(api_as, make_draft, county_official):
    from selection.services import attach_document

    from ...conftest import PDF_BYTES, upload

    draft = make_draft(documents=False)
    attach_document(county_official, submission=draft, kind="work_plan", upload=upload("方案.pdf", PDF_BYTES))
    before = snapshot(draft)
    response = step(api_as(county_official), draft, "submit")
    assert (response.status_code, response.json()) == (400, {"detail": "缺少申报材料：实施方案。"})
    assert snapshot(draft) == before


def test_incomplete_information_is_named(api_as, make_draft, county_official):
    draft = make_draft(information={"characteristic_industry": "人参"})
    response = step(api_as(county_official), draft, "submit")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("基本信息不完整：户籍人口（人）、常住人口（人）")


def test_comment_and_doc_no_where_the_decision_needs_them(
    api_as, make_draft, county_official, city_official, province_admin
):
    draft = make_draft()
    step(api_as(county_official), draft, "submit")
    response = step(api_as(city_official), draft, "return", comment="  ")
    assert (response.status_code, response.json()) == (400, {"detail": "退回修改须填写意见。"})
    step(api_as(city_official), draft, "recommend")
    before = snapshot(draft)
    admin = api_as(province_admin)
    assert step(admin, draft, "select").json() == {"detail": "审定入选须填写决定文号。"}
    assert step(admin, draft, "reject").json() == {"detail": "审定不入选须填写意见。"}
    assert step(admin, draft, "select", doc_no="号" * 101).json() == {"detail": "文号超过 100 个字符。"}
    assert snapshot(draft) == before
    assert not Designation.objects.filter(town=draft.town).exists()


def test_an_unknown_action_has_no_route(api_as, make_draft, province_admin):
    draft = make_draft()
    assert step(api_as(province_admin), draft, "approve").status_code == 404
    assert api_as(province_admin).get(f"{URL}{draft.pk}/submit/").status_code == 405
