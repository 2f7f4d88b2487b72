# The README's two commands: `make run` and `make test`. Both create the virtual
# environment on first use (Python 3.11+ needed, nothing else).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint openapi mutation

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

# Mutation testing of the engine modules named in [tool.mutmut] (pyproject.toml) against
# tests/benchmark; prints the surviving mutants (README: Development lists the expected ones).
# Works in mutants/ (git-ignored); a rerun only retests what changed.
mutation: $(STAMP)
	$(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results
