"""POST /api/v1/auth/token/ for a role that needs a second factor: the password and a code (otp)."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.api.views import OTP_NOT_ENROLLED, OTP_REQUIRED, OTP_WRONG
from accounts.models import ApiToken, Role, hash_token_key
from accounts.second_factor import issue_backup_codes

from ..otp import PASSWORD, totp_code

URL = "/api/v1/auth/token/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(make_user):
    return make_user(Role.AUDITOR, username="auditor")


def obtain(client, **body):
    return client.post(URL, {"username": "auditor", "password": PASSWORD, **body}, format="json")


def test_a_2fa_role_without_a_device_gets_no_token(jilin, api_client, auditor):
    response = obtain(api_client)
    assert response.status_code == 400 and response.json() == {"detail": OTP_NOT_ENROLLED}
    assert not ApiToken.objects.filter(user=auditor).exists()


def test_the_code_is_required_and_checked(jilin, api_client, auditor, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = TOTPDevice.objects.create(user=auditor, name="动态口令", confirmed=True)
    assert obtain(api_client).json() == {"detail": OTP_REQUIRED}
    assert obtain(api_client, otp="000000").json() == {"detail": OTP_WRONG}
    assert not ApiToken.objects.filter(user=auditor).exists()
    response = obtain(api_client, otp=totp_code(device))
    assert response.status_code == 200
    assert hash_token_key(response.json()["token"]) == ApiToken.objects.get(user=auditor).key_hash


def test_a_backup_code_is_accepted_once(jilin, api_client, auditor):
    code, _ = issue_backup_codes(auditor, codes=["backup0001", "backup0002"])
    assert obtain(api_client, otp=code).status_code == 200
    assert obtain(api_client, otp=code).json() == {"detail": OTP_WRONG}


def test_the_wrong_password_is_refused_before_the_code(jilin, api_client, auditor):
    issue_backup_codes(auditor, codes=["backup0001"])
    response = obtain(api_client, password="wrong-password", otp="backup0001")
    assert response.json() == {"detail": "用户名或密码错误。"}
    assert obtain(api_client, otp="backup0001").status_code == 200  # the code was not used up


def test_the_schema_documents_the_otp_field(jilin, client, make_user):
    client.force_login(make_user(Role.PROVINCE_ADMIN, username="admin"))
    schema = client.get("/api/schema/?format=json").json()
    body = schema["components"]["schemas"]["CredentialsRequest"]["properties"]
    assert "otp" in body and "动态口令" in body["otp"]["description"]
    operation = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert "otp" in operation["description"]
