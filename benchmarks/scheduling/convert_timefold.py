"""Convert Timefold's conference-scheduling benchmark data to neutral instances (see instance.py).

    .venv/bin/python benchmarks/scheduling/convert_timefold.py \\
        benchmarks/data/timefold-conferencescheduling/36talks-12timeslots-5rooms.json -o OUT
    # every unsolved file: pass several; OUT/<file stem>/instance.json and conversion.json each

The data (Apache-2.0, TimefoldAI/timefold-solver-benchmarks, see benchmarks/data/README.md) is
generated ("Javoxx 2021", fake names): talks of two types (Breakout, 45 minutes; Lab, 120 minutes),
timeslots over one to three days, rooms with capacity and tags, speakers with unavailable timeslots. It is
Jackson JSON: an object is written in full where it first occurs and referred to by its `@id` afterwards.
The `.solved.json` file is a score-director input, not a solution worth comparing, and is not read.

What is converted, exactly:

- timeslots -> slots (`ts-<id>`; Lab slots overlap Breakout slots in time: the referee in instance.py
  treats rooms and speakers in overlapping slots as clashing, as Timefold's "Room conflict" and "Speaker
  conflict" do); rooms -> rooms (`r-<name>`) with their capacity;
- each talk's `timeslotRange` (the slots of its type) and its speakers' `unavailableTimeslotSet` (and
  required or prohibited timeslot tags, where the data has any) -> `unavailable_slots`;
- each talk's `roomRange` (the rooms of its type) -> a room feature `type-<type>` that the talk requires;
  required room tags of the talk and of its speakers -> required features (`recorded`, `large`);
  prohibited room tags -> a feature `no-<tag>` on every room without the tag, which the talk requires;
- the pinned talk (`pinnedByUser` with its timeslot and room) -> `fixed_slot` and `fixed_room`;
- a talk lasts as long as its shortest allowed slot;
- with `--only-type Breakout`, the Breakout talks alone, with the Breakout timeslots and rooms: an event's
  parallel blocks may not overlap, and the 120-minute Lab slots overlap the Breakout slots. The Lab talks
  are dropped (counted in conversion.json), and with them any speaker clash between a lab and a talk.

What is not converted (counted per file in conversion.json):

- room capacity: Timefold has no capacity rule; `favoriteCount` only orders rooms softly ("Popular
  talks"). `expected` is therefore 0 by default and the favourite counts are recorded in conversion.json.
  `--expected favorites` sets `expected = favoriteCount` as a hard seat demand; the instance is then
  infeasible when talks outnumber the seats for them, and conversion.json says by how much;
- hard rules the neutral instance has no form for: prerequisite talks (the event format has `after`),
  mutually-exclusive-talks tags, crowd control (risky talks paired per slot). The "consecutive talks
  pause" holds by itself when every two non-overlapping slots of a day are at least that far apart, which
  conversion.json checks;
- soft rules: theme track, sector, audience type and level, content, language, same day, popular talks,
  preferred and undesired tags, speaker makespan.

Wants: the data has no attendees, so `wants` is empty and the benchmark is "time to a valid schedule".
`--tag-proxy` adds a synthetic pair-weight proxy instead, clearly named: one pseudo-person per theme track
(`proxy-theme-*`, weight 1), sector (`proxy-sector-*`, 1) and content tag (`proxy-content-*`, 10) that
wants every talk carrying it. Two talks in one slot then cost what they share, in the ratio of Timefold's
own "Theme track conflict" and "Sector conflict" (10soft) and "Content conflict" (100soft) per
overlapping minute. It mirrors Timefold's soft rules; it is not anybody's preference.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

sys.path.insert(0, str(Path(__file__).resolve().parent))

from instance import Instance, Room, Slot, Talk, hard_violations, instance_json
from to_event import event_id, initial_placement

__all__ = ["Conversion", "convert_timefold", "main", "resolve_references"]

ExpectedFrom = Literal["none", "favorites"]
PROXY_WEIGHTS = {"theme": 1, "sector": 1, "content": 10}


@dataclass(frozen=True)
class Conversion:
    instance: Instance
    report: dict[str, Any]  # what was converted and what not; written as conversion.json


def resolve_references(document: Any) -> dict[str, dict[str, Any]]:
    """Every object of a Jackson document by its `@id` ("Talk#3" -> the talk's dict)."""
    found: dict[str, dict[str, Any]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "@id" in node and len(node) > 1:
                found.setdefault(node["@id"], node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    return found


def _hhmm(parts: Sequence[int]) -> str:
    return f"{parts[3]:02d}:{parts[4]:02d}"


def _day(parts: Sequence[int]) -> str:
    return f"{parts[0]:04d}-{parts[1]:02d}-{parts[2]:02d}"


def _min_pause(slots: Sequence[Slot]) -> int | None:
    """The shortest gap in minutes between two slots of one day that do not overlap; None if none."""

    def minutes(hhmm: str) -> int:
        return int(hhmm[:2]) * 60 + int(hhmm[3:])

    gaps = [
        minutes(b.start) - minutes(a.end)
        for a in slots
        for b in slots
        if a.day == b.day and minutes(a.end) <= minutes(b.start)
    ]
    return min(gaps) if gaps else None


def convert_timefold(
    path: str | Path,
    *,
    expected_from: ExpectedFrom = "none",
    tag_proxy: bool = False,
    only_type: str | None = None,
) -> Conversion:
    """Read one unsolved Timefold conference file and return the instance and the conversion report.

    `only_type` keeps the talks of that talk type alone, with the timeslots and rooms of that type: the
    part an event of non-overlapping blocks can hold (Timefold's 120-minute labs overlap its talks)."""
    source = Path(path)
    document = json.loads(source.read_text(encoding="utf-8"))
    objects = resolve_references(document)

    def ref(node: Any) -> dict[str, Any]:
        return objects[node] if isinstance(node, str) else node

    def refs(nodes: Iterable[Any]) -> list[dict[str, Any]]:
        return [ref(n) for n in nodes]

    timeslots = refs(document["timeslotList"])
    rooms_in = refs(document["roomList"])
    talks_in = refs(document["talkList"])
    speakers_in = refs(document["speakerList"])
    dropped = 0
    if only_type is not None:
        kept = [t for t in talks_in if ref(t["talkType"])["name"] == only_type]
        dropped = len(talks_in) - len(kept)
        if not kept:
            raise ValueError(f"{source.name}: no talk of the type {only_type!r}")
        talks_in = kept
        of_type = {ref(s)["@id"] for t in kept for s in t.get("timeslotRange", ())}
        timeslots = [t for t in timeslots if t["@id"] in of_type] if of_type else timeslots
        rooms_in = [r for r in rooms_in if only_type in {ref(tt)["name"] for tt in r.get("talkTypeSet", ())}]
        used = {ref(sp)["@id"] for t in kept for sp in t.get("speakerList", ())}
        speakers_in = [s for s in speakers_in if s["@id"] in used]

    slot_id = {t["@id"]: f"ts-{t['id']}" for t in refs(document["timeslotList"])}  # dropped ones too
    slots = tuple(
        Slot(slot_id[t["@id"]], _day(t["startDateTime"]), _hhmm(t["startDateTime"]), _hhmm(t["endDateTime"]))
        for t in sorted(timeslots, key=lambda t: (t["startDateTime"], t["endDateTime"], t["id"]))
    )
    slot_tags = {slot_id[t["@id"]]: set(t.get("tagSet", ())) for t in timeslots}
    room_id = {r["@id"]: event_id(f"r-{r['name']}") for r in rooms_in}
    room_tags = {room_id[r["@id"]]: {event_id(tag) for tag in r.get("tagSet", ())} for r in rooms_in}
    room_types = {room_id[r["@id"]]: {ref(tt)["name"] for tt in r.get("talkTypeSet", ())} for r in rooms_in}
    speaker_id = {s["@id"]: f"sp-{s['id']}" for s in speakers_in}
    by_speaker = {s["@id"]: s for s in speakers_in}

    prohibited_tags: set[str] = set()
    for node in [*talks_in, *speakers_in]:
        prohibited_tags.update(event_id(tag) for tag in node.get("prohibitedRoomTagSet", ()))

    features: dict[str, list[str]] = {}
    for r in rooms_in:
        rid = room_id[r["@id"]]
        own = sorted(room_tags[rid])
        own += sorted(f"type-{event_id(name)}" for name in room_types[rid])
        own += sorted(f"no-{tag}" for tag in prohibited_tags if tag not in room_tags[rid])
        features[rid] = own
    rooms = tuple(
        Room(room_id[r["@id"]], int(r["capacity"]), tuple(features[room_id[r["@id"]]])) for r in rooms_in
    )
    capacity = {r.id: r.capacity for r in rooms}
    minutes = {s.id: s.minutes for s in slots}

    counts: Counter[str] = Counter()
    favorites: dict[str, int] = {}
    talks: list[Talk] = []
    for t in talks_in:
        tid = event_id(t["code"], fallback=f"talk-{t['id']}")
        type_name = ref(t["talkType"])["name"]
        type_rooms = {room_id[ref(r)["@id"]] for r in ref(t["talkType"]).get("compatibleRoomSet", ())}
        own_rooms = {room_id[ref(r)["@id"]] for r in t.get("roomRange", ())} or type_rooms
        if own_rooms != {rid for rid, types in room_types.items() if type_name in types}:
            counts["room range narrower than the talk type's rooms (not converted)"] += 1
        allowed = {slot_id[ref(s)["@id"]] for s in t.get("timeslotRange", ())} or set(minutes)
        speakers = [by_speaker[ref(s)["@id"]] for s in t.get("speakerList", ())]
        allowed &= set(minutes)
        unavailable = set(minutes) - allowed
        requires = {f"type-{event_id(type_name)}"}
        for node in [t, *speakers]:
            unavailable.update(slot_id[ref(s)["@id"]] for s in node.get("unavailableTimeslotSet", ()))
            for tag in node.get("requiredTimeslotTagSet", ()):
                unavailable.update(s for s, tags in slot_tags.items() if tag not in tags)
            for tag in node.get("prohibitedTimeslotTagSet", ()):
                unavailable.update(s for s, tags in slot_tags.items() if tag in tags)
            requires.update(event_id(tag) for tag in node.get("requiredRoomTagSet", ()))
            requires.update(f"no-{event_id(tag)}" for tag in node.get("prohibitedRoomTagSet", ()))
        unavailable &= set(minutes)
        fixed_slot = fixed_room = None
        if t.get("pinnedByUser"):
            fixed_slot = slot_id[ref(t["timeslot"])["@id"]] if t.get("timeslot") else None
            fixed_room = room_id[ref(t["room"])["@id"]] if t.get("room") else None
        favorites[tid] = int(t.get("favoriteCount", 0))
        counts["prerequisite talks (hard)"] += len(t.get("prerequisiteTalkSet", ()))
        counts["talks with mutually-exclusive-talks tags (hard)"] += bool(
            t.get("mutuallyExclusiveTalksTagSet")
        )
        counts["talks with a crowd control risk (hard)"] += int(t.get("crowdControlRisk", 0) > 0)
        for soft in ("preferredRoomTagSet", "undesiredRoomTagSet"):
            counts[f"talks with {soft} (soft)"] += bool(t.get(soft))
        talks.append(
            Talk(
                id=tid,
                title=str(t.get("title", tid)),
                duration_min=min(minutes[s] for s in allowed),
                expected=favorites[tid] if expected_from == "favorites" else 0,
                speakers=tuple(speaker_id[s["@id"]] for s in speakers),
                unavailable_slots=tuple(s.id for s in slots if s.id in unavailable),
                fixed_slot=fixed_slot,
                fixed_room=fixed_room,
                requires=tuple(sorted(requires)),
            )
        )
    for s in speakers_in:
        for soft in (
            "preferredTimeslotTagSet",
            "undesiredTimeslotTagSet",
            "preferredRoomTagSet",
            "undesiredRoomTagSet",
        ):
            counts[f"speakers with {soft} (soft)"] += bool(s.get(soft))

    wants: dict[str, dict[str, int]] = {}
    if tag_proxy:
        carriers: dict[tuple[str, str], list[str]] = defaultdict(list)
        for t, talk in zip(talks_in, talks, strict=True):
            for kind, key in (
                ("theme", "themeTrackTagSet"),
                ("sector", "sectorTagSet"),
                ("content", "contentTagSet"),
            ):
                for tag in t.get(key, ()):
                    carriers[(kind, event_id(tag, fallback="tag"))].append(talk.id)
        for (kind, tag), talk_ids in sorted(carriers.items()):
            if len(talk_ids) > 1:
                wants[f"proxy-{kind}-{tag}"] = dict.fromkeys(sorted(talk_ids), PROXY_WEIGHTS[kind])

    suffix = f"{'-tagproxy' if tag_proxy else ''}{f'-{only_type}' if only_type else ''}"
    name = event_id(f"timefold-{source.stem}{suffix}")
    instance = Instance(name, slots, rooms, tuple(talks), wants)

    placement, _left = initial_placement(instance)
    violations = hard_violations(instance, placement)
    largest_allowed = {
        talk.id: max((capacity[r.id] for r in rooms if set(talk.requires) <= set(r.features)), default=0)
        for talk in talks
    }
    pause = _min_pause(slots)
    required_pause = int(
        document.get("constraintProperties", {}).get("minimumConsecutiveTalksPauseInMinutes", 0)
    )
    report: dict[str, Any] = {
        "source": str(source.name),
        "instance": name,
        "talks": len(talks),
        "slots": len(slots),
        "rooms": len(rooms),
        "speakers": len(speakers_in),
        "expected_from": expected_from,
        "wants": "tag proxy (synthetic, see convert_timefold.py)" if tag_proxy else "none (no attendees)",
        "pseudo_people": len(wants),
        "talks_with_unavailable_slots": sum(bool(t.unavailable_slots) for t in talks),
        "pinned_talks": sum(t.fixed_slot is not None or t.fixed_room is not None for t in talks),
        "favorites_above_every_allowed_room": sorted(
            tid for tid, count in favorites.items() if count > largest_allowed[tid]
        ),
        "only_type": only_type,
        "talks_of_other_types_dropped": dropped,
        "not_converted": dict(sorted((k, v) for k, v in counts.items() if v)),
        "consecutive_pause": {
            "required_min": required_pause,
            "shortest_gap_min": pause,
            "holds_by_itself": pause is None or pause >= required_pause,
        },
        "greedy_valid_placement": not violations,
        "greedy_violations": violations[:20],
        "favorites": favorites,
    }
    return Conversion(instance, report)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Convert Timefold conference-scheduling data to instances.")
    parser.add_argument("files", nargs="+", type=Path, help="unsolved *talks*.json files")
    parser.add_argument("-o", "--out", type=Path, required=True, help="a folder per file is written in here")
    parser.add_argument("--expected", choices=("none", "favorites"), default="none")
    parser.add_argument("--tag-proxy", action="store_true", help="synthetic wants from shared tags")
    parser.add_argument("--only-type", default=None, help="keep the talks of this type alone (e.g. Breakout)")
    args = parser.parse_args(argv)
    for path in args.files:
        if path.name.endswith(".solved.json"):
            print(f"skipped {path.name}: a score-director input, not an unsolved instance")
            continue
        conversion = convert_timefold(
            path, expected_from=args.expected, tag_proxy=args.tag_proxy, only_type=args.only_type
        )
        target = args.out / path.stem
        target.mkdir(parents=True, exist_ok=True)
        (target / "instance.json").write_text(instance_json(conversion.instance), encoding="utf-8")
        (target / "conversion.json").write_text(
            json.dumps(conversion.report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        report = conversion.report
        print(
            f"{report['instance']}: {report['talks']} talks, {report['slots']} slots, "
            f"{report['rooms']} rooms; greedy valid placement: {report['greedy_valid_placement']}; "
            "not converted: "
            + (", ".join(f"{v} {k}" for k, v in report["not_converted"].items()) or "nothing")
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
