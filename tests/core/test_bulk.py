"""core.bulk.analyze_tables (issue 13, point 7): fresh planner statistics once a bulk write commits, on
PostgreSQL; nothing at all elsewhere or for a handful of rows."""

from io import StringIO

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from core.bulk import ANALYZE_MIN_ROWS, analyze_tables
from core.models import Notification
from towns.models import Region, Town

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="ANALYZE is PostgreSQL's")


def last_analyzed(*models):
    """table → when PostgreSQL last analysed it by hand (None: never), read afresh."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        tables = [model._meta.db_table for model in models]
        cursor.execute(
            "SELECT relname, last_analyze FROM pg_stat_user_tables WHERE relname = ANY(%s)", [tables]
        )
        return dict(cursor.fetchall())


def now():
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


def analyze_statements(queries):
    return [query["sql"] for query in queries if query["sql"].startswith("ANALYZE")]


@postgres_only
def test_the_tables_are_analysed_once_the_transaction_commits(db, django_capture_on_commit_callbacks):
    before = now()
    with CaptureQueriesContext(connection) as queries:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            analyze_tables(Town, Region)
            analyze_tables(Town)
        assert analyze_statements(queries.captured_queries) == []  # nothing while the write may roll back
        for callback in callbacks:
            callback()
    # Two bulk writes of one transaction share one ANALYZE.
    assert analyze_statements(queries.captured_queries) == ['ANALYZE "towns_town", "towns_region"']
    analysed = last_analyzed(Town, Region)
    assert analysed["towns_town"] >= before and analysed["towns_region"] >= before


@postgres_only
def test_a_handful_of_rows_is_left_to_autovacuum(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        analyze_tables(Notification, rows=ANALYZE_MIN_ROWS - 1)
    assert callbacks == []
    with django_capture_on_commit_callbacks() as callbacks:
        analyze_tables(Notification, rows=ANALYZE_MIN_ROWS)
    assert len(callbacks) == 1


def test_nothing_happens_on_another_database(db, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(connections["default"], "vendor", "sqlite")
    with django_capture_on_commit_callbacks() as callbacks:
        analyze_tables(Town, Region)
    assert callbacks == []


@postgres_only
def test_load_divisions_analyses_the_regions_and_towns(jilin, tmp_path, django_capture_on_commit_callbacks):
    from auditlog.models import LogEntry
    from django.core.management import call_command

    from core.models import AuditSeal
    from tests.towns.test_loader import write_source

    write_source(tmp_path)
    before = now()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_divisions", "--province", "99", "--source", str(tmp_path), stdout=StringIO())
    assert Town.objects.filter(province_id="99").exists()
    analysed = last_analyzed(Town, Region)
    assert analysed["towns_town"] >= before and analysed["towns_region"] >= before
    # Three rows of audit log are no bulk write: that table's statistics are autovacuum's business.
    untouched = last_analyzed(LogEntry, AuditSeal)
    assert all(when is None or when < before for when in untouched.values())
