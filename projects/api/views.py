"""API v1 for task areas (R4), projects (R5) and progress reports: reads scoped by the one policy
(core.scoping), writes through projects.services, refusals as 400 with the service's Chinese reason."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action

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

from ..choices import BondType, ProjectStatus
from ..filtersets import ProgressReportFilterSet, ProjectFilterSet
from ..selectors import scoped_project, scoped_town, task_areas, visible_projects, visible_reports
from ..services import change_status as change_project_status
from ..services import create_project, submit_report, update_project
from .serializers import (
    NOT_WRITABLE,
    ProgressReportCreateSerializer,
    ProgressReportSerializer,
    ProjectCreateSerializer,
    ProjectSerializer,
    ProjectStatusChangeSerializer,
    ProjectUpdateSerializer,
    TaskAreaSerializer,
)


class CountyOfficialWrites(RoleWrites):
    """R5: counties file their towns' projects and progress."""

    message = "只有县（市、区）工作人员可以填报和修改项目及进度。"
    writers = frozenset({Role.COUNTY_OFFICIAL})


def id_parameter(description):
    return path_parameter("id", description)


# --- R4 task areas ------------------------------------------------------------------------------------


@extend_schema(tags=["projects"])
@extend_schema_view(
    list=extend_schema(
        summary="任务领域列表",
        description="15 个任务领域（T01–T15），分 5 组：产业项目、市政设施、公共事业、人居环境、体制机制。",
    ),
    retrieve=extend_schema(
        summary="任务领域详情",
        parameters=[
            OpenApiParameter(
                "code", OpenApiTypes.STR, OpenApiParameter.PATH, description="任务领域代码 T01–T15，如 T03"
            )
        ],
        responses={200: TaskAreaSerializer, 404: NOT_FOUND},
    ),
)
class TaskAreaViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TaskAreaSerializer
    lookup_field = "code"
    filter_backends = []

    def get_queryset(self):
        return task_areas()


# --- R5 projects --------------------------------------------------------------------------------------


def refuse_not_writable(data, also=()):
    """Computed and workflow fields sent by the client are refused, never stored nor silently dropped."""
    sent = [name for name in (*NOT_WRITABLE, *also) if name in data]
    if sent:
        raise DomainError(
            f"不能填写的字段：{'、'.join(sent)}。省级重点支持和推荐债券类型由系统计算，"
            "状态和完工说明通过 POST /api/v1/projects/{id}/status/ 变更，完成投资和形象进度来自进度报送，"
            "version 由系统维护（修改时可带上以发现他人的修改）。"
        )


project_id = id_parameter("项目 ID")


@extend_schema(tags=["projects"])
@extend_schema_view(
    list=extend_schema(
        summary="建设项目列表",
        description=(
            "限于用户权限范围：县级只见本县，市级只见本市，省级角色见全省。key_provincial_support（省级重点支持）"
            "和 recommended_bond_type（推荐债券类型）由系统按 R5 计算。year 筛选建设期（开工至完工年度）"
            "包含该年的项目。"
        ),
    ),
    retrieve=extend_schema(
        summary="建设项目详情",
        description='响应头 ETag 为项目当前版本（如 "project-12-v4"），修改时放入 If-Match 可防止覆盖他人的修改。',
        parameters=[project_id],
        responses={200: ProjectSerializer, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="填报建设项目",
        description=(
            "仅县（市、区）工作人员，为本县的示范镇填报：town（镇区划代码）及项目信息，状态为储备（planned）。"
            "town 不存在或属于其他县（市、区）时同样返回 400“乡镇“…”不存在。”；非示范镇、金额或年度有误时返回 400"
            "并说明原因，不创建项目。"
            "key_provincial_support、recommended_bond_type、status、completed_investment 等由系统确定，"
            "在请求中出现即返回 400。"
        ),
        request=ProjectCreateSerializer,
        responses={201: ProjectSerializer, 400: REFUSED, 403: FORBIDDEN},
    ),
    partial_update=extend_schema(
        summary="修改建设项目",
        description=(
            "仅所属县（市、区），已完工或已终止的项目不能修改；只提交要修改的字段，修改作用于最新的项目（行锁）。"
            "town 创建后不能修改；状态通过 POST /api/v1/projects/{id}/status/ 变更。"
            "返回 400 并说明原因的情形：总投资低于已安排的资金（说明已安排数）；已安排省级一般/专项债券时，"
            "修改公益性、专项债券投向领域、预期年收益或年还本付息使推荐债券类型改变（列出这些债券资金的年度、来源和金额）；"
            "在建项目删除规划批复或设计批复（日期或文号）。带 version 而项目已被他人修改时返回 409；"
            "带 If-Match（读取时的 ETag）而项目已被他人修改时返回 412 及当前内容，均不作修改。"
        ),
        parameters=[project_id, IF_MATCH],
        request=ProjectUpdateSerializer,
        responses={200: ProjectSerializer, **WRITE_RESPONSES, 409: CONFLICT, 412: PRECONDITION_FAILED},
    ),
)
class ProjectViewSet(
    ConditionalWriteMixin,
    ServiceWriteMixin,
    ValuesListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """R5 projects: read within the scope, filed and edited by the owning county through the services."""

    serializer_class = read_serializer_class = ProjectSerializer
    etag_kind = "project"
    action_serializers = {
        "create": ProjectCreateSerializer,
        "partial_update": ProjectUpdateSerializer,
        "change_status": ProjectStatusChangeSerializer,
    }
    filterset_class = ProjectFilterSet
    permission_classes = [CountyOfficialWrites]
    lookup_value_regex = r"\d+"
    list_columns = {
        "id": "id",
        "town": "town_id",
        "town_name": "town__name",
        "county": "town__county_id",
        "county_name": "town__county__name",
        "city": "town__city_id",
        "city_name": "town__city__name",
        "task_area": "task_area_id",
        "task_area_name": "task_area__name",
        "name": "name",
        "public_welfare": "public_welfare",
        "special_bond_field": "special_bond_field",
        "investment": "investment",
        "annual_revenue": "annual_revenue",
        "annual_debt_service": "annual_debt_service",
        "start_year": "start_year",
        "end_year": "end_year",
        "status": "status",
        "planning_approval_date": "planning_approval_date",
        "planning_approval_doc_no": "planning_approval_doc_no",
        "design_approval_date": "design_approval_date",
        "design_approval_doc_no": "design_approval_doc_no",
        "key_provincial_support": "key_support",
        "recommended_bond_type": "bond_type",
        "completed_investment": "completed_investment",
        "percent_complete": "percent_complete",
        "last_reported_period": "last_reported_period",
        "completion_note": "completion_note",
        "version": "version",
        "created_at": "created_at",
        "updated_at": "updated_at",
    }
    list_labels = {
        "status_label": ("status", ProjectStatus),
        "recommended_bond_type_label": ("recommended_bond_type", BondType),
    }
    list_formatted = ("created_at", "updated_at")

    def get_queryset(self):
        return visible_projects(self.request.user)

    def create(self, request, *args, **kwargs):
        refuse_not_writable(request.data, also=("version",))
        serializer = ProjectCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        code = values.pop("town").strip()
        # Another county's town answers exactly as a code that does not exist (the scoping policy).
        town = scoped_town(request.user, code)
        if town is None:
            raise DomainError(f"乡镇“{code}”不存在。")
        project = create_project(request.user, town=town, data=values)
        return self.read_response(project.pk, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        project = self.get_object()
        refuse_not_writable(request.data)
        if "town" in request.data and str(request.data["town"]).strip() != project.town_id:
            raise DomainError("项目创建后不能改到其他镇（town）；如需调整，请终止本项目后重新填报。")
        serializer = ProjectUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        version = self.expected_version(project, values.pop("version", None))
        with self.precondition(project):
            update_project(request.user, project=project, data=values, version=version)
        return self.read_response(project.pk)

    @extend_schema(
        summary="变更建设项目状态",
        description=(
            "仅所属县（市、区）。储备 → 已批复 → 在建 → 已完工，或任一未完结状态 → 已终止。"
            "有项目必规划、无设计不动工：规划批复和设计批复（日期和文号）均已登记才能转为在建，"
            "否则返回 400 并说明缺少哪项批复。转为已完工须最近一期进度报送的形象进度为 100%，"
            "否则须填写 completion_note（未达 100% 即完工的说明，记入项目），否则返回 400。"
            "状态变更作用于最新的项目（行锁）：两个同时的变更只有一个生效；带 version 而项目已被他人修改时返回 409，"
            "带 If-Match 而项目已被他人修改时返回 412 及当前内容。"
        ),
        parameters=[project_id, IF_MATCH],
        request=ProjectStatusChangeSerializer,
        responses={200: ProjectSerializer, **WRITE_RESPONSES, 409: CONFLICT, 412: PRECONDITION_FAILED},
    )
    @action(detail=True, methods=["post"], url_path="status", url_name="status")
    def change_status(self, request, pk=None):
        project = self.get_object()
        serializer = ProjectStatusChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        with self.precondition(project):
            change_project_status(
                request.user,
                project=project,
                status=values["status"],
                completion_note=values["completion_note"],
                version=self.expected_version(project, values.get("version")),
            )
        return self.read_response(project.pk)


# --- progress reports (月/季 调度) -------------------------------------------------------------------------


@extend_schema(tags=["projects"])
@extend_schema_view(
    list=extend_schema(
        summary="项目进度报送列表",
        description="限于用户权限范围；每期为截至期末的累计完成投资和形象进度；按项目排列，周期由近及远。",
    ),
    retrieve=extend_schema(
        summary="项目进度报送详情",
        parameters=[id_parameter("进度报送 ID")],
        responses={200: ProgressReportSerializer, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="报送项目进度",
        description=(
            "仅所属县（市、区），项目须为已批复、在建或已完工。每个项目每期报送一次；累计完成投资不能超过"
            "项目总投资，累计完成投资和形象进度不能少于上一期（也不能多于之后已报送的一期），不能报送尚未开始的"
            "周期：否则返回 400 并说明原因。项目不在权限范围内时返回 404。"
        ),
        request=ProgressReportCreateSerializer,
        responses={201: ProgressReportSerializer, **WRITE_RESPONSES},
    ),
)
class ProgressReportViewSet(
    ServiceWriteMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ProgressReportSerializer
    action_serializers = {"create": ProgressReportCreateSerializer}
    filterset_class = ProgressReportFilterSet
    permission_classes = [CountyOfficialWrites]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return visible_reports(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = ProgressReportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        project = scoped_project(request.user, values["project"])
        if project is None:
            raise NotVisible()
        report = submit_report(
            request.user,
            project=project,
            period_type=values["period_type"],
            year=values["year"],
            number=values["number"],
            cumulative_investment=values["cumulative_investment"],
            percent_complete=values["percent_complete"],
            narrative=values["narrative"],
        )
        return self.read_response(report.pk, status.HTTP_201_CREATED)
