from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class DetailSerializer(serializers.Serializer):
    """The body of an error answer: {"detail": "<中文说明>"}."""

    detail = serializers.CharField(label="说明")


NOT_FOUND = OpenApiResponse(DetailSerializer, description="不存在，或不在用户的权限范围内")
