"""The security events wired by core (issue 12 point 4): logins, failures, logouts, denied requests,
exports, job start and end — each recorded and sealed into the audit chain."""

import pytest

from core.audit_chain import verify
from core.choices import SecurityEventKind
from core.models import SecurityEvent

pytestmark = pytest.mark.django_db


def kinds():
    return list(SecurityEvent.objects.order_by("id").values_list("kind", flat=True))


def test_login_failure_success_and_logout_are_recorded(client, make_user):
    make_user("province_admin", username="wang", password="Portal-test-2024")
    client.post("/login/", {"username": "wang", "password": "wrong"})
    client.post("/login/", {"username": "wang", "password": "Portal-test-2024"})
    client.post("/logout/")
    recorded = kinds()
    assert SecurityEventKind.LOGIN_FAILED in recorded and SecurityEventKind.LOGIN_SUCCEEDED in recorded
    assert SecurityEventKind.LOGGED_OUT in recorded
    failed = SecurityEvent.objects.get(kind=SecurityEventKind.LOGIN_FAILED)
    assert failed.username == "wang" and "wrong" not in str(failed.details)
    assert verify().ok


def test_a_denied_request_is_recorded_but_a_missing_page_is_not(client, make_user):
    from accounts.models import Role
    from tests.conftest import SHUANGYANG

    client.force_login(make_user(Role.COUNTY_OFFICIAL, SHUANGYANG))
    assert client.get("/audit/").status_code == 403
    denied = SecurityEvent.objects.get(kind=SecurityEventKind.ACCESS_DENIED)
    assert denied.path == "/audit/" and denied.details == {"status": 403}
    client.get("/no-such-page/")
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.ACCESS_DENIED).count() == 1


def test_an_export_is_recorded(client, auditor):
    client.force_login(auditor)
    assert client.get("/audit/export.xlsx").status_code == 200
    event = SecurityEvent.objects.get(kind=SecurityEventKind.EXPORTED)
    assert event.details["export"] == "core.audit" and event.username == auditor.username


def test_a_job_records_its_start_and_end(province_admin):
    from core import jobs

    kind = next(iter(jobs._handlers))
    job = jobs.start_job(province_admin, kind=kind, title="测试任务", send=False)
    jobs.execute_job(job.pk)
    started = SecurityEvent.objects.get(kind=SecurityEventKind.JOB_STARTED)
    ended = SecurityEvent.objects.get(kind=SecurityEventKind.JOB_ENDED)
    assert started.details["job"] == job.pk == ended.details["job"] and ended.details["state"]
