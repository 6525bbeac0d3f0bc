# 示范镇 Portal — the two commands of the README, and their helpers.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Two workers: the machines here have two cores; each worker gets its own test database.
PYTEST_ARGS ?= -n 2

.PHONY: run test lint format check install migrate worker beat clean

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

# Fresh machine → .venv, packages, SQLite database, Jilin divisions, demo, server on 127.0.0.1:8000.
run: migrate
	$(PY) manage.py load_divisions
	$(PY) manage.py load_demo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# The whole suite; PostgreSQL and Redis when they answer on 127.0.0.1 (or DATABASE_URL / REDIS_URL).
test: install
	@eval "$$($(PY) scripts/services.py)" && $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

worker: install
	$(VENV)/bin/celery -A config worker --loglevel=info

beat: install
	$(VENV)/bin/celery -A config beat --loglevel=info

clean:
	rm -rf var/portal.sqlite3 var/staticfiles
