"""R3 workflow and R2 tier-change rules as pure functions (no database)."""

import pytest

from selection.rules import (
    TRANSITIONS,
    SubmissionFacts,
    available_actions,
    candidate_refusal,
    draft_refusal,
    transition_refusal,
)
from towns.rules import Actor, TownFacts, tier_change_refusal

COUNTY = Actor("county_official", "220112")
OTHER_COUNTY = Actor("county_official", "220281")
CITY = Actor("city_official", "2201")
OTHER_CITY = Actor("city_official", "2202")
PROVINCE = Actor("province_admin")
VIEWER = Actor("province_viewer")
COMPLETE = frozenset({"work_plan", "implementation_plan"})


def facts(status="draft", **overrides):
    values = {
        "status": status,
        "tier": "county",
        "town_name": "鹿乡镇",
        "county_code": "220112",
        "city_code": "2201",
        "round_open": True,
        "deadline_text": "2022-04-30",
        "documents": COMPLETE,
        "missing_information": (),
        "active_tier": None,
    }
    values.update(overrides)
    return SubmissionFacts(**values)


@pytest.mark.parametrize(
    ("action", "status", "actor"),
    [
        ("submit", "draft", COUNTY),
        ("recommend", "submitted", CITY),
        ("return", "submitted", CITY),
        ("select", "recommended", PROVINCE),
        ("reject", "recommended", PROVINCE),
    ],
)
def test_each_transition_is_allowed_to_its_role_region_and_state(action, status, actor):
    assert (
        transition_refusal(action, facts(status), actor, comment="意见", doc_no="吉示范镇办〔2022〕1号")
        is None
    )
    assert TRANSITIONS[action].target in {"submitted", "recommended", "draft", "selected", "rejected"}


@pytest.mark.parametrize(
    ("action", "status", "actor", "message"),
    [
        ("submit", "draft", CITY, "只有县（市、区）工作人员可以上报"),
        ("submit", "draft", OTHER_COUNTY, "不在您的管辖范围内"),
        ("submit", "submitted", COUNTY, "当前状态为“已上报”，不能上报"),
        ("recommend", "submitted", OTHER_CITY, "不在您的管辖范围内"),
        ("recommend", "draft", CITY, "当前状态为“草稿”，不能推荐"),
        ("return", "recommended", CITY, "当前状态为“市级已推荐”，不能退回修改"),
        ("select", "submitted", PROVINCE, "不能审定入选"),
        ("select", "recommended", VIEWER, "只有省级管理员可以审定入选"),
        ("reject", "selected", PROVINCE, "当前状态为“已入选”"),
        ("archive", "draft", PROVINCE, "未知操作"),
    ],
)
def test_forbidden_transitions_name_the_reason(action, status, actor, message):
    assert message in transition_refusal(action, facts(status), actor, comment="x", doc_no="x")


def test_submit_after_deadline_or_incomplete_is_refused():
    assert "已于 2022-04-30 截止" in transition_refusal("submit", facts(round_open=False), COUNTY)
    assert "缺少申报材料：实施方案" in transition_refusal(
        "submit", facts(documents=frozenset({"work_plan"})), COUNTY
    )
    assert "基本信息不完整：常住人口（人）" in transition_refusal(
        "submit", facts(missing_information=("常住人口（人）",)), COUNTY
    )


def test_reviews_are_allowed_after_the_deadline():
    assert transition_refusal("recommend", facts("submitted", round_open=False), CITY) is None
    assert transition_refusal("select", facts("recommended", round_open=False), PROVINCE, doc_no="x") is None


def test_same_or_higher_active_designation_blocks_submit_and_select_but_lower_does_not():
    assert "同级或更高层级" in transition_refusal("submit", facts(tier="city", active_tier="city"), COUNTY)
    assert "同级或更高层级" in transition_refusal(
        "select", facts("recommended", tier="city", active_tier="provincial"), PROVINCE, doc_no="x"
    )
    assert transition_refusal("submit", facts(tier="city", active_tier="county"), COUNTY) is None


def test_comment_and_document_number_requirements():
    assert transition_refusal("return", facts("submitted"), CITY) == "退回修改须填写意见。"
    assert transition_refusal("reject", facts("recommended"), PROVINCE) == "审定不入选须填写意见。"
    assert transition_refusal("select", facts("recommended"), PROVINCE) == "审定入选须填写决定文号。"
    assert "文号超过" in transition_refusal("select", facts("recommended"), PROVINCE, doc_no="号" * 101)


def test_available_actions_per_role():
    assert available_actions(facts(), COUNTY) == ["submit"]
    assert available_actions(facts("submitted"), CITY) == ["recommend", "return"]
    assert available_actions(facts("recommended"), PROVINCE) == ["select", "reject"]
    assert available_actions(facts("submitted"), COUNTY) == []
    assert available_actions(facts("recommended"), VIEWER) == []


def test_draft_editing_is_for_the_owning_county_before_the_deadline():
    assert draft_refusal(facts(), COUNTY) is None
    assert "不在您的管辖范围内" in draft_refusal(facts(), OTHER_COUNTY)
    assert "只有县" in draft_refusal(facts(), CITY)
    assert "不能修改" in draft_refusal(facts("submitted"), COUNTY)
    assert "截止" in draft_refusal(facts(round_open=False), COUNTY)


def town(kind="town", active_tier=None):
    return TownFacts(
        "220112102", "鹿乡镇", kind, {"town": "镇", "subdistrict": "街道"}[kind], active_tier, 2022
    )


def candidate(town_facts, tier, round_tiers, round_open, deadline_text, already_submitted):
    return candidate_refusal(
        town_facts,
        tier,
        round_tiers=round_tiers,
        round_open=round_open,
        deadline_text=deadline_text,
        already_submitted=already_submitted,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((town(), "city", ["city"], False, "2022-04-30", False), "截止"),
        ((town(), "provincial", ["city", "county"], True, "", False), "本批次不评选该层级"),
        ((town("subdistrict"), "county", ["county"], True, "", False), "只有建制镇可以申报"),
        ((town(active_tier="city"), "city", ["city"], True, "", False), "同级或更高层级"),
        ((town(active_tier="provincial"), "county", ["county"], True, "", False), "同级或更高层级"),
        ((town(), "county", ["county"], True, "", True), "已有申报"),
    ],
)
def test_candidate_refusals(args, message):
    assert message in candidate(*args)


def test_candidate_with_a_lower_designation_is_welcome():
    assert candidate(town(active_tier="county"), "city", ["city"], True, "", False) is None


@pytest.mark.parametrize(
    ("actor", "change", "old", "new", "refused"),
    [
        (PROVINCE, "promote", "city", "provincial", None),
        (PROVINCE, "withdraw", "provincial", None, None),
        (PROVINCE, "change", "provincial", "county", None),
        (CITY, "promote", None, "city", None),
        (CITY, "promote", "county", "city", None),
        (CITY, "withdraw", "city", None, None),
        (CITY, "change", "city", "county", None),
        (CITY, "promote", "city", "provincial", "省级示范镇的认定与调整由省级管理员办理"),
        (CITY, "withdraw", "provincial", None, "省级示范镇的认定与调整由省级管理员办理"),
        (CITY, "withdraw", "county", None, "只能调整或撤销市级"),
        (OTHER_CITY, "promote", None, "city", "不在您的管辖范围内"),
        (COUNTY, "promote", None, "county", "只有省级管理员或市（州）工作人员"),
        (PROVINCE, "promote", "city", "county", "晋级须选择更高层级"),
        (PROVINCE, "change", "city", "city", "不同的层级"),
        (PROVINCE, "withdraw", None, None, "没有有效认定"),
    ],
)
def test_tier_change_permissions(actor, change, old, new, refused):
    result = tier_change_refusal(
        actor,
        change=change,
        town_city_code="2201",
        town_name="鹿乡镇",
        old_tier=old,
        new_tier=new,
        doc_no="吉示范镇办〔2024〕2号",
    )
    if refused is None:
        assert result is None
    else:
        assert refused in result


@pytest.mark.parametrize("change", ["promote", "change"])
def test_tier_change_needs_the_new_tier(change):
    assert (
        tier_change_refusal(
            PROVINCE,
            change=change,
            town_city_code="2201",
            town_name="鹿乡镇",
            old_tier="county",
            new_tier=None,
            doc_no="吉〔2024〕1号",
        )
        == "请选择新的层级。"
    )


def test_tier_change_needs_a_document_number():
    assert (
        tier_change_refusal(
            PROVINCE,
            change="withdraw",
            town_city_code="2201",
            town_name="鹿乡镇",
            old_tier="city",
            new_tier=None,
            doc_no=" ",
        )
        == "层级调整须填写文号。"
    )


def test_only_a_never_submitted_draft_of_ones_own_county_can_be_deleted():
    from selection.rules import deletion_refusal

    assert deletion_refusal(facts(), COUNTY, was_submitted=False) is None
    assert "流转记录需保留" in deletion_refusal(facts(), COUNTY, was_submitted=True)
    assert "不能删除" in deletion_refusal(facts("submitted"), COUNTY, was_submitted=True)
    assert "只有所属县" in deletion_refusal(facts(), OTHER_COUNTY, was_submitted=False)
    assert "只有所属县" in deletion_refusal(facts(), PROVINCE, was_submitted=False)
