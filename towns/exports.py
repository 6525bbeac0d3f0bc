"""Spreadsheets of the towns pages: the directory and the quota report. The directory's columns are the
designation import's too (towns.imports): an exported directory, edited, imports back."""

from core.exports import Column
from core.imports import SheetColumn, read_columns
from core.roles import region_level_scope_label
from core.vocabulary import label
from core.years import YEAR_MAX, YEAR_MIN

from .choices import DevType, Tier
from .rules import CITY_MINIMUMS, COUNTY_MINIMUMS, DOC_NO_MAX, PROVINCE_TARGETS, shortfall_text

# The directory (示范镇名录) as the export writes it and the designation import reads it.
TOWN_CODE = SheetColumn(
    "town_code",
    "区划代码",
    required=True,
    aliases=("镇区划代码", "代码"),
    width=14,
    note="镇的 9 位区划代码；只有建制镇可以认定为示范镇",
    example="220112102",
)
TIER = SheetColumn(
    "tier",
    "示范镇层级",
    required=True,
    aliases=("层级",),
    width=12,
    note="省级、市级、县级（或 provincial、city、county）；未认定的镇留空（与认定起始年度一起留空即不导入）",
    example="省级",
)
YEAR = SheetColumn(
    "year",
    "认定起始年度",
    required=True,
    aliases=("年度", "起始年度", "认定年度"),
    width=12,
    kind="int",
    note=f"四位年份（{YEAR_MIN}–{YEAR_MAX}）；与该镇现有认定的层级和年度相同即为未变",
    example=2022,
)
DOC_NO = SheetColumn(
    "doc_no",
    "认定文号",
    aliases=("文号",),
    width=28,
    note=f"可选，不超过 {DOC_NO_MAX} 个字符；对现有认定填写不同的文号即更正其文号，留空则不修改",
    example="吉示范镇办〔2022〕1号",
)
DEV_TYPE = SheetColumn(
    "dev_type",
    "发展类型",
    width=14,
    note=f"可选：{'、'.join(DevType.labels)}；留空则不修改",
    example=DevType.CULTURE_TOURISM.label,
)
TOWN_SHEET = (
    TOWN_CODE,
    SheetColumn("name", "名称", width=16, read=False, note="乡镇名称", example="鹿乡镇"),
    SheetColumn("kind", "类别", width=8, read=False, note="镇、乡、街道", example="镇"),
    SheetColumn("city", "市（州）", width=14, read=False, example="长春市"),
    SheetColumn("county", "县（市、区）", width=16, read=False, example="双阳区"),
    TIER,
    YEAR,
    DOC_NO,
    DEV_TYPE,
)
DESIGNATION_COLUMNS = tuple(read_columns(TOWN_SHEET))
TOWN_COLUMNS = tuple(column.column for column in TOWN_SHEET)


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
