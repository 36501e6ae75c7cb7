"""The hard rules of a plan, each with its name and its check. `netwerkdag check` runs these checks on any
plan (the hand-made programme, or the solver's), and the solver's model (`model.py`) posts each of them
under the same name: `model.POSTED` lists the names it posts, and a test holds the two lists equal.

A rule's check takes the plan (an `Event`) with the seats each session needs, and returns violations:
the rule's name, a sentence, and the sessions and people involved.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from netwerkdag.core.event import Event
from netwerkdag.core.invariants import plan_problems
from netwerkdag.core.sessions import Session
from netwerkdag.core.venue import Room
from netwerkdag.scheduling.plan import Place, placements


@dataclass(frozen=True, slots=True)
class Violation:
    rule: str
    message: str
    sessions: tuple[str, ...] = ()
    people: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PlanView:
    """What a check looks at: the plan, the seats each session needs, and (for pins) the plan it came
    from; without one, the plan is its own reference and pins hold."""

    event: Event
    seats: Mapping[str, int]
    reference: Event | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    summary: str
    check: Callable[[PlanView], list[Violation]]


def _hhmm(s: Session) -> str:
    return f"{s.start:%H:%M}-{s.end:%H:%M}"


def _from_invariants(code: str) -> Callable[[PlanView], list[Violation]]:
    def check(view: PlanView) -> list[Violation]:
        event = view.event
        found = []
        for problem in plan_problems(event):
            if problem.code != code:
                continue
            index = problem.path[2] if len(problem.path) > 2 else None
            session = event.sessions[index] if isinstance(index, int) else None
            people: tuple[str, ...] = ()
            if session is not None and "participants" in problem.path:
                k = problem.path[problem.path.index("participants") + 1]
                if isinstance(k, int):
                    people = (session.participants[k].person,)
            found.append(Violation(code, problem.message, problem.sessions, people))
        return found

    return check


def _room(event: Event, s: Session) -> Room | None:
    """The session's room; None for the whole venue or a room the event no longer has (a repair)."""
    if s.venue_wide or s.room is None or not event.has_room(s.room):
        return None
    return event.room(s.room)


def _room_capacity(view: PlanView) -> list[Violation]:
    event, found = view.event, []
    for s in event.sessions:
        room = _room(event, s)
        if room is None or room.shared:
            continue
        needed = view.seats.get(s.id, 0)
        if needed > room.capacity:
            found.append(
                Violation(
                    "room-capacity",
                    f"'{s.id}' expects {needed} people (with the margin) but '{room.id}' seats "
                    f"{room.capacity}",
                    (s.id,),
                )
            )
    return found


def _room_features(view: PlanView) -> list[Violation]:
    event, found = view.event, []
    for s in event.sessions:
        room = _room(event, s)
        missing = sorted(s.requires - room.features) if room is not None else []
        if missing:
            found.append(
                Violation(
                    "room-features",
                    f"'{s.id}' needs {', '.join(missing)}, which '{room.id if room else '?'}' lacks",
                    (s.id,),
                )
            )
    return found


def _session_order(view: PlanView) -> list[Violation]:
    event, found = view.event, []
    for s in event.sessions:
        for before in s.after:
            if not event.has_session(before):
                continue
            other = event.session(before)
            if s.start < other.end:
                found.append(
                    Violation(
                        "session-order",
                        f"'{s.id}' ({_hhmm(s)}) must start after '{before}' ({_hhmm(other)}) ends",
                        (before, s.id),
                    )
                )
    return found


def _not_parallel(view: PlanView) -> list[Violation]:
    event, found = view.event, []
    for s in event.sessions:
        for other_id in s.not_parallel_with:
            if not event.has_session(other_id):
                continue
            other = event.session(other_id)
            if s.window.overlaps(other.window):
                found.append(
                    Violation(
                        "not-parallel",
                        f"'{s.id}' ({_hhmm(s)}) and '{other_id}' ({_hhmm(other)}) must not run at the same "
                        "time",
                        (s.id, other_id),
                    )
                )
    return found


def _pinned(view: PlanView) -> list[Violation]:
    if view.reference is None:
        return []
    before: dict[str, Place] = placements(view.reference)
    after = placements(view.event)
    found = []
    for s in view.reference.sessions:
        if s.id not in before or s.id not in after:
            continue
        was, now = before[s.id], after[s.id]
        if (s.pin.keeps_block and was.block != now.block) or (s.pin.keeps_room and was.room != now.room):
            found.append(
                Violation(
                    "pinned",
                    f"'{s.id}' is pinned ({s.pin.value}) at {was.block}/{was.room} but the plan puts it at "
                    f"{now.block}/{now.room}",
                    (s.id,),
                )
            )
    return found


RULES: tuple[Rule, ...] = (
    Rule(
        "room-double-booked",
        "one session per room at a time, unless the room is shared or the sessions are combined",
        _from_invariants("room-double-booked"),
    ),
    Rule(
        "person-double-booked",
        "a chair, speaker, guest, host or moderator is in one session at a time",
        _from_invariants("person-double-booked"),
    ),
    Rule(
        "person-unavailable",
        "a person with a part in a session is there while it runs (their availability windows)",
        _from_invariants("person-unavailable"),
    ),
    Rule(
        "room-capacity",
        "a room seats the session's expected attendance plus the margin",
        _room_capacity,
    ),
    Rule("room-features", "a room has every feature the session requires", _room_features),
    Rule("session-order", "a session starts after the sessions in its `after` list end", _session_order),
    Rule("not-parallel", "sessions in `not_parallel_with` do not overlap in time", _not_parallel),
    Rule("pinned", "a pinned session keeps its block, its room, or both", _pinned),
)


def check_plan(view: PlanView) -> list[Violation]:
    return [v for rule in RULES for v in rule.check(view)]
