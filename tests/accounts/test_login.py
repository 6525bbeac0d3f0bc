"""The login page: Chinese labels and errors, the 5-failure / 30-minute lockout, logout by POST only."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db.models import F

from accounts.lockout import LOCKOUT_MESSAGE
from accounts.models import Role

# The geography must be there even after a transactional test elsewhere flushed the database.
pytestmark = pytest.mark.usefixtures("jilin")

PASSWORD = "Portal-test-2024"


@pytest.fixture
def official(make_user):
    return make_user(Role.COUNTY_OFFICIAL, "220112", username="luxiang")


def login(client, username, password, **extra):
    return client.post("/login/", {"username": username, "password": password, **extra})


# From the third failure on the form asks for a captcha (test mode: "PASSED" is the answer).
CAPTCHA = {"captcha_0": "any", "captcha_1": "PASSED"}


def is_logged_in(client):
    return "_auth_user_id" in client.session


def test_login_page_is_in_chinese(client, db):
    response = client.get("/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert ">用户名</label>" in html
    assert ">密码</label>" in html
    assert "连续 5 次密码错误，账户将被锁定 30 分钟" in html
    assert "连续 3 次密码错误后须输入验证码" in html
    # No external assets: the layout's stylesheets are served by the portal itself.
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in html
    assert "cdn" not in html.lower()


def test_right_password_logs_in_and_lands_on_the_home_page(client, official):
    response = login(client, "luxiang", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_logged_in(client)
    home = client.get("/")
    assert "县（市、区）工作人员" in home.content.decode()  # the role label in the navbar
    assert "双阳区" in home.content.decode()  # and the user's region


def test_wrong_password_shows_a_chinese_error(client, official):
    response = login(client, "luxiang", "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert not is_logged_in(client)


def test_unknown_user_gets_the_same_error(client, official):
    response = login(client, "nobody", PASSWORD)
    assert "用户名或密码不正确" in response.content.decode()
    assert not is_logged_in(client)


def test_five_failures_lock_the_account_for_thirty_minutes(client, official, captcha_test_mode):
    for _ in range(4):
        assert login(client, "luxiang", "wrong-password", **CAPTCHA).status_code == 200
    fifth = login(client, "luxiang", "wrong-password", **CAPTCHA)
    assert fifth.status_code == 429

    # The sixth attempt, with the right password, is refused with the Chinese lockout message.
    sixth = login(client, "luxiang", PASSWORD, **CAPTCHA)
    assert sixth.status_code == 429
    html = sixth.content.decode()
    assert LOCKOUT_MESSAGE in html
    assert "已被锁定 30 分钟" in html
    assert 'href="/login/"' in html  # a way back to the login page
    assert not is_logged_in(client)
    assert client.get("/").status_code == 302

    # 29 minutes on, still locked.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=29))
    assert login(client, "luxiang", PASSWORD, **CAPTCHA).status_code == 429
    assert not is_logged_in(client)

    # 31 minutes after the last attempt the lock has expired.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=31))
    response = login(client, "luxiang", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert is_logged_in(client)


def test_the_lock_is_per_account(client, official, make_user, captcha_test_mode):
    make_user(Role.COUNTY_OFFICIAL, "220281", username="jiaohe")
    for _ in range(5):
        login(client, "luxiang", "wrong-password", **CAPTCHA)
    # The same address failed five times: the captcha is asked for, but the other account is not locked.
    response = login(client, "jiaohe", PASSWORD, **CAPTCHA)
    assert response.status_code == 302
    assert is_logged_in(client)


def test_success_before_the_limit_resets_the_failure_count(client, official, captcha_test_mode):
    for _ in range(4):
        login(client, "luxiang", "wrong-password", **CAPTCHA)
    assert login(client, "luxiang", PASSWORD, **CAPTCHA).status_code == 302
    client.post("/logout/")
    for _ in range(4):
        login(client, "luxiang", "wrong-password", **CAPTCHA)
    assert login(client, "luxiang", PASSWORD, **CAPTCHA).status_code == 302


@pytest.mark.parametrize("path", ["/", "/towns/", "/towns/quotas/", "/towns/220112102/", "/audit/"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


def test_logout_is_a_post_and_ends_the_session(client, official):
    client.force_login(official)
    home = client.get("/").content.decode()
    assert 'action="/logout/"' in home and 'name="csrfmiddlewaretoken"' in home
    assert client.get("/logout/").status_code == 405
    assert is_logged_in(client)
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert not is_logged_in(client)
    assert "您已安全退出" in client.get("/login/").content.decode()
    assert client.get("/").status_code == 302


def test_logged_in_user_visiting_login_goes_home(client, official):
    client.force_login(official)
    response = client.get("/login/")
    assert response.status_code == 302 and response["Location"] == "/"
