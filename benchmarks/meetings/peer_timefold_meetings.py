"""Timefold Solver as a peer for meeting placement: our own Timefold model of the converted problem.

The model (Timefold's Python API, which translates the classes and the constraint lambdas to Java and runs
the solver in-process through JPype), written for this benchmark from the converted problem of
`convert_meetings.py`:

- problem facts `TfGrain` (Timefold's grain: index, day, minute) and `TfTable` (a room: id, seats), the
  value ranges of the two planning variables;
- planning entity `TfMeeting`: its length in grains, the seats it needs (required attendees, plus the
  preferred ones with `--seats required+preferred`, the default, as Timefold's capacity rule counts them),
  the other meetings that share required people with it (and how many), the grain indices where it lies in
  one run of consecutive grains; planning variables `start` (a grain) and `table`;
- hard constraints, weighted as Timefold's own examples weigh them: *table conflict* (two meetings at a
  table with overlapping grains: the overlap), *person conflict* (a required person in two overlapping
  meetings: overlap x people shared), *capacity* (the seats missing), *outside the open times* (a start
  where the meeting does not lie in one run of consecutive grains of a day: 1). The last is the converted
  problem's rule, stricter than Timefold's "start and end on the same day" (see convert_meetings.py).

Two modes:

- `all` (default, Timefold's own): both planning variables must be assigned, so every meeting is placed and
  what cannot fit shows as hard violations. The result is the best placement; `hard` its violations;
- `optional`: both variables allow "unassigned", and every meeting without a start or a table costs one
  *medium* point, so Timefold places as many meetings as it can without breaking a hard rule (our
  objective's first stage). A meeting with only one of the two variables set counts as unplaced.

Solver settings: the default phases (construction heuristic, then local search), a spent limit, and a best
score limit of 0hard/0medium/0soft (nothing better exists: soft is always 0 here, so the search ends as soon
as every meeting is placed without violations); `random_seed=seed`, environment mode `NO_ASSERT`. The
community build solves on one thread. `wall_s` is the whole call (JVM start, translating, solving).

Run as a script for one Timefold file; one line of JSON (placement as `meeting -> [table, grain index]`):

    python benchmarks/meetings/peer_timefold_meetings.py \\
        benchmarks/data/timefold-meetingscheduling/50meetings-160timegrains-5rooms.json \\
        --time-limit 10 [--seed 1] [--mode all|optional] [--seats required+preferred|required]
"""

import argparse  # no "from __future__ import annotations": Timefold reads the annotations at run time
import json
import shutil
import sys
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated, Any, Literal

# Importing the package neither starts the JVM nor translates anything; without it this module does not
# import, which is how the runner tells a peer that is not installed (uv sync --group peers).
import timefold.solver  # noqa: F401

sys.path.insert(0, str(Path(__file__).resolve().parent))

from convert_meetings import (
    Seats,
    TimefoldInstance,
    fits_our_window,
    meeting_id,
    read_timefold,
    table_id,
)

SOLVER = "timefold"
Mode = Literal["all", "optional"]


def available() -> str | None:
    """None when the peer can run here, else why not (the timefold package itself is imported above)."""
    if shutil.which("java") is None:
        return "no java on PATH (Timefold needs a JVM, 17 or later)"
    return None


@dataclass
class PeerRun:
    solver: str
    instance: str
    mode: str
    time_limit_s: float
    wall_s: float
    status: str  # "feasible" (all placed, 0 hard), "done", "incomplete" (construction cut off), "error"
    score: str
    placement: dict[str, tuple[str, int]]  # meeting -> (table, grain index)
    note: str

    def as_json(self) -> dict[str, Any]:
        return {
            "solver": self.solver,
            "instance": self.instance,
            "mode": self.mode,
            "time_limit_s": self.time_limit_s,
            "wall_s": self.wall_s,
            "status": self.status,
            "score": self.score,
            "note": self.note,
            "placement": {m: list(cell) for m, cell in sorted(self.placement.items())},
        }


@cache
def _model(mode: Mode) -> SimpleNamespace:
    """The Timefold domain and constraints (needs the JVM; once per process and mode)."""
    from timefold.solver.domain import (
        PlanningEntityCollectionProperty,
        PlanningId,
        PlanningScore,
        PlanningVariable,
        ProblemFactCollectionProperty,
        ValueRangeProvider,
        planning_entity,
        planning_solution,
    )
    from timefold.solver.score import (
        Constraint,
        ConstraintFactory,
        HardMediumSoftScore,
        Joiners,
        constraint_provider,
    )

    optional = mode == "optional"

    # eq=False: facts and entities compare by identity, as Timefold expects of them.
    @dataclass(eq=False)
    class TfGrain:
        index: Annotated[int, PlanningId]
        day: int
        minute: int

    @dataclass(eq=False)
    class TfTable:
        id: Annotated[str, PlanningId]
        seats: int

    @planning_entity
    @dataclass(eq=False)
    class TfMeeting:
        id: Annotated[str, PlanningId]
        grains: int
        seats: int
        shared: dict[str, int]  # other meeting id -> required people both have (only those sharing some)
        starts: set[int]  # grain indices where the meeting lies in one run of consecutive grains
        start: Annotated[TfGrain | None, PlanningVariable(allows_unassigned=optional)] = field(default=None)
        table: Annotated[TfTable | None, PlanningVariable(allows_unassigned=optional)] = field(default=None)

    @planning_solution
    @dataclass(eq=False)
    class TfPlan:
        grains: Annotated[list[TfGrain], ProblemFactCollectionProperty, ValueRangeProvider]
        tables: Annotated[list[TfTable], ProblemFactCollectionProperty, ValueRangeProvider]
        meetings: Annotated[list[TfMeeting], PlanningEntityCollectionProperty]
        score: Annotated[HardMediumSoftScore | None, PlanningScore] = field(default=None)

    def first(m: TfMeeting) -> int:
        return m.start.index

    def after(m: TfMeeting) -> int:
        return m.start.index + m.grains

    def overlap(a: TfMeeting, b: TfMeeting) -> int:
        return min(a.start.index + a.grains, b.start.index + b.grains) - max(a.start.index, b.start.index)

    def table_conflict(factory: ConstraintFactory) -> Constraint:
        return (
            factory.for_each_unique_pair(
                TfMeeting, Joiners.equal(lambda m: m.table), Joiners.overlapping(first, after)
            )
            .penalize(HardMediumSoftScore.ONE_HARD, overlap)
            .as_constraint("table conflict")
        )

    def person_conflict(factory: ConstraintFactory) -> Constraint:
        return (
            factory.for_each_unique_pair(
                TfMeeting, Joiners.overlapping(first, after), Joiners.filtering(lambda a, b: b.id in a.shared)
            )
            .penalize(HardMediumSoftScore.ONE_HARD, lambda a, b: overlap(a, b) * a.shared[b.id])
            .as_constraint("person conflict")
        )

    def capacity(factory: ConstraintFactory) -> Constraint:
        return (
            factory.for_each(TfMeeting)
            .filter(lambda m: m.table.seats < m.seats)
            .penalize(HardMediumSoftScore.ONE_HARD, lambda m: m.seats - m.table.seats)
            .as_constraint("capacity")
        )

    def outside(factory: ConstraintFactory) -> Constraint:
        return (
            factory.for_each(TfMeeting)
            .filter(lambda m: m.start.index not in m.starts)
            .penalize(HardMediumSoftScore.ONE_HARD)
            .as_constraint("outside the open times")
        )

    def unplaced(factory: ConstraintFactory) -> Constraint:
        return (
            factory.for_each_including_unassigned(TfMeeting)
            .filter(lambda m: m.start is None or m.table is None)
            .penalize(HardMediumSoftScore.ONE_MEDIUM)
            .as_constraint("unplaced")
        )

    @constraint_provider
    def constraints(factory: ConstraintFactory) -> list[Constraint]:
        found = [table_conflict(factory), person_conflict(factory), capacity(factory), outside(factory)]
        if optional:
            found.append(unplaced(factory))
        return found

    return SimpleNamespace(
        TfGrain=TfGrain, TfTable=TfTable, TfMeeting=TfMeeting, TfPlan=TfPlan, constraints=constraints
    )


def _problem(instance: TimefoldInstance, seats: Seats, model: SimpleNamespace) -> Any:
    grains = [model.TfGrain(index=g.index, day=g.day, minute=g.minute) for g in instance.grains]
    tables = [model.TfTable(id=table_id(r), seats=r.capacity) for r in instance.rooms]
    people = {meeting_id(m): set(m.required) for m in instance.meetings}
    meetings = []
    for m in instance.meetings:
        own = people[meeting_id(m)]
        shared = {
            other: len(own & theirs)
            for other, theirs in people.items()
            if other != meeting_id(m) and own & theirs
        }
        meetings.append(
            model.TfMeeting(
                id=meeting_id(m),
                grains=m.grains,
                seats=len(m.required) + (len(m.preferred) if seats == "required+preferred" else 0),
                shared=shared,
                starts={g.index for g in instance.grains if fits_our_window(instance, g.index, m.grains)},
            )
        )
    return model.TfPlan(grains=grains, tables=tables, meetings=meetings)


def solve(
    instance: TimefoldInstance,
    time_limit_s: float,
    *,
    seed: int = 1,
    mode: Mode = "all",
    seats: Seats = "required+preferred",
) -> PeerRun:
    """Solve with Timefold for at most `time_limit_s` seconds. Never raises: a failure is status "error"."""
    begin = time.perf_counter()
    try:
        return _solve(instance, time_limit_s, seed, mode, seats, begin)
    except Exception as error:  # the peer reports, it does not take the runner down
        lines = traceback.format_exception_only(error)[-1].strip().splitlines()
        return PeerRun(
            SOLVER,
            instance.name,
            mode,
            time_limit_s,
            round(time.perf_counter() - begin, 3),
            "error",
            "none",
            {},
            (lines[0] if lines else type(error).__name__)[:2000],
        )


def _solve(
    instance: TimefoldInstance, time_limit_s: float, seed: int, mode: Mode, seats: Seats, begin: float
) -> PeerRun:
    reason = available()
    if reason is not None:
        raise RuntimeError(reason)
    import jpype

    jvm_s = 0.0
    if not jpype.isJVMStarted():
        from timefold.solver import init

        init()
        jvm_s = time.perf_counter() - begin
    from timefold.solver import SolverFactory
    from timefold.solver.config import (
        Duration,
        EnvironmentMode,
        ScoreDirectorFactoryConfig,
        SolverConfig,
        TerminationConfig,
    )

    model = _model(mode)
    config = SolverConfig(
        solution_class=model.TfPlan,
        entity_class_list=[model.TfMeeting],
        score_director_factory_config=ScoreDirectorFactoryConfig(
            constraint_provider_function=model.constraints
        ),
        termination_config=TerminationConfig(
            spent_limit=Duration(milliseconds=round(time_limit_s * 1000)),
            best_score_limit="0hard/0medium/0soft",
        ),
        environment_mode=EnvironmentMode.NO_ASSERT,
        random_seed=seed,
    )
    solver = SolverFactory.create(config).build_solver()
    problem = _problem(instance, seats, model)
    started = time.perf_counter()
    solution = solver.solve(problem)
    solving_s = time.perf_counter() - started
    placement = {
        m.id: (m.table.id, m.start.index)
        for m in solution.meetings
        if m.start is not None and m.table is not None
    }
    score = "none" if solution.score is None else str(solution.score)
    hard = _hard_of(score)
    complete = len(placement) == len(instance.meetings)
    # A construction heuristic stopped by the limit leaves meetings unassigned even in mode "all"; the score
    # Timefold then reports is not that of the returned solution (the referee judges the placement itself).
    status = (
        "feasible" if hard == 0 and complete else ("done" if complete or mode == "optional" else "incomplete")
    )
    note = (
        f"jvm start {jvm_s:.2f} s; setup {started - begin - jvm_s:.2f} s; solving {solving_s:.2f} s; "
        f"{len(placement)} of {len(instance.meetings)} placed; single-threaded (community edition)"
    )
    return PeerRun(
        SOLVER,
        instance.name,
        mode,
        time_limit_s,
        round(time.perf_counter() - begin, 3),
        status,
        score,
        placement,
        note,
    )


def _hard_of(score: str) -> int | None:
    """The hard part of a score text such as "-2hard/0medium/0soft" (None if there is none)."""
    try:
        return int(score.split("hard", 1)[0].rsplit("/", 1)[-1])
    except ValueError:
        return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Place Timefold's meeting-scheduling data with Timefold.")
    parser.add_argument("instance", help="a Timefold meeting-scheduling JSON file")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds of solving (default 10)")
    parser.add_argument("--seed", type=int, default=1, help="Timefold's random seed (default 1)")
    parser.add_argument("--mode", choices=["all", "optional"], default="all", help="see the docstring")
    parser.add_argument("--seats", choices=["required+preferred", "required"], default="required+preferred")
    args = parser.parse_args(argv)
    run = solve(
        read_timefold(args.instance), args.time_limit, seed=args.seed, mode=args.mode, seats=args.seats
    )
    print(json.dumps(run.as_json(), ensure_ascii=False))
    return 1 if run.status == "error" else 0


if __name__ == "__main__":
    sys.exit(main())
