"""`netwerkdag check` and `netwerkdag schedule`: judge a plan by the scheduler's rules, or make one."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.live import Live
from rich.table import Table
from rich.text import Text

from netwerkdag.cli.common import EXIT_USER_ERROR, PathArg, app, err, guarded, out, report, visible
from netwerkdag.core.event import Event
from netwerkdag.core.interests import Interests, derive_interests
from netwerkdag.scheduling.objective import SolveStatus

if TYPE_CHECKING:
    from netwerkdag.scheduling.solve import Result

InterestsOption = Annotated[
    Path | None,
    typer.Option(
        "--interests",
        help="CSV (, or ;) or .xlsx with header person,session[,weight]; adds to the interests the network "
        "implies.",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of tables.")]


def _load_plan(path: Path) -> Event:
    from netwerkdag.files.load import load_event

    return guarded(lambda: load_event(path, plan_rules=False))


def _interests(event: Event, path: Path | None) -> Interests:
    derived = derive_interests(event)
    if path is None:
        return derived
    from netwerkdag.files.interests_csv import read_interests

    return derived.merged_with(guarded(lambda: read_interests(path, event)))


def _city(event: Event, person: str) -> str:
    net = event.network
    if not net.has_person(person):
        return "(outside the network)"
    org = net.person(person).organisation
    return net.organisation(org).display_name if org and net.has_organisation(org) else ""


def _conflict_table(event: Event, interests: Interests, limit: int = 15) -> Table:
    from netwerkdag.scheduling.report import conflicts

    found = conflicts(event, interests)
    pairs: dict[tuple[str, str], list[str]] = {}
    weights: dict[tuple[str, str], int] = {}
    for c in found:
        pairs.setdefault((c.first, c.second), []).append(c.person)
        weights[(c.first, c.second)] = weights.get((c.first, c.second), 0) + c.weight
    table = Table(title="Conflicts: people who want two sessions that run at the same time")
    for column in ("Sessions", "Weight", "People", "Who (city)"):
        table.add_column(column)
    for pair, people in sorted(pairs.items(), key=lambda kv: -weights[kv[0]])[:limit]:
        names = ", ".join(
            f"{event.network.person(p).name if event.network.has_person(p) else p} ({_city(event, p)})"
            for p in people[:4]
        )
        more = f" and {len(people) - 4} more" if len(people) > 4 else ""
        table.add_row(f"{pair[0]} × {pair[1]}", str(weights[pair]), str(len(people)), names + more)
    return table


#: Why `check` judged no plan: the file's other problems leave no plan to judge.
NOT_JUDGED = (
    "The plan was not judged by the scheduler's rules: that needs a file whose only problems are those of "
    "a plan (a room or a person in two places at once, a person outside their availability)."
)


@app.command()
def check(path: PathArg, interests: InterestsOption = None, as_json: JsonOption = False) -> None:
    """Judge a plan: the file's problems as `validate` reports them, then the scheduler's rules (hard
    violations by rule name) and the weighted conflicts.

    Exit code 0 when the file has no problem and no hard rule is broken, 1 otherwise.
    """
    from netwerkdag.files.load import EventFileError, examine_event
    from netwerkdag.scheduling.instance import seats_needed
    from netwerkdag.scheduling.report import conflicts, weighted
    from netwerkdag.scheduling.rules import PlanView, check_plan

    examined = guarded(lambda: examine_event(path))
    if examined.problems:
        notes = examined.notes if examined.event is not None else (*examined.notes, NOT_JUDGED)
        report(EventFileError(examined.problems, notes))
    if examined.event is None:
        raise typer.Exit(EXIT_USER_ERROR)
    event = examined.event
    wanted = _interests(event, interests)
    seats = seats_needed(event, wanted)
    violations = check_plan(PlanView(event, seats))
    found = conflicts(event, wanted)
    if as_json:
        document = {
            "hard_violations": [
                {"rule": v.rule, "message": v.message, "sessions": list(v.sessions), "people": list(v.people)}
                for v in violations
            ],
            "conflicts": weighted(found),
        }
        sys.stdout.write(json.dumps(document, ensure_ascii=False) + "\n")
    else:
        if violations:
            table = Table(title="Hard rules broken")
            for column in ("Rule", "What", "Sessions", "People"):
                table.add_column(column)
            for v in violations:
                table.add_row(v.rule, visible(v.message), ", ".join(v.sessions), ", ".join(v.people))
            out.print(table)
        else:
            out.print("No hard rule is broken.")
        if found:
            out.print(_conflict_table(event, wanted))
        out.print(
            f"Conflicts: {weighted(found)} (weighted), {len(found)} person-pairs, "
            f"{len({c.person for c in found})} people."
        )
    if violations or examined.problems:
        raise typer.Exit(EXIT_USER_ERROR)


@app.command()
def schedule(
    path: PathArg,
    interests: InterestsOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Where to write the plan: a folder for a folder-form event, else a file."
        ),
    ] = None,
    time_limit: Annotated[float, typer.Option("--time-limit", min=0.1, help="Seconds to search.")] = 10.0,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Search threads.")] = 2,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Random seed of the search.")] = 0,
    repair_from: Annotated[
        Path | None,
        typer.Option(
            "--repair-from",
            help="A previous plan: move as few of its sessions as the changed event allows.",
            show_default=False,
        ),
    ] = None,
    repeat_popular: Annotated[
        bool,
        typer.Option(
            "--repeat-popular",
            help="Run a session more than once (in other rounds, as runs of one topic) when more people are "
            "expected than its largest room seats.",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Place the movable sessions so that the fewest people must choose between two sessions they want.

    Pinned parts stay. The plan is written back as an event file with -o; the summary shows the proven
    bound. With --json: one object {status, objective, conflicts, bound, gap, wall_s, moved, explanation,
    violations}, and with --repeat-popular `repeated` when sessions got runs; status is optimal, feasible,
    infeasible (proven: no plan keeps every rule) or unknown (no plan found in the time given, nothing
    proven).
    """
    from netwerkdag.scheduling.model import Options
    from netwerkdag.scheduling.plan import placements
    from netwerkdag.scheduling.solve import result_dict
    from netwerkdag.scheduling.solve import schedule as run

    event = _load_plan(path)
    wanted = _interests(event, interests)
    previous = placements(_load_plan(repair_from)) if repair_from is not None else None
    options = Options(
        time_limit=time_limit, workers=workers, seed=seed, repair_from=previous, repeat_popular=repeat_popular
    )
    best: dict[str, float] = {}

    def view() -> Text:
        if not best:
            return Text("searching ...")
        return Text(
            f"best {best['objective']:.0f}   bound {best['bound']:.0f}   {best['seconds']:.1f} s"
            f" of {time_limit:g} s"
        )

    live = Live(view(), console=err, transient=True, refresh_per_second=8, auto_refresh=err.is_terminal)

    def progress(objective: float, bound: float, seconds: float) -> None:
        best.update(objective=objective, bound=bound, seconds=seconds)
        live.update(view())

    with live:
        result = run(event, wanted, options, progress)
    if result.violations:  # the checker is the referee of every plan: a violation here is a bug
        for v in result.violations:
            err.print(f"internal error: the plan breaks {v.rule}: {v.message}")
        raise typer.Exit(3)
    if output is not None and result.event is not None:
        from netwerkdag.files.plan_writer import write_plan

        written = guarded(lambda: write_plan(path, event, result.event, output))  # type: ignore[arg-type]
        err.print(f"wrote {', '.join(visible(str(p)) for p in written)}")
    if as_json:
        sys.stdout.write(json.dumps(result_dict(result)) + "\n")
    else:
        _print_summary(result)
    if result.status is SolveStatus.INFEASIBLE:
        raise typer.Exit(EXIT_USER_ERROR)


def _print_summary(result: Result) -> None:
    """The plan as a table and its figures; or why there is none, in the same status as the JSON. First
    the sessions run more than once, and why."""
    for repeated in result.repeated:
        out.print(Text(f"Repeated: {visible(repeated.sentence())}"))
    if result.status is SolveStatus.INFEASIBLE:
        out.print("No plan satisfies every rule (status infeasible). These rules clash:")
        for sentence in result.explanation:
            out.print(Text(f"  - {visible(sentence)}"))
        return
    if result.event is None:
        out.print(
            f"No plan found within the time limit, and no clash of rules proven (status {result.status}); "
            "give it more --time-limit."
        )
        return
    from netwerkdag.scheduling.report import room_loads

    table = Table(title=f"Plan ({result.status})")
    for column in ("Slot", "Room", "Session", "Expected", "Seats"):
        table.add_column(column)
    for load in room_loads(result.event, dict(result.seats)):
        moved = " (moved)" if load.session in result.moved else ""
        table.add_row(load.block, load.room, load.session + moved, str(load.expected), str(load.capacity))
    out.print(table)
    gap = "" if result.gap is None else f", gap {result.gap:.1%}"
    out.print(
        f"Status {result.status}: conflicts {result.objective} (weighted), proven lower bound {result.bound}"
        f"{gap}; {len(result.moved)} sessions moved; {result.wall_s:.2f} s."
    )
