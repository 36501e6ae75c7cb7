"""What the solver decides over, compiled from an event and its interests.

Slots are the day's parallel blocks. A session in a slot is an *item*: movable (pin free, block or room)
or fixed (pinned in both). Fixed sessions elsewhere in the day matter only where they overlap a slot:
they hold a room, or a person, or run at the same time as something people want.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from netwerkdag.core.event import Event
from netwerkdag.core.interests import Interests, expected_attendance
from netwerkdag.core.sessions import PRESENT_ROLES, Pin, Session
from netwerkdag.core.timegrid import Block, BlockKind, Window
from netwerkdag.scheduling.plan import Place, moved_window
from netwerkdag.scheduling.topics import pair_weights


@dataclass(frozen=True, slots=True)
class Item:
    """A session the model places in a slot."""

    session: Session
    index: int
    seats: int
    #: Slot indexes it may take (fits in time; pinned block: just that one).
    slots: tuple[int, ...]
    #: Its window in each slot it may take.
    windows: Mapping[int, Window]
    #: Rooms it may take: big enough, with every feature it needs, not shared (a pinned room: that one).
    rooms: frozenset[str]
    #: Slot and place in the plan it came from.
    home: Place | None

    @property
    def id(self) -> str:
        return self.session.id

    @property
    def pinned_block(self) -> bool:
        return self.session.pin.keeps_block

    @property
    def pinned_room(self) -> bool:
        return self.session.pin.keeps_room


@dataclass(frozen=True, slots=True)
class Day:
    """The compiled instance: slots, items, and what fixed parts and people hold in each slot."""

    event: Event
    interests: Interests
    slots: tuple[Block, ...]
    items: tuple[Item, ...]
    #: Sessions pinned outside the items that overlap a slot: the rooms they hold there.
    held_rooms: Mapping[int, Mapping[str, str]]  # slot -> room -> holding session
    #: Sessions outside the items that overlap a slot.
    fixed_in_slot: Mapping[int, tuple[Session, ...]]
    #: Summed smaller weights of everyone who wants both sessions of a pair (read with topics: `topics.py`).
    pair_weights: Mapping[tuple[str, str], int]
    #: Pairs of items in the same pillar (spread them over the slots).
    pillar_pairs: frozenset[tuple[str, str]]
    seats: Mapping[str, int] = field(default_factory=dict)


def parallel_blocks(event: Event) -> tuple[Block, ...]:
    return tuple(sorted((b for b in event.blocks if b.kind is BlockKind.PARALLEL), key=lambda b: b.start))


def seats_needed(event: Event, interests: Interests) -> dict[str, int]:
    by_session = interests.by_session()
    return {
        s.id: expected_attendance(s, by_session.get(s.id, ()), event.capacity_margin) for s in event.sessions
    }


def candidate_rooms(event: Event, session: Session, seats: int) -> frozenset[str]:
    """Rooms the session may take: big enough, with every feature it needs, not shared; a pinned room
    only if it is all of that (else none: the day has no plan, and `explain` says why)."""
    fitting = frozenset(
        r.id for r in event.rooms if not r.shared and r.capacity >= seats and session.requires <= r.features
    )
    if session.pin.keeps_room and session.room is not None:
        return fitting & {session.room}
    return fitting


def compile_day(event: Event, interests: Interests) -> Day:
    slots = parallel_blocks(event)
    slot_index = {b.id: t for t, b in enumerate(slots)}
    seats = seats_needed(event, interests)
    items: list[Item] = []
    outside: list[Session] = []
    for s in event.sessions:
        in_slot = s.block in slot_index and s.room is not None and not s.venue_wide and not s.all_day
        if not in_slot or s.pin is Pin.BOTH:
            outside.append(s)
            continue
        home = Place(s.block, s.room) if s.block and s.room else None
        if s.pin.keeps_block:
            allowed = [slot_index[s.block]] if s.block in slot_index else []
        else:
            allowed = list(range(len(slots)))
        windows = {t: w for t in allowed if (w := moved_window(event, s, slots[t])) is not None}
        items.append(
            Item(
                session=s,
                index=len(items),
                seats=seats[s.id],
                slots=tuple(t for t in allowed if t in windows),
                windows=windows,
                rooms=candidate_rooms(event, s, seats[s.id]),
                home=home,
            )
        )
    held: dict[int, dict[str, str]] = {t: {} for t in range(len(slots))}
    fixed_in_slot: dict[int, list[Session]] = {t: [] for t in range(len(slots))}
    for s in outside:
        for t, block in enumerate(slots):
            if not s.window.overlaps(block.window):
                continue
            fixed_in_slot[t].append(s)
            if s.venue_wide or (s.room is None and not s.all_day):
                for r in event.rooms:
                    if not r.shared:
                        held[t].setdefault(r.id, s.id)
            elif s.room is not None and event.has_room(s.room) and not event.room(s.room).shared:
                held[t].setdefault(s.room, s.id)
    item_ids = {i.id for i in items}
    pillar_of = {i.id: p.id for i in items if (p := event.pillar_of(i.session)) is not None}
    pillar_pairs = frozenset(
        (a, b)
        for a in sorted(pillar_of)
        for b in sorted(pillar_of)
        if a < b and pillar_of[a] == pillar_of[b] and a in item_ids and b in item_ids
    )
    return Day(
        event=event,
        interests=interests,
        slots=slots,
        items=tuple(items),
        held_rooms={t: dict(h) for t, h in held.items()},
        fixed_in_slot={t: tuple(f) for t, f in fixed_in_slot.items()},
        pair_weights=pair_weights(event, interests),
        pillar_pairs=pillar_pairs,
        seats=seats,
    )


def present_people(session: Session) -> tuple[str, ...]:
    return session.people_with(*PRESENT_ROLES)
