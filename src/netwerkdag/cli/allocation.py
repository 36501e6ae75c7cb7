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
    organisations_first: Annotated[
        bool,
        typer.Option(
            "--organisations-first",
            help="First leave as few organisations as possible without any seat they asked for.",
        ),
    ] = False,
    lottery_seed: Annotated[
        int | None,
        typer.Option(
            "--lottery-seed",
            min=0,
            help="Break ties by a lottery drawn from this number (publish it: anyone can draw again).",
            show_default=False,
        ),
    ] = None,
    report_path: Annotated[
        Path | None,
        typer.Option(
            "--report",
            help="Write the report as JSON: per person the ranks they got, per organisation seats against "
            "asks, the rank distribution, the stages with their bounds, the waiting lists.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Give the seats of the parallel rounds by ranked preferences: the most seats first, then the least
    rank cost, then one seat per organisation in a full session before a second, then the lottery; at
    most one session per round and one run per topic, never more people than seats."""
    costs = _rank_costs(rank_costs)
    event = guarded(lambda: load(path))
    from netwerkdag.files.preferences_csv import read_preferences
    from netwerkdag.scheduling import allocation

    offers = allocation.offers_of(event)
    choices = frozenset(o.session for o in offers) | frozenset(o.topic for o in offers)
    wanted = guarded(lambda: read_preferences(preferences, choices))
    from netwerkdag.scheduling.allocation_report import report, waiting_lists

    problem = allocation.problem_of(event, wanted)
    result = allocation.solve(
        problem,
        costs,
        time_limit=time_limit,
        empty_organisations_first=organisations_first,
        lottery_seed=lottery_seed,
    )
    found = result.status in (allocation.Status.OPTIMAL, allocation.Status.FEASIBLE)
    if output is not None and found:
        from netwerkdag.publish.tables import csv_text

        rows = [["person", "session"]] + [
            [p, s] for p in sorted(result.allocation) for s in sorted(result.allocation[p])
        ]
        with user_errors():
            write_output(output, csv_text(rows).encode("utf-8"))
    details = report(problem, result)
    if report_path is not None and found:
        full = {**details.as_json(), "waiting_lists": waiting_lists(problem, result)}
        with user_errors():
            write_output(report_path, (json.dumps(full, indent=1) + "\n").encode("utf-8"))
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
        if result.allocation:
            ranks = ", ".join(f"{rank}: {n}" for rank, n in details.rank_distribution.items())
            out.print(f"Seats per rank: {ranks or 'none'}")
            empty = details.organisations_without_wanted_seat
            out.print(f"Organisations without a seat they asked for: {len(empty)} {' '.join(empty)}".rstrip())
            if result.seed is not None:
                out.print(f"Lottery seed: {result.seed}")
    if result.status is allocation.Status.INFEASIBLE:
        err.print(
            "no allocation: the chairs, speakers and guests of some session do not all fit its room, "
            "or one person has a part in two sessions of one round; check the event file"
        )
        raise typer.Exit(EXIT_USER_ERROR)
    if result.status is allocation.Status.UNKNOWN:
        err.print(f"no allocation found in {time_limit:g} s: give it more time with --time-limit")
        raise typer.Exit(EXIT_USER_ERROR)
