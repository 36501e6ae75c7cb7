"""Write a neutral benchmark instance as a netwerkdag event folder that `netwerkdag schedule` can solve.

The folder holds:

- `event.yaml`: one block of kind `parallel` per slot (with a `date` on events of several days), the rooms
  with capacity and features, one `theme-group-meeting` per talk with its speakers as participants (role
  `speaker`), an initial block and room, its own `end` when the talk is shorter than its slot, and the
  scheduler's fields (`expected_attendance`, `pin`, `requires`; see `scheduling_fields`). Speakers who
  cannot come to some slots get `availability` windows: the runs of slots they can come to.
  `scheduling: capacity_margin: 0`, because the benchmark's rule is "capacity >= expected".
- `network.yaml`: the pillars, theme groups and organisations, and the speakers as people. Attendees are
  not people of the network.
- `interests.csv`: `person,session,weight`, one row per person and wanted talk.

The initial plan is a greedy fill of the grid, slot by slot (see `initial_placement`). It is a starting
point, not a good plan, and may put a talk in a room too small for it (`netwerkdag validate` does not check
seats; `WrittenEvent.problems` lists such breaches). It is deliberately not a known valid placement: our
solver may take the file's plan as a hint, and the peers get no such head start. Only when the greedy fill
cannot give a plan that loads (a talk left over, a speaker in two places) is the caller's valid placement
written instead, if it gave one (the generator does); otherwise the rest goes anywhere.

Not everything of an instance has a place in the event format: a talk's unavailable slots are written as
availability of its speakers, so a slot a talk cannot use for another reason (its kind, as in Timefold's
data) cannot be written; such losses are listed in `WrittenEvent.gaps` (and in a comment in event.yaml).

    .venv/bin/python benchmarks/scheduling/to_event.py DIR/instance.json -o DIR/event
    .venv/bin/netwerkdag validate DIR/event
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from instance import Instance, Slot, Talk, hard_violations, overlapping_slots, read_instance, rule_of

__all__ = [
    "EventContext",
    "Group",
    "Person",
    "WrittenEvent",
    "event_id",
    "initial_placement",
    "main",
    "scheduling_fields",
    "speaker_availability",
    "write_event",
]

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
INTERESTS_FILE = "interests.csv"
TALK_KIND = "theme-group-meeting"
DEFAULT_GROUP = "programma"


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    role: str = "spreker"
    organisation: str | None = None


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    pillar: str | None = None


@dataclass(frozen=True)
class EventContext:
    """What an event needs and the neutral instance does not hold: names, the network, a safe plan.

    Everything is optional: without it every talk belongs to one group `programma`, speakers are named
    after their ids and the greedy fill is the only initial plan.
    """

    title: str = "Bestuurlijke netwerkdag (benchmark)"
    network_id: str = "benchmark"
    network_name: str = "Benchmarknetwerk"
    venue: str = "Congrescentrum"
    organisations: tuple[tuple[str, str], ...] = ()  # (id, name)
    pillars: tuple[tuple[str, str], ...] = ()  # (id, name)
    groups: tuple[Group, ...] = ()
    group_of: Mapping[str, str] = field(default_factory=dict)  # talk id -> group id
    people: Mapping[str, Person] = field(default_factory=dict)  # speaker id -> person
    valid_placement: Mapping[str, tuple[str, str]] | None = None  # used when the greedy fill gets stuck


@dataclass(frozen=True)
class WrittenEvent:
    folder: Path
    placement: Mapping[str, tuple[str, str]]  # the initial plan written: talk -> (slot, room)
    greedy: bool  # True when the greedy fill placed everything; False when the fallback was used
    problems: tuple[str, ...]  # hard_violations of the initial plan (empty when it is valid)
    gaps: tuple[str, ...]  # constraints of the instance that the event format could not express


# ---------------------------------------------------------------------------------------------------------
# The parts of a session that the scheduler reads


def scheduling_fields(talk: Talk) -> dict[str, Any]:
    """The session fields of the scheduler (issue 3): `expected_attendance`, `pin` and `requires`.

    `pin: true` keeps block and room, `pin: block` only the block, `pin: room` only the room; a talk with
    neither fixed gets no `pin` (theme-group meetings in a parallel block move by default).
    """
    fields: dict[str, Any] = {"expected_attendance": talk.expected}
    if talk.fixed_slot is not None and talk.fixed_room is not None:
        fields["pin"] = True
    elif talk.fixed_slot is not None:
        fields["pin"] = "block"
    elif talk.fixed_room is not None:
        fields["pin"] = "room"
    if talk.requires:
        fields["requires"] = list(talk.requires)
    return fields


# ---------------------------------------------------------------------------------------------------------
# The initial plan


def _time_order(instance: Instance) -> list[Slot]:
    return sorted(instance.slots, key=lambda s: (s.day, s.start))


def initial_placement(
    instance: Instance, *, strict: bool = True
) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """Fill the grid slot by slot with a greedy; return the placement and the talks left over.

    Pinned talks go first (both pins, then slot-only and room-only pins). Then each slot in time order
    takes its rooms from the largest down, and each cell the largest talk (by `expected`, ties in the
    instance's order) that may go there: its pins allow the cell, its speakers are free and available in
    the slot, it fits the slot's length and, with `strict`, the room seats `expected` and has every
    required feature. A second pass relaxes the room's seats and features, which `netwerkdag validate`
    does not check, so that the plan can at least be loaded.
    """
    slots = _time_order(instance)
    minutes = {s.id: s.minutes for s in slots}
    rooms = {r.id: r for r in instance.rooms}
    largest_first = sorted(instance.rooms, key=lambda r: -r.capacity)
    index = {t.id: i for i, t in enumerate(instance.talks)}
    by_demand = sorted(instance.talks, key=lambda t: (-t.expected, index[t.id]))
    fits = {
        t.id: sum(r.capacity >= t.expected and set(t.requires) <= set(r.features) for r in instance.rooms)
        for t in instance.talks
    }
    placement: dict[str, tuple[str, str]] = {}
    taken: set[tuple[str, str]] = set()
    busy: dict[str, set[str]] = defaultdict(set)  # slot -> speakers
    # Slots that overlap in time (Timefold's labs beside its talks) share rooms and speakers.
    at_once: dict[str, set[str]] = {s.id: {s.id} for s in slots}
    for first, second in overlapping_slots(instance):
        at_once[first].add(second)
        at_once[second].add(first)

    def allowed(talk: Talk, slot_id: str, room_id: str, *, check_room: bool) -> bool:
        if talk.id in placement or any((s, room_id) in taken for s in at_once[slot_id]):
            return False
        if talk.fixed_slot not in (None, slot_id) or talk.fixed_room not in (None, room_id):
            return False
        if slot_id in talk.unavailable_slots or talk.duration_min > minutes[slot_id]:
            return False
        if any(busy[s].intersection(talk.speakers) for s in at_once[slot_id]):
            return False
        room = rooms[room_id]
        return not check_room or (
            room.capacity >= talk.expected and all(f in room.features for f in talk.requires)
        )

    def put(talk: Talk, slot_id: str, room_id: str) -> None:
        placement[talk.id] = (slot_id, room_id)
        taken.add((slot_id, room_id))
        busy[slot_id].update(talk.speakers)

    def take_back(talk: Talk) -> tuple[str, str]:
        cell = placement.pop(talk.id)
        taken.discard(cell)
        busy[cell[0]].difference_update(talk.speakers)
        return cell

    def swapped(other: Talk, free: tuple[str, str], talk: Talk, *, check_room: bool) -> bool:
        """Move `other` to the free cell and put `talk` in its place, if both may go there."""
        cell = take_back(other)
        if allowed(other, *free, check_room=check_room):
            put(other, *free)
            if allowed(talk, *cell, check_room=check_room):
                put(talk, *cell)
                return True
            take_back(other)
        put(other, *cell)
        return False

    pinned = sorted(
        (t for t in instance.talks if t.fixed_slot is not None or t.fixed_room is not None),
        key=lambda t: (t.fixed_slot is None or t.fixed_room is None, t.fixed_room is not None, index[t.id]),
    )
    passes = (True, False) if strict else (False,)
    for check_room in passes:
        for talk in pinned:
            cell = next(
                (
                    (slot.id, room.id)
                    for slot in slots
                    for room in largest_first
                    if allowed(talk, slot.id, room.id, check_room=check_room)
                ),
                None,
            )
            if cell is not None:
                put(talk, *cell)
    for check_room in passes:
        for slot in slots:
            # The talks with the fewest rooms to go to first, then those that fill the slot's length (so
            # that short talks remain for short slots), then the largest.
            ordered = sorted(by_demand, key=lambda t: (fits[t.id], slot.minutes - t.duration_min))
            for room in largest_first:
                found = next(
                    (t for t in ordered if allowed(t, slot.id, room.id, check_room=check_room)), None
                )
                if found is not None:
                    put(found, slot.id, room.id)
        # Repair: a talk left over takes a free cell, or swaps with a movable talk that fits the free cell.
        for talk in [t for t in instance.talks if t.id not in placement]:
            free = [(s.id, r.id) for s in slots for r in instance.rooms if (s.id, r.id) not in taken]
            placed = [t for t in instance.talks if t.id in placement and t.fixed_slot is t.fixed_room is None]
            for cell in free:
                if allowed(talk, *cell, check_room=check_room):
                    put(talk, *cell)
                    break
                if any(swapped(u, cell, talk, check_room=check_room) for u in placed):
                    break
    left = [t.id for t in instance.talks if t.id not in placement]
    return placement, left


# ---------------------------------------------------------------------------------------------------------
# Availability


def speaker_availability(instance: Instance) -> tuple[dict[str, list[str]], list[str]]:
    """The slots each speaker cannot come to, and the talks' unavailable slots this cannot express.

    A speaker is taken to be away in the slots that every one of their talks avoids (the intersection),
    which is exact when talks inherit their unavailability from their speakers, as in the generator. A
    talk's unavailable slot that none of its speakers is away in (a talk without speakers, or a slot the
    talk's kind does not allow) is a gap: the event format has no per-session list of forbidden blocks.
    """
    talks_of: dict[str, list[Talk]] = defaultdict(list)
    for talk in instance.talks:
        for speaker in talk.speakers:
            talks_of[speaker].append(talk)
    order = [s.id for s in _time_order(instance)]
    away: dict[str, list[str]] = {}
    for speaker, talks in talks_of.items():
        common = set(talks[0].unavailable_slots).intersection(*(t.unavailable_slots for t in talks[1:]))
        if common:
            away[speaker] = [s for s in order if s in common]
    gaps: list[str] = []
    for talk in instance.talks:
        covered = set().union(*(away.get(s, ()) for s in talk.speakers))
        lost = [s for s in order if s in talk.unavailable_slots and s not in covered]
        if lost:
            gaps.append(
                f"talk {talk.id!r} may not be in slot(s) {', '.join(lost)}, which no speaker's availability "
                f"expresses; the event lets it go there"
            )
    return away, gaps


def _windows(instance: Instance, away: Sequence[str], *, multi_day: bool) -> list[dict[str, _Quoted]]:
    """The runs of consecutive slots (per day) outside `away`, each as one window from first start to last
    end. Gaps between slots (breaks, lunch) fall inside a window; that is harmless, nothing runs there."""
    windows: list[dict[str, _Quoted]] = []
    run: list[Slot] = []

    def close() -> None:
        if run:
            window = {"start": _Quoted(run[0].start), "end": _Quoted(run[-1].end)}
            if multi_day:
                window["date"] = _Quoted(run[0].day)
            windows.append(window)
            run.clear()

    for slot in _time_order(instance):
        if run and run[-1].day != slot.day:
            close()
        if slot.id in away:
            close()
        else:
            run.append(slot)
    close()
    return windows


# ---------------------------------------------------------------------------------------------------------
# Writing


def _minutes_to_hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _end_of(slot: Slot, duration: int) -> str:
    start_h, start_m = slot.start.split(":")
    return _minutes_to_hhmm(int(start_h) * 60 + int(start_m) + duration)


def _valid_id(value: str) -> bool:
    return 2 <= len(value) <= 80 and ID_PATTERN.match(value) is not None


def _check_ids(instance: Instance, context: EventContext) -> None:
    ids: list[tuple[str, str]] = [("slot", s.id) for s in instance.slots]
    ids += [("room", r.id) for r in instance.rooms]
    ids += [("talk", t.id) for t in instance.talks]
    ids += [("speaker", p) for t in instance.talks for p in t.speakers]
    ids += [("group", g) for g in context.group_of.values()]
    bad = sorted({f"{kind} {value!r}" for kind, value in ids if not _valid_id(value)})
    if bad:
        raise ValueError(
            "not valid event ids (lowercase letters, digits, single hyphens): " + ", ".join(bad[:20])
        )


def _display_name(identifier: str) -> str:
    return identifier.replace("-", " ").capitalize()


def _one_line(text: str, limit: int = 200) -> str:
    cleaned = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return (cleaned[: limit - 1] + "…") if len(cleaned) > limit else (cleaned or "Zonder titel")


def event_id(text: str, *, fallback: str = "benchmark") -> str:
    """`text` as a valid event id: lowercase ASCII letters and digits joined by single hyphens, at most 80
    characters (`"R 101"` -> `"r-101"`, `"Zoë's talk"` -> `"zo-s-talk"`); `fallback` when nothing is left."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80].strip("-")
    return slug if len(slug) >= 2 else fallback


def _network(instance: Instance, context: EventContext) -> dict[str, Any]:
    speakers = list(dict.fromkeys(p for t in instance.talks for p in t.speakers))
    groups = context.groups or (Group(DEFAULT_GROUP, "Programma"),)
    people = []
    for speaker in speakers:
        person = context.people.get(speaker, Person(speaker, _display_name(speaker)))
        entry: dict[str, Any] = {"id": person.id, "name": person.name, "role": person.role}
        if person.organisation is not None:
            entry["organisation"] = person.organisation
        people.append(entry)
    network: dict[str, Any] = {"id": context.network_id, "name": context.network_name}
    if context.organisations:
        network["organisations"] = [
            {"id": oid, "name": name, "member": True} for oid, name in context.organisations
        ]
    if context.pillars:
        network["pillars"] = [{"id": pid, "name": name} for pid, name in context.pillars]
    network["groups"] = [
        {"id": g.id, "name": g.name, **({"pillar": g.pillar} if g.pillar else {})} for g in groups
    ]
    network["people"] = people
    return network


def _event(
    instance: Instance,
    context: EventContext,
    placement: Mapping[str, tuple[str, str]],
    away: Mapping[str, Sequence[str]],
) -> dict[str, Any]:
    slots = _time_order(instance)
    by_id = {s.id: s for s in slots}
    days = sorted({s.day for s in slots})
    multi_day = len(days) > 1
    blocks = []
    for slot in slots:
        block: dict[str, Any] = {
            "id": slot.id,
            "kind": "parallel",
            "start": _Quoted(slot.start),
            "end": _Quoted(slot.end),
        }
        if multi_day:
            block["date"] = _Quoted(slot.day)
        blocks.append(block)
    rooms = []
    for room in instance.rooms:
        entry: dict[str, Any] = {"id": room.id, "name": _display_name(room.id), "capacity": room.capacity}
        if room.features:
            entry["features"] = list(room.features)
        rooms.append(entry)
    sessions = []
    for talk in instance.talks:
        slot_id, room_id = placement[talk.id]
        session: dict[str, Any] = {
            "id": talk.id,
            "kind": TALK_KIND,
            "title": _one_line(talk.title),
            "block": slot_id,
            "room": room_id,
            "group": context.group_of.get(talk.id, DEFAULT_GROUP),
        }
        if talk.duration_min < by_id[slot_id].minutes:
            session["end"] = _Quoted(_end_of(by_id[slot_id], talk.duration_min))
        if talk.speakers:
            session["participants"] = [{"person": p, "role": "speaker"} for p in talk.speakers]
        session.update(scheduling_fields(talk))
        sessions.append(session)
    event: dict[str, Any] = {
        "slug": event_id(instance.name),
        "title": context.title,
        "date": _Quoted(days[0]),
    }
    if multi_day:
        event["end_date"] = _Quoted(days[-1])
    event.update(
        {
            "timezone": "Europe/Amsterdam",
            "language": "nl",
            "venue": {"name": context.venue},
            "rooms": rooms,
            "blocks": blocks,
        }
    )
    if away:
        event["availability"] = {
            speaker: _windows(instance, slots_away, multi_day=multi_day)
            for speaker, slots_away in away.items()
        }
    event["scheduling"] = {"capacity_margin": 0}
    event["sessions"] = sessions
    return {"network": "network.yaml", "event": event}


class _Quoted(str):
    """A time or date, written in quotes as docs/event-file.md advises (other YAML tools read 09:30 as a
    number of minutes)."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(
    _Quoted, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style='"')
)


def _dump(data: Mapping[str, Any]) -> str:
    return yaml.dump(dict(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)


def interests_csv(instance: Instance) -> str:
    """`person,session,weight`, one row per person and wanted talk, in the instance's order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["person", "session", "weight"])
    for person, wanted in instance.wants.items():
        for talk, weight in wanted.items():
            writer.writerow([person, talk, weight])
    return out.getvalue()


def write_event(
    instance: Instance, folder: str | Path, *, context: EventContext | None = None
) -> WrittenEvent:
    """Write event.yaml, network.yaml and interests.csv into `folder` (created if needed).

    Raises ValueError when an id of the instance is not a valid event id. The same instance and context
    always give the same bytes.
    """
    context = context or EventContext()
    _check_ids(instance, context)
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)

    placement, left = initial_placement(instance)
    greedy = not _blocks_loading(instance, placement)
    if not greedy and context.valid_placement is not None:
        placement = dict(context.valid_placement)
    elif left:
        used = set(placement.values())
        free = [
            (s.id, r.id) for s in _time_order(instance) for r in instance.rooms if (s.id, r.id) not in used
        ]
        if len(free) < len(left):
            raise ValueError(
                f"{len(instance.talks)} talks do not fit a grid of {len(used) + len(free)} cells"
            )
        placement.update(zip(left, free, strict=False))
    problems = tuple(hard_violations(instance, placement))
    away, gaps = speaker_availability(instance)
    gaps += [
        f"slots {first!r} and {second!r} overlap in time; event blocks may not (blocks-overlap)"
        for first, second in overlapping_slots(instance)
    ]

    header = (
        f"# Generated by benchmarks/scheduling/to_event.py from the benchmark instance '{instance.name}'.\n"
        "# The initial plan fills the grid slot by slot; it is a starting point, not a good plan.\n"
    )
    if gaps:
        header += "# Constraints the event format could not express:\n"
        header += "".join(f"#   {gap}\n" for gap in gaps)
    (target / "event.yaml").write_text(
        header + _dump(_event(instance, context, placement, away)), encoding="utf-8"
    )
    (target / "network.yaml").write_text(
        f"# The network of the benchmark instance '{instance.name}': speakers only; attendees are in "
        f"{INTERESTS_FILE}.\n" + _dump(_network(instance, context)),
        encoding="utf-8",
    )
    (target / INTERESTS_FILE).write_text(interests_csv(instance), encoding="utf-8")
    return WrittenEvent(target, placement, greedy, problems, tuple(gaps))


#: Rules whose breach makes `netwerkdag validate` refuse the plan. Capacity and features it does not check.
LOADING_RULES = frozenset({"unplaced", "room-double-booked", "speaker-clash", "unavailable", "too-long"})


def _blocks_loading(instance: Instance, placement: Mapping[str, tuple[str, str]]) -> bool:
    return any(rule_of(p) in LOADING_RULES for p in hard_violations(instance, placement))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a benchmark instance as a netwerkdag event folder.")
    parser.add_argument("instance", type=Path, help="an instance.json")
    parser.add_argument("-o", "--out", type=Path, required=True, help="the event folder to write")
    args = parser.parse_args(argv)
    written = write_event(read_instance(args.instance), args.out)
    print(f"wrote {written.folder}: {'greedy' if written.greedy else 'fallback'} initial plan")
    for line in (*written.problems, *written.gaps):
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
