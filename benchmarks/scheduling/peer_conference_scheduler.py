"""Peer: PyCon UK's `conference_scheduler` 3.0.1 (MILP through PuLP and its bundled CBC).

    python benchmarks/scheduling/peer_conference_scheduler.py INSTANCE.json --time-limit 60 [--seed 0]

prints one line of JSON: the `PeerResult` of one run. The runner imports `solve` instead.

How the neutral instance maps onto the library
----------------------------------------------
The library schedules `Event`s into `Slot`s, where one library slot is one room at one time (venue,
starts_at, duration, capacity, session). So every (slot, room) cell of the instance becomes one library
slot: venue = room id, starts_at = the slot's day and start, duration = the slot's length, capacity = the
room's seats, session = the slot's day (the session is a label only; the MILP does not read it). Every
talk becomes one `Event` named by its talk id, with duration = duration_min and demand = expected.

The library's MILP (built by `conference_scheduler.lp_problem.constraints.all_constraints`, the same
generator `scheduler.solution` uses) has binary x[event, slot] and these hard constraints:

- every event in exactly one slot, at most one event per slot (= one talk per room per time);
- x = 0 where the event is longer than the slot (`duration`: our `too-long` rule, native);
- x = 0 where the slot is in the event's `unavailability`;
- two events that are unavailable for each other (listed in each other's `unavailability`, or sharing a
  tag) are never in two *concurrent* slots, concurrent meaning one slot's time lies within the other's.
  Instance slots are disjoint in time, so the cells of one slot are concurrent and no others are.

What each of our hard rules becomes:

- unavailable slots: every cell of each unavailable slot goes into the event's `unavailability`;
- speakers: two talks that share a speaker list each other in their `unavailability` (mutual, because
  the library only emits the clash constraint for an event whose own `unavailability` is non-empty,
  and only for the ordered pair "this event in the earlier cell"; tags alone would therefore be enforced
  in one direction only for events without unavailability);
- capacity: NOT a hard constraint of the library: `Slot.capacity` and `Event.demand` only enter its
  objective functions and the `demand * x - capacity <= beta` rows, where beta is free unless the
  equity objective minimises it. So cells whose room seats fewer than `expected` go into the event's
  `unavailability` (demand and capacity are still filled in faithfully);
- required features, fixed slot, fixed room: the library has no notion of them; the cells they exclude
  go into the event's `unavailability` too.

Objective: none. `scheduler.solution` takes `objective_function=None` by default, i.e. a pure
feasibility problem, and that is what is solved here. The library's other objectives are
`efficiency_capacity_demand_difference` (sum of demand - capacity over the placement),
`equity_capacity_demand_difference` (the largest demand - capacity) and `number_of_changes` (distance to
an earlier schedule); none of them is about attendees, and it has no attendee-pair objective. Our pair
weights could only be written as shared tags, which are hard clashes, not weighted costs, so they are
not passed at all. The library therefore does NOT optimise our objective: `objective` in the result is
`instance.conflicts` of whatever feasible schedule CBC returns first, and a found schedule has status
"feasible", never "optimal".

Solving: the problem is built exactly as `scheduler.solution` builds it (same variables, same
constraints, including its free `upper_bound` variable and overflow rows), but solved here with
`pulp.PULP_CBC_CMD(timeLimit=..., threads=2)` so that the time limit reaches CBC and an infeasible
problem can be told apart from a timeout (`scheduler.solution` raises the same ValueError for both).
The time limit covers model building: CBC gets what is left of it. The seed goes to CBC as
`randomCbcSeed`. `wall_s` runs from the start of the mapping to the extracted placement.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
import warnings
from collections import defaultdict
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from datetime import time as clock
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from instance import Instance, PeerResult, Status, conflicts, read_instance

SOLVER = "conference_scheduler-3.0.1+cbc"
THREADS = 2
# CBC gets at least this much, even when model building has used up nearly all of the time limit.
MIN_CBC_SECONDS = 1.0


class _OutOfTime(Exception):
    """Model building used up the time limit."""


@dataclasses.dataclass
class _Model:
    events: list[Any]  # conference_scheduler.resources.Event
    slots: list[Any]  # conference_scheduler.resources.Slot
    cells: list[tuple[str, str]]  # library slot index -> (slot id, room id)


def _map_instance(instance: Instance) -> _Model:
    """The library's events and slots for the instance (see the module docstring for the rules)."""
    from conference_scheduler.resources import Event
    from conference_scheduler.resources import Slot as LibSlot

    rooms = {room.id: room for room in instance.rooms}
    slots: list[Any] = []
    cells: list[tuple[str, str]] = []
    for slot in instance.slots:
        starts_at = datetime.combine(date.fromisoformat(slot.day), clock.fromisoformat(slot.start))
        for room in instance.rooms:
            lib_slot = LibSlot(
                venue=room.id,
                starts_at=starts_at,
                duration=slot.minutes,
                capacity=room.capacity,
                session=slot.day,
            )
            slots.append(lib_slot)
            cells.append((slot.id, room.id))

    events: list[Any] = []
    for talk in instance.talks:
        barred: list[Any] = []
        for lib_slot, (slot_id, room_id) in zip(slots, cells, strict=True):
            room = rooms[room_id]
            if (
                slot_id in talk.unavailable_slots
                or room.capacity < talk.expected
                or any(feature not in room.features for feature in talk.requires)
                or (talk.fixed_slot is not None and slot_id != talk.fixed_slot)
                or (talk.fixed_room is not None and room_id != talk.fixed_room)
            ):
                barred.append(lib_slot)
        events.append(
            Event(name=talk.id, duration=talk.duration_min, demand=talk.expected, unavailability=barred)
        )

    # Talks sharing a speaker: mutually unavailable. Event objects refer to each other from here on, so
    # never repr() or hash() them (the library's Event.__repr__/__hash__ would recurse).
    by_speaker: dict[str, list[int]] = defaultdict(list)
    for index, talk in enumerate(instance.talks):
        for speaker in set(talk.speakers):
            by_speaker[speaker].append(index)
    clashing: set[tuple[int, int]] = set()
    for indices in by_speaker.values():
        for i in indices:
            for j in indices:
                if i < j:
                    clashing.add((i, j))
    for i, j in sorted(clashing):
        events[i].add_unavailability(events[j])
        events[j].add_unavailability(events[i])
    return _Model(events=events, slots=slots, cells=cells)


def _constraints(model: _Model, x: Any, beta: Any, deadline: float) -> Iterator[Any]:
    """The library's own constraints, with a check of the deadline between them."""
    from conference_scheduler import lp_problem

    for count, constraint in enumerate(
        lp_problem.constraints.all_constraints(model.events, model.slots, x, beta, "lpsum")
    ):
        if count % 1000 == 0 and time.perf_counter() > deadline:
            raise _OutOfTime
        yield constraint


def _result(
    instance: Instance,
    started: float,
    status: Status,
    *,
    note: str,
    placement: Mapping[str, tuple[str, str]] | None = None,
    objective: int | None = None,
) -> PeerResult:
    return PeerResult(
        solver=SOLVER,
        instance=instance.name,
        wall_s=round(time.perf_counter() - started, 3),
        status=status,
        placement={} if placement is None else placement,
        objective=objective,
        note=note,
    )


def solve(instance: Instance, time_limit_s: float, seed: int) -> PeerResult:
    """Place the instance's talks with conference_scheduler's MILP (feasibility only); never raises."""
    started = time.perf_counter()
    deadline = started + time_limit_s
    try:
        with warnings.catch_warnings():
            # PuLP 3.x announces its 4.0 API on every LpVariable.dicts / PULP_CBC_CMD call.
            warnings.simplefilter("ignore", DeprecationWarning)
            return _solve(instance, time_limit_s, seed, started, deadline)
    except _OutOfTime:
        return _result(
            instance,
            started,
            "error",
            note=f"time limit {time_limit_s:g} s reached while building the library's model",
        )
    except Exception as error:  # a peer never takes the runner down
        return _result(instance, started, "error", note=f"{type(error).__name__}: {error}")


def _solve(instance: Instance, time_limit_s: float, seed: int, started: float, deadline: float) -> PeerResult:
    import pulp
    from conference_scheduler import lp_problem
    from conference_scheduler.resources import Shape

    model = _map_instance(instance)
    # The problem exactly as conference_scheduler.scheduler.solution builds it, objective_function=None.
    problem = pulp.LpProblem()
    x = lp_problem.utils.variables(Shape(len(model.events), len(model.slots)))
    beta = pulp.LpVariable("upper_bound")
    for constraint in _constraints(model, x, beta, deadline):
        problem += constraint.condition

    built = time.perf_counter()
    remaining = max(MIN_CBC_SECONDS, deadline - built)
    cbc = pulp.PULP_CBC_CMD(
        msg=False,
        timeLimit=remaining,
        threads=THREADS,
        options=[f"randomCbcSeed {max(seed, 0)}"],
    )
    problem.solve(cbc)
    solved = time.perf_counter()
    build_and_solve = solved - started
    size = (
        f"{len(model.events)} events x {len(model.slots)} library slots, {len(problem.constraints)} rows; "
        f"build {built - started:.2f} s, CBC {solved - built:.2f} s"
    )

    if problem.status == pulp.LpStatusInfeasible:
        return _result(
            instance, started, "infeasible", note=f"CBC proved the library's model infeasible; {size}"
        )
    if problem.sol_status not in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
        return _result(
            instance,
            started,
            "error",
            note=(
                f"no schedule within the time limit ({build_and_solve:.1f} s used; CBC status "
                f"{pulp.LpStatus[problem.status]}, solution status "
                f"{pulp.LpSolution[problem.sol_status]}); {size}"
            ),
        )

    placement: dict[str, tuple[str, str]] = {}
    for (event_index, slot_index), variable in x.items():
        value = variable.value()
        if value is not None and value > 0.5:
            talk_id = model.events[event_index].name
            if talk_id in placement:
                return _result(instance, started, "error", note=f"CBC placed talk {talk_id!r} twice; {size}")
            placement[talk_id] = model.cells[slot_index]
    missing = [talk.id for talk in instance.talks if talk.id not in placement]
    if missing:
        return _result(instance, started, "error", note=f"CBC left talks unplaced: {', '.join(missing[:5])}")
    score = conflicts(instance, {talk: cell[0] for talk, cell in placement.items()})
    return _result(
        instance,
        started,
        "feasible",
        placement=placement,
        objective=score,
        note=(
            "first feasible schedule of the library's feasibility MILP (objective_function=None); "
            f"our conflicts objective is not optimised; {size}"
        ),
    )


def _result_json(result: PeerResult) -> str:
    data = dataclasses.asdict(result)
    data["placement"] = {talk: list(cell) for talk, cell in sorted(result.placement.items())}
    return json.dumps(data, ensure_ascii=False, sort_keys=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "instance", type=Path, help="instance JSON (benchmarks/scheduling/instance.py format)"
    )
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds, model building included")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    result = solve(read_instance(args.instance), args.time_limit, args.seed)
    print(_result_json(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
