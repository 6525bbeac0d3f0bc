"""Session lifetime and the login's remaining steps (等保 身份鉴别), after AuthenticationMiddleware,
OTPMiddleware and MessageMiddleware.

Neither adds a query to an ordinary request: what they need is in the session, which the request loads
anyway; the last-activity stamp is written at most once a minute (accounts.rules.STAMP_EVERY).
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from core.choices import SecurityEventKind
from core.roles import TWO_FACTOR_ROLES
from core.security_log import record_security_event

from . import rules
from .models import SessionEnd
from .second_factor import ENROL, PENDING, SESSION_STATE, VERIFIED, state_at_login
from .sessions import LAST_SEEN, LOGIN_AT, end_session, replaced_session, touch
from .signals import PASSWORD_EXPIRED

REPLACED_MESSAGE = "您的账户已在其他地方登录，本会话已结束。"
SECOND_FACTOR_REQUIRED = "请先完成双因素认证（输入动态口令或备用码）。"
ENROLMENT_REQUIRED = "您的角色须使用双因素认证：请先绑定动态口令。"
PASSWORD_CHANGE_REQUIRED = "您的密码已超过有效期，请先修改密码。"


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def _token_request(request) -> bool:
    """A request carrying an API token: DRF authenticates it by the token, whatever session it has."""
    return bool(request.META.get("HTTP_AUTHORIZATION"))


def _moment(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=UTC)


class SessionLifetimeMiddleware:
    """Ends a session SESSION_IDLE_MINUTES after its last request or SESSION_MAX_HOURS after its login, and
    tells a browser whose session a login elsewhere ended (accounts.sessions)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.check(request) or self.get_response(request)

    def check(self, request):
        cookie_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if not cookie_key:
            return None
        session = request.session
        if "_auth_user_id" not in session:
            if replaced_session(cookie_key):
                return self._ended(request, REPLACED_MESSAGE)
            return None
        now = datetime.now(tz=UTC)
        login_at, last_seen = session.get(LOGIN_AT), session.get(LAST_SEEN)
        if login_at is None or last_seen is None:
            # A session started before these rules: it counts from now.
            session[LOGIN_AT] = session[LAST_SEEN] = now.timestamp()
            return None
        verdict = rules.session_verdict(
            login_at=_moment(login_at),
            last_seen=_moment(last_seen),
            now=now,
            idle_minutes=settings.SESSION_IDLE_MINUTES,
            max_hours=settings.SESSION_MAX_HOURS,
        )
        if verdict is None:
            if rules.needs_stamp(last_seen=_moment(last_seen), now=now):
                session[LAST_SEEN] = now.timestamp()
                touch(session.session_key)
            return None
        user = get_user_model().objects.filter(pk=session.get("_auth_user_id")).first()
        end_session(session.session_key, SessionEnd.IDLE if verdict == rules.IDLE else SessionEnd.LIFETIME)
        session.flush()
        request.user = AnonymousUser()
        record_security_event(
            SecurityEventKind.SESSION_EXPIRED,
            request=request,
            user=user,
            reason=verdict,
        )
        if verdict == rules.IDLE:
            message = f"您已超过 {settings.SESSION_IDLE_MINUTES} 分钟未操作，会话已结束，请重新登录。"
        else:
            message = f"登录已超过 {settings.SESSION_MAX_HOURS} 小时，会话已结束，请重新登录。"
        return self._ended(request, message)

    @staticmethod
    def _ended(request, message):
        if _is_api(request):
            if _token_request(request):
                return None  # the token decides; the stale session is gone
            return JsonResponse({"detail": message}, status=401)
        messages.warning(request, message)
        return redirect_to_login(request.get_full_path())


class LoginStepsMiddleware:
    """After the password: the second factor (a code, or an enrolment for the roles that need one), then an
    expired password's change. Until they are done the session reaches only their pages, logout and the
    captcha; a session-authenticated API request is refused (403). A token-authenticated API request is not
    concerned: the token endpoint asks for the code itself (accounts.api.views)."""

    EXEMPT_PREFIXES = ("/static/", "/captcha/")

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt = None

    def exempt_paths(self):
        if self._exempt is None:
            self._exempt = {reverse(name) for name in ("login", "logout")}
        return self._exempt

    def __call__(self, request):
        return self.check(request) or self.get_response(request)

    def check(self, request):
        if _token_request(request) and _is_api(request):
            return None
        path = request.path_info
        if path.startswith(self.EXEMPT_PREFIXES) or path in self.exempt_paths():
            return None
        user = request.user
        if not user.is_authenticated:
            return None
        session = request.session
        state = session.get(SESSION_STATE)
        if state is None or (state not in (VERIFIED, PENDING, ENROL) and user.role in TWO_FACTOR_ROLES):
            # A session from before the rule, or a role changed to one that needs a second factor.
            state = session[SESSION_STATE] = state_at_login(user)
        if state in (PENDING, ENROL):
            target = "second-factor-verify" if state == PENDING else "second-factor-enrol"
            return self._refuse(
                request, target, SECOND_FACTOR_REQUIRED if state == PENDING else ENROLMENT_REQUIRED
            )
        if session.get(PASSWORD_EXPIRED):
            return self._refuse(request, "password-change", PASSWORD_CHANGE_REQUIRED)
        return None

    @staticmethod
    def _refuse(request, target, message):
        url = reverse(target)
        if request.path_info == url:
            return None
        if _is_api(request):
            return JsonResponse({"detail": message}, status=403)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)
