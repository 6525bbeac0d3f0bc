"""What the assessment pages export: the spreadsheets of their tables (each list registers its export,
core.exports: the page's filters and sort over the user's scope, read by the page and by its export alike).
A notice (通报, R8) as a document is `assessment.notice`."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from core import formats
from core.errors import DomainError, checked_year
from core.exports import FILTERS_REFUSED, Column, ExportSpec, filter_note, register_export
from core.formats import points as shown_points
from core.imports import SheetColumn
from core.vocabulary import label, labeller
from towns import selectors as town_selectors
from towns.choices import Tier
from towns.models import Town

from . import selectors, services
from .choices import Grade, TalkStatus
from .filtersets import (
    EXEMPTION_SORTS,
    ROUND_SORTS,
    SCORE_SORTS,
    TALK_SORTS,
    VETO_SORTS,
    ranking_sorts,
)
from .forms import RankingFilterForm
from .models import ResultStatus
from .rules import PROVINCIAL_CITY_MINIMUM

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
    result: object  # a Result with town, county and city selected (the page), or a RankingLine (the export)
    earlier: tuple  # one text per earlier year of the table, "" when the town has no result that year

    @property
    def grade(self):
        return grade_text(self.result)


def ranking_row(result, history, years, tier):
    """One result of the ranking table with its earlier years' standings (history: earlier_ranks)."""
    by_year = {entry[0]: entry for entry in history.get(result.town_id, ())}
    earlier = tuple(earlier_rank_text(by_year[year], tier) if year in by_year else "" for year in years)
    return RankingRow(result, earlier)


def ranking_rows(results, history, years, tier):
    """The ranking table's rows: ranked towns first (by rank, then code), 未评 towns after them."""
    ordered = sorted(results, key=lambda r: (not r.assessed, r.rank or 0, r.town_id))
    return [ranking_row(result, history, years, tier) for result in ordered]


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
    """The sheet's rows of RankingRows over selectors.RankingLine results."""
    tier_label = labeller(Tier)
    status_label = labeller(ResultStatus)
    for row in rows:
        result = row.result
        yield (
            result.rank,
            result.town_name,
            result.town_id,
            result.county_name,
            result.city_name,
            tier_label(result.tier),
            result.score,
            row.grade,
            YES_NO[result.vetoed],
            status_label(result.status),
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


# --- the lists' exports ---------------------------------------------------------------------------------


def year_round(year):
    """The year's round, or its defaults until the first write creates it (a page visit never does); a
    year outside 2000–2100 is a page that does not exist."""
    try:
        year = checked_year(year)
    except DomainError:
        raise Http404("未找到。") from None
    return selectors.round_or_default(year)


def _year_filter(year):
    return [("年度", f"{year}年")]


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


# The years' rounds.

ROUND_COLUMNS = (
    Column("年度", 8, kind="int"),
    Column("评价指标体系", 28),
    Column("状态", 10),
    Column("计算任务", 10),
    Column("发布时间", 18),
)


def round_list(query):
    """The years' rounds in the order asked for (the index page and its export)."""
    sorting = ROUND_SORTS.sorting(query=query)
    return sorting.apply(selectors.rounds_by_year()), sorting


def round_rows(rounds):
    for assessment_round in rounds:
        yield (
            assessment_round.year,
            assessment_round.system.name if assessment_round.system_id else "",
            assessment_round.get_state_display(),
            assessment_round.get_job_state_display(),
            _local(assessment_round.published_at),
        )


@register_export("assessment.rounds", page="assessment-index")
def rounds_export(user, query):
    rounds, sorting = round_list(query)
    rounds = list(rounds)
    return ExportSpec(
        title="示范镇年度评价",
        filename=f"示范镇年度评价-{timezone.localdate():%Y%m%d}.xlsx",
        columns=ROUND_COLUMNS,
        rows=round_rows(rounds),
        count=len(rounds),
        unit_note=f"共 {len(rounds)} 个年度",
        filters=filter_note(None, sorting),
    )


@register_export("assessment.indicators", page="assessment-round")
def indicator_export(user, query, year):
    assessment_round = year_round(year)
    indicators = selectors.round_indicators(assessment_round)
    total = sum((indicator.max_points for indicator in indicators), Decimal("0"))
    return ExportSpec(
        title=assessment_round.system.name,
        filename=f"{assessment_round.year}年度示范镇评价指标体系.xlsx",
        columns=INDICATOR_COLUMNS,
        rows=indicator_rows(indicators),
        count=len(indicators),
        unit_note=f"共 {len(indicators)} 项指标，满分合计 {formats.points(total)} 分",
        filters=filter_note(extra=_year_filter(assessment_round.year)),
    )


UNASSESSED_READERS = "只有省级用户可以查看未录入得分的示范镇。"


@register_export("assessment.unassessed", page="assessment-round")
def unassessed_export(user, query, year):
    if not selectors.sees_proposed(user):
        raise PermissionDenied(UNASSESSED_READERS)
    assessment_round = year_round(year)
    _incomplete, gaps = selectors.scoring_gaps(user, assessment_round)
    tiers = {gap.town.code: gap.tier for gap in gaps}
    towns = [gap.town for gap in gaps]
    return ExportSpec(
        title=f"{assessment_round.year}年度未录入得分的示范镇",
        filename=f"{assessment_round.year}年度未录入得分的示范镇.xlsx",
        columns=UNASSESSED_COLUMNS,
        rows=unassessed_rows(towns, tiers),
        count=len(towns),
        unit_note=f"共 {len(towns)} 个镇",
        filters=filter_note(extra=_year_filter(assessment_round.year)),
    )


# Scores.


@dataclass(frozen=True)
class ScoreLine:
    town: Town
    tier: str
    points: dict
    may_enter: bool

    @property
    def filled(self):
        return len(self.points)

    @property
    def composite(self):
        return sum(self.points.values(), Decimal("0")) if self.points else None


def score_lines(user, assessment_round, sorting):
    """The score sheet's lines in the order asked for (the page and its export alike)."""
    scoring = services.scoring_open(assessment_round)
    return sorting.apply(
        ScoreLine(town, tier, points, scoring and services.may_score(user, town))
        for town, tier, points in selectors.scoring_sheet(user, assessment_round)
    )


@register_export("assessment.scores", page="assessment-scores")
def score_export(user, query, year):
    assessment_round = year_round(year)
    indicators = selectors.round_indicators(assessment_round)
    sorting = SCORE_SORTS.sorting(query=query)
    towns, scored = selectors.scoring_sheet_counts(user, assessment_round)
    return ExportSpec(
        title=f"{assessment_round.year}年度示范镇评价得分",
        filename=f"{assessment_round.year}年度示范镇评价得分.xlsx",
        columns=score_columns(indicators),
        rows=_score_sheet(user, assessment_round, sorting, indicators),
        count=towns,
        unit_note=f"单位：分　共 {towns} 个示范镇，已录入得分 {scored} 个",
        filters=filter_note(None, sorting, extra=_year_filter(assessment_round.year)),
    )


def _score_sheet(user, assessment_round, sorting, indicators):
    """The score sheet's rows, read when the sheet is written (a national sheet is 320k points: the export
    counts its towns first, and reads them in a job)."""
    yield from score_rows(score_lines(user, assessment_round, sorting), indicators)


# Vetoes and exemptions.


def round_vetoes(user, query, assessment_round):
    sorting = VETO_SORTS.sorting(query=query)
    return sorting.apply(selectors.round_vetoes(user, assessment_round)), sorting


@register_export("assessment.vetoes", page="assessment-vetoes")
def veto_export(user, query, year):
    assessment_round = year_round(year)
    vetoes, sorting = round_vetoes(user, query, assessment_round)
    return ExportSpec(
        title=f"{assessment_round.year}年度示范镇一票否决事项",
        filename=f"{assessment_round.year}年度一票否决事项.xlsx",
        columns=VETO_COLUMNS,
        rows=veto_rows(vetoes),
        count=len(vetoes),
        unit_note=f"共 {len(vetoes)} 项",
        filters=filter_note(None, sorting, extra=_year_filter(assessment_round.year)),
    )


def round_exemptions(user, query, assessment_round):
    sorting = EXEMPTION_SORTS.sorting(query=query)
    return sorting.apply(selectors.round_exemptions(user, assessment_round)), sorting


EXEMPTION_COLUMNS = (
    Column("镇区划代码", 12),
    Column("镇", 14),
    Column("县（市、区）", 14),
    Column("市（州）", 12),
    Column("免评原因", 36),
    Column("文号", 22),
    Column("登记人", 14),
    Column("登记时间", 18),
)


def exemption_rows(exemptions):
    for exemption in exemptions:
        recorder = exemption.recorded_by
        yield (
            exemption.town_id,
            exemption.town.name,
            exemption.town.county.name,
            exemption.town.city.name,
            exemption.reason,
            exemption.doc_no,
            recorder.username if recorder else "",
            _local(exemption.created_at),
        )


@register_export("assessment.exemptions", page="assessment-exemptions")
def exemption_export(user, query, year):
    assessment_round = year_round(year)
    exemptions, sorting = round_exemptions(user, query, assessment_round)
    return ExportSpec(
        title=f"{assessment_round.year}年度免评的示范镇",
        filename=f"{assessment_round.year}年度免评.xlsx",
        columns=EXEMPTION_COLUMNS,
        rows=exemption_rows(exemptions),
        count=len(exemptions),
        unit_note=f"共 {len(exemptions)} 个镇",
        filters=filter_note(None, sorting, extra=_year_filter(assessment_round.year)),
    )


# Rankings (R8).


def ranking_context(user, query, assessment_round):
    """The ranking table as a user asked for it: the tier (provincial by default), city and grade of its
    form, the results with their earlier years' ranks, in the order asked for."""
    cities, _counties = town_selectors.directory_regions(user)
    form = RankingFilterForm(query, cities=cities)
    valid = form.is_valid()
    tier = form.cleaned_data["tier"] if valid else Tier.PROVINCIAL
    city = form.cleaned_data["city"] if valid else ""
    grade = form.cleaned_data["grade"] if valid else ""
    results = selectors.ranking_results(user, assessment_round, tier, city, grade) if valid else []
    history = selectors.earlier_ranks(user, [result.town_id for result in results], assessment_round.year)
    years = sorted({entry[0] for entries in history.values() for entry in entries}, reverse=True)
    sorting = ranking_sorts(years).sorting(query=query)
    rows = sorting.apply(ranking_rows(results, history, years, tier))
    return {
        "assessment_round": assessment_round,
        "form": form,
        "tier": tier,
        "tier_label": Tier(tier).label,
        "cities": cities,
        "selected_city": city,
        "selected_grade": grade,
        "rows": rows,
        "sorting": sorting,
        "years": years,
        "ranked": sum(1 for row in rows if row.result.assessed),
        "proposed": any(row.result.status == ResultStatus.PROPOSED for row in rows),
    }


@register_export("assessment.rankings", page="assessment-rankings")
def rankings_export(user, query, year):
    """The ranking table of the page's tier, city and grade, whole. Building it counts the rows and finds the
    earlier years' columns (an aggregate each); the rows are read only as the sheet is written, so a
    national tier goes to a job before anything of it is read."""
    assessment_round = year_round(year)
    cities, _counties = town_selectors.directory_regions(user)
    form = RankingFilterForm(query, cities=cities)
    if not form.is_valid():
        raise DomainError(FILTERS_REFUSED)
    tier = form.cleaned_data["tier"]
    results = selectors.ranking_queryset(
        user, assessment_round, tier, form.cleaned_data["city"], form.cleaned_data["grade"]
    )
    counts = results.aggregate(total=Count("pk"), ranked=Count("pk", filter=Q(assessed=True)))
    years = selectors.earlier_rank_years(user, results, assessment_round.year)
    sorting = ranking_sorts(years).sorting(query=query)
    title = f"{assessment_round.year}年度{Tier(tier).label}示范镇评价排名"
    return ExportSpec(
        title=title,
        filename=f"{title}.xlsx",
        columns=ranking_columns(years),
        rows=_ranking_sheet(user, results, assessment_round.year, years, tier, sorting),
        count=counts["total"],
        unit_note=f"单位：分　参评 {counts['ranked']} 个，未评 {counts['total'] - counts['ranked']} 个",
        filters=filter_note(form, sorting, extra=_year_filter(assessment_round.year)),
    )


def _ranking_sheet(user, results, year, years, tier, sorting):
    """The sheet's rows, read when the sheet is written (two queries: the lines, their earlier ranks)."""
    history = selectors.earlier_ranks_of(user, results, year)
    rows = sorting.apply(ranking_rows(selectors.ranking_lines(results), history, years, tier))
    yield from ranking_export_rows(rows)


# Eliminations and substitutes (R9).


@register_export("assessment.eliminations", page="assessment-eliminations")
def eliminations_export(user, query, year):
    assessment_round = year_round(year)
    review = selectors.elimination_review(user, assessment_round)
    rows = list(elimination_rows(review.eliminations, review.results, review.hidden))
    return ExportSpec(
        title=f"{assessment_round.year}年度省级示范镇淘汰与递补",
        filename=f"{assessment_round.year}年度省级示范镇淘汰与递补.xlsx",
        columns=ELIMINATION_COLUMNS,
        rows=rows,
        count=len(rows),
        unit_note=f"单位：分　淘汰 {len(rows)} 个",
        filters=filter_note(extra=_year_filter(assessment_round.year)),
    )


@register_export("assessment.under_minimum", page="assessment-eliminations")
def under_minimum_export(user, query, year):
    assessment_round = year_round(year)
    cities = selectors.elimination_review(user, assessment_round).cities
    title = f"{assessment_round.year}年度省级示范镇不足{PROVINCIAL_CITY_MINIMUM}个的市（州）"
    return ExportSpec(
        title=title,
        filename=f"{title}.xlsx",
        columns=UNDER_MINIMUM_COLUMNS,
        rows=under_minimum_rows(cities),
        count=len(cities),
        unit_note=f"共 {len(cities)} 个市（州）",
        filters=filter_note(extra=_year_filter(assessment_round.year)),
    )


# Talks (约谈, R8).


def round_talks(user, query, assessment_round):
    sorting = TALK_SORTS.sorting(query=query)
    return sorting.apply(selectors.round_talks(user, assessment_round)), sorting


@register_export("assessment.talks", page="assessment-talks")
def talk_export(user, query, year):
    assessment_round = year_round(year)
    talks, sorting = round_talks(user, query, assessment_round)
    pending = sum(1 for talk in talks if talk.status == TalkStatus.PENDING)
    return ExportSpec(
        title=f"{assessment_round.year}年度通报批评示范镇约谈情况",
        filename=f"{assessment_round.year}年度约谈情况.xlsx",
        columns=TALK_COLUMNS,
        rows=talk_rows(talks),
        count=len(talks),
        unit_note=f"共 {len(talks)} 个镇，待约谈 {pending} 个",
        filters=filter_note(None, sorting, extra=_year_filter(assessment_round.year)),
    )
