"""The login captcha (django-simple-captcha) from the third failure on: without it no password is tried, so
nobody can lock another person's account by guessing; the 5-failure lock stays (tests/accounts/test_login.py)."""

import pytest
from axes.models import AccessAttempt

from accounts.models import Role

from .otp import logged_in, password_step

pytestmark = pytest.mark.usefixtures("jilin")

CAPTCHA = {"captcha_0": "any", "captcha_1": "PASSED"}


@pytest.fixture
def official(make_user):
    return make_user(Role.COUNTY_OFFICIAL, "220112", username="luxiang")


def failures(username):
    return sum(AccessAttempt.objects.filter(username=username).values_list("failures_since_start", flat=True))


def test_no_captcha_before_three_failures(client, official):
    assert 'name="captcha_1"' not in client.get("/login/").content.decode()
    for _ in range(2):
        assert 'name="captcha_1"' not in password_step(client, "luxiang", "wrong-password").content.decode()


def test_after_three_failures_a_guess_without_the_captcha_is_refused_uncounted(
    client, official, captcha_test_mode
):
    for _ in range(3):
        password_step(client, "luxiang", "wrong-password")
    page = password_step(client, "luxiang", "wrong-password").content.decode()
    assert "请输入图中的验证码" in page and 'src="/captcha/image/' in page and 'name="captcha_1"' in page
    for _ in range(10):
        response = password_step(client, "luxiang", "wrong-password", captcha_0="x", captcha_1="wrong")
        assert "验证码不正确" in response.content.decode()
    assert failures("luxiang") == 3  # none of these reached authenticate(): the account is not locked
    # The right password without the captcha is refused too; with it, the login goes through.
    assert not logged_in(client) and password_step(client, "luxiang").status_code == 200
    assert password_step(client, "luxiang", **CAPTCHA).status_code == 302
    assert logged_in(client)


def test_the_captcha_image_is_served(client, official):
    for _ in range(3):
        password_step(client, "luxiang", "wrong-password")
    html = client.get("/login/").content.decode()
    src = html.split('src="/captcha/image/')[1].split('"')[0]
    image = client.get(f"/captcha/image/{src}")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"


def test_failures_from_the_same_address_ask_for_the_captcha_for_another_account(client, official, make_user):
    make_user(Role.COUNTY_OFFICIAL, "220281", username="jiaohe")
    for name in ("a", "b", "c"):
        password_step(client, name, "wrong-password")
    response = password_step(client, "jiaohe")
    assert response.status_code == 200 and "请输入图中的验证码" in response.content.decode()
