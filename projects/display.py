"""What the project pages and exports say about a project: its badges, its period labels and the one-line
reasons behind the computed R5 flags (the labels of its vocabularies come from core.vocabulary.label). The
flags themselves come from ProjectQuerySet.with_flags() (mirroring projects.rules); this module only puts the
facts that decided them into words."""

from core.formats import money
from towns.choices import Tier

from .choices import BondType, PeriodType, ProjectStatus
from .rules import KEY_SUPPORT_THRESHOLD, period

STATUS_BADGES = {
    ProjectStatus.PLANNED: "text-bg-secondary",
    ProjectStatus.APPROVED: "text-bg-info",
    ProjectStatus.UNDER_CONSTRUCTION: "text-bg-primary",
    ProjectStatus.COMPLETED: "text-bg-success",
    ProjectStatus.CANCELLED: "text-bg-dark",
}
BOND_BADGES = {
    BondType.GENERAL: "text-bg-primary",
    BondType.SPECIAL: "text-bg-warning",
    BondType.NONE: "text-bg-light border",
}


def period_key_label(key):
    """The label of a stored period key: "2026-05" → 2026年5月, "2026-Q2" → 2026年第2季度."""
    if not key:
        return ""
    year, _, rest = key.partition("-")
    try:
        if rest.startswith("Q"):
            return period(PeriodType.QUARTER, int(year), int(rest[1:])).label
        return period(PeriodType.MONTH, int(year), int(rest)).label
    except ValueError:
        return key


def key_support_reason(project):
    """Why the project is (or is not) a key provincial support project (R5), in one line."""
    facts = [
        (project.town_tier == Tier.PROVINCIAL, "所在镇为省级示范镇", "所在镇不是省级示范镇"),
        (project.public_welfare, "公益性项目", "非公益性项目"),
        (
            project.investment is not None and project.investment > KEY_SUPPORT_THRESHOLD,
            f"总投资 {money(project.investment)} 万元超过 500 万元",
            f"总投资 {money(project.investment)} 万元未超过 500 万元",
        ),
    ]
    if project.key_support:
        return "、".join(yes for _, yes, _ in facts) + " → 省级重点支持"
    return "、".join(no for present, _, no in facts if not present) + " → 不属于省级重点支持"


def bond_type_reason(project):
    """Why the recommended bond type is what it is (R5), in one line."""
    revenue, debt_service = project.annual_revenue, project.annual_debt_service
    if project.bond_type == BondType.GENERAL:
        return "公益性、无收益 → 一般债券"
    if project.bond_type == BondType.SPECIAL:
        return (
            f"公益性、属于专项债券投向领域、年收益 {money(revenue)} 万元 ≥ 年还本付息 {money(debt_service)} 万元"
            " → 专项债券"
        )
    if not project.public_welfare:
        return "非公益性项目 → 不适用债券"
    if not project.special_bond_field:
        return "公益性、有收益，但不属于专项债券投向领域 → 不适用债券"
    return (
        f"公益性、有收益，但年收益 {money(revenue)} 万元低于年还本付息 {money(debt_service)} 万元"
        "（收益不能覆盖本息）→ 不适用债券"
    )
