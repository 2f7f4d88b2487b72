"""backend.tabular is a core package: the standard library, openpyxl, and from the
backend only the domain errors and the settings; never a domain package."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.backend.reference.test_purity import imported_modules

ROOT = Path(__file__).resolve().parents[3]
MODULES = sorted((ROOT / "backend" / "tabular").glob("*.py"))
THIRD_PARTY = {"openpyxl", "python_calamine"}
BACKEND = {"backend.errors", "backend.config"}


@pytest.mark.parametrize("path", MODULES, ids=[p.name for p in MODULES])
def test_tabular_imports_no_domain_package(path: Path) -> None:
    outside = {
        name
        for name in imported_modules(path)
        if name.split(".")[0] not in {*sys.stdlib_module_names, "__future__", *THIRD_PARTY}
        and name not in BACKEND
    }
    assert outside == set()
