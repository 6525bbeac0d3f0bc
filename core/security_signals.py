"""The security events that Django, axes and every response tell of (等保 安全审计, issue 12 point 4):
login success and failure, lockout, logout (signals), and every request answered 401 or 403 (middleware).
Each is a SecurityEvent (core.security_log), sealed into the audit chain like every audit record."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from .choices import SecurityEventKind
from .security_log import record_security_event

DENIED_STATUSES = frozenset({401, 403})
# What a failed login's credentials may tell: the name tried, never the password.
USERNAME_KEYS = ("username", "email")


def _logged_in(sender, request, user, **kwargs):
    record_security_event(SecurityEventKind.LOGIN_SUCCEEDED, request=request, user=user)


def _login_failed(sender, credentials, request=None, **kwargs):
    tried = next((str(credentials[key]) for key in USERNAME_KEYS if credentials.get(key)), "")
    record_security_event(SecurityEventKind.LOGIN_FAILED, request=request, username=tried)


def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record_security_event(SecurityEventKind.LOGGED_OUT, request=request, user=user)


def _locked_out(sender, request, username, ip_address=None, **kwargs):
    record_security_event(SecurityEventKind.LOCKED_OUT, request=request, username=username or "")


USER_DELETION_REFUSED = (
    "用户账户不能删除：审计记录引用该账户，删除会改写审计记录。请停用账户（取消“有效”状态）。"
)


def _refuse_user_deletion(sender, instance, **kwargs):
    """Deleting a user would rewrite audit rows (auditlog's LogEntry.actor is ON DELETE SET NULL, an UPDATE of
    the append-only table): accounts are deactivated, never deleted (ADR 13)."""
    from .errors import DomainError

    raise DomainError(USER_DELETION_REFUSED)


def connect() -> None:
    """Called once from core's AppConfig.ready()."""
    from axes.signals import user_locked_out
    from django.contrib.auth import get_user_model
    from django.db.models.signals import pre_delete

    pre_delete.connect(_refuse_user_deletion, sender=get_user_model(), dispatch_uid="refuse-user-deletion")

    user_logged_in.connect(_logged_in, dispatch_uid="security-login")
    user_login_failed.connect(_login_failed, dispatch_uid="security-login-failed")
    user_logged_out.connect(_logged_out, dispatch_uid="security-logout")
    user_locked_out.connect(_locked_out, dispatch_uid="security-locked-out")


class DeniedRequestMiddleware:
    """Every page or API answer 401 or 403 is an ACCESS_DENIED event (not 404: an out-of-scope object answers
    exactly like a nonexistent one, and a missing page is not a denial). Placed after the authentication
    middleware; DRF's token authentication sets the same request's user, so the event names the caller."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # A view that recorded its own denial with more to say (accounts.authentication: a read-only token
        # refused a write, named with its holder) marks the request, so that one denial is one event.
        if response.status_code in DENIED_STATUSES and not getattr(request, "denial_recorded", False):
            record_security_event(
                SecurityEventKind.ACCESS_DENIED, request=request, status=response.status_code
            )
        return response
