"""backend.tabular is a core package: the standard library, openpyxl, and from the
backend only the domain errors and the settings; never a domain package."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
MODULES = sorted((ROOT / "backend" / "tabular").glob("*.py"))
THIRD_PARTY = {"openpyxl"}
BACKEND = {"backend.errors", "backend.config"}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("path", MODULES, ids=[p.name for p in MODULES])
def test_tabular_imports_no_domain_package(path: Path) -> None:
    outside = {
        name
        for name in _imports(path)
        if name.split(".")[0] not in {*sys.stdlib_module_names, "__future__", *THIRD_PARTY}
        and name not in BACKEND
    }
    assert outside == set()
