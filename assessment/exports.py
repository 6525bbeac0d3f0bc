"""What the assessment pages export: the spreadsheets of their tables (through core.exports.xlsx_response).
A notice (通报, R8) as a document is `assessment.notice`."""

from dataclasses import dataclass

from django.utils import timezone

from core.exports import Column
from core.vocabulary import label
from towns.choices import Tier

from .choices import Grade

YES_NO = {True: "是", False: "否"}
UNASSESSED = "未评"


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


def score_columns(indicators):
    return (
        Column("镇区划代码", 12),
        Column("镇", 14),
        Column("县（市、区）", 14),
        Column("市（州）", 12),
        Column("层级", 8),
        *(Column(f"{indicator.code} {indicator.name}", 12, kind="money") for indicator in indicators),
        Column("已录入指标数", 10, kind="int"),
        Column("综合得分", 10, kind="money"),
    )


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
