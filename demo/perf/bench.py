"""The benchmark suite of issue 13 (`manage.py perf_bench`): each figure measured against its floor in one run.

How a figure is measured
    A figure compares side A (the portal's path: an API page, the yearly job, an import, an export) with side
    B (its floor, written next to it in `demo.perf.figures`, or the same path on the other scale). After
    `warmup` unrecorded runs of each side, `reps` pairs are run; pair i runs A then B when i is even, B then A
    when it is odd (`pair_order`), so a drift of the machine (another process, the page cache, autovacuum)
    weighs on both sides alike. Each pair gives one ratio A ÷ B; the figure reports the medians of A and of B
    (numerator, denominator), the median and the minimum of the per-pair ratios, the rows involved, its
    target and whether the median ratio meets it.

Why worker processes
    Every database (the g2k one, the national one) is served by its own worker: `manage.py perf_bench
    --serve` started with that DATABASE_URL, reading one JSON request a line on stdin and answering one JSON
    line. The portal's code runs in it unchanged on its default connection, with the settings and the cache
    it has in production, and a cross-scale figure is the same code and the same request in two processes
    that differ only by their database. A worker times the call itself (`time.perf_counter` around the
    call, not around the pipe), so the interleaving costs nothing measured. Peak memory is read from
    `resource.getrusage` in a worker started for that one measurement, so one figure's allocations never
    pollute another's. A figure that writes (the job, the import) runs inside a transaction that is rolled
    back, so every rep starts from the same database.

HTTP
    F-http starts gunicorn (2 sync workers, the machine's 2 cores) on the national database with the bench
    WSGI application (`demo.perf.server`): the portal's own application, plus one bare Django view that only
    this server mounts. Both are loaded by the same few concurrent clients in alternating bursts; the ratio
    is the towns page's requests per second ÷ the bare view's.
"""

from __future__ import annotations

import json
import math
import os
import platform
import secrets
import socket
import statistics
import subprocess  # nosec B404 - the bench runs its own workers and gunicorn, never a user's input
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

SCALES = ("g2k", "national")
DEFAULT_URLS = {
    "g2k": "postgres://postgres@127.0.0.1:5432/portal_bench_g2k",
    "national": "postgres://postgres@127.0.0.1:5432/portal_bench_national",
}
DEFAULT_REPS = 15
DEFAULT_WARMUP = 2


class BenchError(Exception):
    """A figure that could not be measured (a refused request, a worker that died): reported, never hidden."""


# --- the maths (pure) ---------------------------------------------------------------------------------------


def pair_order(index: int) -> tuple[str, str]:
    """Pair i runs A first when i is even, B first when it is odd."""
    return ("A", "B") if index % 2 == 0 else ("B", "A")


def ratio(numerator: float, denominator: float) -> float:
    if denominator == 0:
        return math.inf if numerator > 0 else 1.0
    return numerator / denominator


@dataclass(frozen=True)
class PairStats:
    """What a figure's pairs say: medians of each side, and the median and minimum of the per-pair ratios."""

    numerator: float
    denominator: float
    ratio_median: float
    ratio_min: float
    ratios: tuple[float, ...]


def pair_stats(a_samples: Sequence[float], b_samples: Sequence[float]) -> PairStats:
    if not a_samples or len(a_samples) != len(b_samples):
        raise ValueError("每一对必须同时有 A 与 B 的测量值。")
    ratios = tuple(ratio(a, b) for a, b in zip(a_samples, b_samples, strict=True))
    return PairStats(
        numerator=statistics.median(a_samples),
        denominator=statistics.median(b_samples),
        ratio_median=statistics.median(ratios),
        ratio_min=min(ratios),
        ratios=ratios,
    )


@dataclass(frozen=True)
class Target:
    """A figure's target on its median ratio (or its value): `<=`, `>=` or `==`."""

    op: str
    value: float

    def holds(self, measured: float) -> bool:
        if self.op == "<=":
            return measured <= self.value
        if self.op == ">=":
            return measured >= self.value
        if self.op == "==":
            return measured == self.value
        raise ValueError(f"unknown target operator {self.op!r}")

    def __str__(self) -> str:
        symbol = {"<=": "≤", ">=": "≥", "==": "="}[self.op]
        return f"{symbol} {self.value:g}"


# --- what is measured ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """One side of a figure: an operation of `demo.perf.figures.OPERATIONS` with its parameters, on a scale."""

    scale: str
    op: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def request(self, action: str = "run") -> dict[str, Any]:
        return {"action": action, "op": self.op, "params": dict(self.params)}

    def as_json(self) -> dict[str, Any]:
        return {"scale": self.scale, "op": self.op, "params": dict(self.params)}


@dataclass(frozen=True)
class Figure:
    """A figure of issue 13. kind: "pairs" (timed A ÷ B), "http" (req/s A ÷ B through gunicorn), "memory"
    (peak memory growth of A in MB, B for comparison), "queries" (the number of queries A ÷ B)."""

    name: str
    title: str
    a: Side
    b: Side
    target: Target
    kind: str = "pairs"
    unit: str = "ms"
    max_reps: int | None = None  # the slow figures (a national job, import, export) are capped
    max_warmup: int | None = None

    @property
    def scales(self) -> set[str]:
        return {self.a.scale, self.b.scale}

    @property
    def cross_scale(self) -> bool:
        return self.a.scale != self.b.scale

    def reps_for(self, reps: int) -> int:
        return max(1, min(reps, self.max_reps) if self.max_reps else reps)

    def warmup_for(self, warmup: int) -> int:
        return min(warmup, self.max_warmup) if self.max_warmup is not None else warmup


def select_figures(
    figures: Sequence[Figure], only: Iterable[str] = (), *, smoke: bool = False
) -> tuple[list[Figure], list[Figure]]:
    """(figures to run, figures skipped): --only keeps the named ones (or the names' prefixes, F-scale keeps
    every F-scale-<list>); the smoke leaves out the figures that need the national database beside the g2k
    one."""
    wanted = list(only)
    chosen, skipped = [], []
    for figure in figures:
        if wanted and not any(figure.name == w or figure.name.startswith(f"{w}-") for w in wanted):
            continue
        (skipped if smoke and figure.cross_scale else chosen).append(figure)
    return chosen, skipped


def figure_result(
    figure: Figure,
    *,
    stats: PairStats | None,
    reps: int,
    warmup: int,
    rows: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
    error: str | None = None,
) -> dict[str, Any]:
    """One figure as the JSON file and the table report it."""
    measured = None if stats is None else stats.ratio_median
    return {
        "figure": figure.name,
        "title": figure.title,
        "kind": figure.kind,
        "unit": figure.unit,
        "a": figure.a.as_json(),
        "b": figure.b.as_json(),
        "reps": reps,
        "warmup": warmup,
        "numerator": None if stats is None else stats.numerator,
        "denominator": None if stats is None else stats.denominator,
        "ratio_median": measured,
        "ratio_min": None if stats is None else stats.ratio_min,
        "ratios": [] if stats is None else list(stats.ratios),
        "rows": dict(rows or {}),
        "target": str(figure.target),
        "target_op": figure.target.op,
        "target_value": figure.target.value,
        "passed": None if measured is None else figure.target.holds(measured),
        "error": error,
        **({"extra": dict(extra)} if extra else {}),
    }


def skipped_result(figure: Figure, reason: str) -> dict[str, Any]:
    result = figure_result(figure, stats=None, reps=0, warmup=0)
    result["skipped"] = reason
    return result


def report(
    results: Sequence[Mapping[str, Any]], versions: Mapping[str, Any], options: Mapping[str, Any]
) -> dict:
    return {
        "suite": "issue 13 national scale",
        "versions": dict(versions),
        "options": dict(options),
        "figures": list(results),
        "passed": sum(1 for r in results if r["passed"] is True),
        "failed": sum(1 for r in results if r["passed"] is False),
        "not_measured": sum(1 for r in results if r["passed"] is None),
    }


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if math.isinf(value):
        return "∞"
    text = f"{value:.0f}" if abs(value) >= 100 else f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"
    return f"{text} {unit}".strip()


def _rows_text(rows: Mapping[str, Any]) -> str:
    parts = []
    for side in ("a", "b"):
        value = rows.get(side)
        if isinstance(value, Mapping) and value.get("rows") is not None:
            total = value.get("total")
            parts.append(f"{value['rows']}" + (f"/{total}" if total is not None else ""))
    return " · ".join(parts) or "—"


def markdown_table(results: Sequence[Mapping[str, Any]]) -> str:
    lines = [
        "| figure | A | B | A (median) | B (median) | ratio median | ratio min | rows A · B | target | result |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | --- | --- | --- |",
    ]
    for r in results:
        if r.get("skipped"):
            outcome = f"skipped: {r['skipped']}"
        elif r["error"]:
            outcome = "error: " + str(r["error"]).replace("|", "/").replace("\n", " ")[:120]
        else:
            outcome = "pass" if r["passed"] else "FAIL"
        lines.append(
            "| {figure} | {a} | {b} | {num} | {den} | {med} | {low} | {rows} | {target} | {outcome} |".format(
                figure=r["figure"],
                a=f"{r['a']['op']}@{r['a']['scale']}",
                b=f"{r['b']['op']}@{r['b']['scale']}",
                num=_number(r["numerator"], r["unit"]),
                den=_number(r["denominator"], r["unit"]),
                med=_number(r["ratio_median"]),
                low=_number(r["ratio_min"]),
                rows=_rows_text(r["rows"]),
                target=r["target"],
                outcome=outcome,
            )
        )
    return "\n".join(lines)


# --- the workers ----------------------------------------------------------------------------------------------


def manage_py() -> Path:
    return Path(__file__).resolve().parents[2] / "manage.py"


# One key for every process of a run: the session the workers log in with is the one gunicorn must accept.
RUN_SECRET_KEY = secrets.token_urlsafe(50)


def worker_environment(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("SECRET_KEY", RUN_SECRET_KEY)
    env["DATABASE_URL"] = database_url
    env.pop("DEBUG", None)  # DEBUG keeps every query in memory: the bench measures production settings
    env.setdefault("PYTHONHASHSEED", "0")
    return env


class Worker:
    """A `perf_bench --serve` process on one database: one JSON request a line in, one JSON answer out."""

    def __init__(self, scale: str, database_url: str):
        self.scale, self.database_url = scale, database_url
        self.process = subprocess.Popen(  # nosec B603 - our own interpreter and manage.py, no shell
            [sys.executable, str(manage_py()), "perf_bench", "--serve"],
            env=worker_environment(database_url),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

    def call(self, request: Mapping[str, Any]) -> dict[str, Any]:
        if self.process.poll() is not None:
            raise BenchError(f"{self.scale} 的测量进程已退出（{self.process.returncode}）。")
        assert self.process.stdin is not None and self.process.stdout is not None  # nosec B101 - Popen(PIPE)
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise BenchError(f"{self.scale} 的测量进程没有应答（已退出：{self.process.poll()}）。")
        answer = json.loads(line)
        if answer.get("error"):
            raise BenchError(answer["error"])
        return answer

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None  # nosec B101 - Popen(PIPE)
            self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Workers:
    """One worker per distinct database, started on first use."""

    def __init__(self, urls: Mapping[str, str]):
        self.urls = dict(urls)
        self._by_url: dict[str, Worker] = {}

    def __getitem__(self, scale: str) -> Worker:
        url = self.urls[scale]
        if url not in self._by_url:
            self._by_url[url] = Worker(scale, url)
        return self._by_url[url]

    def fresh(self, scale: str) -> Worker:
        """A worker for one measurement (peak memory), which the caller closes."""
        return Worker(scale, self.urls[scale])

    def close(self) -> None:
        for worker in self._by_url.values():
            worker.close()
        self._by_url.clear()


def serve(stdin, stdout, operations: Mapping[str, Callable[..., Any]]) -> None:
    """The worker's loop (`perf_bench --serve`): answers each request with the measurement, or its error.
    Operations are prepared once per (name, parameters) and kept, so warm-ups warm what the pairs measure."""
    prepared: dict[str, Any] = {}
    for line in stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            answer = _answer(request, operations, prepared)
        except Exception as exc:  # every failure goes back to the orchestrator, which reports it
            answer = {"error": f"{type(exc).__name__}: {exc}"[:2000]}
        stdout.write(json.dumps(answer, default=str) + "\n")
        stdout.flush()


def _answer(request: Mapping[str, Any], operations: Mapping[str, Callable[..., Any]], prepared: dict) -> dict:
    action = request["action"]
    if action in ("facts", "prepare"):
        return operations[action]()
    name, params = request["op"], request.get("params") or {}
    key = json.dumps([name, params], sort_keys=True)
    if key not in prepared:
        if name not in operations:
            raise BenchError(f"unknown operation {name!r}")
        prepared[key] = operations[name](**params)
    operation = prepared[key]
    if action == "run":
        return operation.measure().as_json()
    if action == "memory":
        return operation.measure_memory()
    if action == "session":
        return operation.session()
    raise BenchError(f"unknown action {action!r}")


# --- running the figures ------------------------------------------------------------------------------------


def run_pairs(
    run_a: Callable[[], Mapping[str, Any]],
    run_b: Callable[[], Mapping[str, Any]],
    *,
    reps: int,
    warmup: int,
    value: str = "ms",
) -> tuple[list[float], list[float], dict[str, Any], dict[str, Any]]:
    """Warm-ups of both sides, then `reps` interleaved pairs; (A values, B values, last A, last B)."""
    for _ in range(warmup):
        run_a()
        run_b()
    a_values, b_values, last = [], [], {}
    for index in range(reps):
        for side in pair_order(index):
            answer = run_a() if side == "A" else run_b()
            (a_values if side == "A" else b_values).append(float(answer[value]))
            last[side] = dict(answer)
    return a_values, b_values, last["A"], last["B"]


def _rows_of(answer: Mapping[str, Any]) -> dict[str, Any]:
    return {key: answer.get(key) for key in ("rows", "total", "queries") if answer.get(key) is not None}


def measure_figure(
    figure: Figure, workers: Workers, *, reps: int, warmup: int, http: HttpBench | None
) -> dict:
    reps, warmup = figure.reps_for(reps), figure.warmup_for(warmup)
    try:
        if figure.kind == "http":
            if http is None:
                raise BenchError("gunicorn 未启动。")
            a_values, b_values, last_a, last_b = run_pairs(
                lambda: http.burst(figure.a.params["path"]),
                lambda: http.burst(figure.b.params["path"]),
                reps=reps,
                warmup=warmup,
                value="per_second",
            )
        elif figure.kind == "memory":
            a_values, b_values, last_a, last_b = [], [], {}, {}
            for _ in range(reps):
                for side, values in ((figure.a, a_values), (figure.b, b_values)):
                    worker = workers.fresh(side.scale)
                    try:
                        answer = worker.call(side.request("memory"))
                    finally:
                        worker.close()
                    values.append(float(answer["peak_growth_mb"]))
                    (last_a if side is figure.a else last_b).update(answer)
            stats = pair_stats(a_values, b_values)
            # The target holds on A's own growth (MB), not on a ratio: say so in the result.
            stats = PairStats(
                stats.numerator, stats.denominator, stats.numerator, min(a_values), stats.ratios
            )
            return figure_result(
                figure, stats=stats, reps=reps, warmup=0, rows={"a": _rows_of(last_a), "b": _rows_of(last_b)}
            )
        else:
            value = "queries" if figure.kind == "queries" else "ms"
            a_values, b_values, last_a, last_b = run_pairs(
                lambda: workers[figure.a.scale].call(figure.a.request()),
                lambda: workers[figure.b.scale].call(figure.b.request()),
                reps=reps,
                warmup=warmup,
                value=value,
            )
    except BenchError as exc:
        return figure_result(figure, stats=None, reps=reps, warmup=warmup, error=str(exc))
    return figure_result(
        figure,
        stats=pair_stats(a_values, b_values),
        reps=reps,
        warmup=warmup,
        rows={"a": _rows_of(last_a), "b": _rows_of(last_b)},
    )


def derived_queries(figure: Figure, results: Sequence[Mapping[str, Any]]) -> dict:
    """The queries a measured figure's sides issued (its last pair), compared: F-job-queries reads them from
    F-job-scale's rows instead of running the job twice more."""
    source = next((r for r in results if r["figure"] == figure.a.params["figure"]), None)
    if source is None or source["error"] or not source["rows"]:
        return figure_result(figure, stats=None, reps=0, warmup=0, error="其所依据的测量没有结果。")
    a, b = source["rows"]["a"].get("queries"), source["rows"]["b"].get("queries")
    if a is None or b is None:
        return figure_result(figure, stats=None, reps=0, warmup=0, error="没有记录查询次数。")
    return figure_result(
        figure, stats=pair_stats([a], [b]), reps=source["reps"], warmup=source["warmup"], rows=source["rows"]
    )


# --- HTTP through gunicorn --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class HttpBench:
    """gunicorn with the bench application on one database, and bursts of requests from a few clients."""

    def __init__(
        self, database_url: str, cookie: str, *, workers: int = 2, clients: int = 4, requests: int = 40
    ):
        self.port = free_port()
        self.cookie, self.clients, self.requests = cookie, clients, requests
        env = worker_environment(database_url)
        # As behind the production proxy that terminates TLS: the clients say the request came over https.
        env["SECURE_PROXY_SSL_HEADER"] = "HTTP_X_FORWARDED_PROTO,https"
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(  # nosec B603 - our own gunicorn, no shell
            [
                str(gunicorn),
                "demo.perf.server:application",
                f"--workers={workers}",
                f"--bind=127.0.0.1:{self.port}",
                "--log-level=warning",
                "--timeout=120",
            ],
            cwd=manage_py().parent,
            env=env,
        )
        self._wait_until_up()

    def _wait_until_up(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn 已退出（{self.process.returncode}）。")
            try:
                status, _body = self.get("/__bench__/bare/")
                if status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise BenchError("gunicorn 在 60 秒内没有应答。")

    def get(self, path: str) -> tuple[int, bytes]:
        connection = HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(
                "GET",
                path,
                headers={
                    "Cookie": self.cookie,
                    "Accept": "application/json",
                    "Host": "127.0.0.1",
                    "X-Forwarded-Proto": "https",
                },
            )
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def burst(self, path: str) -> dict[str, Any]:
        """`requests` GETs of path from `clients` threads; requests per second over the burst's wall time."""
        failures: list[int] = []
        lock = threading.Lock()
        share = [
            self.requests // self.clients + (1 if i < self.requests % self.clients else 0)
            for i in range(self.clients)
        ]

        def client(count: int) -> None:
            for _ in range(count):
                status, _body = self.get(path)
                if status != 200:
                    with lock:
                        failures.append(status)

        threads = [threading.Thread(target=client, args=(count,)) for count in share]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - start
        if failures:
            raise BenchError(f"{path} 有 {len(failures)} 个请求失败（状态 {sorted(set(failures))}）。")
        return {
            "per_second": self.requests / elapsed,
            "ms": elapsed * 1000 / self.requests,
            "rows": self.requests,
        }

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- the bench databases ------------------------------------------------------------------------------------


def _server_and_name(database_url: str) -> tuple[str, str]:
    server, _slash, name = database_url.rpartition("/")
    return server, name.split("?", 1)[0]


def database_state(database_url: str) -> str:
    """ "missing", "empty" (no seeded towns, or not migrated) or "seeded"."""
    import psycopg2

    server, name = _server_and_name(database_url)
    with psycopg2.connect(f"{server}/postgres") as admin, admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
    admin.close()
    if not exists:
        return "missing"
    with psycopg2.connect(database_url) as db, db.cursor() as cursor:
        cursor.execute("SELECT to_regclass('towns_town') IS NOT NULL")
        if not cursor.fetchone()[0]:
            state = "empty"
        else:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM towns_town)")
            state = "seeded" if cursor.fetchone()[0] else "empty"
    db.close()
    return state


def create_database(database_url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    server, name = _server_and_name(database_url)
    admin = psycopg2.connect(f"{server}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def manage(database_url: str, *arguments: str) -> None:
    subprocess.run(  # nosec B603 - our own interpreter and manage.py, no shell
        [sys.executable, str(manage_py()), *arguments], env=worker_environment(database_url), check=True
    )


def ensure_seeded(scale: str, database_url: str, log: Callable[[str], None] = print) -> None:
    """The bench database of a scale as the figures need it: created and seeded by perf_seed when missing or
    empty, migrated, and every seeded year but the last computed once (the rankings and their export read
    a computed year; the last one stays open for scoring: the job and the import measure it)."""
    state = database_state(database_url)
    if state == "missing":
        log(f"{scale}: 新建数据库 {_server_and_name(database_url)[1]}")
        create_database(database_url)
    manage(database_url, "migrate", "--noinput", "-v", "0")
    if state != "seeded":
        log(f"{scale}: perf_seed --scale {scale}")
        manage(database_url, "perf_seed", "--scale", scale)
    worker = Worker(scale, database_url)
    try:
        prepared = worker.call({"action": "prepare"})
    finally:
        worker.close()
    if prepared["computed"]:
        log(f"{scale}: 已计算年度 {prepared['computed']}")


# --- the run ------------------------------------------------------------------------------------------------


def static_manifest() -> Path:
    from django.conf import settings

    return Path(settings.STATIC_ROOT) / "staticfiles.json"


def git_commit() -> str:
    try:
        return subprocess.run(  # nosec B603 B607 - git of the repository the suite runs from
            ["git", "rev-parse", "HEAD"], cwd=manage_py().parent, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def versions(workers: Workers, scales: Iterable[str]) -> dict[str, Any]:
    import django

    facts = {scale: workers[scale].call({"action": "facts"}) for scale in scales}
    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": {scale: fact["postgresql"] for scale, fact in facts.items()},
        "git_commit": git_commit(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "scales": {scale: fact["counts"] for scale, fact in facts.items()},
        "databases": {scale: fact["database"] for scale, fact in facts.items()},
    }


def run(
    figures: Sequence[Figure],
    *,
    urls: Mapping[str, str],
    reps: int,
    warmup: int,
    only: Iterable[str] = (),
    smoke: bool = False,
    seed_missing: bool = False,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Every chosen figure in one run; the report that `--json` writes."""
    if smoke:
        urls = {"g2k": urls["g2k"], "national": urls["g2k"]}
    chosen, skipped = select_figures(figures, only, smoke=smoke)
    if seed_missing:
        # The smoke's one database is a g2k one, whichever scale its figures name.
        needed = {"g2k"} if smoke else {scale for figure in chosen for scale in figure.scales}
        for scale in SCALES:
            if scale in needed:
                ensure_seeded(scale, urls[scale], log)
    if any(figure.a.op == "round_page" for figure in chosen) and not static_manifest().exists():
        # An HTML page renders with the production storage of static files (its manifest): collected once, as
        # a deploy does (minutes on 2 shared cores; delete var/staticfiles/staticfiles.json to collect again).
        log("collectstatic …")
        manage(urls["g2k"], "collectstatic", "--noinput", "-v", "0")
    workers, http = Workers(urls), None
    results = [skipped_result(figure, "冒烟测试只用 g2k 库") for figure in skipped]
    try:
        scales = sorted({scale for figure in chosen for scale in figure.scales}) or ["g2k"]
        facts = versions(workers, scales)
        for figure in chosen:
            log(f"{figure.name}: {figure.title} …")
            if figure.kind == "queries":
                results.append(derived_queries(figure, results))
                continue
            if figure.kind == "http" and http is None:
                try:
                    session = workers[figure.a.scale].call({"action": "session", "op": "viewer_session"})
                    http = HttpBench(urls[figure.a.scale], session["cookie"])
                except BenchError as exc:
                    results.append(figure_result(figure, stats=None, reps=0, warmup=0, error=str(exc)))
                    continue
            result = measure_figure(figure, workers, reps=reps, warmup=warmup, http=http)
            log(
                f"  → {_number(result['ratio_median'])} (target {result['target']}){' ' + result['error'] if result['error'] else ''}"
            )
            results.append(result)
    finally:
        if http is not None:
            http.close()
        workers.close()
    if smoke:  # every side ran on the g2k database: say so
        for result in results:
            result["a"]["scale"] = result["b"]["scale"] = "g2k"
    order = {figure.name: index for index, figure in enumerate(figures)}
    results.sort(key=lambda r: order.get(r["figure"], len(order)))
    options = {"reps": reps, "warmup": warmup, "only": list(only), "smoke": smoke}
    return report(results, facts, options)
