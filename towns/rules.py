"""Pure decisions about towns and designations: no ORM, no request. Tested without a database."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from core.roles import RegionLevel, Role
from core.vocabulary import label
from core.years import YEAR_MAX, YEAR_MIN

from .choices import DevType, Tier, TierChange, TownKind

# R1; plan 五、(一): province-wide targets and per-region minimums of active designations.
PROVINCE_TARGETS = {Tier.PROVINCIAL: 30, Tier.CITY: 40, Tier.COUNTY: 50}
CITY_MINIMUMS = {Tier.PROVINCIAL: 2, Tier.CITY: 2}
COUNTY_MINIMUMS = {Tier.COUNTY: 1}
MINIMUMS_BY_LEVEL = {
    RegionLevel.PROVINCE: PROVINCE_TARGETS,
    RegionLevel.CITY: CITY_MINIMUMS,
    RegionLevel.COUNTY: COUNTY_MINIMUMS,
}

# Seniority of the tiers: a higher number is a higher tier (R3 blocks a candidate at or below a town's tier;
# a promotion must go up).
TIER_SENIORITY = {Tier.COUNTY: 1, Tier.CITY: 2, Tier.PROVINCIAL: 3}
# The order tables, charts and exports list tiers in: provincial first, as Tier declares them.
TIER_DISPLAY_ORDER = {tier: position for position, tier in enumerate(Tier)}
TIER_ALIASES = {
    "provincial": Tier.PROVINCIAL,
    "省级": Tier.PROVINCIAL,
    "省": Tier.PROVINCIAL,
    "city": Tier.CITY,
    "市级": Tier.CITY,
    "市": Tier.CITY,
    "county": Tier.COUNTY,
    "县级": Tier.COUNTY,
    "县": Tier.COUNTY,
}
DEV_TYPE_ALIASES = {
    **{value: value for value in DevType.values},
    **{label: value for value, label in DevType.choices},
}
DOC_NO_MAX = 100


def town_kind_for_name(name: str) -> TownKind:
    """镇 / 乡 / 街道 from the official name (R2: only a 镇 can be designated)."""
    if name.endswith("镇"):
        return TownKind.TOWN
    if name.endswith("乡"):
        return TownKind.TOWNSHIP
    if name.endswith("街道") or name.endswith("街道办事处"):
        return TownKind.SUBDISTRICT
    return TownKind.OTHER


def parse_tier(text: object) -> Tier | None:
    """The tier a spreadsheet cell names (provincial, 省级, 省…), or None."""
    return TIER_ALIASES.get(str(text).strip().lower())


def parse_dev_type(text: object) -> str | None:
    """The development type a spreadsheet cell names (its value or its label), or None."""
    return DEV_TYPE_ALIASES.get(str(text).strip())


# --- R1 quotas ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionCounts:
    """Active designations per tier inside one region, and how many 镇 it has at all."""

    code: str
    name: str
    level: str  # province | city | county
    parent_code: str | None
    counts: Mapping[str, int]
    town_count: int


@dataclass(frozen=True)
class QuotaLine:
    tier: str
    count: int
    minimum: int | None

    @property
    def shortfall(self) -> int:
        if self.minimum is None:
            return 0
        return max(self.minimum - self.count, 0)

    @property
    def met(self) -> bool:
        return self.shortfall == 0


@dataclass(frozen=True)
class RegionQuota:
    code: str
    name: str
    level: str
    parent_code: str | None
    town_count: int
    lines: tuple[QuotaLine, ...] = field(default_factory=tuple)

    @property
    def applicable(self) -> bool:
        """A county-level unit with no 镇 at all (urban districts, some zones) cannot meet a minimum."""
        return self.level != RegionLevel.COUNTY or self.town_count > 0

    @property
    def met(self) -> bool:
        return not self.applicable or all(line.met for line in self.lines)

    def line(self, tier: str) -> QuotaLine:
        return next(line for line in self.lines if line.tier == tier)


def region_quota(counts: RegionCounts) -> RegionQuota:
    """R1: each tier's active count against the minimum (or target) for the region's level."""
    minimums = MINIMUMS_BY_LEVEL[counts.level]
    lines = tuple(
        QuotaLine(tier=tier, count=int(counts.counts.get(tier, 0)), minimum=minimums.get(tier))
        for tier in Tier
    )
    return RegionQuota(
        code=counts.code,
        name=counts.name,
        level=counts.level,
        parent_code=counts.parent_code,
        town_count=counts.town_count,
        lines=lines,
    )


def shortfall_text(quota: RegionQuota) -> str:
    """省级缺 1 个、市级缺 2 个: what a region misses of its minimums (R1); empty when it misses nothing or
    the minimums do not apply to it."""
    if not quota.applicable:
        return ""
    return "、".join(
        f"{label(Tier, line.tier)}缺 {line.shortfall} 个" for line in quota.lines if line.shortfall
    )


# --- R2 designation import ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TownFacts:
    code: str
    name: str
    kind: str
    kind_label: str
    active_tier: str | None = None
    active_from_year: int | None = None
    active_doc_no: str = ""
    dev_type: str = ""  # the town's development type (what the directory shows)


@dataclass(frozen=True)
class DesignationRow:
    """An accepted row of a designation import. unchanged: it names the town's active designation (same tier
    and year), so nothing is created; corrections: (field, before, after) of its doc_no / dev_type that the
    row corrects; blank: a row with neither tier nor year of a town without designation (a directory export's
    row of an undesignated town), which asks for nothing."""

    number: int
    town_code: str
    tier: str
    year: int | None
    doc_no: str
    dev_type: str
    unchanged: bool = False
    corrections: tuple[tuple[str, str, str], ...] = ()
    blank: bool = False

    @property
    def outcome(self) -> str:
        """new (a designation to create), changed (corrections of the active one) or unchanged."""
        if not self.unchanged:
            return "new"
        return "changed" if self.corrections else "unchanged"


@dataclass(frozen=True)
class RowError:
    number: int
    message: str

    def __str__(self) -> str:
        return f"第 {self.number} 行：{self.message}"


class SourceRowLike(Protocol):
    """A row of an imported table (core.tabular.SourceRow): its spreadsheet row number and its cells."""

    number: int
    values: Mapping[str, str]


YEAR_PATTERN = re.compile(r"^\d{4}$")


def check_designation_rows(
    rows: Iterable[SourceRowLike], towns: Mapping[str, TownFacts]
) -> tuple[list[DesignationRow], list[RowError]]:
    """R2 import check. rows: SourceRow-like (number, values); towns: code → TownFacts.

    Returns (accepted, errors). Every row is checked, so one pass lists every problem. A row matching the
    town's existing active designation (same tier and year) is accepted as unchanged: re-importing a file
    changes nothing — unless it gives another document number or development type, which it corrects. A row
    with neither tier nor year asks for nothing when the town holds no designation (the directory export lists
    every town) and is refused when it does: an import never ends a designation (that is a tier change).
    """
    accepted, errors = [], []
    first_row_of_town = {}
    for row in rows:
        values = row.values
        problems = []
        code = values.get("town_code", "").strip()
        town = towns.get(code)
        tier = parse_tier(values.get("tier", ""))
        year_text = values.get("year", "").strip()
        year = int(year_text) if YEAR_PATTERN.match(year_text) else None
        doc_no = values.get("doc_no", "").strip()
        dev_type_text = values.get("dev_type", "").strip()
        dev_type = parse_dev_type(dev_type_text) if dev_type_text else ""

        tier_text = str(values.get("tier", "")).strip()
        if town is not None and not tier_text and not year_text:
            if town.active_tier is None:
                accepted.append(
                    DesignationRow(row.number, code, "", None, "", "", unchanged=True, blank=True)
                )
                continue
            errors.append(
                RowError(
                    row.number,
                    f"未填层级和认定起始年度，但{town.name}已有{town.active_from_year}年起的有效"
                    f"{Tier(town.active_tier).label}认定；导入不能终止认定，撤销或调整请在镇页面办理层级调整",
                )
            )
            continue

        if not code:
            problems.append("town_code 为空")
        elif town is None:
            problems.append(f"区划代码 {code} 不存在")
        elif town.kind != TownKind.TOWN:
            problems.append(f"{town.name}（{code}）是{town.kind_label}，只有建制镇可以认定为示范镇")
        if tier is None:
            problems.append(
                f"层级“{values.get('tier', '')}”无效，应为 provincial/city/county 或 省级/市级/县级"
            )
        if year is None or not (YEAR_MIN <= year <= YEAR_MAX):
            problems.append(f"年度“{year_text}”无效，应为 {YEAR_MIN}–{YEAR_MAX} 之间的四位年份")
        if dev_type is None:
            problems.append(f"发展类型“{dev_type_text}”无效，应为：{'、'.join(DevType.labels)}")
        if len(doc_no) > DOC_NO_MAX:
            problems.append(f"文号超过 {DOC_NO_MAX} 个字符")
        if code and code in first_row_of_town:
            problems.append(f"与第 {first_row_of_town[code]} 行重复：同一个镇只能有一个有效认定")
        elif code:
            first_row_of_town[code] = row.number

        unchanged = False
        corrections: list[tuple[str, str, str]] = []
        if not problems and town.active_tier is not None:
            if town.active_tier == tier and town.active_from_year == year:
                unchanged = True
                if doc_no and doc_no != town.active_doc_no:
                    corrections.append(("doc_no", town.active_doc_no, doc_no))
                if dev_type and dev_type != town.dev_type:
                    corrections.append(("dev_type", town.dev_type, dev_type))
            else:
                problems.append(
                    f"{town.name}已有{town.active_from_year}年起的有效{Tier(town.active_tier).label}认定，"
                    "同一时间只能有一个有效认定；调整层级请先终止原认定"
                )

        if problems:
            errors.append(RowError(row.number, "；".join(problems)))
        else:
            accepted.append(
                DesignationRow(
                    row.number,
                    code,
                    tier,
                    year,
                    doc_no,
                    dev_type or "",
                    unchanged=unchanged,
                    corrections=tuple(corrections),
                )
            )
    return accepted, errors


def designation_correction_refusal(*, doc_no: str, dev_type: str) -> str | None:
    """Why a correction of an active designation's document number / development type is refused, or None."""
    if len(doc_no) > DOC_NO_MAX:
        return f"文号超过 {DOC_NO_MAX} 个字符。"
    if dev_type and dev_type not in DevType.values:
        return f"发展类型“{dev_type}”无效，应为：{'、'.join(DevType.labels)}。"
    if not doc_no and not dev_type:
        return "请填写要更正的文号或发展类型。"
    return None


def designation_refusal(town: TownFacts) -> str | None:
    """Why a designation cannot be created for this town now, or None. R2."""
    if town.kind != TownKind.TOWN:
        return f"{town.name}（{town.code}）是{town.kind_label}，只有建制镇可以认定为示范镇。"
    if town.active_tier is not None:
        return (
            f"{town.name}已有{town.active_from_year}年起的有效{Tier(town.active_tier).label}认定，"
            "同一时间只能有一个有效认定。"
        )
    return None


@dataclass(frozen=True)
class Actor:
    """Who acts: a role and the region it holds (None: province-wide)."""

    role: str
    region_code: str | None = None


# --- R2 tier changes outside a round -------------------------------------------------------------------


def tier_change_refusal(
    actor: Actor,
    *,
    change: str,
    town_city_code: str | None,
    town_name: str,
    old_tier: str | None,
    new_tier: str | None,
    doc_no: str,
) -> str | None:
    """Who may promote, change or withdraw a designation outside a round (R2; plan 五、(一)).

    A province_admin may do all of it; a city_official only for city-level designations of its own city:
    making a town city-level (from none or county-level), or changing / withdrawing a city-level one.
    """
    if not doc_no.strip():
        return "层级调整须填写文号。"
    if len(doc_no) > DOC_NO_MAX:
        return f"文号超过 {DOC_NO_MAX} 个字符。"
    if change in (TierChange.PROMOTE, TierChange.CHANGE) and new_tier is None:
        return "请选择新的层级。"
    if change == TierChange.PROMOTE:
        if old_tier is not None and TIER_SENIORITY[new_tier] <= TIER_SENIORITY[old_tier]:
            return f"{town_name}已是{Tier(old_tier).label}示范镇，晋级须选择更高层级。"
    elif change == TierChange.CHANGE:
        if old_tier is None:
            return f"{town_name}没有有效认定，无法调整层级。"
        if new_tier == old_tier:
            return "请选择与现有层级不同的层级。"
    elif change == TierChange.WITHDRAW:
        if old_tier is None:
            return f"{town_name}没有有效认定，无法撤销。"
    else:
        return f"未知操作“{change}”。"

    if actor.role == Role.PROVINCE_ADMIN:
        return None
    if actor.role == Role.CITY_OFFICIAL:
        if actor.region_code != town_city_code:
            return f"{town_name}不在您的管辖范围内。"
        involved = {tier for tier in (old_tier, new_tier) if tier is not None}
        if Tier.PROVINCIAL in involved:
            return "省级示范镇的认定与调整由省级管理员办理。"
        if change in (TierChange.CHANGE, TierChange.WITHDRAW) and old_tier != Tier.CITY:
            return "市（州）只能调整或撤销市级示范镇的认定。"
        if change == TierChange.PROMOTE and new_tier != Tier.CITY:
            return "市（州）只能认定市级示范镇。"
        return None
    return "只有省级管理员或市（州）工作人员可以调整示范镇层级。"
