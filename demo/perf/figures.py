"""The figures of issue 13 and what each side runs: the portal's path, and its floor written here beside it.

An operation is prepared once in a worker (`demo.perf.bench.serve`) on that worker's database, then measured
as often as the pairs ask: `measure()` times `call()` (or, for the operations that write, only the work
inside a transaction that is rolled back afterwards). Every operation answers the rows it produced (their
number, the total the list counted and their ids), which is how the tests hold each floor to the same rows
as its portal path.

The floors:
- lists: the SQL the list's page sent, captured from one request (`CaptureQueriesContext`: the COUNT, the
  page and any prefetch, not the session's or the user's look-ups), run through a raw psycopg2 connection of
  its own and the rows dumped with orjson;
- the yearly job: one INSERT … SELECT with window functions (composite score, grade, rank in the tier) of the
  same year into a scratch table, the bottom-N read by a window over it, then ANALYZE;
- the import: the same file read and COPYed into a scratch copy of the score table;
- exports: openpyxl's write-only workbook over the same rows, fetched before the clock starts.
"""

from __future__ import annotations

import csv
import io
import re
import resource
import tempfile
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import orjson
import psycopg2
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from openpyxl import Workbook

from accounts.models import Role, User
from accounts.second_factor import SESSION_STATE, VERIFIED
from assessment.choices import ResultStatus, RoundState
from assessment.models import AssessmentRound, Indicator, Result, Score
from assessment.services import SCORE_IMPORT, compute_round, import_scores
from core.audit import Via
from core.exports import export_spec, write_workbook

from .bench import Figure, Side, Target

PERF_VIEWER = "perf_viewer"

# name → (API path, the item's identity in the answer, the same identity's column in the page's SQL)
LISTS = {
    "towns": ("/api/v1/towns/", "code", "code"),
    "designations": ("/api/v1/designations/", "id", "id"),
    "rankings": ("/api/v1/rankings/", "town_code", "town_id"),
    "scores": ("/api/v1/scores/", "id", "id"),
    "projects": ("/api/v1/projects/", "id", "id"),
    "progress-reports": ("/api/v1/progress-reports/", "id", "id"),
    "allocations": ("/api/v1/allocations/", "id", "id"),
}

# name → (registered export, its query string, whether it needs the year)
EXPORTS = {
    "county-ranking": ("assessment.rankings", "tier=county", True),
    "directory": ("towns.towns", "kind=all", False),
}

BARE_PATH = "/__bench__/bare/"
NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

# Tables whose queries a page issues for the session and the user, not for the list: left out of the floor.
INFRASTRUCTURE = re.compile(
    r'^\s*SELECT\b.*?\bFROM\s+"(django_session|accounts_\w+|otp_\w+|axes_\w+|auth_\w+)"', re.S
)

COUNTED_MODELS = (
    "towns.Region",
    "towns.Town",
    "towns.Designation",
    "assessment.Score",
    "assessment.Result",
    "projects.Project",
    "projects.ProgressReport",
    "funding.Allocation",
    "selection.Submission",
)


@dataclass
class Measurement:
    ms: float = 0.0
    rows: int | None = None
    total: int | None = None
    ids: list | None = None
    queries: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value is not None}


class Operation:
    """One side's work in a worker. `call()` does it once and says what it produced."""

    def call(self) -> Measurement:
        raise NotImplementedError

    def measure(self) -> Measurement:
        start = time.perf_counter()
        measurement = self.call()
        measurement.ms = (time.perf_counter() - start) * 1000
        return measurement

    def measure_memory(self) -> dict[str, Any]:
        """Growth of the process's peak resident memory over one call (a fresh worker: nothing ran before)."""
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        measurement = self.measure()
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return {**measurement.as_json(), "peak_growth_mb": (after - before) / 1024}  # ru_maxrss is in KiB

    def session(self) -> dict[str, Any]:
        raise NotImplementedError


@contextmanager
def rolled_back():
    """The work of a rep that writes: done in a transaction that is then rolled back."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@contextmanager
def counted_queries():
    """The number of statements sent, without CaptureQueriesContext's cost of formatting each one."""
    counter = {"queries": 0}

    def count(execute, sql, params, many, context):
        counter["queries"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield counter


# --- who reads -------------------------------------------------------------------------------------------------


def viewer() -> User:
    """perf_seed's province viewer, or the first active province viewer of the database."""
    user = User.objects.filter(username=PERF_VIEWER, is_active=True).first()
    user = user or User.objects.filter(role=Role.PROVINCE_VIEWER, is_active=True).order_by("pk").first()
    if user is None:
        raise LookupError("库中没有省级查看用户（perf_seed 创建 perf_viewer）。")
    return user


_client: Client | None = None


def viewer_client() -> Client:
    """One logged-in client per worker: a login ends the account's other sessions (one per account), so every
    page, API list and the gunicorn load share this one. The session is marked as having passed the second
    factor, as a finished login leaves it."""
    global _client
    if _client is None:
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(viewer())
        session = client.session
        session[SESSION_STATE] = VERIFIED
        session.save()
        _client = client
    return _client


class ViewerSession(Operation):
    def session(self) -> dict[str, Any]:
        cookie = viewer_client().cookies[settings.SESSION_COOKIE_NAME]
        return {"cookie": f"{settings.SESSION_COOKIE_NAME}={cookie.value}"}


def latest_scored_round() -> AssessmentRound:
    year = Score.objects.order_by("-round__year").values_list("round__year", flat=True).first()
    if year is None:
        raise LookupError("库中没有任何年度的评价得分。")
    return AssessmentRound.objects.select_related("system").get(year=year)


def latest_ranked_year() -> int:
    year = Result.objects.order_by("-round__year").values_list("round__year", flat=True).first()
    if year is None:
        raise LookupError("库中没有任何年度的评价结果。")
    return year


# --- lists ---------------------------------------------------------------------------------------------------


def list_path(name: str, page_size: int) -> str:
    return f"{LISTS[name][0]}?page_size={page_size}"


class ApiPage(Operation):
    """The portal's path: the list's API page as the province viewer asks for it, in process."""

    def __init__(self, list_name: str, page_size: int = 100):
        self.key = LISTS[list_name][1]
        self.path = list_path(list_name, page_size)
        self.client = viewer_client()

    def call(self) -> Measurement:
        response = self.client.get(self.path, secure=True, HTTP_ACCEPT="application/json")
        if response.status_code != 200:
            raise RuntimeError(f"{self.path} 返回 {response.status_code}")
        body = orjson.loads(response.content)
        return Measurement(
            rows=len(body["results"]),
            total=body.get("count"),
            ids=[item[self.key] for item in body["results"]],
        )


def data_queries(captured: list[dict[str, str]]) -> list[str]:
    """The statements of a list's page that read its data (COUNT, page, prefetches), in order."""
    return [
        query["sql"]
        for query in captured
        if query["sql"].lstrip().upper().startswith("SELECT") and not INFRASTRUCTURE.match(query["sql"])
    ]


class ApiFloor(Operation):
    """The floor of a list: the page's own SQL through raw psycopg2 (its own connection), rows → orjson."""

    def __init__(self, list_name: str, page_size: int = 100):
        path, _key, self.column = LISTS[list_name]
        client = viewer_client()
        # Captured without a cache: the floor runs the COUNT the page sends when its count is not cached.
        with override_settings(CACHES=NO_CACHE), CaptureQueriesContext(connection) as captured:
            response = client.get(
                list_path(list_name, page_size), secure=True, HTTP_ACCEPT="application/json"
            )
        if response.status_code != 200:
            raise RuntimeError(f"{path} 返回 {response.status_code}")
        self.statements = data_queries(captured.captured_queries)
        self.raw = psycopg2.connect(**connection.get_connection_params())
        self.raw.autocommit = True

    def call(self) -> Measurement:
        total, page, ids = None, None, None
        with self.raw.cursor() as cursor:
            for sql in self.statements:
                cursor.execute(sql)
                columns = [column.name for column in cursor.description]
                rows = cursor.fetchall()
                orjson.dumps([dict(zip(columns, row, strict=True)) for row in rows], default=str)
                if total is None and len(rows) == 1 and "COUNT(" in sql.upper():
                    total = rows[0][0]
                elif page is None and " LIMIT " in sql.upper():
                    page = len(rows)
                    index = columns.index(self.column) if self.column in columns else None
                    ids = None if index is None else [row[index] for row in rows]
        return Measurement(rows=page, total=total, ids=ids)


# --- the assessment round page ---------------------------------------------------------------------------------


class RoundPage(Operation):
    """The assessment round's page (/assessment/<year>/) of the latest year with scores, as HTML."""

    def __init__(self):
        self.path = f"/assessment/{latest_scored_round().year}/"
        self.client = viewer_client()

    def call(self) -> Measurement:
        response = self.client.get(self.path, secure=True)
        if response.status_code != 200:
            raise RuntimeError(f"{self.path} 返回 {response.status_code}")
        return Measurement(rows=len(response.content))


# --- the yearly job ------------------------------------------------------------------------------------------


class YearlyJob(Operation):
    """The portal's yearly job (assessment.services.compute_round, the run a worker does) of the latest year
    with scores, in a transaction rolled back afterwards; the round is first put back to scoring closed."""

    def __init__(self):
        self.round = latest_scored_round()

    def measure(self) -> Measurement:
        with rolled_back():
            AssessmentRound.objects.filter(pk=self.round.pk).update(state=RoundState.SCORING_CLOSED, job=None)
            with counted_queries() as counter:
                start = time.perf_counter()
                summary = compute_round(self.round.pk)
                elapsed = (time.perf_counter() - start) * 1000
            if summary is None:
                raise RuntimeError(f"{self.round.year}年度评价计算未完成。")
            towns = sorted(
                Result.objects.filter(round=self.round, status=ResultStatus.PROPOSED).values_list(
                    "town_id", flat=True
                )
            )
        return Measurement(ms=elapsed, rows=len(towns), ids=towns, queries=counter["queries"])


JOB_FLOOR_TABLE = "bench_result_floor"
JOB_FLOOR_CREATE = "CREATE TEMP TABLE bench_result_floor (LIKE assessment_result INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES)"
JOB_FLOOR_INSERT = """
INSERT INTO bench_result_floor (round_id, town_id, tier, assessed, score, grade, rank, vetoed, incomplete,
                                exempt, status)
WITH held AS (
    SELECT DISTINCT ON (d.town_id) d.town_id, d.tier
    FROM towns_designation d
    WHERE d.from_year <= %(year)s AND (d.to_year IS NULL OR d.to_year >= %(year)s)
    ORDER BY d.town_id, d.from_year DESC
), totals AS (
    SELECT s.town_id, SUM(s.points) AS score, COUNT(*) AS filled
    FROM assessment_score s WHERE s.round_id = %(round)s GROUP BY s.town_id
), town_year AS (
    SELECT h.town_id, h.tier, t.score, COALESCE(t.filled, 0) AS filled,
           EXISTS (SELECT 1 FROM assessment_veto v WHERE v.round_id = %(round)s AND v.town_id = h.town_id) AS vetoed,
           EXISTS (SELECT 1 FROM assessment_exemption e WHERE e.round_id = %(round)s AND e.town_id = h.town_id)
               AS exempt
    FROM held h LEFT JOIN totals t ON t.town_id = h.town_id
), ranked AS (
    SELECT y.*, (y.score IS NOT NULL AND NOT y.exempt) AS assessed,
           RANK() OVER (PARTITION BY y.tier, (y.score IS NOT NULL AND NOT y.exempt)
                        ORDER BY y.vetoed, y.score DESC) AS position
    FROM town_year y
)
SELECT %(round)s, town_id, tier, assessed,
       CASE WHEN assessed THEN score END,
       CASE WHEN NOT assessed THEN ''
            WHEN vetoed THEN 'fail'
            WHEN score >= %(excellent)s THEN 'excellent'
            WHEN score >= %(good)s THEN 'good'
            WHEN score >= %(passing)s THEN 'pass'
            ELSE 'fail' END,
       CASE WHEN assessed THEN position END,
       vetoed, assessed AND filled < %(indicators)s, exempt, 'proposed'
FROM ranked
"""
JOB_FLOOR_BOTTOM = """
SELECT town_id FROM (
    SELECT town_id, RANK() OVER (PARTITION BY tier ORDER BY rank DESC) AS from_bottom
    FROM bench_result_floor WHERE assessed
) bottom WHERE from_bottom <= %(bottom)s
"""


class YearlyJobFloor(Operation):
    """The plain SQL pipeline of the same year into a scratch table (created before the clock starts)."""

    def __init__(self):
        assessment_round = latest_scored_round()
        self.params = {
            "year": assessment_round.year,
            "round": assessment_round.pk,
            "excellent": assessment_round.excellent_threshold,
            "good": assessment_round.good_threshold,
            "passing": assessment_round.pass_threshold,
            "indicators": Indicator.objects.filter(system=assessment_round.system).count(),
            "bottom": assessment_round.bottom_count,
        }

    def measure(self) -> Measurement:
        with rolled_back(), connection.cursor() as cursor:
            cursor.execute(JOB_FLOOR_CREATE)
            with counted_queries() as counter:
                start = time.perf_counter()
                cursor.execute(JOB_FLOOR_INSERT, self.params)
                cursor.execute(JOB_FLOOR_BOTTOM, self.params)
                cursor.fetchall()
                cursor.execute("ANALYZE bench_result_floor")
                elapsed = (time.perf_counter() - start) * 1000
            cursor.execute("SELECT town_id FROM bench_result_floor ORDER BY town_id")
            towns = [row[0] for row in cursor.fetchall()]
        return Measurement(ms=elapsed, rows=len(towns), ids=towns, queries=counter["queries"])


# --- the score import ----------------------------------------------------------------------------------------

SCORE_FILE_SQL = """
COPY (
    SELECT s.town_id AS town_code, i.code AS indicator_code, s.points
    FROM assessment_score s JOIN assessment_indicator i ON i.id = s.indicator_id
    WHERE s.round_id = {round_id:d} ORDER BY s.town_id, i.code
) TO STDOUT WITH (FORMAT csv, HEADER true)
"""


def write_score_file(assessment_round: AssessmentRound) -> Path:
    """The year's scores as the importer reads them (one row per town and indicator), in a temporary file."""
    handle = tempfile.NamedTemporaryFile(prefix="bench-scores-", suffix=".csv", delete=False)  # noqa: SIM115
    with handle, connection.cursor() as cursor:
        cursor.copy_expert(SCORE_FILE_SQL.format(round_id=int(assessment_round.pk)), handle)
    return Path(handle.name)


def clear_scores(assessment_round: AssessmentRound) -> None:
    """Before an import rep (in its rolled-back transaction): the year open for scoring and without scores,
    so every row of the file is a new one to write."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM assessment_score WHERE round_id = %s", [assessment_round.pk])
    AssessmentRound.objects.filter(pk=assessment_round.pk).update(state=RoundState.OPEN, job=None)


class ScoreImport(Operation):
    """The portal's path: the score file imported end to end (assessment.services.import_scores: read,
    preview, apply, as `manage.py import_scores` does) into the year emptied of its scores."""

    def __init__(self):
        self.round = latest_scored_round()
        self.path = write_score_file(self.round)

    def measure(self) -> Measurement:
        with rolled_back():
            clear_scores(self.round)
            start = time.perf_counter()
            summary = import_scores(self.path.name, self.path.read_bytes(), self.round.year, via=Via.COMMAND)
            elapsed = (time.perf_counter() - start) * 1000
            total = Score.objects.filter(round=self.round).count()
        return Measurement(ms=elapsed, rows=summary.rows, total=total)


SCORE_COPY_CREATE = "CREATE TEMP TABLE bench_score_copy (LIKE assessment_score INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES)"
SCORE_COPY = (
    "COPY bench_score_copy (round_id, town_id, indicator_id, points, created_at, updated_at) FROM STDIN"
)


class ScoreCopy(Operation):
    """The floor: the same file's rows COPYed into a scratch copy of the score table."""

    def __init__(self):
        self.round = latest_scored_round()
        self.path = write_score_file(self.round)

    def measure(self) -> Measurement:
        with rolled_back(), connection.cursor() as cursor:
            cursor.execute(SCORE_COPY_CREATE)
            start = time.perf_counter()
            indicator_ids = dict(Indicator.objects.filter(system=self.round.system).values_list("code", "pk"))
            stamp = time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime())
            buffer = io.StringIO()
            reader = csv.reader(io.StringIO(self.path.read_text(encoding="utf-8")))
            next(reader)
            for town, indicator, points in reader:
                buffer.write(
                    f"{self.round.pk}\t{town}\t{indicator_ids[indicator]}\t{points}\t{stamp}\t{stamp}\n"
                )
            buffer.seek(0)
            cursor.copy_expert(SCORE_COPY, buffer)
            elapsed = (time.perf_counter() - start) * 1000
            cursor.execute("SELECT COUNT(*) FROM bench_score_copy")
            rows = cursor.fetchone()[0]
        return Measurement(ms=elapsed, rows=rows, total=rows)


# --- exports ---------------------------------------------------------------------------------------------------


def export_arguments(name: str) -> tuple[str, QueryDict, dict[str, Any]]:
    kind, query, needs_year = EXPORTS[name]
    return kind, QueryDict(query), ({"year": latest_ranked_year()} if needs_year else {})


class Export(Operation):
    """The portal's path: the export's sheet as its job writes it (export_spec, then write_workbook)."""

    def __init__(self, export: str):
        self.kind, self.query, self.kwargs = export_arguments(export)
        self.user = viewer()

    def call(self) -> Measurement:
        spec = export_spec(self.kind, self.user, self.query, self.kwargs)
        with tempfile.TemporaryFile() as handle:
            written = write_workbook(
                handle,
                spec.title,
                spec.columns,
                spec.rows,
                unit_note=spec.unit_note,
                filters=spec.filters,
                sheet_title=spec.sheet_title or None,
            )
        return Measurement(rows=written, total=spec.count)


class ExportFloor(Operation):
    """The floor: openpyxl's write-only workbook over the same rows, fetched before the clock starts."""

    def __init__(self, export: str):
        kind, query, kwargs = export_arguments(export)
        spec = export_spec(kind, viewer(), query, kwargs)
        self.rows = [tuple(row) for row in spec.rows]

    def call(self) -> Measurement:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        for row in self.rows:
            sheet.append(row)
        with tempfile.TemporaryFile() as handle:
            workbook.save(handle)
        return Measurement(rows=len(self.rows), total=len(self.rows))


# --- the worker's facts ------------------------------------------------------------------------------------


def facts() -> dict[str, Any]:
    """The database's PostgreSQL version and the rows of the tables the figures read."""
    counts = {}
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    for label in COUNTED_MODELS:
        model = apps.get_model(label)
        counts[model._meta.db_table] = model._base_manager.count()
    return {"postgresql": version, "counts": counts, "database": connection.settings_dict["NAME"]}


def prepare() -> dict[str, Any]:
    """Every seeded year but the last computed once (committed), where it has no results yet."""
    latest = latest_scored_round()
    computed = []
    for assessment_round in AssessmentRound.objects.filter(year__lt=latest.year).order_by("year"):
        if not Result.objects.filter(round=assessment_round).exists():
            if compute_round(assessment_round.pk) is None:
                raise RuntimeError(f"{assessment_round.year}年度评价计算未完成。")
            computed.append(assessment_round.year)
    return {"computed": computed}


OPERATIONS = {
    "facts": facts,
    "prepare": prepare,
    "viewer_session": ViewerSession,
    "api_page": ApiPage,
    "api_floor": ApiFloor,
    "round_page": RoundPage,
    "job": YearlyJob,
    "job_floor": YearlyJobFloor,
    "score_import": ScoreImport,
    "score_copy": ScoreCopy,
    "export": Export,
    "export_floor": ExportFloor,
}


# --- the figures -------------------------------------------------------------------------------------------


def _towns_page(size: int) -> Figure:
    return Figure(
        f"F-towns-{size}",
        f"乡镇 API 每页 {size} 条（全国）÷ 同 SQL 的 psycopg2 + orjson",
        Side("national", "api_page", {"list_name": "towns", "page_size": size}),
        Side("national", "api_floor", {"list_name": "towns", "page_size": size}),
        Target("<=", 1.5),
    )


def _scale(name: str) -> Figure:
    return Figure(
        f"F-scale-{name}",
        f"{LISTS[name][0]} 每页 100 条：全国 ÷ g2k",
        Side("national", "api_page", {"list_name": name, "page_size": 100}),
        Side("g2k", "api_page", {"list_name": name, "page_size": 100}),
        Target("<=", 1.5),
    )


def _export(name: str, title: str) -> list[Figure]:
    params = {"export": name}
    return [
        Figure(
            f"F-export-{name}",
            f"{title}导出（全国）÷ openpyxl 只写模式写同样的行",
            Side("national", "export", params),
            Side("national", "export_floor", params),
            Target("<=", 1.5),
            max_reps=5,
            max_warmup=1,
        ),
        Figure(
            f"F-export-{name}-memory",
            f"{title}导出的进程内存峰值增长（MB；B 为 openpyxl 只写模式）",
            Side("national", "export", params),
            Side("national", "export_floor", params),
            Target("<=", 50),
            kind="memory",
            unit="MB",
            max_reps=1,
        ),
    ]


FIGURES = [
    _towns_page(1000),
    _towns_page(100),
    *(_scale(name) for name in LISTS),
    Figure(
        "F-http",
        "gunicorn（2 个 worker）乡镇每页 100 条的每秒请求数 ÷ 同一 gunicorn 中空视图的",
        Side("national", "http", {"path": list_path("towns", 100)}),
        Side("national", "http", {"path": BARE_PATH}),
        Target(">=", 0.10),
        kind="http",
        unit="req/s",
        max_reps=7,
        max_warmup=1,
    ),
    Figure(
        "F-round-page",
        "年度评价页（HTML）：全国 ÷ g2k",
        Side("national", "round_page"),
        Side("g2k", "round_page"),
        Target("<=", 2),
    ),
    Figure(
        "F-job",
        "年度评价计算（全国）÷ 同一年度的纯 SQL 流水线",
        Side("national", "job"),
        Side("national", "job_floor"),
        Target("<=", 2),
        max_reps=3,
        max_warmup=1,
    ),
    Figure(
        "F-job-scale",
        "年度评价计算：全国 ÷ g2k",
        Side("national", "job"),
        Side("g2k", "job"),
        Target("<=", 12),
        max_reps=3,
        max_warmup=1,
    ),
    Figure(
        "F-job-queries",
        "年度评价计算发出的查询数：全国 ÷ g2k（须相同）",
        Side("national", "derived", {"figure": "F-job-scale"}),
        Side("g2k", "derived", {"figure": "F-job-scale"}),
        Target("==", 1),
        kind="queries",
        unit="queries",
    ),
    Figure(
        "F-import",
        f"全国一年得分从文件导入（{SCORE_IMPORT}）÷ 同样的行 COPY",
        Side("national", "score_import"),
        Side("national", "score_copy"),
        Target("<=", 4),
        max_reps=3,
        max_warmup=0,
    ),
    *_export("county-ranking", "县级示范镇排名"),
    *_export("directory", "乡镇名录"),
]
