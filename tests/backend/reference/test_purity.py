"""The reference sources stay pure: no Flask, no SQLAlchemy, no marshmallow, no third party."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from .support import ROOT

SOURCES = sorted((ROOT / "backend" / "reference" / "sources").glob("*.py"))


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("path", SOURCES, ids=[p.name for p in SOURCES])
def test_only_the_standard_library_is_imported(path: Path) -> None:
    outside = imported_roots(path) - set(sys.stdlib_module_names) - {"__future__"}
    assert outside == set()


@pytest.mark.parametrize("path", SOURCES, ids=[p.name for p in SOURCES])
def test_modules_stay_small(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400
