"""API v1 for the annual assessment (R7–R9): indicator systems, rounds and their job, scores, rankings,
notices and eliminations.

Results, notices and eliminations come from assessment.selectors: proposed (unpublished) rows reach the
province roles alone, every other role and partner sees published rows within its region. Writes go through
assessment.services; their refusals answer 400 with the Chinese reason.
"""

from django.db.models import Case, F, IntegerField, Prefetch, Q, Value, When
from django.db.models.functions import NullIf
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import Role
from core.api.permissions import RoleWrites
from core.api.schema import path_parameter
from core.api.serializers import FORBIDDEN, NOT_FOUND, REFUSED
from core.api.values_list import ValuesListMixin
from core.api.viewsets import ServiceWriteMixin
from core.errors import DomainError
from towns.choices import Tier
from towns.models import Designation, Town

from ..filtersets import EliminationFilterSet, NoticeFilterSet, RankingFilterSet, ScoreFilterSet
from ..models import AssessmentRound, Indicator, IndicatorSystem, Score
from ..rules import GRADE_LABELS
from ..selectors import sees_proposed, visible_eliminations, visible_notices, visible_results, visible_scores
from ..services import ensure_round, publish, reopen, save_scores, start_assessment
from .serializers import (
    AssessmentRoundSerializer,
    AssessmentRoundStartedSerializer,
    EliminationSerializer,
    IndicatorSystemSerializer,
    NoticeDetailSerializer,
    NoticeSerializer,
    PublishSerializer,
    RankingSerializer,
    ReopenSerializer,
    ScoreCreateSerializer,
    ScoreSerializer,
)

TAGS = ["assessment"]
VISIBILITY = (
    "待发布（proposed）的结果仅省级管理员、省直部门和内部审计可见；其他角色和合作机构只见已发布（published）的结果，"
    "且限于其权限范围内的镇。"
)


class ProvinceAdminWrites(RoleWrites):
    message = "只有省级管理员可以运行、发布或重新开放年度评价。"
    writers = frozenset({Role.PROVINCE_ADMIN})


class ScorerWrites(RoleWrites):
    message = "只有省级管理员或镇所在市（州）的工作人员可以录入得分。"
    writers = frozenset({Role.PROVINCE_ADMIN, Role.CITY_OFFICIAL})


def year_parameter(description):
    return path_parameter("year", description)


def unassessed_counts(years):
    """year → number of towns designated at some point of the year without any score: two queries for
    any number of years (the towns counted are those of services.unassessed_towns)."""
    years = sorted(set(years))
    if not years:
        return {}
    designations = list(
        Designation.objects.filter(from_year__lte=years[-1])
        .filter(Q(to_year__isnull=True) | Q(to_year__gte=years[0]))
        .values_list("town_id", "from_year", "to_year")
    )
    scored = set(Score.objects.filter(round__year__in=years).values_list("round__year", "town_id").distinct())
    counts = {}
    for year in years:
        held = {town for town, start, end in designations if start <= year and (end is None or end >= year)}
        counts[year] = sum(1 for town in held if (year, town) not in scored)
    return counts


# --- indicator systems (R7) -------------------------------------------------------------------------------


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(
        summary="评价指标体系列表",
        description="各年度的评价指标体系（按年度由近及远），每项指标属于一个任务领域（T01–T15），满分合计 100 分。",
    ),
    retrieve=extend_schema(
        summary="评价指标体系详情",
        description="某一年度的指标、各指标满分及满分合计。该年度尚未建立年度评价时返回 404。",
        parameters=[year_parameter("年度，如 2024")],
        responses={200: IndicatorSystemSerializer, 404: NOT_FOUND},
    ),
)
class IndicatorSystemViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = IndicatorSystemSerializer
    lookup_field = "year"
    lookup_value_regex = r"\d{4}"
    filter_backends = []

    def get_queryset(self):
        indicators = Indicator.objects.select_related("task_area").order_by("task_area_id", "code")
        return (
            IndicatorSystem.objects.select_related("copied_from")
            .prefetch_related(Prefetch("indicators", queryset=indicators))
            .order_by("-year")
        )


# --- rounds and the job (R7–R9) ---------------------------------------------------------------------------

ROUND_ACTION_RESPONSES = {400: REFUSED, 403: FORBIDDEN}


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(
        summary="年度评价列表",
        description=(
            "各年度评价（按年度由近及远）：状态、等次分数线、表扬和批评名额、计算任务进度、发布情况。"
            "unassessed（未评镇数）仅省级角色可见。"
        ),
    ),
    retrieve=extend_schema(
        summary="年度评价详情",
        description=(
            "某一年度的评价：状态、设置、计算任务进度（job_state、job_progress、job_message）。"
            "该年度尚无评价时即以默认指标体系建立（首次使用时创建）。"
        ),
        parameters=[year_parameter("年度，如 2024")],
        responses={200: AssessmentRoundSerializer, 400: REFUSED},
    ),
)
class AssessmentRoundViewSet(viewsets.GenericViewSet):
    """One round per year; the province runs its job, publishes its results, and reopens it if need be."""

    serializer_class = AssessmentRoundSerializer
    permission_classes = [ProvinceAdminWrites]
    lookup_field = "year"
    lookup_value_regex = r"\d{4}"
    filter_backends = []

    def get_queryset(self):
        return AssessmentRound.objects.order_by("-year")

    def rendered(self, rounds, serializer_class=AssessmentRoundSerializer, many=True):
        years = [r.year for r in rounds] if many else [rounds.year]
        context = self.get_serializer_context()
        context["unassessed"] = unassessed_counts(years) if sees_proposed(self.request.user) else {}
        return serializer_class(rounds, many=many, context=context).data

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.rendered(page))

    def retrieve(self, request, year=None):
        return Response(self.rendered(ensure_round(year), many=False))

    def round_response(self, year, status_code=status.HTTP_200_OK, started=None):
        assessment_round = AssessmentRound.objects.get(year=int(year))
        if started is None:
            return Response(self.rendered(assessment_round, many=False), status=status_code)
        assessment_round.started = started
        data = self.rendered(assessment_round, AssessmentRoundStartedSerializer, many=False)
        return Response(data, status=status_code)

    @extend_schema(
        summary="运行年度评价计算",
        description=(
            "仅省级管理员。提交该年度的计算任务（Celery）：综合得分与等次、各层级全省排名（一票否决排在最后）、"
            "拟表扬和拟批评名单、连续两年排名靠后的淘汰与递补，结果为待发布（proposed）。返回 202 和年度评价，"
            "进度见 job_state、job_progress；计算已在排队或进行中时不重复提交（started=false）。"
            "再次运行替换该年度的待发布结果；已发布（冻结）的年度须先重新开放，否则返回 400。"
        ),
        parameters=[year_parameter("年度，如 2024")],
        request=None,
        responses={202: AssessmentRoundStartedSerializer, **ROUND_ACTION_RESPONSES},
    )
    @action(detail=True, methods=["post"], url_path="run", url_name="run")
    def run(self, request, year=None):
        assessment_round, started = start_assessment(request.user, year)
        return self.round_response(assessment_round.year, status.HTTP_202_ACCEPTED, started=started)

    @extend_schema(
        summary="发布年度评价结果",
        description=(
            "仅省级管理员，计算完成（state=computed）后。生成通报文号（前缀〔年〕序号号），一次性执行全部淘汰与递补"
            "的认定变更，建立约谈跟踪，结果冻结。尚未计算、已发布或未填写 doc_prefix 时返回 400。"
        ),
        parameters=[year_parameter("年度，如 2024")],
        request=PublishSerializer,
        responses={200: AssessmentRoundSerializer, **ROUND_ACTION_RESPONSES},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="publish",
        url_name="publish",
        serializer_class=PublishSerializer,
    )
    def publish(self, request, year=None):
        serializer = PublishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment_round = publish(request.user, year, serializer.validated_data["doc_prefix"])
        return self.round_response(assessment_round.year)

    @extend_schema(
        summary="重新开放已发布的年度评价",
        description=(
            "仅省级管理员，须填写 reason（记入审计日志）。重新开放后可再次运行计算并重新发布；已执行的认定变更保留。"
            "未发布的年度或未填写原因时返回 400。"
        ),
        parameters=[year_parameter("年度，如 2024")],
        request=ReopenSerializer,
        responses={200: AssessmentRoundSerializer, **ROUND_ACTION_RESPONSES},
    )
    @action(
        detail=True, methods=["post"], url_path="reopen", url_name="reopen", serializer_class=ReopenSerializer
    )
    def reopen(self, request, year=None):
        serializer = ReopenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment_round = reopen(request.user, year, serializer.validated_data["reason"])
        return self.round_response(assessment_round.year)


# --- scores -----------------------------------------------------------------------------------------------


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(
        summary="评价得分列表",
        description=(
            "各镇各指标的得分。省级角色见全部；市（州）工作人员见本市各镇（含评分中的年度）；"
            "其他角色和合作机构只见已发布年度、其权限范围内的得分。"
        ),
    ),
    retrieve=extend_schema(
        summary="评价得分详情",
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="得分 ID")],
        responses={200: ScoreSerializer, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="录入评价得分",
        description=(
            "仅省级管理员或镇所在市（州）的工作人员，评分中（state=open）的年度：town、year、indicator、points。"
            "新录入返回 201，更正已有得分返回 200。得分超出 0 至该指标满分、指标不在当年指标体系中、"
            "该镇当年不是示范镇、不是本市的镇或该年度已截止评分时返回 400 并说明原因。"
        ),
        request=ScoreCreateSerializer,
        responses={201: ScoreSerializer, 200: ScoreSerializer, 400: REFUSED, 403: FORBIDDEN},
    ),
)
class ScoreViewSet(
    ServiceWriteMixin,
    ValuesListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ScoreSerializer
    action_serializers = {"create": ScoreCreateSerializer}
    filterset_class = ScoreFilterSet
    permission_classes = [ScorerWrites]
    lookup_value_regex = r"\d+"
    list_columns = {
        "id": "id",
        "year": "round__year",
        "town": "town_id",
        "town_name": "town__name",
        "indicator": "indicator__code",
        "indicator_name": "indicator__name",
        "points": "points",
    }

    def get_queryset(self):
        return visible_scores(self.request.user).order_by("-round__year", "town_id", "indicator__code", "id")

    def create(self, request, *args, **kwargs):
        serializer = ScoreCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        code = values["town"].strip()
        town = Town.objects.filter(code=code).first()
        if town is None:
            raise DomainError(f"乡镇“{code}”不存在。")
        indicator = values["indicator"].strip()
        existing = Score.objects.filter(round__year=values["year"], town=town, indicator__code=indicator)
        existed = existing.exists()
        save_scores(request.user, values["year"], town, {indicator: values["points"]})
        score = existing.get()
        return self.read_response(score.pk, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


# --- rankings (R7, R8) ------------------------------------------------------------------------------------

TIER_ORDER = Case(
    When(tier=Tier.PROVINCIAL, then=Value(0)),
    When(tier=Tier.CITY, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


class GradeChoices:
    """The grades of R7 in the shape ValuesListMixin's labels expect."""

    choices = list(GRADE_LABELS.items())


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(
        summary="评价排名列表",
        description=(
            "各年度各层级示范镇的综合得分、全省层级内排名（竞争排名 1, 2, 2, 4；一票否决的镇排在所有未否决的镇之后）"
            "和等次（优秀 ≥ 90、良好 ≥ 80、合格 ≥ 60，分数线为该年度设置）。未评（没有得分）的镇 score、rank、grade"
            " 为 null。按年度（由近及远）、层级（省级、市级、县级）、排名（未评在后）、区划代码排列。"
            + VISIBILITY
        ),
    ),
)
class RankingViewSet(ValuesListMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = RankingSerializer
    filterset_class = RankingFilterSet
    list_columns = {
        "town_code": "town_id",
        "town_name": "town__name",
        "county": "town__county_id",
        "county_name": "town__county__name",
        "city": "town__city_id",
        "city_name": "town__city__name",
        "year": "round__year",
        "tier": "tier",
        "score": "score",
        "rank": "rank",
        "grade": "grade_or_null",
        "vetoed": "vetoed",
        "assessed": "assessed",
        "status": "status",
    }
    list_labels = {"tier_label": ("tier", Tier), "grade_label": ("grade", GradeChoices)}

    def get_queryset(self):
        return visible_results(self.request.user).order_by(
            "-round__year", TIER_ORDER, F("rank").asc(nulls_last=True), "town_id"
        )

    def get_list_queryset(self, queryset):
        return queryset.annotate(grade_or_null=NullIf("grade", Value("")))


# --- notices (R8) -----------------------------------------------------------------------------------------


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(
        summary="通报列表",
        description=(
            "各年度的通报表扬（praise，省级示范镇前 N 名）和通报批评（criticism，后 N 名），边界并列的镇全部列入；"
            "towns 为通报的镇区划代码（按排名）。文号 doc_no 和日期 date 在发布前为 null。"
            "待发布的通报仅省级管理员、省直部门和内部审计可见；其他角色和合作机构只见已发布的通报。"
        ),
    ),
    retrieve=extend_schema(
        summary="通报详情",
        description="通报及其名单（各镇的综合得分、排名和等次）。",
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="通报 ID")],
        responses={200: NoticeDetailSerializer, 404: NOT_FOUND},
    ),
)
class NoticeViewSet(viewsets.ReadOnlyModelViewSet):
    filterset_class = NoticeFilterSet
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return visible_notices(self.request.user).order_by("-round__year", "kind", "id")

    def get_serializer_class(self):
        return NoticeDetailSerializer if self.action == "retrieve" else NoticeSerializer

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)


# --- eliminations (R9) ------------------------------------------------------------------------------------


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(
        summary="淘汰与递补列表",
        description=(
            "连续两个评价年度均为省级示范镇且均排名靠后（通报批评）的镇被淘汰，由当年考核优秀的市级、县级示范镇递补"
            "（同市优先，其次全省；同分时市级优先，再按区划代码）；没有可递补的镇时 substitute_code 为 null。"
            + VISIBILITY
        ),
    ),
)
class EliminationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = EliminationSerializer
    filterset_class = EliminationFilterSet

    def get_queryset(self):
        return visible_eliminations(self.request.user).order_by("-round__year", "town_id")
