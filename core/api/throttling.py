"""Throttling per API token (issue 12 point 3), counted in the shared cache.

The count of a token's requests lives in Django's default cache, which is Redis whenever REDIS_URL is set
(config/settings.py): every web worker reads and increments the same count, so the limit holds for the
deployment, not per process. The key is the token's id (accounts.authentication puts it on the user as
`api_token_id`), not the user (a partner's several tokens are limited each) nor the address (a bank's gateway
may carry several partners). A request without a token is left to the other throttles. 429 carries Retry-After.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class ApiTokenRateThrottle(SimpleRateThrottle):
    scope = "api_token"

    def get_rate(self):
        return settings.API_TOKEN_RATE

    def get_cache_key(self, request, view):
        token_id = getattr(request.user, "api_token_id", None)
        if token_id is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token_id}
