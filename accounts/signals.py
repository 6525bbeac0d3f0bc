"""Login, failed login and logout (Django's auth signals): the login records, the session rules, where the
login's steps stand. The security events of login, failure, lockout and logout are core's (another receiver)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from core.choices import SecurityEventKind
from core.security_log import record_security_event

from .login_records import previous_login, record_login
from .models import SessionEnd
from .passwords import is_password_expired
from .second_factor import SESSION_STATE, state_at_login
from .sessions import end_sessions, start_session

PASSWORD_EXPIRED = "portal_password_expired"
REPLACED_MESSAGE = "您的账户此前在其他地方的登录会话已结束（每个账户同时只能有一个会话）。"


@receiver(user_logged_in, dispatch_uid="accounts.login")
def on_login(sender, request, user, **kwargs):
    previous = previous_login(user)
    record_login(request, user, username=user.get_username(), succeeded=True)
    ended = start_session(request, user)
    request.session[SESSION_STATE] = state_at_login(user)
    if is_password_expired(user):
        request.session[PASSWORD_EXPIRED] = True
        record_security_event(SecurityEventKind.PASSWORD_EXPIRED, request=request, user=user)
    messages.info(request, previous.message, fail_silently=True)
    if ended:
        messages.warning(request, REPLACED_MESSAGE, fail_silently=True)


@receiver(user_login_failed, dispatch_uid="accounts.login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username") or ""
    if username:
        record_login(request, None, username=username, succeeded=False)


@receiver(user_logged_out, dispatch_uid="accounts.logout")
def on_logout(sender, request, user, **kwargs):
    # Every session of the user, this one included (its store entry is flushed by logout itself).
    if user is not None:
        end_sessions(user, SessionEnd.LOGGED_OUT)
