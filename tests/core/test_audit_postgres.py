"""PostgreSQL only (failing, not skipping, under PORTAL_REQUIRE_SERVICES=1): the application's role may INSERT
into the audit tables but not UPDATE, DELETE or TRUNCATE them (scripts/sql/audit-append-only.sql); a backup
restores into a scratch database with the same rows and checksums, and a tampered backup is refused."""

import json
import subprocess
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from psycopg2 import errors

from core.backup import KEY_TABLES, Target, key_tables, table_checksums
from core.choices import SecurityEventKind
from core.models import SecurityEvent
from core.security_log import record_security_event
from tests.conftest import SHUANGYANG, town_in
from towns.services import designate

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "sql" / "audit-append-only.sql"


def owner_target():
    return Target.from_settings(connection.settings_dict)


def admin_connection(dbname=None):
    target = owner_target()
    conn = psycopg2.connect(
        dbname=dbname or target.name,
        user=target.user,
        password=target.password,
        host=target.host,
        port=target.port or None,
    )
    conn.autocommit = True
    return conn


@pytest.mark.django_db(transaction=True)
def test_the_application_role_may_insert_audit_records_but_never_rewrite_them(require_services, jilin):
    record_security_event(SecurityEventKind.LOGIN_FAILED, username="someone")
    role = f"portal_app_{uuid.uuid4().hex[:8]}"
    target = owner_target()
    admin = admin_connection()
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE ROLE "{role}" LOGIN')
        url = f"postgres://{target.user}{':' + target.password if target.password else ''}@{target.host or '127.0.0.1'}:{target.port or 5432}/{target.name}"
        subprocess.run(
            ["psql", url, "-q", "-v", "ON_ERROR_STOP=1", "-v", f"app_role={role}", "-f", str(SCRIPT)],
            check=True,
            capture_output=True,
        )
        with admin.cursor() as cursor:
            cursor.execute(f'SET ROLE "{role}"')
            cursor.execute(
                "INSERT INTO core_securityevent (kind, occurred_at, username, user_agent, method, path, details) "
                "VALUES ('login_failed', now(), 'x', '', '', '', '{}') RETURNING id"
            )
            inserted = cursor.fetchone()[0]
            cursor.execute("UPDATE core_job SET title = title WHERE false")  # ordinary tables stay writable
            for statement in (
                "UPDATE core_securityevent SET username = 'forged'",
                "DELETE FROM core_securityevent",
                "TRUNCATE core_securityevent",
                "UPDATE auditlog_logentry SET changes = '{}'",
                "DELETE FROM auditlog_logentry",
                "UPDATE core_auditseal SET hash = ''",
                "DELETE FROM core_auditseal",
            ):
                with pytest.raises(errors.InsufficientPrivilege):
                    cursor.execute(statement)
            cursor.execute("RESET ROLE")
            cursor.execute("DELETE FROM core_securityevent WHERE id = %s", [inserted])
    finally:
        with admin.cursor() as cursor:
            cursor.execute("RESET ROLE")
            cursor.execute(f'DROP OWNED BY "{role}"')
            cursor.execute(f'DROP ROLE "{role}"')
        admin.close()


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_scratch_database_with_the_same_rows(
    require_services, jilin, province_admin, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "selection").mkdir(parents=True)
    (settings.MEDIA_ROOT / "selection" / "材料.pdf").write_bytes(b"%PDF-1.7 test")
    designate(town_in(SHUANGYANG, 0), "county", 2022, doc_no="双政发〔2022〕1号")
    record_security_event(SecurityEventKind.LOGIN_SUCCEEDED, user=province_admin)
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.BACKUP_MADE).exists()
    with connection.cursor() as cursor:
        source = table_checksums(cursor, key_tables())
    assert len(source) == len(KEY_TABLES) and source["towns_designation"]["rows"] >= 1

    scratch = f"portal_restore_{uuid.uuid4().hex[:8]}"
    admin = admin_connection()
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{scratch}"')
    target = owner_target()
    url = f"postgres://{target.user}{':' + target.password if target.password else ''}@{target.host or '127.0.0.1'}:{target.port or 5432}/{scratch}"
    try:
        # A tampered dump is refused before anything is restored.
        tampered = tmp_path / "tampered"
        tampered.mkdir()
        for name in ("database.dump", "media.tar", "manifest.json"):
            (tampered / name).write_bytes((backup / name).read_bytes())
        with (tampered / "database.dump").open("ab") as handle:
            handle.write(b"x")
        with pytest.raises(CommandError, match="校验值与清单不符"):
            call_command(
                "restore", str(tampered), "--database-url", url, "--media-root", str(tmp_path / "m0")
            )

        restored_media = tmp_path / "restored-media"
        call_command("restore", str(backup), "--database-url", url, "--media-root", str(restored_media))
        assert (restored_media / "selection" / "材料.pdf").read_bytes() == b"%PDF-1.7 test"
        check = psycopg2.connect(
            dbname=scratch,
            user=target.user,
            password=target.password,
            host=target.host,
            port=target.port or None,
        )
        try:
            with check.cursor() as cursor:
                restored = table_checksums(cursor, key_tables())
                cursor.execute("SELECT count(*) FROM core_securityevent WHERE kind = 'restored'")
                assert cursor.fetchone()[0] == 1
                # A dump carries no planner statistics: the restore analysed every table it filled.
                cursor.execute(
                    "SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NULL AND relname::text = ANY(%s)",
                    [key_tables()],
                )
                assert cursor.fetchall() == []
        finally:
            check.close()
        for table in ("towns_designation", "assessment_result", "assessment_notice", "auditlog_logentry"):
            assert restored[table] == source[table], table
        # (the security events and the chain gained the RESTORED event after the restore)
        dumped = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))["tables"]
        assert restored["core_securityevent"]["rows"] == dumped["core_securityevent"]["rows"] + 1
        assert source["core_securityevent"]["rows"] == dumped["core_securityevent"]["rows"] + 1  # BACKUP_MADE

        # A database that is not empty is refused.
        with pytest.raises(CommandError, match="不是空库"):
            call_command("restore", str(backup), "--database-url", url, "--media-root", str(tmp_path / "m1"))
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        admin.close()


def test_backup_refuses_a_non_empty_directory(tmp_path, db):
    (tmp_path / "old.txt").write_text("x")
    if connection.vendor != "postgresql":
        with pytest.raises(CommandError, match="只支持 PostgreSQL"):
            call_command("backup", str(tmp_path))
        return
    with pytest.raises(CommandError, match="不是空目录"):
        call_command("backup", str(tmp_path))
