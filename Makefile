# Humans and CI run the same commands. `make help` lists them.
VENV ?= .venv
PY := $(VENV)/bin/python
PG_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=
# The SQLite and PostgreSQL passes run on every core (pytest-xdist; each worker has its own
# database and Redis prefix). PYTEST_WORKERS=0 runs them in one process.
PYTEST_WORKERS ?= auto
XDIST := -n $(PYTEST_WORKERS) --dist worksteal

.PHONY: help install run test test-sqlite test-browser test-postgres lint format bench migration clean messages vendor screenshots

help:
	@echo "make run    - install, migrate, seed the demo world, serve on http://127.0.0.1:8000"
	@echo "make test   - the whole suite on SQLite, then on PostgreSQL (with the browser and acceptance tests)"
	@echo "make lint   - ruff check, ruff format --check, mypy --strict, the layer contract (lint-imports)"
	@echo "make bench  - the benchmark on SQLite, then PostgreSQL + Redis (docs/performance.md)"
	@echo "make messages - update and compile the web app's EN/FI translation catalogs"
	@echo "make screenshots - a fresh demo server; PNGs of the main pages into docs/screenshots/"

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

# The federation interop peers (bovine, fediverse-pasture) pin an older cryptography than
# Porina, so they get an environment of their own, every package pinned (tests/federation/interop).
INTEROP := .venv-interop
$(INTEROP)/.installed: tests/federation/interop/requirements.txt
	python3 -m venv $(INTEROP)
	$(INTEROP)/bin/python -m pip install -q --no-deps -r tests/federation/interop/requirements.txt
	touch $@

install: $(VENV)/.installed $(INTEROP)/.installed

run: install
	$(PY) -m porina migrate
	$(PY) -m porina demo --if-empty
	$(PY) -m porina serve

test: install test-sqlite test-browser test-postgres

test-sqlite: install
	$(PY) -m pytest -m "not browser" $(XDIST) $(PYTEST_ARGS)

# Playwright's sync API runs its own event loop for the session, so the browser tests get a
# pytest process of their own.
test-browser: install
	$(PY) -m pytest -m browser tests/browser $(PYTEST_ARGS)

test-postgres: install
	PORINA_TEST_DATABASE_URL=$(PG_URL) $(PY) -m pytest -m "not browser and not acceptance" $(XDIST) $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/ruff format --check src tests
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff check --fix src tests
	$(VENV)/bin/ruff format src tests

# A fresh data folder with the demo world, chromium through Playwright (Debian's /usr/bin/chromium),
# the main pages at 1280 and 360 px, light and dark.
screenshots: install
	$(PY) scripts/screenshots.py

# Each stack is a run of its own (bench/results/<time>.{json,md,png} each); the ceiling app is
# started beside Porina in every world of every run.
BENCH_STACKS ?= sqlite pg-redis
BENCH_ARGS ?=
bench: install
	set -e; for stack in $(BENCH_STACKS); do $(PY) -m porina bench --stack $$stack --database-url $(PG_URL) $(BENCH_ARGS); done

migration: install
	@test -n "$(NAME)" || (echo "usage: make migration NAME=what_it_does REV=0003"; exit 2)
	$(PY) -c "from porina.storage.migrate import revision; revision('sqlite+aiosqlite:///$$(mktemp -d)/s.db', '$(NAME)', '$(REV)')"

LOCALE_DIR := src/porina/web/locale
BABEL_KEYWORDS := -k _ -k N_ -k gettext -k ngettext:1,2 -k pgettext:1c,2

messages: install  ## extract the web app's strings, merge them into en/fi catalogs, compile
	$(VENV)/bin/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) --no-location --sort-output \
		--project Porina --version 0.1 -o $(LOCALE_DIR)/messages.pot .
	$(VENV)/bin/pybabel update -i $(LOCALE_DIR)/messages.pot -d $(LOCALE_DIR) \
		--ignore-obsolete --no-fuzzy-matching
	$(VENV)/bin/pybabel compile -d $(LOCALE_DIR) --statistics

vendor:  ## front-end libraries from the npm registry at the versions pinned in package.json
	npm ci --no-audit --no-fund
	npm run vendor

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
