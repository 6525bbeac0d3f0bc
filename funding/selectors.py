"""Reads of funding: remaining quotas, proposal facts, the proposal itself and the summaries, in a constant
number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from core.money import quantize
from core.scoping import restrict
from projects.choices import ProjectStatus
from projects.models import Project, TaskArea
from projects.rules import recommended_bond_type
from towns.choices import Tier
from towns.models import Designation, Region, RegionLevel
from towns.selectors import within_region

from .choices import BOND_KIND_OF_SOURCE
from .models import Allocation, DebtQuota
from .rules import (
    AllocatableProject,
    ProjectFacts,
    ProposalLine,
    QuotaBalance,
    QuotaRegion,
    RecordedAllocation,
    RecordedQuota,
    may_allocate_to,
    propose_allocation,
    quota_region_code,
)

if TYPE_CHECKING:
    from accounts.models import User

ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))
KINDS = ("general", "special")  # the bond kinds a quota holds
SOURCES_OF_KIND = {
    kind: [source.value for source, k in BOND_KIND_OF_SOURCE.items() if k == kind] for kind in KINDS
}
FIGURES = [f"{kind}_{what}" for kind in KINDS for what in ("quota", "allocated", "remaining")]


def remaining_of(quota: DebtQuota, kind: str, used_only: bool = False) -> Decimal:
    """What is left of (or, with used_only, what is used of) the quota's kind."""
    used = quota.allocations.filter(source__in=SOURCES_OF_KIND[kind]).aggregate(total=Sum("amount"))["total"]
    used = quantize(used or Decimal("0"))  # SQLite sums without the column's scale
    return used if used_only else quota.amount_for(kind) - used


def quota_region_of(project: Project) -> str:
    """The code of the region whose new-debt quota a bond allocation to the project draws on: its city's for
    a project of a city-level town, its county's otherwise (funding.rules.quota_region_code). One query."""
    tier = Designation.objects.active().filter(town_id=project.town_id).values_list("tier", flat=True).first()
    return quota_region_code(tier, project.town.county_id, project.town.city_id)


def drawing_projects(region: Region) -> QuerySet[Project]:
    """The projects whose bond allocations draw on the region's quota: a county's, except those of its
    city-level towns; a city's, only those of its city-level towns. Annotated by with_flags()."""
    projects = Project.objects.with_flags()
    if region.level == RegionLevel.CITY:
        return projects.filter(town__city=region, town_tier=Tier.CITY)
    return projects.filter(town__county=region).filter(Q(town_tier__isnull=True) | ~Q(town_tier=Tier.CITY))


def proposal_facts(region: Region, year: int) -> list[ProjectFacts]:
    """The projects drawing on the region's quota that could take bond money, as ProjectFacts for
    funding.rules (one query)."""
    projects = (
        drawing_projects(region)
        .exclude(status__in=[ProjectStatus.COMPLETED, ProjectStatus.CANCELLED])
        .annotate(allocated=Coalesce(Sum("allocations__amount"), ZERO))
    )
    return [
        ProjectFacts(
            id=project.pk,
            name=project.name,
            town_is_provincial=project.town_tier == Tier.PROVINCIAL,
            public_welfare=project.public_welfare,
            key_support=project.key_support,
            status=project.status,
            has_approvals=project.has_planning_approval and project.has_design_approval,
            bond_type=project.bond_type,
            unfunded=project.investment - project.allocated,
            start_year=project.start_year,
        )
        for project in projects
    ]


def proposal(region: Region, year: int) -> tuple[DebtQuota | None, list[ProposalLine]]:
    """The region's quota for the year and the proposed allocation of what is left of it, in R6's priority
    order: a county's over its projects except those of city-level towns, a city's over its city-level
    towns'. (None, []) without a quota."""
    quota = DebtQuota.objects.filter(region=region, year=year).first()
    if quota is None:
        return None, []
    remaining = {kind: remaining_of(quota, kind) for kind in KINDS}
    return quota, propose_allocation(proposal_facts(region, year), remaining)


def visible_quotas(user: User) -> QuerySet[DebtQuota]:
    """The quotas the user may see, with their region and its parent."""
    return restrict(DebtQuota.objects.select_related("region", "region__parent"), user)


def visible_quota(user: User, region_code: str, year: int) -> DebtQuota | None:
    """The region's quota for the year if the user may see it."""
    return visible_quotas(user).filter(region_id=region_code, year=year).first()


def quotas_with_usage(user: User) -> QuerySet[DebtQuota]:
    """The quotas the user may see with what is used and left of each kind, latest year first (the index
    quota_latest_first), the region and id breaking ties: pages need a total order."""
    return with_usage(visible_quotas(user)).order_by("-year", "region_id", "id")


def city_quotas_with_usage(user: User, year: int) -> QuerySet[DebtQuota]:
    """The cities' own quotas (市本级) of the year the user may see, with their usage, by city."""
    quotas = visible_quotas(user).filter(year=year, region__level=RegionLevel.CITY)
    return with_usage(quotas).order_by("region_id")


def quota_exists(region: Region, year: int) -> bool:
    return DebtQuota.objects.filter(region=region, year=year).exists()


def scoped_region(user: User, code: str) -> Region | None:
    """The region of that code if the user's scope covers it, else None (unknown and outside alike)."""
    return restrict(Region.objects.all(), user).filter(code=code).first()


def quota_regions(user: User) -> QuerySet[Region]:
    """The counties and cities inside the user's scope: the regions a quota is set for."""
    return restrict(Region.objects.filter(level__in=[RegionLevel.COUNTY, RegionLevel.CITY]), user)


def quota_region(user: User, level: str, code: str) -> Region | None:
    """The county (or city) of that code among quota_regions(), or None (unknown and outside alike)."""
    return quota_regions(user).filter(level=level, code=code).first()


def visible_allocations(user: User) -> QuerySet[Allocation]:
    """The allocations the user may see, with project, town, county, city and the quota's region."""
    return restrict(
        Allocation.objects.select_related(
            "project", "project__town", "project__town__county", "project__town__city", "quota__region"
        ),
        user,
    )


def visible_allocations_by_id(user: User, ids: Iterable[int]) -> QuerySet[Allocation]:
    """Those of visible_allocations(), in the order they were made."""
    return visible_allocations(user).filter(pk__in=list(ids)).order_by("id")


def listed_allocations(user: User) -> QuerySet[Allocation]:
    """visible_allocations() with who made each: the allocation list and its export."""
    return visible_allocations(user).select_related("created_by")


def allocated_to(project: Project) -> Decimal:
    """What is allocated to the project, all sources (0 for nothing); one query."""
    return project.allocations.aggregate(total=Sum("amount"))["total"] or Decimal("0")


def _bond_sums(prefix: str = "") -> dict[str, Coalesce]:
    return {
        f"{kind}_allocated": Coalesce(
            Sum(f"{prefix}amount", filter=Q(**{f"{prefix}source__in": sources})), ZERO
        )
        for kind, sources in SOURCES_OF_KIND.items()
    }


def quota_usage(user: User, year: int) -> tuple[list[dict], list[dict]]:
    """(cities, counties) for the year: quota, allocated and remaining by bond type (R6). A city's row adds
    its own quota, if it has one, to its counties'. Three queries whatever the number of regions."""
    quotas = {
        row["region_id"]: row
        for row in visible_quotas(user)
        .filter(year=year)
        .values("region_id", "general_amount", "special_amount")
    }
    used = {
        row["quota__region_id"]: row
        for row in Allocation.objects.filter(quota__year=year, quota__region_id__in=list(quotas))
        .values("quota__region_id")
        .annotate(**_bond_sums())
    }
    regions = restrict(Region.objects.filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY]), user).values(
        "code", "name", "level", "parent_id"
    )
    own = {}
    for code, quota in quotas.items():
        usage = used.get(code, {})
        figures = {}
        for kind in KINDS:
            amount = quota[f"{kind}_amount"]
            allocated = usage.get(f"{kind}_allocated") or Decimal("0")
            figures.update(
                {
                    f"{kind}_quota": amount,
                    f"{kind}_allocated": allocated,
                    f"{kind}_remaining": amount - allocated,
                }
            )
        own[code] = figures
    cities, counties = [], []
    city_totals = defaultdict(lambda: dict.fromkeys(FIGURES, Decimal("0")))
    for region in regions:
        if region["level"] == RegionLevel.COUNTY and region["code"] in own:
            counties.append({**region, **own[region["code"]]})
            for name, value in own[region["code"]].items():
                city_totals[region["parent_id"]][name] += value
    for region in regions:
        if region["level"] == RegionLevel.CITY:
            totals = dict(city_totals.get(region["code"], dict.fromkeys(FIGURES, Decimal("0"))))
            for name, value in own.get(region["code"], {}).items():
                totals[name] += value
            if region["code"] in own or region["code"] in city_totals:
                cities.append({**region, **totals})
    return cities, counties


def task_area_summary(user: User, year: int | None = None) -> list[dict]:
    """Per task area: projects, investment and allocations (bond by kind, other) within the user's scope."""
    projects = restrict(Project.objects.all(), user)
    allocations = restrict(Allocation.objects.all(), user)
    if year is not None:
        projects = projects.filter(start_year__lte=year, end_year__gte=year)
        allocations = allocations.filter(year=year)
    by_area = defaultdict(dict)
    for row in projects.values("task_area_id").annotate(
        projects=Sum(Value(1)), investment=Coalesce(Sum("investment"), ZERO)
    ):
        by_area[row["task_area_id"]].update(projects=row["projects"], investment=row["investment"])
    for row in allocations.values("project__task_area_id").annotate(
        total=Coalesce(Sum("amount"), ZERO), **_bond_sums()
    ):
        by_area[row["project__task_area_id"]].update(
            allocated=row["total"],
            general_allocated=row["general_allocated"],
            special_allocated=row["special_allocated"],
        )
    rows = []
    for area in TaskArea.objects.all():
        values = by_area.get(area.code, {})
        allocated = values.get("allocated", Decimal("0"))
        bonds = values.get("general_allocated", Decimal("0")) + values.get("special_allocated", Decimal("0"))
        rows.append(
            {
                "code": area.code,
                "name": area.name,
                "group": area.group,
                "group_name": area.group_name,
                "projects": values.get("projects", 0),
                "investment": values.get("investment", Decimal("0")),
                "allocated": allocated,
                "general_allocated": values.get("general_allocated", Decimal("0")),
                "special_allocated": values.get("special_allocated", Decimal("0")),
                "other_allocated": allocated - bonds,
            }
        )
    return rows


def funding_years(user: User, around: int | None = None) -> list[int]:
    """The years with a quota or an allocation in the user's scope, and `around` (the current year), newest
    first; two queries."""
    years = set(visible_quotas(user).order_by().values_list("year", flat=True).distinct())
    years |= set(visible_allocations(user).order_by().values_list("year", flat=True).distinct())
    if around is not None:
        years.add(around)
    return sorted(years, reverse=True)


def with_usage(quotas: QuerySet[DebtQuota]) -> QuerySet[DebtQuota]:
    """Annotate a DebtQuota queryset with general_/special_allocated (bond allocations drawing on it) and
    general_/special_remaining. Each sum is a subquery of its own quota's allocations, not a GROUP BY over
    the list: a page of quotas is read in its index order and sums only its own rows."""
    money = DecimalField(max_digits=14, decimal_places=2)
    allocated = {
        f"{kind}_allocated": Coalesce(
            Subquery(
                Allocation.objects.filter(quota=OuterRef("pk"), source__in=sources)
                .order_by()
                .values("quota")
                .annotate(total=Sum("amount"))
                .values("total"),
                output_field=money,
            ),
            ZERO,
        )
        for kind, sources in SOURCES_OF_KIND.items()
    }
    return quotas.annotate(**allocated).annotate(
        general_remaining=ExpressionWrapper(F("general_amount") - F("general_allocated"), output_field=money),
        special_remaining=ExpressionWrapper(F("special_amount") - F("special_allocated"), output_field=money),
    )


def allocation_totals(allocations: QuerySet[Allocation]) -> dict[str, int | Decimal]:
    """count, total, general, special and other (non-bond) sums of an Allocation queryset; one query."""
    sums = allocations.order_by().aggregate(
        count=Count("id"), total=Coalesce(Sum("amount"), ZERO), **_bond_sums()
    )
    return {
        "count": sums["count"],
        "total": sums["total"],
        "general": sums["general_allocated"],
        "special": sums["special_allocated"],
        "other": sums["total"] - sums["general_allocated"] - sums["special_allocated"],
    }


def project_funding(project: Project, year: int) -> dict[str, object]:
    """What the allocation form shows beside a project: its allocated and unfunded sums, and what is left for
    the year of the quota its bond allocations draw on (its city's for a city-level town, else its county's;
    None without a quota)."""
    allocated = allocated_to(project)
    region_code = quota_region_of(project)
    quota = DebtQuota.objects.select_related("region").filter(region_id=region_code, year=year).first()
    return {
        "allocated": allocated,
        "unfunded": project.investment - allocated,
        "quota_region": Region.objects.get(code=region_code),
        "city_quota": region_code == project.town.city_id,
        "quota": quota,
        "remaining": {kind: remaining_of(quota, kind) for kind in KINDS} if quota is not None else None,
    }


# --- dashboards (issue 10) ----------------------------------------------------------------------------------


def allocations_by_source(user: User, *, region: str | None = None) -> dict[str, Decimal]:
    """funding source → the sum allocated from it (every year), inside the user's scope and the region; one
    query grouped in SQL."""
    allocations = within_region(restrict(Allocation.objects.all(), user), region, via="project__town")
    rows = allocations.order_by().values_list("source").annotate(total=Sum("amount"))
    return {source: quantize(total) for source, total in rows}


# --- what the imports check their rows against (funding.imports, issue 11 point 2) ------------------------


def _scoped(queryset: QuerySet, user: User | None) -> QuerySet:
    """restrict() for a user; everything for None (an operator's command)."""
    return queryset if user is None else restrict(queryset, user)


def _lock(queryset: QuerySet) -> None:
    """Take the rows' locks (SELECT … FOR UPDATE) in id order, as the services take them one by one."""
    list(queryset.select_for_update(of=("self",)).order_by("pk").values_list("pk", flat=True))


def quota_import_facts(
    user: User | None, codes: Iterable[str], years: Iterable[int], *, lock: bool = False
) -> tuple[dict[str, QuotaRegion], dict[tuple[str, int], RecordedQuota]]:
    """The regions of those codes the user may see, and their quotas set for those years with what is used of
    each kind, for funding.rules.check_quota_rows. Two queries (three with lock: the quotas' rows locked
    first, as set_quota locks the one it sets)."""
    regions = {
        code: QuotaRegion(code, name, level)
        for code, name, level in _scoped(Region.objects.filter(code__in=set(codes)), user).values_list(
            "code", "name", "level"
        )
    }
    quotas = DebtQuota.objects.filter(region_id__in=list(regions), year__in=set(years))
    if lock:
        _lock(quotas)
    recorded = {
        (quota.region_id, quota.year): RecordedQuota(
            id=quota.pk,
            general=quota.general_amount,
            special=quota.special_amount,
            general_used=quantize(quota.general_allocated),
            special_used=quantize(quota.special_allocated),
            version=quota.version,
        )
        for quota in with_usage(quotas).order_by()
    }
    return regions, recorded


@dataclass(frozen=True)
class AllocationImportFacts:
    """What funding.rules.check_allocation_rows checks an allocation sheet against."""

    projects: dict[int, AllocatableProject]
    recorded: dict[int, RecordedAllocation]
    quotas: list[QuotaBalance]
    project_allocations: list[RecordedAllocation]


def _recorded(row: dict) -> RecordedAllocation:
    return RecordedAllocation(
        id=row["id"],
        project_id=row["project_id"],
        source=row["source"],
        year=row["year"],
        amount=quantize(row["amount"]),
        note=row["note"],
        quota_id=row["quota_id"],
    )


RECORDED_FIELDS = ("id", "project_id", "source", "year", "amount", "note", "quota_id")


def allocation_import_facts(
    user: User | None,
    project_ids: Iterable[int],
    allocation_ids: Iterable[int],
    years: Iterable[int],
    *,
    lock: bool = False,
) -> AllocationImportFacts:
    """The projects of those ids the user may see (R5/R6 facts: status, bond type, unfunded investment, the
    quota region their bonds draw on, whether the user may allocate to them), the allocations of those ids the
    user may see, every allocation of those projects, and the quotas they may draw on those years (or drew
    on) with what is left of each kind. Five queries whatever the rows (seven with lock: the quotas' rows,
    then the projects', locked first, in the services' order)."""
    project_ids, allocation_ids, years = set(project_ids), set(allocation_ids), set(years)
    projects_qs = _scoped(Project.objects.filter(pk__in=project_ids), user)
    recorded = {
        row["id"]: _recorded(row)
        for row in _scoped(Allocation.objects.filter(pk__in=allocation_ids), user).values(*RECORDED_FIELDS)
    }
    drawn_on = {allocation.quota_id for allocation in recorded.values() if allocation.quota_id is not None}
    if lock:
        places = projects_qs.with_flags().values_list("town_tier", "town__county_id", "town__city_id")
        regions = {quota_region_code(*place) for place in places}
        _lock(DebtQuota.objects.filter(Q(region_id__in=regions, year__in=years) | Q(pk__in=drawn_on)))
        _lock(projects_qs)
    projects = list(projects_qs.with_flags().select_related("town"))
    region_codes = {
        quota_region_code(project.town_tier, project.town.county_id, project.town.city_id)
        for project in projects
    }
    allocations = [
        _recorded(row)
        for row in Allocation.objects.filter(project_id__in=[p.pk for p in projects]).values(*RECORDED_FIELDS)
    ]
    allocated: defaultdict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for allocation in allocations:
        allocated[allocation.project_id] += allocation.amount
    quotas = with_usage(
        DebtQuota.objects.filter(Q(region_id__in=region_codes, year__in=years) | Q(pk__in=drawn_on))
    ).order_by()
    role, region = getattr(user, "role", None), getattr(user, "region_id", None)
    return AllocationImportFacts(
        projects={
            project.pk: AllocatableProject(
                id=project.pk,
                name=project.name,
                town_name=project.town.name,
                status=project.status,
                bond_type=recommended_bond_type(
                    project.public_welfare,
                    project.special_bond_field,
                    project.annual_revenue,
                    project.annual_debt_service,
                ),
                unfunded=project.investment - allocated[project.pk],
                quota_region=quota_region_code(
                    project.town_tier, project.town.county_id, project.town.city_id
                ),
                city_quota=project.town_tier == Tier.CITY,
                allowed=user is None or may_allocate_to(role, region, project.town.city_id),
            )
            for project in projects
        },
        recorded=recorded,
        quotas=[
            QuotaBalance(
                id=quota.pk,
                region_code=quota.region_id,
                year=quota.year,
                general=quantize(quota.general_remaining),
                special=quantize(quota.special_remaining),
            )
            for quota in quotas
        ],
        project_allocations=allocations,
    )


def regions_by_code(codes: Iterable[str]) -> dict[str, Region]:
    """code → Region for those codes (what set_quota is given); one query."""
    return Region.objects.in_bulk(set(codes))


def projects_for_allocation(ids: Iterable[int]) -> dict[int, Project]:
    """id → project with its town (what allocate() is given); one query."""
    return Project.objects.select_related("town").in_bulk(set(ids))


def allocations_for_revision(ids: Iterable[int]) -> dict[int, Allocation]:
    """id → allocation with its project and town (what revise_allocation() is given); one query."""
    return Allocation.objects.select_related("project__town").in_bulk(set(ids))
