"""The national exports against their floor: openpyxl write-only writing the same rows, already fetched.

    DATABASE_URL=... .venv/bin/python benchmarks/exports.py [--reps 3] [--only rankings|directory]

Measures the two exports of issue 13, point 6 on a loaded database: the county ranking of the latest round
(assessment.rankings, tier=county; ~18k rows at national scale) and the division directory of every
township-level unit (towns.towns, kind=all; ~41k rows). The portal's side is what an export job does:
build the list's ExportSpec (its queries) and write its sheet into a temporary file (core.exports). The
floor is given the same rows, fetched and formatted before its clock starts, and appends them as bare
values to an openpyxl write-only sheet saved to a temporary file.

Each measurement runs in its own process (so the peak RSS of one does not hide the next), after a warm-up
(imports, a first query, a small sheet); portal and floor alternate in pairs (A B, B A, …) and the ratio is
taken per pair. Per measurement: wall and CPU seconds (the CPU time of the process is the steadier figure on
a shared machine), the growth of the process's peak RSS (ru_maxrss) over the warm-up, and the peak of
Python memory (tracemalloc, in a second run: tracing slows Python several times over). Measure, don't
assert: no test times anything.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(os.environ.get("PORTAL_ROOT", Path(__file__).resolve().parent.parent))
EXPORTS = {
    "rankings": ("assessment.rankings", "tier=county"),
    "directory": ("towns.towns", "kind=all"),
}


def _setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()


def _spec(name):
    from django.http import QueryDict

    from accounts.models import Role, User
    from assessment.models import AssessmentRound
    from core.exports import export_spec

    kind, query = EXPORTS[name]
    user = User.objects.filter(role=Role.PROVINCE_VIEWER, is_active=True).first()
    kwargs = {}
    if kind == "assessment.rankings":
        kwargs["year"] = AssessmentRound.objects.order_by("-year").values_list("year", flat=True).first()
    return export_spec(kind, user, QueryDict(query), kwargs)


def _portal(name):
    """The export as its job writes it: the spec (its queries) and the sheet, into a temporary file."""
    from core.exports import write_workbook

    spec = _spec(name)
    with tempfile.TemporaryFile() as handle:
        rows = write_workbook(
            handle,
            spec.title,
            spec.columns,
            spec.rows,
            unit_note=spec.unit_note,
            filters=spec.filters,
            sheet_title=spec.sheet_title or None,
        )
        size = handle.tell()
    return rows, size


def _floor_rows(name):
    spec = _spec(name)
    return [tuple(row) for row in spec.rows]


def _floor(rows):
    """openpyxl write-only, bare values, the same rows (fetched and formatted before the clock starts)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("floor")
    for row in rows:
        sheet.append(row)
    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)
        size = handle.tell()
    return len(rows), size


def _warm_up():
    from core.exports import Column, write_workbook
    from towns.models import Town

    list(Town.objects.values_list("code")[:10])
    with tempfile.TemporaryFile() as handle:
        write_workbook(handle, "warm-up", (Column("a"), Column("b", kind="int")), [("x", 1)] * 200)


def child(side, name):
    """One measurement in this process: JSON on stdout."""
    _setup()
    _warm_up()
    prepared = _floor_rows(name) if side == "floor" else None
    run = (lambda: _floor(prepared)) if side == "floor" else (lambda: _portal(name))
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    wall, cpu = time.perf_counter(), time.process_time()
    rows, size = run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before  # KiB on Linux
    tracemalloc.start()
    run()
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "side": side,
                "export": name,
                "rows": rows,
                "bytes": size,
                "wall_s": wall,
                "cpu_s": cpu,
                "rss_growth_mib": rss_growth / 1024,
                "traced_peak_mib": traced_peak / 2**20,
            }
        )
    )


def measure(side, name):
    output = subprocess.run(  # nosec B603 - this very script, with fixed arguments
        [sys.executable, __file__, "--child", side, name], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3, help="pairs of portal/floor runs per export")
    parser.add_argument("--only", choices=sorted(EXPORTS), action="append")
    parser.add_argument("--child", nargs=2, metavar=("SIDE", "EXPORT"), help=argparse.SUPPRESS)
    parser.add_argument("--json", help="also write the figures to this file")
    options = parser.parse_args()
    if options.child:
        child(*options.child)
        return
    figures = []
    for name in options.only or sorted(EXPORTS):
        pairs = []
        for rep in range(options.reps):
            order = ("portal", "floor") if rep % 2 == 0 else ("floor", "portal")
            runs = {side: measure(side, name) for side in order}
            pairs.append(runs)
        portal = [pair["portal"] for pair in pairs]
        floor = [pair["floor"] for pair in pairs]
        wall_ratios = [pair["portal"]["wall_s"] / pair["floor"]["wall_s"] for pair in pairs]
        cpu_ratios = [pair["portal"]["cpu_s"] / pair["floor"]["cpu_s"] for pair in pairs]
        figures.append(
            {
                "export": name,
                "rows": portal[0]["rows"],
                "portal_wall_s": statistics.median(run["wall_s"] for run in portal),
                "floor_wall_s": statistics.median(run["wall_s"] for run in floor),
                "wall_ratio_median": statistics.median(wall_ratios),
                "wall_ratio_min": min(wall_ratios),
                "portal_cpu_s": statistics.median(run["cpu_s"] for run in portal),
                "floor_cpu_s": statistics.median(run["cpu_s"] for run in floor),
                "cpu_ratio_median": statistics.median(cpu_ratios),
                "cpu_ratio_min": min(cpu_ratios),
                "portal_rss_growth_mib": max(run["rss_growth_mib"] for run in portal),
                "floor_rss_growth_mib": max(run["rss_growth_mib"] for run in floor),
                "portal_traced_peak_mib": max(run["traced_peak_mib"] for run in portal),
                "floor_traced_peak_mib": max(run["traced_peak_mib"] for run in floor),
            }
        )
    print(
        "| export | rows | portal s (wall / CPU) | floor s (wall / CPU) | ratio wall median (min) "
        "| ratio CPU median (min) | RSS growth MiB portal / floor | tracemalloc peak MiB portal / floor |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for f in figures:
        print(
            f"| {f['export']} | {f['rows']} | {f['portal_wall_s']:.2f} / {f['portal_cpu_s']:.2f} "
            f"| {f['floor_wall_s']:.2f} / {f['floor_cpu_s']:.2f} "
            f"| {f['wall_ratio_median']:.2f} ({f['wall_ratio_min']:.2f}) "
            f"| {f['cpu_ratio_median']:.2f} ({f['cpu_ratio_min']:.2f}) "
            f"| {f['portal_rss_growth_mib']:.1f} / {f['floor_rss_growth_mib']:.1f} "
            f"| {f['portal_traced_peak_mib']:.1f} / {f['floor_traced_peak_mib']:.1f} |"
        )
    if options.json:
        Path(options.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
