"""`pinned`: a pinned session keeps its block, its room, or both.

A session pinned in both is no part of the slot model (it is fixed: it holds its room and its people);
one pinned to its block may take that slot only, one pinned to its room that room only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netwerkdag.scheduling.plan import Place, placements
from netwerkdag.scheduling.rules.base import (
    Instance,
    PlanView,
    Reason,
    Rule,
    SlotModel,
    Violation,
    slot_words,
)

if TYPE_CHECKING:
    from netwerkdag.scheduling.instance import Day


class Pinned(Rule):
    name = "pinned"
    summary = "a pinned session keeps its block, its room, or both"

    def check(self, view: PlanView) -> list[Violation]:
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
                message = (
                    f"'{s.id}' is pinned ({s.pin.value}) at {was.block}/{was.room} but the plan puts it at "
                    f"{now.block}/{now.room}"
                )
                found.append(Violation(self.name, message, (s.id,), rooms=(was.room,)))
        return found

    def confine_rooms(self, m: SlotModel) -> None:
        for item in m.day.items:
            if item.pinned_room and item.home is not None:
                room = item.home.room
                m.confine(item.id, frozenset({room}), m.guard(self, (item.id,), rooms=(room,)))

    def restrict_slots(self, m: SlotModel) -> None:
        slot_index = {b.id: t for t, b in enumerate(m.day.slots)}
        for item in m.day.items:
            if item.pinned_block and item.home is not None and item.home.block in slot_index:
                home = slot_index[item.home.block]
                others = [t for t in m.windows[item.id] if t != home]
                if others:
                    m.forbid(item.id, others, m.guard(self, (item.id,), slots=(home,)))

    def prove(self, day: Day) -> list[Reason]:
        found = []
        for item in day.items:
            if item.pinned_room and item.home is not None and not item.rooms:
                room = day.event.room(item.home.room) if day.event.has_room(item.home.room) else None
                why = (
                    f"which seats {room.capacity} of the {item.seats} it expects"
                    if room is not None and room.capacity < item.seats
                    else "which it may not take (shared, or without a feature it needs)"
                )
                sentence = f"'{item.id}' is pinned to room {item.home.room}, {why}"
                found.append(Reason(self.name, sentence, (item.id,)))
        return found

    def describe(self, instance: Instance, day: Day) -> str:
        (session,) = instance.sessions
        if instance.slots:
            return f"'{session}' is pinned to {slot_words(day, instance.slots[0])}"
        return f"'{session}' is pinned to room {instance.rooms[0]}"
