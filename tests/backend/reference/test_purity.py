"""The reference sources stay pure: no Flask, no SQLAlchemy, no marshmallow.

Besides the standard library they import only the core table package
(``backend.tabular``, which brings openpyxl) and the organisations' pure name fold.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from .support import ROOT

SOURCES = sorted((ROOT / "backend" / "reference" / "sources").glob("*.py"))
PURE_BACKEND = ("backend.tabular", "backend.organisations.aliases")
WEB_AND_DATABASE = ("flask", "flask_smorest", "werkzeug", "sqlalchemy", "marshmallow", "alembic")


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def _allowed(module: str) -> bool:
    root = module.split(".")[0]
    if root in sys.stdlib_module_names or root == "__future__":
        return True
    return any(module == pure or module.startswith(pure + ".") for pure in PURE_BACKEND)


@pytest.mark.parametrize("path", SOURCES, ids=[p.name for p in SOURCES])
def test_only_the_standard_library_is_imported(path: Path) -> None:
    outside = {module for module in imported_modules(path) if not _allowed(module)}
    assert outside == set()


def test_importing_the_sources_loads_no_web_or_database_library() -> None:
    probe = (
        "import sys, backend.reference.sources; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {WEB_AND_DATABASE!r}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("path", SOURCES, ids=[p.name for p in SOURCES])
def test_modules_stay_small(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400
