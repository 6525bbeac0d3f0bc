"""Time the API lists at page_size=1000 against the raw-SQL+JSON floor (run on a loaded database).

    DATABASE_URL=... .venv/bin/python benchmarks/api_lists.py

Prints the median of N in-process requests per endpoint and its ratio to the floor: the same rows fetched with
one SQL query and dumped with orjson. Measure, don't assert: speed is never a timed test here.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

import orjson  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import Role, User  # noqa: E402

RUNS = int(os.environ.get("RUNS", "15"))
FLOOR_SQL = """
SELECT t.code, t.name, t.kind, t.county_id, c.name, t.city_id, ci.name, d.tier, d.from_year, d.doc_no, t.dev_type
FROM towns_town t JOIN towns_region c ON c.code = t.county_id JOIN towns_region ci ON ci.code = t.city_id
LEFT JOIN towns_designation d ON d.town_id = t.code AND d.to_year IS NULL
ORDER BY t.code LIMIT 1000
"""


def median_ms(call):
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def floor():
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL)
        columns = [c.name for c in cursor.description]
        orjson.dumps([dict(zip(columns, row, strict=True)) for row in cursor.fetchall()])


def main():
    user = User.objects.filter(role=Role.PROVINCE_VIEWER).first() or User.objects.create(
        username="bench_viewer", role=Role.PROVINCE_VIEWER
    )
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(user)
    base = median_ms(floor)
    print(f"floor (raw SQL + orjson, 1000 towns): {base:.1f} ms")
    for path in (
        "/api/v1/towns/?kind=all&page_size=1000",
        "/api/v1/designations/?page_size=1000",
        "/api/v1/regions/?page_size=1000",
        "/api/v1/quotas/?page_size=1000",
    ):
        response = client.get(path, HTTP_ACCEPT="application/json")
        assert response.status_code == 200, (path, response.status_code)
        rows = len(response.json()["results"])
        elapsed = median_ms(lambda p=path: client.get(p, HTTP_ACCEPT="application/json"))
        print(f"{path:<45} {rows:5d} rows {elapsed:7.1f} ms  ({elapsed / base:.1f}× floor)")


if __name__ == "__main__":
    main()
