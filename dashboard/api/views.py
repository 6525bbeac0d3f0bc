"""The top floor's API: the caller's to-do list (GET /api/v1/todo/, the same items as the /towns/inbox/ page,
dashboard.todo), a town's summary and the global search (config/api_urls.py routes them)."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from core.api.schema import path_parameter
from core.api.serializers import NOT_FOUND, REFUSED

from ..search import LIMIT, search
from ..todo import todo_items
from ..town_summary import town_summary
from .serializers import (
    SearchQuerySerializer,
    SearchResultSerializer,
    TodoItemSerializer,
    TodoListSerializer,
    TownSummarySerializer,
)


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
