"""Pure decisions of candidate selection (R3): who may take which workflow step, when a draft may be
created, edited or deleted. No ORM, no request. Tested without a database."""

from dataclasses import dataclass

from core.roles import Role
from towns.rules import DOC_NO_MAX, TIER_SENIORITY

from .choices import DocumentKind, SubmissionStatus

ROLE_LABELS = dict(Role.choices)  # the roles' labels, by value


@dataclass(frozen=True)
class SubmissionFacts:
    status: str
    tier: str
    town_name: str
    county_code: str
    city_code: str
    round_open: bool
    deadline_text: str
    documents: frozenset = frozenset()
    missing_information: tuple = ()
    active_tier: str | None = None


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset
    target: str
    role: str
    region_level: str | None  # the level of region the actor must hold over the town, None: province-wide
    needs_comment: bool = False
    needs_doc_no: bool = False


TRANSITIONS = {
    t.action: t
    for t in (
        Transition("submit", "上报", frozenset({"draft"}), "submitted", "county_official", "county"),
        Transition("recommend", "推荐", frozenset({"submitted"}), "recommended", "city_official", "city"),
        Transition(
            "return",
            "退回修改",
            frozenset({"submitted"}),
            "draft",
            "city_official",
            "city",
            needs_comment=True,
        ),
        Transition(
            "select",
            "审定入选",
            frozenset({"recommended"}),
            "selected",
            "province_admin",
            None,
            needs_doc_no=True,
        ),
        Transition(
            "reject",
            "审定不入选",
            frozenset({"recommended"}),
            "rejected",
            "province_admin",
            None,
            needs_comment=True,
        ),
    )
}
REQUIRED_DOCUMENTS = dict(DocumentKind.choices)  # both plan documents (R3), labelled as the choices say


def holds_region(actor, level, facts):
    """Whether the actor's region is the town's county (level "county") or city (level "city")."""
    if level is None:
        return True
    return actor.region_code == (facts.county_code if level == "county" else facts.city_code)


def tier_blocks(active_tier, tier):
    """R3: a town with an active designation of the same or a higher tier cannot be a candidate for tier."""
    return active_tier is not None and TIER_SENIORITY[active_tier] >= TIER_SENIORITY[tier]


def transition_refusal(action, facts, actor, comment="", doc_no=""):
    """Why actor may not apply action to the submission now, or None. R3; plan 五、(一).

    Checked in the order a user would want to hear it: who, where, the state, the deadline, then what is
    missing.
    """
    transition = TRANSITIONS.get(action)
    if transition is None:
        return f"未知操作“{action}”。"
    if actor.role != transition.role:
        return f"只有{ROLE_LABELS[transition.role]}可以{transition.label}。"
    if not holds_region(actor, transition.region_level, facts):
        return f"{facts.town_name}不在您的管辖范围内。"
    if facts.status not in transition.sources:
        return f"当前状态为“{SubmissionStatus(facts.status).short_label}”，不能{transition.label}。"
    if action == "submit":
        if not facts.round_open:
            return f"本批次申报已于 {facts.deadline_text} 截止，不能再上报。"
        missing_documents = [
            label for kind, label in REQUIRED_DOCUMENTS.items() if kind not in facts.documents
        ]
        if missing_documents:
            return f"缺少申报材料：{'、'.join(missing_documents)}。"
        if facts.missing_information:
            return f"基本信息不完整：{'、'.join(facts.missing_information)}。"
    if action in ("submit", "select") and tier_blocks(facts.active_tier, facts.tier):
        return f"{facts.town_name}已有同级或更高层级的有效认定，不能再作为候选镇。"
    if transition.needs_comment and not comment.strip():
        return f"{transition.label}须填写意见。"
    if transition.needs_doc_no and not doc_no.strip():
        return f"{transition.label}须填写决定文号。"
    if len(doc_no) > DOC_NO_MAX:
        return f"文号超过 {DOC_NO_MAX} 个字符。"
    return None


def available_actions(facts, actor):
    """The transitions the actor could take on this submission now (comment and doc_no aside)."""
    return [
        action
        for action, transition in TRANSITIONS.items()
        if transition_refusal(
            action,
            facts,
            actor,
            comment="-" if transition.needs_comment else "",
            doc_no="-" if transition.needs_doc_no else "",
        )
        is None
    ]


def draft_refusal(facts, actor):
    """Why the actor may not create or edit this draft (information, documents), or None. R3."""
    if actor.role != "county_official":
        return "只有县（市、区）工作人员可以填报候选镇。"
    if actor.region_code != facts.county_code:
        return f"{facts.town_name}不在您的管辖范围内。"
    if facts.status != "draft":
        return f"当前状态为“{SubmissionStatus(facts.status).short_label}”，不能修改。"
    if not facts.round_open:
        return f"本批次申报已于 {facts.deadline_text} 截止，不能再填报。"
    return None


def candidate_refusal(town, tier, round_tiers, round_open, deadline_text, already_submitted):
    """Why a new submission of town (TownFacts) for tier in this round is refused, or None. R2, R3."""
    if not round_open:
        return f"本批次申报已于 {deadline_text} 截止。"
    if tier not in round_tiers:
        return "本批次不评选该层级。"
    if town.kind != "town":
        return f"{town.name}是{town.kind_label}，只有建制镇可以申报示范镇。"
    if tier_blocks(town.active_tier, tier):
        return f"{town.name}已有同级或更高层级的有效认定，不能再作为候选镇。"
    if already_submitted:
        return f"{town.name}在本批次中已有申报。"
    return None


def deletion_refusal(facts, actor, was_submitted):
    """A draft created by mistake (wrong town or tier) may be deleted by its county until first submitted.

    Once it has been submitted, its workflow history is part of the record and the draft stays.
    """
    if actor.role != "county_official" or actor.region_code != facts.county_code:
        return "只有所属县（市、区）可以删除该申报。"
    if facts.status != "draft":
        return f"当前状态为“{SubmissionStatus(facts.status).short_label}”，不能删除。"
    if was_submitted:
        return "该申报已上报过，流转记录需保留，不能删除；可修改后重新上报。"
    return None
