"""Schedule a day: choose slots (`search.py`, or for a repair the slot model of `model.py` directly), seat
them (`rooms.py`), check the plan with the very rules `netwerkdag check` uses (`rules/`), and explain a
day that has no plan (`explain.py`)."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from netwerkdag.core.event import Event
from netwerkdag.core.interests import Interests
from netwerkdag.core.sessions import Pin
from netwerkdag.scheduling import explain, plan, repeat, report, rooms, search, tuning
from netwerkdag.scheduling.instance import Day, compile_day
from netwerkdag.scheduling.model import Options, Progress, SlotOutcome, solve_slots
from netwerkdag.scheduling.objective import SolveStatus
from netwerkdag.scheduling.rules import PlanView, Violation, check_plan


@dataclass(frozen=True, slots=True)
class Result:
    status: SolveStatus
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
    #: The sessions run more than once (`Options.repeat_popular`), and why.
    repeated: tuple[repeat.Repeat, ...] = ()

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
    """The best plan of the day found in the options' time, or why there is none. With
    `Options.repeat_popular`, popular sessions get their runs first (`repeat.py`); the plan holds them,
    and the runs added are not counted as moved."""
    if not options.repeat_popular:
        return _schedule(event, interests, options, progress)
    started = time.monotonic()
    event, repeats = repeat.repeat_popular(event, interests)
    spent = time.monotonic() - started
    rest = dataclasses.replace(options, time_limit=max(0.1, options.time_limit - spent))
    result = _schedule(event, interests, rest, progress)
    added = {run for r in repeats for run in r.added}
    moved = tuple(s for s in result.moved if s not in added)
    return dataclasses.replace(result, repeated=repeats, moved=moved, wall_s=result.wall_s + spent)


def _schedule(
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
        wall = time.monotonic() - started
        return Result(SolveStatus.INFEASIBLE, None, None, None, wall, explanation=pinned)
    proven = explain.prove(day)  # counting alone (rules.Rule.prove): no search needed
    if proven:
        wall = time.monotonic() - started
        why = tuple(str(reason) for reason in proven)
        return Result(SolveStatus.INFEASIBLE, None, None, None, wall, explanation=why, seats=day.seats)
    if options.repair_from is None:
        found = search.search(day, options, progress, started)
        if not found.status.has_plan or found.score is None:
            why = tuple(explain.explain(day, options)) if found.status is SolveStatus.INFEASIBLE else ()
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
    for _ in range(tuning.MAX_CUT_ROUNDS):
        remaining = options.time_limit - (time.monotonic() - started)
        slot_options = dataclasses.replace(options, time_limit=max(0.1, remaining * 0.9))
        outcome = solve_slots(day, slot_options, [(c.slot, c.rooms, c.limit) for c in cuts], progress)
        if not outcome.status.has_plan:
            wall = time.monotonic() - started
            why: tuple[str, ...] = ()
            if outcome.status is SolveStatus.INFEASIBLE:
                why = tuple(explain.explain(day, options))
            return Result(outcome.status, None, None, None, wall, explanation=why, seats=day.seats)
        cut = rooms.find_cut(day, outcome.slot_of)
        if cut is None:
            return outcome
        cuts.append(cut)
    wall = time.monotonic() - started  # pragma: no cover - a day with fifty lacking room sets
    return Result(SolveStatus.UNKNOWN, None, None, None, wall, seats=day.seats)  # pragma: no cover


def _seated(
    event: Event, interests: Interests, day: Day, outcome: SlotOutcome, options: Options, started: float
) -> Result:
    """Rooms for the chosen slots, the plan as an event, and its check by the rules of `netwerkdag check`."""
    remaining = options.time_limit - (time.monotonic() - started)
    room_of = rooms.assign_rooms(
        day,
        outcome.slot_of,
        options.repair_from,
        min(tuning.ROOM_SECONDS, max(0.2, remaining - tuning.AFTER_ROOMS_SECONDS)),
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


def result_dict(result: Result) -> dict[str, Any]:
    """A result as plain data, for `netwerkdag schedule --json` and the web's run page: the status, the
    weighted conflicts (`objective`), the person-pairs in conflict (`conflicts`), the proven lower bound
    and the gap, the seconds, the sessions moved, why a day has no plan, and the rules a plan breaks (none:
    the checker is the referee of every plan, so one here is a bug). With `--repeat-popular`, also the
    sessions run more than once and why (`repeated`)."""
    found: dict[str, Any] = {
        "status": str(result.status),
        "objective": result.objective,
        "conflicts": result.conflict_pairs,
        "bound": result.bound,
        "gap": None if result.gap is None else round(result.gap, 6),
        "wall_s": round(result.wall_s, 3),
        "moved": list(result.moved),
        "explanation": list(result.explanation),
        "violations": [v.message for v in result.violations],
    }
    if result.repeated:
        found["repeated"] = [dict(r.as_dict(), sentence=r.sentence()) for r in result.repeated]
    return found
