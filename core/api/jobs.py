"""GET /api/v1/jobs/ (the tracked jobs the caller's scope covers; `mine`, `state`, `kind`), GET …/{id}/ with
`progress` 0–100 and `result_url`, GET …/{id}/result/ (the result file) and POST …/{id}/cancel/. A job
outside the caller's scope answers 404, like one that does not exist. Endpoints that start long work answer
202 with a job in this shape."""

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.reverse import reverse

from core import jobs
from core.choices import SecurityEventKind
from core.filtersets import JOB_SORTS, JobFilterSet
from core.models import Job
from core.security_log import record_security_event


class JobSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True, label="状态名称")
    started_by = serializers.SlugRelatedField(slug_field="username", read_only=True, label="发起人")
    result_url = serializers.SerializerMethodField(label="结果文件地址")
    detail_url = serializers.SerializerMethodField(label="任务页面")
    stale_reason = serializers.SerializerMethodField(label="中断原因")

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "title",
            "state",
            "state_label",
            "progress",
            "message",
            "parameters",
            "started_by",
            "created_at",
            "started_at",
            "finished_at",
            "cancellable",
            "cancel_requested_at",
            "result",
            "result_name",
            "result_size",
            "result_url",
            "detail_url",
            "error",
            "stale_reason",
        ]
        read_only_fields = fields

    def get_result_url(self, job: Job) -> str | None:
        if not job.has_result_file:
            return None
        return reverse("api-job-result", args=[job.pk], request=self.context.get("request"))

    def get_detail_url(self, job: Job) -> str:
        return reverse("job-detail", args=[job.pk], request=self.context.get("request"))

    def get_stale_reason(self, job: Job) -> str | None:
        return jobs.staleness(job)


class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """后台任务：调用者数据范围内的任务（`mine=true` 仅本人发起），最新在前。"""

    serializer_class = JobSerializer
    filterset_class = JobFilterSet
    queryset = Job.objects.none()  # the schema's model; requests see only their scope's (below)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return JOB_SORTS.sorting(self.request).apply(jobs.jobs_visible_to(self.request.user))

    @extend_schema(request=None, responses=JobSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """取消任务（仅发起人，且仅可安全取消的任务）。"""
        job = jobs.cancel_job(request.user, job=self.get_object())
        return Response(self.get_serializer(job).data)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def result(self, request, pk=None):
        """下载任务的结果文件（在保留期内）。"""
        job = self.get_object()
        path = jobs.result_path(job)
        if path is None:
            raise Http404
        record_security_event(SecurityEventKind.DOWNLOADED, request=request, job=job.pk, file=job.result_name)
        return FileResponse(path.open("rb"), as_attachment=True, filename=job.result_name)
