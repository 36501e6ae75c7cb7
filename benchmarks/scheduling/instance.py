"""The neutral scheduling instance that every solver in the benchmark reads, and the referee that scores it.

An instance is a grid of time slots by rooms, a list of talks to place in it, and what people want to
attend. Every solver (our CP-SAT scheduler through its event files, and each peer through its own
adapter) gets the same instance; the referee here (`hard_violations`, `conflicts`) scores each result the
same way, so that figures are comparable whatever the solver reports about itself.

The objective, lower is better, is `conflicts`: for every person and every pair of talks they want that
sit in the same slot, the smaller of the two weights. Slots are disjoint in time, so a person can attend
at most one talk of a slot. Weights are 10 (the person chairs or speaks: must be there), 3 (member: wants
to be there) and 1 (invited: would like to be there).

Instances are stored as JSON (`write_instance` / `read_instance`); the output is deterministic (same
instance, same bytes). This module is a library, not a command: the generator (`generate.py`), the
converters (`convert_*.py`), the peers (`peer_*.py`) and the runner (`run.py`) import it, with
`benchmarks/scheduling` on `sys.path` (each of them puts it there when run as a script):

    from instance import read_instance, hard_violations, conflicts
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

__all__ = [
    "Instance",
    "PeerResult",
    "Room",
    "Slot",
    "Status",
    "Talk",
    "conflicts",
    "hard_violations",
    "overlapping_slots",
    "pair_weights",
    "read_instance",
    "rule_of",
    "write_instance",
]

FORMAT_VERSION = 1

Status = Literal["optimal", "feasible", "infeasible", "unknown", "error"]


def _minute_of_day(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


@dataclass(frozen=True)
class Slot:
    """A time slot: all talks in it run at the same time, one per room."""

    id: str
    day: str  # ISO date, YYYY-MM-DD
    start: str  # HH:MM
    end: str  # HH:MM

    @property
    def minutes(self) -> int:
        """Length of the slot in minutes."""
        return _minute_of_day(self.end) - _minute_of_day(self.start)


@dataclass(frozen=True)
class Room:
    id: str
    capacity: int  # seats
    features: tuple[str, ...] = ()


@dataclass(frozen=True)
class Talk:
    """One session to place: `expected` people come, its speakers must all be there."""

    id: str
    title: str
    duration_min: int
    expected: int  # expected attendance; the room must seat at least this many
    speakers: tuple[str, ...] = ()
    unavailable_slots: tuple[str, ...] = ()
    fixed_slot: str | None = None
    fixed_room: str | None = None
    requires: tuple[str, ...] = ()  # room features the talk needs


@dataclass(frozen=True)
class Instance:
    name: str
    slots: tuple[Slot, ...]
    rooms: tuple[Room, ...]
    talks: tuple[Talk, ...]
    # person id -> talk id -> weight (1..10). A mapping, so the dataclass is frozen but not hashable.
    wants: Mapping[str, Mapping[str, int]]


@dataclass(frozen=True)
class PeerResult:
    """What one solver run produced; `placement` maps talk id -> (slot id, room id)."""

    solver: str
    instance: str
    wall_s: float
    status: Status
    placement: Mapping[str, tuple[str, str]]
    objective: int | None  # as the solver reports it; the runner re-scores with `conflicts`
    note: str = ""


# ---------------------------------------------------------------------------------------------------------
# JSON


def _instance_to_json(instance: Instance) -> dict[str, Any]:
    return {
        "format": FORMAT_VERSION,
        "name": instance.name,
        "slots": [{"id": s.id, "day": s.day, "start": s.start, "end": s.end} for s in instance.slots],
        "rooms": [{"id": r.id, "capacity": r.capacity, "features": list(r.features)} for r in instance.rooms],
        "talks": [
            {
                "id": t.id,
                "title": t.title,
                "duration_min": t.duration_min,
                "expected": t.expected,
                "speakers": list(t.speakers),
                "unavailable_slots": list(t.unavailable_slots),
                "fixed_slot": t.fixed_slot,
                "fixed_room": t.fixed_room,
                "requires": list(t.requires),
            }
            for t in instance.talks
        ],
        "wants": {person: dict(talks) for person, talks in instance.wants.items()},
    }


def _instance_from_json(data: Mapping[str, Any]) -> Instance:
    if data.get("format") != FORMAT_VERSION:
        raise ValueError(f"unsupported instance format {data.get('format')!r}; expected {FORMAT_VERSION}")
    return Instance(
        name=str(data["name"]),
        slots=tuple(Slot(id=s["id"], day=s["day"], start=s["start"], end=s["end"]) for s in data["slots"]),
        rooms=tuple(
            Room(id=r["id"], capacity=int(r["capacity"]), features=tuple(r.get("features", ())))
            for r in data["rooms"]
        ),
        talks=tuple(
            Talk(
                id=t["id"],
                title=t["title"],
                duration_min=int(t["duration_min"]),
                expected=int(t["expected"]),
                speakers=tuple(t.get("speakers", ())),
                unavailable_slots=tuple(t.get("unavailable_slots", ())),
                fixed_slot=t.get("fixed_slot"),
                fixed_room=t.get("fixed_room"),
                requires=tuple(t.get("requires", ())),
            )
            for t in data["talks"]
        ),
        wants={
            person: {talk: int(weight) for talk, weight in talks.items()}
            for person, talks in data.get("wants", {}).items()
        },
    )


def _check_references(instance: Instance) -> None:
    """Raise ValueError on duplicate ids or on references to slots, rooms or talks that do not exist."""
    problems: list[str] = []
    for kind, ids in (
        ("slot", [s.id for s in instance.slots]),
        ("room", [r.id for r in instance.rooms]),
        ("talk", [t.id for t in instance.talks]),
    ):
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            problems.append(f"duplicate {kind} ids: {', '.join(duplicates)}")
    slot_ids = {s.id for s in instance.slots}
    room_ids = {r.id for r in instance.rooms}
    talk_ids = {t.id for t in instance.talks}
    for talk in instance.talks:
        for slot in (*talk.unavailable_slots, *((talk.fixed_slot,) if talk.fixed_slot else ())):
            if slot not in slot_ids:
                problems.append(f"talk {talk.id!r} names unknown slot {slot!r}")
        if talk.fixed_room is not None and talk.fixed_room not in room_ids:
            problems.append(f"talk {talk.id!r} names unknown room {talk.fixed_room!r}")
    for person, wanted in instance.wants.items():
        for talk_id, weight in wanted.items():
            if talk_id not in talk_ids:
                problems.append(f"person {person!r} wants unknown talk {talk_id!r}")
            if not 1 <= weight <= 10:
                problems.append(f"person {person!r} wants {talk_id!r} with weight {weight}, not 1..10")
    if problems:
        raise ValueError("; ".join(problems[:20]))


def read_instance(path: str | Path) -> Instance:
    """Read an instance written by `write_instance`; ValueError when it refers to things that do not exist."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    instance = _instance_from_json(data)
    _check_references(instance)
    return instance


def instance_json(instance: Instance) -> str:
    """The instance as JSON text, byte for byte the same for the same instance."""
    return json.dumps(_instance_to_json(instance), ensure_ascii=False, indent=1) + "\n"


def write_instance(instance: Instance, path: str | Path) -> None:
    """Write the instance as JSON to `path` (parent folders are created)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(instance_json(instance), encoding="utf-8")


# ---------------------------------------------------------------------------------------------------------
# Scoring


def pair_weights(instance: Instance) -> dict[tuple[str, str], int]:
    """For each pair of talks (a, b) with a < b that somebody wants both of: the sum over those people of
    min(w_a, w_b). Placing a and b in the same slot costs this much."""
    weights: dict[tuple[str, str], int] = defaultdict(int)
    for wanted in instance.wants.values():
        for a, b in itertools.combinations(sorted(wanted), 2):
            weights[(a, b)] += min(wanted[a], wanted[b])
    return dict(weights)


def conflicts(
    instance: Instance,
    slot_of: Mapping[str, str],
    *,
    weights: Mapping[tuple[str, str], int] | None = None,
) -> int:
    """The objective: the sum of the pair weights of talks placed in the same slot.

    `slot_of` maps talk id -> slot id; talks missing from it count for nothing. Pass `weights` (from
    `pair_weights`) to score many placements of one instance without recomputing them.
    """
    pairs = pair_weights(instance) if weights is None else weights
    total = 0
    for (a, b), weight in pairs.items():
        slot_a = slot_of.get(a)
        if slot_a is not None and slot_a == slot_of.get(b):
            total += weight
    return total


def rule_of(message: str) -> str:
    """The rule name a `hard_violations` message starts with (`"capacity: ..."` -> `"capacity"`)."""
    return message.split(":", 1)[0]


def hard_violations(instance: Instance, placement: Mapping[str, tuple[str, str]]) -> list[str]:
    """Every broken hard rule of `placement` (talk id -> (slot id, room id)), one message each.

    A message starts with the rule's name, then names the talks (and slot or room) involved:

    - `unknown-talk`: the placement names a talk the instance does not have
    - `unplaced`: a talk has no place
    - `unknown-slot`, `unknown-room`: the place names a slot or room that does not exist
    - `room-double-booked`: two or more talks in one room in one slot (or in slots that overlap in time)
    - `capacity`: the room seats fewer than the talk's expected attendance
    - `missing-feature`: the room lacks a feature the talk requires
    - `too-long`: the talk is longer than its slot
    - `unavailable`: the talk is in one of its unavailable slots
    - `speaker-clash`: a speaker has two or more talks in one slot (or in slots that overlap in time)
    - `fixed-slot`, `fixed-room`: a pinned talk is not where it was pinned

    An empty list means the placement is valid. Messages come in a stable order.
    """
    slots = {s.id: s for s in instance.slots}
    rooms = {r.id: r for r in instance.rooms}
    talks = {t.id: t for t in instance.talks}
    problems: list[str] = []

    for talk_id in sorted(set(placement) - set(talks)):
        problems.append(f"unknown-talk: {talk_id!r} is placed but is not a talk of the instance")
    for talk in instance.talks:
        if talk.id not in placement:
            problems.append(f"unplaced: talk {talk.id!r} has no slot and room")

    by_cell: dict[tuple[str, str], list[str]] = defaultdict(list)
    by_speaker_slot: dict[tuple[str, str], list[str]] = defaultdict(list)
    for talk in instance.talks:
        if talk.id not in placement:
            continue
        slot_id, room_id = placement[talk.id]
        slot, room = slots.get(slot_id), rooms.get(room_id)
        if slot is None:
            problems.append(f"unknown-slot: talk {talk.id!r} is in slot {slot_id!r}, which does not exist")
        if room is None:
            problems.append(f"unknown-room: talk {talk.id!r} is in room {room_id!r}, which does not exist")
        by_cell[(slot_id, room_id)].append(talk.id)
        for speaker in talk.speakers:
            by_speaker_slot[(speaker, slot_id)].append(talk.id)
        if room is not None:
            if room.capacity < talk.expected:
                problems.append(
                    f"capacity: talk {talk.id!r} expects {talk.expected} people, "
                    f"room {room_id!r} seats {room.capacity}"
                )
            missing = [f for f in talk.requires if f not in room.features]
            if missing:
                problems.append(
                    f"missing-feature: talk {talk.id!r} requires {', '.join(missing)}, "
                    f"which room {room_id!r} lacks"
                )
        if slot is not None and talk.duration_min > slot.minutes:
            problems.append(
                f"too-long: talk {talk.id!r} lasts {talk.duration_min} min, "
                f"slot {slot_id!r} {slot.minutes} min"
            )
        if slot_id in talk.unavailable_slots:
            problems.append(f"unavailable: talk {talk.id!r} is in slot {slot_id!r}, where it cannot be")
        if talk.fixed_slot is not None and talk.fixed_slot != slot_id:
            problems.append(
                f"fixed-slot: talk {talk.id!r} is in slot {slot_id!r}, pinned to {talk.fixed_slot!r}"
            )
        if talk.fixed_room is not None and talk.fixed_room != room_id:
            problems.append(
                f"fixed-room: talk {talk.id!r} is in room {room_id!r}, pinned to {talk.fixed_room!r}"
            )

    for (slot_id, room_id), cell in sorted(by_cell.items()):
        if len(cell) > 1:
            problems.append(
                f"room-double-booked: talks {', '.join(repr(t) for t in cell)} "
                f"share room {room_id!r} in slot {slot_id!r}"
            )
    for (speaker, slot_id), clash in sorted(by_speaker_slot.items()):
        if len(clash) > 1:
            problems.append(
                f"speaker-clash: speaker {speaker!r} has talks {', '.join(repr(t) for t in clash)} "
                f"in slot {slot_id!r}"
            )
    # Slots of one instance are normally disjoint; where two overlap in time (a two-hour lab beside
    # 45-minute talks, as in Timefold's data), a room or a speaker cannot be in both either.
    for first, second in overlapping_slots(instance):
        for room_id in sorted(rooms):
            for a in by_cell.get((first, room_id), ()):
                for b in by_cell.get((second, room_id), ()):
                    problems.append(
                        f"room-double-booked: talks {a!r} (slot {first!r}) and {b!r} (slot {second!r}) "
                        f"overlap in room {room_id!r}"
                    )
        speakers = sorted({sp for sp, slot_id in by_speaker_slot if slot_id == first})
        for speaker in speakers:
            for a in by_speaker_slot[(speaker, first)]:
                for b in by_speaker_slot.get((speaker, second), ()):
                    problems.append(
                        f"speaker-clash: speaker {speaker!r} has talks {a!r} (slot {first!r}) and {b!r} "
                        f"(slot {second!r}), which overlap"
                    )
    return problems


def overlapping_slots(instance: Instance) -> list[tuple[str, str]]:
    """Pairs of distinct slots (in the instance's order) that overlap in time on the same day."""
    pairs = []
    for i, a in enumerate(instance.slots):
        for b in instance.slots[i + 1 :]:
            start_a, end_a = _minute_of_day(a.start), _minute_of_day(a.end)
            start_b, end_b = _minute_of_day(b.start), _minute_of_day(b.end)
            if a.day == b.day and start_a < end_b and start_b < end_a:
                pairs.append((a.id, b.id))
    return pairs
