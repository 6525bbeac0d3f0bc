from axes.utils import reset as reset_axes_attempts
from django.conf import settings
from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from core.api.serializers import DetailSerializer

from ..lockout import LOCKOUT_MESSAGE, LOCKOUT_STATUS
from ..services import api_token
from .serializers import CredentialsSerializer, TokenSerializer

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
            "以用户名和密码换取该用户的 API 令牌（已有则返回原令牌）。"
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
        return Response({"token": api_token(user)})
