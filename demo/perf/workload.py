"""The benchmark's workload as plain rows (issue 13 point 1): the country's real divisions and a deterministic
program laid over them. No database: it reads the division files and returns tuples, which demo/perf/seed.py
writes.

- national: every province, city and county-level unit and every township-level unit of the division files
  (demo/perf/divisions: the national china-division files; 41,352 township-level units, 21,379 of them 镇).
- g2k: the same shape on about one 10.7th of it: the county-level units in a shuffled order (by the seed) are
  taken, each with all its township-level units, until they hold 21,379 / 10.7 ≈ 1,998 镇; their cities and
  provinces come with them. Everything else is generated per designated town, so every table scales alike.

Over the geography: every 镇 designated (5% provincial, 10% city-level, the rest county-level), `years`
assessment years ending at the demo's last one (assessment.demo.DEMO_YEARS), each with the default indicator
system (R7) and a score for every designated town × indicator (15 a town: a national year is 21,379 × 15 =
320,685 rows), a few vetoes; ~3 projects a town (every status), monthly progress reports for the ones under
construction or completed, the counties' and cities' yearly new-debt quotas and allocations within them (R6),
one selection round a year with candidates of a quarter of the counties.

Every random choice comes from random.Random(f"{seed}:{table}"), so the same seed gives the same rows, and a
table's rows do not move when another table's generator changes.
"""

import hashlib
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from assessment.demo import DEMO_YEARS
from core.errors import DomainError
from core.roles import RegionLevel, Role
from core.years import YEAR_MAX, YEAR_MIN
from funding.rules import quota_region_code
from projects.choices import BondType, FundingSource, ProjectStatus
from projects.demo import COMPLETION_NOTE, TEMPLATES
from projects.rules import period, recommended_bond_type
from selection.choices import DocumentKind, SubmissionAction, SubmissionStatus
from selection.demo import DEMO_PDF
from towns.choices import Began, DevType, Tier, TownKind
from towns.loaders import read_divisions
from towns.rules import town_kind_for_name

DIVISIONS = Path(__file__).resolve().parent / "divisions"
SCALES = ("g2k", "national")
# national ÷ g2k in rows (issue 13): the g2k subset holds 1 / G2K_RATIO of the country's 镇.
G2K_RATIO = 10.7
LAST_YEAR = DEMO_YEARS[-1]
FIRST_DESIGNATION_YEAR = 2022
PROVINCIAL_SHARE, CITY_SHARE = 0.05, 0.10
VETO_SHARE = 0.002


def seed_years(count: int) -> tuple[int, ...]:
    if not 1 <= count <= LAST_YEAR - YEAR_MIN + 1:
        raise DomainError(f"--years 应在 1–{LAST_YEAR - YEAR_MIN + 1} 之间。")
    return tuple(range(LAST_YEAR - count + 1, LAST_YEAR + 1))


def _rng(seed: int, table: str) -> random.Random:
    return random.Random(f"{seed}:{table}")  # a str seed is hashed with SHA-512: stable across processes


def _cents(value: int) -> Decimal:
    return Decimal(value).scaleb(-2)


def _doc_number(rng: random.Random) -> int:
    return rng.randint(1, 60)


# --- geography ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A township-level unit as the seed needs it."""

    code: str
    name: str
    kind: str
    county: str
    city: str
    province: str


@dataclass
class Geography:
    regions: list[tuple[str, str, str, str | None]]  # code, name, level, parent
    places: list[Place]
    region_names: dict[str, str]

    @property
    def towns(self):
        return [place for place in self.places if place.kind == TownKind.TOWN]


def plan_geography(
    scale: str, seed: int, source: Path = DIVISIONS, limit_towns: int | None = None
) -> Geography:
    """The regions and township-level units of the scale, from the division files (deterministic)."""
    provinces, cities, areas, streets = read_divisions(source)
    places_by_county = defaultdict(list)
    for row in streets:
        places_by_county[row["areaCode"]].append(
            Place(
                code=row["code"],
                name=row["name"],
                kind=town_kind_for_name(row["name"]),
                county=row["areaCode"],
                city=row["cityCode"],
                province=row["provinceCode"],
            )
        )
    counties = sorted(row["code"] for row in areas)
    if scale == "national" and limit_towns is None:
        kept = set(counties)
    else:
        total = sum(1 for rows in places_by_county.values() for p in rows if p.kind == TownKind.TOWN)
        target = limit_towns or round(total / G2K_RATIO)
        order = list(counties)
        _rng(seed, "geography").shuffle(order)
        kept, towns = set(), 0
        for code in order:
            if towns >= target:
                break
            kept.add(code)
            towns += sum(1 for p in places_by_county[code] if p.kind == TownKind.TOWN)
    county_rows = [row for row in areas if row["code"] in kept]
    city_codes = {row["cityCode"] for row in county_rows}
    province_codes = {row["provinceCode"] for row in county_rows}
    regions = [
        (r["code"], r["name"], RegionLevel.PROVINCE, None) for r in provinces if r["code"] in province_codes
    ]
    regions += [
        (r["code"], r["name"], RegionLevel.CITY, r["provinceCode"]) for r in cities if r["code"] in city_codes
    ]
    regions += [(r["code"], r["name"], RegionLevel.COUNTY, r["cityCode"]) for r in county_rows]
    places = sorted((p for code in kept for p in places_by_county[code]), key=lambda p: p.code)
    return Geography(regions=regions, places=places, region_names={code: name for code, name, *_ in regions})


# The columns each generator fills, in its tuples' order (every other column takes its default).
DESIGNATION_COLUMNS = [
    "id",
    "town_id",
    "tier",
    "from_year",
    "to_year",
    "began",
    "ended",
    "doc_no",
    "end_doc_no",
    "dev_type",
]
PROJECT_COLUMNS = [
    "id",
    "town_id",
    "task_area_id",
    "name",
    "public_welfare",
    "special_bond_field",
    "investment",
    "annual_revenue",
    "annual_debt_service",
    "start_year",
    "end_year",
    "status",
    "planning_approval_date",
    "planning_approval_doc_no",
    "design_approval_date",
    "design_approval_doc_no",
    "completed_investment",
    "percent_complete",
    "last_reported_period",
    "completion_note",
]
REPORT_COLUMNS = [
    "id",
    "project_id",
    "period_type",
    "year",
    "number",
    "period_end",
    "cumulative_investment",
    "percent_complete",
    "narrative",
    "reported_by_id",
]
SUBMISSION_COLUMNS = [
    "id",
    "round_id",
    "town_id",
    "tier",
    "status",
    "version",
    "registered_population",
    "resident_population",
    "area_km2",
    "gdp",
    "fiscal_revenue",
    "characteristic_industry",
    "industrial_park",
    "distance_to_county_km",
    "distance_to_city_km",
    "in_changchun_metro",
    "spatial_plan_node",
    "decision_doc_no",
    "designation_id",
]
EVENT_COLUMNS = [
    "id",
    "submission_id",
    "action",
    "from_status",
    "to_status",
    "actor_id",
    "actor_role",
    "at",
    "comment",
    "doc_no",
]


# --- the generated program ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Held:
    """A designated town: its tier and where it lies."""

    code: str
    name: str
    tier: str
    county: str
    city: str
    dev_type: str


def designations(geo: Geography, seed: int, first_year: int):
    """Every 镇 designated: 5% provincial and 10% city-level picked at random, the rest county-level (R2)."""
    rng = _rng(seed, "designation")
    towns = geo.towns
    order = list(range(len(towns)))
    rng.shuffle(order)
    provincial = round(len(towns) * PROVINCIAL_SHARE)
    city = round(len(towns) * CITY_SHARE)
    ranked = (
        [Tier.PROVINCIAL] * provincial + [Tier.CITY] * city + [Tier.COUNTY] * (len(towns) - provincial - city)
    )
    tiers = {index: ranked[position] for position, index in enumerate(order)}
    dev_types = list(DevType.values)
    from_year = min(FIRST_DESIGNATION_YEAR, first_year)
    held, rows = [], []
    for index, town in enumerate(towns):
        tier = tiers[index]
        if tier == Tier.PROVINCIAL:
            doc_no = f"吉示范镇办〔{from_year}〕{_doc_number(rng)}号"
        elif tier == Tier.CITY:
            doc_no = f"{geo.region_names[town.city]}政办发〔{from_year}〕{_doc_number(rng)}号"
        else:
            doc_no = f"{geo.region_names[town.county]}政发〔{from_year}〕{_doc_number(rng)}号"
        dev_type = rng.choice(dev_types)
        held.append(Held(town.code, town.name, tier, town.county, town.city, dev_type))
        rows.append((index + 1, town.code, tier, from_year, None, Began.SELECTED, "", doc_no, "", dev_type))
    return held, rows


def score_rows(held: list[Held], indicators, seed: int):
    """A score for every designated town × indicator of every year: a town keeps its level over the years,
    with noise per year and indicator, so composite scores spread over every grade (R7) and ties occur."""
    rng = _rng(seed, "score")
    levels = {town.code: rng.random() for town in held}
    next_id = 1
    for round_id, year_indicators in indicators:
        for town in held:
            level = levels[town.code]
            for indicator_id, max_cents in year_indicators:
                share = 0.45 + 0.45 * level + 0.10 * rng.random()
                yield (next_id, round_id, town.code, indicator_id, _cents(int(max_cents * share)), None)
                next_id += 1


VETO_REASONS = ["镇区发生较大安全生产事故", "破坏性建设，拆除历史建筑", "砍伐、移植古树名木"]


def veto_rows(held: list[Held], round_ids: list[tuple[int, int]], seed: int):
    rng = _rng(seed, "veto")
    next_id = 1
    codes = [town.code for town in held]
    count = max(1, round(len(codes) * VETO_SHARE))
    for round_id, year in round_ids:
        for code in sorted(rng.sample(codes, count)):
            yield (next_id, round_id, code, rng.choice(VETO_REASONS), f"吉安委〔{year}〕{_doc_number(rng)}号")
            next_id += 1


STATUS_WEIGHTS = {
    ProjectStatus.PLANNED: 25,
    ProjectStatus.APPROVED: 20,
    ProjectStatus.UNDER_CONSTRUCTION: 35,
    ProjectStatus.COMPLETED: 15,
    ProjectStatus.CANCELLED: 5,
}
PROJECTS_PER_TOWN = {1: 1, 2: 2, 3: 4, 4: 2, 5: 1}  # ~3 a town


@dataclass(frozen=True)
class PlannedProject:
    id: int
    town: Held
    investment: int  # cents
    bond_type: str
    status: str
    start_year: int


def project_rows(held: list[Held], geo: Geography, years: tuple[int, ...], seed: int):
    """(project rows, report rows, planned projects): ~3 projects a town in every status; monthly reports of
    the last year for those under construction or completed, cumulative and never going backwards (R5)."""
    rng = _rng(seed, "project")
    last = years[-1]
    months_of_last_year = {number: period("month", last, number) for number in range(1, 13)}
    statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    counts, count_weights = list(PROJECTS_PER_TOWN), list(PROJECTS_PER_TOWN.values())
    projects, reports, planned = [], [], []
    report_id = 0
    for town in held:
        county_name = geo.region_names[town.county]
        for template in rng.sample(TEMPLATES, rng.choices(counts, count_weights)[0]):
            name, area, welfare, special, investment, revenue, debt = template
            factor = rng.uniform(0.5, 2.0)
            cents = {
                key: int(Decimal(text) * 100 * Decimal(str(round(factor, 3))))
                for key, text in (("investment", investment), ("revenue", revenue), ("debt", debt))
            }
            status = rng.choices(statuses, weights)[0]
            start_year = rng.choice(years)
            end_year = min(YEAR_MAX, start_year + rng.randint(0, 2))
            project_id = len(projects) + 1
            approved = status in (
                ProjectStatus.APPROVED,
                ProjectStatus.UNDER_CONSTRUCTION,
                ProjectStatus.COMPLETED,
            )
            number = project_id % 40 + 1
            months = (
                rng.randint(3, 12)
                if status in (ProjectStatus.UNDER_CONSTRUCTION, ProjectStatus.COMPLETED)
                else 0
            )
            completing = status == ProjectStatus.COMPLETED
            full = completing and project_id % 4 != 0  # every fourth completed project says why, without 100%
            completed, percent, last_period = 0, 0, ""
            for step in range(1, months + 1):
                month = months_of_last_year[step]
                numerator, denominator = (1, 1) if full and step == months else (step, months + 2)
                completed = cents["investment"] * numerator // denominator
                percent = 10000 * numerator // denominator
                report_id += 1
                reports.append(
                    (
                        report_id,
                        project_id,
                        month.kind,
                        month.year,
                        month.number,
                        month.end,
                        _cents(completed),
                        _cents(percent),
                        "按计划推进。",
                        None,
                    )
                )
                last_period = month.key
            projects.append(
                (
                    project_id,
                    town.code,
                    area,
                    f"{town.name}{name}",
                    welfare,
                    special,
                    _cents(cents["investment"]),
                    _cents(cents["revenue"]),
                    _cents(cents["debt"]),
                    start_year,
                    end_year,
                    status,
                    date(start_year, 3, 15) if approved else None,
                    f"{county_name}规批〔{start_year}〕{number}号" if approved else "",
                    date(start_year, 5, 20) if approved else None,
                    f"{county_name}设批〔{start_year}〕{number}号" if approved else "",
                    _cents(completed),
                    _cents(percent),
                    last_period,
                    COMPLETION_NOTE if completing and not full else "",
                )
            )
            planned.append(
                PlannedProject(
                    project_id,
                    town,
                    cents["investment"],
                    recommended_bond_type(welfare, special, cents["revenue"], cents["debt"]),
                    status,
                    start_year,
                )
            )
    return projects, reports, planned


def quota_rows(held: list[Held], years: tuple[int, ...], seed: int):
    """Each year's new-debt quota of every county with a designated town and of every city (市本级), R6."""
    rng = _rng(seed, "quota")
    counties = sorted({town.county for town in held})
    cities = sorted({town.city for town in held})
    rows, ids = [], {}
    for year in years:
        for code in cities + counties:
            general, special = (
                (rng.randint(600, 2000), rng.randint(900, 2500))
                if code in cities
                else (rng.randint(1500, 4000), rng.randint(800, 3000))
            )
            ids[(code, year)] = len(rows) + 1
            rows.append((len(rows) + 1, code, year, Decimal(general), Decimal(special)))
    amounts = {(row[1], row[2]): {"general": int(row[3]) * 100, "special": int(row[4]) * 100} for row in rows}
    return rows, ids, amounts


OTHER_SOURCES = [
    FundingSource.COUNTY_BUDGET,
    FundingSource.SOCIAL_CAPITAL,
    FundingSource.POLICY_BANK,
    FundingSource.CITY_BUDGET,
    FundingSource.COMMERCIAL_CREDIT,
    FundingSource.OTHER,
]
BOND_SOURCE = {
    "general": FundingSource.PROVINCIAL_GENERAL_BOND,
    "special": FundingSource.PROVINCIAL_SPECIAL_BOND,
}


def allocation_rows(planned: list[PlannedProject], quota_ids, quota_amounts, seed: int):
    """Bond money for most bond-eligible projects within what is left of the quota they draw on (R6), and a
    tenth of every third project's investment from another source; never more than a project's investment."""
    rng = _rng(seed, "allocation")
    remaining = {key: dict(value) for key, value in quota_amounts.items()}
    rows = []
    for index, project in enumerate(planned):
        if project.status == ProjectStatus.CANCELLED:
            continue
        year = project.start_year
        unfunded = project.investment
        if project.bond_type != BondType.NONE and rng.random() < 0.6:
            region = quota_region_code(project.town.tier, project.town.county, project.town.city)
            left = remaining.get((region, year))
            if left is not None:
                amount = min(project.investment * 3 // 10, left[project.bond_type])
                if amount >= 100:
                    left[project.bond_type] -= amount
                    unfunded -= amount
                    rows.append(
                        (
                            len(rows) + 1,
                            project.id,
                            BOND_SOURCE[project.bond_type],
                            _cents(amount),
                            year,
                            quota_ids[(region, year)],
                            "",
                        )
                    )
        if index % 3 == 0:
            amount = min(project.investment // 10, unfunded)
            if amount >= 100:
                rows.append(
                    (
                        len(rows) + 1,
                        project.id,
                        OTHER_SOURCES[index // 3 % len(OTHER_SOURCES)],
                        _cents(amount),
                        year,
                        None,
                        "",
                    )
                )
    return rows


SELECTION_STATUS_WEIGHTS = {
    SubmissionStatus.DRAFT: 25,
    SubmissionStatus.SUBMITTED: 30,
    SubmissionStatus.RECOMMENDED: 25,
    SubmissionStatus.REJECTED: 20,
}
INDUSTRIES = ["玉米深加工", "肉牛养殖", "设施蔬菜", "人参种植", "林下经济", "乡村旅游", "食用菌", "稻米加工"]


def selection_rows(held: list[Held], years: tuple[int, ...], seed: int):
    """One round a year; a quarter of the counties put forward one or two county-level towns for a higher
    tier (R3), at every step of the workflow but the final selection (which would change designations)."""
    rng = _rng(seed, "selection")
    by_county = defaultdict(list)
    for town in held:
        if town.tier == Tier.COUNTY:
            by_county[town.county].append(town)
    counties = sorted(by_county)
    statuses, weights = list(SELECTION_STATUS_WEIGHTS), list(SELECTION_STATUS_WEIGHTS.values())
    rounds, submissions, documents, events = [], [], [], []
    for year in years:
        round_id = len(rounds) + 1
        deadline = date(year, 4, 30)
        rounds.append(
            (round_id, f"{year}年度示范镇评选（基准数据）", [Tier.PROVINCIAL, Tier.CITY], deadline, year)
        )
        for county in sorted(rng.sample(counties, max(1, len(counties) // 4))):
            for town in rng.sample(by_county[county], min(len(by_county[county]), rng.randint(1, 2))):
                submission_id = len(submissions) + 1
                status = rng.choices(statuses, weights)[0]
                tier = Tier.CITY if rng.random() < 0.8 else Tier.PROVINCIAL
                population = rng.randint(12_000, 80_000)
                steps = _workflow(status)
                decision_doc_no = (
                    f"吉示范镇办〔{year}〕{_doc_number(rng)}号" if status == SubmissionStatus.REJECTED else ""
                )
                submissions.append(
                    (
                        submission_id,
                        round_id,
                        town.code,
                        tier,
                        status,
                        1 + len(steps),  # each step of the workflow adds one to the version
                        population,
                        population * rng.randint(80, 98) // 100,
                        _cents(rng.randint(5_000, 40_000)),
                        _cents(rng.randint(10_000_000, 90_000_000)),
                        _cents(rng.randint(300_000, 3_000_000)),
                        rng.choice(INDUSTRIES),
                        "",
                        _cents(rng.randint(500, 6_000)),
                        _cents(rng.randint(2_000, 15_000)),
                        rng.random() < 0.3,
                        rng.random() < 0.2,
                        decision_doc_no,
                        None,
                    )
                )
                for kind, title in (
                    (DocumentKind.WORK_PLAN, "十四五建设工作方案"),
                    (DocumentKind.IMPLEMENTATION_PLAN, "实施方案"),
                ):
                    documents.append(
                        (
                            len(documents) + 1,
                            submission_id,
                            kind,
                            document_name(round_id, kind),
                            f"{town.name}{title}.pdf",
                            "pdf",
                            len(DEMO_PDF),
                            DEMO_SHA256,
                        )
                    )
                for number, (action, before, after, role, comment) in enumerate(steps):
                    events.append(
                        (
                            len(events) + 1,
                            submission_id,
                            action,
                            before,
                            after,
                            None,
                            role,
                            datetime(year, 3, 10 + 5 * number, 2, 0, tzinfo=UTC),
                            comment,
                            decision_doc_no if action == SubmissionAction.REJECT else "",
                        )
                    )
    return rounds, submissions, documents, events


DEMO_SHA256 = hashlib.sha256(DEMO_PDF).hexdigest()


def document_name(round_id: int, kind: str) -> str:
    """The stored file of a seeded document: one per round and kind, shared by the round's submissions."""
    return f"submissions/{round_id}/perf-{kind}.pdf"


def _workflow(status: str):
    steps = []
    if status != SubmissionStatus.DRAFT:
        steps.append(
            (
                SubmissionAction.SUBMIT,
                SubmissionStatus.DRAFT,
                SubmissionStatus.SUBMITTED,
                Role.COUNTY_OFFICIAL,
                "请市住建局审核。",
            )
        )
    if status in (SubmissionStatus.RECOMMENDED, SubmissionStatus.REJECTED):
        steps.append(
            (
                SubmissionAction.RECOMMEND,
                SubmissionStatus.SUBMITTED,
                SubmissionStatus.RECOMMENDED,
                Role.CITY_OFFICIAL,
                "产业基础扎实，同意推荐。",
            )
        )
    if status == SubmissionStatus.REJECTED:
        steps.append(
            (
                SubmissionAction.REJECT,
                SubmissionStatus.RECOMMENDED,
                SubmissionStatus.REJECTED,
                Role.PROVINCE_ADMIN,
                "综合排序未进入本批次名额。",
            )
        )
    return steps
