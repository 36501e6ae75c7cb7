"""The rules about rooms: one session per room at a time (`room-double-booked`), a room that seats the
session (`room-capacity`), a room with the features it needs (`room-features`).

In the slot model rooms are not decided: capacity and features confine the rooms each session may take,
and per slot, for each set of rooms some session is confined to, the sessions confined to it may not
outnumber its rooms that no fixed part holds (Hall's condition; docs/decisions/0002-scheduler-model.md).
"""

from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from netwerkdag.core.event import Event
from netwerkdag.core.sessions import Session
from netwerkdag.core.venue import Room
from netwerkdag.scheduling.rules.base import (
    Instance,
    PlanView,
    Reason,
    Rule,
    SlotModel,
    Violation,
    quoted,
    slot_words,
    slots_words,
)

if TYPE_CHECKING:
    from netwerkdag.scheduling.instance import Day

#: When explaining, at most this many room sets get Hall's condition with every combination of the
#: literals that confine the sessions; beyond it, only the sets with all of them (a looser explanation).
EXPLAINED_ROOM_SETS = 48


def _room(event: Event, s: Session) -> Room | None:
    """The session's room; None for the whole venue or a room the event no longer has (a repair)."""
    if s.venue_wide or s.room is None or not event.has_room(s.room):
        return None
    return event.room(s.room)


def _rooms_words(day: Day, rooms: frozenset[str] | tuple[str, ...]) -> str:
    event = day.event
    return ", ".join(f"{r.id} ({r.capacity})" for r in event.rooms if r.id in rooms) or "none"


class RoomDoubleBooked(Rule):
    name = "room-double-booked"
    summary = "one session per room at a time, unless the room is shared or the sessions are combined"

    def check(self, view: PlanView) -> list[Violation]:
        return [
            Violation(self.name, c.problem.message, c.sessions, rooms=(c.room,) if c.room else ())
            for c in view.clashes.overlaps
            if c.code == self.name
        ]

    def restrict_slots(self, m: SlotModel) -> None:
        if m.explaining:
            return  # Hall's condition below counts the held rooms, each through its own literal
        for item in m.day.items:
            rooms = m.rooms_of[item.id]
            full = [t for t in m.windows[item.id] if all(r in m.day.held_rooms[t] for r in rooms)]
            m.forbid(item.id, full, None)

    def post(self, m: SlotModel) -> None:
        if m.explaining:
            self._post_guarded(m)
            return
        day = m.day
        sets = {m.rooms_of[i.id] for i in day.items}
        for t in range(len(day.slots)):
            held = day.held_rooms[t]
            for rooms in sets:
                members = tuple(i.id for i in day.items if m.rooms_of[i.id] <= rooms)
                m.at_most(t, members, len([r for r in rooms if r not in held]))
        for t, rooms, limit in m.cuts:
            m.at_most(t, tuple(i.id for i in day.items if m.rooms_of[i.id] <= rooms), limit)

    def _post_guarded(self, m: SlotModel) -> None:
        """Hall's condition where each confinement of a session and each room a fixed part holds is
        enforced by its own literal: a session counts in a room set when the literals that are on confine
        it there."""
        day, model = m.day, m.model
        held: dict[tuple[int, str], cp_model.IntVar] = {}
        for t, holders in day.held_rooms.items():
            for room, holder in holders.items():
                literal = m.guard(self, (holder,), slots=(t,), rooms=(room,))
                if literal is not None:
                    held[(t, room)] = literal
        ways: dict[str, list[tuple[frozenset[str], tuple[cp_model.IntVar, ...]]]] = {}
        for item in day.items:
            base = m.rooms_of[item.id]
            found = m.confinements.get(item.id, [])
            ways[item.id] = [
                (base.intersection(*(rooms for rooms, _ in chosen)), tuple(g for _, g in chosen))
                for k in range(len(found) + 1)
                for chosen in combinations(found, k)
            ]
        family = {rooms for options in ways.values() for rooms, _ in options}
        if len(family) > EXPLAINED_ROOM_SETS:
            family = {options[-1][0] for options in ways.values()}
        for rooms in sorted(family, key=sorted):
            confined: dict[str, cp_model.IntVar | None] = {}  # None: always confined there
            for item in day.items:
                fits = [gs for r, gs in ways[item.id] if r <= rooms]
                if not fits:
                    continue
                if any(not gs for gs in fits):
                    confined[item.id] = None
                    continue
                there = model.new_bool_var("")
                for gs in fits:
                    model.add_bool_or([*(g.Not() for g in gs), there])
                confined[item.id] = there
            if not confined:
                continue
            limit = m.guard(self, tuple(sorted(confined)), rooms=tuple(sorted(rooms)))
            for t in range(len(day.slots)):
                terms: list[cp_model.IntVar] = []
                for item_id, inside in confined.items():
                    x = m.x.get((item_id, t))
                    if x is None:
                        continue
                    if inside is None:
                        terms.append(x)
                    else:
                        y = model.new_bool_var("")
                        model.add_bool_or([x.Not(), inside.Not(), y])
                        terms.append(y)
                taken = [held[(t, r)] for r in rooms if (t, r) in held]
                if terms and len(terms) + len(taken) > len(rooms):
                    m.enforce(model.add(sum(terms) + sum(taken) <= len(rooms)), limit)

    def prove(self, day: Day) -> list[Reason]:
        """Count, for each set of rooms some session can only use (and for each capacity threshold), the
        sessions that can only use it against its free room-rounds in the rounds they may take."""
        event = day.event
        open_rooms = [r for r in event.rooms if not r.shared]
        family = {i.rooms for i in day.items} | {
            frozenset(r.id for r in open_rooms if r.capacity >= i.seats) for i in day.items
        }
        found: list[Reason] = []
        for rooms in sorted(family, key=lambda rs: (len(rs), sorted(rs))):
            if not rooms:
                continue  # no room at all: `room-capacity`, `room-features` or `pinned` says why
            members = [i for i in day.items if i.rooms and i.rooms <= rooms]  # no room: said elsewhere
            slots = sorted({t for i in members for t in i.slots})
            free = {t: [r for r in sorted(rooms) if r not in day.held_rooms[t]] for t in slots}
            offered = sum(len(f) for f in free.values())
            if len(members) <= offered:
                continue
            ids = tuple(i.id for i in members)
            held = [
                f"{r} is held by '{day.held_rooms[t][r]}' in {day.slots[t].id}"
                for t in slots
                for r in sorted(rooms)
                if r in day.held_rooms[t]
            ]
            sessions = f"{len(members)} sessions" if len(members) > 1 else "1 session"
            sentence = (
                f"{sessions} ({quoted(ids)}) can only use the rooms {_rooms_words(day, rooms)}, "
                f"one session per room at a time, and the rounds they may take ({slots_words(day, slots)}) "
                f"offer {offered} of those rooms"
            ) + (f" ({'; '.join(held)})" if held else "")
            found.append(Reason(self.name, sentence, ids))
            break  # the smallest set that fails says it best
        return found

    def describe(self, instance: Instance, day: Day) -> str:
        if instance.slots:  # a room held by a fixed part
            (t,), (room,) = instance.slots, instance.rooms
            return f"'{instance.sessions[0]}' holds {room} during {slot_words(day, t)}"
        return (
            f"one session at a time in each of the rooms {_rooms_words(day, instance.rooms)}, "
            f"and {quoted(instance.sessions)} can only use those"
        )


class RoomCapacity(Rule):
    name = "room-capacity"
    summary = "a room seats the session's expected attendance plus the margin"

    def check(self, view: PlanView) -> list[Violation]:
        event, found = view.event, []
        for s in event.sessions:
            room = _room(event, s)
            if room is None or room.shared:
                continue
            needed = view.seats.get(s.id, 0)
            if needed > room.capacity:
                message = (
                    f"'{s.id}' expects {needed} people (with the margin) "
                    f"but '{room.id}' seats {room.capacity}"
                )
                found.append(Violation(self.name, message, (s.id,), rooms=(room.id,)))
        return found

    def confine_rooms(self, m: SlotModel) -> None:
        for item in m.day.items:
            fitting = frozenset(r.id for r in m.day.event.rooms if r.capacity >= item.seats)
            m.confine(item.id, fitting, m.guard(self, (item.id,), rooms=tuple(sorted(fitting))))

    def prove(self, day: Day) -> list[Reason]:
        open_rooms = [r for r in day.event.rooms if not r.shared]
        largest = max(open_rooms, key=lambda r: r.capacity, default=None)
        found = []
        for item in day.items:
            if largest is not None and largest.capacity >= item.seats:
                continue
            biggest = (
                f"the largest, {largest.id}, seats {largest.capacity}" if largest else "the day has none"
            )
            sentence = f"'{item.id}' expects {item.seats} people, and no room seats that many ({biggest})"
            found.append(Reason(self.name, sentence, (item.id,)))
        return found

    def describe(self, instance: Instance, day: Day) -> str:
        (session,) = instance.sessions
        fitting = [r for r in instance.rooms if not day.event.room(r).shared]
        return (
            f"'{session}' expects {day.seats.get(session, 0)} people, so it needs a room that seats them: "
            + (_rooms_words(day, tuple(fitting)) if fitting else "no room does")
        )


class RoomFeatures(Rule):
    name = "room-features"
    summary = "a room has every feature the session requires"

    def check(self, view: PlanView) -> list[Violation]:
        event, found = view.event, []
        for s in event.sessions:
            room = _room(event, s)
            missing = sorted(s.requires - room.features) if room is not None else []
            if room is not None and missing:
                message = f"'{s.id}' needs {', '.join(missing)}, which '{room.id}' lacks"
                found.append(Violation(self.name, message, (s.id,), rooms=(room.id,)))
        return found

    def confine_rooms(self, m: SlotModel) -> None:
        for item in m.day.items:
            needs = item.session.requires
            if needs:
                equipped = frozenset(r.id for r in m.day.event.rooms if needs <= r.features)
                m.confine(item.id, equipped, m.guard(self, (item.id,), rooms=tuple(sorted(equipped))))

    def prove(self, day: Day) -> list[Reason]:
        open_rooms = [r for r in day.event.rooms if not r.shared]
        found = []
        for item in day.items:
            needs = item.session.requires
            if needs and not any(needs <= r.features for r in open_rooms):
                sentence = f"'{item.id}' needs {', '.join(sorted(needs))}, and no room has all of that"
                found.append(Reason(self.name, sentence, (item.id,)))
        return found

    def describe(self, instance: Instance, day: Day) -> str:
        (session,) = instance.sessions
        needs = ", ".join(sorted(day.event.session(session).requires))
        return f"'{session}' needs a room with {needs}: {', '.join(instance.rooms) or 'no room has that'}"
