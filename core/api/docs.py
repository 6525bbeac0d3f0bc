"""The API documentation pages (Swagger UI, ReDoc), served entirely by the portal.

The sidecar package serves the scripts locally, but ReDoc's bundle still draws its side-menu logo from
cdn.redoc.ly. A Content-Security-Policy on these two pages forbids every outside host, so the browser never
sends that request (the bundle hides the broken image itself)."""

from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView

# Inline styles and the inline init script are the packages' own; ReDoc builds its search worker from a blob.
DOCS_CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' blob:",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "worker-src 'self' blob:",
        "connect-src 'self'",
        "frame-ancestors 'self'",
    )
)


class LocalOnlyDocsMixin:
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = DOCS_CONTENT_SECURITY_POLICY
        return response


class ApiSwaggerView(LocalOnlyDocsMixin, SpectacularSwaggerView):
    pass


class ApiRedocView(LocalOnlyDocsMixin, SpectacularRedocView):
    pass
