"""The `netwerkdag` command. Exit codes: 0 ok, 1 user error (bad input), 2 usage error (bad arguments).

The commands live in modules by subject and register themselves on the one Typer app of `common.py`;
importing them here, in the order `--help` lists them, makes the whole command.
"""

from __future__ import annotations

import sys

from netwerkdag.cli import allocation, documents, meetings, planning, reach, web  # noqa: F401 - they register their commands
from netwerkdag.cli.common import app, visible

__all__ = ["app", "main", "visible"]


def main() -> None:
    """Entry point: run the Typer app; map Click usage errors to exit code 2 (Click's default)."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        sys.exit(130)
