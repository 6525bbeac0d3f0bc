"""POST /api/v1/auth/token/: the token, and the account lock of django-axes (5 failures, 30 minutes), which
the API cannot reach by guessing (it stops after 3)."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.utils.dateparse import parse_datetime

from accounts.api.views import CAPTCHA_NEEDED
from accounts.lockout import LOCKOUT_MESSAGE
from accounts.models import ApiToken, Role, hash_token_key

URL = "/api/v1/auth/token/"
PASSWORD = "Portal-test-2024"

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(make_user):
    return make_user(Role.PARTNER, username="cdb")


def obtain(client, username, password):
    return client.post(URL, {"username": username, "password": password}, format="json")


def test_right_credentials_give_a_usable_token(jilin, api_client, partner):
    response = obtain(api_client, "cdb", PASSWORD)
    assert response.status_code == 200
    body = response.json()
    key = body["token"]
    token = ApiToken.objects.get(user=partner)
    assert token.key_hash == hash_token_key(key) and key not in token.key_hash  # only the hash is kept
    assert token.name == "登录换取"
    assert parse_datetime(body["expires_at"]) == token.expires_at
    assert 89 <= (token.expires_at - token.created_at).days <= 90

    # Each exchange issues a new named token; both authenticate API requests.
    second = obtain(api_client, "cdb", PASSWORD).json()["token"]
    assert second != key
    assert ApiToken.objects.filter(user=partner).count() == 2
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    listing = api_client.get("/api/v1/towns/")
    assert listing.status_code == 200
    assert listing.json()["count"] > 0


def test_form_encoded_body_is_accepted(jilin, api_client, partner):
    response = api_client.post(URL, {"username": "cdb", "password": PASSWORD})
    assert response.status_code == 200
    assert response.json()["token"]


def test_wrong_password_is_400_in_chinese(jilin, api_client, partner):
    response = obtain(api_client, "cdb", "wrong-password")
    assert response.status_code == 400
    assert response.json() == {"detail": "用户名或密码错误。"}
    assert not ApiToken.objects.filter(user=partner).exists()


def test_unknown_user_is_400(jilin, api_client):
    response = obtain(api_client, "nobody", PASSWORD)
    assert response.status_code == 400
    assert response.json() == {"detail": "用户名或密码错误。"}


def test_inactive_user_is_400(jilin, api_client, partner):
    partner.is_active = False
    partner.save()
    response = obtain(api_client, "cdb", PASSWORD)
    assert response.status_code == 400
    assert response.json() == {"detail": "用户名或密码错误。"}


def test_missing_fields_are_400(jilin, api_client):
    response = api_client.post(URL, {"username": "cdb"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()


def lock(username):
    """The account locked as five failures of the login page would leave it (django-axes' record)."""
    AccessAttempt.objects.create(
        username=username,
        ip_address="10.0.0.9",
        user_agent="browser",
        get_data="",
        post_data="",
        http_accept="*/*",
        path_info="/login/",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
    )


def test_after_three_failures_the_password_is_no_longer_tried(jilin, api_client, partner):
    """The API has no captcha: from the third failure on it stops checking the password, so guessing through
    it can never reach the five failures that lock the account."""
    for _ in range(3):
        assert obtain(api_client, "cdb", "wrong-password").status_code == 400
    fourth = obtain(api_client, "cdb", PASSWORD)
    assert fourth.status_code == 400
    assert fourth.json() == {"detail": CAPTCHA_NEEDED}
    for _ in range(5):
        obtain(api_client, "cdb", "wrong-password")
    assert AccessAttempt.objects.get(username="cdb").failures_since_start == 3
    assert not ApiToken.objects.filter(user=partner).exists()


def test_a_locked_account_is_429(jilin, api_client, partner):
    lock("cdb")
    response = obtain(api_client, "cdb", PASSWORD)
    assert response.status_code == 429
    assert response.json() == {"detail": LOCKOUT_MESSAGE}
    assert not ApiToken.objects.filter(user=partner).exists()


def test_lock_is_per_account(jilin, api_client, partner, make_user):
    make_user(Role.PARTNER, username="adbc")
    lock("cdb")
    for _ in range(3):
        obtain(api_client, "cdb", "wrong-password")
    assert obtain(api_client, "adbc", PASSWORD).status_code == 200


def test_unlocked_by_the_administrator(jilin, api_client, partner):
    lock("cdb")
    assert obtain(api_client, "cdb", PASSWORD).status_code == 429
    AccessAttempt.objects.filter(username="cdb").delete()  # what `axes_reset_username cdb` does
    assert obtain(api_client, "cdb", PASSWORD).status_code == 200


def test_success_resets_the_failure_count(jilin, api_client, partner):
    for _ in range(2):
        obtain(api_client, "cdb", "wrong-password")
    assert obtain(api_client, "cdb", PASSWORD).status_code == 200
    for _ in range(2):
        assert obtain(api_client, "cdb", "wrong-password").status_code == 400
    assert obtain(api_client, "cdb", PASSWORD).status_code == 200


def test_no_session_is_opened(jilin, api_client, partner):
    response = obtain(api_client, "cdb", PASSWORD)
    assert "sessionid" not in response.cookies


def test_a_bad_authorization_header_does_not_matter(jilin, api_client, partner):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert obtain(api_client, "cdb", PASSWORD).status_code == 200


def test_throttled_per_client_when_throttling_is_on(jilin, api_client):
    """Throttling is off under tests; switched on, the endpoint allows 10 attempts a minute per address."""
    enabled = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    }
    cache.clear()
    try:
        with override_settings(REST_FRAMEWORK=enabled):
            for n in range(10):
                assert obtain(api_client, f"someone{n}", "wrong-password").status_code == 400
            assert obtain(api_client, "someone", "wrong-password").status_code == 429
    finally:
        cache.clear()
