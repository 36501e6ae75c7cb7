"""Schedule a day: choose slots (`search.py`, or for a repair the slot model of `model.py` directly), seat
them (`rooms.py`), check the plan with the very rules `netwerkdag check` uses (`rules.py`), and explain a
day that has no plan (`explain.py`)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from netwerkdag.core.event import Event
from netwerkdag.core.interests import Interests
from netwerkdag.core.sessions import Pin
from netwerkdag.scheduling import explain, plan, report, rooms, search
from netwerkdag.scheduling.instance import Day, compile_day
from netwerkdag.scheduling.model import Options, Progress, SlotOutcome, solve_slots
from netwerkdag.scheduling.rules import PlanView, Violation, check_plan

#: Room sets found lacking after a solve are added as cuts; a day needs few (features only).
MAX_CUT_ROUNDS = 50
#: Rooms are the second decision (fewer room changes, shorter walks): their model gets at most this long;
#: when it has no answer by then, the matching that proved the slots seatable gives the rooms.
ROOM_SECONDS = 1.0
#: What checking and reporting a plan takes after the rooms (0.2 s on the generated L day, 400 sessions),
#: and the room model's building, kept back from the room model's time when little is left.
AFTER_ROOMS_SECONDS = 0.5


@dataclass(frozen=True, slots=True)
class Result:
    status: str  # optimal | feasible | infeasible | unknown
    event: Event | None  # the plan, when there is one
    objective: int | None  # weighted conflicts
    bound: int | None
    wall_s: float
    moved: tuple[str, ...] = ()
    conflict_pairs: int | None = None
    spread: int | None = None
    explanation: tuple[str, ...] = ()
    violations: tuple[Violation, ...] = field(default_factory=tuple)
    seats: Mapping[str, int] = field(default_factory=dict)

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        return 0.0 if self.objective == 0 else (self.objective - self.bound) / self.objective


def schedule(
    event: Event,
    interests: Interests,
    options: Options,
    progress: Progress | None = None,
) -> Result:
    started = time.monotonic()
    day = compile_day(event, interests)
    fixed = {s.id for s in event.sessions if s.pin is Pin.BOTH}
    broken = [v for v in check_plan(PlanView(event, day.seats)) if v.sessions and set(v.sessions) <= fixed]
    if broken:  # no plan can mend what is pinned
        pinned = tuple(f"pinned parts break the rule {v.rule}: {v.message}" for v in broken)
        return Result("infeasible", None, None, None, time.monotonic() - started, explanation=pinned)
    if options.repair_from is None:
        found = search.search(day, options, progress, started)
        if found.status not in ("optimal", "feasible") or found.score is None:
            why = tuple(explain.explain(day, options)) if found.status == "infeasible" else ()
            wall = time.monotonic() - started
            return Result(found.status, None, None, None, wall, explanation=why, seats=day.seats)
        outcome = SlotOutcome(
            found.status, dict(found.slot_of), found.score.conflicts, found.bound, found.score.spread
        )
    else:
        repaired = _repair(day, options, started, progress)
        if isinstance(repaired, Result):
            return repaired
        outcome = repaired
    return _seated(event, interests, day, outcome, options, started)


def _repair(day: Day, options: Options, started: float, progress: Progress | None) -> SlotOutcome | Result:
    """Repair: fewest moves first, then fewest conflicts, on the slot model of the whole day; room sets
    that cannot be seated come back as cuts."""
    cuts: list[rooms.Cut] = []
    for _ in range(MAX_CUT_ROUNDS):
        remaining = options.time_limit - (time.monotonic() - started)
        slot_options = Options(
            max(0.1, remaining * 0.9),
            options.workers,
            options.seed,
            options.symmetry_breaking,
            options.repair_from,
        )
        outcome = solve_slots(day, slot_options, [(c.slot, c.rooms, c.limit) for c in cuts], progress)
        if outcome.status not in ("optimal", "feasible"):
            wall = time.monotonic() - started
            why: tuple[str, ...] = ()
            if outcome.status == "infeasible":
                why = tuple(explain.explain(day, options))
            return Result(outcome.status, None, None, None, wall, explanation=why, seats=day.seats)
        cut = rooms.find_cut(day, outcome.slot_of)
        if cut is None:
            return outcome
        cuts.append(cut)
    wall = time.monotonic() - started  # pragma: no cover - a day with fifty lacking room sets
    return Result("unknown", None, None, None, wall, seats=day.seats)  # pragma: no cover


def _seated(
    event: Event, interests: Interests, day: Day, outcome: SlotOutcome, options: Options, started: float
) -> Result:
    """Rooms for the chosen slots, the plan as an event, and its check by the rules of `netwerkdag check`."""
    remaining = options.time_limit - (time.monotonic() - started)
    room_of = rooms.assign_rooms(
        day,
        outcome.slot_of,
        options.repair_from,
        min(ROOM_SECONDS, max(0.2, remaining - AFTER_ROOMS_SECONDS)),
        options.workers,
        options.seed,
    )
    placed = {i: plan.Place(day.slots[t].id, room_of[i]) for i, t in outcome.slot_of.items()}
    planned = plan.apply(event, placed)
    violations = tuple(check_plan(PlanView(planned, day.seats, reference=event)))
    found = report.conflicts(planned, interests)
    before = options.repair_from if options.repair_from is not None else plan.placements(event)
    moved = tuple(plan.moves(before, plan.placements(planned)))
    return Result(
        outcome.status,
        planned,
        report.weighted(found),
        outcome.bound,
        time.monotonic() - started,
        moved,
        len(found),
        outcome.spread,
        violations=violations,
        seats=day.seats,
    )
