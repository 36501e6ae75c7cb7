"""The `netwerkdag` command. Exit codes: 0 ok, 1 user error (bad input), 2 usage error (bad arguments)."""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from netwerkdag.core.event import Event
from netwerkdag.core.problems import NetwerkdagError, Problem

app = typer.Typer(
    name="netwerkdag",
    help="Plan, check and publish multi-track network days.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# No markup or emoji codes: messages quote the user's own text, which may hold "[/b]" or ":smile:".
out = Console(markup=False, emoji=False, highlight=False, soft_wrap=True)
err = Console(stderr=True, markup=False, emoji=False, highlight=False, soft_wrap=True)

EXIT_USER_ERROR = 1

T = TypeVar("T")

PathArg = Annotated[
    Path, typer.Argument(help="An event file, or a folder holding event.yaml.", show_default=False)
]


#: Characters that steer the terminal or the reading order rather than show: bidirectional embeddings,
#: overrides and isolates (besides the control characters and line separators found by category).
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def visible(text: str) -> str:
    """`text` with every control character written out as an escape (ESC as ``\\x1b``, a line separator as
    ``\\u2028``), so that a file name, a key or a value from a file cannot move the cursor, recolour or
    retitle the terminal, or reorder the line it is printed in. A surrogate half (from a file name that is
    not UTF-8) is escaped too: it cannot be written as UTF-8 at all."""
    if text.isprintable():  # the common case: nothing to escape (a space is printable, a tab is not)
        return text
    shown = []
    for char in text:
        if char in _BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp"):
            code = ord(char)
            shown.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            shown.append(char)
    return "".join(shown)


def report(error: NetwerkdagError) -> None:
    """Print every problem of a user error to stderr: one line each, location first, then its hint.

    ``error event.yaml:12:13: event.sessions[0].room: unknown room 'zaal-9' [unknown-room]``
    ``    → use one of: zaal-1, zaal-2``

    Every part may quote the user's own text, so control characters in it are shown escaped. Notes on
    what could not be checked because of the problems follow them, once each:

    ``note: 1 session with format problems (lunch) was not checked for references, times and overlaps.``
    """
    count = len(error.problems)
    for problem in error.problems:
        line = Text.assemble(("error", "bold red"), " ")
        if problem.location:
            line.append(f"{visible(str(problem.location))}: ")
        if problem.path:
            line.append(visible(problem.field), style="bold")
            line.append(": ")
        line.append(visible(problem.message))
        line.append(f" [{problem.code}]", style="dim")
        err.print(line)
        if problem.hint:
            err.print(Text(f"    → {visible(problem.hint)}", style="dim"))
    for note in notes_of(error):
        err.print(Text.assemble(("note:", "bold yellow"), " ", visible(note)))
    err.print(f"{count} problem{'s' if count != 1 else ''} found.")


def notes_of(error: NetwerkdagError) -> tuple[str, ...]:
    """The notes an event file's problems carry: what could not be checked because of them."""
    from netwerkdag.files.load import EventFileError

    return error.notes if isinstance(error, EventFileError) else ()


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


def write_output(target: Path, data: bytes) -> None:
    """Write one output file whole; a target that cannot be written is the user's error, not a bug."""
    from netwerkdag.files.atomic import write_atomically

    if target.is_dir():
        raise NetwerkdagError(
            Problem("cannot-write", f"cannot write {target}: it is a folder", (), "give a file name")
        )
    try:
        write_atomically(target, data)
    except OSError as exc:
        in_the_way = next((p for p in target.parents if p.is_file()), None)
        reason = f"{in_the_way} is a file, not a folder" if in_the_way else exc.strerror or str(exc)
        raise NetwerkdagError(
            Problem(
                "cannot-write",
                f"cannot write {target}: {reason}",
                (),
                "choose a folder you can write to",
            )
        ) from None


@app.command()
def validate(path: PathArg) -> None:
    """Check an event file; print every problem with file:line:column, or a summary when it is sound."""
    event = guarded(lambda: load(path))
    rooms, sessions = len(event.rooms), len(event.sessions)
    summary = Text.assemble(
        ("ok", "green"),
        visible(
            f" {event.slug}: {event.title}, {event.start_date.isoformat()}, {rooms} rooms, "
            f"{len(event.blocks)} blocks, {sessions} sessions, {len(event.network.people)} people"
        ),
    )
    out.print(summary)


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


LangOption = Annotated[
    Language | None,
    typer.Option(
        "--lang", help="Language of the output; default: the event's own `language:`.", show_default=False
    ),
]


def output_language(event: Event, lang: Language | None) -> str:
    """The language to publish in: the one asked for, else the event's own."""
    return lang.value if lang is not None else event.language


@app.command()
def render(
    path: PathArg,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder to write programma.html and programma.pdf to.")
    ],
    lang: LangOption = None,
) -> None:
    """Publish the programme as one self-contained HTML page and a PDF booklet."""
    event = guarded(lambda: load(path))  # first: a broken file is reported before anything else runs
    from netwerkdag.publish.html import render_html
    from netwerkdag.publish.pdf import render_pdf

    language = output_language(event, lang)
    html = render_html(event, lang=language)
    pdf = render_pdf(event, lang=language)
    targets = {out_dir / "programma.html": html.encode("utf-8"), out_dir / "programma.pdf": pdf}
    with user_errors():
        for target, data in targets.items():
            write_output(target, data)
    for target in targets:
        out.print(visible(str(target)))


@app.command()
def export(
    path: PathArg,
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="What to write.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write; standard output if omitted.")
    ] = None,
    lang: LangOption = None,
) -> None:
    """Export the programme: frab schedule XML or JSON, iCalendar, or the grid and sessions as XLSX/CSV.

    csv is the session list (one row per session); csv-grid the programme grid; xlsx holds both sheets.
    """
    if format is ExportFormat.xlsx and output is None:
        err.print("Usage error: xlsx is a binary format: give a file with -o FILE.xlsx")
        raise typer.Exit(2)
    event = guarded(lambda: load(path))  # first: a broken file is reported before anything else runs
    from netwerkdag.publish import frab, ical, tables

    language = output_language(event, lang)
    # frab carries the event's language as data and has no labels of its own to translate.
    producers: dict[ExportFormat, Callable[[], bytes]] = {
        ExportFormat.frab_xml: lambda: frab.frab_xml(event).encode("utf-8"),
        ExportFormat.frab_json: lambda: frab.frab_json_text(event).encode("utf-8"),
        ExportFormat.ical: lambda: ical.ical(event, lang=language),
        ExportFormat.xlsx: lambda: tables.workbook(event, lang=language),
        ExportFormat.csv: lambda: tables.sessions_csv(event, lang=language).encode("utf-8"),
        ExportFormat.csv_grid: lambda: tables.grid_csv(event, lang=language).encode("utf-8"),
    }
    data = producers[format]()
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        guarded(lambda: write_output(output, data))
        err.print(f"wrote {visible(str(output))}")


@app.command()
def schema(
    network: Annotated[
        bool, typer.Option("--network", help="The schema of a separate network file (network.yaml) instead.")
    ] = False,
) -> None:
    """Print the JSON Schema of event files (for editor completion)."""
    from netwerkdag.files.schema import json_schema, network_json_schema

    document = network_json_schema() if network else json_schema()
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


# The planning commands register themselves on `app`.
from netwerkdag.cli import planning, web  # noqa: E402, F401


def main() -> None:
    """Entry point: run the Typer app; map Click usage errors to exit code 2 (Click's default)."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        sys.exit(130)
