"""Security events (等保 安全审计, issue 12 point 4): one function records them all.

Data changes are audited by django-auditlog (core.audit); what is not a data change — a login and its failure, a
lockout, a logout, a second factor enrolled or failed, a token issued, revoked or used by a partner to read, a
request denied, an export or a download, a job started and ended — is a SecurityEvent written here.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .choices import SecurityEventKind
from .models import SecurityEvent

__all__ = ["SecurityEventKind", "client_address", "record_security_event"]


def client_address(request: HttpRequest | None) -> str | None:
    """The caller's address as the web server saw it (REMOTE_ADDR; a TLS-terminating proxy in front is
    configured to pass the client's in it, see the README's production section)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _storable(value: Any) -> Any:
    """value without NUL characters, which PostgreSQL stores neither in text nor in jsonb: a query string of
    a hostile or fuzzing client (`?page=%00`) must be recorded, not turn its request into a 500."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_storable(key): _storable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_storable(item) for item in value]
    return value


def record_security_event(
    kind: str,
    *,
    request: HttpRequest | None = None,
    user: Any = None,
    username: str = "",
    **details: Any,
) -> SecurityEvent:
    """Record one security event. user is the account concerned (the request's user when omitted and
    authenticated); username names an account that may not exist (a failed login). details must be JSON."""
    if kind not in SecurityEventKind.values:
        raise ValueError(f"unknown security event kind {kind!r}")
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and getattr(candidate, "is_authenticated", False):
            user = candidate
    if user is not None and not username:
        username = user.get_username()
    meta = request.META if request is not None else {}
    return SecurityEvent.objects.create(
        kind=kind,
        user_id=getattr(user, "pk", None),
        username=_storable(username or "")[:150],
        remote_addr=client_address(request),
        user_agent=_storable(meta.get("HTTP_USER_AGENT") or "")[:300],
        method=(request.method or "")[:10] if request is not None else "",
        path=_storable(request.get_full_path() if request is not None else "")[:500],
        details=_storable(details),
    )
