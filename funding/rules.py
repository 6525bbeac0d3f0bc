"""Pure decisions about funding (R6): allocation checks and the proposed allocation of a county's (or a city's
own) quota."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from projects.choices import BondType, ProjectStatus
from towns.choices import Tier

from .choices import BOND_KIND_OF_SOURCE, FundingSource


def quota_region_code(town_tier: str | None, county_code: str, city_code: str) -> str:
    """Which new-debt quota a bond allocation to a project draws on (R6: a county's, or a city's).

    A city's own quota (市本级) serves the towns the city manages, its city-level demonstration towns
    (市级示范镇): it is drawn by allocations to projects of a town whose active designation is city-level,
    and by nothing else. Every other project (provincial or county-level town, or no active designation)
    draws on its county's quota.
    """
    return city_code if town_tier == Tier.CITY else county_code


def allocation_refusal(
    source: str,
    amount: Decimal,
    project_bond_type: str,
    unfunded: Decimal,
    remaining_quota: Decimal | None,
    project_status: str,
    city_quota: bool = False,
) -> str | None:
    """Why an allocation of amount from source to a project is refused, or None. R6; plan 六、(二).

    remaining_quota: what is left of the quota the allocation draws on (quota_region_code) of the bond's kind
    for the year (None when that region has no quota that year); ignored for non-bond sources. city_quota:
    the quota is the city's (the project's town is city-level).
    """
    if source not in FundingSource.values:
        return f"未知的资金来源“{source}”。"
    if amount <= 0:
        return "安排金额应大于 0。"
    if project_status == ProjectStatus.CANCELLED:
        return "项目已终止，不能再安排资金。"
    if amount > unfunded:
        return f"安排金额 {amount} 万元超过项目尚未落实的资金 {unfunded} 万元。"
    kind = BOND_KIND_OF_SOURCE.get(FundingSource(source))
    if kind is None:
        return None
    bond = BondType(kind).label
    if project_bond_type != kind:
        recommended = BondType(project_bond_type).label
        return f"该项目的推荐债券类型为“{recommended}”，不能安排{bond}。"
    if remaining_quota is None:
        if city_quota:
            return (
                f"该市（州）当年尚未下达市本级新增{bond}限额（市级示范镇的项目占用所在市（州）本级的限额）。"
            )
        return f"该县（市、区）当年尚未下达新增{bond}限额。"
    if amount > remaining_quota:
        return f"安排金额 {amount} 万元超过当年新增{bond}剩余限额 {remaining_quota} 万元。"
    return None


@dataclass(frozen=True)
class ProjectFacts:
    id: int
    name: str
    town_is_provincial: bool
    public_welfare: bool
    key_support: bool
    status: str
    has_approvals: bool
    bond_type: str
    unfunded: Decimal
    start_year: int


@dataclass(frozen=True)
class ProposalLine:
    project_id: int
    project_name: str
    source: str
    amount: Decimal
    reason: str

    @property
    def source_label(self) -> str:
        return FundingSource(self.source).label


READINESS = {ProjectStatus.UNDER_CONSTRUCTION: 3, ProjectStatus.APPROVED: 2, ProjectStatus.PLANNED: 1}


def priority_key(project: ProjectFacts) -> tuple[bool, bool, int, bool, int, int]:
    """R6 优先安排: provincial towns' public-welfare projects first, then key provincial support, then the
    readiest (在建, then 已批复 with both approvals, …), then the earlier start, then the older project."""
    return (
        not (project.town_is_provincial and project.public_welfare),
        not project.key_support,
        -READINESS.get(project.status, 0),
        not project.has_approvals,
        project.start_year,
        project.id,
    )


def propose_allocation(
    projects: Iterable[ProjectFacts], remaining: Mapping[str, Decimal | None]
) -> list[ProposalLine]:
    """Share out the remaining quota {"general": Decimal, "special": Decimal} over the projects in priority
    order, each getting as much of its own bond kind as it still lacks. Pure; returns ProposalLines."""
    left = {kind: max(Decimal(remaining.get(kind) or 0), Decimal("0")) for kind in ("general", "special")}
    lines = []
    for project in sorted(projects, key=priority_key):
        if project.bond_type not in left or project.status not in READINESS or project.unfunded <= 0:
            continue
        amount = min(project.unfunded, left[project.bond_type])
        if amount <= 0:
            continue
        left[project.bond_type] -= amount
        source = (
            FundingSource.PROVINCIAL_GENERAL_BOND
            if project.bond_type == BondType.GENERAL
            else FundingSource.PROVINCIAL_SPECIAL_BOND
        )
        lines.append(ProposalLine(project.id, project.name, source, amount, _reason(project)))
    return lines


def _reason(project: ProjectFacts) -> str:
    if project.key_support:
        return "省级重点支持项目（省级示范镇公益性项目，投资超过 500 万元）优先安排"
    if project.town_is_provincial and project.public_welfare:
        return "省级示范镇公益性项目优先安排"
    return f"按项目成熟度安排（{ProjectStatus(project.status).label}）"
