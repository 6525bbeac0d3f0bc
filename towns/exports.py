"""Spreadsheets of the towns pages: the directory, the quota report and the import template."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from core.exports import Column
from core.roles import region_level_scope_label
from core.vocabulary import label

from .choices import Tier
from .rules import CITY_MINIMUMS, COUNTY_MINIMUMS, PROVINCE_TARGETS, shortfall_text
from .services import DESIGNATION_COLUMNS, DESIGNATION_OPTIONAL_COLUMNS

TOWN_COLUMNS = (
    Column("区划代码", 14),
    Column("名称", 16),
    Column("类别", 8),
    Column("市（州）", 14),
    Column("县（市、区）", 16),
    Column("示范镇层级", 12),
    Column("认定起始年度", 12, kind="int"),
    Column("认定文号", 28),
    Column("发展类型", 14),
)


def town_rows(towns):
    """One row per town of a directory queryset (annotated by with_active_designation)."""
    for town in towns:
        yield (
            town.code,
            town.name,
            town.get_kind_display(),
            town.city.name,
            town.county.name,
            label(Tier, town.active_tier),
            town.active_since,
            town.active_doc_no or "",
            town.get_dev_type_display() or "",
        )


QUOTA_COLUMNS = (
    Column("层级", 12),
    Column("区划代码", 10),
    Column("名称", 16),
    Column("上级", 14),
    Column("建制镇数", 10, kind="int"),
    Column("省级（个）", 10, kind="int"),
    Column("省级要求", 10),
    Column("市级（个）", 10, kind="int"),
    Column("市级要求", 10),
    Column("县级（个）", 10, kind="int"),
    Column("县级要求", 10),
    Column("是否达标", 12),
    Column("缺口", 28),
)


def quota_status(quota):
    if not quota.applicable:
        return "无建制镇，不适用"
    return "达标" if quota.met else "未达标"


def quota_rows(regions, parent_names):
    for quota in regions:
        cells = [
            region_level_scope_label(quota.level),
            quota.code,
            quota.name,
            parent_names.get(quota.parent_code, ""),
        ]
        cells.append(quota.town_count)
        for tier in Tier:
            line = quota.line(tier)
            cells.append(line.count)
            cells.append(f"不少于 {line.minimum} 个" if line.minimum is not None else "")
        cells.append(quota_status(quota))
        cells.append(shortfall_text(quota))
        yield cells


QUOTA_UNIT_NOTE = (
    f"要求：全省省级不少于 {PROVINCE_TARGETS[Tier.PROVINCIAL]} 个、市级不少于 {PROVINCE_TARGETS[Tier.CITY]} 个、"
    f"县级不少于 {PROVINCE_TARGETS[Tier.COUNTY]} 个；每个市（州）省级、市级各不少于 {CITY_MINIMUMS[Tier.PROVINCIAL]} 个；"
    f"每个县（市、区）县级不少于 {COUNTY_MINIMUMS[Tier.COUNTY]} 个。单位：个"
)


def designation_template():
    """An .xlsx with just the header row the designation import expects."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "示范镇认定"
    for index, name in enumerate((*DESIGNATION_COLUMNS, *DESIGNATION_OPTIONAL_COLUMNS), start=1):
        cell = sheet.cell(row=1, column=index, value=name)
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = 18
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
