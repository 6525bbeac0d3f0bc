"""The two-step import in the API (core.imports):

- POST /api/v1/imports/ (multipart: `kind`, `file`, and the import's parameters — as fields such as
  `year=2024`, or as one `params` field holding a JSON object) → 201 with the preview: the counts and the
  rows, paginated (`page`, `page_size`, `status` filters them on GET). A refused file → 400 with its Chinese
  reason; nothing is staged.
- GET /api/v1/imports/ (the caller's own uploads) and GET /api/v1/imports/{id}/ (one, with its rows).
- POST /api/v1/imports/{id}/confirm/ → 200 with the applied batch, 202 with the job when the file has more
  than IMPORT_INLINE_MAX_ROWS rows, 409 with the new preview when data changed since (nothing written).

A batch is its uploader's alone: another user's answers 404, like one that does not exist.
"""

import json

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.reverse import reverse

from core import import_batches
from core.api.jobs import JobSerializer
from core.api.pagination import StandardPagination
from core.api.serializers import WRITE_RESPONSES
from core.choices import ImportState, RowStatus
from core.errors import DomainError
from core.models import ImportBatch, ImportRow
from core.tabular import size_refusal


class ImportRowSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True, label="结果名称")
    changes = serializers.ListField(
        child=inline_serializer(
            "ImportChange",
            {
                "field": serializers.CharField(label="字段"),
                "label": serializers.CharField(label="列名"),
                "before": serializers.CharField(label="修改前"),
                "after": serializers.CharField(label="修改后"),
            },
        ),
        read_only=True,
        label="变更（修改前后的值）",
    )

    class Meta:
        model = ImportRow
        fields = ["number", "status", "status_label", "subject", "changes", "message"]
        read_only_fields = fields


class ImportCountsSerializer(serializers.Serializer):
    new = serializers.IntegerField(label="新增")
    changed = serializers.IntegerField(label="修改")
    unchanged = serializers.IntegerField(label="未变")
    error = serializers.IntegerField(label="错误")
    total = serializers.IntegerField(label="合计")


class ImportBatchSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField(label="状态")
    state_label = serializers.SerializerMethodField(label="状态名称")
    message = serializers.SerializerMethodField(label="说明")
    counts = serializers.SerializerMethodField(label="各结果行数")
    may_confirm = serializers.SerializerMethodField(label="可以确认导入")
    job = serializers.SerializerMethodField(label="后台任务")
    preview_url = serializers.SerializerMethodField(label="预览页面")
    confirm_url = serializers.SerializerMethodField(label="确认地址")

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "kind",
            "title",
            "params",
            "file_name",
            "size",
            "sha256",
            "state",
            "state_label",
            "message",
            "counts",
            "may_confirm",
            "result",
            "job",
            "created_at",
            "previewed_at",
            "applied_at",
            "preview_url",
            "confirm_url",
        ]
        read_only_fields = fields

    def _shown(self, batch):
        cache = self.context.setdefault("_shown", {})
        if batch.pk not in cache:
            cache[batch.pk] = import_batches.shown_state(batch)
        return cache[batch.pk]

    @extend_schema_field(serializers.ChoiceField(choices=ImportState.choices))
    def get_state(self, batch: ImportBatch) -> str:
        return self._shown(batch).state

    def get_state_label(self, batch: ImportBatch) -> str:
        return self._shown(batch).label

    def get_message(self, batch: ImportBatch) -> str:
        return self._shown(batch).message

    @extend_schema_field(ImportCountsSerializer)
    def get_counts(self, batch: ImportBatch) -> dict:
        return {**batch.counts, "total": batch.row_count}

    def get_may_confirm(self, batch: ImportBatch) -> bool:
        return import_batches.may_confirm(batch)

    @extend_schema_field(JobSerializer(allow_null=True))
    def get_job(self, batch: ImportBatch) -> dict | None:
        if batch.job_id is None:
            return None
        return JobSerializer(batch.job, context=self.context).data

    def get_preview_url(self, batch: ImportBatch) -> str:
        return reverse("import-preview", args=[batch.pk], request=self.context.get("request"))

    def get_confirm_url(self, batch: ImportBatch) -> str:
        return reverse("api-import-confirm", args=[batch.pk], request=self.context.get("request"))


class ImportRowPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(label="行数（按 status 筛选后）")
    next = serializers.URLField(allow_null=True, label="下一页")
    previous = serializers.URLField(allow_null=True, label="上一页")
    results = ImportRowSerializer(many=True)


class ImportDetailSerializer(ImportBatchSerializer):
    """A batch with one page of its preview rows (the schema's shape of the answer)."""

    rows = ImportRowPageSerializer(read_only=True, label="预览行（分页）")

    class Meta(ImportBatchSerializer.Meta):
        fields = [*ImportBatchSerializer.Meta.fields, "rows"]
        read_only_fields = fields


class ImportUploadSerializer(serializers.Serializer):
    kind = serializers.CharField(
        label="导入类型",
        error_messages={"required": "请填写导入类型（kind）。", "blank": "请填写导入类型（kind）。"},
    )
    file = serializers.FileField(
        label="数据文件（.xlsx 或 .csv）",
        error_messages={
            "required": "请选择要导入的文件。",
            "empty": "上传的文件是空的（0 字节）。",
            "invalid": "请以 multipart/form-data 上传文件。",
            "no_name": "上传的文件没有文件名。",
        },
    )
    params = serializers.CharField(
        required=False, allow_blank=True, label='参数（JSON 对象，如 {"year": 2024}；也可作为单独的字段提交）'
    )


class StaleSerializer(serializers.Serializer):
    detail = serializers.CharField(label="说明")
    preview = ImportDetailSerializer(label="按当前数据重新预览的结果")


status_parameter = OpenApiParameter(
    "status", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=RowStatus.values, description="只列出该结果的行"
)
page_parameters = [
    OpenApiParameter("page", OpenApiTypes.INT, OpenApiParameter.QUERY, description="预览行的页码"),
    OpenApiParameter(
        "page_size", OpenApiTypes.INT, OpenApiParameter.QUERY, description="每页行数，最多 1000"
    ),
]
id_parameter = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="导入批次 ID")


def _params_from(data):
    """The import's parameters: every multipart field but kind/file, and the JSON object of `params`."""
    params = {key: data.get(key) for key in data if key not in ("kind", "file", "params")}
    raw = data.get("params")
    if raw:
        try:
            parsed = json.loads(raw)
        except (TypeError, ValueError):
            raise DomainError('参数（params）不是有效的 JSON 对象，例如 {"year": 2024}。') from None
        if not isinstance(parsed, dict):
            raise DomainError('参数（params）应为 JSON 对象，例如 {"year": 2024}。')
        params.update(parsed)
    return params


class ImportViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """导入：上传表格 → 预览（每行新增/修改/未变/错误）→ 确认。只有上传人可以查看和确认自己的导入。"""

    serializer_class = ImportBatchSerializer
    queryset = ImportBatch.objects.none()  # the schema's model; requests see only their own (below)
    filter_backends = []
    parser_classes = [MultiPartParser, FormParser]  # a file upload; confirm takes no body

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return import_batches.batches_of(self.request.user).select_related("job")

    def _batch(self, pk):
        batch = import_batches.batch_of(self.request.user, pk)
        if batch is None:
            raise NotFound()
        return batch

    def _detail(self, batch):
        data = ImportBatchSerializer(batch, context=self.get_serializer_context()).data
        status_filter = self.request.query_params.get("status") or None
        paginator = StandardPagination()
        rows = paginator.paginate_queryset(
            import_batches.batch_rows(batch, status_filter), self.request, view=self
        )
        data["rows"] = paginator.get_paginated_data(ImportRowSerializer(rows, many=True).data)
        return data

    @extend_schema(
        summary="上传表格并预览",
        description=(
            "上传 .xlsx 或 .csv 文件（不超过上限，见 IMPORT_MAX_BYTES），返回预览：各结果的行数与分页的各行"
            "（新增、修改及修改前后的值、未变、错误及原因）。此时不写入任何业务数据；确认见 confirm。"
            "文件与扩展名不符、为空、含空字节、编码无法识别、行数过多或缺少必需的列时返回 400 及中文说明。"
        ),
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportDetailSerializer, **WRITE_RESPONSES},
    )
    def create(self, request):
        serializer = ImportUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        refusal = size_refusal(upload.size)
        if refusal:
            raise DomainError(refusal)
        batch = import_batches.stage_import(
            request.user,
            kind=serializer.validated_data["kind"],
            file_name=upload.name,
            data=upload.read(),
            params=_params_from(request.data),
        )
        return Response(self._detail(self._batch(batch.pk)), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="查看导入预览或结果",
        parameters=[id_parameter, status_parameter, *page_parameters],
        responses={200: ImportDetailSerializer, 404: WRITE_RESPONSES[404]},
    )
    def retrieve(self, request, pk=None):
        return Response(self._detail(self._batch(pk)))

    @extend_schema(
        summary="确认导入",
        description=(
            "按当时的数据重新校验后写入全部行（有任何错误则不写入）。行数不超过 IMPORT_INLINE_MAX_ROWS 时直接导入，"
            "返回 200；超过时启动后台任务，返回 202 及任务（进度见 /api/v1/jobs/{id}/）。若数据在预览之后已变化，"
            "不写入任何数据，返回 409 及按当前数据重新预览的结果。"
        ),
        request=None,
        parameters=[id_parameter],
        responses={
            200: ImportDetailSerializer,
            202: JobSerializer,
            409: OpenApiResponse(StaleSerializer, description="数据在预览之后已变化：未写入，附新的预览"),
            **WRITE_RESPONSES,
        },
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        confirmed = import_batches.confirm_import(request.user, batch=self._batch(pk))
        if confirmed.job is not None:
            return Response(
                JobSerializer(confirmed.job, context=self.get_serializer_context()).data,
                status=status.HTTP_202_ACCEPTED,
            )
        detail = self._detail(self._batch(pk))
        if confirmed.stale:
            return Response(
                {"detail": import_batches.STALE_MESSAGE, "preview": detail}, status=status.HTTP_409_CONFLICT
            )
        return Response(detail)
