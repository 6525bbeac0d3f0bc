"""What the assessment pages export: the spreadsheets of their tables (through core.exports.xlsx_response) and
the content of a notice (通报, R8), shared by its printable page and its PDF (assessment.pdf)."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from core.exports import Column
from core.formats import points as shown_points
from core.imports import SheetColumn
from core.vocabulary import label
from towns.choices import Tier

from .choices import Grade
from .models import NoticeKind

YES_NO = {True: "是", False: "否"}
UNASSESSED = "未评"
ISSUER = "吉林省示范镇建设工作协调机制办公室"
PENDING = "（待发布）"
PLAN = "《关于开展示范镇建设助推乡村振兴的实施方案》"


def grade_text(result):
    """优秀 … 不合格, 未评 for a town without scores."""
    if not result.assessed:
        return UNASSESSED
    return label(Grade, result.grade)


def earlier_rank_text(entry, tier):
    """One earlier year's standing: its rank, the tier added when it was another tier, 未评 without a rank."""
    _year, earlier_tier, rank = entry
    text = UNASSESSED if rank is None else str(rank)
    if earlier_tier != tier:
        text += f"（{label(Tier, earlier_tier)}）"
    return text


@dataclass(frozen=True)
class RankingRow:
    result: object  # assessment.models.Result with town, county and city selected
    earlier: tuple  # one text per earlier year of the table, "" when the town has no result that year

    @property
    def grade(self):
        return grade_text(self.result)


def ranking_rows(results, history, years, tier):
    """The ranking table's rows: ranked towns first (by rank, then code), 未评 towns after them."""
    ordered = sorted(results, key=lambda r: (not r.assessed, r.rank or 0, r.town_id))
    rows = []
    for result in ordered:
        by_year = {entry[0]: entry for entry in history.get(result.town_id, ())}
        earlier = tuple(earlier_rank_text(by_year[year], tier) if year in by_year else "" for year in years)
        rows.append(RankingRow(result, earlier))
    return rows


def ranking_columns(years):
    return (
        Column("排名", 8, kind="int"),
        Column("镇", 14),
        Column("镇区划代码", 12),
        Column("县（市、区）", 14),
        Column("市（州）", 12),
        Column("层级", 8),
        Column("综合得分", 10, kind="money"),
        Column("等次", 8),
        Column("一票否决", 10),
        Column("状态", 8),
        *(Column(f"{year}年排名", 12) for year in years),
    )


def ranking_export_rows(rows):
    for row in rows:
        result = row.result
        yield (
            result.rank,
            result.town.name,
            result.town_id,
            result.town.county.name,
            result.town.city.name,
            label(Tier, result.tier),
            result.score,
            row.grade,
            YES_NO[result.vetoed],
            result.get_status_display(),
            *row.earlier,
        )


INDICATOR_COLUMNS = (
    Column("指标代码", 10),
    Column("指标名称", 28),
    Column("任务领域代码", 10),
    Column("任务领域", 24),
    Column("满分", 10, kind="money"),
)


def indicator_rows(indicators):
    for indicator in indicators:
        yield (
            indicator.code,
            indicator.name,
            indicator.task_area_id,
            indicator.task_area.name,
            indicator.max_points,
        )


UNASSESSED_COLUMNS = (
    Column("镇区划代码", 12),
    Column("镇", 14),
    Column("县（市、区）", 14),
    Column("市（州）", 12),
    Column("层级", 8),
)


def unassessed_rows(towns, tiers):
    for town in towns:
        yield (
            town.code,
            town.name,
            town.county.name,
            town.city.name,
            label(Tier, tiers.get(town.code), empty=""),
        )


# The score sheet (得分表) as the export writes it and the score import reads it (assessment.imports): the
# wide layout, one column per indicator headed "T01 园区基础设施" (or just its code).
SCORE_TOWN_CODE = SheetColumn(
    "town_code",
    "镇区划代码",
    required=True,
    aliases=("区划代码", "镇代码"),
    width=12,
    note="镇的 9 位区划代码；该镇须为当年的示范镇",
    example="220112102",
)
SCORE_INFO = (
    SheetColumn("town", "镇", width=14, read=False, example="鹿乡镇"),
    SheetColumn("county", "县（市、区）", width=14, read=False, example="双阳区"),
    SheetColumn("city", "市（州）", width=12, read=False, example="长春市"),
    SheetColumn("tier", "层级", width=8, read=False, example="省级"),
)
SCORE_TOTALS = (
    SheetColumn("filled", "已录入指标数", width=10, kind="int", read=False, note="由系统计算"),
    SheetColumn("composite", "综合得分", width=10, kind="money", read=False, note="由系统计算"),
)
# The long layout: one row per town and indicator.
SCORE_INDICATOR_CODE = SheetColumn(
    "indicator_code", "指标代码", aliases=("指标",), note="长表格式：指标代码，如 T01", example="T01"
)
SCORE_POINTS = SheetColumn(
    "points", "得分", aliases=("分数",), note="长表格式：得分，0 至该指标满分，最多两位小数", example="8.5"
)


def indicator_column(indicator):
    """The wide sheet's column of one indicator: "T01 园区基础设施", also read under its code alone."""
    return SheetColumn(
        indicator.code,
        f"{indicator.code} {indicator.name}",
        aliases=(indicator.code,),
        width=12,
        kind="money",
        note=f"得分，0–{shown_points(indicator.max_points)}，最多两位小数；留空则不修改该项得分",
        example=shown_points((indicator.max_points * Decimal("0.8")).quantize(Decimal("0.1"))),
    )


def score_sheet(indicators):
    """Every column of the wide score sheet, in the export's order."""
    return (
        SCORE_TOWN_CODE,
        *SCORE_INFO,
        *(indicator_column(indicator) for indicator in indicators),
        *SCORE_TOTALS,
    )


def score_columns(indicators):
    return tuple(column.column for column in score_sheet(indicators))


def score_rows(sheet, indicators):
    for line in sheet:
        yield (
            line.town.code,
            line.town.name,
            line.town.county.name,
            line.town.city.name,
            label(Tier, line.tier),
            *(line.points.get(indicator.code) for indicator in indicators),
            line.filled,
            line.composite,
        )


VETO_COLUMNS = (
    Column("镇区划代码", 12),
    Column("镇", 14),
    Column("县（市、区）", 14),
    Column("市（州）", 12),
    Column("否决事项", 36),
    Column("证明文件文号", 22),
    Column("证明文件", 10),
    Column("登记时间", 16),
)


def veto_rows(vetoes):
    for veto in vetoes:
        yield (
            veto.town_id,
            veto.town.name,
            veto.town.county.name,
            veto.town.city.name,
            veto.reason,
            veto.doc_no,
            "有" if veto.document else "无",
            timezone.localtime(veto.created_at).strftime("%Y-%m-%d %H:%M") if veto.created_at else "",
        )


ELIMINATION_COLUMNS = (
    Column("淘汰的镇", 14),
    Column("镇区划代码", 12),
    Column("市（州）", 12),
    Column("本年度得分", 10, kind="money"),
    Column("本年度排名", 10, kind="int"),
    Column("递补的镇", 14),
    Column("递补镇区划代码", 12),
    Column("递补镇所在市（州）", 12),
    Column("递补镇原层级", 10),
    Column("递补镇得分", 10, kind="money"),
    Column("递补范围", 10),
    Column("状态", 8),
)


def substitute_scope(elimination):
    if elimination.substitute_id is None:
        return "无可递补"
    return "同市（州）递补" if elimination.same_city else "全省递补"


def elimination_rows(eliminations, results, hidden=frozenset()):
    """hidden: the eliminations whose substitute lies outside the user's scope (not named)."""
    for elimination in eliminations:
        result = results.get(elimination.town_id)
        substitute = elimination.substitute
        if elimination.pk in hidden:
            named = ("其他市（州）的示范镇", "", "")
        elif substitute is None:
            named = ("无可递补", "", "")
        else:
            named = (substitute.name, substitute.code, substitute.city.name)
        yield (
            elimination.town.name,
            elimination.town_id,
            elimination.town.city.name,
            result.score if result else None,
            result.rank if result else None,
            *named,
            label(Tier, elimination.substitute_tier, empty=""),
            elimination.substitute_score,
            substitute_scope(elimination),
            elimination.get_status_display(),
        )


UNDER_MINIMUM_COLUMNS = (
    Column("市（州）代码", 10),
    Column("市（州）", 14),
    Column("现有省级示范镇", 12, kind="int"),
    Column("本次淘汰", 10, kind="int"),
    Column("本次递补", 10, kind="int"),
    Column("调整后", 10, kind="int"),
    Column("缺口", 10, kind="int"),
)


def under_minimum_rows(cities):
    for city in cities:
        yield (
            city.code,
            city.name,
            city.current,
            city.eliminated,
            city.substituted,
            city.after,
            city.shortfall,
        )


TALK_COLUMNS = (
    Column("镇区划代码", 12),
    Column("镇", 14),
    Column("县（市、区）", 14),
    Column("市（州）", 12),
    Column("状态", 8),
    Column("约谈日期", 12),
    Column("约谈情况", 40),
)


def talk_rows(talks):
    for talk in talks:
        yield (
            talk.town_id,
            talk.town.name,
            talk.town.county.name,
            talk.town.city.name,
            talk.get_status_display(),
            talk.held_on.strftime("%Y-%m-%d") if talk.held_on else "",
            talk.note,
        )


# --- the notice (通报) ---------------------------------------------------------------------------------


def chinese_date(value):
    return f"{value.year}年{value.month}月{value.day}日"


@dataclass(frozen=True)
class NoticeLine:
    rank: int | None
    town: str
    town_code: str
    county: str
    city: str
    score: Decimal | None
    grade: str


@dataclass(frozen=True)
class NoticeContent:
    """Everything the printable notice and its PDF show, in the order they show it."""

    year: int
    kind: str
    kind_label: str
    title: str
    doc_no: str
    date_text: str
    published: bool
    salutation: str
    paragraphs: tuple
    lines: tuple
    issuer: str
    partial: bool  # a regional user: only the towns of their scope are listed
    superseded_by: str = ""  # the number of the notice that replaced this one after a correction

    @property
    def filename(self):
        return f"{self.year}年度示范镇建设评价{self.kind_label}.pdf"


def _paragraphs(year, kind, listed, count):
    opening = f"按照{PLAN}要求，省示范镇建设工作协调机制办公室组织开展了{year}年度示范镇建设评价。"
    if not listed:
        return (opening + f"{year}年度没有应予{NoticeKind(kind).label}的省级示范镇。",)
    tie = "（得分并列的示范镇一并列入）" if listed > count else ""
    if kind == NoticeKind.PRAISE:
        return (
            opening
            + f"经综合评价，以下 {listed} 个省级示范镇综合得分位列全省前 {count} 名{tie}，现予以通报表扬。",
            "希望受到表扬的示范镇珍惜荣誉、再接再厉，充分发挥示范引领作用；"
            "各地要认真学习借鉴其经验做法，推动示范镇建设取得新成效。",
        )
    return (
        opening
        + f"经综合评价，以下 {listed} 个省级示范镇综合得分排名靠后（后 {count} 名）{tie}，"
        + "现予以通报批评，并约谈其主要负责同志。",
        "被通报批评的示范镇要认真查找问题、深刻剖析原因，限期整改到位。"
        "连续两年评价排名靠后的省级示范镇，按规定予以淘汰。",
    )


def notice_content(notice, results, count, listed=None, partial=False):
    """The notice of a round with the results it lists (town, county and city selected), in rank order.

    count: the round's top or bottom N; listed: how many towns the whole notice names (ties included),
    when `results` holds only those of a regional user's scope.
    """
    year = notice.round.year
    published = bool(notice.doc_no)
    lines = tuple(
        NoticeLine(
            rank=result.rank,
            town=result.town.name,
            town_code=result.town_id,
            county=result.town.county.name,
            city=result.town.city.name,
            score=result.score,
            grade=grade_text(result) + ("（一票否决）" if result.vetoed else ""),
        )
        for result in results
    )
    listed = len(lines) if listed is None else listed
    return NoticeContent(
        year=year,
        kind=notice.kind,
        kind_label=notice.get_kind_display(),
        title=f"关于{year}年度示范镇建设评价结果的通报",
        doc_no=notice.doc_no or PENDING,
        date_text=chinese_date(notice.date) if notice.date else PENDING,
        published=published,
        salutation="各市（州）、县（市、区）示范镇建设工作协调机制办公室：",
        paragraphs=_paragraphs(year, notice.kind, listed, count),
        lines=lines,
        issuer=ISSUER,
        partial=partial,
        superseded_by=notice.superseded_by.doc_no if notice.superseded_by_id else "",
    )
