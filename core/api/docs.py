"""The API documentation pages (Swagger UI, ReDoc), served entirely by the portal and only to signed-in users
outside DEBUG (issue 12, point 7).

Swagger UI is drf-spectacular's split view: its init script is a second request (?script), so the page needs
no inline script. ReDoc's init runs in a static file (static/js/redoc-init.js) reading its settings from
the page; its styled-components <style> elements carry the request's CSP nonce (Redoc's `nonce` option), and
its search worker is built from a blob (worker-src blob:). The sidecar package serves every bundle locally;
ReDoc's side menu would still draw its logo from cdn.redoc.ly, which static/js/redoc-init.js points at the
portal's own copy before the browser asks (no request outside, no CSP violation)."""

from csp.decorators import csp_update
from django.conf import settings
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny, IsAuthenticated


def docs_permissions():
    """Anyone in DEBUG (a developer's machine); outside it, a signed-in user (session or token)."""
    return [AllowAny] if settings.DEBUG else [IsAuthenticated]


class LoginOutsideDebugMixin:
    def get_permissions(self):
        return [permission() for permission in docs_permissions()]


class ApiSchemaView(LoginOutsideDebugMixin, SpectacularAPIView):
    pass


class ApiSwaggerView(LoginOutsideDebugMixin, SpectacularSwaggerSplitView):
    pass


# The two <style> elements ReDoc's bundle inserts as it loads, before its nonce option is read (webpack's
# style-loader): allowed by their hashes (drf-spectacular-sidecar 2026.10.1; the browser test
# tests/e2e/test_content_security_policy.py fails if a new version inserts others). The first is the empty
# element the loader creates before it fills it.
REDOC_STYLE_HASHES = [
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
]


@method_decorator(
    csp_update({"worker-src": ["'self'", "blob:"], "style-src": REDOC_STYLE_HASHES}), name="dispatch"
)
class ApiRedocView(LoginOutsideDebugMixin, SpectacularRedocView):
    pass
