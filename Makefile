# AW Portal. `make run` sets everything up and starts the portal with the stand-in API;
# `make test` runs the whole suite (SQLite, then PostgreSQL), the contract suite against Prism included.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/awportal
# The benchmarks drop and recreate this database on every run: keep it apart from any other.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/awportal_bench
# Production runs with a shared cache (check --deploy insists), so sessions are read through it: so does
# the bench. Its own Redis database, emptied at the start of every run.
BENCH_CACHE_URL ?= redis://127.0.0.1:6379/14

.PHONY: setup browser run test test-sqlite test-postgres check screenshots bench

setup: $(VENV)/.installed .env browser node_modules/.installed

# Debian's chromium and a Java runtime for the browser tests (installed only when missing).
browser:
	scripts/install-chromium.sh

# Prism for the contract suite (tests/contract), exactly as package-lock.json pins it; Node.js and npm
# from Debian's packages when missing.
node_modules/.installed: package.json package-lock.json .npmrc
	scripts/install-node.sh
	npm ci --no-audit --no-fund
	touch $@

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

.env: | $(VENV)/.installed
	$(PY) scripts/make_env.py

run: $(VENV)/.installed .env
	scripts/run-dev.sh

test: test-sqlite test-postgres check

test-sqlite: setup
	$(PY) -m pytest -m "not postgres"

test-postgres: setup
	DATABASE_URL=$(POSTGRES_URL) $(PY) -m pytest

# Retake the README's pictures (docs/screenshots) from the browser tests.
screenshots: setup
	SCREENSHOTS_DIR=docs/screenshots $(PY) -m pytest -q -m browser tests/browser/test_pages.py

# Lint; production settings must pass Django's deployment checklist; migrations must match the models.
check: setup
	$(PY) -m ruff check .
	DJANGO_READ_DOT_ENV_FILE=false DEBUG=false HTTPS=true SECRET_KEY="$$(openssl rand -hex 40)" CACHE_URL=redis://127.0.0.1:6379/0 \
	  AW_TOKEN_KEYS="$$($(PY) -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
	  $(PY) manage.py check --deploy --fail-level WARNING
	DJANGO_READ_DOT_ENV_FILE=false SECRET_KEY=x CACHE_URL=redis://127.0.0.1:6379/0 AW_TOKEN_KEYS="$$($(PY) -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
	  $(PY) manage.py makemigrations --check --dry-run

# Performance against budgets, one table (docs/production.md, "Benchmarks"). Not part of `make test`:
# it needs PostgreSQL, takes a few minutes, and timings belong here, never in the test suite.
bench: setup
	command -v wrk >/dev/null 2>&1 || scripts/apt-install.sh "for the throughput benchmarks" wrk
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) BENCH_CACHE_URL=$(BENCH_CACHE_URL) $(PY) -m bench
