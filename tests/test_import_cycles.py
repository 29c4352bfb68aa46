"""Imports run one way: no module of `saywho` imports a module that imports it back, directly
or through others, not even inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "saywho"


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The saywho modules `name` imports anywhere in its body (a name imported from a package
    counts as the submodule when there is one, else as the package)."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1]) if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            targets = [
                f"{module}.{a.name}" if f"{module}.{a.name}" in modules else module
                for a in node.names
            ]
        elif isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        for target in targets:
            while target not in modules and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in modules and target != name:
                out.add(target)
    return out


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_imports_have_no_cycles() -> None:
    modules = _modules()
    assert (
        "saywho.cli.common" in modules and "saywho.web.app" in modules
    )  # the walk found the package
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    assert graph["saywho.web.app"] >= {"saywho.web.api", "saywho.web.pages"}  # imports are seen
    assert _cycles(graph) == []


def test_imports_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


#: the layers, lowest first: a module imports only its own layer's and lower layers' modules
#: (DESIGN.md: sources → extract → analyze → store → web/cli, the pipeline between store and
#: its callers); `saywho/__init__.py`, the public facade, is imported by nobody inside
LAYERS = {
    "version": 0, "errors": 0, "config": 1, "model": 1, "wordlists": 1, "data": 1,
    "sources": 2, "extract": 3, "analyze": 4, "claims": 5, "factchecks": 5, "serialize": 5,
    "store": 6, "pipeline": 7, "web": 8, "cli": 9,
}  # fmt: skip


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "saywho"


def test_imports_run_down_the_layers() -> None:
    modules = _modules()
    assert {_layer(m) for m in modules} - {"saywho"} <= set(LAYERS), "a new layer needs a rank"
    upward = sorted(
        f"{name} imports {target}"
        for name, path in modules.items()
        for target in _imports(name, path, modules)
        if _layer(name) != "saywho"
        and (_layer(target) == "saywho" or LAYERS[_layer(target)] > LAYERS[_layer(name)])
    )
    assert upward == []
