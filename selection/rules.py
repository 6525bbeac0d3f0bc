"""Pure decisions of candidate selection (R3): who may take which workflow step, when a draft may be
created, edited or deleted. No ORM, no request. Tested without a database."""

from collections.abc import Collection
from dataclasses import dataclass

from core.roles import RegionLevel, Role
from towns.rules import DOC_NO_MAX, TIER_SENIORITY, Actor, TownFacts

from .choices import DocumentKind, SubmissionAction, SubmissionStatus

# Who reads the reviewers' comparison table of a round (the county fills in; the others compare).
REVIEWER_ROLES = frozenset({Role.CITY_OFFICIAL, Role.PROVINCE_ADMIN, Role.PROVINCE_VIEWER, Role.AUDITOR})
ONLY_PROVINCE_SETS_ROUNDS = "只有省级管理员可以设置评选批次。"
ONLY_COUNTY_DRAFTS = "只有县（市、区）工作人员可以填报候选镇。"


@dataclass(frozen=True)
class SubmissionFacts:
    status: str
    tier: str
    town_name: str
    county_code: str
    city_code: str
    round_open: bool
    deadline_text: str
    documents: frozenset[str] = frozenset()
    missing_information: tuple[str, ...] = ()
    active_tier: str | None = None


@dataclass(frozen=True)
class Transition:
    """One workflow step: from which states, to which, taken by which role over which region."""

    action: SubmissionAction
    sources: frozenset[SubmissionStatus]
    target: SubmissionStatus
    role: Role
    region_level: RegionLevel | None  # the region the actor must hold over the town; None: province-wide
    needs_comment: bool = False
    needs_doc_no: bool = False

    @property
    def label(self) -> str:
        return self.action.label


TRANSITIONS = {
    t.action: t
    for t in (
        Transition(
            SubmissionAction.SUBMIT,
            frozenset({SubmissionStatus.DRAFT}),
            SubmissionStatus.SUBMITTED,
            Role.COUNTY_OFFICIAL,
            RegionLevel.COUNTY,
        ),
        Transition(
            SubmissionAction.RECOMMEND,
            frozenset({SubmissionStatus.SUBMITTED}),
            SubmissionStatus.RECOMMENDED,
            Role.CITY_OFFICIAL,
            RegionLevel.CITY,
        ),
        Transition(
            SubmissionAction.RETURN,
            frozenset({SubmissionStatus.SUBMITTED}),
            SubmissionStatus.DRAFT,
            Role.CITY_OFFICIAL,
            RegionLevel.CITY,
            needs_comment=True,
        ),
        Transition(
            SubmissionAction.SELECT,
            frozenset({SubmissionStatus.RECOMMENDED}),
            SubmissionStatus.SELECTED,
            Role.PROVINCE_ADMIN,
            None,
            needs_doc_no=True,
        ),
        Transition(
            SubmissionAction.REJECT,
            frozenset({SubmissionStatus.RECOMMENDED}),
            SubmissionStatus.REJECTED,
            Role.PROVINCE_ADMIN,
            None,
            needs_comment=True,
        ),
    )
}


def holds_region(actor: Actor, *, level: str | None, facts: SubmissionFacts) -> bool:
    """Whether the actor's region is the town's county (level "county") or city (level "city")."""
    if level is None:
        return True
    return actor.region_code == (facts.county_code if level == RegionLevel.COUNTY else facts.city_code)


def tier_blocks(active_tier: str | None, tier: str) -> bool:
    """R3: a town with an active designation of the same or a higher tier cannot be a candidate for tier."""
    return active_tier is not None and TIER_SENIORITY[active_tier] >= TIER_SENIORITY[tier]


def may_set_rounds(actor: Actor) -> bool:
    """R3: the province sets the selection rounds."""
    return actor.role == Role.PROVINCE_ADMIN


def may_draft(actor: Actor) -> bool:
    """R3: a county official (holding a county) fills in candidates of its towns."""
    return actor.role == Role.COUNTY_OFFICIAL and actor.region_code is not None


def may_review(actor: Actor) -> bool:
    """Whether the actor reads a round's comparison table of candidates."""
    return actor.role in REVIEWER_ROLES


def transition_refusal(
    action: str, facts: SubmissionFacts, actor: Actor, *, comment: str = "", doc_no: str = ""
) -> str | None:
    """Why actor may not apply action to the submission now, or None. R3; plan 五、(一).

    Checked in the order a user would want to hear it: who, where, the state, the deadline, then what is
    missing.
    """
    transition = TRANSITIONS.get(action)
    if transition is None:
        return f"未知操作“{action}”。"
    if actor.role != transition.role:
        return f"只有{transition.role.label}可以{transition.label}。"
    if not holds_region(actor, level=transition.region_level, facts=facts):
        return f"{facts.town_name}不在您的管辖范围内。"
    if facts.status not in transition.sources:
        return f"当前状态为“{SubmissionStatus(facts.status).short_label}”，不能{transition.label}。"
    if transition.action == SubmissionAction.SUBMIT:
        if not facts.round_open:
            return f"本批次申报已于 {facts.deadline_text} 截止，不能再上报。"
        missing_documents = [kind.label for kind in DocumentKind if kind not in facts.documents]
        if missing_documents:
            return f"缺少申报材料：{'、'.join(missing_documents)}。"
        if facts.missing_information:
            return f"基本信息不完整：{'、'.join(facts.missing_information)}。"
    if transition.action in (SubmissionAction.SUBMIT, SubmissionAction.SELECT) and tier_blocks(
        facts.active_tier, facts.tier
    ):
        return f"{facts.town_name}已有同级或更高层级的有效认定，不能再作为候选镇。"
    if transition.needs_comment and not comment.strip():
        return f"{transition.label}须填写意见。"
    if transition.needs_doc_no and not doc_no.strip():
        return f"{transition.label}须填写决定文号。"
    if len(doc_no) > DOC_NO_MAX:
        return f"文号超过 {DOC_NO_MAX} 个字符。"
    return None


def available_actions(facts: SubmissionFacts, actor: Actor) -> list[SubmissionAction]:
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


def draft_refusal(facts: SubmissionFacts, actor: Actor) -> str | None:
    """Why the actor may not create or edit this draft (information, documents), or None. R3."""
    if actor.role != Role.COUNTY_OFFICIAL:
        return ONLY_COUNTY_DRAFTS
    if actor.region_code != facts.county_code:
        return f"{facts.town_name}不在您的管辖范围内。"
    if facts.status != SubmissionStatus.DRAFT:
        return f"当前状态为“{SubmissionStatus(facts.status).short_label}”，不能修改。"
    if not facts.round_open:
        return f"本批次申报已于 {facts.deadline_text} 截止，不能再填报。"
    return None


def candidate_refusal(
    town: TownFacts,
    tier: str,
    *,
    round_tiers: Collection[str],
    round_open: bool,
    deadline_text: str,
    already_submitted: bool,
) -> str | None:
    """Why a new submission of town for tier in this round is refused, or None. R2, R3."""
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


def deletion_refusal(facts: SubmissionFacts, actor: Actor, *, was_submitted: bool) -> str | None:
    """A draft created by mistake (wrong town or tier) may be deleted by its county until first submitted.

    Once it has been submitted, its workflow history is part of the record and the draft stays.
    """
    if actor.role != Role.COUNTY_OFFICIAL or actor.region_code != facts.county_code:
        return "只有所属县（市、区）可以删除该申报。"
    if facts.status != SubmissionStatus.DRAFT:
        return f"当前状态为“{SubmissionStatus(facts.status).short_label}”，不能删除。"
    if was_submitted:
        return "该申报已上报过，流转记录需保留，不能删除；可修改后重新上报。"
    return None
