"""The layer order of ``backend/__init__.py``, enforced: no import goes up it, and no
module imports itself through others (no cycle), function-local imports included.

Every ``.py`` under ``backend/`` and ``benchmark/`` is parsed (never imported) and every
``import``/``from … import`` in it is an edge, wherever it stands: at module level, in a
function, under ``try`` and under ``if TYPE_CHECKING:`` too (no exemption: a module that
needs another's types depends on it, and the cycles issue 10 names were of that kind).

A module is placed by the longest prefix in :data:`LAYERS`; a module no prefix places fails
the test (a new package must be given its place in the order). A domain's ``routes.py`` is
a shell, whatever the domain. Cycles are looked for between modules and between packages
(``backend.offers``, ``benchmark.expected_need``; a domain's ``routes`` belongs to its
package there: so ``backend.http``, which every domain's routes import, imports no domain).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("backend", "benchmark")

#: The layers from the bottom up; a module may import its own layer and the ones below.
#: Keep in step with the docstring of ``backend/__init__.py``.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("benchmark", ("benchmark",)),
    (
        "core",
        (
            "backend.db",
            "backend.errors",
            "backend.context",
            "backend.policy",  # roles, named permissions, can()
            "backend.audit",
            "backend.tabular",
            "backend.config",
            "backend.migrate",
            "backend.fields",  # bounded marshmallow fields every schema uses
        ),
    ),
    ("organisations", ("backend.organisations",)),
    ("auth", ("backend.auth",)),
    ("offers, periods, reference", ("backend.offers", "backend.periods", "backend.reference")),
    ("notifications", ("backend.notifications",)),
    ("submissions", ("backend.submissions",)),
    ("reports", ("backend.reports",)),
    ("udgiftsbehov", ("backend.udgiftsbehov",)),
    (
        "shells",
        (
            "backend.models",  # the model registry for Alembic: above every domain
            "backend.gunicorn_conf",
            "backend.http",
            "backend.json_provider",
            "backend.web",
            "backend.cli",
            "backend.demo",
            "backend.app",
            "backend.health",
            "backend.wsgi",
        ),
    ),
)
SHELL = len(LAYERS) - 1
CORE = 1

#: Cycles other branches of issue 10 are breaking right now (``tabular``: the intake rules,
#: ``stats``: the expected-need model). Each entry must still be a cycle, so a stale one
#: fails :func:`test_known_cycles_still_exist`: delete it when its branch is merged.
KNOWN_CYCLES: tuple[frozenset[str], ...] = ()


def layer_of(module: str) -> int | None:
    """The index in :data:`LAYERS` of ``module`` (routes modules are shells)."""
    if module.split(".")[-1] == "routes":
        return SHELL
    if module in PACKAGES[:1]:
        return CORE  # ``backend/__init__.py`` itself: its docstring, no imports
    best: tuple[int, int] | None = None  # (prefix length, layer)
    for index, (_name, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and (
                best is None or len(prefix) > best[0]
            ):
                best = (len(prefix), index)
    return None if best is None else best[1]


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the imported module
    line: int
    origin: str = ""  # between packages: the import that makes the edge

    def __str__(self) -> str:
        where = f"{self.origin} line {self.line}" if self.origin else f"line {self.line}"
        return f"{self.module} imports {self.target} ({where})"


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _import_nodes(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement of a module, wherever it stands."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node


def imports_of(
    module: str, source: str, known: Iterable[str], is_package: bool = False
) -> list[Import]:
    """The imports of ``module`` (its ``source``) of modules in ``known``.

    ``from a.b import c`` is an import of ``a.b.c`` when that is a module, else of ``a.b``.
    """
    known = set(known)
    out: list[Import] = []

    def add(target: str, line: int) -> None:
        while target and target not in known:  # a name inside a module: the module
            target = target.rpartition(".")[0]
        if target and target != module:
            out.append(Import(module, target, line))

    for node in _import_nodes(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
            continue
        base = node.module or ""
        if node.level:
            package = module.split(".") if is_package else module.split(".")[:-1]
            package = package[: len(package) - (node.level - 1)]
            base = ".".join([*package, *([base] if base else [])])
        for alias in node.names:
            full = f"{base}.{alias.name}" if base else alias.name
            add(full if full in known else base, node.lineno)
    return sorted(out, key=lambda e: e.line)


def sources(root: Path = ROOT) -> dict[str, tuple[Path, str]]:
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            found[module_name(path, root)] = (path, path.read_text(encoding="utf-8"))
    return found


def import_graph(modules: dict[str, tuple[Path, str]]) -> list[Import]:
    edges = []
    for module, (path, source) in modules.items():
        edges += imports_of(module, source, modules, path.name == "__init__.py")
    return edges


def upward_imports(edges: Iterable[Import]) -> list[str]:
    found = []
    for edge in edges:
        source_layer, target_layer = layer_of(edge.module), layer_of(edge.target)
        if source_layer is None or target_layer is None:
            continue  # reported by test_every_module_has_a_layer
        if target_layer > source_layer:
            found.append(
                f"{edge} goes up the layer order: {LAYERS[source_layer][0]} "
                f"may not import {LAYERS[target_layer][0]}"
            )
    return found


def cycles(edges: Iterable[Import]) -> list[list[Import]]:
    """The strongly connected components of the graph (Tarjan), each as one cycle through
    it: the imports that close it, so the message names them."""
    graph: dict[str, dict[str, Import]] = {}
    for edge in edges:
        graph.setdefault(edge.module, {}).setdefault(edge.target, edge)
        graph.setdefault(edge.target, {})
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_one_cycle(graph, set(c), c[0]) for c in components]


def _one_cycle(graph: dict[str, dict[str, Import]], members: set[str], start: str) -> list[Import]:
    """A shortest path from ``start`` back to itself inside one component (breadth first)."""
    previous: dict[str, Import] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target, edge in sorted(graph[node].items()):
                if target not in members or target in previous:
                    continue
                previous[target] = edge
                if target == start:
                    path = [edge]
                    while path[0].module != start:
                        path.insert(0, previous[path[0].module])
                    return path
                following.append(target)
        frontier = following
    raise AssertionError(f"{start} is in a component but on no cycle")


def _describe(cycle: list[Import]) -> str:
    return (
        "import cycle: "
        + " -> ".join([cycle[0].module, *(e.target for e in cycle)])
        + ("\n    " + "\n    ".join(str(e) for e in cycle))
    )


MODULES = sources()
EDGES = import_graph(MODULES)


def test_every_module_has_a_layer() -> None:
    assert [m for m in MODULES if layer_of(m) is None] == []


def test_no_import_goes_up_the_layer_order() -> None:
    found = upward_imports(EDGES)
    assert not found, "\n".join(found)


def test_no_import_cycle() -> None:
    found = [c for c in cycles(EDGES) if frozenset(e.module for e in c) not in KNOWN_CYCLES]
    assert not found, "\n".join(_describe(c) for c in found)


# --- the checker itself -------------------------------------------------------------------


def _graph(files: dict[str, str]) -> list[Import]:
    known = set(files)
    return [e for m, s in files.items() for e in imports_of(m, s, known)]


def test_a_function_local_import_counts() -> None:
    edges = _graph(
        {
            "backend.reports.service": "def f():\n    from backend.udgiftsbehov import inputs\n",
            "backend.udgiftsbehov.inputs": "from backend.reports.service import x\n",
        }
    )
    assert [str(e) for e in edges] == [
        "backend.reports.service imports backend.udgiftsbehov.inputs (line 2)",
        "backend.udgiftsbehov.inputs imports backend.reports.service (line 1)",
    ]
    assert upward_imports(edges) == [
        "backend.reports.service imports backend.udgiftsbehov.inputs (line 2) goes up the "
        "layer order: reports may not import udgiftsbehov"
    ]
    assert [_describe(c) for c in cycles(edges)] == [
        "import cycle: backend.reports.service -> backend.udgiftsbehov.inputs -> "
        "backend.reports.service\n"
        "    backend.reports.service imports backend.udgiftsbehov.inputs (line 2)\n"
        "    backend.udgiftsbehov.inputs imports backend.reports.service (line 1)"
    ]


def test_a_cycle_through_three_modules_in_one_layer_is_found() -> None:
    edges = _graph(
        {
            "backend.db.a": "import backend.db.b\n",
            "backend.db.b": "from backend.db import c\n",
            "backend.db.c": "from backend.db.a import thing\n",
            "backend.db.d": "from backend.db.a import thing\n",
        }
    )
    assert upward_imports(edges) == []
    assert [[e.module for e in c] for c in cycles(edges)] == [
        ["backend.db.a", "backend.db.b", "backend.db.c"]
    ]


def test_type_checking_imports_count_and_relative_imports_are_resolved() -> None:
    files = {
        "backend.offers.service": (
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from backend.reports.service import x\n"
            "from .models import Offer\n"
        ),
        "backend.offers.models": "",
        "backend.reports.service": "",
    }
    assert [str(e) for e in _graph(files)] == [
        "backend.offers.service imports backend.reports.service (line 3)",
        "backend.offers.service imports backend.offers.models (line 4)",
    ]


@pytest.mark.parametrize(
    ("module", "layer"),
    [
        ("benchmark.prices", "benchmark"),
        ("backend.tabular.numbers", "core"),
        ("backend.errors", "core"),
        ("backend.web.pages", "shells"),
        ("backend.offers.routes", "shells"),
        ("backend.offers.service", "offers, periods, reference"),
        ("backend.udgiftsbehov.inputs", "udgiftsbehov"),
    ],
)
def test_placement(module: str, layer: str) -> None:
    placed = layer_of(module)
    assert placed is not None and LAYERS[placed][0] == layer


def test_an_unplaced_package_has_no_layer() -> None:
    assert layer_of("backend.newthing.service") is None


def package_of(module: str) -> str:
    """The package (``backend.offers``, ``benchmark.expected_need``) of a module, its
    ``routes`` included: a shell by layer, but a cycle through a domain's folder is a
    cycle a reader of that folder meets (so ``backend.http`` may import no domain)."""
    return ".".join(module.split(".")[:2])


def package_edges(edges: Iterable[Import]) -> list[Import]:
    """The imports between packages, each named by the first import that makes it."""
    return [
        Import(package_of(e.module), package_of(e.target), e.line, f"{e.module} -> {e.target}")
        for e in edges
        if package_of(e.module) != package_of(e.target)
    ]


def test_no_import_cycle_between_packages() -> None:
    found = cycles(package_edges(EDGES))
    assert not found, "\n".join(_describe(c) for c in found)


def test_a_cycle_between_packages_is_found_routes_included() -> None:
    edges = package_edges(
        _graph(
            {
                "backend.audit.service": "from backend.context import current_principal\n",
                "backend.context": "",
                "backend.auth.service": "from backend.audit import service\n",
                "backend.organisations.routes": "from backend.http import session\n",
                "backend.http": "from backend.auth import service\n",
                "backend.auth.models": "from backend.organisations.models import x\n",
                "backend.organisations.models": "",
            }
        )
    )
    assert [_describe(c) for c in cycles(edges)] == [
        "import cycle: backend.auth -> backend.organisations -> backend.http -> backend.auth\n"
        "    backend.auth imports backend.organisations "
        "(backend.auth.models -> backend.organisations.models line 1)\n"
        "    backend.organisations imports backend.http "
        "(backend.organisations.routes -> backend.http line 1)\n"
        "    backend.http imports backend.auth (backend.http -> backend.auth.service line 1)"
    ]


WEB_FRAMEWORK = ("flask", "flask_smorest", "werkzeug")


def web_framework_imports(module: str, source: str) -> list[str]:
    """Imports of the web framework in ``module``: only the shells may have them."""
    found = []
    for node in _import_nodes(ast.parse(source)):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
        found += [
            f"{module} imports {n} (line {node.lineno}): only the shells may import Flask"
            for n in names
            if n and not getattr(node, "level", 0) and n.split(".")[0] in WEB_FRAMEWORK
        ]
    return found


def test_only_the_shells_import_flask() -> None:
    found = [
        f
        for module, (_path, source) in MODULES.items()
        if layer_of(module) != SHELL
        for f in web_framework_imports(module, source)
    ]
    assert not found, "\n".join(found)


def test_a_flask_import_in_a_service_is_found() -> None:
    assert web_framework_imports("backend.errors", "def f():\n    from flask import abort\n") == [
        "backend.errors imports flask (line 2): only the shells may import Flask"
    ]
