#!/usr/bin/env bash
# Known vulnerabilities of the pinned dependencies (issue 12, point 10): requirements.txt through pip-audit,
# package-lock.json through npm audit. Each advisory service may be out of reach (an offline mirror, a proxy
# that refuses the audit endpoint): then this says so and does not fail; a reachable service that reports a
# vulnerability fails. README「依赖漏洞检查」says what to do with a finding.
set -uo pipefail
cd "$(dirname "$0")/.."
PIP_AUDIT="${PIP_AUDIT:-.venv/bin/pip-audit}"
PY="${PY:-.venv/bin/python}"
status=0

echo "== pip-audit -r requirements.txt"
report="$(mktemp)"
if timeout 300 "$PIP_AUDIT" -r requirements.txt --no-deps --disable-pip --progress-spinner off -f json -o "$report" 2>/tmp/pip-audit.err; then
  pip_rc=0
else
  pip_rc=$?
fi
"$PY" scripts/pip_audit_summary.py "$report" "$pip_rc" /tmp/pip-audit.err || status=1
rm -f "$report"

echo "== npm audit (package-lock.json)"
if ! command -v npm >/dev/null 2>&1; then
  echo "npm audit: npm 不可用，跳过（未检查）。"
else
  npm_out="$(timeout 120 npm audit --package-lock-only --json 2>/dev/null)"
  npm_rc=$?
  if echo "$npm_out" | grep -q '"vulnerabilities"'; then
    if [ "$npm_rc" -ne 0 ]; then
      echo "$npm_out" | head -c 4000
      echo "npm audit: 发现已知漏洞（见上）。"
      status=1
    else
      echo "npm audit: 未发现已知漏洞。"
    fi
  else
    echo "npm audit: 漏洞库不可达（$(echo "$npm_out" | grep -o '"message": *"[^"]*"' | head -n 1)），未检查，不视为失败。"
  fi
fi
exit $status
