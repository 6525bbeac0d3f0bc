"""The audit chain (issue 12 point 4, ADR 13): every audit record sealed, verify_audit finds a record
rewritten, removed or slipped in from the database, purge_audit keeps 183 days and the chain verifiable."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from core.audit import change_set, log_bulk_created, log_change_set
from core.audit_chain import verify
from core.choices import SecurityEventKind
from core.errors import DomainError
from core.models import AuditSeal, SecurityEvent
from core.security_log import record_security_event
from tests.conftest import SHUANGYANG, town_in
from towns.models import Designation
from towns.services import designate

pytestmark = pytest.mark.django_db


def verify_output():
    """(exit code, output) of verify_audit."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except SystemExit as exit:
        return exit.code, err.getvalue()
    return 0, out.getvalue()


def some_records(user):  # a data change and a security event
    town = town_in(SHUANGYANG, 0)
    designate(town, "county", 2022, doc_no="双政发〔2022〕1号")
    record_security_event(SecurityEventKind.LOGIN_SUCCEEDED, user=user)
    return Designation.objects.get(town=town)


def test_every_record_of_both_tables_is_sealed_and_the_chain_verifies(province_admin):
    some_records(province_admin)
    assert AuditSeal.objects.count() == LogEntry.objects.count() + SecurityEvent.objects.count()
    code, output = verify_output()
    assert code == 0 and f"审计记录完整：共 {AuditSeal.objects.count()} 条" in output


def test_bulk_created_entries_are_sealed_too(province_admin):
    regions = list(Designation.objects.none())
    log_bulk_created([some_records(province_admin), *regions])
    assert verify().ok


def test_an_entry_rewritten_in_the_database_is_named(province_admin):
    designation = some_records(province_admin)
    entry = LogEntry.objects.get_for_object(designation).get()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE auditlog_logentry SET changes = %s WHERE id = %s",
            ['{"doc_no": [null, "伪造"]}', entry.pk],
        )
    code, output = verify_output()
    assert code == 1
    assert f"auditlog_logentry #{entry.pk}" in output and "内容已被改动" in output


def test_a_security_event_rewritten_is_named(province_admin):
    some_records(province_admin)
    event = SecurityEvent.objects.latest("id")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_securityevent SET username = 'someone' WHERE id = %s", [event.pk])
    code, output = verify_output()
    assert code == 1 and f"core_securityevent #{event.pk}" in output


def test_an_entry_deleted_is_named(province_admin):
    designation = some_records(province_admin)
    entry = LogEntry.objects.get_for_object(designation).get()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM auditlog_logentry WHERE id = %s", [entry.pk])
    code, output = verify_output()
    assert code == 1 and f"auditlog_logentry #{entry.pk}" in output and "记录已被删除" in output


def test_an_entry_deleted_with_its_seal_breaks_the_next_link(province_admin):
    designation = some_records(province_admin)
    entry = LogEntry.objects.get_for_object(designation).get()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM auditlog_logentry WHERE id = %s", [entry.pk])
        cursor.execute(
            "DELETE FROM core_auditseal WHERE entry_table = 'auditlog_logentry' AND entry_id = %s", [entry.pk]
        )
    code, output = verify_output()
    assert code == 1 and "链接断开" in output


def test_an_entry_inserted_by_raw_sql_is_named(province_admin):
    some_records(province_admin)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_securityevent (kind, occurred_at, username, user_agent, method, path, details) "
            "VALUES ('login_succeeded', %s, 'ghost', '', '', '', '{}') RETURNING id",
            [timezone.now()],
        )
        inserted = cursor.fetchone()[0]
    code, output = verify_output()
    assert code == 1 and f"core_securityevent #{inserted}" in output and "不在审计链中" in output


# --- change sets --------------------------------------------------------------------------------------------


def test_a_change_set_writes_one_entry_carrying_every_row(province_admin):
    towns = [town_in(SHUANGYANG, index) for index in range(3)]
    before = LogEntry.objects.count()
    with change_set("批量认定", actor=province_admin, via="command"):
        for town in towns:
            designate(town, "county", 2022, doc_no="文号")
    assert LogEntry.objects.count() == before + 1
    entry = LogEntry.objects.latest("id")
    rows = entry.additional_data["change_set"]["rows"]
    assert entry.actor == province_admin and entry.additional_data["via"] == "command"
    assert {row["pk"] for row in rows if row["model"] == "towns.designation"} == {
        str(d.pk) for d in Designation.objects.filter(town__in=towns)
    }
    assert verify().ok


def test_a_change_set_that_fails_writes_nothing(province_admin):
    before = LogEntry.objects.count()
    with pytest.raises(DomainError), change_set("失败的操作", actor=province_admin):
        designate(town_in(SHUANGYANG, 0), "county", 2022, doc_no="文号")
        raise DomainError("中途失败")
    # (the designation itself is not rolled back here: no transaction around it; the entry is not written)
    assert LogEntry.objects.count() == before


def test_log_change_set_is_shown_on_the_audit_page(client, auditor, province_admin):
    log_change_set(
        "手工批量操作",
        [
            {
                "model": "towns.designation",
                "pk": "1",
                "repr": "某镇",
                "action": 0,
                "changes": {"doc_no": [None, "文号甲"]},
            }
        ],
        actor=province_admin,
        via="command",
    )
    client.force_login(auditor)
    html = client.get("/audit/", {"via": "command"}).content.decode()
    assert "示范镇认定「某镇」新增" in html and "文号甲" in html


# --- retention ----------------------------------------------------------------------------------------------


def test_purge_refuses_anything_younger_than_183_days(province_admin):
    some_records(province_admin)
    before = (LogEntry.objects.count(), SecurityEvent.objects.count())
    too_recent = timezone.localdate() - timedelta(days=182)
    with pytest.raises(CommandError, match="至少保留 183 天"):
        call_command("purge_audit", "--before", too_recent.isoformat())
    with pytest.raises(CommandError, match="至少保留 183 天"):
        call_command("purge_audit", "--older-than", "30")
    assert (LogEntry.objects.count(), SecurityEvent.objects.count()) == before


def test_purge_keeps_the_chain_verifiable_from_its_new_anchor(province_admin):
    some_records(province_admin)
    old = timezone.now() - timedelta(days=400)
    AuditSeal.objects.filter(id__lte=AuditSeal.objects.order_by("id")[5].id).update(sealed_at=old)
    kept = AuditSeal.objects.count() - 6
    call_command("purge_audit", "--older-than", "200")
    assert AuditSeal.objects.count() == kept + 1  # and the AUDIT_PURGED event
    purge = SecurityEvent.objects.get(kind=SecurityEventKind.AUDIT_PURGED)
    assert purge.details["purged"] == 6 and len(purge.details["anchor_hash"]) == 64
    code, output = verify_output()
    assert code == 0 and f"共 {kept + 1} 条" in output


def test_users_are_deactivated_never_deleted(province_admin):
    with pytest.raises(DomainError, match="不能删除"):
        province_admin.delete()
