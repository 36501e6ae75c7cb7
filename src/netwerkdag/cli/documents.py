"""`netwerkdag validate`, `render`, `export` and `schema`: an event file checked, and what is published
from it."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from netwerkdag.cli.common import PathArg, app, err, guarded, load, out, user_errors, visible, write_output
from netwerkdag.core.event import Event


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
