"""The FilterSets of the assessment API lists (R7–R9), one per list."""

import re

import django_filters
from django.db.models import Case, F, IntegerField, Subquery, Value, When

from core.sorting import Sorts, by
from core.years import YEAR_MAX, YEAR_MIN
from towns.choices import Tier
from towns.rules import TIER_DISPLAY_ORDER

from .choices import Grade, JobState, RoundState, TalkStatus
from .models import AssessmentRound, Elimination, Notice, NoticeKind, Result, ResultStatus, Score

YEAR = {"label": "年度", "min_value": YEAR_MIN, "max_value": YEAR_MAX}


class ScoreFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="round__year", **YEAR)
    town = django_filters.CharFilter(field_name="town_id", label="镇区划代码")
    city = django_filters.CharFilter(field_name="town__city_id", label="市（州）代码")
    county = django_filters.CharFilter(field_name="town__county_id", label="县（市、区）代码")
    indicator = django_filters.CharFilter(field_name="indicator__code", label="指标代码，如 T01")

    class Meta:
        model = Score
        fields = ["year", "town", "city", "county", "indicator"]


class RankingFilterSet(django_filters.FilterSet):
    # A year and a tier are filtered as the ranking index holds them (the round's id, the tier's order), so
    # that one year's list is read along result_ranking.
    year = django_filters.NumberFilter(method="filter_year", **YEAR)
    tier = django_filters.ChoiceFilter(choices=Tier.choices, label="层级", method="filter_tier")
    city = django_filters.CharFilter(field_name="town__city_id", label="市（州）代码")
    county = django_filters.CharFilter(field_name="town__county_id", label="县（市、区）代码")
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label="等次")
    assessed = django_filters.BooleanFilter(label="已评（有得分）")
    status = django_filters.ChoiceFilter(choices=ResultStatus.choices, label="状态")

    class Meta:
        model = Result
        fields = ["year", "tier", "city", "county", "grade", "assessed", "status"]

    def filter_year(self, queryset, name, value):
        return queryset.filter(round_id=Subquery(AssessmentRound.objects.filter(year=value).values("pk")[:1]))

    def filter_tier(self, queryset, name, value):
        return queryset.filter(tier_order=TIER_DISPLAY_ORDER[value])


class NoticeFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="round__year", **YEAR)
    kind = django_filters.ChoiceFilter(choices=NoticeKind.choices, label="类别")
    status = django_filters.ChoiceFilter(choices=ResultStatus.choices, label="状态")

    class Meta:
        model = Notice
        fields = ["year", "kind", "status"]


class EliminationFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="round__year", **YEAR)
    city = django_filters.CharFilter(field_name="town__city_id", label="被淘汰镇所在市（州）代码")
    status = django_filters.ChoiceFilter(choices=ResultStatus.choices, label="状态")

    class Meta:
        model = Elimination
        fields = ["year", "city", "status"]


# --- sort keys of the pages' lists (core.sorting): rows as the pages read them; a town column sorts in the
# official code order --------------------------------------------------------------------------------------

_TOWN_KEYS = {"town": "town__code", "county": "town__county_id", "city": "town__city_id"}
_TOWN_LABELS = {"town": "镇", "county": "县（市、区）", "city": "市（州）"}

# The score sheet: ScoreLine rows (town, tier, points, composite).
SCORE_SORTS = Sorts(
    {
        **_TOWN_KEYS,
        "tier": by("tier", ranked=TIER_DISPLAY_ORDER),
        "filled": "filled",
        "composite": "composite",
    },
    default="town",
    tiebreak=("town__code",),
    labels={**_TOWN_LABELS, "tier": "层级", "filled": "已录入指标数", "composite": "综合得分"},
)

# The score sheet's page: towns (selectors.score_sheet_towns) sorted in SQL by the same keys, one page read.
SCORE_SHEET_SORTS = Sorts(
    {
        "town": "code",
        "county": "county_id",
        "city": "city_id",
        "tier": by("held_tier", ranked=TIER_DISPLAY_ORDER),
        "filled": "filled",
        "composite": "composite",
    },
    default="town",
    tiebreak=("code",),
    labels=SCORE_SORTS.labels,
)

_RANKING_KEYS = {
    # Ranked towns by rank, 未评 after them (as exports.ranking_rows orders them).
    "rank": by(value=lambda row: (not row.result.assessed, row.result.rank or 0)),
    "town": "result__town_id",
    "county": "result__town__county_id",
    "city": "result__town__city_id",
    "score": "result__score",
    "grade": by("result__grade", ranked=Grade.values),
    "veto": "result__vetoed",
}


def _earlier_rank(index: int):
    """The rank of an earlier year's column ("3（市级）" → 3; empty when the town had no result)."""

    def rank(row):
        found = re.match(r"\d+", row.earlier[index] or "")
        return int(found.group()) if found else None

    return rank


def ranking_sorts(years) -> Sorts:
    """The ranking table's sort keys: its columns, and one per earlier year shown (earlier_2024 …)."""
    earlier = {f"earlier_{year}": by(value=_earlier_rank(index)) for index, year in enumerate(years)}
    labels = {
        "rank": "排名",
        **_TOWN_LABELS,
        "score": "综合得分",
        "grade": "等次",
        "veto": "一票否决",
        **{f"earlier_{year}": f"{year}年排名" for year in years},
    }
    return Sorts({**_RANKING_KEYS, **earlier}, default="rank", tiebreak=("result__town_id",), labels=labels)


def _ranking_order(descending: bool) -> list:
    """The rank key in SQL as ranking_rows orders rows in Python: ranked towns by rank, 未评 (no rank) after
    them, reversed as a whole when descending. Ascending it is the result_ranking index's order."""
    rank = F("rank").desc(nulls_first=True) if descending else F("rank").asc(nulls_last=True)
    return [rank, "town_id"]


class RankingSorts(Sorts):
    """ranking_sorts' keys over Result rows (selectors.ranking_page_results) instead of table rows."""

    def order_by(self, sort):
        if sort.key == "rank":
            return _ranking_order(sort.descending)
        return super().order_by(sort)


def ranking_result_sorts(years) -> Sorts:
    """The ranking page's sorts, applied in SQL: the same keys, labels and tiebreak as ranking_sorts."""
    rows = ranking_sorts(years)
    keys = {
        "rank": by("rank"),
        "town": "town_id",
        "county": "town__county_id",
        "city": "town__city_id",
        "score": "score",
        "grade": by("grade", ranked=Grade.values),
        "veto": "vetoed",
        **{f"earlier_{year}": f"earlier_{year}" for year in years},
    }
    return RankingSorts(keys, default="rank", tiebreak=("town_id",), labels=rows.labels)


VETO_SORTS = Sorts(
    {
        **_TOWN_KEYS,
        "reason": "reason",
        "doc_no": by("doc_no", text=True),
        "document": by(value=lambda veto: bool(veto.document)),
        "created": "created_at",
    },
    default="town",
    tiebreak=("town__code", "pk"),
    labels={
        **_TOWN_LABELS,
        "reason": "否决事项",
        "doc_no": "证明文件文号",
        "document": "证明文件",
        "created": "登记时间",
    },
)

EXEMPTION_SORTS = Sorts(
    {
        **_TOWN_KEYS,
        "reason": "reason",
        "doc_no": "doc_no",
        "recorded_by": "recorded_by__username",
        "created": "created_at",
    },
    default="town",
    tiebreak=("town__code", "pk"),
    labels={
        **_TOWN_LABELS,
        "reason": "免评原因",
        "doc_no": "文号",
        "recorded_by": "登记人",
        "created": "登记时间",
    },
)

# Talks: 待约谈 first by default.
TALK_SORTS = Sorts(
    {
        **_TOWN_KEYS,
        "status": by("status", ranked=TalkStatus.values),
        "held_on": "held_on",
        "note": by("note", text=True),
    },
    default="status",
    tiebreak=("town__code",),
    labels={**_TOWN_LABELS, "status": "状态", "held_on": "约谈日期", "note": "约谈情况"},
)

# A round's run by its state in the vocabulary's order: 未运行 (no job) first.
_RUN_STATE_RANK = Case(
    When(job__isnull=True, then=Value(0)),
    *(When(job__state=state, then=Value(position)) for position, state in enumerate(JobState.values)),
    default=Value(len(JobState.values)),  # a cancelled job: never a run's (it is not cancellable)
    output_field=IntegerField(),
)

# The years' rounds (a QuerySet of AssessmentRound): latest year first.
ROUND_SORTS = Sorts(
    {
        "year": "year",
        "system": "system__name",
        "state": by("state", ranked=RoundState.values),
        "job": by(expressions=[_RUN_STATE_RANK]),
        "published": "published_at",
    },
    default="-year",
    tiebreak=("pk",),
    labels={
        "year": "年度",
        "system": "评价指标体系",
        "state": "状态",
        "job": "计算任务",
        "published": "发布时间",
    },
)
