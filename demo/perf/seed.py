"""`manage.py perf_seed` (issue 13 point 1): the benchmark's workload (demo/perf/workload.py) written into
PostgreSQL with COPY, table by table in one transaction, each id sequence set after, then ANALYZE of every
table written; and the benchmark's logins (PERF_USERS, password PERF_PASSWORD). Timestamps are one fixed
instant, so the same seed gives the same rows. A benchmark fixture: it writes no audit entries (the audit
chain stays as it was, or empty after --flush).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from auditlog.context import disable_auditlog
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction

from accounts.services import create_user
from assessment.models import AssessmentRound, Indicator, IndicatorSystem, Score, Veto
from assessment.rules import DEFAULT_INDICATORS
from core.errors import DomainError
from core.pinyin import initials
from core.roles import Role
from funding.models import Allocation, DebtQuota
from projects.models import ProgressReport, Project, TaskArea
from selection.choices import DocumentKind
from selection.demo import DEMO_PDF
from selection.models import SelectionRound, Submission, SubmissionDocument, SubmissionEvent
from towns.models import Designation, Region, Town

from .copy import TableCopy, analyze, foreign_keys_checked_after, reset_sequence, run_pending_checks
from .workload import (
    DESIGNATION_COLUMNS,
    DIVISIONS,
    EVENT_COLUMNS,
    LAST_YEAR,
    PROJECT_COLUMNS,
    REPORT_COLUMNS,
    SCALES,
    SUBMISSION_COLUMNS,
    Held,
    allocation_rows,
    designations,
    document_name,
    plan_geography,
    project_rows,
    quota_rows,
    score_rows,
    seed_years,
    selection_rows,
    veto_rows,
)

# One instant for every created_at / updated_at, so two seeds with the same --seed are identical.
SEEDED_AT = datetime(LAST_YEAR + 1, 1, 5, 1, 0, tzinfo=UTC)

PERF_PASSWORD = "Perf-Bench-2026"
PERF_USERS = [
    # username, role, whose region (None: the whole country), organization
    ("perf_admin", Role.PROVINCE_ADMIN, None, "基准测试 省级管理员"),
    ("perf_viewer", Role.PROVINCE_VIEWER, None, "基准测试 省级只读"),
    ("perf_city", Role.CITY_OFFICIAL, "city", "基准测试 市（州）"),
    ("perf_county", Role.COUNTY_OFFICIAL, "county", "基准测试 县（市、区）"),
    ("perf_partner", Role.PARTNER, None, "基准测试 合作机构"),
]

# The tables a database must not hold rows in (the seed writes them with ids from 1), and --flush empties.
SEEDED_MODELS = (
    Region,
    Town,
    Designation,
    IndicatorSystem,
    Indicator,
    AssessmentRound,
    Score,
    Veto,
    Project,
    ProgressReport,
    DebtQuota,
    Allocation,
    SelectionRound,
    Submission,
    SubmissionDocument,
    SubmissionEvent,
)
# --flush empties every table of these apps (the business data, the users, their sessions and devices, the
# jobs, the audit log and its chain) except the task areas that a migration wrote: a benchmark database
# starts from nothing, and an audit chain emptied as a whole still verifies.
FLUSHED_APPS = (
    "towns",
    "selection",
    "projects",
    "assessment",
    "funding",
    "accounts",
    "core",
    "auditlog",
    "axes",
    "otp_static",
    "otp_totp",
    "sessions",
    "admin",
)


@dataclass(frozen=True)
class SeedOptions:
    scale: str = "g2k"
    years: int = 2
    seed: int = 42
    flush: bool = False
    source: Path = DIVISIONS
    # Tests only: stop the g2k subset at this many 镇 (the shape stays the same).
    limit_towns: int | None = None


@dataclass
class TableCount:
    """A table written (its rows) or a step of no table (table ""), and the seconds it took."""

    table: str
    label: str
    rows: int | None
    seconds: float


@dataclass
class SeedSummary:
    scale: str
    seed: int
    years: tuple[int, ...]
    tables: list[TableCount] = field(default_factory=list)
    # The steps that are no table's: the logins, the commit, ANALYZE (table "").
    steps: list[TableCount] = field(default_factory=list)
    seconds: float = 0.0


# --- writing -----------------------------------------------------------------------------------------------


def refusal(options: SeedOptions) -> str | None:
    """Why the seed will not run on this database, or None."""
    if connection.vendor != "postgresql":
        return (
            f"perf_seed 需要 PostgreSQL（COPY 写入），当前数据库为 {connection.vendor}；请设置 DATABASE_URL。"
        )
    if options.scale not in SCALES:
        return f"--scale 应为 {' 或 '.join(SCALES)}。"
    if not options.flush:
        filled = [model._meta.verbose_name for model in SEEDED_MODELS if model.objects.exists()]
        if filled:
            return (
                f"数据库中已有数据（{'、'.join(map(str, filled[:4]))}等）；perf_seed 只写入空库。"
                "如确认清空全部业务数据、用户和审计日志，请加 --flush。"
            )
    return None


def flushed_tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in FLUSHED_APPS and model._meta.managed and model is not TaskArea
    )


def flush():
    """Empty every table of FLUSHED_APPS at once (TRUNCATE … CASCADE), ids restarting from 1."""
    tables = ", ".join(connection.ops.quote_name(table) for table in flushed_tables())
    run_pending_checks()  # rows written earlier in the same transaction (a test seeding twice)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def run_seed(options: SeedOptions, report: Callable[[TableCount], None] = lambda count: None) -> SeedSummary:
    """Build the workload in one transaction, then ANALYZE what it wrote. Raises DomainError when refused."""
    years = seed_years(options.years)
    problem = refusal(options)
    if problem:
        raise DomainError(problem)
    summary = SeedSummary(scale=options.scale, seed=options.seed, years=years)
    started = time.perf_counter()
    clock = [started]  # when the last step ended: a table's seconds include generating its rows

    def record(table, label, rows):
        now = time.perf_counter()
        entry = TableCount(table, label, rows, now - clock[0])
        clock[0] = now
        (summary.tables if table else summary.steps).append(entry)
        report(entry)

    def write(model, columns, rows):
        count = TableCopy(model, columns, timestamp=SEEDED_AT).write(rows)
        reset_sequence(model)
        record(model._meta.db_table, str(model._meta.verbose_name), count)

    with transaction.atomic(), disable_auditlog():
        if options.flush:
            flush()
        with foreign_keys_checked_after(SEEDED_MODELS):
            held, round_count = _write_workload(options, years, write)
        record("", "外键约束校验", None)
        _store_documents(round_count)
        _create_users(held)
        record("", "基准测试账号与申报材料文件", len(PERF_USERS))
    record("", "提交事务", None)
    analyze([entry.table for entry in summary.tables])
    record("", "VACUUM ANALYZE", len(summary.tables))
    summary.seconds = time.perf_counter() - started
    return summary


def _write_workload(options: SeedOptions, years: tuple[int, ...], write) -> tuple[list[Held], int]:
    """Every table of the workload through `write(model, columns, rows)`; returns the designated towns and
    the number of selection rounds."""
    geo = plan_geography(options.scale, options.seed, options.source, options.limit_towns)
    name_initials = {}

    def initials_of(name):
        if name not in name_initials:
            name_initials[name] = initials(name)
        return name_initials[name]

    write(
        Region,
        ["code", "name", "initials", "level", "parent_id"],
        ((code, name, initials_of(name), level, parent) for code, name, level, parent in geo.regions),
    )
    held, designation_rows = designations(geo, options.seed, years[0])
    dev_types = {town.code: town.dev_type for town in held}
    write(
        Town,
        ["code", "name", "initials", "kind", "county_id", "city_id", "province_id", "dev_type"],
        (
            (
                p.code,
                p.name,
                initials_of(p.name),
                p.kind,
                p.county,
                p.city,
                p.province,
                dev_types.get(p.code, ""),
            )
            for p in geo.places
        ),
    )
    write(
        Designation,
        DESIGNATION_COLUMNS,
        designation_rows,
    )

    areas = {area.code: area.name for area in TaskArea.objects.all()}
    missing = [code for code, _ in DEFAULT_INDICATORS if code not in areas]
    if missing:
        raise DomainError(f"缺少任务领域 {'、'.join(missing)}（应由数据迁移写入，请先运行 migrate）。")
    systems = [(n + 1, year, f"{year}年度示范镇评价指标体系", n or None) for n, year in enumerate(years)]
    write(IndicatorSystem, ["id", "year", "name", "copied_from_id"], systems)
    indicator_rows, per_round = [], []
    for system_id, _year, _name, _copied in systems:
        year_indicators = []
        for code, max_points in DEFAULT_INDICATORS:
            indicator_rows.append((len(indicator_rows) + 1, system_id, code, areas[code], code, max_points))
            year_indicators.append((len(indicator_rows), int(max_points * 100)))
        per_round.append((system_id, year_indicators))
    write(Indicator, ["id", "system_id", "code", "name", "task_area_id", "max_points"], indicator_rows)
    write(AssessmentRound, ["id", "year", "system_id"], ((sid, year, sid) for sid, year, _n, _c in systems))
    write(
        Score,
        ["id", "round_id", "town_id", "indicator_id", "points", "entered_by_id"],
        score_rows(held, per_round, options.seed),
    )
    write(
        Veto,
        ["id", "round_id", "town_id", "reason", "doc_no"],
        veto_rows(held, [(sid, year) for sid, year, _n, _c in systems], options.seed),
    )

    projects, reports, planned = project_rows(held, geo, years, options.seed)
    write(
        Project,
        PROJECT_COLUMNS,
        projects,
    )
    write(
        ProgressReport,
        REPORT_COLUMNS,
        reports,
    )
    quotas, quota_ids, quota_amounts = quota_rows(held, years, options.seed)
    write(DebtQuota, ["id", "region_id", "year", "general_amount", "special_amount"], quotas)
    write(
        Allocation,
        ["id", "project_id", "source", "amount", "year", "quota_id", "note"],
        allocation_rows(planned, quota_ids, quota_amounts, options.seed),
    )

    rounds, submissions, documents, events = selection_rows(held, years, options.seed)
    write(SelectionRound, ["id", "name", "tiers", "deadline", "year"], rounds)
    write(
        Submission,
        SUBMISSION_COLUMNS,
        submissions,
    )
    write(
        SubmissionDocument,
        ["id", "submission_id", "kind", "file", "original_name", "file_type", "size", "sha256"],
        documents,
    )
    write(
        SubmissionEvent,
        EVENT_COLUMNS,
        events,
    )
    return held, len(rounds)


def _store_documents(round_count: int):
    """The seeded documents' files (one per round and kind), so a document opens like an uploaded one."""
    for round_id in range(1, round_count + 1):
        for kind in DocumentKind.values:
            name = document_name(round_id, kind)
            if not default_storage.exists(name):
                default_storage.save(name, ContentFile(DEMO_PDF))


def _create_users(held: list[Held]):
    """The benchmark's logins; the county official's region is the first county with a designated town, the
    city official's its city."""
    first = min(held, key=lambda town: town.code)
    regions = {"city": first.city, "county": first.county, None: None}
    for username, role, region, organization in PERF_USERS:
        create_user(
            username,
            role=role,
            region_code=regions[region],
            password=PERF_PASSWORD,
            organization=organization,
        )
