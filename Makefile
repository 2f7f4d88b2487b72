# The README's two commands: `make run` and `make test`. Both create the virtual
# environment on first use (Python 3.11+ needed, nothing else).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint openapi

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Migrate the embedded SQLite database, sync tenants, load the demo, serve on :8000.
run: $(STAMP)
	$(BIN)/rammetal run

# The whole test suite. With CI=true the PostgreSQL tests are required, not skipped.
test: $(STAMP)
	$(BIN)/pytest -n 2 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check backend benchmark tests perf
	$(BIN)/mypy benchmark backend

openapi: $(STAMP)
	$(BIN)/rammetal openapi
