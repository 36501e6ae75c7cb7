"""Repeating popular sessions (`netwerkdag schedule --repeat-popular`): when more people are expected at a
meeting than the largest room that can hold it seats, the meeting runs more than once.

The expected demand is the seats the room-capacity rule asks for (`instance.seats_needed`: the session's
own `expected_attendance`, else its interests by `interests.show_up_rate`, plus the event's margin). A
session whose demand exceeds the largest room that can hold it (not shared, with every feature it
requires) gets as many runs as that room needs to seat everyone, and at most one per parallel round: the
copies are named ``<id>-2``, ``<id>-3`` ... (the next free number), have the session's participants but a
guest bound to a time (a guest with availability stays with the first run only), may go anywhere
(`pin: false`), and share a `topic` with it (its own, else its id). Each run then expects an equal share
of the demand (`expected_attendance`), and the scheduler places them as usual; the rule `topic-runs`
keeps them in different rounds.

Only sessions the scheduler places are repeated (in a parallel round, in a room, not pinned to a room or
in place), and not those already one of several runs of a topic. Pure: an event in, an event out.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from netwerkdag.core.event import Event
from netwerkdag.core.interests import Interests
from netwerkdag.core.sessions import ParticipantRole, Pin, Session
from netwerkdag.scheduling.instance import parallel_blocks, seats_needed
from netwerkdag.scheduling.topics import runs_by_topic

#: The longest id an event file accepts (`files.schema.Id`).
MAX_ID_LENGTH = 80


@dataclass(frozen=True, slots=True)
class Repeat:
    """A session the scheduler runs more than once, and why: `demand` seats expected in all, the largest
    room that can hold it seats `largest`."""

    session: str
    topic: str
    #: Every run, the session first.
    runs: tuple[str, ...]
    demand: int
    largest: int
    seats_per_run: int

    @property
    def added(self) -> tuple[str, ...]:
        return self.runs[1:]

    def sentence(self) -> str:
        runs = ", ".join(f"'{r}'" for r in self.runs)
        return (
            f"'{self.session}' runs {len(self.runs)} times ({runs}, "
            f"topic '{self.topic}'): {self.demand} expected, the largest room that can hold it seats "
            f"{self.largest}; {self.seats_per_run} per run"
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "session": self.session,
            "topic": self.topic,
            "runs": list(self.runs),
            "demand": self.demand,
            "largest_room": self.largest,
            "seats_per_run": self.seats_per_run,
        }


def _largest_room(event: Event, session: Session) -> int | None:
    fitting = [r.capacity for r in event.rooms if not r.shared and session.requires <= r.features]
    return max(fitting, default=None)


def _repeatable(session: Session, parallel: frozenset[str], in_topics: frozenset[str]) -> bool:
    """A session the scheduler places that is not yet a run of a topic (nor a topic of other sessions)."""
    return (
        session.block in parallel
        and session.room is not None
        and not session.venue_wide
        and not session.all_day
        and not session.pin.keeps_room
        and session.id not in in_topics
    )


def _new_ids(session: Session, count: int, taken: set[str]) -> list[str] | None:
    found: list[str] = []
    n = 2
    while len(found) < count:
        candidate = f"{session.id}-{n}"
        if len(candidate) > MAX_ID_LENGTH:
            return None
        if candidate not in taken:
            found.append(candidate)
        n += 1
    return found


def _copy(event: Event, session: Session, run_id: str, topic: str, seats: int) -> Session:
    bound_guests = {
        p.person
        for p in session.participants
        if p.role is ParticipantRole.GUEST and p.person in event.availability
    }
    return dataclasses.replace(
        session,
        id=run_id,
        topic=topic,
        pin=Pin.FREE,
        participants=tuple(p for p in session.participants if p.person not in bound_guests),
        combined_with=(),
        expected_attendance=seats,
    )


def repeat_popular(event: Event, interests: Interests) -> tuple[Event, tuple[Repeat, ...]]:
    """`event` with the runs added that its popular sessions need (after the sessions of the file, each
    session's copies in order), and what was repeated; the event itself when nothing needs a run."""
    rounds = len(parallel_blocks(event))
    if rounds < 2:
        return event, ()
    parallel = frozenset(b.id for b in parallel_blocks(event))
    in_topics = frozenset(run for ids in runs_by_topic(event).values() for run in ids) | frozenset(
        s.topic for s in event.sessions if s.topic is not None and s.topic != s.id
    )
    seats = seats_needed(event, interests)
    taken = {s.id for s in event.sessions}
    changed: dict[str, Session] = {}
    added: list[Session] = []
    repeats: list[Repeat] = []
    for s in event.sessions:
        if not _repeatable(s, parallel, in_topics):
            continue
        largest = _largest_room(event, s)
        demand = seats[s.id]
        if largest is None or largest <= 0 or demand <= largest:
            continue
        count = min(rounds, math.ceil(demand / largest))
        new_ids = _new_ids(s, count - 1, taken)
        if new_ids is None:
            continue
        taken.update(new_ids)
        topic = s.topic or s.id
        per_run = math.ceil(demand / count)
        changed[s.id] = dataclasses.replace(s, topic=topic, expected_attendance=per_run)
        added.extend(_copy(event, s, run_id, topic, per_run) for run_id in new_ids)
        repeats.append(Repeat(s.id, topic, (s.id, *new_ids), demand, largest, per_run))
    if not repeats:
        return event, ()
    sessions = tuple(changed.get(s.id, s) for s in event.sessions) + tuple(added)
    return dataclasses.replace(event, sessions=sessions), tuple(repeats)
