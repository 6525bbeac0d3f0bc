from django.http import Http404
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import Conflict, DomainError, NotVisible, PreconditionFailed


def exception_handler(exc, context):
    """DomainError → 400 with its Chinese message (and per-row details), a Conflict (a write from a stale
    version) → 409 with the same body, a PreconditionFailed (a stale If-Match) → 412 with the current record and
    its ETag; the rest as DRF does.

    A Django Http404 carries an English "No Town matches the given query."; an out-of-scope or missing
    object answers with DRF's Chinese "未找到。" instead, which also names nothing.
    """
    if isinstance(exc, Http404 | NotVisible):
        exc = NotFound()
    if isinstance(exc, PreconditionFailed):
        response = Response(
            {"detail": exc.message, "current": exc.current}, status=status.HTTP_412_PRECONDITION_FAILED
        )
        if exc.etag:
            response["ETag"] = exc.etag
        return response
    if isinstance(exc, DomainError):
        body = {"detail": exc.message}
        if exc.details:
            body["errors"] = exc.details
        code = status.HTTP_409_CONFLICT if isinstance(exc, Conflict) else status.HTTP_400_BAD_REQUEST
        return Response(body, status=code)
    return drf_exception_handler(exc, context)
