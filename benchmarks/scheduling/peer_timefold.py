"""Timefold Solver as a peer: the neutral instance modelled the way Timefold's timetabling examples do.

The model, in Timefold's Python API (which translates the classes and constraint lambdas below to Java
bytecode and runs the Java solver in-process through JPype):

- problem facts `TfSlot` (id, length in minutes) and `TfRoom` (id, seats, features): the value ranges of
  the two planning variables;
- planning entity `TfTalk` with the planning variables `slot` and `room`, both unassigned at the start, so
  that Timefold's default construction heuristic builds the first solution and its default local search
  improves it. A talk fixed to both a slot and a room starts there and is pinned (`PlanningPin`); a talk
  fixed to only one of them is held there by a hard constraint (a pin holds all variables of an entity);
- hard constraints, `ONE_HARD` per broken rule: room double-booked (unique pairs joined on slot and room),
  capacity, missing feature, talk longer than its slot, unavailable slot, speaker clash (unique pairs
  joined on slot, filtered on a precomputed set of the talks that share a speaker), fixed slot, fixed room;
- the soft constraint, the benchmark's objective: unique pairs of talks joined on the slot, filtered to the
  pairs somebody wants both of, penalised by the pair weight of `instance.pair_weights`. Each talk carries
  its row of that table (other talk id -> weight), so the filter and the weight are dictionary lookups.

Solver settings: the default phases, a spent limit of `time_limit_s`, `random_seed=seed`, environment mode
`NO_ASSERT` (reproducible, no assertions; the Python API's default would be `PHASE_ASSERT`). Multithreaded
solving is an enterprise feature: this community build solves on one thread.

Timing: `wall_s` is the whole call: starting the JVM when this call is the one that starts it (once per
process), translating the model to Java (once per process), solving, and reading the result back. The
note gives the JVM start, the setup and the solving time separately.

The result's `objective` is the referee's `conflicts` of the returned placement; the note also carries
Timefold's own score, whose soft part is minus that figure when the model and the referee agree.
Checkpoints (seconds of solving, as Timefold counts them) report the best solution found by then, taken
from Timefold's new-best-solution events during the one run.

Run as a script to solve one instance file and print one line of JSON:

    python benchmarks/scheduling/peer_timefold.py INSTANCE.json --time-limit 10 [--seed 1] [--checkpoint 10]
"""

import argparse
import json
import shutil
import sys
import time
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from types import SimpleNamespace
from typing import Annotated, Any

# Importing the package neither starts the JVM nor translates anything; without it this module does not
# import, which is how run.py tells a peer that is not installed (uv sync --group peers) from one that failed.
import timefold.solver  # noqa: F401
from instance import Instance, PeerResult, conflicts, hard_violations, pair_weights, read_instance

SOLVER = "timefold"


def available() -> str | None:
    """None when the peer can run here, else why not (the timefold package itself is imported above)."""
    if shutil.which("java") is None:
        return "no java on PATH (Timefold needs a JVM, 17 or later)"
    return None


def _start_jvm() -> float:
    """Start the JVM (once per process): the seconds it took, 0.0 when it was already running."""
    import jpype

    if jpype.isJVMStarted():
        return 0.0
    from timefold.solver import init

    begin = time.perf_counter()
    init()
    return time.perf_counter() - begin


@cache
def _model() -> SimpleNamespace:
    """Define the Timefold domain and constraints (needs the JVM; done once per process)."""
    from timefold.solver.domain import (
        PlanningEntityCollectionProperty,
        PlanningId,
        PlanningPin,
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
        HardSoftScore,
        Joiners,
        constraint_provider,
    )

    # eq=False: facts and entities compare by identity, as Timefold expects of them; a generated __eq__
    # (field by field) made the joins on slot and room several times slower.
    @dataclass(eq=False)
    class TfSlot:
        id: Annotated[str, PlanningId]
        minutes: int

    @dataclass(eq=False)
    class TfRoom:
        id: Annotated[str, PlanningId]
        capacity: int
        features: set[str]

    @planning_entity
    @dataclass(eq=False)
    class TfTalk:
        id: Annotated[str, PlanningId]
        duration: int
        expected: int
        clashes: set[str]  # ids of the other talks that share a speaker with this one
        unavailable: set[str]  # slot ids
        requires: set[str]
        fixed_slot: str  # "" when not fixed
        fixed_room: str
        weights: dict[str, int]  # other talk id -> pair weight, only pairs somebody wants both of
        pinned: Annotated[bool, PlanningPin] = False
        slot: Annotated[TfSlot | None, PlanningVariable] = field(default=None)
        room: Annotated[TfRoom | None, PlanningVariable] = field(default=None)

    @planning_solution
    @dataclass(eq=False)
    class TfSchedule:
        slots: Annotated[list[TfSlot], ProblemFactCollectionProperty, ValueRangeProvider]
        rooms: Annotated[list[TfRoom], ProblemFactCollectionProperty, ValueRangeProvider]
        talks: Annotated[list[TfTalk], PlanningEntityCollectionProperty]
        score: Annotated[HardSoftScore | None, PlanningScore] = field(default=None)

    def room_conflict(factory: ConstraintFactory) -> Constraint:
        return (
            factory.for_each_unique_pair(
                TfTalk, Joiners.equal(lambda talk: talk.slot), Joiners.equal(lambda talk: talk.room)
            )
            .penalize(HardSoftScore.ONE_HARD)
            .as_constraint("room double-booked")
        )

    def capacity(factory: ConstraintFactory) -> Constraint:
        return (
            factory.for_each(TfTalk)
            .filter(lambda talk: talk.room.capacity < talk.expected)
            .penalize(HardSoftScore.ONE_HARD)
            .as_constraint("capacity")
        )

    def missing_feature(factory: ConstraintFactory) -> Constraint:
        return (
            factory.for_each(TfTalk)
            .filter(lambda talk: not talk.requires.issubset(talk.room.features))
            .penalize(HardSoftScore.ONE_HARD)
            .as_constraint("missing feature")
        )

    def too_long(factory: ConstraintFactory) -> Constraint:
        return (
            factory.for_each(TfTalk)
            .filter(lambda talk: talk.duration > talk.slot.minutes)
            .penalize(HardSoftScore.ONE_HARD)
            .as_constraint("too long")
        )

    def unavailable(factory: ConstraintFactory) -> Constraint:
        return (
            factory.for_each(TfTalk)
            .filter(lambda talk: talk.slot.id in talk.unavailable)
            .penalize(HardSoftScore.ONE_HARD)
            .as_constraint("unavailable slot")
        )

    def speaker_clash(factory: ConstraintFactory) -> Constraint:
        return (
            factory.for_each_unique_pair(
                TfTalk,
                Joiners.equal(lambda talk: talk.slot),
                Joiners.filtering(lambda a, b: b.id in a.clashes),
            )
            .penalize(HardSoftScore.ONE_HARD)
            .as_constraint("speaker clash")
        )

    def fixed_slot(factory: ConstraintFactory) -> Constraint:
        return (
            factory.for_each(TfTalk)
            .filter(lambda talk: talk.fixed_slot != "" and talk.slot.id != talk.fixed_slot)
            .penalize(HardSoftScore.ONE_HARD)
            .as_constraint("fixed slot")
        )

    def fixed_room(factory: ConstraintFactory) -> Constraint:
        return (
            factory.for_each(TfTalk)
            .filter(lambda talk: talk.fixed_room != "" and talk.room.id != talk.fixed_room)
            .penalize(HardSoftScore.ONE_HARD)
            .as_constraint("fixed room")
        )

    def attendance_conflict(factory: ConstraintFactory) -> Constraint:
        return (
            factory.for_each_unique_pair(
                TfTalk,
                Joiners.equal(lambda talk: talk.slot),
                Joiners.filtering(lambda a, b: b.id in a.weights),
            )
            .penalize(HardSoftScore.ONE_SOFT, lambda a, b: a.weights[b.id])
            .as_constraint("attendance conflict")
        )

    @constraint_provider
    def constraints(factory: ConstraintFactory) -> list[Constraint]:
        return [
            room_conflict(factory),
            capacity(factory),
            missing_feature(factory),
            too_long(factory),
            unavailable(factory),
            speaker_clash(factory),
            fixed_slot(factory),
            fixed_room(factory),
            attendance_conflict(factory),
        ]

    return SimpleNamespace(
        TfSlot=TfSlot, TfRoom=TfRoom, TfTalk=TfTalk, TfSchedule=TfSchedule, constraints=constraints
    )


def _problem(instance: Instance, model: SimpleNamespace) -> Any:
    """The instance as an unsolved TfSchedule: only talks fixed to both a slot and a room placed (pinned)."""
    slots = {s.id: model.TfSlot(id=s.id, minutes=s.minutes) for s in instance.slots}
    rooms = {
        r.id: model.TfRoom(id=r.id, capacity=r.capacity, features=set(r.features)) for r in instance.rooms
    }
    rows: dict[str, dict[str, int]] = {t.id: {} for t in instance.talks}
    for (a, b), weight in pair_weights(instance).items():
        if weight:
            rows[a][b] = weight
            rows[b][a] = weight
    by_speaker: dict[str, set[str]] = {}
    for t in instance.talks:
        for speaker in t.speakers:
            by_speaker.setdefault(speaker, set()).add(t.id)
    talks = []
    for t in instance.talks:
        talk = model.TfTalk(
            id=t.id,
            duration=t.duration_min,
            expected=t.expected,
            clashes=set().union(*(by_speaker[s] for s in t.speakers)) - {t.id},
            unavailable=set(t.unavailable_slots),
            requires=set(t.requires),
            fixed_slot=t.fixed_slot or "",
            fixed_room=t.fixed_room or "",
            weights=rows[t.id],
        )
        if t.fixed_slot in slots and t.fixed_room in rooms:
            talk.slot, talk.room, talk.pinned = slots[t.fixed_slot], rooms[t.fixed_room], True
        talks.append(talk)
    return model.TfSchedule(slots=list(slots.values()), rooms=list(rooms.values()), talks=talks)


def _placement(solution: Any) -> dict[str, tuple[str, str]]:
    return {
        talk.id: (talk.slot.id, talk.room.id)
        for talk in solution.talks
        if talk.slot is not None and talk.room is not None
    }


Best = tuple[int, str, Any]  # (millisecond of solving it was found at, Timefold's score, the Java solution)


@dataclass
class _Checkpoints:
    """For each checkpoint (milliseconds of solving), the best solution Timefold had found by then.

    Timefold announces every new best solution, a fresh clone it does not touch again. This keeps the
    latest one and, when an announcement comes after a checkpoint, gives that checkpoint the one before.
    Only the Java objects are kept; they are converted back to Python once solving has ended.
    """

    times_ms: list[int]
    taken: dict[int, Best | None] = field(default_factory=dict)  # None: nothing complete by then
    latest: Best | None = None
    improvements: int = 0

    def announce(self, millis: int, score: str, solution: Any) -> None:
        self.improvements += 1
        for checkpoint in self.times_ms:
            if checkpoint not in self.taken and millis > checkpoint:
                self.taken[checkpoint] = self.latest
        self.latest = (millis, score, solution)

    def finish(self, solved_ms: int) -> None:
        for checkpoint in self.times_ms:
            if checkpoint not in self.taken and checkpoint <= solved_ms:
                self.taken[checkpoint] = self.latest


def _listen(solver: Any, checkpoints: _Checkpoints) -> None:
    """Record new best solutions with a listener on the Java solver itself: the Python API's
    `Solver.add_event_listener` converts every new best solution to Python as it comes, on the solver's
    thread, which would take time from solving."""
    from ai.timefold.solver.core.api.solver.event import SolverEventListener
    from jpype import JImplements, JOverride

    @JImplements(SolverEventListener)
    class Recorder:
        @JOverride
        def bestSolutionChanged(self, event: Any) -> None:  # the Java interface's method name
            if event.isNewBestSolutionInitialized():
                checkpoints.announce(
                    int(event.getTimeMillisSpent()), str(event.getNewBestScore()), event.getNewBestSolution()
                )

    solver._delegate.addEventListener(Recorder())  # the Java solver behind the Python wrapper


def _hard_of(score: str) -> int | None:
    """The hard part of a HardSoftScore text such as "-2hard/-40soft" (None if there is none)."""
    try:
        return int(score.split("hard", 1)[0].rsplit("/", 1)[-1])
    except ValueError:
        return None


def _result(
    instance: Instance, placement: Mapping[str, tuple[str, str]], score: str, wall_s: float, note: str
) -> PeerResult:
    hard = _hard_of(score)
    violations = hard_violations(instance, placement)
    complete = len(placement) == len(instance.talks)
    # Local search proves nothing: without a feasible placement the status is "unknown", not "infeasible".
    status = "feasible" if hard == 0 and complete and not violations else "unknown"
    parts = [f"timefold score {score}"]
    if hard == 0 and violations:
        parts.append(f"MODEL MISMATCH: Timefold feasible, the referee finds {len(violations)} violation(s)")
    elif hard is not None and hard < 0:
        parts.append(f"no feasible placement found ({-hard} hard penalties)")
    if not complete:
        parts.append(f"{len(instance.talks) - len(placement)} talk(s) unplaced")
    return PeerResult(
        solver=SOLVER,
        instance=instance.name,
        wall_s=round(wall_s, 3),
        status=status,
        placement=dict(placement),
        objective=conflicts(instance, {t: cell[0] for t, cell in placement.items()}) if complete else None,
        note="; ".join([*parts, note]),
    )


def solve_with_checkpoints(
    instance: Instance, time_limit_s: float, seed: int, checkpoints: Sequence[float] = ()
) -> list[PeerResult]:
    """Solve once for `time_limit_s` seconds. One result per checkpoint below the limit (seconds of
    solving) that had a complete solution by then, with the best solution found by then and `wall_s` set
    to the checkpoint; then the final result. Never raises: a failure is one result with status "error"."""
    begin = time.perf_counter()
    try:
        return _solve(instance, time_limit_s, seed, checkpoints, begin)
    except Exception as error:  # the peer reports, it does not take the runner down
        lines = traceback.format_exception_only(error)[-1].strip().splitlines()
        return [
            PeerResult(
                solver=SOLVER,
                instance=str(getattr(instance, "name", "?")),
                wall_s=round(time.perf_counter() - begin, 3),
                status="error",
                placement={},
                objective=None,
                note=(lines[0] if lines else type(error).__name__)[:2000],
            )
        ]


def solve(
    instance: Instance, time_limit_s: float, seed: int, checkpoints: Sequence[float] = ()
) -> PeerResult:
    """Solve `instance` with Timefold for `time_limit_s` seconds: the best placement found. The objective
    at each checkpoint (seconds of solving) is added to the note. Never raises."""
    *marks, final = solve_with_checkpoints(instance, time_limit_s, seed, checkpoints)
    if not marks:
        return final
    listed = ", ".join(f"{mark.wall_s:g} s: {mark.objective}" for mark in marks)
    return PeerResult(
        solver=final.solver,
        instance=final.instance,
        wall_s=final.wall_s,
        status=final.status,
        placement=final.placement,
        objective=final.objective,
        note=f"{final.note}; objective at checkpoints {listed}",
    )


def _solve(
    instance: Instance, time_limit_s: float, seed: int, checkpoints: Sequence[float], begin: float
) -> list[PeerResult]:
    reason = available()
    if reason is not None:
        raise RuntimeError(reason)
    jvm_s = _start_jvm()
    from _jpyinterpreter import unwrap_python_like_object
    from timefold.solver import SolverFactory
    from timefold.solver.config import (
        Duration,
        EnvironmentMode,
        ScoreDirectorFactoryConfig,
        SolverConfig,
        TerminationConfig,
    )

    model = _model()
    config = SolverConfig(
        solution_class=model.TfSchedule,
        entity_class_list=[model.TfTalk],
        score_director_factory_config=ScoreDirectorFactoryConfig(
            constraint_provider_function=model.constraints
        ),
        termination_config=TerminationConfig(spent_limit=Duration(milliseconds=round(time_limit_s * 1000))),
        environment_mode=EnvironmentMode.NO_ASSERT,
        random_seed=seed,
    )
    solver = SolverFactory.create(config).build_solver()
    marks = _Checkpoints(sorted({round(c * 1000) for c in checkpoints if 0 < c < time_limit_s}))
    _listen(solver, marks)
    problem = _problem(instance, model)
    started = time.perf_counter()
    solution = solver.solve(problem)
    solving_s = time.perf_counter() - started
    marks.finish(round(solving_s * 1000))

    results = []
    for checkpoint in marks.times_ms:
        best = marks.taken.get(checkpoint)
        if best is None:
            continue
        millis, score, java_solution = best
        placement = _placement(unwrap_python_like_object(java_solution))
        note = f"best at {checkpoint / 1000:g} s of solving (found at {millis / 1000:.2f} s)"
        results.append(_result(instance, placement, score, checkpoint / 1000, note))
    wall_s = time.perf_counter() - begin
    timing = (
        f"jvm start {jvm_s:.2f} s ({'this call' if jvm_s else 'earlier'}); "
        f"setup {started - begin - jvm_s:.2f} s; solving {solving_s:.2f} s; "
        f"{marks.improvements} new best solutions; single-threaded (community edition)"
    )
    score = "none" if solution.score is None else str(solution.score)
    results.append(_result(instance, _placement(solution), score, wall_s, timing))
    return results


def _as_json(result: PeerResult) -> dict[str, Any]:
    return {
        "solver": result.solver,
        "instance": result.instance,
        "wall_s": result.wall_s,
        "status": result.status,
        "objective": result.objective,
        "note": result.note,
        "placement": {talk: list(cell) for talk, cell in sorted(result.placement.items())},
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Solve a neutral scheduling instance with Timefold Solver.")
    parser.add_argument("instance", help="instance JSON file (see generate.py)")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds of solving (default 10)")
    parser.add_argument("--seed", type=int, default=1, help="Timefold's random seed (default 1)")
    parser.add_argument(
        "--checkpoint",
        type=float,
        action="append",
        default=[],
        help="also report the best solution at this many seconds of solving (repeatable)",
    )
    args = parser.parse_args(argv)
    instance = read_instance(args.instance)
    *marks, final = solve_with_checkpoints(instance, args.time_limit, args.seed, args.checkpoint)
    line = _as_json(final)
    if args.checkpoint:
        line["checkpoints"] = [_as_json(mark) for mark in marks]
    print(json.dumps(line, ensure_ascii=False))
    return 1 if final.status == "error" else 0


if __name__ == "__main__":
    sys.exit(main())
