# The two commands that matter: `make run` and `make test`. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
NODE_STAMP := frontend/node_modules/.installed
SPA := frontend/dist/index.html
CHROMIUM ?= /usr/bin/chromium
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: help run test test-backend test-frontend test-e2e lint format openapi bench build clean check-chromium

help:
	@echo "make run     - start the CRM (API + worker + SPA) on http://127.0.0.1:$${CRM_PORT:-8000}"
	@echo "make test    - install what the tests need, then run backend, SPA and browser tests"
	@echo "make lint    - ruff + mypy (backend), eslint + tsc (frontend)"
	@echo "make openapi - regenerate openapi/openapi.json and the SPA's typed client"
	@echo "make bench   - performance benchmarks (tests/perf), printing figures and ratios"

$(PY_STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version))."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

$(NODE_STAMP): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

$(SPA): $(NODE_STAMP) $(shell find frontend/src frontend/index.html -type f 2>/dev/null) openapi/openapi.json
	cd frontend && npm run build

build: $(PY_STAMP) $(SPA)

run: build
	$(BIN)/crm run

check-chromium:
	@test -x $(CHROMIUM) || { \
		echo "Browser tests need Debian's Chromium at $(CHROMIUM)."; \
		echo "Install it with: sudo apt-get install -y chromium"; exit 1; }

test: $(PY_STAMP) $(NODE_STAMP) check-chromium $(SPA)
	$(MAKE) --no-print-directory test-backend
	$(MAKE) --no-print-directory test-frontend
	$(MAKE) --no-print-directory test-e2e

test-backend: $(PY_STAMP)
	$(BIN)/pytest

test-frontend: $(NODE_STAMP)
	cd frontend && npm run test

test-e2e: $(PY_STAMP) $(NODE_STAMP) check-chromium $(SPA)
	$(BIN)/python tests/e2e/run.py

lint: $(PY_STAMP) $(NODE_STAMP)
	$(BIN)/ruff check backend tests migrations
	$(BIN)/ruff format --check backend tests migrations
	$(BIN)/mypy
	cd frontend && npm run lint && npm run typecheck

format: $(PY_STAMP)
	$(BIN)/ruff format backend tests migrations
	$(BIN)/ruff check --fix backend tests migrations

openapi: $(PY_STAMP)
	$(BIN)/crm openapi --output openapi/openapi.json
	@if [ -d frontend/node_modules ]; then cd frontend && npm run --silent gen:api; fi

# Each bench appends its cells to var/bench/summary.jsonl; the last step prints them as one
# table. A bench that fails does not hide the others' figures: the status is kept for the end.
bench: $(PY_STAMP)
	@$(BIN)/python tests/perf/summary.py --reset
	@status=0; \
	for bench in run bench_duplicates bench_dedupe_quality bench_import bench_kanban \
			bench_lists bench_leads; do \
		$(BIN)/python tests/perf/$$bench.py || status=1; \
	done; \
	$(BIN)/python tests/perf/summary.py; exit $$status

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist
