"""API v1 for funding (R6): new-debt quotas, allocations and the proposed allocation of a county's (or a
city's own) quota. Reads are scoped by the one policy (core.scoping); writes go through funding.services,
whose refusals answer 400 with their Chinese reason."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import Role
from core.api.permissions import RoleWrites
from core.api.schema import path_parameter
from core.api.serializers import (
    CONFLICT,
    FORBIDDEN,
    IF_MATCH,
    NOT_FOUND,
    PRECONDITION_FAILED,
    REFUSED,
    WRITE_RESPONSES,
)
from core.api.values_list import ValuesListMixin
from core.api.viewsets import ConditionalWriteMixin, ServiceWriteMixin
from core.errors import DomainError, NotVisible
from projects.selectors import scoped_project
from towns.models import RegionLevel

from ..choices import FundingSource
from ..filtersets import AllocationFilterSet, DebtQuotaFilterSet
from ..selectors import (
    KINDS,
    proposal,
    quota_exists,
    quota_region,
    quota_regions,
    quotas_with_usage,
    remaining_of,
    scoped_region,
    visible_allocations,
    visible_allocations_by_id,
)
from ..services import accept_proposal, allocate, set_quota
from .serializers import (
    AllocationCreateSerializer,
    AllocationSerializer,
    CityProposalQuerySerializer,
    DebtQuotaAmountsSerializer,
    DebtQuotaSerializer,
    DebtQuotaWriteSerializer,
    ProposalAcceptSerializer,
    ProposalQuerySerializer,
    ProposalSerializer,
)


class QuotaWrites(RoleWrites):
    message = "只有省级管理员可以下达新增债务限额。"
    writers = frozenset({Role.PROVINCE_ADMIN})


class AllocatorWrites(RoleWrites):
    message = "只有省级管理员或项目所在市（州）的工作人员可以安排资金。"
    writers = frozenset({Role.PROVINCE_ADMIN, Role.CITY_OFFICIAL})


class AllocatorsOnly(AllocatorWrites):
    """Reads as well as writes: the proposal is a working tool of the province and the cities."""

    message = "只有省级管理员或县（市、区）所在市（州）的工作人员可以查看和确认资金安排方案。"

    def has_permission(self, request, view):
        return super().has_permission(request, view) and request.user.role in self.writers


def id_parameter(description):
    return path_parameter("id", description)


# --- new-debt quotas ----------------------------------------------------------------------------------


quota_id = id_parameter("新增债务限额 ID")


@extend_schema(tags=["funding"])
@extend_schema_view(
    list=extend_schema(
        summary="新增债务限额列表",
        description=(
            "各县（市、区）或市（州）每年的新增一般债务和专项债务限额（万元），以及扣除已安排债券资金后的剩余限额；"
            "限于用户权限范围。"
        ),
    ),
    retrieve=extend_schema(
        summary="新增债务限额详情",
        parameters=[quota_id],
        responses={200: DebtQuotaSerializer, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="下达新增债务限额",
        description=(
            "仅省级管理员。按地区和年度下达（已有则修改，返回 200）：region（县（市、区）或市（州）代码）、year、"
            "general_amount、special_amount（万元，两位小数）。县（市、区）的限额供其非市级示范镇的项目使用，"
            "市（州）本级的限额只供该市（州）市级示范镇的项目使用。限额不能低于已安排的同类债券，否则返回 400；"
            "地区不存在返回 400。修改已有限额时可带 version：限额在此期间已被他人调整时返回 409。"
        ),
        request=DebtQuotaWriteSerializer,
        responses={
            201: DebtQuotaSerializer,
            200: DebtQuotaSerializer,
            400: REFUSED,
            403: FORBIDDEN,
            409: CONFLICT,
        },
    ),
    partial_update=extend_schema(
        summary="修改新增债务限额",
        description=(
            "仅省级管理员；只提交要修改的金额。限额不能低于已安排的同类债券，否则返回 400。"
            "带 version 而限额在此期间已被他人调整时返回 409，带 If-Match（读取时的 ETag）时返回 412 及当前内容，"
            "均不作调整。"
        ),
        parameters=[quota_id, IF_MATCH],
        request=DebtQuotaAmountsSerializer,
        responses={200: DebtQuotaSerializer, **WRITE_RESPONSES, 409: CONFLICT, 412: PRECONDITION_FAILED},
    ),
)
class DebtQuotaViewSet(
    ConditionalWriteMixin,
    ServiceWriteMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = DebtQuotaSerializer
    etag_kind = "quota"
    action_serializers = {"create": DebtQuotaWriteSerializer, "partial_update": DebtQuotaAmountsSerializer}
    filterset_class = DebtQuotaFilterSet
    permission_classes = [QuotaWrites]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return quotas_with_usage(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = DebtQuotaWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        code = values["region"].strip()
        # A region outside the caller's scope answers exactly as one that does not exist.
        region = scoped_region(request.user, code)
        if region is None:
            raise DomainError(f"地区“{code}”不存在。")
        existed = quota_exists(region, values["year"])
        quota = set_quota(
            request.user,
            region=region,
            year=values["year"],
            general_amount=values["general_amount"],
            special_amount=values["special_amount"],
            version=values.get("version"),
        )
        return self.read_response(quota.pk, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        quota = self.get_object()
        serializer = DebtQuotaAmountsSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        with self.precondition(quota):
            set_quota(
                request.user,
                region=quota.region,
                year=quota.year,
                general_amount=values.get("general_amount", quota.general_amount),
                special_amount=values.get("special_amount", quota.special_amount),
                version=self.expected_version(quota, values.get("version")),
            )
        return self.read_response(quota.pk)


# --- allocations --------------------------------------------------------------------------------------


@extend_schema(tags=["funding"])
@extend_schema_view(
    list=extend_schema(
        summary="资金安排列表",
        description=(
            "各项目按资金来源、年度安排的资金（万元）；债券资金的 quota 为所占用的新增债务限额，quota_region、"
            "quota_region_name 为该限额所属地区：市级示范镇的项目占用所在市（州）本级的限额，其他项目占用所在"
            "县（市、区）的限额。限于用户权限范围。bond_type=general/special 只列省级一般/专项债券。"
        ),
    ),
    retrieve=extend_schema(
        summary="资金安排详情",
        parameters=[id_parameter("资金安排 ID")],
        responses={200: AllocationSerializer, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="安排资金",
        description=(
            "仅省级管理员或项目所在市（州）的工作人员。省级一般/专项债券须与项目的推荐债券类型一致，"
            "不能超过所占用限额当年该类的剩余额度（市级示范镇的项目占用所在市（州）本级的限额，其他项目占用所在"
            "县（市、区）的限额），任何来源都不能超过项目尚未落实的资金（总投资减已安排，按项目最新的总投资）："
            "否则返回 400 并说明原因。项目不存在或不在权限范围内时同样返回 404。"
        ),
        request=AllocationCreateSerializer,
        responses={201: AllocationSerializer, **WRITE_RESPONSES},
    ),
)
class AllocationViewSet(
    ServiceWriteMixin,
    ValuesListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = AllocationSerializer
    action_serializers = {"create": AllocationCreateSerializer}
    filterset_class = AllocationFilterSet
    permission_classes = [AllocatorWrites]
    lookup_value_regex = r"\d+"
    list_columns = {
        "id": "id",
        "project": "project_id",
        "project_name": "project__name",
        "town": "project__town_id",
        "county": "project__town__county_id",
        "city": "project__town__city_id",
        "source": "source",
        "amount": "amount",
        "year": "year",
        "quota": "quota_id",
        "quota_region": "quota__region_id",
        "quota_region_name": "quota__region__name",
        "note": "note",
        "created_at": "created_at",
    }
    list_labels = {"source_label": ("source", FundingSource)}
    list_formatted = ("created_at",)

    def get_queryset(self):
        return visible_allocations(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = AllocationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        project = scoped_project(request.user, values["project"])
        if project is None:
            raise NotVisible()
        allocation = allocate(
            request.user,
            project=project,
            source=values["source"],
            amount=values["amount"],
            year=values["year"],
            note=values["note"],
        )
        return self.read_response(allocation.pk, status.HTTP_201_CREATED)


# --- the proposed allocation of a county's (or a city's own) quota (R6 优先安排) ------------------------------


class ProposalSchema(AutoSchema):
    """GET /allocation-proposals/ answers one proposal, not a list of them."""

    def _is_list_view(self, serializer=None):
        if getattr(self.view, "action", None) == "list":
            return False
        return super()._is_list_view(serializer)


PROPOSAL_PARAMETERS = [
    OpenApiParameter(
        "county",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        description="县（市、区）6 位代码，如 220112：该县的限额，安排给其非市级示范镇的项目（与 city 二选一）",
    ),
    OpenApiParameter(
        "city",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        description="市（州）4 位代码，如 2201：市本级限额，只安排给该市（州）市级示范镇的项目（与 county 二选一）",
    ),
    OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.QUERY, required=True, description="年度"),
]


@extend_schema(tags=["funding"])
class AllocationProposalViewSet(viewsets.GenericViewSet):
    """The proposal shares out a county's (or a city's own) remaining quota for a year over the projects
    drawing on it in R6's priority order (provincial towns' public-welfare projects first); accepting it
    creates those allocations at once. A county's quota serves its projects except those of city-level towns,
    a city's own quota only its city-level towns' projects."""

    serializer_class = ProposalSerializer
    permission_classes = [AllocatorsOnly]
    filter_backends = []
    pagination_class = None
    schema = ProposalSchema()

    def get_queryset(self):
        return quota_regions(self.request.user)

    def get_serializer_class(self):
        return ProposalAcceptSerializer if self.action == "accept" else ProposalSerializer

    def region_and_year(self, data):
        """The county (or, with city and no county, the city) and the year; out of scope = nonexistent."""
        level = RegionLevel.CITY if "city" in data and "county" not in data else RegionLevel.COUNTY
        serializer_class = (
            CityProposalQuerySerializer if level == RegionLevel.CITY else ProposalQuerySerializer
        )
        query = serializer_class(data=data)
        query.is_valid(raise_exception=True)
        code = query.validated_data[level].strip()
        region = quota_region(self.request.user, level, code)
        if region is None:
            raise NotVisible()
        return region, query.validated_data["year"]

    @extend_schema(
        summary="资金安排建议方案",
        description=(
            "按 R6 优先顺序（省级示范镇公益性项目优先，其次省级重点支持项目，再按项目成熟度）将该县（市、区）"
            "（或 city：该市（州）本级）当年剩余的新增债务限额分配给占用该限额、推荐债券类型相符、资金尚未落实的项目；"
            "只是建议，不安排资金。仅省级管理员或该县所在市（州）的工作人员；县或市不存在或不在权限范围内时同样"
            "返回 404，当年尚未下达限额时返回 400。"
        ),
        parameters=PROPOSAL_PARAMETERS,
        responses={200: ProposalSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def list(self, request):
        region, year = self.region_and_year(request.query_params)
        quota, lines = proposal(region, year)
        if quota is None:
            raise DomainError(f"{region.name} {year} 年尚未下达新增债务限额。")
        is_city = region.level == RegionLevel.CITY
        body = {
            "county": None if is_city else region.code,
            "city": region.code if is_city else None,
            "quota_region": region.code,
            "quota_region_name": region.name,
            "year": year,
            "remaining": {kind: remaining_of(quota, kind) for kind in KINDS},
            "lines": lines,
        }
        return Response(ProposalSerializer(body).data)

    @extend_schema(
        summary="确认资金安排建议方案",
        description=(
            "按当前建议方案一次性安排全部资金（同一事务），返回新建的资金安排。body 为 county（或 city：市本级）和"
            " year。仅省级管理员或该县所在市（州）的工作人员；县或市不存在或不在权限范围内时同样返回 404；"
            "尚未下达限额、没有可安排的项目或限额已全部安排时返回 400。"
        ),
        request=ProposalAcceptSerializer,
        responses={201: AllocationSerializer(many=True), 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=False, methods=["post"], url_path="accept", url_name="accept")
    def accept(self, request):
        region, year = self.region_and_year(request.data)
        created = accept_proposal(request.user, region=region, year=year)
        allocations = visible_allocations_by_id(request.user, [allocation.pk for allocation in created])
        data = AllocationSerializer(allocations, many=True, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)
