from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError


def exception_handler(exc, context):
    """DomainError → 400 with its Chinese message (and per-row details); the rest as DRF does."""
    if isinstance(exc, DomainError):
        body = {"detail": exc.message}
        if exc.details:
            body["errors"] = exc.details
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
