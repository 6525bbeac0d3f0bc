"""Fresh planner statistics after a bulk write (issue 13, point 7).

PostgreSQL's autovacuum analyses a table only after enough rows changed *and* its naptime passed; a loader that
writes 41k towns and is followed at once by a filtered list leaves the planner guessing from an empty table
(measured: the filtered lists 7.6x slower, the yearly pipeline quadratic). Every bulk write the portal does
itself (loaders, imports, the yearly job, restore) therefore ends with `analyze_tables(...)`.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model


def analyze_tables(*models: type[Model] | str, using: str = DEFAULT_DB_ALIAS) -> None:
    """ANALYZE the tables of `models` (model classes, or table names for tables without a model).

    A no-op on any database but PostgreSQL. Inside a transaction it runs once that transaction commits
    (statistics of rows that may still roll back would mislead the planner, and ANALYZE's lock is better
    not held for the rest of the transaction); outside one it runs at once. A failing ANALYZE is logged,
    never raised: the write it follows has already committed.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    tables = list(dict.fromkeys(_table_name(model) for model in models))
    if not tables:
        return
    statement = "ANALYZE " + ", ".join(connection.ops.quote_name(table) for table in tables)

    def run() -> None:
        with connections[using].cursor() as cursor:
            cursor.execute(statement)

    transaction.on_commit(run, using=using, robust=True)


def _table_name(model: type[Model] | str) -> str:
    return model if isinstance(model, str) else model._meta.db_table
