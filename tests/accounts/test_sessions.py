"""Sessions (等保 身份鉴别): idle timeout (sliding), absolute lifetime, one session per account, logout and a
password change end every session of the user."""

import time
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session

from accounts.models import Role, UserSession
from accounts.sessions import LAST_SEEN, LOGIN_AT
from core.models import SecurityEvent

from .otp import logged_in, password_step

pytestmark = pytest.mark.usefixtures("jilin")


@pytest.fixture
def official(make_user):
    return make_user(Role.COUNTY_OFFICIAL, "220112", username="luxiang")


def shift(client, **minutes):
    """Move the session's stamps into the past, as if that many minutes had gone by."""
    session = client.session
    for key, ago in minutes.items():
        session[key] = time.time() - ago * 60
    session.save()


def test_the_database_session_store_is_used():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert settings.SESSION_IDLE_MINUTES == 30 and settings.SESSION_MAX_HOURS == 12


def test_thirty_idle_minutes_end_the_session(client, official):
    password_step(client, "luxiang")
    assert client.get("/").status_code == 200
    shift(client, **{LAST_SEEN: 31})
    response = client.get("/towns/")
    assert response.status_code == 302 and response["Location"] == "/login/?next=/towns/"
    assert not logged_in(client)
    assert "30 分钟未操作，会话已结束" in client.get(response["Location"]).content.decode()
    event = SecurityEvent.objects.get(kind="session_expired")
    assert event.user_id == official.pk and event.details == {"reason": "idle"}
    assert UserSession.objects.get(user=official).end_reason == "idle"


def test_the_idle_timeout_slides_with_each_request(client, official):
    password_step(client, "luxiang")
    shift(client, **{LAST_SEEN: 29})
    assert client.get("/").status_code == 200  # 29 minutes idle: still in, and the stamp is renewed
    assert time.time() - client.session[LAST_SEEN] < 60
    shift(client, **{LOGIN_AT: 58, LAST_SEEN: 29})
    assert client.get("/").status_code == 200  # 58 minutes after login, never 30 idle
    assert logged_in(client)


def test_twelve_hours_end_the_session_however_active(client, official):
    password_step(client, "luxiang")
    shift(client, **{LOGIN_AT: 12 * 60 + 1, LAST_SEEN: 0})
    response = client.get("/")
    assert response.status_code == 302 and not logged_in(client)
    assert "登录已超过 12 小时" in client.get(response["Location"]).content.decode()
    assert SecurityEvent.objects.get(kind="session_expired").details == {"reason": "lifetime"}


def test_the_session_api_answers_401_when_the_session_expired(client, official):
    password_step(client, "luxiang")
    shift(client, **{LAST_SEEN: 31})
    response = client.get("/api/v1/towns/")
    assert response.status_code == 401 and "会话已结束" in response.json()["detail"]


def test_a_new_login_ends_the_old_session_and_says_so(client, official):
    from django.test import Client

    other = Client()
    password_step(client, "luxiang")
    assert client.get("/").status_code == 200
    old_key = client.session.session_key

    password_step(other, "luxiang")
    landing = other.get("/").content.decode()
    assert "此前在其他地方的登录会话已结束" in landing
    assert not Session.objects.filter(session_key=old_key).exists()

    # The old browser's next request is sent to the login page, which says why (once).
    response = client.get("/towns/")
    assert response.status_code == 302 and response["Location"] == "/login/?next=/towns/"
    assert "您的账户已在其他地方登录，本会话已结束" in client.get("/login/").content.decode()
    assert other.get("/").status_code == 200
    assert SecurityEvent.objects.filter(kind="session_replaced", user_id=official.pk).count() == 1
    assert UserSession.objects.get(session_key=old_key).end_reason == "replaced"


def store_session(user):
    """A second session of the user in the store, as another browser's (tracked like any login)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.create()
    UserSession.objects.create(user=user, session_key=store.session_key)
    return store.session_key


def test_logout_ends_every_session_of_the_user(client, official):
    password_step(client, "luxiang")
    elsewhere = store_session(official)
    client.post("/logout/")
    assert not Session.objects.filter(session_key=elsewhere).exists()
    assert not UserSession.objects.filter(user=official, ended__isnull=True).exists()


def test_a_password_change_ends_every_session_this_one_included(client, official):
    password_step(client, "luxiang")
    elsewhere = store_session(official)
    page = client.get("/account/password/").content.decode()
    assert (
        "原密码" in page
        and "确认新密码" in page
        and "至少包含小写字母、大写字母、数字、符号中的 3 类" in page
    )
    response = client.post(
        "/account/password/",
        {
            "old_password": "Portal-test-2024",
            "new_password1": "Lu-xiang-2026!",
            "new_password2": "Lu-xiang-2026!",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert not logged_in(client)
    assert not Session.objects.filter(session_key=elsewhere).exists()
    assert "密码已修改" in client.get("/login/").content.decode()
    assert password_step(client, "luxiang").status_code == 200  # the old password no longer works
    assert password_step(client, "luxiang", "Lu-xiang-2026!").status_code == 302
    assert SecurityEvent.objects.filter(kind="password_changed", user_id=official.pk).exists()


def test_a_password_change_is_refused_in_chinese(client, official):
    password_step(client, "luxiang")
    response = client.post(
        "/account/password/",
        {"old_password": "wrong", "new_password1": "abcdefghij", "new_password2": "abcdefghij"},
    )
    html = response.content.decode()
    assert "原密码不正确" in html
    assert "密码须包含小写字母、大写字母、数字、符号中的至少 3 类" in html
    assert logged_in(client)
