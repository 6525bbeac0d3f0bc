"""Spreadsheets of the funding pages (R6): the summary per region and per task area, the quotas and the
allocations. Each page and its export read the same rows; money in 万元, codes as text."""

from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from core.exports import Column
from core.roles import RegionLevel, region_level_scope_label
from core.vocabulary import label

from . import sheets
from .choices import FundingSource
from .selectors import FIGURES

MONEY_UNIT = "金额单位：万元"
ZERO = Decimal("0.00")


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


# --- quotas ------------------------------------------------------------------------------------------

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


# --- allocations ---------------------------------------------------------------------------------------

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
