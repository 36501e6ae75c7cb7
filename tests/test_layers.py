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
