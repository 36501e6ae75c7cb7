"""The `netwerkdag` command. Exit codes: 0 ok, 1 user error (bad input), 2 usage error (bad arguments)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
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


class Language(StrEnum):
    nl = "nl"
    en = "en"


class ExportFormat(StrEnum):
    frab_xml = "frab-xml"
    frab_json = "frab-json"
    ical = "ical"
    xlsx = "xlsx"
    csv = "csv"
    csv_grid = "csv-grid"


LangOption = Annotated[Language, typer.Option("--lang", help="Language of the output.")]


@app.command()
def render(
    path: PathArg,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write programma.html and programma.pdf to.")],
    lang: LangOption = Language.nl,
) -> None:
    """Publish the programme as one self-contained HTML page and a PDF booklet."""
    from netwerkdag.files.atomic import write_atomically
    from netwerkdag.publish.html import render_html
    from netwerkdag.publish.pdf import render_pdf

    event = guarded(lambda: load(path))
    html = render_html(event, lang=lang.value)
    pdf = render_pdf(event, lang=lang.value)
    targets = {out_dir / "programma.html": html.encode("utf-8"), out_dir / "programma.pdf": pdf}
    for target, data in targets.items():
        write_atomically(target, data)
    for target in targets:
        out.print(str(target), highlight=False)


@app.command()
def export(
    path: PathArg,
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="What to write.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write; standard output if omitted.")
    ] = None,
    lang: LangOption = Language.nl,
) -> None:
    """Export the programme: frab schedule XML or JSON, iCalendar, or the grid and sessions as XLSX/CSV.

    csv is the session list (one row per session); csv-grid the programme grid; xlsx holds both sheets.
    """
    from netwerkdag.files.atomic import write_atomically
    from netwerkdag.publish import frab, ical, tables

    if format is ExportFormat.xlsx and output is None:
        err.print("xlsx is a binary format: give a file with -o FILE.xlsx", highlight=False)
        raise typer.Exit(2)
    event = guarded(lambda: load(path))
    producers: dict[ExportFormat, Callable[[], bytes]] = {
        ExportFormat.frab_xml: lambda: frab.frab_xml(event).encode("utf-8"),
        ExportFormat.frab_json: lambda: frab.frab_json_text(event).encode("utf-8"),
        ExportFormat.ical: lambda: ical.ical(event),
        ExportFormat.xlsx: lambda: tables.workbook(event, lang=lang.value),
        ExportFormat.csv: lambda: tables.sessions_csv(event, lang=lang.value).encode("utf-8"),
        ExportFormat.csv_grid: lambda: tables.grid_csv(event, lang=lang.value).encode("utf-8"),
    }
    data = producers[format]()
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_atomically(output, data)
        err.print(f"wrote {output}", highlight=False)


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
