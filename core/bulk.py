"""Fresh planner statistics after a bulk write (issue 13, point 7).

PostgreSQL's autovacuum analyses a table only after enough rows changed *and* its naptime passed; a loader that
writes 41k towns and is followed at once by a filtered list leaves the planner guessing from an empty table
(measured: the filtered lists 7.6x slower, the yearly pipeline quadratic). Every bulk write the portal does
itself (loaders, imports, the yearly job, publication, restore) therefore ends with `analyze_tables(...)`.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model

# Below this many rows a write leaves the statistics to autovacuum: a handful of rows never misleads the
# planner, while ANALYZE reads a sample of the whole table each time.
ANALYZE_MIN_ROWS = 1000


def analyze_tables(
    *models: type[Model] | str, rows: int | None = None, using: str = DEFAULT_DB_ALIAS
) -> None:
    """ANALYZE the tables of `models` (model classes, or table names for tables without a model).

    A no-op on any database but PostgreSQL, and when `rows` (how many rows the write touched, where the
    caller knows it) is below ANALYZE_MIN_ROWS. Inside a transaction it runs once that transaction commits
    (statistics must describe committed rows, and ANALYZE's lock is not held for the rest of the
    transaction), one ANALYZE for every table the transaction's bulk writes named; outside one it runs at
    once. A failing ANALYZE is logged, never raised: the write it follows has already committed.
    """
    connection = connections[using]
    if connection.vendor != "postgresql" or (rows is not None and rows < ANALYZE_MIN_ROWS):
        return
    tables = [_table_name(model) for model in models]
    if not tables:
        return
    # The transaction's hooks: a rolled-back savepoint drops those registered inside it, a rolled-back
    # transaction all of them, so a waiting ANALYZE never outlives the writes that asked for it.
    waiting = next(
        (hook for _ids, hook, _robust in connection.run_on_commit if isinstance(hook, _Analyze)), None
    )
    if waiting is not None:
        waiting.tables.update(dict.fromkeys(tables))
        return
    transaction.on_commit(_Analyze(using, tables), using=using, robust=True)


class _Analyze:
    """The ANALYZE a transaction owes once it commits: every table its bulk writes named, in one statement."""

    def __init__(self, using: str, tables: list[str]) -> None:
        self.using = using
        self.tables = dict.fromkeys(tables)

    def __call__(self) -> None:
        connection = connections[self.using]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(table) for table in self.tables))


def _table_name(model: type[Model] | str) -> str:
    return model if isinstance(model, str) else model._meta.db_table


# --- the cyclic collector during a bulk path --------------------------------------------------------------

# Python collects its youngest generation every 700 allocations; a path that builds hundreds of thousands of
# live rows (a national import's preview and change set, the yearly job's rows, the audit chain's canonical
# copy of a 100 MB change set) spends a fifth to half of its time re-scanning objects that are all still alive
# (measured on a national score import: 93 s with the default, 81 s with 100,000; the chain's canonical copy of
# that change set: 5.0 s with the default, 0.8 s with the collector held). Reference counting still frees
# every object that is not part of a cycle.
BULK_COLLECTION_THRESHOLD = 100_000

_collector_lock = threading.Lock()
_collector_holders = 0
_collector_threshold: tuple[int, int, int] | None = None


@contextmanager
def few_collections() -> Iterator[None]:
    """Raise the collector's first threshold to BULK_COLLECTION_THRESHOLD for the block. The threshold is
    the process's (threads share it), so it is raised by the first holder and restored by the last."""
    global _collector_holders, _collector_threshold
    with _collector_lock:
        if _collector_holders == 0:
            _collector_threshold = gc.get_threshold()
            gc.set_threshold(
                max(BULK_COLLECTION_THRESHOLD, _collector_threshold[0]), *_collector_threshold[1:]
            )
        _collector_holders += 1
    try:
        yield
    finally:
        with _collector_lock:
            _collector_holders -= 1
            if _collector_holders == 0 and _collector_threshold is not None:
                gc.set_threshold(*_collector_threshold)
                _collector_threshold = None
