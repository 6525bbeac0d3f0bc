from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset as reset_axes_attempts
from django.conf import settings
from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from core.api.serializers import DetailSerializer
from core.errors import DomainError
from core.roles import TWO_FACTOR_ROLES

from .. import second_factor
from ..forms import captcha_required
from ..lockout import LOCKOUT_MESSAGE, LOCKOUT_STATUS
from ..models import ApiToken
from ..selectors import region_by_code
from ..services import LOGIN_TOKEN_NAME, issue_token, revoke_token, tokens_visible_to
from .serializers import (
    ApiTokenCreateSerializer,
    ApiTokenSerializer,
    CredentialsSerializer,
    IssuedTokenSerializer,
    TokenSerializer,
)

BAD_CREDENTIALS = "用户名或密码错误。"
# The page asks for a captcha from LOGIN_CAPTCHA_AFTER failures on; the API has none, so it stops trying the
# password there: guessing through the API cannot lock someone's account either (the lock needs 5).
CAPTCHA_NEEDED = "该账户近期登录失败次数较多，请先在网页上登录（须输入验证码）后再获取令牌。"
OTP_REQUIRED = "该账户须使用双因素认证：请在 otp 字段提供动态口令或备用码。"
OTP_NOT_ENROLLED = "该账户须使用双因素认证，但尚未绑定动态口令：请先在网页上登录并完成绑定。"
OTP_WRONG = "动态口令或备用码不正确。"


class TokenRateThrottle(AnonRateThrottle):
    """Per client address; the rate is REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["token"], else 10/minute."""

    scope = "token"
    default_rate = "10/minute"

    def get_rate(self):
        return self.THROTTLE_RATES.get(self.scope) or self.default_rate


class ObtainTokenView(APIView):
    """Exchange a username and password for the user's API token.

    The password check goes through django.contrib.auth.authenticate with the Django request, so django-axes
    counts the failures and refuses a locked account exactly as on the login page.
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    serializer_class = CredentialsSerializer

    def get_throttles(self):
        # Throttling follows the project switch (it is off under tests).
        if not api_settings.DEFAULT_THROTTLE_CLASSES:
            return []
        return [TokenRateThrottle()]

    @extend_schema(
        tags=["auth"],
        summary="获取 API 令牌",
        description=(
            f"以用户名和密码换取一个新的 API 令牌（名称“{LOGIN_TOKEN_NAME}”，"
            f"有效期 {settings.API_TOKEN_DEFAULT_DAYS} 天，读写）；令牌只返回这一次。"
            "须使用双因素认证的角色（省级管理员、内部审计、系统管理员、安全管理员、审计管理员）还须在 `otp` "
            "中提供身份验证器应用的 6 位动态口令或一个备用码，缺少或错误返回 400；尚未绑定的账户须先在网页上绑定。"
            f"连续 {settings.LOGIN_CAPTCHA_AFTER} 次失败后此接口不再校验密码（返回 400，须先在网页上输入验证码登录），"
            f"连续 {settings.AXES_FAILURE_LIMIT} 次失败后账户被锁定，锁定期间返回 429。"
            "此接口无需认证。"
        ),
        auth=[],
        request=CredentialsSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(
                DetailSerializer,
                description="用户名或密码错误，账户已停用，缺少或错误的动态口令，或近期失败过多须先在网页上登录",
                examples=[
                    OpenApiExample("错误", value={"detail": BAD_CREDENTIALS}),
                    OpenApiExample("缺少动态口令", value={"detail": OTP_REQUIRED}),
                    OpenApiExample("须先在网页上登录", value={"detail": CAPTCHA_NEEDED}),
                ],
            ),
            429: OpenApiResponse(
                DetailSerializer,
                description="账户已被锁定，或请求过于频繁",
                examples=[OpenApiExample("锁定", value={"detail": LOCKOUT_MESSAGE})],
            ),
        },
    )
    def post(self, request):
        serializer = CredentialsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        django_request = request._request
        credentials = {"username": serializer.validated_data["username"]}
        # By the username only: a partner's server shares its address with others.
        if captcha_required(django_request, credentials["username"], by_address=False):
            if AxesProxyHandler.is_locked(django_request, credentials):
                return Response({"detail": LOCKOUT_MESSAGE}, status=LOCKOUT_STATUS)
            return Response({"detail": CAPTCHA_NEEDED}, status=status.HTTP_400_BAD_REQUEST)
        user = authenticate(
            request=django_request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        # Set by axes when the account is (or has just become) locked; AxesMiddleware answers the same.
        if getattr(django_request, "axes_locked_out", False):
            return Response({"detail": LOCKOUT_MESSAGE}, status=LOCKOUT_STATUS)
        if user is None or not user.is_active:
            return Response({"detail": BAD_CREDENTIALS}, status=status.HTTP_400_BAD_REQUEST)
        if user.role in TWO_FACTOR_ROLES or second_factor.has_usable_device(user):
            refusal = self._second_factor_refusal(django_request, user, serializer.validated_data.get("otp"))
            if refusal:
                return Response({"detail": refusal}, status=status.HTTP_400_BAD_REQUEST)
        if getattr(settings, "AXES_RESET_ON_SUCCESS", False):
            reset_axes_attempts(username=user.get_username())
        issued = issue_token(user, user, name=LOGIN_TOKEN_NAME, request=django_request)
        return Response(TokenSerializer({"token": issued.key, "expires_at": issued.token.expires_at}).data)

    @staticmethod
    def _second_factor_refusal(request, user, otp):
        """Why a token is refused for want of the second factor (None when the code is right)."""
        if not second_factor.has_usable_device(user):
            return OTP_NOT_ENROLLED
        if not otp:
            return OTP_REQUIRED
        if second_factor.verify_code(request, user, otp) is None:
            return OTP_WRONG
        return None


class ApiTokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """我的 API 令牌：列出自己的令牌（安全管理员：全部用户的），签发新令牌，吊销。令牌本身只在签发时返回一次。"""

    serializer_class = ApiTokenSerializer
    permission_classes = [IsAuthenticated]
    queryset = ApiToken.objects.none()  # the schema's model; requests see only theirs (below)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return tokens_visible_to(self.request.user)

    @extend_schema(
        request=ApiTokenCreateSerializer,
        responses={201: IssuedTokenSerializer, 400: DetailSerializer},
        summary="签发令牌",
    )
    def create(self, request):
        serializer = ApiTokenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        region = None
        if data.get("region"):
            region = region_by_code(data["region"].strip())
            if region is None:
                raise DomainError(f"区划代码 {data['region']} 不存在。")
        issued = issue_token(
            request.user,
            request.user,
            name=data["name"],
            days=data.get("days"),
            read_only=data["read_only"],
            region=region,
            request=request._request,
        )
        body = {**ApiTokenSerializer(issued.token).data, "key": issued.key}
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None, responses={200: ApiTokenSerializer, 400: DetailSerializer}, summary="吊销令牌"
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        token = self.get_object()
        token = revoke_token(request.user, token.pk, request=request._request)
        return Response(ApiTokenSerializer(token).data)
