"""Helpers of the login tests: the login's steps as a browser goes through them, and TOTP codes."""

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "Portal-test-2024"


def totp_code(device, steps=0):
    """The code an authenticator app shows for the device, `steps` time steps from now (the device accepts
    one step either side, and never the same step twice)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps * device.step
    return str(totp.token()).zfill(device.digits)


def password_step(client, username, password=PASSWORD, **extra):
    return client.post("/login/", {"username": username, "password": password, **extra})


def enrol(client, user):
    """Bind a TOTP device through the enrolment page; returns the confirmed device."""
    assert client.get("/account/second-factor/").status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/account/second-factor/", {"otp": totp_code(device)})
    assert response.status_code == 200, response.content.decode()[:500]
    device.refresh_from_db()
    assert device.confirmed
    return device


def logged_in(client):
    return "_auth_user_id" in client.session
