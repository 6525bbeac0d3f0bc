"""Throttling per API token, global across web workers (issue 12 point 3): the count lives in the shared Redis
cache, keyed by the token's id; the 429 carries Retry-After. Throttles are off under tests (settings); these
tests switch the token throttle on with the Redis cache configured."""

import os
import uuid

import pytest
from django.core.cache import caches
from django.test import RequestFactory, override_settings
from rest_framework.request import Request

from accounts.models import Role
from accounts.services import issue_token
from core.api.throttling import ApiTokenRateThrottle
from towns.api.views import TownViewSet

pytestmark = [pytest.mark.services, pytest.mark.django_db]


@pytest.fixture
def redis_cache(require_services):
    location = os.environ["REDIS_URL"]
    prefix = f"throttle-test-{uuid.uuid4().hex}"
    cache_settings = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(CACHES=cache_settings, API_TOKEN_RATE="3/minute"):
        yield caches["default"]
        caches["default"].clear()


def _request(token_id):
    request = Request(RequestFactory().get("/api/v1/towns/"))
    request.user = type("U", (), {"api_token_id": token_id, "is_authenticated": True})()
    return request


def test_two_workers_share_one_count_per_token(redis_cache):
    """Two throttles with their own Redis connections, as two web worker processes would hold."""
    worker_a, worker_b = ApiTokenRateThrottle(), ApiTokenRateThrottle()
    worker_a.cache = caches.create_connection("default")
    worker_b.cache = caches.create_connection("default")
    assert worker_a.cache is not worker_b.cache
    assert worker_a.allow_request(_request(7), None)
    assert worker_b.allow_request(_request(7), None)
    assert worker_a.allow_request(_request(7), None)
    assert not worker_b.allow_request(_request(7), None)  # the fourth of 3/minute, counted across both
    assert worker_b.wait() > 0
    # Another token has its own count; a request without a token is not this throttle's.
    assert worker_b.allow_request(_request(8), None)
    assert worker_a.get_cache_key(_request(None), None) is None


def test_a_token_over_its_rate_gets_429_with_retry_after(
    redis_cache, jilin, api_client, make_user, monkeypatch
):
    monkeypatch.setattr(TownViewSet, "throttle_classes", [ApiTokenRateThrottle])
    partner = make_user(Role.PARTNER, username="cdb")
    first = issue_token(None, partner, name="一")
    second = issue_token(None, partner, name="二")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {first.key}")
    for _ in range(3):
        assert api_client.get("/api/v1/towns/").status_code == 200
    refused = api_client.get("/api/v1/towns/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    # The same user's other token is counted apart (per token, not per user).
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {second.key}")
    assert api_client.get("/api/v1/towns/").status_code == 200
