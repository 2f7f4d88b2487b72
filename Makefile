# The README's two commands: `make run` and `make test`. Both create the virtual
# environment on first use (Python 3.11+ needed, nothing else).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test test-fast lint openapi mutation

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

# The quick loop while working: the SQLite half (no PostgreSQL, no browser), without the
# tests marked slow (statistical simulations, property tests, subprocesses and servers).
test-fast: $(STAMP)
	$(BIN)/pytest -n 2 --dist loadfile -m "not postgres and not browser and not slow" -q

# ruff (rules in pyproject.toml), the formatter, mypy (warn_unused_ignores); the layer
# contracts are tests (tests/test_layers.py) and run with `make test`.
lint: $(STAMP)
	$(BIN)/ruff check backend benchmark tests perf migrations
	$(BIN)/ruff format --check backend benchmark tests perf migrations
	$(BIN)/mypy benchmark backend

openapi: $(STAMP)
	$(BIN)/rammetal openapi

# Mutation testing of the engine modules named in [tool.mutmut] (pyproject.toml) against
# tests/benchmark; prints the surviving mutants (README: Development lists the expected ones).
# Works in mutants/ (git-ignored); a rerun only retests what changed.
mutation: $(STAMP)
	$(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results
