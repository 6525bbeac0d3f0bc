"""Measure the memory (and time) of the list exports as they grow: a national export must stay flat.

    DATABASE_URL=... .venv/bin/python benchmarks/exports.py

Prints, for the national town directory export (every township-level unit, through the page's view, inline)
and for the project list's columns streamed with 2,000 / 20,000 / 100,000 synthetic rows (SIZES=…), the peak
of Python memory (tracemalloc) and the time taken; tracemalloc slows Python several times over, so TRACE=0
measures the time alone. Measure, don't assert: tests/core/test_exports.py holds the bound.
"""

import os
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from core.exports import xlsx_response  # noqa: E402
from projects.exports import PROJECT_COLUMNS  # noqa: E402

SIZES = [int(size) for size in os.environ.get("SIZES", "2000,20000,100000").split(",")]
TRACE = os.environ.get("TRACE", "1") == "1"


def measured(call):
    """(peak Python memory in MiB or None, seconds, bytes sent) of call() → a response read to its end."""
    if TRACE:
        tracemalloc.start()
    start = time.perf_counter()
    try:
        response = call()
        sent = sum(len(chunk) for chunk in response.streaming_content)
        peak = tracemalloc.get_traced_memory()[1] / 2**20 if TRACE else None
        return peak, time.perf_counter() - start, sent
    finally:
        if TRACE:
            tracemalloc.stop()


def line(what, peak, seconds, sent):
    memory = f"peak {peak:6.1f} MiB" if peak is not None else "peak      — MiB"
    print(f"{what:<32} {memory}  {seconds:6.1f} s  {sent / 2**10:8.0f} KiB")


def project_row(index):
    money = Decimal(index % 100_000) / 100
    return (
        index,
        f"示范镇建设项目{index:07d}",
        "长春市",
        "双阳区",
        "鹿乡镇",
        "220112100",
        "省级",
        "T05",
        "环境基础设施",
        "是",
        "否",
        money,
        money,
        money,
        2025,
        2027,
        "在建",
        "是",
        "一般债券",
        money,
        Decimal("35.00"),
        "2026年5月",
        "2025-03-01",
        f"双发改〔2025〕{index}号",
        "2025-04-01",
        f"双住建〔2025〕{index}号",
        "",
    )


def main():
    settings.EXPORT_INLINE_MAX_ROWS = 10**9  # measure the inline path
    user = User.objects.filter(role=Role.PROVINCE_VIEWER).first() or User.objects.create(
        username="bench_viewer", role=Role.PROVINCE_VIEWER
    )
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(user)
    national = "/towns/export.xlsx"
    b"".join(client.get(national, {"kind": "all"}).streaming_content)  # warm up: imports, URLs, templates
    line("national town directory export", *measured(lambda: client.get(national, {"kind": "all"})))
    for size in SIZES:
        rows = (project_row(index) for index in range(size))
        export = measured(
            lambda rows=rows: xlsx_response("bench.xlsx", "示范镇建设项目", PROJECT_COLUMNS, rows)
        )
        line(f"{size} project rows", *export)


if __name__ == "__main__":
    main()
