"""Passwords (等保 身份鉴别, ADR 11): length, character classes, similarity, common and numeric passwords, the
last 5, and the maximum age that sends an expired password to the change page."""

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import PasswordHistory, Role, User
from accounts.passwords import is_password_expired
from core.models import SecurityEvent
from towns.demo import DEMO_PASSWORD

from .otp import password_step

pytestmark = pytest.mark.usefixtures("jilin")


def messages_for(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return ""


@pytest.fixture
def official(make_user):
    return make_user(Role.COUNTY_OFFICIAL, "220112", username="luxiang")


def test_the_rules_of_a_new_password(official):
    assert "密码太短，至少须有 10 个字符" in messages_for("Ab-12345")
    assert "密码须包含小写字母、大写字母、数字、符号中的至少 3 类" in messages_for("abcdefghijk")
    assert "密码须包含" in messages_for("abcdefgh12")  # two classes
    assert messages_for("luxiang-2024X", official)  # too like the username
    assert messages_for("Password123")  # common
    assert messages_for("1234567890123")  # numeric
    assert messages_for("Changchun-2026") == ""


def test_the_demo_password_passes():
    assert messages_for(DEMO_PASSWORD) == ""
    assert messages_for(DEMO_PASSWORD, User(username="demo_admin", first_name="演示")) == ""


def test_none_of_the_last_five(official):
    passwords = [f"Lu-xiang-{n}a" for n in range(1, 6)]
    for password in passwords:
        official.set_password(password)
        official.save()
    assert PasswordHistory.objects.filter(user=official).count() == 5  # the older ones are dropped
    for password in passwords:
        assert "不能与最近 5 次使用过的密码相同" in messages_for(password, official)
    assert messages_for("Portal-test-2024", official) == ""  # the sixth back, forgotten
    assert messages_for("Changchun-9a", official) == ""


def expire(user, days=181):
    PasswordHistory.objects.filter(user=user).update(created=timezone.now() - timedelta(days=days))


def test_an_expired_password_must_be_changed_after_login(client, official):
    expire(official)
    assert password_step(client, "luxiang")["Location"] == "/"
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/account/password/?next=%2F"
    assert client.get("/api/v1/towns/").status_code == 403
    page = client.get("/account/password/").content.decode()
    assert "您的密码已超过有效期，请先修改密码" in page
    assert SecurityEvent.objects.filter(kind="password_expired", user_id=official.pk).exists()
    client.post(
        "/account/password/",
        {
            "old_password": "Portal-test-2024",
            "new_password1": "Lu-xiang-2027!",
            "new_password2": "Lu-xiang-2027!",
        },
    )
    assert password_step(client, "luxiang", "Lu-xiang-2027!").status_code == 302
    assert client.get("/").status_code == 200


def test_the_maximum_age_setting(official, make_user, settings):
    expire(official, days=179)
    assert not is_password_expired(official)
    expire(official, days=180)
    assert is_password_expired(official)
    partner = make_user(Role.PARTNER, username="cdb")
    expire(partner, days=400)
    assert not is_password_expired(partner)  # API-only: never forced
    settings.PASSWORD_MAX_AGE_DAYS = 0
    assert not is_password_expired(official)


def test_an_account_older_than_its_history_counts_from_its_creation(official):
    PasswordHistory.objects.all().delete()
    User.objects.filter(pk=official.pk).update(date_joined=timezone.now() - timedelta(days=200))
    official.refresh_from_db()
    assert is_password_expired(official)
