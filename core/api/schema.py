"""OpenAPI helpers shared by every app's API."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter


def path_parameter(name, description, kind=OpenApiTypes.INT):
    """A documented path parameter: `{id}`, `{year}` (integers) or `{code}` (kind=OpenApiTypes.STR)."""
    return OpenApiParameter(name, kind, OpenApiParameter.PATH, description=description)


# The error answers every operation can give, whatever its view declares: the authentication and permission
# classes, the router's lookups, the exception handler (core/api/exceptions.py) and the throttles answer them.
DETAIL_REF = {"$ref": "#/components/schemas/Detail"}
REFUSAL_SCHEMA = {
    "type": "object",
    "description": (
        '拒绝或填写有误：业务规则的中文说明 {"detail": "…"}（逐行的说明在 errors 中），'
        '或按字段列出的中文说明 {"<字段>": ["…"]}'
    ),
    "properties": {"detail": {"type": "string"}, "errors": {}},
    "additionalProperties": {},
}
GENERIC_ERRORS = {
    "401": "未登录或令牌无效",
    "403": "该角色不能执行此操作",
    "404": "不存在，或不在用户的权限范围内",
    "429": "请求过于频繁（见 Retry-After）",
}


def document_error_responses(result, generator, request, public):
    """A drf-spectacular postprocessing hook: every operation documents the errors it really answers.

    400 is a refusal in either shape the API gives (a DomainError's {"detail"}, a serializer's per-field
    lists); 401/403/404/429 are {"detail"} (a public operation: 429 only). An operation that declared one
    keeps its description.
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Refusal"] = REFUSAL_SCHEMA
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            # An operation open to anonymous callers (the token endpoint) looks nothing up for them either.
            security = operation.get("security")
            public_operation = not security or {} in security
            refusal = responses.setdefault("400", {"description": "拒绝或填写有误（中文说明）"})
            refusal["content"] = {"application/json": {"schema": {"$ref": "#/components/schemas/Refusal"}}}
            for status, description in GENERIC_ERRORS.items():
                if public_operation and status in ("401", "403", "404"):
                    continue
                answer = responses.setdefault(status, {"description": description})
                answer.setdefault("content", {"application/json": {"schema": DETAIL_REF}})
    return result
