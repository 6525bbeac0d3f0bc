from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets

from core.api.serializers import NOT_FOUND
from core.api.values_list import ValuesListMixin
from core.scoping import restrict

from ..choices import Began, DevType, Ended, Tier
from ..filtersets import DesignationFilterSet, RegionFilterSet, TownFilterSet
from ..models import Designation, Region, Town, TownKind
from ..selectors import quota_report
from .serializers import (
    DesignationSerializer,
    QuotaQuerySerializer,
    QuotaSerializer,
    RegionSerializer,
    TownDetailSerializer,
    TownSerializer,
    quota_row,
)


def code_parameter(description):
    return OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description=description)


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
        return restrict(Region.objects.all(), self.request.user)


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
        queryset = Town.objects.with_active_designation().select_related("county", "city")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("designations", queryset=Designation.objects.order_by("-from_year", "-id"))
            )
        return restrict(queryset, self.request.user)

    def get_serializer_class(self):
        return TownDetailSerializer if self.action == "retrieve" else TownSerializer

    def filter_queryset(self, queryset):
        # The list filters (and its default of 镇 only) do not apply to a lookup by code.
        if self.action == "retrieve":
            return queryset
        return super().filter_queryset(queryset)


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
        return queryset.annotate(
            active_flag=ExpressionWrapper(Q(to_year__isnull=True), output_field=BooleanField())
        )

    def get_queryset(self):
        queryset = Designation.objects.select_related("town", "town__county", "town__city")
        return restrict(queryset, self.request.user)


@extend_schema(tags=["quotas"])
class QuotaViewSet(viewsets.GenericViewSet):
    """R1: active designations per tier against the minimums, per region the user may see."""

    serializer_class = QuotaSerializer
    filter_backends = []

    def get_queryset(self):
        # The regions whose rows the user sees; the rows themselves come from quota_report(). Only the
        # browsable API asks for it.
        return restrict(Region.objects.all(), self.request.user)

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
        province, cities, counties = quota_report(request.user)
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
