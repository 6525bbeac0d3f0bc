"""The second factor (等保 身份鉴别): forced enrolment for the roles that need it, the login's second step,
backup codes, optional enrolment for the others, the operators' commands."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, UserSession
from accounts.second_factor import issue_backup_codes, reset_second_factor
from accounts.services import issue_token
from core.models import SecurityEvent

from .otp import enrol, logged_in, password_step, totp_code

pytestmark = [pytest.mark.real_second_factor, pytest.mark.usefixtures("jilin")]


@pytest.fixture
def admin(make_user):
    return make_user(Role.PROVINCE_ADMIN, username="admin")


@pytest.fixture
def official(make_user):
    return make_user(Role.COUNTY_OFFICIAL, "220112", username="luxiang")


def kinds(user):
    return list(SecurityEvent.objects.filter(user_id=user.pk).order_by("pk").values_list("kind", flat=True))


def test_a_role_that_needs_2fa_is_sent_to_enrol_after_the_password(client, admin):
    response = password_step(client, "admin")
    assert response.status_code == 302
    assert response["Location"] == "/account/second-factor/?next=%2F"
    assert logged_in(client)
    # Nothing else is reachable: pages, the session's API, the admin.
    for path in ("/", "/towns/", "/account/", "/account/password/", "/login/second-factor/"):
        page = client.get(path)
        assert page.status_code == 302 and page["Location"].startswith("/account/second-factor/"), path
    api = client.get("/api/v1/towns/")
    assert api.status_code == 403
    assert "双因素认证" in api.json()["detail"]
    # The enrolment page: the QR code as inline SVG, the secret as text, no script.
    page = client.get("/account/second-factor/").content.decode()
    assert "<svg" in page and "您的角色须使用双因素认证" in page
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page
    assert "<script>" not in page.split("</main>")[0]


def test_a_token_authenticated_request_is_not_concerned(api_client, admin):
    issued = issue_token(admin, admin, name="测试")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")
    assert api_client.get("/api/v1/towns/").status_code == 200


def test_enrolment_is_confirmed_by_a_first_code_and_gives_backup_codes(client, admin, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code, then the right one at once
    password_step(client, "admin")
    client.get("/account/second-factor/")
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    wrong = client.post("/account/second-factor/", {"otp": "000000"})
    assert "动态口令不正确" in wrong.content.decode()
    assert client.get("/").status_code == 302

    response = client.post("/account/second-factor/", {"otp": totp_code(device), "next": "/towns/"})
    html = response.content.decode()
    codes = sorted(StaticToken.objects.filter(device__user=admin).values_list("token", flat=True))
    assert len(codes) == 10
    assert all(code in html for code in codes) and "备用码只显示这一次" in html
    assert 'href="/towns/"' in html
    assert client.get("/").status_code == 200
    assert kinds(admin)[-3:] == ["otp_failed", "otp_enrolled", "backup_codes_issued"]


def test_the_second_step_asks_for_the_code_of_a_user_with_a_device(client, admin, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code, then the right one at once
    password_step(client, "admin")
    device = enrol(client, admin)
    client.post("/logout/")

    response = password_step(client, "admin")
    assert response["Location"] == "/login/second-factor/?next=%2F"
    assert client.get("/towns/")["Location"] == "/login/second-factor/?next=%2Ftowns%2F"
    assert client.get("/api/v1/towns/").status_code == 403
    assert client.get("/account/second-factor/")["Location"].startswith("/login/second-factor/")
    page = client.get("/login/second-factor/").content.decode()
    assert "输入动态口令" in page and "备用码" in page

    wrong = client.post("/login/second-factor/", {"otp": "123456"})
    assert wrong.status_code == 200 and "动态口令或备用码不正确" in wrong.content.decode()
    assert client.get("/").status_code == 302
    right = client.post("/login/second-factor/", {"otp": totp_code(device, steps=1), "next": "/towns/"})
    assert right.status_code == 302 and right["Location"] == "/towns/"
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/towns/").status_code == 200
    assert kinds(admin)[-2:] == ["otp_failed", "otp_verified"]
    assert client.session["otp_device_id"] == device.persistent_id  # django_otp.login


def test_a_backup_code_works_once(client, admin):
    password_step(client, "admin")
    enrol(client, admin)
    code = StaticToken.objects.filter(device__user=admin).values_list("token", flat=True).first()
    client.post("/logout/")

    password_step(client, "admin")
    response = client.post("/login/second-factor/", {"otp": code.upper()})
    assert response.status_code == 302
    assert "剩余 9 个" in client.get("/").content.decode()
    client.post("/logout/")

    password_step(client, "admin")
    again = client.post("/login/second-factor/", {"otp": code})
    assert "不正确" in again.content.decode()
    assert client.get("/").status_code == 302


def test_new_backup_codes_replace_the_old(client, admin):
    password_step(client, "admin")
    enrol(client, admin)
    old = set(StaticToken.objects.filter(device__user=admin).values_list("token", flat=True))
    response = client.post("/account/backup-codes/")
    new = set(StaticToken.objects.filter(device__user=admin).values_list("token", flat=True))
    assert len(new) == 10 and not old & new
    assert all(code in response.content.decode() for code in new)
    assert StaticDevice.objects.filter(user=admin).count() == 1


def test_others_log_in_without_a_second_factor_and_may_enrol(client, official):
    response = password_step(client, "luxiang")
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    page = client.get("/account/").content.decode()
    assert "未绑定" in page and "绑定动态口令" in page
    device = enrol(client, official)
    client.post("/logout/")
    # Enrolled: from now on the second step is asked for.
    assert password_step(client, "luxiang")["Location"] == "/login/second-factor/?next=%2F"
    assert client.get("/").status_code == 302
    client.post("/login/second-factor/", {"otp": totp_code(device, steps=1)})
    assert client.get("/").status_code == 200


def test_force_login_passes_the_second_factor_unless_a_test_opts_out(client, admin):
    """The suite's fixture (tests/conftest.py) is off here: force_login alone does not get a 2FA role in."""
    client.force_login(admin)
    assert client.get("/").status_code == 302


def test_addstatictoken_prints_a_code_the_second_step_accepts(client, admin):
    out = StringIO()
    call_command("addstatictoken", "admin", stdout=out)
    code = out.getvalue().strip().splitlines()[-1]
    assert len(code) >= 6
    response = password_step(client, "admin")
    assert response["Location"] == "/login/second-factor/?next=%2F"
    assert client.post("/login/second-factor/", {"otp": code}).status_code == 302
    assert client.get("/").status_code == 200


def test_reset_second_factor_removes_the_devices_and_ends_the_sessions(client, admin):
    password_step(client, "admin")
    enrol(client, admin)
    assert client.get("/").status_code == 200
    out = StringIO()
    call_command("reset_second_factor", "admin", stdout=out)
    assert "已重置用户 admin 的双因素认证" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=admin).exists()
    assert not StaticDevice.objects.filter(user=admin).exists()
    assert client.get("/").status_code == 302 and not logged_in(client)
    assert UserSession.objects.get(user=admin).end_reason == "second_factor_reset"
    event = SecurityEvent.objects.filter(kind="otp_reset").get()
    assert event.user_id == admin.pk and event.details["by"] == "command"
    # The next login enrols again.
    assert password_step(client, "admin")["Location"].startswith("/account/second-factor/")


def test_reset_of_an_unknown_user_is_a_chinese_error():
    with pytest.raises(CommandError, match="用户 nobody 不存在"):
        call_command("reset_second_factor", "nobody")


def test_the_reset_service_names_the_actor(admin, make_user):
    security = make_user(Role.SECURITY_ADMIN, username="security")
    issue_backup_codes(admin)
    assert reset_second_factor(security, admin) == 1
    assert SecurityEvent.objects.get(kind="otp_reset").details["by"] == "security"


def test_create_user_says_how_a_2fa_role_enrols(jilin):
    out = StringIO()
    call_command("create_user", "newadmin", role="auditor", password="Audit-2024-pass", stdout=out)
    assert "首次登录" in out.getvalue() and "addstatictoken newadmin" in out.getvalue()
    out = StringIO()
    call_command("create_user", "newviewer", role="province_viewer", password="Audit-2024-pass", stdout=out)
    assert "双因素" not in out.getvalue()


def test_the_admin_login_is_the_portal_login(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 302 and response["Location"] == "/login/?next=/admin/"


def test_wrong_codes_slow_down_the_next_tries(client, admin, settings):
    """django-otp's throttling (OTP_TOTP_THROTTLE_FACTOR, 1 s doubling per failure): right after a wrong code
    even the right one is refused, so codes cannot be tried at speed."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    password_step(client, "admin")
    device = enrol(client, admin)
    client.post("/logout/")
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    password_step(client, "admin")
    client.post("/login/second-factor/", {"otp": "123456"})
    refused = client.post("/login/second-factor/", {"otp": totp_code(device, steps=1)})
    assert refused.status_code == 200 and "不正确" in refused.content.decode()
    assert client.get("/").status_code == 302
