"""Reads by partners' API tokens are recorded (等保 2.0: access to data is audited; issue 12 point 3).

Every GET to the API authenticated by a token of a partner-role user leaves one SecurityEvent API_READ: the
endpoint, the query parameters (the filters), the status and, for a list, how many rows it matched (the
paginator's count, else the number of results). A middleware, so that one request writes one record whatever
view answered it; the token is put on the Django request by accounts.authentication.
"""

from __future__ import annotations

from core.choices import SecurityEventKind
from core.roles import Role
from core.security_log import record_security_event


def rows_of(data) -> int | None:
    """The number of rows an API response lists: a page's count, a list's length; None for one object."""
    if isinstance(data, dict):
        if isinstance(data.get("count"), int):
            return data["count"]
        if isinstance(data.get("results"), list):
            return len(data["results"])
        return None
    if isinstance(data, list):
        return len(data)
    return None


class PartnerReadLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        token = getattr(request, "api_token", None)
        if token is not None and request.method == "GET" and token.user.role == Role.PARTNER:
            record_security_event(
                SecurityEventKind.API_READ,
                request=request,
                user=token.user,
                token_id=token.pk,
                endpoint=request.path,
                filters={key: request.GET.getlist(key) for key in request.GET},
                status=response.status_code,
                rows=rows_of(getattr(response, "data", None)) if response.status_code == 200 else None,
            )
        return response
