"""安全事件 /audit/security/ (issue 12 point 2): filter, pagination, .xlsx export, and GET /api/v1/security-events/
and /api/v1/audit/, for the audit administrator and the auditor only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.choices import SecurityEventKind
from core.models import SecurityEvent
from core.security_log import record_security_event

from ..xlsx import data_rows, sheet_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def some_events(jilin):
    record_security_event(SecurityEventKind.LOGIN_FAILED, username="zhang", reason="bad password")
    record_security_event(SecurityEventKind.LOCKED_OUT, username="zhang")
    record_security_event(SecurityEventKind.TOKEN_ISSUED, username="cdb", token_id=3)
    old = record_security_event(SecurityEventKind.LOGIN_SUCCEEDED, username="li")
    SecurityEvent.objects.filter(pk=old.pk).update(occurred_at=timezone.now() - timedelta(days=40))


def test_the_page_lists_filters_and_exports(client, some_events, audit_admin):
    client.force_login(audit_admin)  # itself a security event (the login)
    total = SecurityEvent.objects.count()
    html = client.get("/audit/security/").content.decode()
    assert f"共 {total} 条记录" in html and "登录失败" in html and "签发 API 令牌" in html
    html = client.get("/audit/security/", {"username": "zha"}).content.decode()
    assert "共 2 条记录" in html and "cdb" not in html
    html = client.get("/audit/security/", {"kind": "token_issued"}).content.decode()
    assert "共 1 条记录" in html
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert f"共 {total - 1} 条记录" in client.get("/audit/security/", {"date_from": since}).content.decode()

    response = client.get("/audit/security/export.xlsx", {"username": "zhang"})
    assert response.status_code == 200
    rows = data_rows(sheet_of(response))
    assert [row[1] for row in rows] == ["账户锁定", "登录失败"]
    assert rows[1][2] == "zhang" and "bad password" in rows[1][6]


def test_the_page_paginates(client, jilin, auditor):
    for n in range(55):
        record_security_event(SecurityEventKind.LOGIN_FAILED, username=f"u{n}")
    client.force_login(auditor)
    assert "共 55 条记录" in client.get("/audit/security/", {"kind": "login_failed"}).content.decode()
    second = client.get("/audit/security/", {"page": 2}).content.decode()
    assert second.count("登录失败") >= 5


def test_a_bad_filter_is_refused_in_chinese(client, some_events, audit_admin):
    client.force_login(audit_admin)
    html = client.get("/audit/security/", {"kind": "nonsense"}).content.decode()
    assert "筛选条件有误" in html and "事件：" in html
    assert "登录失败" not in html.split("</select>")[-1]  # no rows listed under a refused filter


@pytest.mark.parametrize("fixture", ["province_admin", "system_admin", "security_admin", "county_official"])
def test_other_roles_get_403(client, some_events, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get("/audit/security/").status_code == 403
    assert client.get("/audit/security/export.xlsx").status_code == 403


def test_the_api_lists_security_events_and_audit_entries_for_readers_only(
    some_events, api_as, audit_admin, security_admin
):
    client = api_as(audit_admin)
    body = client.get("/api/v1/security-events/", {"username": "zhang"}).json()
    assert body["count"] == 2 and {row["kind"] for row in body["results"]} == {"login_failed", "locked_out"}
    assert client.get("/api/v1/audit/").status_code == 200
    assert client.post("/api/v1/security-events/", {}).status_code in (403, 405)
    other = api_as(security_admin)
    assert other.get("/api/v1/security-events/").status_code == 403
    assert other.get("/api/v1/audit/").status_code == 403


def test_the_audit_model_filter_survives_the_schema_generation(client, jilin, auditor, county_official):
    """The API schema builds LogEntryFilterSet's fields once; the page's model filter still offers every model."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from accounts.models import User

    client.force_login(auditor)
    assert client.get("/api/schema/").status_code == 200
    county_official.first_name = "改"
    county_official.save()
    user_type = ContentType.objects.get_for_model(User).pk
    page = client.get("/audit/", {"model": str(user_type)})
    assert (
        page.context["page"].paginator.count
        == LogEntry.objects.filter(content_type_id=user_type).count()
        >= 1
    )
