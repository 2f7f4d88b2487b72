"""benchmark/ is pure computation: no web framework, ORM, schema library, backend or I/O."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "benchmark"
FORBIDDEN_MODULES = (
    "flask",
    "flask_smorest",
    "sqlalchemy",
    "marshmallow",
    "backend",
    "requests",
    "urllib",
    "http",
    "socket",
    "pathlib",
    "shutil",
    "sqlite3",
    "psycopg",
)
FORBIDDEN_CALLS = ("open", "read_csv", "read_excel", "to_csv", "to_excel", "read_parquet")


def _sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py"))


def violations(source: str) -> list[str]:
    """Forbidden imports and I/O calls in one module's source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in FORBIDDEN_CALLS:
                found.append(f"call {name}()")
            continue
        else:
            continue
        found += [f"import {n}" for n in names if n.split(".")[0] in FORBIDDEN_MODULES]
    return found


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_is_pure(path: Path) -> None:
    assert violations(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "source",
    [
        "import flask",
        "from sqlalchemy.orm import Session",
        "from backend.reports import service",
        "import marshmallow as ma",
        "from flask_smorest import Blueprint",
        "data = open('x.csv').read()",
        "import pandas as pd\npd.read_csv('x.csv')",
    ],
)
def test_checker_catches_forbidden_source(source: str) -> None:
    assert violations(source) != []


def test_checker_accepts_pure_source() -> None:
    assert violations("import pandas as pd\nfrom decimal import Decimal\nx = pd.DataFrame()") == []


def test_walks_the_package() -> None:
    names = {p.name for p in _sources()}
    assert {"accounts.py", "occupancy.py", "places.py", "noegletal.py", "prices.py"} <= names
