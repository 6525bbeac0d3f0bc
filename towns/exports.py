"""Spreadsheets of the towns pages: the directory, the quota report and the import template."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from core.exports import Column

from .choices import DocumentKind, Tier
from .rules import CITY_MINIMUMS, COUNTY_MINIMUMS, PROVINCE_TARGETS, STATUS_LABELS
from .services import DESIGNATION_COLUMNS, DESIGNATION_OPTIONAL_COLUMNS

TIER_LABELS = dict(Tier.choices)
EMPTY = "—"

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
            TIER_LABELS.get(town.active_tier, EMPTY),
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

LEVEL_LABELS = {"province": "全省", "city": "市（州）", "county": "县（市、区）"}


def quota_status(quota):
    if not quota.applicable:
        return "无建制镇，不适用"
    return "达标" if quota.met else "未达标"


def shortfall_text(quota):
    if not quota.applicable:
        return ""
    return "、".join(
        f"{TIER_LABELS[line.tier]}缺 {line.shortfall} 个" for line in quota.lines if line.shortfall
    )


def quota_rows(regions, parent_names):
    for quota in regions:
        cells = [LEVEL_LABELS[quota.level], quota.code, quota.name, parent_names.get(quota.parent_code, "")]
        cells.append(quota.town_count)
        for tier in (Tier.PROVINCIAL, Tier.CITY, Tier.COUNTY):
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


# --- R3 review: the candidates of a round ------------------------------------------------------------

REVIEW_COLUMNS = (
    Column("镇区划代码", 12),
    Column("镇", 12),
    Column("县（市、区）", 12),
    Column("市（州）", 12),
    Column("申报层级", 8),
    Column("状态", 10),
    Column("长春都市圈", 8),
    Column("其他城市周边", 8),
    Column("省级乡村振兴重点帮扶县", 10),
    Column("边境地区", 8),
    Column("国土空间规划重要节点镇", 10),
    Column("户籍人口（人）", 12, kind="int"),
    Column("常住人口（人）", 12, kind="int"),
    Column("面积（平方公里）", 12, kind="money"),
    Column("地区生产总值（万元）", 16, kind="money"),
    Column("一般公共预算收入（万元）", 16, kind="money"),
    Column("特色产业（一镇一业）", 20),
    Column("产业园区", 20),
    Column("距县城（公里）", 10, kind="money"),
    Column("距最近城市（公里）", 10, kind="money"),
    Column("申报材料", 36),
    Column("审定文号", 24),
)


def review_rows(submissions):
    """One row per submission (fetched with_town() and its documents prefetched), as in the review table."""
    kind_order = {kind: index for index, kind in enumerate(DocumentKind.values)}
    for submission in submissions:
        documents = sorted(submission.documents.all(), key=lambda document: kind_order.get(document.kind, 9))
        yield (
            submission.town_id,
            submission.town.name,
            submission.town.county.name,
            submission.town.city.name,
            TIER_LABELS.get(submission.tier, submission.tier),
            STATUS_LABELS.get(submission.status, submission.status),
            *("是" if getattr(submission, name) else "否" for name in submission.PRIORITY_FACTORS),
            submission.registered_population,
            submission.resident_population,
            submission.area_km2,
            submission.gdp,
            submission.fiscal_revenue,
            submission.characteristic_industry,
            submission.industrial_park,
            submission.distance_to_county_km,
            submission.distance_to_city_km,
            "；".join(f"{document.get_kind_display()}：{document.original_name}" for document in documents),
            submission.decision_doc_no,
        )
