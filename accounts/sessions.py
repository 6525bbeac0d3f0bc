"""A user's sessions (等保 身份鉴别): one active session per account, and every session ended on logout,
a password change or a second-factor reset.

The session store cannot be searched by user, so each login is tracked as a UserSession row; ending a
session deletes it from the store (the next request of that browser is anonymous) and keeps the row, ended,
so that the browser can be told why.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.choices import SecurityEventKind
from core.security_log import client_address, record_security_event

from .models import SessionEnd, User, UserSession

# Session keys the portal keeps in a login session.
LOGIN_AT = "portal_login_at"
LAST_SEEN = "portal_last_seen"


def _store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def start_session(request, user: User) -> int:
    """After a login: stamp the session, end the user's other sessions (one per account) and track this one.
    Returns how many other sessions were ended."""
    now = timezone.now()
    request.session[LOGIN_AT] = request.session[LAST_SEEN] = now.timestamp()
    key = request.session.session_key
    if key is None:  # a login on a session not yet saved (the test client's force_login saves after)
        request.session.save()
        key = request.session.session_key
    meta = getattr(request, "META", {}) or {}
    with transaction.atomic():
        ended = end_sessions(user, SessionEnd.REPLACED, keep=key, request=request)
        UserSession.objects.update_or_create(
            session_key=key,
            defaults={
                "user": user,
                "remote_addr": client_address(request),
                "user_agent": (meta.get("HTTP_USER_AGENT") or "")[:300],
                "ended": None,
                "end_reason": "",
                "notified": False,
            },
        )
    return ended


def end_sessions(user: User, reason: str, *, keep: str | None = None, request=None) -> int:
    """End every open session of the user but `keep`'s; each replaced one is recorded (SESSION_REPLACED)."""
    open_sessions = UserSession.objects.filter(user=user, ended__isnull=True)
    if keep:
        open_sessions = open_sessions.exclude(session_key=keep)
    keys = list(open_sessions.values_list("session_key", flat=True))
    if not keys:
        return 0
    store = _store()
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(session_key__in=keys).update(ended=timezone.now(), end_reason=reason)
    if reason == SessionEnd.REPLACED:
        record_security_event(
            SecurityEventKind.SESSION_REPLACED, request=request, user=user, ended_sessions=len(keys)
        )
    return len(keys)


def end_session(session_key: str | None, reason: str) -> None:
    """Mark one session ended (its store entry is flushed by the caller)."""
    if session_key:
        UserSession.objects.filter(session_key=session_key, ended__isnull=True).update(
            ended=timezone.now(), end_reason=reason
        )


def touch(session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).update(last_seen=timezone.now())


def replaced_session(session_key: str | None) -> bool:
    """Whether this (no longer stored) session was ended by a login elsewhere and its browser not yet told;
    telling it once marks it told."""
    if not session_key:
        return False
    return bool(
        UserSession.objects.filter(
            session_key=session_key, end_reason=SessionEnd.REPLACED, notified=False
        ).update(notified=True)
    )
