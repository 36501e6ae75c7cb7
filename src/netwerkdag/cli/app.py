"""The `netwerkdag` command. Exit codes: 0 ok, 1 user error (bad input), 2 usage error (bad arguments)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console

from netwerkdag.core.event import Event
from netwerkdag.core.problems import NetwerkdagError

app = typer.Typer(
    name="netwerkdag",
    help="Plan, check and publish multi-track network days.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

EXIT_USER_ERROR = 1

T = TypeVar("T")

PathArg = Annotated[
    Path, typer.Argument(help="An event file, or a folder holding event.yaml.", show_default=False)
]


def report(error: NetwerkdagError) -> None:
    """Print every problem of a user error to stderr, one per line, location first."""
    count = len(error.problems)
    for problem in error.problems:
        where = f"{problem.location}: " if problem.location else ""
        field = f"[bold]{problem.field}[/bold]: " if problem.path else ""
        hint = f"\n    [dim]→ {problem.hint}[/dim]" if problem.hint else ""
        err.print(f"[red]error[/red] {where}{field}{problem.message} [dim]\\[{problem.code}][/dim]{hint}",
                  highlight=False, markup=True, soft_wrap=True)
    err.print(f"{count} problem{'s' if count != 1 else ''} found.", highlight=False)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a `NetwerkdagError` into a report on stderr and exit code 1."""
    try:
        yield
    except NetwerkdagError as error:
        report(error)
        raise typer.Exit(EXIT_USER_ERROR) from None


def load(path: Path) -> Event:
    from netwerkdag.files.load import load_event

    return load_event(path)


def guarded(func: Callable[[], T]) -> T:
    with user_errors():
        return func()


@app.command()
def validate(path: PathArg) -> None:
    """Check an event file; print every problem with file:line:column, or a summary when it is sound."""
    event = guarded(lambda: load(path))
    rooms, sessions = len(event.rooms), len(event.sessions)
    out.print(
        f"[green]ok[/green] {event.slug}: {event.title}, {event.start_date.isoformat()}, "
        f"{rooms} rooms, {len(event.blocks)} blocks, {sessions} sessions, {len(event.network.people)} people",
        highlight=False,
    )


@app.command()
def schema() -> None:
    """Print the JSON Schema of event files (for editor completion)."""
    from netwerkdag.files.schema import json_schema

    out.out(json.dumps(json_schema(), indent=2, ensure_ascii=False))


def main() -> None:
    """Entry point: run the Typer app; map Click usage errors to exit code 2 (Click's default)."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        sys.exit(130)
