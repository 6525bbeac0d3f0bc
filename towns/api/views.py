from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import Role
from core.api.permissions import RoleWrites
from core.api.schema import path_parameter
from core.api.serializers import FORBIDDEN, NOT_FOUND, REFUSED
from core.api.values_list import ValuesListMixin

from .. import selectors
from ..choices import Began, DevType, Ended, Tier, TierChange, TownKind
from ..filtersets import DesignationFilterSet, RegionFilterSet, TownFilterSet
from ..services import change_tier
from .serializers import (
    DesignationSerializer,
    QuotaQuerySerializer,
    QuotaSerializer,
    RegionSerializer,
    TierChangeResultSerializer,
    TierChangeSerializer,
    TownDetailSerializer,
    TownSerializer,
    quota_row,
)


def code_parameter(description):
    return path_parameter("code", description, kind=OpenApiTypes.STR)


@extend_schema(tags=["regions"])
@extend_schema_view(
    list=extend_schema(summary="行政区划列表", description="省、市（州）、县（市、区），限于用户权限范围。"),
    retrieve=extend_schema(
        summary="行政区划详情",
        parameters=[code_parameter("区划代码：省 2 位、市（州）4 位、县（市、区）6 位，如 220112")],
        responses={200: RegionSerializer, 404: NOT_FOUND},
    ),
)
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    lookup_field = "code"

    def get_queryset(self):
        return selectors.visible_regions(self.request.user)


class TierChangeWrites(RoleWrites):
    """R2: tier changes outside a round are the province's, and the city's for its city-level towns."""

    message = "只有省级管理员或市（州）工作人员可以调整示范镇层级。"
    writers = frozenset({Role.PROVINCE_ADMIN, Role.CITY_OFFICIAL})


@extend_schema(tags=["towns"])
@extend_schema_view(
    list=extend_schema(
        summary="乡镇列表",
        description="默认只列出建制镇（kind=all 列出全部乡级单位）；tier 为有效认定的层级，非示范镇为 null。",
    ),
    retrieve=extend_schema(
        summary="乡镇详情",
        description="任一乡级单位（镇、乡、街道），含示范镇认定历史（最近的在前）。",
        parameters=[code_parameter("乡级区划代码（9 位），如 220112100")],
        responses={200: TownDetailSerializer, 404: NOT_FOUND},
    ),
)
class TownViewSet(ValuesListMixin, viewsets.ReadOnlyModelViewSet):
    filterset_class = TownFilterSet
    lookup_field = "code"
    list_columns = {
        "code": "code",
        "name": "name",
        "kind": "kind",
        "county": "county_id",
        "county_name": "county__name",
        "city": "city_id",
        "city_name": "city__name",
        "tier": "active_tier",
        "tier_since": "active_since",
        "tier_doc_no": "active_doc_no",
        "dev_type": "dev_type",
    }
    list_labels = {
        "kind_label": ("kind", TownKind),
        "tier_label": ("tier", Tier),
        "dev_type_label": ("dev_type", DevType),
    }

    def get_queryset(self):
        return selectors.directory_towns(self.request.user, with_history=self.action == "retrieve")

    def get_serializer_class(self):
        if self.action == "tier_change":
            return TierChangeSerializer
        return TownDetailSerializer if self.action == "retrieve" else TownSerializer

    def filter_queryset(self, queryset):
        # The list filters (and its default of 镇 only) do not apply to a lookup by code.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    @extend_schema(
        summary="调整示范镇层级（评选批次之外）",
        description=(
            "与乡镇详情页的“层级调整”相同的规则和提示（R2）：change 为 promote（晋级为更高层级）、"
            "change（调整为其他层级）或 withdraw（撤销认定）；promote、change 须填 tier；均须填 year 和 doc_no"
            "（文号）。省级管理员可办理全部调整；市（州）工作人员只能办理本市的市级认定（认定为市级、调整或撤销"
            "市级认定）。promote、change 返回 201 和新的认定，withdraw 返回 200 和被撤销的认定，均附该镇调整后的"
            "认定历史（history）。规则不允许时返回 400 并说明原因，认定不变；只读角色和县（市、区）工作人员返回"
            " 403；镇不在权限范围内时返回 404，与区划代码不存在时相同。"
        ),
        parameters=[code_parameter("乡级区划代码（9 位），如 220112100")],
        request=TierChangeSerializer,
        responses={
            201: OpenApiResponse(TierChangeResultSerializer, description="promote、change：新的认定"),
            200: OpenApiResponse(TierChangeResultSerializer, description="withdraw：被撤销的认定"),
            400: REFUSED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="tier-change",
        url_name="tier-change",
        permission_classes=[TierChangeWrites],
    )
    def tier_change(self, request, code=None):
        town = self.get_object()
        serializer = TierChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        change = data["change"]
        new_tier = None if change == TierChange.WITHDRAW else (data.get("tier") or None)
        designation = change_tier(
            request.user,
            town=town,
            change=change,
            year=data["year"],
            doc_no=data["doc_no"],
            new_tier=new_tier,
        )
        designation = selectors.designation_with_town(designation.pk)
        context = {
            **self.get_serializer_context(),
            "history": selectors.designation_history(designation.town),
        }
        return Response(
            TierChangeResultSerializer(designation, context=context).data,
            status=status.HTTP_200_OK if change == TierChange.WITHDRAW else status.HTTP_201_CREATED,
        )


@extend_schema(tags=["designations"])
@extend_schema_view(
    list=extend_schema(
        summary="示范镇认定列表", description="全部认定，含已终止的历史认定（active=true 只列有效认定）。"
    ),
    retrieve=extend_schema(summary="示范镇认定详情", responses={200: DesignationSerializer, 404: NOT_FOUND}),
)
class DesignationViewSet(ValuesListMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = DesignationSerializer
    filterset_class = DesignationFilterSet
    list_columns = {
        "id": "id",
        "town": "town_id",
        "town_name": "town__name",
        "county": "town__county_id",
        "county_name": "town__county__name",
        "city": "town__city_id",
        "city_name": "town__city__name",
        "tier": "tier",
        "from_year": "from_year",
        "to_year": "to_year",
        "began": "began",
        "ended": "ended",
        "doc_no": "doc_no",
        "end_doc_no": "end_doc_no",
        "dev_type": "dev_type",
        "active": "active_flag",
    }
    list_labels = {
        "tier_label": ("tier", Tier),
        "began_label": ("began", Began),
        "ended_label": ("ended", Ended),
        "dev_type_label": ("dev_type", DevType),
    }

    def get_list_queryset(self, queryset):
        return selectors.with_active_flag(queryset)

    def get_queryset(self):
        return selectors.visible_designations(self.request.user)


@extend_schema(tags=["quotas"])
class QuotaViewSet(viewsets.GenericViewSet):
    """R1: active designations per tier against the minimums, per region the user may see."""

    serializer_class = QuotaSerializer
    filter_backends = []

    def get_queryset(self):
        # The regions whose rows the user sees; the rows themselves come from quota_report(). Only the
        # browsable API asks for it.
        return selectors.visible_regions(self.request.user)

    @extend_schema(
        summary="示范镇数量达标情况",
        description=(
            "按省、市（州）、县（市、区）列出各层级有效认定数量、最低数量与缺口"
            "（全省目标：省级 30、市级 40、县级 50；每个市（州）省级、市级各至少 2 个；每个县（市、区）县级至少 1 个）。"
            "全省合计仅对全省范围的角色列出。"
        ),
        parameters=[QuotaQuerySerializer],
    )
    def list(self, request):
        query = QuotaQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        province, cities, counties = selectors.quota_report(request.user)
        quotas = [*([province] if province is not None else []), *cities, *counties]
        rows = [
            quota_row(quota)
            for quota in quotas
            if ("level" not in filters or quota.level == filters["level"])
            and ("parent" not in filters or quota.parent_code == filters["parent"])
            and ("met" not in filters or quota.met == filters["met"])
        ]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
