"""The top floor's API: the caller's to-do list (GET /api/v1/todo/, the same items as the /towns/inbox/ page,
dashboard.todo), a town's summary, the global search, and the caller's dashboard (GET /api/v1/dashboard/, and
?region=<code>: the home page's or the region page's numbers; a region outside the caller's scope answers 404,
like an unknown one); config/api_urls.py routes them."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.schema import path_parameter
from core.api.serializers import NOT_FOUND, REFUSED

from ..rules import MEASURE_BY_KEY, MEASURES
from ..search import LIMIT, search
from ..selectors import dashboard_for, region_in_scope
from ..todo import todo_items
from ..town_summary import town_summary
from .serializers import (
    DashboardSerializer,
    SearchQuerySerializer,
    SearchResultSerializer,
    TodoItemSerializer,
    TodoListSerializer,
    TownSummarySerializer,
)

MEASURE_HELP = "；".join(f"{measure.key}：{measure.label}" for measure in MEASURES)


class WholeListSchema(AutoSchema):
    """The list answers one object (count and every item), not a page nor a bare array."""

    def _is_list_view(self, serializer=None):
        return False


class TodoViewSet(viewsets.ViewSet):
    """待办事项：当前用户须办理的事项（逾期的在前），每项附办理页面的链接。"""

    schema = WholeListSchema()

    @extend_schema(responses=TodoListSerializer)
    def list(self, request):
        items = todo_items(request.user)
        return Response({"count": len(items), "results": TodoItemSerializer(items, many=True).data})


class TownSummaryView(GenericAPIView):
    serializer_class = TownSummarySerializer
    filter_backends = []
    pagination_class = None

    @extend_schema(
        tags=["towns"],
        summary="乡镇综合情况",
        description=(
            "与乡镇页面相同的内容：基本信息、认定历史、候选镇申报及其流转记录、建设项目及形象进度、资金安排（按来源）、"
            "历年综合得分与排名、一票否决、列入该镇的通报和约谈，均限于调用者的权限范围（如待发布的评价结果只对省级角色列出）。"
            "镇不在权限范围内时返回 404，与区划代码不存在时相同。"
        ),
        parameters=[path_parameter("code", "乡级区划代码（9 位），如 220112100", kind=OpenApiTypes.STR)],
        responses={200: TownSummarySerializer, 404: NOT_FOUND},
    )
    def get(self, request, code):
        summary = town_summary(request.user, code)
        if summary is None:
            raise NotFound()
        return Response(self.get_serializer(summary).data)


class SearchView(GenericAPIView):
    serializer_class = SearchResultSerializer
    filter_backends = []
    pagination_class = None

    @extend_schema(
        tags=["search"],
        summary="全局查找",
        description=(
            "按名称、区划代码开头、拼音首字母（cc 找到长春市）查找地区（市（州）、县（市、区））、乡镇，按名称查找建设项目，"
            "按文号查找通报，按镇名称查找候选镇申报；每类最多 limit 条（默认 8），完全相同的名称或代码在前，"
            "均限于调用者的权限范围。q 为空时返回 400。"
        ),
        parameters=[SearchQuerySerializer],
        responses={200: SearchResultSerializer, 400: REFUSED},
    )
    def get(self, request):
        query = SearchQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        q = query.validated_data.get("q", "")
        groups = search(request.user, q, limit=query.validated_data.get("limit", LIMIT))
        return Response(self.get_serializer({"q": q.strip(), "groups": groups}).data)


class DashboardView(APIView):
    """工作台数据：与首页（或地区页）相同的主要指标、分地区情况和图表数字。"""

    @extend_schema(
        tags=["dashboard"],
        summary="工作台数据",
        description=(
            "省级角色为全省看板（含各市（州）地图指标），市（州）为所辖县（市、区），县（市、区）为所辖乡镇；"
            "region 为用户权限范围内的市（州）或县（市、区）代码时返回该地区的看板。"
            "进度报送为本期（按 PROGRESS_PERIOD 的月或季度），得分为最近已发布的年度评价。"
        ),
        parameters=[
            OpenApiParameter(
                "region", OpenApiTypes.STR, description="市（州）4 位或县（市、区）6 位区划代码，如 2201"
            ),
            OpenApiParameter(
                "measure",
                OpenApiTypes.STR,
                enum=[measure.key for measure in MEASURES],
                description=f"地图着色指标（省级看板），默认 designations。{MEASURE_HELP}",
            ),
        ],
        responses={200: DashboardSerializer, 400: REFUSED, 404: NOT_FOUND},
    )
    def get(self, request):
        code = request.query_params.get("region", "")
        region = region_in_scope(request.user, code) if code else None
        if code and region is None:
            raise NotFound()
        measure = request.query_params.get("measure")
        if measure and measure not in MEASURE_BY_KEY:
            raise ValidationError({"measure": [f"地图指标应为：{MEASURE_HELP}。"]})
        dashboard = dashboard_for(request.user, region=region, measure=measure)
        return Response(DashboardSerializer(dashboard).data)
