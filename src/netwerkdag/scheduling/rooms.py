"""Rooms for sessions whose slots are chosen.

First a matching per slot proves that every session gets a room it may use; where none exists, the set of
sessions that cannot all be seated (Hall's condition, found by the alternating paths of a maximum
matching) becomes a cut for the slot model. Then a small CP-SAT model picks the rooms: in repair mode it
keeps each session's previous room where it can; then it keeps people in one room between consecutive
slots (fewer room changes, shorter walks), weighted like conflicts; then it prefers the session's room in
the plan it came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ortools.sat.python import cp_model

from netwerkdag.scheduling.instance import Day, Item
from netwerkdag.scheduling.plan import Place


@dataclass(frozen=True, slots=True)
class Cut:
    """At most `limit` of the sessions that can only use rooms of `rooms` fit in slot `slot`."""

    slot: int
    rooms: frozenset[str]
    limit: int


def _free(day: Day, item: Item, t: int) -> list[str]:
    held = day.held_rooms[t]
    return sorted(r for r in item.rooms if r not in held)


def _match(day: Day, items: list[Item], t: int) -> tuple[dict[str, str], Cut | None]:
    """A maximum matching of `items` (all in slot `t`) to free rooms, by augmenting paths; when some item
    stays unmatched, the Hall set that proves it, as a cut."""
    room_of: dict[str, str] = {}
    item_in: dict[str, str] = {}

    def augment(item: Item, seen: set[str]) -> bool:
        for room in _free(day, item, t):
            if room in seen:
                continue
            seen.add(room)
            holder = item_in.get(room)
            if holder is None or augment(by_id[holder], seen):
                item_in[room] = item.id
                room_of[item.id] = room
                return True
        return False

    by_id = {i.id: i for i in items}
    for item in sorted(items, key=lambda i: len(i.rooms)):
        if not augment(item, set()):
            reached_items, reached_rooms = {item.id}, set()
            frontier = [item]
            while frontier:
                current = frontier.pop()
                for room in _free(day, current, t):
                    if room in reached_rooms:
                        continue
                    reached_rooms.add(room)
                    holder = item_in.get(room)
                    if holder is not None and holder not in reached_items:
                        reached_items.add(holder)
                        frontier.append(by_id[holder])
            return room_of, Cut(t, frozenset(reached_rooms | set(day.held_rooms[t])), len(reached_rooms))
    return room_of, None


def find_cut(day: Day, slot_of: Mapping[str, int]) -> Cut | None:
    for t in range(len(day.slots)):
        items = [i for i in day.items if slot_of.get(i.id) == t]
        _, cut = _match(day, items, t)
        if cut is not None:
            return cut
    return None


def assign_rooms(
    day: Day,
    slot_of: Mapping[str, int],
    previous: Mapping[str, Place] | None,
    time_limit: float,
    workers: int,
    seed: int,
) -> dict[str, str]:
    """Rooms for every item, given its slot (which `find_cut` has shown to be seatable)."""
    model = cp_model.CpModel()
    r: dict[tuple[str, str], cp_model.IntVar] = {}
    for item in day.items:
        t = slot_of[item.id]
        lits = []
        for room in _free(day, item, t):
            r[(item.id, room)] = model.new_bool_var(f"r[{item.id},{room}]")
            lits.append(r[(item.id, room)])
        model.add_exactly_one(lits)
    for t in range(len(day.slots)):
        for venue_room in day.event.rooms:
            key = venue_room.id
            in_room = [r[(i.id, key)] for i in day.items if slot_of[i.id] == t and (i.id, key) in r]
            if len(in_room) > 1:
                model.add_at_most_one(in_room)
    costs: list[tuple[int, cp_model.IntVar]] = []
    walk_scale = 2  # above the home-room preference of 1
    keep = 1 + walk_scale * sum(day.pair_weights.values()) + len(day.items)  # outweighs all walks
    for item in day.items:
        before = (previous or {}).get(item.id)
        t = slot_of[item.id]
        if before is not None and before.block == day.slots[t].id and (item.id, before.room) in r:
            costs.append((-keep, r[(item.id, before.room)]))
        if item.home is not None and (item.id, item.home.room) in r:
            costs.append((-1, r[(item.id, item.home.room)]))
    items = {i.id: i for i in day.items}
    for (a, b), weight in day.pair_weights.items():
        if a not in items or b not in items:
            continue
        ta, tb = slot_of[a], slot_of[b]
        if abs(ta - tb) != 1:
            continue
        first, second = (day.slots[ta], day.slots[tb]) if ta < tb else (day.slots[tb], day.slots[ta])
        if first.start.date() != second.start.date():
            continue
        for venue_room in day.event.rooms:
            key = venue_room.id
            if (a, key) in r and (b, key) in r:
                same = model.new_bool_var("")
                model.add_implication(same, r[(a, key)])
                model.add_implication(same, r[(b, key)])
                costs.append((-walk_scale * weight, same))
    if costs:
        model.minimize(sum(c * v for c, v in costs))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.2, time_limit)
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # The matching proved a seating exists; fall back to it if the time ran out first.
        rooms: dict[str, str] = {}
        for t in range(len(day.slots)):
            matched, _ = _match(day, [i for i in day.items if slot_of[i.id] == t], t)
            rooms.update(matched)
        return rooms
    return {item_id: room for (item_id, room), var in r.items() if solver.boolean_value(var)}
