"""`Authorization: Token <key>` against accounts.ApiToken (issue 12 point 3), in place of DRF's authtoken.

A valid token authenticates its user for this request only, carrying the token's limits on the user object:
`token_region_id` (core.scoping.scope_of narrows the scope to it) and `token_read_only` (core.scoping.can_write
refuses; an unsafe method is refused here already, 403). An unknown, expired or revoked token, or one of a
deactivated user, is refused with 401 and recorded (TOKEN_REJECTED).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS

from core.choices import SecurityEventKind
from core.security_log import record_security_event

from .models import ApiToken, hash_token_key

KEYWORD = "Token"
# last_used_at is written at most this often per token: not one UPDATE per request.
LAST_USED_PRECISION = timedelta(minutes=1)

INVALID = "令牌无效。"
EXPIRED = "令牌已过期，请重新签发。"
REVOKED = "令牌已被吊销。"
INACTIVE = "用户已停用，令牌不可用。"
MALFORMED = "请求头 Authorization 格式应为：Token <令牌>。"
READ_ONLY = "只读令牌不能修改数据。"


class ApiTokenAuthentication(BaseAuthentication):
    keyword = KEYWORD

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(MALFORMED)
        try:
            key = parts[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(MALFORMED) from exc
        return self.authenticate_key(request, key)

    def authenticate_key(self, request, key):
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_token_key(key)).first()
        now = timezone.now()
        if token is None:
            self._reject(request, INVALID, reason="unknown")
        elif token.is_revoked:
            self._reject(request, REVOKED, token=token, reason="revoked")
        elif token.is_expired(now):
            self._reject(request, EXPIRED, token=token, reason="expired")
        elif not token.user.is_active:
            self._reject(request, INACTIVE, token=token, reason="inactive")
        if token.read_only and request.method not in SAFE_METHODS:
            record_security_event(
                SecurityEventKind.ACCESS_DENIED,
                request=request._request,
                user=token.user,
                reason="read_only_token",
                token_id=token.pk,
            )
            request._request.denial_recorded = True
            raise exceptions.PermissionDenied(READ_ONLY)
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        user = token.user
        user.token_region_id = token.region_id
        user.token_read_only = token.read_only
        user.api_token_id = token.pk
        # Seen by middleware after the view (core.api.read_log), which reads the Django request.
        request._request.api_token = token
        return user, token

    def _reject(self, request, message, *, token=None, **details):
        if token is not None:
            details["token_id"] = token.pk
        record_security_event(
            SecurityEventKind.TOKEN_REJECTED,
            request=request._request,
            user=token.user if token is not None else None,
            **details,
        )
        raise exceptions.AuthenticationFailed(message)

    def authenticate_header(self, request):
        return self.keyword


class ApiTokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """The OpenAPI security scheme of ApiTokenAuthentication: the header DRF's TokenAuthentication used."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "请求头 `Authorization: Token <令牌>`；令牌在“我的 API 令牌”页面、`POST /api/v1/tokens/` 或 "
            "`POST /api/v1/auth/token/` 签发。",
        }
