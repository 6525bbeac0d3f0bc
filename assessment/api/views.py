"""API v1 for the annual assessment (R7–R9): indicator systems, rounds and their job, scores, rankings,
notices and eliminations.

Results, notices and eliminations come from assessment.selectors: proposed (unpublished) rows reach the
province roles alone, every other role and partner sees published rows within its region. Writes go through
assessment.services; their refusals answer 400 with the Chinese reason.
"""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import Role
from core.api.permissions import RoleWrites
from core.api.schema import path_parameter
from core.api.serializers import FORBIDDEN, IF_MATCH, NOT_FOUND, PRECONDITION_FAILED, REFUSED
from core.api.values_list import ValuesListMixin
from core.api.viewsets import ConditionalWriteMixin, ServiceWriteMixin
from core.errors import DomainError, checked_year
from towns.choices import Tier

from .. import selectors, services
from ..choices import Grade
from ..filtersets import EliminationFilterSet, NoticeFilterSet, RankingFilterSet, ScoreFilterSet
from ..selectors import sees_proposed, visible_eliminations, visible_notices, visible_scores
from ..services import publish, reopen, save_scores, start_assessment
from .serializers import (
    AssessmentRoundDetailSerializer,
    AssessmentRoundSerializer,
    AssessmentRoundStartedSerializer,
    EliminationSerializer,
    ExemptionCreateSerializer,
    ExemptionSerializer,
    IndicatorSystemSerializer,
    NoticeDetailSerializer,
    NoticeSerializer,
    PublicationPreviewSerializer,
    PublishSerializer,
    RankingSerializer,
    ReopenSerializer,
    RoundSettingsSerializer,
    RunSerializer,
    ScoreCreateSerializer,
    ScoreSerializer,
    SimulateSerializer,
    SimulationSerializer,
    TalkHeldSerializer,
    TalkSerializer,
    VetoCreateSerializer,
    VetoSerializer,
)

TAGS = ["assessment"]
VISIBILITY = (
    "待发布（proposed）的结果仅省级管理员、省直部门和内部审计可见；其他角色和合作机构只见已发布（published）的结果，"
    "且限于其权限范围内的镇。"
)


class AssessmentWrites(RoleWrites):
    message = "只有省级管理员可以运行、发布或重新开放年度评价。"
    writers = frozenset({Role.PROVINCE_ADMIN})


class ScorerWrites(RoleWrites):
    message = "只有省级管理员或镇所在市（州）的工作人员可以录入得分。"
    writers = frozenset({Role.PROVINCE_ADMIN, Role.CITY_OFFICIAL})


def year_parameter(description):
    return path_parameter("year", description)


def scoped_town(user, code):
    """The town a write names, looked up within the caller's scope: one outside it answers exactly like an
    unknown code (issue 8, point 10)."""
    town = selectors.town_in_scope(user, code)
    if town is None:
        raise DomainError(f"乡镇“{(code or '').strip()}”不存在。")
    return town


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
        return selectors.indicator_systems()


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
            "某一年度的评价：状态、设置、计算任务进度（job_state、job_progress、job_message）、评分不完整和未评分的镇"
            "（incomplete_towns、unassessed_towns）、发布记录（publications）。读取不会建立评价："
            "该年度尚无任何写入时返回默认设置（exists=false），由第一次写入（设置、得分、导入、计算）建立。"
        ),
        parameters=[year_parameter("年度，如 2024")],
        responses={200: AssessmentRoundDetailSerializer, 404: NOT_FOUND},
    ),
)
class AssessmentRoundViewSet(ConditionalWriteMixin, viewsets.GenericViewSet):
    """One round per year; the province runs its job, publishes its results, and reopens it if need be.

    Its ETag is the version of its settings (the thresholds and counts that PATCH changes)."""

    serializer_class = AssessmentRoundSerializer
    etag_kind = "assessment_round"
    permission_classes = [AssessmentWrites]
    lookup_field = "year"
    lookup_value_regex = r"\d{4}"
    filter_backends = []

    def get_queryset(self):
        return selectors.rounds_by_year()

    def rendered(self, rounds, serializer_class=AssessmentRoundSerializer, many=True):
        years = [r.year for r in rounds] if many else [rounds.year]
        context = self.get_serializer_context()
        user = self.request.user
        context["unassessed"] = selectors.unassessed_counts(years) if sees_proposed(user) else {}
        if not many and serializer_class is AssessmentRoundDetailSerializer:
            sees_gaps = sees_proposed(user) or user.role == Role.CITY_OFFICIAL
            context["gaps"] = selectors.scoring_gaps(user, rounds) if sees_gaps else None
        return serializer_class(rounds, many=many, context=context).data

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.rendered(page))

    def displayed_round(self, year):
        return selectors.round_or_default(checked_year(year))

    def etag_key(self, instance):
        return instance.year

    def current_instance(self, instance):
        return self.displayed_round(instance.year)

    def current_data(self, instance):
        return self.rendered(instance, AssessmentRoundDetailSerializer, many=False)

    def retrieve(self, request, year=None):
        assessment_round = self.displayed_round(year)
        return self.with_etag(Response(self.current_data(assessment_round)), assessment_round)

    @extend_schema(
        summary="修改年度评价设置",
        description=(
            "仅省级管理员，评分开始之前（或已发布年度重新开放更正时）：excellent_threshold、good_threshold、"
            "pass_threshold（100 ≥ 优秀 ≥ 良好 ≥ 合格 ≥ 0）、top_count、bottom_count（至少 1）。"
            "该年度尚未建立时由本次修改建立。不允许时返回 400 并说明原因。"
            "响应头 ETag 为设置的当前版本；带 If-Match（读取时的 ETag）而设置已被他人修改时返回 412 及当前内容，"
            "不作修改。"
        ),
        parameters=[year_parameter("年度，如 2024"), IF_MATCH],
        request=RoundSettingsSerializer,
        responses={200: AssessmentRoundDetailSerializer, **ROUND_ACTION_RESPONSES, 412: PRECONDITION_FAILED},
    )
    def partial_update(self, request, year=None):
        serializer = RoundSettingsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not serializer.validated_data:
            raise DomainError("请至少填写一项设置。")
        shown = self.displayed_round(year)
        with self.precondition(shown):
            services.update_settings(
                request.user, year=year, version=self.expected_version(shown), **serializer.validated_data
            )
        return self.round_response(year)

    def round_response(self, year, status_code=status.HTTP_200_OK, started=None):
        assessment_round = selectors.round_or_default(int(year))
        if started is None:
            data = self.rendered(assessment_round, AssessmentRoundDetailSerializer, many=False)
            return self.with_etag(Response(data, status=status_code), assessment_round)
        assessment_round.started = started
        data = self.rendered(assessment_round, AssessmentRoundStartedSerializer, many=False)
        return Response(data, status=status_code)

    @extend_schema(
        summary="运行年度评价计算",
        description=(
            "仅省级管理员。提交该年度的计算任务（Celery）：综合得分与等次、各层级全省排名（一票否决排在最后）、"
            "拟表扬和拟批评名单、连续两年排名靠后的淘汰与递补，结果为待发布（proposed）。返回 202 和年度评价，"
            "job 为本次计算的后台任务（与 GET /api/v1/jobs/{id}/ 相同，列入发起人的“我的任务”），"
            "进度也见 job_state、job_progress；计算已在排队或进行中时不重复提交（started=false，job 为进行中的任务）。"
            "再次运行替换该年度的待发布结果；已发布（冻结）的年度须先重新开放，否则返回 400。"
            "提交即截止评分（此后得分、导入、一票否决、免评均被拒绝，直至重新开放）。"
            "有评分不完整或未评分的镇时须 confirm_incomplete=true，否则返回 400 并列出这些镇；"
            "上一年度已重新开放或已评分而尚未发布时返回 400（说明须先发布上一年度）。"
            "计算进程中断（超过租约没有心跳）的任务显示为 failed，可再次运行。"
        ),
        parameters=[year_parameter("年度，如 2024")],
        request=RunSerializer,
        responses={202: AssessmentRoundStartedSerializer, **ROUND_ACTION_RESPONSES},
    )
    @action(detail=True, methods=["post"], url_path="run", url_name="run", serializer_class=RunSerializer)
    def run(self, request, year=None):
        serializer = RunSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        confirm = serializer.validated_data["confirm_incomplete"]
        assessment_round, started = start_assessment(request.user, year=year, confirm_incomplete=confirm)
        return self.round_response(assessment_round.year, status.HTTP_202_ACCEPTED, started=started)

    @extend_schema(
        summary="发布（或更正后重新发布）将带来的变化",
        description=(
            "仅省级角色，计算完成（state=computed）后：确认发布之前查看本次发布将重新发文的通报（及被替代的原文号）、"
            "认定变更（淘汰、递补，更正时的撤销淘汰、撤销递补）、新增和撤销的约谈、未评且未免评的省级示范镇。"
            "不写入任何数据。"
        ),
        parameters=[year_parameter("年度，如 2024")],
        responses={200: PublicationPreviewSerializer, 400: REFUSED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], url_path="publication-preview", url_name="publication-preview")
    def publication_preview(self, request, year=None):
        if not sees_proposed(request.user):
            raise Http404
        assessment_round = self.displayed_round(year)
        plan = selectors.publication_plan(assessment_round)
        return Response(selectors.publication_preview(plan))

    @extend_schema(
        summary="模拟：改变设置、假设否决或更正得分后的结果",
        description=(
            "仅省级管理员。以 settings（分数线、表扬和批评名额）、vetoes（假设一票否决的镇）、"
            "scores（{镇: {指标: 得分}} 更正后的得分）模拟该年度，与当前草稿（按现有得分计算的结果）对照："
            "rankings、notices、eliminations 与相应列表接口的条目形状相同，changes 列出排名、等次、表扬和批评名单、"
            "淘汰、递补、不足最低数的市（州）的变化。不写入任何数据。"
        ),
        parameters=[year_parameter("年度，如 2024")],
        request=SimulateSerializer,
        responses={200: SimulationSerializer, **ROUND_ACTION_RESPONSES},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="simulate",
        url_name="simulate",
        serializer_class=SimulateSerializer,
    )
    def simulate(self, request, year=None):
        serializer = SimulateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        settings = services.parse_settings(values["settings"])
        result = selectors.simulate(
            self.displayed_round(year), settings=settings, vetoes=values["vetoes"], scores=values["scores"]
        )
        return Response(selectors.simulation_payload(result, request.user))

    @extend_schema(
        summary="发布年度评价结果",
        description=(
            "仅省级管理员，计算完成（state=computed）后。生成通报文号（前缀〔年〕序号号），一次性执行全部淘汰与递补"
            "的认定变更，建立约谈跟踪，结果冻结。可设定本次发布的通报的发文机关（issuer）、成文日期（signed_on）、"
            "主送（recipients）、抄送（copied_to）、印发机关（printer）和印发日期（printed_on），未给出的取默认值。"
            "尚未计算、已发布、未填写 doc_prefix，或成文日期晚于今天等参数不合规时返回 400。"
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
        assessment_round = publish(
            request.user,
            year=year,
            doc_prefix=serializer.validated_data["doc_prefix"],
            **serializer.parameters(),
        )
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
        assessment_round = reopen(request.user, year=year, reason=serializer.validated_data["reason"])
        return self.round_response(assessment_round.year)


# --- scores -----------------------------------------------------------------------------------------------


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(
        summary="评价得分列表",
        description=(
            "各镇各指标的得分。省级角色见全部；市（州）工作人员见本市各镇（含评分中的年度）；"
            "其他角色和合作机构只见已发布年度、其权限范围内的得分。"
            "按评价年度的批次、镇（区划代码）、指标排列，即唯一索引（批次、镇、指标）的顺序，"
            "全国规模下翻页同样快；按年度查看请用 year 筛选。"
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
        # The unique index's order (round, town, indicator): a page is read off it, never sorted.
        return visible_scores(self.request.user).order_by("round_id", "town_id", "indicator_id")

    def create(self, request, *args, **kwargs):
        serializer = ScoreCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        town = scoped_town(request.user, values["town"])
        year, indicator = values["year"], values["indicator"].strip()
        existed = selectors.score_id(year, town, indicator) is not None
        save_scores(request.user, year=year, town=town, points_by_code={indicator: values["points"]})
        score_id = selectors.score_id(year, town, indicator)
        return self.read_response(score_id, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


# --- rankings (R7, R8) ------------------------------------------------------------------------------------


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
        "incomplete": "incomplete",
        "exempt": "exempt",
        "status": "status",
    }
    list_labels = {"tier_label": ("tier", Tier), "grade_label": ("grade", Grade)}

    def get_queryset(self):
        return selectors.ranking_list(self.request.user)

    def get_list_queryset(self, queryset):
        if self.request.query_params.get("year"):  # a valid one: the filter set refused any other
            queryset = selectors.ranking_list_of_one_year(queryset)
        return selectors.with_grade_or_null(queryset)


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
        return visible_notices(self.request.user).order_by("-round__year", "kind", "-id")

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


# --- vetoes, exemptions, talks (R7, R8) -------------------------------------------------------------------


def _year_and_town(request):
    """The ?year= and ?town= of a list of vetoes, exemptions or talks, as given."""
    return {"year": request.query_params.get("year"), "town": request.query_params.get("town")}


def record_for_town(request, input_serializer, record, output_serializer):
    """A veto or an exemption: the body names a town (in the caller's scope), a year, a reason, a doc_no."""
    serializer = input_serializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    values = serializer.validated_data
    town = scoped_town(request.user, values["town"])
    recorded = record(
        request.user, year=values["year"], town=town, reason=values["reason"], doc_no=values["doc_no"]
    )
    return Response(output_serializer(recorded).data, status=status.HTTP_201_CREATED)


YEAR_TOWN_FILTERS = [
    OpenApiParameter("year", OpenApiTypes.INT, description="年度"),
    OpenApiParameter("town", OpenApiTypes.STR, description="镇区划代码"),
]


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(
        summary="一票否决列表",
        description="各年度登记的一票否决事项（限用户权限范围内的镇），按年度由近及远。",
        parameters=YEAR_TOWN_FILTERS,
    ),
    create=extend_schema(
        summary="登记一票否决",
        description=(
            "仅省级管理员，评分中（state=open）的年度：town、year、reason、doc_no。该镇当年不是示范镇、"
            "评分已截止或已发布时返回 400 并说明原因；区划代码不存在时返回 400“乡镇不存在”。"
        ),
        request=VetoCreateSerializer,
        responses={201: VetoSerializer, 400: REFUSED, 403: FORBIDDEN},
    ),
)
class VetoViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = VetoSerializer
    permission_classes = [AssessmentWrites]
    filter_backends = []

    def get_queryset(self):
        return selectors.veto_list(self.request.user, **_year_and_town(self.request))

    def create(self, request, *args, **kwargs):
        return record_for_town(request, VetoCreateSerializer, services.record_veto, VetoSerializer)


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(
        summary="免评列表",
        description="各年度登记的免评（原因和文号），限用户权限范围内的镇。未评的省级示范镇须有免评才能发布。",
        parameters=YEAR_TOWN_FILTERS,
    ),
    create=extend_schema(
        summary="登记免评",
        description=(
            "仅省级管理员，评分中（state=open）的年度：town、year、reason、doc_no（均必填）。"
            "该镇已有得分、当年不是示范镇或已登记免评时返回 400 并说明原因。"
        ),
        request=ExemptionCreateSerializer,
        responses={201: ExemptionSerializer, 400: REFUSED, 403: FORBIDDEN},
    ),
)
class ExemptionViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = ExemptionSerializer
    permission_classes = [AssessmentWrites]
    filter_backends = []

    def get_queryset(self):
        return selectors.exemption_list(self.request.user, **_year_and_town(self.request))

    def create(self, request, *args, **kwargs):
        return record_for_town(
            request, ExemptionCreateSerializer, services.record_exemption, ExemptionSerializer
        )


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(
        summary="约谈跟踪列表",
        description=(
            "通报批评的省级示范镇须约谈其负责人，跟踪至约谈完成：status 为 pending（待约谈）、held（已约谈）或"
            " cancelled（结果更正后不再列入通报批评而撤销）。限用户权限范围内的镇。"
        ),
        parameters=[
            *YEAR_TOWN_FILTERS,
            OpenApiParameter("status", OpenApiTypes.STR, description="pending、held 或 cancelled"),
        ],
    ),
)
class TalkViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = TalkSerializer
    permission_classes = [AssessmentWrites]
    filter_backends = []
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        status = self.request.query_params.get("status")
        return selectors.talk_list(self.request.user, **_year_and_town(self.request), status=status)

    @extend_schema(
        summary="登记约谈已完成",
        description=(
            "仅省级管理员：held_on（约谈日期）、note（约谈情况）。约谈已因结果更正撤销时返回 400；"
            "不存在或不在权限范围内时返回 404。"
        ),
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="约谈 ID")],
        request=TalkHeldSerializer,
        responses={200: TalkSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(
        detail=True, methods=["post"], url_path="held", url_name="held", serializer_class=TalkHeldSerializer
    )
    def held(self, request, pk=None):
        talk = self.get_object()
        serializer = TalkHeldSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        talk = services.mark_talk_held(
            request.user, talk=talk, held_on=values["held_on"], note=values["note"]
        )
        return Response(TalkSerializer(talk).data)
