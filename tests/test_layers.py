"""The layer rules of the package, held by a test over imports (STYLE.md, architecture 1 and 2).

core      -> nothing of netwerkdag outside core, and no I/O or framework libraries
files     -> core
scheduling -> core (the CP-SAT model, rules and reports; no files, no publishing)
publish   -> core, files.atomic is not needed: publishers return bytes/str, the CLI writes them
web       -> core, files, publish, scheduling (the Django adapter; no command-line libraries)
cli       -> anything (it is the outermost adapter)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "netwerkdag"

# Layer -> the netwerkdag layers and third-party top-level modules it may import.
ALLOWED_INTERNAL = {
    "core": {"core"},
    "files": {"core", "files"},
    "publish": {"core", "publish"},
    "scheduling": {"core", "scheduling"},
    "web": {"core", "files", "publish", "scheduling", "web"},
}
FORBIDDEN_THIRD_PARTY = {
    "core": {"yaml", "pydantic", "jinja2", "weasyprint", "django", "typer", "rich", "openpyxl", "icalendar"},
    "files": {"jinja2", "weasyprint", "django", "typer", "rich"},
    "publish": {"django", "typer", "rich", "pydantic", "yaml"},
    "scheduling": {"django", "typer", "rich", "pydantic", "yaml", "jinja2", "weasyprint"},
    "web": {"typer", "rich"},
}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _modules(layer: str) -> list[Path]:
    return sorted((SRC / layer).rglob("*.py"))


def _violations(layer: str, paths: list[Path]) -> list[str]:
    found = []
    for path in paths:
        for line, module in _imports(path):
            top = module.split(".")
            internal = top[0] == "netwerkdag" and len(top) > 1 and top[1] not in ALLOWED_INTERNAL[layer]
            if internal or top[0] in FORBIDDEN_THIRD_PARTY[layer]:
                found.append(f"{path.name}:{line} imports {module}")
    return found


@pytest.mark.parametrize("layer", sorted(ALLOWED_INTERNAL))
def test_layer_imports_only_what_it_may(layer: str) -> None:
    modules = _modules(layer)
    assert modules, f"no modules found in layer {layer}"
    assert _violations(layer, modules) == []


def test_layer_rule_reports_a_core_module_that_reads_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from netwerkdag.files.load import load_event\nimport yaml\nfrom netwerkdag.core import event\n"
    )
    assert _violations("core", [bad]) == ["bad.py:1 imports netwerkdag.files.load", "bad.py:2 imports yaml"]


# --- no import circles -------------------------------------------------------------------------------------


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _top_level_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """The imports that run when the module is imported: those of its body and of the `if`, `try` and
    `with` blocks in it (`if TYPE_CHECKING:` too: mypy follows those), not those inside functions."""
    found: list[ast.Import | ast.ImportFrom] = []
    todo: list[ast.stmt] = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif isinstance(node, ast.If | ast.Try | ast.With):
            for field in ("body", "orelse", "finalbody", "handlers"):
                todo.extend(getattr(node, field, []))
        elif isinstance(node, ast.ExceptHandler):
            todo.extend(node.body)
    return found


def import_graph(root: Path) -> dict[str, set[str]]:
    """The package under `root` (a folder with `__init__.py`) as module -> the modules of the package it
    imports when it is imported. `from x import y` counts y when y is a module, else x; relative imports
    are resolved against the importing module's package."""
    paths = {_module_name(root, p): p for p in sorted(root.rglob("*.py"))}
    graph: dict[str, set[str]] = {name: set() for name in paths}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        for node in _top_level_imports(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                named = [f"{base}.{alias.name}" for alias in node.names]
                targets = [module if module in paths else base for module in named]
            for target in targets:
                while target and target not in paths:  # `import a.b.c` of a module: its deepest part known
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def import_circles(graph: dict[str, set[str]]) -> list[str]:
    """Every group of modules that import each other, round or through others (strongly connected
    components of more than one module), each written as one circle through it: "a -> b -> a"."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_circle_through(graph, group) for group in sorted(groups)]


def _circle_through(graph: dict[str, set[str]], group: list[str]) -> str:
    """A shortest circle from the group's first module back to it, within the group."""
    start, inside = group[0], set(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(graph[node] & inside):
            if nxt == start:
                return " -> ".join([*paths[node], start])
            if nxt not in paths:
                paths[nxt] = [*paths[node], nxt]
                queue.append(nxt)
    raise AssertionError(f"no circle in {group}")  # pragma: no cover - a component of two has one


def test_no_module_imports_itself_round_a_circle() -> None:
    graph = import_graph(SRC)
    assert "netwerkdag.scheduling.search" in graph  # the graph holds the package, not an empty folder
    assert "netwerkdag.scheduling.anneal" in graph["netwerkdag.scheduling.search"]

    assert import_circles(graph) == []


def test_the_circle_check_finds_circles_through_relative_and_type_checking_imports(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg.sub import b\n")
    (package / "sub" / "b.py").write_text("from .. import c\n")
    (package / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import thing\n"
    )
    (package / "d.py").write_text("def later():\n    from pkg import a\n")  # inside a function: not a circle
    (package / "e.py").write_text("import pkg.d\n")

    graph = import_graph(package)

    assert graph["pkg.sub.b"] == {"pkg.c"}
    assert graph["pkg.d"] == set()
    assert graph["pkg.e"] == {"pkg.d"}
    assert import_circles(graph) == ["pkg.a -> pkg.sub.b -> pkg.c -> pkg.a"]
