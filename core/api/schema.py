"""OpenAPI helpers shared by every app's API."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter


def path_parameter(name, description, kind=OpenApiTypes.INT):
    """A documented path parameter: `{id}`, `{year}` (integers) or `{code}` (kind=OpenApiTypes.STR)."""
    return OpenApiParameter(name, kind, OpenApiParameter.PATH, description=description)
