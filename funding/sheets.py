"""The columns of funding's two sheets that round-trip (issue 11, point 2): the new-debt quotas and the
allocations. Each column is declared once (core.imports.SheetColumn, its Chinese header exactly as the export
writes it and its English key, the API's field name); funding.exports builds its Columns from these, and
funding.imports reads them, so an exported sheet, edited, imports back."""

from __future__ import annotations

from decimal import Decimal

from core.exports import Column
from core.imports import SheetColumn

from .choices import FundingSource

SOURCE_LABELS = "、".join(FundingSource.labels)

# --- the new-debt quotas (funding-quotas, its export and the quota import) -------------------------------

QUOTA_YEAR = SheetColumn(
    "year", "年度", required=True, width=8, kind="int", note="下达限额的年度，如 2026", example=2026
)
QUOTA_REGION = SheetColumn(
    "region",
    "区划代码",
    required=True,
    width=10,
    aliases=("地区代码", "region_code"),
    note="县（市、区）的 6 位区划代码，或市（州）的 4 位区划代码（市本级限额，只供该市（州）市级示范镇的项目使用）",
    example="220112",
)
GENERAL_AMOUNT = SheetColumn(
    "general_amount",
    "一般债券限额",
    width=14,
    kind="money",
    aliases=("新增一般债务限额", "新增一般债务限额（万元）"),
    note="新增一般债务限额，万元，最多两位小数；不能低于已安排的省级一般债券。已下达的限额此格留空则不修改",
    example=Decimal("1000.00"),
)
SPECIAL_AMOUNT = SheetColumn(
    "special_amount",
    "专项债券限额",
    width=14,
    kind="money",
    aliases=("新增专项债务限额", "新增专项债务限额（万元）"),
    note="新增专项债务限额，万元，最多两位小数；不能低于已安排的省级专项债券。已下达的限额此格留空则不修改",
    example=Decimal("800.00"),
)


def _shown(key: str, header: str, width: int, kind: str = "text", example: object = "") -> SheetColumn:
    """A column the export writes for the reader and the import never reads."""
    return SheetColumn(
        key, header, width=width, kind=kind, note="仅供核对，导入时不读取", example=example, read=False
    )


QUOTA_SHEET = (
    QUOTA_YEAR,
    QUOTA_REGION,
    _shown("region_name", "地区", 16, example="双阳区"),
    _shown("level", "层级", 12, example="县（市、区）"),
    _shown("city", "所属市（州）", 14, example="长春市"),
    GENERAL_AMOUNT,
    _shown("general_allocated", "一般债券已安排", 14, "money"),
    _shown("general_remaining", "一般债券剩余", 14, "money"),
    SPECIAL_AMOUNT,
    _shown("special_allocated", "专项债券已安排", 14, "money"),
    _shown("special_remaining", "专项债券剩余", 14, "money"),
)
QUOTA_COLUMNS: tuple[Column, ...] = tuple(column.column for column in QUOTA_SHEET)
QUOTA_READ = tuple(column for column in QUOTA_SHEET if column.read)

# --- the allocations (funding-allocations, its export and the allocation import) -------------------------

ALLOCATION_YEAR = SheetColumn(
    "year", "年度", required=True, width=8, kind="int", note="安排资金的年度，如 2026", example=2026
)
ALLOCATION_PROJECT = SheetColumn(
    "project",
    "项目编号",
    required=True,
    width=10,
    kind="int",
    aliases=("project_id",),
    note="项目的编号（项目页面和项目导出表中的“项目编号”）",
    example=1,
)
ALLOCATION_SOURCE = SheetColumn(
    "source",
    "资金来源",
    required=True,
    width=24,
    note=f"{SOURCE_LABELS}（也可用英文值，如 provincial_general_bond）。省级一般债券、省级专项债券占用当年的新增债务限额，且须与项目推荐的债券类型一致",
    example=FundingSource.PROVINCIAL_GENERAL_BOND.label,
)
ALLOCATION_AMOUNT = SheetColumn(
    "amount",
    "金额",
    required=True,
    width=14,
    kind="money",
    aliases=("安排金额", "金额（万元）"),
    note="安排金额，万元，大于 0，最多两位小数；不能超过项目尚未落实的资金，债券不能超过所占用限额的剩余额度",
    example=Decimal("300.00"),
)
ALLOCATION_NOTE = SheetColumn("note", "备注", width=30, note="可选，最多 200 个字符", example="")
ALLOCATION_ID = SheetColumn(
    "id",
    "安排编号",
    width=10,
    kind="int",
    aliases=("allocation_id",),
    note="已有资金安排的编号（导出表的最后一列）：填写时修改该笔安排的金额和备注，其项目、资金来源和年度不能修改；新增的资金安排此格留空",
    example=None,
)

ALLOCATION_SHEET = (
    ALLOCATION_YEAR,
    ALLOCATION_PROJECT,
    _shown("project_name", "项目名称", 32, example="镇区污水管网改造工程"),
    _shown("town", "镇区划代码", 12, example="220112102"),
    _shown("town_name", "镇", 12, example="鹿乡镇"),
    _shown("county", "县（市、区）", 14, example="双阳区"),
    _shown("city", "市（州）", 12, example="长春市"),
    _shown("task_area", "任务领域", 20, example="T05 环境基础设施"),
    ALLOCATION_SOURCE,
    ALLOCATION_AMOUNT,
    _shown("quota", "占用限额", 22, example="双阳区 2026 年"),
    ALLOCATION_NOTE,
    _shown("created_by", "安排人", 14),
    _shown("created_at", "安排时间", 18),
    ALLOCATION_ID,
)
ALLOCATION_COLUMNS: tuple[Column, ...] = tuple(column.column for column in ALLOCATION_SHEET)
ALLOCATION_READ = tuple(column for column in ALLOCATION_SHEET if column.read)
