"""`netwerkdag meetings`: a table and a time for each meeting asked for (docs/meetings.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from netwerkdag.cli.common import (
    EXIT_USER_ERROR,
    PathArg,
    app,
    err,
    guarded,
    load,
    out,
    user_errors,
    write_output,
)
from netwerkdag.core.problems import NetwerkdagError, Problem


@app.command()
def meetings(
    path: PathArg,
    requests: Annotated[
        Path,
        typer.Option(
            "--requests",
            help="CSV (, or ;) or .xlsx with header meeting,person,minutes: one row per person in a "
            "meeting, the one who asked first; earlier meetings are placed first.",
            show_default=False,
        ),
    ],
    registrations: Annotated[
        Path | None,
        typer.Option(
            "--registrations",
            help="CSV or .xlsx with header person,session: the sessions people are in (busy then).",
            show_default=False,
        ),
    ] = None,
    space: Annotated[
        str | None,
        typer.Option(
            "--space", help="The networking space's id (default: the event's first).", show_default=False
        ),
    ] = None,
    time_limit: Annotated[
        float, typer.Option("--time-limit", min=0.1, help="Seconds for the solver, all stages together.")
    ] = 10.0,
    output: Annotated[
        Path | None, typer.Option("-o", "--out", help="Write the plan as CSV meeting,table,start,end.")
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print one JSON object {status, placed, unplaced, bound, wall_s}."),
    ] = False,
) -> None:
    """Place meetings at the tables of the event's networking space: the most meetings first, then earlier
    requests, then the fewest table changes; everyone free (not in a session, with the transfer time before
    and after, inside their availability), one meeting per table and per person at a time."""
    event = guarded(lambda: load(path))
    if not event.networking:
        with user_errors():
            raise NetwerkdagError(
                Problem(
                    "no-networking-space",
                    f"{path} has no networking space with tables",
                    ("event", "networking"),
                    "add `networking:` to the event with its tables and open times (docs/event-file.md)",
                )
            )
    known_spaces = [n.id for n in event.networking]
    if space is not None and space not in known_spaces:
        with user_errors():
            raise NetwerkdagError(
                Problem(
                    "unknown-space",
                    f"--space '{space}' is not a networking space of the event",
                    (),
                    f"use one of: {', '.join(known_spaces)}",
                )
            )
    from netwerkdag.files.meetings_csv import read_registrations, read_requests
    from netwerkdag.scheduling import meetings as placing

    people = frozenset(p.id for p in event.network.people)
    asked = guarded(lambda: read_requests(requests, people))
    busy: dict[str, list[str]] = {}
    if registrations is not None:
        sessions = frozenset(s.id for s in event.sessions)
        chosen = registrations
        busy = guarded(lambda: read_registrations(chosen, people, sessions))
    problem = placing.problem_of(event, asked, busy, space=space)
    result = placing.solve(problem, time_limit=time_limit)
    if output is not None and result.status is not placing.Status.UNKNOWN:
        from netwerkdag.publish.tables import csv_text

        rows = [["meeting", "table", "start", "end"]] + [
            [p.meeting, p.table, p.start.isoformat(), p.end.isoformat()] for p in result.placements
        ]
        with user_errors():
            write_output(output, csv_text(rows).encode("utf-8"))
    summary = {
        "status": result.status.value,
        "placed": result.placed,
        "unplaced": len(result.unplaced),
        "bound": result.bound,
        "wall_s": round(result.wall_s, 3),
    }
    if as_json:
        print(json.dumps(summary))
    else:
        table = Table(title="Meetings", title_justify="left")
        for key in summary:
            table.add_column(key)
        table.add_row(*(str(v) for v in summary.values()))
        out.print(table)
        for stage in result.stages:
            proof = "proven" if stage.proven else f"bound {stage.bound}"
            out.print(f"  {stage.measure.value}: {stage.value} ({proof}, {stage.wall_s:.2f} s)")
        for u in result.unplaced[:20]:
            out.print(f"  not placed: {u.message()}", markup=False, highlight=False)
        if len(result.unplaced) > 20:
            out.print(f"  ... and {len(result.unplaced) - 20} more not placed")
    if result.status is placing.Status.UNKNOWN:
        err.print(f"no plan found in {time_limit:g} s: give it more time with --time-limit")
        raise typer.Exit(EXIT_USER_ERROR)
