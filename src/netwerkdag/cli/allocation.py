"""`netwerkdag allocate`: seats of the parallel rounds given by ranked preferences (docs/allocation.md)."""

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


def _rank_costs(text: str | None) -> tuple[int, ...]:
    if not text:
        return ()
    parts = [p.strip() for p in text.split(",")]
    if not all(p.isascii() and p.isdigit() for p in parts):
        with user_errors():
            raise NetwerkdagError(
                Problem(
                    "bad-rank-costs",
                    f"--rank-costs '{text}' is not a list of whole numbers",
                    (),
                    "give the cost of rank 1, 2, 3 ... separated by commas: 0,1,2,3",
                )
            )
    return tuple(int(p) for p in parts)


@app.command()
def allocate(
    path: PathArg,
    preferences: Annotated[
        Path,
        typer.Option(
            "--preferences",
            help="CSV (, or ;) or .xlsx with header person,choice,rank: a choice is a session of a parallel "
            "round or a topic; rank 1 is most wanted.",
            show_default=False,
        ),
    ],
    rank_costs: Annotated[
        str | None,
        typer.Option(
            "--rank-costs",
            help="The cost of a seat of rank 1, 2, 3 ... (default 0,1,2,...: rank - 1); ranks beyond "
            "the list cost its last value.",
            show_default=False,
        ),
    ] = None,
    time_limit: Annotated[
        float, typer.Option("--time-limit", min=0.1, help="Seconds for the solver.")
    ] = 10.0,
    output: Annotated[
        Path | None, typer.Option("-o", "--out", help="Write the allocation as CSV person,session.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object instead of a table.")
    ] = False,
) -> None:
    """Give the seats of the parallel rounds by ranked preferences: the most seats first, then the least
    rank cost, at most one session per round and one run per topic, never more people than seats."""
    costs = _rank_costs(rank_costs)
    event = guarded(lambda: load(path))
    from netwerkdag.files.preferences_csv import read_preferences
    from netwerkdag.scheduling import allocation

    offers = allocation.offers_of(event)
    choices = frozenset(o.session for o in offers) | frozenset(o.topic for o in offers)
    wanted = guarded(lambda: read_preferences(preferences, choices))
    problem = allocation.problem_of(event, wanted)
    result = allocation.solve(problem, costs, time_limit=time_limit)
    if output is not None and result.allocation:
        from netwerkdag.publish.tables import csv_text

        rows = [["person", "session"]] + [
            [p, s] for p in sorted(result.allocation) for s in sorted(result.allocation[p])
        ]
        with user_errors():
            write_output(output, csv_text(rows).encode("utf-8"))
    summary = {
        "status": result.status.value,
        "objective": result.objective,
        "bound": result.bound,
        "gap": result.gap,
        "wall_s": round(result.wall_s, 3),
        "assigned": result.assigned,
        "unassigned": result.unassigned,
    }
    if as_json:
        print(json.dumps(summary))
    else:
        table = Table(title="Allocation", title_justify="left")
        for key in summary:
            table.add_column(key)
        table.add_row(*(str(v) for v in summary.values()))
        out.print(table)
    if result.status is allocation.Status.INFEASIBLE:
        err.print(
            "no allocation: the chairs, speakers and guests of some session do not all fit its room, "
            "or one person has a part in two sessions of one round; check the event file"
        )
        raise typer.Exit(EXIT_USER_ERROR)
    if result.status is allocation.Status.UNKNOWN:
        err.print(f"no allocation found in {time_limit:g} s: give it more time with --time-limit")
        raise typer.Exit(EXIT_USER_ERROR)
