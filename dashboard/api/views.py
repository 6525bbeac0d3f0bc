"""GET /api/v1/dashboard/ (and ?region=<code>): the caller's dashboard as the home page (or the region's page)
shows it, within the one scoping policy. A region outside the caller's scope answers 404, like an unknown one."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.serializers import NOT_FOUND, REFUSED
from dashboard.rules import MEASURE_BY_KEY, MEASURES
from dashboard.selectors import dashboard_for, region_in_scope

from .serializers import DashboardSerializer

MEASURE_HELP = "；".join(f"{measure.key}：{measure.label}" for measure in MEASURES)


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
