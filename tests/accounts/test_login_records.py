"""After login the page shows the last successful login (time, IP) and the failed attempts since."""

from datetime import datetime

import pytest
from django.utils import timezone

from accounts.models import LoginRecord, Role

from .otp import password_step

pytestmark = pytest.mark.usefixtures("jilin")


def test_the_landing_page_shows_the_last_login_and_the_failures_since(client, make_user):
    user = make_user(Role.COUNTY_OFFICIAL, "220112", username="luxiang")
    password_step(client, "luxiang")
    assert "这是您的首次登录；此后失败尝试 0 次" in client.get("/").content.decode()
    client.post("/logout/")
    at = timezone.make_aware(datetime(2026, 3, 5, 14, 3))
    LoginRecord.objects.filter(user=user).update(at=at, remote_addr="10.0.0.8")

    password_step(client, "luxiang", "wrong-password")
    password_step(client, "luxiang", "wrong-password")
    password_step(client, "luxiang")
    home = client.get("/").content.decode()
    assert "上次登录：2026年3月5日 14:03，IP 10.0.0.8；此后失败尝试 2 次" in home
    client.post("/logout/")

    password_step(client, "luxiang")
    assert "；此后失败尝试 0 次" in client.get("/").content.decode()
    assert LoginRecord.objects.filter(username="luxiang", succeeded=False).count() == 2
