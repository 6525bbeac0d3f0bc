"""Pure figures of the dashboards (issue 10): quota gaps, reporting rates, the project funnel, the map's
measures and the program's years. No ORM, no request; tested without a database."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from projects.choices import ProjectStatus
from towns.choices import Tier
from towns.rules import RegionQuota

# The plan was issued on 2022-01-30 (DOMAIN.md): trends run from its first year to the current one.
PROGRAM_FIRST_YEAR = 2022
TIERS = (Tier.PROVINCIAL, Tier.CITY, Tier.COUNTY)  # towns.rules.TIER_DISPLAY_ORDER: provincial first
# R5: the way a project goes, cancellation (已终止) aside.
FUNNEL = (
    ProjectStatus.PLANNED,
    ProjectStatus.APPROVED,
    ProjectStatus.UNDER_CONSTRUCTION,
    ProjectStatus.COMPLETED,
)
PERCENT = Decimal("0.1")
POINTS = Decimal("0.01")


@dataclass(frozen=True)
class Measure:
    """What the map (and the measures table) colours a region by."""

    key: str
    label: str
    unit: str
    places: int = 0


MEASURES = (
    Measure("designations", "示范镇（有效认定）", "个"),
    Measure(Tier.PROVINCIAL.value, f"{Tier.PROVINCIAL.label}示范镇", "个"),
    Measure(Tier.CITY.value, f"{Tier.CITY.label}示范镇", "个"),
    Measure(Tier.COUNTY.value, f"{Tier.COUNTY.label}示范镇", "个"),
    Measure("gap", "名额缺口", "个"),
    Measure("investment", "项目总投资", "万元", 2),
    Measure("score", "平均综合得分", "分", 2),
)
MEASURE_BY_KEY = {measure.key: measure for measure in MEASURES}
DEFAULT_MEASURE = "designations"


def measure_of(key: str | None) -> Measure:
    """The measure of that key; the default one for a missing or unknown key (a page never fails on it)."""
    return MEASURE_BY_KEY.get(key or "", MEASURE_BY_KEY[DEFAULT_MEASURE])


def program_years(current_year: int) -> tuple[int, ...]:
    """2022 … the current year (at least 2022): the years of the trend."""
    return tuple(range(PROGRAM_FIRST_YEAR, max(current_year, PROGRAM_FIRST_YEAR) + 1))


def shortfall(quota: RegionQuota | None, tier: str | None = None) -> int:
    """R1: how many designations the region lacks against its minimums (of one tier, or of all). A county
    without any 镇 cannot meet a minimum and lacks nothing."""
    if quota is None or not quota.applicable:
        return 0
    return sum(line.shortfall for line in quota.lines if tier is None or line.tier == tier)


def required(quota: RegionQuota | None) -> int:
    """R1: how many designations the region's own minimums ask for (a city: 2 provincial and 2 city-level; a
    county: 1 county-level; none for a county without any 镇)."""
    if quota is None or not quota.applicable:
        return 0
    return sum(line.minimum or 0 for line in quota.lines)


@dataclass(frozen=True)
class Gap:
    """R1 for a city with its counties, or for one county: what the minimums ask for, and the shortfall by
    tier (a city's county-level shortfall is its counties' together: each needs its own)."""

    required: int
    provincial: int = 0
    city: int = 0
    county: int = 0

    @property
    def total(self) -> int:
        return self.provincial + self.city + self.county

    @property
    def met(self) -> int:
        """How much of what the minimums ask for is there."""
        return self.required - self.total


def city_gap(city: RegionQuota, counties: Iterable[RegionQuota]) -> Gap:
    """R1: what the city lacks of its 2 provincial and 2 city-level towns, and what its counties lack of their
    1 county-level town each (counties of other cities are ignored)."""
    own = [county for county in counties if county.parent_code == city.code]
    return Gap(
        required=required(city) + sum(required(county) for county in own),
        provincial=shortfall(city, Tier.PROVINCIAL),
        city=shortfall(city, Tier.CITY),
        county=sum(shortfall(county) for county in own),
    )


def county_gap(county: RegionQuota) -> Gap:
    """R1: what the county lacks of its 1 county-level town."""
    return Gap(required=required(county), county=shortfall(county, Tier.COUNTY))


def reporting_rate(due: int, reported: int) -> Decimal | None:
    """Percent of the projects due this period that reported, one decimal (half up); None when none is due."""
    if not due:
        return None
    return (Decimal(100) * reported / due).quantize(PERCENT, rounding=ROUND_HALF_UP)


def rounded_score(value: Decimal | None) -> Decimal | None:
    """An average composite score with two decimals (half up)."""
    return None if value is None else Decimal(value).quantize(POINTS, rounding=ROUND_HALF_UP)


def funnel(counts: Mapping[str, int]) -> tuple[tuple[str, int], ...]:
    """R5 as a funnel: per stage, the projects that reached it (those at that stage or a later one); the
    cancelled (已终止) are left out, whatever stage they had reached."""
    return tuple(
        (stage, sum(counts.get(later, 0) for later in FUNNEL[index:])) for index, stage in enumerate(FUNNEL)
    )
