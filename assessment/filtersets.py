"""The FilterSets of the assessment API lists (R7–R9), one per list."""

import django_filters

from core.years import YEAR_MAX, YEAR_MIN
from towns.choices import Tier

from .choices import Grade
from .models import Elimination, Notice, NoticeKind, Result, ResultStatus, Score

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
    year = django_filters.NumberFilter(field_name="round__year", **YEAR)
    tier = django_filters.ChoiceFilter(choices=Tier.choices, label="层级")
    city = django_filters.CharFilter(field_name="town__city_id", label="市（州）代码")
    county = django_filters.CharFilter(field_name="town__county_id", label="县（市、区）代码")
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label="等次")
    assessed = django_filters.BooleanFilter(label="已评（有得分）")
    status = django_filters.ChoiceFilter(choices=ResultStatus.choices, label="状态")

    class Meta:
        model = Result
        fields = ["year", "tier", "city", "county", "grade", "assessed", "status"]


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
