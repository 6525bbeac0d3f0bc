"""Login safety: 5 failed attempts lock an account for 30 minutes (django-axes, configured in settings).

The same Chinese message is given by the login page and by the API token endpoint.
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render

LOCKOUT_MINUTES = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
LOCKOUT_MESSAGE = (
    f"该账户连续 {settings.AXES_FAILURE_LIMIT} 次登录失败，已被锁定 {LOCKOUT_MINUTES} 分钟。"
    "请稍后再试，或联系省级管理员解锁。"
)
LOCKOUT_STATUS = 429


def lockout_response(request, credentials=None, *args, **kwargs):
    """AXES_LOCKOUT_CALLABLE: JSON for the API, the login page with the message for everything else."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": LOCKOUT_MESSAGE}, status=LOCKOUT_STATUS)
    return render(
        request,
        "registration/locked_out.html",
        {"message": LOCKOUT_MESSAGE},
        status=LOCKOUT_STATUS,
    )
