"""Backups that restore (issue 12 point 9; README 安全 — 备份与恢复).

`backup DIR`: pg_dump (custom format) of the database, a tar of the uploaded files (MEDIA_ROOT) and
manifest.json — the sha256 of each file, and the row count and content checksum of the key tables, computed in
SQL in the same snapshot as the dump (pg_export_snapshot), so that they describe exactly what was dumped.
`restore DIR` checks the files against the manifest, restores into an EMPTY database (refusing another), then
checks the tables against the manifest. PostgreSQL only: a SQLite development database is a file to copy.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

import django
import psycopg2
from django.conf import settings
from django.utils import timezone

DUMP_NAME = "database.dump"
MEDIA_NAME = "media.tar"
MANIFEST_NAME = "manifest.json"
# The tables whose rows a restore must bring back exactly: designations, results, notices and publications,
# and the audit records with their chain.
KEY_TABLES = (
    ("towns", "Designation"),
    ("assessment", "Result"),
    ("assessment", "Notice"),
    ("assessment", "Publication"),
    ("auditlog", "LogEntry"),
    ("core", "SecurityEvent"),
    ("core", "AuditSeal"),
)
POSTGRES_ONLY = "备份与恢复只支持 PostgreSQL 数据库；SQLite 开发库请在停止服务后直接复制 var/ 目录。"


class BackupError(Exception):
    """A refusal, in Chinese (the commands turn it into CommandError)."""


def key_tables() -> list[str]:
    from django.apps import apps

    return [apps.get_model(app, model)._meta.db_table for app, model in KEY_TABLES]


@dataclass(frozen=True)
class Target:
    """Connection parameters of a database (libpq names)."""

    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    @classmethod
    def from_settings(cls, config: dict) -> Target:
        return cls(
            name=config["NAME"],
            user=config.get("USER") or "",
            password=config.get("PASSWORD") or "",
            host=config.get("HOST") or "",
            port=str(config.get("PORT") or ""),
        )

    @classmethod
    def from_url(cls, url: str) -> Target:
        import dj_database_url

        config = dj_database_url.parse(url)
        if "postgres" not in config.get("ENGINE", ""):
            raise BackupError(POSTGRES_ONLY)
        return cls.from_settings(config)

    def connect(self):
        params = {"dbname": self.name, "user": self.user, "password": self.password, "host": self.host}
        if self.port:
            params["port"] = self.port
        return psycopg2.connect(**{key: value for key, value in params.items() if value})

    def cli_args(self) -> list[str]:
        args = ["--dbname", self.name]
        for flag, value in (("--host", self.host), ("--port", self.port), ("--username", self.user)):
            if value:
                args += [flag, value]
        return args

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env

    def settings_dict(self) -> dict:
        base = dict(settings.DATABASES["default"])
        base.update(NAME=self.name, USER=self.user, PASSWORD=self.password, HOST=self.host, PORT=self.port)
        return base


def default_target() -> Target:
    config = settings.DATABASES["default"]
    if "postgresql" not in config["ENGINE"]:
        raise BackupError(POSTGRES_ONLY)
    return Target.from_settings(config)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


_TABLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def table_checksums(cursor, tables: list[str]) -> dict[str, dict]:
    """Row count and md5 over every row's text, in primary key order (times in UTC: the text of a row does
    not depend on the session's time zone then)."""
    cursor.execute("SET TIME ZONE 'UTC'")
    sums = {}
    for table in tables:
        # A restore reads the names from the backup's manifest, a file: only a plain table name is let into
        # the query (a name cannot be a query parameter), so a tampered manifest cannot inject SQL (why bandit's
        # B608 is silenced on the query).
        if not _TABLE_NAME.fullmatch(table):
            raise BackupError(f"备份清单中的表名“{table[:80]}”无效。")
        cursor.execute(
            f"SELECT count(*), coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t.id)), '') FROM \"{table}\" t"  # nosec B608
        )
        rows, checksum = cursor.fetchone()
        sums[table] = {"rows": int(rows), "md5": checksum}
    return sums


def _portal_version() -> str:
    try:
        import tomllib

        with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as handle:
            return str(tomllib.load(handle).get("project", {}).get("version", ""))
    except (OSError, ValueError):
        return ""


def _run(command: list[str], target: Target) -> None:
    completed = subprocess.run(command, env=target.env(), capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{completed.stderr.strip()[-500:]}")


def _tar_media(media_root: Path, destination: Path) -> None:
    with tarfile.open(destination, "w") as archive:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                archive.add(path, arcname=str(path.relative_to(media_root)), recursive=False)


def make_backup(directory: Path, target: Target | None = None) -> dict:
    """Write the dump, the files' tar and the manifest into directory (new or empty). Returns the manifest."""
    target = target or default_target()
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise BackupError(f"备份目录 {directory} 不是空目录，请指定一个新目录。")
    tables = key_tables()
    connection = target.connect()
    try:
        connection.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            checksums = table_checksums(cursor, tables)
            # The dump reads the same snapshot, held open by this transaction until it is done.
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    "--file",
                    str(directory / DUMP_NAME),
                    *target.cli_args(),
                ],
                target,
            )
        connection.rollback()
    finally:
        connection.close()
    _tar_media(Path(settings.MEDIA_ROOT), directory / MEDIA_NAME)
    manifest = {
        "created_at": timezone.now().isoformat(),
        "django_version": django.get_version(),
        "portal_version": _portal_version(),
        "database": target.name,
        "files": {name: sha256_of(directory / name) for name in (DUMP_NAME, MEDIA_NAME)},
        "tables": checksums,
    }
    (directory / MANIFEST_NAME).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return manifest


def read_manifest(directory: Path) -> dict:
    path = directory / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{directory} 中没有 {MANIFEST_NAME}，不是本系统的备份目录。") from None
    except (ValueError, UnicodeDecodeError):
        raise BackupError(f"{MANIFEST_NAME} 无法读取（已损坏），拒绝恢复。") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise BackupError(f"{MANIFEST_NAME} 格式不正确，拒绝恢复。")
    return manifest


def check_files(directory: Path, manifest: dict) -> None:
    for name, expected in manifest["files"].items():
        path = directory / Path(name).name  # a manifest names files of its own directory, never a path
        if not path.is_file():
            raise BackupError(f"备份文件 {name} 缺失，拒绝恢复。")
        if sha256_of(path) != expected:
            raise BackupError(f"备份文件 {name} 的校验值与清单不符（文件已损坏或被改动），拒绝恢复。")


def _is_empty(target: Target) -> bool:
    connection = target.connect()
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            )
            return cursor.fetchone()[0] == 0
    finally:
        connection.close()


def analyze_database(cursor) -> None:
    """ANALYZE every table of the database the cursor is connected to."""
    cursor.execute("ANALYZE")


@dataclass(frozen=True)
class Restored:
    tables: dict[str, dict]
    mismatches: list[str]


def restore_backup(directory: Path, target: Target, media_root: Path) -> Restored:
    """Check the files, restore into the empty target, unpack the files, compare the tables."""
    manifest = read_manifest(directory)
    check_files(directory, manifest)
    if not _is_empty(target):
        raise BackupError(f"目标数据库 {target.name} 不是空库，拒绝恢复；请新建一个空数据库后再恢复。")
    if media_root.is_dir() and any(media_root.iterdir()):
        raise BackupError(f"上传文件目录 {media_root} 不是空目录，拒绝恢复。")
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-acl",
            "--exit-on-error",
            "--single-transaction",
            *target.cli_args(),
            str(directory / DUMP_NAME),
        ],
        target,
    )
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(directory / MEDIA_NAME) as archive:
        archive.extractall(media_root, filter="data")  # the data filter refuses absolute paths and ../
    connection = target.connect()
    try:
        with connection.cursor() as cursor:
            # A dump carries no planner statistics: without them every list of the restored portal is
            # planned as if its tables were empty, until autovacuum gets round to them (issue 13).
            analyze_database(cursor)
            connection.commit()
            found = table_checksums(cursor, list(manifest.get("tables", {})))
    finally:
        connection.close()
    mismatches = [
        f"{table}：备份 {expected['rows']} 行，恢复后 {found[table]['rows']} 行"
        + ("" if expected["md5"] == found[table]["md5"] else "，内容校验值不同")
        for table, expected in manifest.get("tables", {}).items()
        if found.get(table) != expected
    ]
    return Restored(found, mismatches)
