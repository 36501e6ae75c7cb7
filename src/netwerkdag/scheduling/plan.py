"""A plan: where each session sits (block and room), and how to move a session to another block.

A moved session keeps its length and its offset from the start of its block: the state secretary's
conversation, 15:00-15:45 in the 15:00-16:00 round, would run 11:40-12:25 in the 11:40-12:40 round.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from netwerkdag.core.event import Event
from netwerkdag.core.sessions import Session
from netwerkdag.core.timegrid import Block, Window


@dataclass(frozen=True, slots=True, order=True)
class Place:
    block: str
    room: str


def placements(event: Event) -> dict[str, Place]:
    """The place of every session that has a block and a room of its own."""
    return {
        s.id: Place(s.block, s.room)
        for s in event.sessions
        if s.block is not None and s.room is not None and not s.venue_wide
    }


def moved_window(event: Event, session: Session, block: Block) -> Window | None:
    """The times `session` would have in `block`, or None when it does not fit there."""
    if session.block is None or not event.has_block(session.block):
        return None
    home = event.block(session.block)
    start = block.start + (session.start - home.start)
    end = start + (session.end - session.start)
    if end > block.end:
        return None
    return Window(start, end)


def _moved(event: Event, session: Session, place: Place) -> Session:
    if place.block == session.block:
        return dataclasses.replace(session, room=place.room)
    window = moved_window(event, session, event.block(place.block))
    start: datetime
    end: datetime
    if window is None:  # does not fit: keep its length, cut at the block's end (a checker finds it)
        block = event.block(place.block)
        start, end = block.start, min(block.end, block.start + (session.end - session.start))
    else:
        start, end = window.start, window.end
    return dataclasses.replace(session, block=place.block, room=place.room, start=start, end=end)


def apply(event: Event, plan: Mapping[str, Place]) -> Event:
    """`event` with the sessions of `plan` in their new places (sessions not in the plan stay)."""
    sessions = tuple(
        _moved(event, s, plan[s.id]) if s.id in plan and plan[s.id] != _place_of(s) else s
        for s in event.sessions
    )
    return dataclasses.replace(event, sessions=sessions)


def _place_of(session: Session) -> Place | None:
    if session.block is None or session.room is None:
        return None
    return Place(session.block, session.room)


def moves(before: Mapping[str, Place], after: Mapping[str, Place]) -> list[str]:
    """The sessions whose block or room differs between two plans, in the order of `after`."""
    return [s for s, place in after.items() if s in before and before[s] != place]
