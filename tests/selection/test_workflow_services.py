"""R3 workflow through the services: every allowed step by its role, refusals that change nothing."""

import pytest

from core.errors import DomainError, NotVisible
from selection.models import SubmissionEvent
from selection.selectors import returned_comment
from selection.services import transition
from towns.models import Designation
from towns.services import designate

from ..conftest import CHANGCHUN, JIAOHE, SHUANGYANG, town_in


def state(submission):
    submission.refresh_from_db()
    return submission.status


def test_full_flow_creates_exactly_one_active_designation(
    make_draft, county_official, city_official, province_admin
):
    draft = make_draft(tier="city")
    transition(county_official, submission_id=draft.pk, action="submit", comment="请审核")
    transition(city_official, submission_id=draft.pk, action="recommend", comment="同意推荐")
    selected = transition(
        province_admin, submission_id=draft.pk, action="select", doc_no="吉示范镇办〔2026〕5号"
    )
    assert selected.status == "selected"
    active = Designation.objects.active().filter(town=draft.town)
    assert active.count() == 1
    designation = active.get()
    assert (designation.tier, designation.doc_no, designation.began) == (
        "city",
        "吉示范镇办〔2026〕5号",
        "selected",
    )
    assert designation.from_year == draft.round.year
    assert selected.designation == designation
    events = list(SubmissionEvent.objects.filter(submission=draft).order_by("at", "id"))
    assert [(e.action, e.from_status, e.to_status, e.actor) for e in events] == [
        ("submit", "draft", "submitted", county_official),
        ("recommend", "submitted", "recommended", city_official),
        ("select", "recommended", "selected", province_admin),
    ]
    assert events[1].comment == "同意推荐"


def test_selecting_a_county_level_town_as_city_level_promotes_it(
    make_draft, county_official, city_official, province_admin
):
    town = town_in(SHUANGYANG)
    designate(town, "county", 2022)
    draft = make_draft(town=town, tier="city")
    transition(county_official, submission_id=draft.pk, action="submit")
    transition(city_official, submission_id=draft.pk, action="recommend")
    transition(province_admin, submission_id=draft.pk, action="select", doc_no="吉示范镇办〔2026〕6号")
    history = list(town.designations.order_by("from_year", "id"))
    assert [(d.tier, d.to_year, d.ended) for d in history] == [
        ("county", draft.round.year, "promoted"),
        ("city", None, ""),
    ]


def test_returned_draft_can_be_resubmitted(make_draft, county_official, city_official):
    draft = make_draft()
    transition(county_official, submission_id=draft.pk, action="submit")
    transition(city_official, submission_id=draft.pk, action="return", comment="请补充园区情况")
    assert state(draft) == "draft"
    assert returned_comment(draft) == "请补充园区情况"
    transition(county_official, submission_id=draft.pk, action="submit", comment="已补充")
    assert state(draft) == "submitted"
    assert returned_comment(draft) is None


@pytest.mark.parametrize(
    ("actor_name", "action", "message"),
    [
        ("city_official", "submit", "只有县（市、区）工作人员可以上报"),
        ("province_admin", "submit", "只有县（市、区）工作人员可以上报"),
        ("county_official", "recommend", "只有市（州）工作人员可以推荐"),
        ("county_official", "select", "只有省级管理员可以审定入选"),
        ("province_viewer", "select", "只有省级管理员可以审定入选"),
    ],
)
def test_wrong_role_is_refused_changes_nothing_and_is_logged(
    make_draft, request, actor_name, action, message
):
    draft = make_draft()
    actor = request.getfixturevalue(actor_name)
    with pytest.raises(DomainError, match=message):
        transition(actor, submission_id=draft.pk, action=action, comment="x", doc_no="x")
    assert state(draft) == "draft"
    refusal = SubmissionEvent.objects.get(submission=draft, accepted=False)
    assert (refusal.actor, refusal.action, refusal.refusal) == (actor, action, message + "。")
    assert not Designation.objects.filter(town=draft.town).exists()


def test_wrong_region_is_absent_and_logged(make_draft, make_user, county_official, other_county_official):
    draft = make_draft()
    with pytest.raises(NotVisible):
        transition(other_county_official, submission_id=draft.pk, action="submit")
    jilin_city_official = make_user("city_official", region=JIAOHE[:4])
    transition(county_official, submission_id=draft.pk, action="submit")
    with pytest.raises(NotVisible):
        transition(jilin_city_official, submission_id=draft.pk, action="recommend")
    assert state(draft) == "submitted"
    assert SubmissionEvent.objects.filter(submission=draft, accepted=False).count() == 2


def test_wrong_state_is_refused(make_draft, county_official, city_official, province_admin):
    draft = make_draft()
    with pytest.raises(DomainError, match="当前状态为“草稿”，不能推荐"):
        transition(city_official, submission_id=draft.pk, action="recommend")
    transition(county_official, submission_id=draft.pk, action="submit")
    with pytest.raises(DomainError, match="当前状态为“已上报”，不能上报"):
        transition(county_official, submission_id=draft.pk, action="submit")
    with pytest.raises(DomainError, match="当前状态为“已上报”，不能审定入选"):
        transition(province_admin, submission_id=draft.pk, action="select", doc_no="吉示范镇办〔2026〕1号")
    assert state(draft) == "submitted"


def test_after_the_deadline_a_county_can_no_longer_submit(make_draft, county_official):
    draft = make_draft()
    draft.round.deadline = draft.round.deadline.replace(year=2022)
    draft.round.save()
    with pytest.raises(DomainError, match="截止"):
        transition(county_official, submission_id=draft.pk, action="submit")
    assert state(draft) == "draft"


def test_missing_document_and_information_are_named(make_draft, county_official):
    draft = make_draft(documents=False, information={"characteristic_industry": "人参"})
    with pytest.raises(DomainError, match="缺少申报材料：“十四五”建设工作方案、实施方案"):
        transition(county_official, submission_id=draft.pk, action="submit")


def test_comment_and_doc_no_are_required_where_the_decision_needs_them(
    make_draft, county_official, city_official, province_admin
):
    draft = make_draft()
    transition(county_official, submission_id=draft.pk, action="submit")
    with pytest.raises(DomainError, match="退回修改须填写意见"):
        transition(city_official, submission_id=draft.pk, action="return")
    transition(city_official, submission_id=draft.pk, action="recommend")
    with pytest.raises(DomainError, match="审定入选须填写决定文号"):
        transition(province_admin, submission_id=draft.pk, action="select")
    with pytest.raises(DomainError, match="审定不入选须填写意见"):
        transition(province_admin, submission_id=draft.pk, action="reject")
    transition(province_admin, submission_id=draft.pk, action="reject", comment="产业基础较弱")
    assert state(draft) == "rejected"
    assert not Designation.objects.filter(town=draft.town).exists()


def test_city_official_of_the_city_acts(make_draft, county_official, city_official):
    assert city_official.region_id == CHANGCHUN
    draft = make_draft()
    transition(county_official, submission_id=draft.pk, action="submit")
    transition(city_official, submission_id=draft.pk, action="recommend")
    assert state(draft) == "recommended"
