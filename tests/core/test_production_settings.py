"""Production settings (issue 12, point 7): `manage.py check --deploy --fail-level WARNING` reports nothing
under deploy/production.env.example (the environment the README documents), and fails when part of it is
missing; the proxy header is read as documented. The dependency audit's summary (point 10) tells an
unreachable advisory service from a clean or a vulnerable report."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "deploy" / "production.env.example"


def production_env(**changes):
    env = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "DJANGO_SETTINGS_MODULE")}
    for line in EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip()
    env["SECRET_KEY"] = secrets.token_urlsafe(64)
    env.update(changes)
    return {key: value for key, value in env.items() if value is not None}


def deploy_check(**changes):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(**changes),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_documented_environment_passes_the_deploy_check_with_no_warning():
    result = deploy_check()
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout


@pytest.mark.parametrize(
    ("changes", "warning"),
    [
        ({"SECURE_HSTS_SECONDS": "0"}, "security.W004"),
        ({"SECURE_SSL_REDIRECT": "0"}, "security.W008"),
        ({"SECURE_COOKIES": "0"}, "security.W012"),
        ({"SECRET_KEY": "short"}, "security.W009"),
        ({"DEBUG": "1"}, "security.W018"),
    ],
)
def test_a_missing_protection_fails_the_check(changes, warning):
    result = deploy_check(**changes)
    assert result.returncode != 0 and warning in result.stderr


def test_the_proxy_header_is_read_from_the_environment():
    code = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER, settings.CSRF_TRUSTED_ORIGINS)"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**production_env(), "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https') ['https://portal.example.gov.cn']"
    bad = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=production_env(SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode != 0 and "SECURE_PROXY_SSL_HEADER must read" in bad.stderr


def summary(tmp_path, report):
    path = tmp_path / "report.json"
    path.write_text(json.dumps(report))
    return subprocess.run(
        [sys.executable, "scripts/pip_audit_summary.py", str(path), "0", str(tmp_path / "none")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_audit_summary_fails_on_a_vulnerability_and_not_on_an_unreachable_service(tmp_path):
    unreachable = summary(
        tmp_path, {"dependencies": [{"name": "django", "version": "5.2", "skip_reason": "x"}]}
    )
    assert unreachable.returncode == 0 and "漏洞库不可达" in unreachable.stdout
    clean = summary(tmp_path, {"dependencies": [{"name": "django", "version": "5.2", "vulns": []}]})
    assert clean.returncode == 0 and "未发现已知漏洞" in clean.stdout
    vulnerable = summary(
        tmp_path,
        {
            "dependencies": [
                {"name": "django", "version": "5.2", "vulns": [{"id": "PYSEC-1", "fix_versions": ["5.3"]}]}
            ]
        },
    )
    assert vulnerable.returncode == 1 and "PYSEC-1" in vulnerable.stdout


def test_a_backup_manifest_cannot_smuggle_sql_into_the_checksums():
    # bandit's B608 finding in core.backup: the table names of a restore come from the manifest, a file.
    from core.backup import BackupError, table_checksums

    class Cursor:
        executed = []

        def execute(self, query):
            self.executed.append(query)

    cursor = Cursor()
    with pytest.raises(BackupError, match="表名"):
        table_checksums(cursor, ['core_auditseal" t; DROP TABLE accounts_user; --'])
    assert cursor.executed == ["SET TIME ZONE 'UTC'"]
