# 示范镇 Portal — the two commands of the README, and their helpers.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Two workers: the machines here have two cores; each worker gets its own test database.
PYTEST_ARGS ?= -n 2

.PHONY: bench bench-smoke run test lint format check check-deploy security audit-deps install migrate worker beat clean vendor system-packages

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

# The Debian packages beyond Python (WeasyPrint's libraries, the notice fonts, chromium): installed when
# missing as root; otherwise the apt-get command is printed and the run goes on if WeasyPrint loads.
system-packages: install
	PYTHON=$(PY) bash scripts/system-packages.sh

# Fresh machine → .venv, packages, Debian packages, SQLite database, Jilin divisions, demo, server on 127.0.0.1:8000.
run: system-packages migrate
	$(PY) manage.py load_divisions
	$(PY) manage.py load_demo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# The whole suite; PostgreSQL and Redis when they answer on 127.0.0.1 (or DATABASE_URL / REDIS_URL).
test: install
	@eval "$$($(PY) scripts/services.py)" && $(PY) -m pytest $(PYTEST_ARGS)

# issue 13's benchmark suite (demo/perf): each figure against its floor, A/B interleaved, on the two bench
# databases, seeded by perf_seed the first time (make bench BENCH_ARGS="--only F-job --reps 5"). The report
# goes to var/bench.json and the table to the terminal. No test times anything; this does.
BENCH_G2K_URL ?= postgres://postgres@127.0.0.1:5432/portal_bench_g2k
BENCH_NATIONAL_URL ?= postgres://postgres@127.0.0.1:5432/portal_bench_national
BENCH_SMOKE_URL ?= postgres://postgres@127.0.0.1:5432/portal_bench_smoke
BENCH_ARGS ?=

bench: install
	$(PY) manage.py perf_bench --seed-missing --g2k-url $(BENCH_G2K_URL) --national-url $(BENCH_NATIONAL_URL) \
		--json var/bench.json $(BENCH_ARGS)

# CI's smoke of the suite: g2k only, one pair per figure, no warm-up; fails when a figure cannot be measured.
bench-smoke: install
	$(PY) manage.py perf_bench --smoke --seed-missing --g2k-url $(BENCH_SMOKE_URL) --json var/bench-smoke.json

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(MAKE) --no-print-directory security

# bandit over the code (configuration: pyproject.toml [tool.bandit]); any medium or high finding fails.
security: install
	$(VENV)/bin/bandit -q -c pyproject.toml -r . --severity-level medium

# Known vulnerabilities of the pinned packages (requirements.txt, package-lock.json), where the advisory
# services answer; an unreachable service is reported and does not fail (scripts/audit_dependencies.sh).
audit-deps: install
	PIP_AUDIT=$(VENV)/bin/pip-audit bash scripts/audit_dependencies.sh

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# The production settings under the documented environment (deploy/production.env.example) with a random
# key: `check --deploy` must report no warning at all.
check-deploy: install
	set -a && . deploy/production.env.example && set +a && \
	SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	$(PY) manage.py check --deploy --fail-level WARNING

worker: install
	$(VENV)/bin/celery -A config worker --loglevel=info

beat: install
	$(VENV)/bin/celery -A config beat --loglevel=info

# Front-end assets: the npm packages pinned in package.json / package-lock.json, copied into static/vendor/ and
# committed, so that a clone runs without npm (static/vendor/README.md lists what comes from where).
vendor:
	npm ci --ignore-scripts --no-audit --no-fund
	rm -rf static/vendor/bootstrap static/vendor/bootstrap-icons static/vendor/echarts
	mkdir -p static/vendor/bootstrap/css static/vendor/bootstrap/js static/vendor/bootstrap-icons/fonts static/vendor/echarts
	cp node_modules/bootstrap/LICENSE static/vendor/bootstrap/
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map static/vendor/bootstrap/css/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map static/vendor/bootstrap/js/
	cp node_modules/bootstrap-icons/LICENSE static/vendor/bootstrap-icons/
	cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css static/vendor/bootstrap-icons/
	cp node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff2 node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff static/vendor/bootstrap-icons/fonts/
	cp -r node_modules/echarts/LICENSE node_modules/echarts/NOTICE node_modules/echarts/licenses static/vendor/echarts/
	cp node_modules/echarts/dist/echarts.min.js static/vendor/echarts/

clean:
	rm -rf var/portal.sqlite3 var/staticfiles
