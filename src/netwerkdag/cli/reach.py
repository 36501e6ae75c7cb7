"""`netwerkdag reach`: whom the network's days reached (docs/reach.md), from event files and an attendance
file, or from the web app's database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table as RichTable

from netwerkdag.cli.common import app as main_app
from netwerkdag.cli.common import err, guarded, load, out, user_errors, visible, write_output
from netwerkdag.cli.documents import Language
from netwerkdag.cli.web import DataDirOption, start_web
from netwerkdag.core.problems import NetwerkdagError, Problem
from netwerkdag.core.reach import Attendance

if TYPE_CHECKING:
    from netwerkdag.publish.reach import Report

OUTPUTS = ("bereik.json", "bereik.xlsx", "bereik.pdf")


@main_app.command()
def reach(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="The event files (or folders holding event.yaml) of the network days. Without them the "
            "days come from the web app's database (--data-dir or DATABASE_URL).",
            show_default=False,
        ),
    ] = None,
    attendance: Annotated[
        Path | None,
        typer.Option(
            "--attendance",
            help="CSV (or .xlsx) with the header event,person,session: the event's slug, a person id of "
            "the network, a session id of that event or empty for present at the day.",
            show_default=False,
        ),
    ] = None,
    data_dir: DataDirOption = None,
    network: Annotated[
        str | None,
        typer.Option(
            "--network",
            help="From the database: the network's id (default: the network of the latest event).",
            show_default=False,
        ),
    ] = None,
    last: Annotated[
        int, typer.Option("--last", min=1, help="Days present and not reached look at the last N days.")
    ] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as one JSON object.")] = False,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder to write bereik.json, bereik.xlsx (every table) and bereik.pdf (the board "
            "report) to.",
            show_default=False,
        ),
    ] = None,
    lang: Annotated[Language, typer.Option("--lang", help="Language of the tables and the report.")] = (
        Language.nl
    ),
) -> None:
    """Measure whom the network days reached: organisations, theme groups, pillars, newcomers, who met
    whom, and who was not reached on the last days."""
    if paths:
        if attendance is None:
            with user_errors():
                raise NetwerkdagError(
                    Problem(
                        "no-attendance",
                        "event files need an attendance file",
                        (),
                        "add --attendance FILE.csv (header event,person,session), or give no event "
                        "files to read the web app's database",
                    )
                )
        events = [guarded(lambda p=path: load(p)) for path in paths]  # type: ignore[misc]
        from netwerkdag.files.attendance_csv import read_attendance

        days = guarded(lambda: read_attendance(attendance, events))
        title = days[-1].network.name if days else ""
    else:
        if attendance is not None:
            with user_errors():
                raise NetwerkdagError(
                    Problem(
                        "no-events",
                        "an attendance file needs the event files it names",
                        (),
                        "give the event files before --attendance",
                    )
                )
        days, title = _from_database(data_dir, network)
    from netwerkdag.publish import reach as published

    report = guarded(lambda: _build(days, last))
    figures = published.as_json(report)
    if out_dir is not None:
        made = _made(lang.value)
        files = {
            "bereik.json": (json.dumps(figures, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
            "bereik.xlsx": published.workbook(published.tables(report, lang.value)),
            "bereik.pdf": published.report_pdf(report, lang.value, title=title, made=made),
        }
        with user_errors():
            for name, data in files.items():
                write_output(out_dir / name, data)
        err.print(f"wrote {', '.join(visible(str(out_dir / n)) for n in OUTPUTS)}")
    if as_json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    for line in published.summary(report, lang.value):
        out.print(visible(line))
    table = published.days_table(report, lang.value)
    shown = RichTable(title=visible(table.title), title_justify="left")
    for index, head in enumerate(table.header):
        shown.add_column(visible(head), justify="right" if index in table.numeric else "left")
    for row in table.rows:
        shown.add_row(*(visible(cell) for cell in row))
    out.print(shown)
    if out_dir is None:
        err.print(
            "every table: --out DIR (an XLSX workbook and the board report as PDF); the figures: --json"
        )


def _build(days: list[Attendance], last: int) -> Report:
    from netwerkdag.publish import reach as published

    try:
        return published.build(days, last=last)
    except ValueError as exc:
        raise NetwerkdagError(Problem("bad-days", str(exc), (), "give one network day per date")) from None


def _made(lang: str) -> str:
    from datetime import date

    from netwerkdag.publish.i18n import format_day

    return format_day(date.today(), lang)


def _from_database(data_dir: Path | None, network: str | None) -> tuple[list[Attendance], str]:
    start_web(data_dir)
    from netwerkdag.web import models
    from netwerkdag.web.services import reach as stored

    events = list(models.Event.objects.all())
    known = stored.networks(events)
    if not known:
        with user_errors():
            raise NetwerkdagError(
                Problem("no-events", "the database holds no events", (), "import an event first")
            )
    chosen = network or next(iter(known))
    if chosen not in known:
        with user_errors():
            raise NetwerkdagError(
                Problem(
                    "unknown-network",
                    f"no event of the network '{chosen}' in the database",
                    (),
                    f"use one of: {', '.join(known)}",
                )
            )
    found = stored.network_days(events, chosen)
    for event, why in found.skipped:
        reason = "nobody present" if why == "nobody" else "another event on its date"
        err.print(visible(f"note: {event.slug} is left out ({reason})"))
    return list(found.days), known[chosen]
