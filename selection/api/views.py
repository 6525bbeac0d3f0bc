from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from core.api.permissions import ScopedReadOnly
from core.api.renderers import ORJSONRenderer
from core.api.serializers import (
    FORBIDDEN,
    IF_MATCH,
    NOT_FOUND,
    PRECONDITION_FAILED,
    WRITE_RESPONSES,
    DetailSerializer,
)
from core.api.viewsets import ConditionalWriteMixin, ServiceWriteMixin
from core.choices import SecurityEventKind
from core.errors import DomainError
from core.scoping import is_province_admin
from core.security_log import record_security_event

from .. import selectors
from ..choices import DocumentKind, SubmissionAction
from ..filtersets import SubmissionFilterSet
from ..rules import ONLY_PROVINCE_SETS_ROUNDS
from ..services import (
    attach_document,
    create_submission,
    delete_submission,
    save_round,
    transition,
    update_submission,
)
from .serializers import (
    DocumentUploadSerializer,
    SelectionRoundSerializer,
    SubmissionCreateSerializer,
    SubmissionDetailSerializer,
    SubmissionDocumentSerializer,
    SubmissionInformationSerializer,
    SubmissionSerializer,
    TransitionSerializer,
)

STALE_NOTE = "响应头 ETag 为记录当前版本；带 If-Match（读取时的 ETag）而记录已被他人修改时返回 412 及当前内容，不作修改。"


class SelectionRoundWrites(ScopedReadOnly):
    """Every authenticated user reads; only a province_admin writes (rounds are set by the province)."""

    message = ONLY_PROVINCE_SETS_ROUNDS

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        return request.method in SAFE_METHODS or is_province_admin(request.user)


round_id_parameter = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="评选批次 ID"
)
ROUND_WRITE_RESPONSES = {
    400: OpenApiResponse(DetailSerializer, description="填写有误（中文说明）"),
    403: FORBIDDEN,
}


@extend_schema(tags=["selection"])
@extend_schema_view(
    list=extend_schema(summary="评选批次列表", description="全部评选批次（全省统一），截止日期最近的在前。"),
    retrieve=extend_schema(
        summary="评选批次详情",
        description="名称、评选层级、申报截止日期、认定年度，以及是否仍在申报期内。",
        parameters=[round_id_parameter],
        responses={200: SelectionRoundSerializer, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="创建评选批次",
        description="仅省级管理员。tiers 为 provincial、city、county 中的一个或多个；year 省略时为截止日期所在年度。",
        responses={201: SelectionRoundSerializer, **ROUND_WRITE_RESPONSES},
    ),
    update=extend_schema(
        summary="修改评选批次",
        description="仅省级管理员；须提交 name、tiers、deadline。" + STALE_NOTE,
        parameters=[round_id_parameter, IF_MATCH],
        responses={
            200: SelectionRoundSerializer,
            **ROUND_WRITE_RESPONSES,
            404: NOT_FOUND,
            412: PRECONDITION_FAILED,
        },
    ),
    partial_update=extend_schema(
        summary="修改评选批次（部分字段）",
        description="仅省级管理员；未提交的字段保持不变。" + STALE_NOTE,
        parameters=[round_id_parameter, IF_MATCH],
        responses={
            200: SelectionRoundSerializer,
            **ROUND_WRITE_RESPONSES,
            404: NOT_FOUND,
            412: PRECONDITION_FAILED,
        },
    ),
)
class SelectionRoundViewSet(
    ConditionalWriteMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """R3 selection rounds: read by every user, set by the province through save_round()."""

    serializer_class = SelectionRoundSerializer
    etag_kind = "round"
    permission_classes = [SelectionRoundWrites]
    filter_backends = []
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.rounds()

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        selection_round = save_round(request.user, **serializer.validated_data)
        return Response(self.get_serializer(selection_round).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        selection_round = self.get_object()
        serializer = self.get_serializer(selection_round, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        # PATCH keeps what it does not send; PUT replaces all (year then follows the deadline, as on create).
        kept = (
            {
                "name": selection_round.name,
                "tiers": selection_round.tiers,
                "deadline": selection_round.deadline,
                "year": selection_round.year,
            }
            if partial
            else {}
        )
        values = {**kept, **serializer.validated_data}
        with self.precondition(selection_round):
            selection_round = save_round(
                request.user,
                selection_round=selection_round,
                version=self.expected_version(selection_round),
                **values,
            )
        return self.with_etag(Response(self.get_serializer(selection_round).data), selection_round)


class AnyAcceptRenderer(ORJSONRenderer):
    """A download answers whatever the client accepts (e.g. Accept: application/pdf) instead of a 406;
    an error body is still JSON."""

    media_type = "*/*"


id_parameter = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="申报 ID")
TRANSITIONS_DOC = {
    SubmissionAction.SUBMIT: (
        "上报候选镇",
        "县（市、区）工作人员将本县草稿上报市（州）审核；须在截止日期前，两份申报材料齐全、基本信息完整。"
        "comment 可选。",
    ),
    SubmissionAction.RECOMMEND: (
        "市级推荐",
        "市（州）工作人员将本市已上报的候选镇推荐至省级审定；comment 可选。",
    ),
    SubmissionAction.RETURN: (
        "市级退回修改",
        "市（州）工作人员将本市已上报的候选镇退回县级修改，须填写 comment（退回意见）；县级修改后可重新上报。",
    ),
    SubmissionAction.SELECT: (
        "省级审定入选",
        "省级管理员审定市级已推荐的候选镇入选，须填写 doc_no（决定文号）；同时生成该镇申报层级的有效认定。",
    ),
    SubmissionAction.REJECT: (
        "省级审定不入选",
        "省级管理员审定市级已推荐的候选镇不入选，须填写 comment（意见）；doc_no 可选。",
    ),
}


def transition_action(action_name):
    """One POST operation per workflow step, each its own entry in the OpenAPI schema."""
    summary, description = TRANSITIONS_DOC[action_name]

    def handler(self, request, pk=None):
        return self.apply_transition(request, pk, action_name)

    # The router looks the handler up by its name: "return" is a keyword, hence "return_".
    handler.__name__ = handler.__qualname__ = f"{action_name}_" if action_name == "return" else action_name
    handler = action(
        detail=True,
        methods=["post"],
        url_path=action_name,
        url_name=action_name,
        serializer_class=TransitionSerializer,
    )(handler)
    return extend_schema(
        summary=summary,
        description=description
        + " 不在权限范围内的申报返回 404；角色、状态、截止日期或材料不符时返回 400 并说明原因，申报不变。",
        parameters=[id_parameter],
        request=TransitionSerializer,
        responses={200: SubmissionDetailSerializer, **WRITE_RESPONSES},
    )(handler)


@extend_schema(tags=["selection"])
@extend_schema_view(
    list=extend_schema(
        summary="候选镇申报列表",
        description="限于用户权限范围：县级只见本县，市级只见本市，省级角色见全省。",
    ),
    retrieve=extend_schema(
        summary="候选镇申报详情",
        description=(
            "含调用者此刻可以执行的流转操作（available_actions）和流转记录（events）：每一步的操作、操作人及其"
            "当时的角色、时间、意见、状态变化和文号，按时间先后排列。被拒绝的尝试也在其中（accepted=false，"
            "refusal 为原因，状态不变），它们同样是记录的一部分：权限范围内的每个用户都看到全部记录。"
        ),
        parameters=[id_parameter],
        responses={200: SubmissionDetailSerializer, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="填报候选镇（草稿）",
        description=(
            "县（市、区）工作人员为本县的建制镇填报候选镇草稿：round（评选批次 ID）、town（镇区划代码）、"
            "tier（申报层级）及基本信息。批次已截止、不评选该层级、街道或乡、已有同级或更高层级有效认定、"
            "本批次已有申报时返回 400。"
        ),
        request=SubmissionCreateSerializer,
        responses={201: SubmissionDetailSerializer, **WRITE_RESPONSES},
    ),
    destroy=extend_schema(
        summary="删除误建的草稿",
        description="仅所属县（市、区）、从未上报过的草稿（连同其材料）；上报过的申报保留流转记录，不能删除。",
        parameters=[id_parameter],
        responses={204: None, **WRITE_RESPONSES},
    ),
    partial_update=extend_schema(
        summary="修改候选镇基本信息",
        description="仅本县草稿、截止日期前；round、town、tier 创建后不能修改。" + STALE_NOTE,
        parameters=[id_parameter, IF_MATCH],
        request=SubmissionInformationSerializer,
        responses={200: SubmissionDetailSerializer, **WRITE_RESPONSES, 412: PRECONDITION_FAILED},
    ),
)
class SubmissionViewSet(
    ConditionalWriteMixin,
    ServiceWriteMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """R3 candidate submissions: the county drafts, the city reviews, the province decides.

    Every check of role, region, state, deadline and documents is the service's
    (selection.services); the view only finds the submission inside the caller's scope.
    A draft created by mistake can be deleted by its county until it is first submitted.
    """

    filterset_class = SubmissionFilterSet
    lookup_value_regex = r"\d+"
    serializer_class = read_serializer_class = SubmissionDetailSerializer
    etag_kind = "submission"
    action_serializers = {
        "list": SubmissionSerializer,
        "create": SubmissionCreateSerializer,
        "partial_update": SubmissionInformationSerializer,
        "upload_document": DocumentUploadSerializer,
    }

    def get_queryset(self):
        # The detail (and every write's answer) carries the events: one more query, whatever their number.
        return selectors.submissions_with_return_comment(self.request.user, with_events=self.action != "list")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        submission = create_submission(
            request.user,
            selection_round=values.pop("round"),
            town=values.pop("town"),
            tier=values.pop("tier"),
            information=values,
        )
        return self.read_response(submission.pk, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        submission = self.get_object()
        current = {"round": submission.round_id, "town": submission.town_id, "tier": submission.tier}
        changed = [
            name
            for name, value in current.items()
            if name in request.data and str(request.data[name]) != str(value)
        ]
        if changed:
            raise DomainError("申报创建后不能修改评选批次、镇或申报层级（round、town、tier）。")
        serializer = self.get_serializer(submission, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with self.precondition(submission):
            update_submission(
                request.user,
                submission=submission,
                information=dict(serializer.validated_data),
                version=self.expected_version(submission),
            )
        return self.read_response(submission.pk)

    def perform_destroy(self, instance):
        delete_submission(self.request.user, submission=instance)

    def apply_transition(self, request, pk, action_name):
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        submission = transition(
            request.user,
            submission_id=pk,
            action=action_name,
            comment=serializer.validated_data["comment"],
            doc_no=serializer.validated_data["doc_no"],
        )
        return self.read_response(submission.pk)

    submit = transition_action(SubmissionAction.SUBMIT)
    recommend = transition_action(SubmissionAction.RECOMMEND)
    return_ = transition_action(SubmissionAction.RETURN)
    select = transition_action(SubmissionAction.SELECT)
    reject = transition_action(SubmissionAction.REJECT)

    @extend_schema(
        summary="上传申报材料",
        description=(
            "县（市、区）工作人员为本县草稿上传“十四五”建设工作方案（work_plan）或实施方案"
            "（implementation_plan），同类材料再次上传即替换。只接受 PDF、Word、Excel，不超过 20 MB，"
            "按文件内容检查类型（改名的可执行程序、内容与扩展名不符均拒绝，返回 400）。"
        ),
        parameters=[id_parameter],
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: SubmissionDocumentSerializer, **WRITE_RESPONSES},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="documents",
        url_name="documents",
        parser_classes=[MultiPartParser],
    )
    def upload_document(self, request, pk=None):
        submission = self.get_object()
        serializer = DocumentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = attach_document(
            request.user,
            submission=submission,
            kind=serializer.validated_data["kind"],
            upload=serializer.validated_data["file"],
        )
        data = SubmissionDocumentSerializer(document, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="下载申报材料",
        description="以附件形式返回原文件（原文件名）；申报不在权限范围内或尚无该材料时返回 404。",
        parameters=[
            id_parameter,
            OpenApiParameter(
                "kind",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=DocumentKind.values,
                description="材料类型：work_plan（“十四五”建设工作方案）或 implementation_plan（实施方案）",
            ),
        ],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="文件内容"),
            (404, "application/json"): NOT_FOUND,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=f"documents/(?P<kind>{'|'.join(DocumentKind.values)})",
        url_name="document",
        renderer_classes=[ORJSONRenderer, AnyAcceptRenderer],
        filter_backends=[],
        pagination_class=None,
    )
    def download_document(self, request, pk=None, kind=None):
        document = selectors.document_for(request.user, submission_id=pk, kind=kind)
        try:
            handle = document.file.open("rb")
        except OSError as exc:  # the row outlived its file: nothing to hand out
            raise NotFound() from exc
        record_security_event(
            SecurityEventKind.DOWNLOADED, request=request, document=document.pk, file=document.original_name
        )
        return FileResponse(handle, as_attachment=True, filename=document.original_name)
