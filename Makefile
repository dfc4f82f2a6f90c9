# Xietong (协同). The two commands: `make run` (try it) and `make test` (what CI runs). GNU make.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

# The PostgreSQL pass's database is named after this checkout's directory, so that two checkouts
# on one machine can run their tests at once (pytest-django creates test_<name> beside it).
# Override with `make test PG_URL=postgres://user@host:5432/name`.
PG_URL ?= postgres://postgres@127.0.0.1:5432/xietong_$(shell printf '%s' '$(CURDIR)' | sha256sum | cut -c1-8)
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15

# Install stamps are named after the requirement files' content: edit a file, get a new install;
# run again unchanged, skip it.
req_hash = $(shell cat $(1) 2>/dev/null | sha256sum | cut -c1-16)
RUN_STAMP := $(VENV)/.req-run-$(call req_hash,requirements.txt)
DEV_STAMP := $(VENV)/.req-dev-$(call req_hash,requirements.txt requirements-dev.txt)
PIP := $(PY) -m pip install --disable-pip-version-check --quiet

# Both PostgreSQL (5432) and Redis (6379) answer on 127.0.0.1: no extra tools, a socket each.
SERVICES_UP := $(PY) -c 'import socket; [socket.create_connection(("127.0.0.1", p), timeout=2).close() for p in (5432, 6379)]'
# Creates PG_URL's database if it is missing (connecting to the server's "postgres" database).
CREATE_PG_DB := $(PY) -c 'import sys, psycopg; from psycopg import sql; from urllib.parse import urlsplit; u = urlsplit(sys.argv[1]); name = u.path.lstrip("/"); c = psycopg.connect(u._replace(scheme="postgresql", path="/postgres").geturl(), autocommit=True); c.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() or c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))' '$(PG_URL)'
# Two workers when pytest-xdist is there (it is in requirements-dev.txt).
XDIST := -n 2

.PHONY: help run test lint bench generate demo setup setup-dev translations migrate signing clean distclean prod prod-setup load

help:
	@echo "make run    set up (first time: venv, packages, database, demo data) and start web, worker and beat"
	@echo "           (PORT=8000 HOST=127.0.0.1 by default: make run PORT=8001 HOST=0.0.0.0)"
	@echo "make test   lint, then the whole test suite on SQLite, then on PostgreSQL + Redis if reachable"
	@echo "make lint   ruff check, ruff format --check, mypy, import-linter (the layers)"
	@echo "make bench  benchmarks at M (BENCH_SIZES=M by default, S as its reference; M,L adds L; S alone: a quick run)"
	@echo "           (writes the table of figures and targets to var/bench/results-<date>.md)"
	@echo "make generate SIZE=S  volume data (S, M or L) in the development database, replacing earlier generated rows"
	@echo "make prod   production-like: PostgreSQL, Redis, gunicorn, two Celery workers, beat, DEBUG off"
	@echo "           (DATABASE_URL, REDIS_URL, SECRET_KEY from the environment; defaults on 127.0.0.1)"
	@echo "make load   load test (locust, 50 users, 60 s) against the production-like run on generated data"
	@echo "           (LOAD_SIZE=M by default, LOAD_SIZE=S for a quick run; database LOAD_DATABASE_URL)"
	@echo "make demo   create the demo bureau and print the logins"
	@echo "make clean  remove caches and build output (make distclean: also .venv and var/)"

# --- set-up ---------------------------------------------------------------------------------------
$(PY):
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): | $(PY)
	$(PIP) -r requirements.txt
	rm -f $(VENV)/.req-run-*
	touch $@

$(DEV_STAMP): $(RUN_STAMP)
	$(PIP) -r requirements-dev.txt
	rm -f $(VENV)/.req-dev-*
	touch $@

.env:
	printf 'DEBUG=true\n' > $@

setup: $(RUN_STAMP) .env migrate signing translations

setup-dev: $(DEV_STAMP) signing translations

migrate: $(RUN_STAMP) .env
	$(PY) manage.py migrate --noinput -v 0

# A self-signed certificate for signing issued PDFs, unless var/signing already has one.
signing: $(RUN_STAMP) .env
	$(PY) manage.py signing_certificate --demo

translations: $(RUN_STAMP) .env
	$(PY) manage.py compile_translations -v 0

# --- the two commands -----------------------------------------------------------------------------
run: setup
	$(PY) manage.py seed_demo
	@echo
	@echo "Xietong: open http://$(HOST):$(PORT)/ and log in with a demo login above (e.g. zhangwt / xietong-demo)."
	@if [ -n "$${REDIS_URL:-}" ]; then echo "Celery broker: Redis ($$REDIS_URL)"; \
	  else echo "Celery broker: file system under var/broker (set REDIS_URL to use Redis)"; fi
	@echo "Starting web, Celery worker and beat (Ctrl-C stops all three)."
	@echo
	@# honcho answers Ctrl-C by stopping the three (SIGTERM) and exits 130, or 143 on SIGTERM: that is
	@# the normal way to stop, not a failure for make to report. RUN_HOST and RUN_PORT give SITE_URL.
	PATH="$(CURDIR)/$(BIN):$$PATH" HOST=$(HOST) RUN_HOST=$(HOST) RUN_PORT=$(PORT) \
	  $(BIN)/honcho start -f Procfile -p $(PORT) || { rc=$$?; [ $$rc -eq 130 ] || [ $$rc -eq 143 ] || exit $$rc; }

test: setup-dev
	@$(MAKE) --no-print-directory lint
	@echo "== Tests on SQLite with the file-system broker ($$(date +%T))"
	DATABASE_URL=sqlite:///$(CURDIR)/var/test.sqlite3 REDIS_URL= $(BIN)/pytest $(XDIST) $(PYTEST_ARGS)
	@if $(SERVICES_UP) 2>/dev/null; then \
	  echo "== Tests on PostgreSQL + Redis ($$(date +%T))"; \
	  $(CREATE_PG_DB); \
	  DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) $(BIN)/pytest $(XDIST) --create-db $(PYTEST_ARGS); \
	elif [ "$${CI:-}" = "true" ]; then \
	  echo "PostgreSQL (127.0.0.1:5432) or Redis (127.0.0.1:6379) is unreachable; CI requires both." >&2; \
	  exit 1; \
	else \
	  echo "== Skipping the PostgreSQL + Redis pass: 127.0.0.1:5432 or 127.0.0.1:6379 is unreachable."; \
	fi

# --- production-like run ------------------------------------------------------------------------
# Configured by the environment only, as in production (deploy/xietong.env.example); the defaults
# below make `make prod` work on one machine with PostgreSQL and Redis on 127.0.0.1. Plain http on
# the loopback, so no https redirect and no secure-only cookies (SECURE_COOKIES=false): put nginx
# with TLS in front (deploy/nginx.conf) for anything else.
PROD_ENV = DEBUG=false \
  DATABASE_URL="$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/xietong_prod}" \
  REDIS_URL="$${REDIS_URL:-redis://127.0.0.1:6379/1}" \
  SECRET_KEY="$${SECRET_KEY:-$$(cat var/prod-secret-key)}" \
  ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost,$(HOST)}" \
  SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}" \
  SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-false}" SECURE_COOKIES="$${SECURE_COOKIES:-false}" \
  GUNICORN_BIND="$${GUNICORN_BIND:-$(HOST):$(PORT)}" \
  CELERY_BEAT_SCHEDULE_FILENAME="$${CELERY_BEAT_SCHEDULE_FILENAME:-var/celerybeat-schedule-prod}" \
  PATH="$(CURDIR)/$(BIN):$$PATH"
PROD_DEMO ?= 1

var/prod-secret-key: | $(PY)
	umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

# The database (created if missing), migrations, static files, translations, a demo signing key.
prod-setup: $(RUN_STAMP) var/prod-secret-key
	@$(SERVICES_UP) 2>/dev/null || { echo "make prod needs PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379)." >&2; exit 1; }
	@$(PROD_ENV) $(PY) -c 'import os, sys; sys.exit(0 if os.environ["DATABASE_URL"].startswith(("postgres://", "postgresql://")) else "make prod runs on PostgreSQL: DATABASE_URL=postgres://...")'
	@echo "== The database (DATABASE_URL, created if missing), migrations, static files, translations, signing key"
	@$(PROD_ENV) $(PY) -c 'import os, sys, psycopg; from psycopg import sql; from urllib.parse import urlsplit; u = urlsplit(os.environ["DATABASE_URL"]); name = u.path.lstrip("/"); c = psycopg.connect(u._replace(scheme="postgresql", path="/postgres").geturl(), autocommit=True); c.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() or c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))'
	@$(PROD_ENV) $(PY) manage.py migrate --noinput -v 0
	@$(PROD_ENV) $(PY) manage.py collectstatic --noinput -v 0
	@$(PROD_ENV) $(PY) manage.py compile_translations -v 0
	@$(PROD_ENV) $(PY) manage.py signing_certificate --demo

prod: prod-setup
	@if [ "$(PROD_DEMO)" = 1 ]; then $(PROD_ENV) $(PY) manage.py seed_demo; fi
	@echo
	@echo "Xietong (production-like): http://$(HOST):$(PORT)/ on PostgreSQL and Redis, DEBUG off."
	@echo "Starting gunicorn, two Celery workers and beat (deploy/Procfile; Ctrl-C stops them)."
	@echo
	@$(PROD_ENV) $(BIN)/honcho start -f deploy/Procfile -d . || { rc=$$?; [ $$rc -eq 130 ] || [ $$rc -eq 143 ] || exit $$rc; }

LOAD_SIZE ?= M
# A database of its own (generated rows next to the demo bureau would clash on document numbers).
LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/xietong_load
# Generates LOAD_SIZE data in it (skipped when it is already there), then starts the
# production-like run on a free loopback port, runs locust headless, stops it, prints the figures.
load: $(RUN_STAMP) $(DEV_STAMP)
	@$(MAKE) --no-print-directory prod-setup DATABASE_URL="$(LOAD_DATABASE_URL)"
	@export DATABASE_URL="$(LOAD_DATABASE_URL)"; $(PROD_ENV) $(PY) benchmarks/load.py --size $(LOAD_SIZE)

# --- the rest -------------------------------------------------------------------------------------
lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(RUN_STAMP) .env
	$(PY) benchmarks/run.py

SIZE ?= S
generate: migrate
	$(PY) benchmarks/generate.py --size $(SIZE) --reset

demo: migrate
	$(PY) manage.py seed_demo

clean:
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	find locale -name '*.mo' -delete
	rm -rf .pytest_cache .mypy_cache .ruff_cache .import_linter_cache staticfiles var/bench var/test.sqlite3*

distclean: clean
	rm -rf $(VENV) var
