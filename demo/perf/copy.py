"""Writing generated rows into PostgreSQL with COPY, table by table (the benchmark's fixture, demo/perf/seed.py).

A `TableCopy` names the columns a generator fills; every other column of the model gets its constant default
(auto_now fields the seed's fixed time), so a row is a plain tuple and a model field added later either has a
default or stops the seed with its name. Sequences are set past the ids written, so the portal inserts after. Foreign keys are checked once per
constraint after the load, as pg_restore does, rather than row by row at commit.
"""

import contextlib
import io

from django.db import connection

from core.upsert import copy_text

# Rows are sent to the server in chunks of this many, so a national table never sits whole in one buffer.
CHUNK_ROWS = 50_000


class TableCopy:
    """COPY of one model's table: the given columns (attnames) from each tuple, constant defaults for the rest."""

    def __init__(self, model, columns, *, timestamp):
        self.model = model
        self.table = model._meta.db_table
        fields = {field.attname: field for field in model._meta.concrete_fields}
        unknown = [name for name in columns if name not in fields]
        if unknown:
            raise ValueError(f"{self.table} has no columns {unknown}")
        self.columns = list(columns)
        self.defaults = []
        for attname, field in fields.items():
            if attname in self.columns:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                default = timestamp
            elif field.has_default():
                default = field.get_default()
            elif field.null:
                default = None
            elif field.blank and field.empty_strings_allowed:
                default = ""  # an optional text field left empty, as a form would save it
            elif field.primary_key:
                raise ValueError(f"{self.table}: the seed assigns ids itself; name {attname}")
            else:
                raise ValueError(f"{self.table}.{attname} has no default: the seed must fill it")
            self.columns.append(attname)
            self.defaults.append(default)
        self._suffix = "\t".join(copy_text(value) for value in self.defaults)
        db_columns = ", ".join(connection.ops.quote_name(fields[name].column) for name in self.columns)
        self.sql = f"COPY {connection.ops.quote_name(self.table)} ({db_columns}) FROM STDIN"

    def _line(self, row):
        text = "\t".join(map(copy_text, row))
        if self._suffix:
            text = f"{text}\t{self._suffix}" if row else self._suffix
        return text + "\n"

    def write(self, rows):
        """COPY the rows (an iterable of tuples in the given columns' order); returns how many were written."""
        raw = connection.connection  # the psycopg2 connection under Django's, inside Django's transaction
        count = 0
        buffer = io.StringIO()
        with raw.cursor() as cursor:
            for row in rows:
                buffer.write(self._line(row))
                count += 1
                if count % CHUNK_ROWS == 0:
                    buffer.seek(0)
                    cursor.copy_expert(self.sql, buffer)
                    buffer = io.StringIO()
            if buffer.tell():
                buffer.seek(0)
                cursor.copy_expert(self.sql, buffer)
        return count


def reset_sequence(model):
    """The table's id sequence set past its largest id (or back to 1 when empty), so the next insert fits."""
    pk = model._meta.pk
    if not pk.get_internal_type().endswith("AutoField"):
        return
    table, column = model._meta.db_table, pk.column
    quoted_table, quoted_column = connection.ops.quote_name(table), connection.ops.quote_name(column)
    # The names are the model's own (_meta), quoted; no value from outside reaches the statement.
    statement = (
        f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX({quoted_column}), 1), "  # nosec B608
        f"MAX({quoted_column}) IS NOT NULL) FROM {quoted_table}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [table, column])


def analyze(tables):
    """Fresh planner statistics for the tables written (a bulk write leaves them guessing), and, outside a
    transaction, their visibility maps set as autovacuum leaves a live database (as pgbench's initialisation
    ends with VACUUM): freshly copied rows are not yet known all-visible, so every index-only scan (the
    lists' counts, the round page's per-town counts) would read the table's pages as well."""
    names = ", ".join(connection.ops.quote_name(table) for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(("ANALYZE " if connection.in_atomic_block else "VACUUM (ANALYZE) ") + names)


@contextlib.contextmanager
def foreign_keys_checked_after(models):
    """The models' foreign-key constraints dropped for the block and added back after it, with the same names
    and definitions: adding one checks every row in one query, where a deferred constraint runs a trigger per
    row at commit. Inside the caller's transaction, so a failure anywhere restores them as they were."""
    tables = [model._meta.db_table for model in models]
    quote = connection.ops.quote_name
    run_pending_checks()  # ALTER TABLE refuses a table whose deferred checks are still pending
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY conrelid::regclass::text, conname",
            [tables],
        )
        constraints = cursor.fetchall()
        for table, name, _definition in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    yield
    with connection.cursor() as cursor:
        for table, name, definition in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")


def run_pending_checks():
    """Run now the deferred constraint checks of rows written earlier in the transaction (TRUNCATE and ALTER
    TABLE refuse a table that has some pending), then defer again."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
