"""Spreadsheets of the funding pages (R6): the summary per region and per task area, the quotas, the
allocations and the proposed allocation of a quota. Each page and its export read the same rows (each list
registers its export, core.exports); money in 万元, codes as text."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from core.errors import DomainError, checked_year
from core.exports import FILTERS_REFUSED, Column, ExportSpec, filter_note, register_export
from core.roles import RegionLevel, region_level_scope_label
from core.scoping import sees_province_totals
from core.vocabulary import label
from projects import selectors as project_selectors
from projects.choices import BondType
from towns.exports import place_values
from towns.selectors import directory_regions, region_names

from . import selectors, sheets
from .choices import BOND_KIND_OF_SOURCE, FundingSource
from .filtersets import ALLOCATION_SORTS, QUOTA_SORTS, AllocationFilterSet, DebtQuotaFilterSet
from .selectors import FIGURES
from .services import may_allocate

MONEY_UNIT = "金额单位：万元"
ZERO = Decimal("0.00")
ALLOCATORS_ONLY = "只有省级管理员或市（州）工作人员可以安排资金。"


def _today():
    return f"{timezone.localdate():%Y%m%d}"


def year_asked(raw):
    """The year asked for, or the current year: (year, message about a bad value or None)."""
    current = timezone.localdate().year
    raw = (raw or "").strip()
    if not raw:
        return current, None
    try:
        return checked_year(raw), None
    except DomainError:
        return current, f"年度“{raw}”无效，已显示 {current} 年。"


# --- the summary per region and per task area --------------------------------------------------------


def province_total(cities):
    """The province's figures: the sum of its cities' (each city's row already holds its counties')."""
    total = {
        "code": settings.PROGRAM_PROVINCE_CODE,
        "name": "全省",
        "level": RegionLevel.PROVINCE,
        "parent_id": None,
    }
    total.update({name: sum((city[name] for city in cities), ZERO) for name in FIGURES})
    return total


def region_summary(user, query):
    """The year's quota usage per region as the summary page shows it: (year, problem with the year asked
    for, the province's row when the user sees province totals, cities, counties, parent names)."""
    year, problem = year_asked(query.get("year"))
    cities, counties = selectors.quota_usage(user, year)
    province = province_total(cities) if sees_province_totals(user) else None
    parent_names = region_names(county["parent_id"] for county in counties)
    return year, problem, province, cities, counties, parent_names


def _year_filter(year):
    return [("年度", f"{year}年")]


REGION_COLUMNS = (
    Column("层级", 12),
    Column("区划代码", 10),
    Column("名称", 16),
    Column("所属市（州）", 14),
    Column("一般债券限额", 14, kind="money"),
    Column("一般债券已安排", 14, kind="money"),
    Column("一般债券剩余", 14, kind="money"),
    Column("专项债券限额", 14, kind="money"),
    Column("专项债券已安排", 14, kind="money"),
    Column("专项债券剩余", 14, kind="money"),
)


def region_rows(regions, parent_names):
    for region in regions:
        yield (
            region_level_scope_label(region["level"]),
            region["code"],
            region["name"],
            parent_names.get(region["parent_id"], "") if region["level"] == RegionLevel.COUNTY else "",
            *(region[name] for name in FIGURES),
        )


@register_export("funding.summary", page="funding-summary")
def summary_export(user, query):
    year, _problem, province, cities, counties, parent_names = region_summary(user, query)
    regions = [*([province] if province else []), *cities, *counties]
    return ExportSpec(
        title=f"{year}年新增债务限额使用情况",
        filename=f"新增债务限额使用情况-{year}年-{_today()}.xlsx",
        columns=REGION_COLUMNS,
        rows=region_rows(regions, parent_names),
        count=len(regions),
        unit_note=MONEY_UNIT,
        filters=filter_note(extra=_year_filter(year)),
    )


TASK_AREA_FIGURES = ("investment", "general_allocated", "special_allocated", "other_allocated", "allocated")


def task_area_total(rows):
    total = {"code": "", "name": "合计", "group_name": "", "projects": sum(row["projects"] for row in rows)}
    total.update({name: sum((row[name] for row in rows), ZERO) for name in TASK_AREA_FIGURES})
    return total


TASK_AREA_COLUMNS = (
    Column("任务领域代码", 12),
    Column("任务领域", 22),
    Column("任务组", 12),
    Column("项目数", 10, kind="int"),
    Column("总投资", 16, kind="money"),
    Column("一般债券", 14, kind="money"),
    Column("专项债券", 14, kind="money"),
    Column("其他来源", 14, kind="money"),
    Column("已安排合计", 14, kind="money"),
)


def task_area_rows(rows):
    for row in rows:
        yield (
            row["code"],
            row["name"],
            row["group_name"],
            row["projects"],
            *(row[name] for name in TASK_AREA_FIGURES),
        )


@register_export("funding.task_areas", page="funding-summary")
def task_area_export(user, query):
    year, _problem = year_asked(query.get("year"))
    rows = selectors.task_area_summary(user, year)
    return ExportSpec(
        title=f"{year}年资金安排情况（按任务领域）",
        filename=f"资金安排情况-按任务领域-{year}年-{_today()}.xlsx",
        columns=TASK_AREA_COLUMNS,
        rows=task_area_rows([*rows, task_area_total(rows)]),
        count=len(rows) + 1,
        unit_note=f"{MONEY_UNIT}；项目数、总投资为建设期含 {year} 年的项目",
        filters=filter_note(extra=_year_filter(year)),
    )


# --- quotas ------------------------------------------------------------------------------------------


def filtered_quotas(user, query):
    """The quotas' FilterSet over those the user may see (with their usage), its sort, and the rows in that
    order (none while a filter is invalid): the page and its export alike."""
    filterset = DebtQuotaFilterSet(query, queryset=selectors.quotas_with_usage(user))
    quotas = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    sorting = QUOTA_SORTS.sorting(query=query)
    return filterset, sorting.apply(quotas), sorting


QUOTA_COLUMNS = sheets.QUOTA_COLUMNS  # shared with the quota import (funding.sheets)


def quota_rows(quotas):
    """quotas: DebtQuota rows annotated by funding.selectors.with_usage, with region and its parent."""
    for quota in quotas:
        region = quota.region
        yield (
            quota.year,
            region.code,
            region.name,
            region_level_scope_label(region.level),
            region.parent.name if region.level == RegionLevel.COUNTY and region.parent else "",
            quota.general_amount,
            quota.general_allocated,
            quota.general_remaining,
            quota.special_amount,
            quota.special_allocated,
            quota.special_remaining,
        )


@register_export("funding.quotas", page="funding-quotas")
def quota_export(user, query):
    filterset, quotas, sorting = filtered_quotas(user, query)
    if not filterset.is_valid():
        raise DomainError(FILTERS_REFUSED)
    count = filterset.qs.count()
    return ExportSpec(
        title="新增债务限额",
        filename=f"新增债务限额-{_today()}.xlsx",
        columns=QUOTA_COLUMNS,
        rows=quota_rows(quotas.iterator(chunk_size=2000)),
        count=count,
        unit_note=f"{MONEY_UNIT}；共 {count} 条",
        filters=filter_note(filterset, sorting, values=place_values(filterset, ("region", "city"))),
    )


# --- allocations ---------------------------------------------------------------------------------------


def filtered_allocations(user, query):
    """The allocations' FilterSet over those the user may see, its sort, and the rows in that order (none
    while a filter is invalid): the page and its export alike."""
    filterset = AllocationFilterSet(query, queryset=selectors.listed_allocations(user))
    allocations = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    sorting = ALLOCATION_SORTS.sorting(query=query)
    return filterset, sorting.apply(allocations), sorting


ALLOCATION_COLUMNS = sheets.ALLOCATION_COLUMNS  # shared with the allocation import (funding.sheets)


def quota_label(quota):
    """Which new-debt quota an allocation draws on, as the pages say it: "双阳区 2026 年", "长春市 2026 年（市本级）";
    "" for a source that draws none. The quota carries its region (select_related)."""
    if quota is None:
        return ""
    own = "（市本级）" if quota.region.level == RegionLevel.CITY else ""
    return f"{quota.region.name} {quota.year} 年{own}"


def allocation_rows(allocations, task_area_names):
    for allocation in allocations:
        project = allocation.project
        town = project.town
        creator = allocation.created_by
        yield (
            allocation.year,
            project.pk,
            project.name,
            town.code,
            town.name,
            town.county.name,
            town.city.name,
            f"{project.task_area_id} {task_area_names.get(project.task_area_id, '')}".strip(),
            label(FundingSource, allocation.source),
            allocation.amount,
            quota_label(allocation.quota),
            allocation.note,
            (creator.get_full_name() or creator.username) if creator else "",
            timezone.localtime(allocation.created_at).strftime("%Y-%m-%d %H:%M"),
            allocation.pk,
        )


@register_export("funding.allocations", page="funding-allocations")
def allocation_export(user, query):
    filterset, allocations, sorting = filtered_allocations(user, query)
    if not filterset.is_valid():
        raise DomainError(FILTERS_REFUSED)
    totals = selectors.allocation_totals(filterset.qs)
    task_area_names = project_selectors.task_area_names()
    return ExportSpec(
        title="资金安排明细",
        filename=f"资金安排明细-{_today()}.xlsx",
        columns=ALLOCATION_COLUMNS,
        rows=allocation_rows(allocations.iterator(chunk_size=2000), task_area_names),
        count=totals["count"],
        unit_note=f"{MONEY_UNIT}；共 {totals['count']} 条，合计 {totals['total']:,.2f} 万元",
        filters=filter_note(
            filterset, sorting, values=place_values(filterset, ("city", "county", "town", "quota_region"))
        ),
    )


# --- the proposed allocation of a county's (or a city's own) remaining quota --------------------------------


def requested_region(params):
    """(code, level) of the quota asked for: ?county= (a county's), ?city= (a city's own, for its city-level
    towns), or the page's chooser ?region= (either, by the length of the code); (None, None) for none."""
    for name, level in (("county", RegionLevel.COUNTY), ("city", RegionLevel.CITY)):
        code = (params.get(name) or "").strip()
        if code:
            return code, level
    code = (params.get("region") or "").strip()
    if not code:
        return None, None
    return code, RegionLevel.CITY if len(code) == 4 else RegionLevel.COUNTY


def region_in_scope(user, code, level):
    """One of the user's counties (or cities), with the user's cities and counties; any other code is treated
    as if it did not exist."""
    cities, counties = directory_regions(user)
    pool = cities if level == RegionLevel.CITY else counties
    region = next((region for region in pool if region.code == code), None)
    if region is None:
        raise Http404("未找到。")
    return region, cities, counties


def proposal_kinds(quota, lines):
    """Per bond kind of the quota: its amount, what is allocated and left, what the proposal adds, what is
    left after it."""
    proposed = {
        kind: sum((line.amount for line in lines if BOND_KIND_OF_SOURCE.get(line.source) == kind), ZERO)
        for kind in selectors.KINDS
    }
    kinds = []
    for kind in selectors.KINDS:
        remaining = selectors.remaining_of(quota, kind)
        kinds.append(
            {
                "label": BondType(kind).label,
                "quota": quota.amount_for(kind),
                "allocated": quota.amount_for(kind) - remaining,
                "remaining": remaining,
                "proposed": proposed[kind],
                "left": remaining - proposed[kind],
            }
        )
    return kinds


def quota_owner(region):
    return f"{region.name}（市本级）" if region.level == RegionLevel.CITY else region.name


PROPOSAL_COLUMNS = (
    Column("序号", 6, kind="int"),
    Column("项目编号", 10, kind="int"),
    Column("项目名称", 32),
    Column("镇区划代码", 12),
    Column("镇", 12),
    Column("项目状态", 8),
    Column("资金来源", 20),
    Column("金额（万元）", 14, kind="money"),
    Column("安排理由", 40),
)


def proposal_rows(lines, projects):
    for number, line in enumerate(lines, start=1):
        project = projects.get(line.project_id)
        town = project.town if project is not None else None
        yield (
            number,
            line.project_id,
            line.project_name,
            town.code if town else "",
            town.name if town else "",
            project.get_status_display() if project is not None else "",
            line.source_label,
            line.amount,
            line.reason,
        )


@register_export("funding.proposal", page="funding-proposal")
def proposal_export(user, query):
    if not may_allocate(user):
        raise PermissionDenied(ALLOCATORS_ONLY)
    year, problem = year_asked(query.get("year"))
    if problem:
        raise DomainError(f"年度“{query.get('year')}”无效，未导出。")
    code, level = requested_region(query)
    if not code:
        raise DomainError("请先选择县（市、区）或市（州），再导出资金安排建议方案。")
    region, _cities, _counties = region_in_scope(user, code, level)
    quota, lines = selectors.proposal(region, year)
    owner = quota_owner(region)
    if quota is None:
        unit_note = f"{owner} {year} 年尚未下达新增债务限额，没有可安排的债券资金"
        projects = {}
    else:
        projects = project_selectors.visible_projects_by_id(user, [line.project_id for line in lines])
        left = "，".join(
            f"{kind['label']}剩余 {kind['remaining']:,.2f} 万元" for kind in proposal_kinds(quota, lines)
        )
        total = sum((line.amount for line in lines), ZERO)
        unit_note = f"{MONEY_UNIT}；{left}；建议安排 {len(lines)} 个项目，共 {total:,.2f} 万元"
    return ExportSpec(
        title=f"{owner}{year}年债券资金安排建议方案",
        filename=f"资金安排建议方案-{region.name}-{year}年-{_today()}.xlsx",
        columns=PROPOSAL_COLUMNS,
        rows=proposal_rows(lines, projects),
        count=len(lines),
        unit_note=unit_note,
        filters=filter_note(extra=[("限额", owner), *_year_filter(year)], order="按优先安排顺序（R6）"),
    )
