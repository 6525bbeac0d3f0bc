"""The top floor's API: a town's summary (config/api_urls.py routes it)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from core.api.schema import path_parameter
from core.api.serializers import NOT_FOUND

from ..town_summary import town_summary
from .serializers import TownSummarySerializer


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
