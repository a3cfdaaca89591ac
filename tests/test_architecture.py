"""The package's shape: no import cycle between its modules (walked with ast, imports inside functions included)."""
from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "fundsite"


def _module_name(path: Path) -> str:
    parts = path.with_suffix("").relative_to(ROOT).parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Each fundsite module -> the fundsite modules it imports, wherever in the file the import stands."""
    modules = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[:len(package.split(".")) - node.level + 1]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                for alias in node.names:  # `from . import urls` imports the module fundsite.urls
                    found.add(f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
        graph[name] = {other for other in found if other in modules and other != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while not group or group[-1] != node:
                group.append(stack.pop())
                on_stack.discard(group[-1])
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_the_walk_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle():
    graph = import_graph()
    assert "fundsite.site.pages" in graph and "fundsite.formatting" in graph["fundsite.site.pages"]
    assert cycles(graph) == []


PHASES = ["fundsite.check", "fundsite.site", "fundsite.publish"]  # in the order the build runs them


def test_each_step_imports_only_the_steps_before_it():
    """check -> site -> publish: a step's modules may use an earlier step's, never a later one's
    (the shared modules at the top level use none of the steps)."""
    def step(module: str) -> int | None:
        return next((n for n, phase in enumerate(PHASES) if module == phase or module.startswith(phase + ".")), None)

    backwards = []
    for module, imported in import_graph().items():
        if module in ("fundsite.cli", "fundsite.draft") or module.startswith("fundsite.draft."):
            continue  # the command line and the drafter drive the steps
        own = step(module)
        for other in imported:
            theirs = step(other)
            if theirs is not None and (own is None or theirs > own):
                backwards.append(f"{module} -> {other}")
    assert sorted(backwards) == []
