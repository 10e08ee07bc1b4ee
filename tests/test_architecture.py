"""The shape DESIGN.md §4 gives the code: data flows down, small modules, only the CLI forks."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "skillbook"
MAX_LINES = 400
MAX_HOOK_LINES = 300  # the plugin is hooks of a few lines each over `site` and the pipeline
MKDOCS_FACE = {"skillbook.plugin", "skillbook.config", "skillbook.mkdocs_files"}


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _sources() -> dict[str, Path]:
    files = sorted(PACKAGE.glob("*.py")) + sorted(PACKAGE.glob("render/*.py"))
    return {_name(path): path for path in files}


def _imports(tree: ast.AST) -> Iterator[str]:
    """Every module named by an import anywhere in the tree (inside functions too), and for
    `from package import name`, `package.name` as well (it may be a module)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


@cache
def _graph() -> dict[str, set[str]]:
    """Module -> the skillbook modules it imports (packages' empty `__init__`s left out)."""
    modules = _sources()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[name] = {
            imported
            for imported in _imports(tree)
            if imported in modules and imported not in {"skillbook", "skillbook.render", name}
        }
    return graph


def _reachable(start: str) -> set[str]:
    seen = {start}
    todo = [start]
    while todo:
        for imported in _graph()[todo.pop()]:
            if imported not in seen:
                seen.add(imported)
                todo.append(imported)
    return seen


def test_the_graph_sees_the_modules() -> None:
    graph = _graph()
    assert {"skillbook.loader", "skillbook.render.pages", "skillbook.plugin"} <= graph.keys()
    assert "skillbook.documents" in graph["skillbook.loader"]  # `from ... import (names)`
    assert "skillbook.headings" in graph["skillbook.documents"]  # `from skillbook import x`


def test_no_import_cycles() -> None:
    """A cycle, even through an import inside a function, means data flowing up."""
    graph = _graph()
    done: set[str] = set()
    path: list[str] = []

    def visit(module: str) -> None:
        if module in path:
            cycle = [*path[path.index(module) :], module]
            pytest.fail("import cycle: " + " -> ".join(cycle))
        if module in done:
            return
        path.append(module)
        for imported in sorted(graph[module]):
            visit(imported)
        path.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)


def test_modules_stay_small() -> None:
    long = {
        name: lines
        for name, path in _sources().items()
        if (lines := len(path.read_text(encoding="utf-8").splitlines()))
        > (MAX_HOOK_LINES if name == "skillbook.plugin" else MAX_LINES)
    }
    assert long == {}, "split by what each owns (the plugin: move logic into `site`)"


def test_only_the_cli_imports_parallel() -> None:
    importers = {name for name, imported in _graph().items() if "skillbook.parallel" in imported}
    assert importers == {"skillbook.cli"}


def test_only_the_mkdocs_face_imports_mkdocs() -> None:
    found = set()
    for name, path in _sources().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(m == "mkdocs" or m.startswith("mkdocs.") for m in _imports(tree)):
            found.add(name)
    assert found == MKDOCS_FACE


def test_nothing_the_plugin_runs_can_fork() -> None:
    """The plugin runs in MkDocs' own process; forking there is never safe (DESIGN.md §4)."""
    reachable = _reachable("skillbook.plugin")
    assert "skillbook.pipeline" in reachable and "skillbook.parallel" not in reachable
    forking = {
        name
        for name in reachable
        if any(
            word in _sources()[name].read_text(encoding="utf-8") for word in ("os.fork", "fork(")
        )
    }
    assert forking == set()


@pytest.mark.parametrize(
    "module", ["skillbook.render.pages", "skillbook.render.machine", "skillbook.render.chart"]
)
def test_render_takes_data_without_the_loader(module: str) -> None:
    """Renderers are handed what was loaded; they reach neither the loader nor the reader."""
    reachable = _reachable(module)
    assert reachable.isdisjoint({"skillbook.loader", "skillbook.documents", "skillbook.walk"})
