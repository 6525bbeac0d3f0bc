"""Response headers every page and API answer carries beyond Django's own (issue 12, point 5).

Django's SecurityMiddleware sends Referrer-Policy (settings.SECURE_REFERRER_POLICY) and nosniff; django-csp's
middleware sends the Content-Security-Policy. What neither sends is the Permissions-Policy: the browser
features (camera, microphone, geolocation …) that no page of the portal uses are switched off for it and
for anything it might frame.
"""

from django.conf import settings


def permissions_policy(features):
    """The header's value: `camera=(), geolocation=(self)` from {"camera": [], "geolocation": ["self"]}."""
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in features.items())


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.value = permissions_policy(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request):
        response = self.get_response(request)
        if self.value:
            response.headers.setdefault("Permissions-Policy", self.value)
        return response
