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
            f"连续 {settings.AXES_FAILURE_LIMIT} 次失败后账户被锁定，锁定期间返回 429。"
            "此接口无需认证。"
        ),
        auth=[],
        request=CredentialsSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(
                DetailSerializer,
                description="用户名或密码错误，或账户已停用",
                examples=[OpenApiExample("错误", value={"detail": BAD_CREDENTIALS})],
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
        if getattr(settings, "AXES_RESET_ON_SUCCESS", False):
            reset_axes_attempts(username=user.get_username())
        issued = issue_token(user, user, name=LOGIN_TOKEN_NAME, request=django_request)
        return Response({"token": issued.key, "expires_at": issued.token.expires_at})


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
