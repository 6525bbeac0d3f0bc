"""The two spreadsheets of projects that round-trip (issue 11, point 2): the project list and the progress
reports across projects. Each column is declared once, as a `core.imports.SheetColumn` with the Chinese header
the export writes and the English key of the API's field, and serves both the export (`column.column`) and the
import (`projects.imports`): an exported sheet, edited, imports back. Columns the system computes or that
follow from other records (the place names, the R5 flags, the latest progress) are `read=False`: written,
never read."""

from __future__ import annotations

from core.imports import SheetColumn, read_columns
from core.money import MAX_MONEY
from core.years import YEAR_MAX, YEAR_MIN

from .choices import PeriodType, ProjectStatus

YES_NO_NOTE = "是 或 否（也可填 true/false、1/0）"
STATUSES = "、".join(ProjectStatus.labels)
MONEY_NOTE = f"单位：万元，0–{MAX_MONEY:,.0f}，最多两位小数"

# --- the project list (示范镇建设项目) ---------------------------------------------------------------------

PROJECT_ID = SheetColumn(
    "id",
    "项目编号",
    aliases=("项目ID", "编号"),
    width=10,
    kind="int",
    note="已有项目的编号（导出表中已填）：填写则修改该项目；留空则新增项目",
)
PROJECT_NAME = SheetColumn(
    "name", "项目名称", required=True, width=32, note="不超过 200 字", example="镇区污水管网改造工程"
)
PROJECT_TOWN = SheetColumn(
    "town",
    "镇区划代码",
    required=True,
    aliases=("town_code", "区划代码"),
    width=12,
    note="本县（市、区）持有有效示范镇认定的建制镇的 9 位区划代码；已有项目不能改换所在镇",
    example="220112102",
)
PROJECT_TASK_AREA = SheetColumn(
    "task_area",
    "任务领域代码",
    required=True,
    aliases=("任务领域编码",),
    width=10,
    note="T01–T15",
    example="T05",
)
PUBLIC_WELFARE = SheetColumn(
    "public_welfare", "公益性", aliases=("公益性项目",), width=8, note=YES_NO_NOTE, example="是"
)
SPECIAL_BOND_FIELD = SheetColumn(
    "special_bond_field",
    "专项债券投向领域",
    aliases=("属于专项债券投向领域",),
    width=10,
    note=f"是否属于专项债券投向领域，由县（市、区）申报：{YES_NO_NOTE}",
    example="否",
)
INVESTMENT = SheetColumn(
    "investment",
    "总投资（万元）",
    required=True,
    aliases=("总投资",),
    width=14,
    kind="money",
    note=MONEY_NOTE + "；不能低于已安排给该项目的资金",
    example="1200.00",
)
ANNUAL_REVENUE = SheetColumn(
    "annual_revenue",
    "预期年收益（万元）",
    aliases=("预期年收益",),
    width=14,
    kind="money",
    note=MONEY_NOTE + "；无收益填 0（留空即为 0）",
    example="0",
)
ANNUAL_DEBT_SERVICE = SheetColumn(
    "annual_debt_service",
    "年还本付息（万元）",
    aliases=("年还本付息",),
    width=14,
    kind="money",
    note=MONEY_NOTE + "；不举债填 0（留空即为 0）",
    example="0",
)
START_YEAR = SheetColumn(
    "start_year",
    "开工年度",
    required=True,
    width=10,
    kind="int",
    note=f"四位年份（{YEAR_MIN}–{YEAR_MAX}）",
    example=2025,
)
END_YEAR = SheetColumn(
    "end_year",
    "完工年度",
    required=True,
    width=10,
    kind="int",
    note=f"四位年份（{YEAR_MIN}–{YEAR_MAX}），不早于开工年度",
    example=2027,
)
PROJECT_STATUS = SheetColumn(
    "status",
    "状态",
    aliases=("项目状态",),
    width=8,
    note=f"{STATUSES}；新项目为储备（或留空）。已有项目填写下一状态即变更状态：储备→已批复→在建→已完工，"
    "或已终止；在建须已登记规划批复和设计批复；已完工、已终止的项目不能再修改",
    example=ProjectStatus.PLANNED.label,
)
PLANNING_DATE = SheetColumn(
    "planning_approval_date", "规划批复日期", width=12, note="日期，如 2025-03-01；可选"
)
PLANNING_DOC_NO = SheetColumn(
    "planning_approval_doc_no", "规划批复文号", width=22, note="不超过 100 个字符；可选"
)
DESIGN_DATE = SheetColumn("design_approval_date", "设计批复日期", width=12, note="日期，如 2025-04-01；可选")
DESIGN_DOC_NO = SheetColumn(
    "design_approval_doc_no", "设计批复文号", width=22, note="不超过 100 个字符；可选"
)
COMPLETION_NOTE = SheetColumn(
    "completion_note",
    "完工说明",
    width=30,
    note="只在转为已完工而最近一期进度报送的形象进度未达 100% 时填写（不超过 500 字）",
)


def _shown(
    key: str, header: str, width: int, *, kind: str = "text", note: str = "", example: object = ""
) -> SheetColumn:
    """A column the export writes for the reader and the import never reads."""
    return SheetColumn(key, header, width=width, kind=kind, note=note, example=example, read=False)


COMPUTED = "由系统计算，导入时不读取"
PROJECT_SHEET = (
    PROJECT_ID,
    PROJECT_NAME,
    _shown("city_name", "市（州）", 12, example="长春市"),
    _shown("county_name", "县（市、区）", 14, example="双阳区"),
    _shown("town_name", "镇", 12, example="鹿乡镇"),
    PROJECT_TOWN,
    _shown("town_tier", "示范镇层级", 10, note="所在镇现有的示范镇层级"),
    PROJECT_TASK_AREA,
    _shown("task_area_name", "任务领域", 22, example="环境基础设施"),
    PUBLIC_WELFARE,
    SPECIAL_BOND_FIELD,
    INVESTMENT,
    ANNUAL_REVENUE,
    ANNUAL_DEBT_SERVICE,
    START_YEAR,
    END_YEAR,
    PROJECT_STATUS,
    _shown("key_provincial_support", "省级重点支持", 10, note=COMPUTED),
    _shown("recommended_bond_type", "推荐债券类型", 12, note=COMPUTED),
    _shown("completed_investment", "累计完成投资（万元）", 14, kind="money", note="来自最近一期进度报送"),
    _shown("percent_complete", "形象进度（%）", 10, kind="money", note="来自最近一期进度报送"),
    _shown("last_reported_period", "最近报送", 14, note="来自进度报送"),
    PLANNING_DATE,
    PLANNING_DOC_NO,
    DESIGN_DATE,
    DESIGN_DOC_NO,
    COMPLETION_NOTE,
)
PROJECT_READ_COLUMNS = tuple(read_columns(PROJECT_SHEET))

# --- the progress reports across projects (进度报送，月/季 调度) --------------------------------------------

REPORT_PROJECT = SheetColumn(
    "project",
    "项目编号",
    required=True,
    aliases=("project_id", "项目ID"),
    width=10,
    kind="int",
    note="本县（市、区）已批复、在建或已完工项目的编号（见项目列表）",
    example=1,
)
PERIOD_TYPE = SheetColumn(
    "period_type",
    "报送周期",
    width=8,
    note=f"{'、'.join(PeriodType.labels)}（或 month、quarter）；可留空，由“周期”判断",
    example=PeriodType.MONTH.label,
)
PERIOD = SheetColumn(
    "period",
    "周期",
    aliases=("period_label", "报送期"),
    width=14,
    note="如 2025年3月、2025年第1季度（也可写 2025-03、2025-Q1）；不能报送尚未开始的周期",
    example="2025年3月",
)
CUMULATIVE = SheetColumn(
    "cumulative_investment",
    "累计完成投资（万元）",
    required=True,
    aliases=("累计完成投资",),
    width=14,
    kind="money",
    note=MONEY_NOTE + "；截至本期末的累计数，不少于上一期，不超过项目总投资",
    example="300.00",
)
PERCENT = SheetColumn(
    "percent_complete",
    "形象进度（%）",
    required=True,
    aliases=("形象进度",),
    width=10,
    kind="money",
    note="0–100，最多两位小数，不低于上一期",
    example="25",
)
NARRATIVE = SheetColumn(
    "narrative", "进展情况", width=40, note="可选，不超过 2000 字", example="管网铺设完成 1.2 公里"
)
# Not in the export, for files written from the API's fields: the period as year and number.
REPORT_YEAR = SheetColumn("year", "年度", note="代替“周期”时填写：年度")
REPORT_NUMBER = SheetColumn("number", "月份或季度", note="代替“周期”时填写：月度 1–12，季度 1–4")

REPORT_SHEET = (
    REPORT_PROJECT,
    _shown("project_name", "项目名称", 32, example="镇区污水管网改造工程"),
    _shown("town", "镇区划代码", 12, example="220112102"),
    _shown("town_name", "镇", 12, example="鹿乡镇"),
    _shown("county_name", "县（市、区）", 14, example="双阳区"),
    _shown("city_name", "市（州）", 12, example="长春市"),
    _shown("task_area", "任务领域代码", 10, example="T05"),
    PERIOD_TYPE,
    PERIOD,
    _shown("period_end", "周期截止日", 12, note=COMPUTED),
    CUMULATIVE,
    PERCENT,
    NARRATIVE,
    _shown("reported_by", "报送人", 14, note="导入时为上传人"),
    _shown("created_at", "报送时间", 18, note="导入时为确认导入的时间"),
)
REPORT_READ_COLUMNS = (*read_columns(REPORT_SHEET), REPORT_YEAR, REPORT_NUMBER)
