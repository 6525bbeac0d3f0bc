from drf_spectacular.utils import OpenApiResponse
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
