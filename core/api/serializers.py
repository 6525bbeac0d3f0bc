from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers


class DetailSerializer(serializers.Serializer):
    """The body of an error answer: {"detail": "<中文说明>"}."""

    detail = serializers.CharField(label="说明")


NOT_FOUND = OpenApiResponse(DetailSerializer, description="不存在，或不在用户的权限范围内")
FORBIDDEN = OpenApiResponse(DetailSerializer, description="该角色不能执行此操作")
REFUSED = OpenApiResponse(DetailSerializer, description="不允许的操作或填写有误（中文说明）")
WRITE_RESPONSES = {400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND}
CONFLICT = OpenApiResponse(
    DetailSerializer, description="提交的 version 已过期：记录在此期间已被他人修改，未作修改（中文说明）"
)


class StaleWriteSerializer(serializers.Serializer):
    """The body of a 412: why nothing was changed, and the record as it is now (its ETag in the header)."""

    detail = serializers.CharField(label="说明")
    current = serializers.DictField(label="当前内容", help_text="记录的当前内容（与读取该记录的返回相同）")


PRECONDITION_FAILED = OpenApiResponse(
    StaleWriteSerializer,
    description=(
        "If-Match 给出的版本已过期：记录在此期间已被他人修改，未作修改；current 为当前内容，"
        "响应头 ETag 为当前版本"
    ),
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        '可选：读取该记录时响应头 ETag 的值（如 "project-12-v4"）。记录已被他人修改时返回 412 且不作修改；'
        '"*" 或不带此头则不检查。'
    ),
)
