"""Convert Timefold's meeting-scheduling benchmark data to what netwerkdag's meeting placement expresses.

    .venv/bin/python benchmarks/meetings/convert_meetings.py \\
        benchmarks/data/timefold-meetingscheduling/50meetings-160timegrains-5rooms.json -o OUT
    # several files: OUT/<file stem>/{event.yaml,requests.csv,conversion.json} each

The data (Apache-2.0, TimefoldAI/timefold-solver-benchmarks, see benchmarks/data/README.md) is generated
(fictional names): meetings with a duration in time grains of 15 minutes, required and preferred attendees,
five rooms with a capacity, and time grains over 5, 9 or 18 days (08:00-12:00 and 13:00-18:00, 36 grains a
day; the last day shorter). It is Jackson JSON: an object is written in full where it first occurs and
referred to by its `@id` afterwards. Every meeting is unassigned (nothing pinned).

What a converted instance is:

- `event.yaml`: an event file with its network inline. The network holds Timefold's persons (`p-<id>`, their
  full names) and, see below, the seat holders. The event runs over Timefold's days (day of year n is
  2026-01-n, Europe/Amsterdam: no summer time in January), one `break` block per day from its first grain
  to the end of its last (so that the event validates; it holds no session), one room that is not used,
  and one networking space `timefold` whose tables are Timefold's rooms (`r-1` .. `r-5`, named "R 1" ..,
  seats = the room's capacity), open in every run of consecutive grains of a day (a window per run), step
  15 minutes, transfer 0.
- `requests.csv` (`meeting,person,minutes`, the command line's format): per meeting `m-<id>`, a row per
  required attendee (the first one asks), minutes = 15 x its grains, and a row per seat holder.
- `conversion.json`: the counts, the mapping (meeting, table and person ids) and what was left out.

How Timefold's hard rules read in our model:

- *Room conflict* (two meetings in one room at overlapping grains): a table holds one meeting at a time.
- *Required attendance conflict* (a required person in two overlapping meetings): one meeting per person at
  a time; the required attendees are the meeting's people.
- *Required room capacity* (a room's capacity below the number of required **and preferred** attendees):
  a table seats everyone in the meeting. Our meetings have no optional participants, so the preferred
  attendees cannot join as people (they would then be bound to attend, which is a different problem). To
  keep Timefold's capacity rule, each preferred attendee of a meeting becomes a *seat holder*: a person of
  its own (`seat-m<meeting>-<n>`, in that meeting alone), who takes a seat and is busy nowhere else. A
  meeting then needs as many seats as Timefold's rule counts, and nothing else changes. With
  `--seats required` the seat holders are left out (the capacity then counts the required alone).
- *Start and end on the same day* and *avoid overtime* (the meeting's last grain exists and is on the
  start's day): a meeting starts on the grid of an open window and ends inside it. **Ours is stricter**:
  Timefold numbers the grains of a day consecutively across the lunch gap (grain 15 is 11:45, grain 16
  13:00), so in Timefold a meeting of 3 grains may start at 11:45 and run on at 13:00; our windows are
  08:00-12:00 and 13:00-18:00 and a meeting fits inside one of them. `conversion.json` counts the starts
  this takes away. The peer (`peer_timefold_meetings.py`) solves the same stricter problem; the referee counts
  Timefold's own rules (on grain numbers) and ours.

Not converted: Timefold's medium rules (a preferred attendee's conflicts with another meeting) and its soft
rules (meetings as soon as possible, a grain's break between consecutive meetings, overlapping meetings,
larger rooms first, room stability), since our objective after the number placed is other (earlier
requests first, fewer table changes). And the difference in kind: **Timefold places every meeting** (its
planning variables are not nullable) and reports the hard rules it breaks; ours leaves a meeting out when
no table and time hold it, and maximises the number placed. The referee reports both figures for both.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

__all__ = [
    "Conversion",
    "Grain",
    "TfMeeting",
    "TfRoom",
    "TimefoldInstance",
    "convert",
    "main",
    "read_timefold",
    "write_conversion",
]

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "benchmarks" / "data" / "timefold-meetingscheduling"
INSTANCES = (
    "50meetings-160timegrains-5rooms",
    "100meetings-320timegrains-5rooms",
    "200meetings-640timegrains-5rooms",
)
GRAIN_MINUTES = 15
YEAR = 2026
TIMEZONE = "Europe/Amsterdam"
SPACE = "timefold"
Seats = Literal["required+preferred", "required"]


@dataclass(frozen=True)
class Grain:
    index: int  # Timefold's grainIndex: consecutive over the whole list
    day: int  # Timefold's dayOfYear
    minute: int  # startingMinuteOfDay


@dataclass(frozen=True)
class TfRoom:
    id: int
    name: str
    capacity: int


@dataclass(frozen=True)
class TfMeeting:
    id: int
    topic: str
    grains: int  # durationInGrains
    required: tuple[int, ...]  # person ids
    preferred: tuple[int, ...]


@dataclass(frozen=True)
class TimefoldInstance:
    """One Timefold meeting-scheduling file, references resolved."""

    name: str
    grains: tuple[Grain, ...]  # by index
    rooms: tuple[TfRoom, ...]
    persons: dict[int, str]  # id -> full name
    meetings: tuple[TfMeeting, ...]

    @property
    def days(self) -> tuple[int, ...]:
        return tuple(sorted({g.day for g in self.grains}))


def _resolve(document: Any) -> dict[str, dict[str, Any]]:
    """Every object of a Jackson document by its `@id` (written in full once, referred to by id after)."""
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


def read_timefold(path: str | Path) -> TimefoldInstance:
    source = Path(path)
    document = json.loads(source.read_text(encoding="utf-8"))
    objects = _resolve(document)

    def ref(node: Any) -> dict[str, Any]:
        return objects[node] if isinstance(node, str) else node

    days = {ref(d)["@id"]: int(ref(d)["dayOfYear"]) for d in document["dayList"]}
    grains = sorted(
        (
            Grain(int(g["grainIndex"]), days[ref(g["day"])["@id"]], int(g["startingMinuteOfDay"]))
            for g in map(ref, document["timeGrainList"])
        ),
        key=lambda g: g.index,
    )
    if [g.index for g in grains] != list(range(len(grains))):
        raise ValueError(f"{source.name}: the grain indices are not 0..{len(grains) - 1}")
    rooms = tuple(
        TfRoom(int(r["id"]), str(r["name"]), int(r["capacity"])) for r in map(ref, document["roomList"])
    )
    persons = {int(p["id"]): str(p["fullName"]) for p in map(ref, document["personList"])}
    meetings = []
    for m in map(ref, document["meetingList"]):

        def people(key: str, m: dict[str, Any] = m) -> tuple[int, ...]:
            return tuple(int(ref(ref(a)["person"])["id"]) for a in m.get(key, ()))

        meetings.append(
            TfMeeting(
                int(m["id"]),
                str(m.get("topic", "")),
                int(m["durationInGrains"]),
                people("requiredAttendanceList"),
                people("preferredAttendanceList"),
            )
        )
    for a in map(ref, document.get("meetingAssignmentList", ())):
        if a.get("pinned") or a.get("startingTimeGrain") is not None or a.get("room") is not None:
            raise ValueError(f"{source.name}: an assignment is pinned or placed (not converted)")
    return TimefoldInstance(source.stem, tuple(grains), rooms, persons, tuple(meetings))


# --- ids and times, shared with the peer and the referee ----------------------------------------------------


def meeting_id(m: TfMeeting | int) -> str:
    return f"m-{m if isinstance(m, int) else m.id}"


def table_id(room: TfRoom) -> str:
    return f"r-{room.id + 1}"


def person_id(person: int) -> str:
    return f"p-{person}"


def seat_holder_id(meeting: TfMeeting, n: int) -> str:
    return f"seat-m{meeting.id}-{n}"


def date_of(day: int) -> dt.date:
    return dt.date(YEAR, 1, 1) + dt.timedelta(days=day - 1)


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def runs(instance: TimefoldInstance) -> list[tuple[int, int, int]]:
    """The runs of consecutive grains (day, first minute, end minute): one open window each."""
    found: list[tuple[int, int, int]] = []
    for g in instance.grains:
        if found and found[-1][0] == g.day and found[-1][2] == g.minute:
            found[-1] = (g.day, found[-1][1], g.minute + GRAIN_MINUTES)
        else:
            found.append((g.day, g.minute, g.minute + GRAIN_MINUTES))
    return found


def fits_our_window(instance: TimefoldInstance, start: int, grains: int) -> bool:
    """Whether a meeting of `grains` starting at grain `start` lies in one run of consecutive grains."""
    last = start + grains - 1
    if last >= len(instance.grains):
        return False
    first = instance.grains[start]
    end = instance.grains[last]
    return end.day == first.day and end.minute - first.minute == (grains - 1) * GRAIN_MINUTES


def fits_timefold(instance: TimefoldInstance, start: int, grains: int) -> bool:
    """Timefold's own rules: the last grain exists and is on the start's day."""
    last = start + grains - 1
    return last < len(instance.grains) and instance.grains[last].day == instance.grains[start].day


@dataclass(frozen=True)
class Conversion:
    instance: TimefoldInstance
    seats: Seats
    event: dict[str, Any]  # the event file (network inline), as YAML data
    requests: tuple[tuple[str, str, int], ...]  # (meeting, person, minutes)
    report: dict[str, Any]


def convert(instance: TimefoldInstance, *, seats: Seats = "required+preferred") -> Conversion:
    people: list[dict[str, Any]] = [
        {"id": person_id(p), "name": name, "role": "deelnemer"}
        for p, name in sorted(instance.persons.items())
    ]
    requests: list[tuple[str, str, int]] = []
    holders = 0
    for m in instance.meetings:
        minutes = m.grains * GRAIN_MINUTES
        requests += [(meeting_id(m), person_id(p), minutes) for p in m.required]
        if seats == "required+preferred":
            for n in range(1, len(m.preferred) + 1):
                holder = seat_holder_id(m, n)
                people.append({"id": holder, "name": f"Zetel {n} van {meeting_id(m)}", "role": "zetelhouder"})
                requests.append((meeting_id(m), holder, minutes))
                holders += 1
    days = instance.days
    windows = runs(instance)
    blocks = []
    for day in days:
        of_day = [w for w in windows if w[0] == day]
        blocks.append(
            {
                "id": f"dag-{day}",
                "kind": "break",
                "start": hhmm(min(w[1] for w in of_day)),
                "end": hhmm(max(w[2] for w in of_day)),
                "date": date_of(day).isoformat(),
            }
        )
    event = {
        "network": {"id": "timefold", "name": f"Timefold {instance.name}", "people": people},
        "event": {
            "slug": f"timefold-{instance.name}".lower(),
            "title": f"Timefold meeting scheduling {instance.name}",
            "date": date_of(days[0]).isoformat(),
            "end_date": date_of(days[-1]).isoformat(),
            "timezone": TIMEZONE,
            "language": "en",
            "venue": {"name": "Timefold benchmark (generated data)"},
            "rooms": [{"id": "zaal", "name": "Zaal", "capacity": 1000}],
            "blocks": blocks,
            "networking": [
                {
                    "id": SPACE,
                    "name": "Timefold rooms",
                    "tables": [
                        {"id": table_id(r), "name": r.name, "seats": r.capacity} for r in instance.rooms
                    ],
                    "open": [
                        {"date": date_of(day).isoformat(), "start": hhmm(a), "end": hhmm(b)}
                        for day, a, b in windows
                    ],
                    "step": GRAIN_MINUTES,
                    "transfer": 0,
                }
            ],
        },
    }
    timefold_starts = sum(
        fits_timefold(instance, g.index, m.grains) for m in instance.meetings for g in instance.grains
    )
    our_starts = sum(
        fits_our_window(instance, g.index, m.grains) for m in instance.meetings for g in instance.grains
    )
    biggest = max(r.capacity for r in instance.rooms)
    report = {
        "source": f"benchmarks/data/timefold-meetingscheduling/{instance.name}.json",
        "seats": seats,
        "meetings": len(instance.meetings),
        "persons": len(instance.persons),
        "seat_holders": holders,
        "tables": len(instance.rooms),
        "days": len(days),
        "grains": len(instance.grains),
        "open_windows": len(windows),
        "required_attendances": sum(len(m.required) for m in instance.meetings),
        "preferred_attendances": sum(len(m.preferred) for m in instance.meetings),
        "minutes": sorted({m.grains * GRAIN_MINUTES for m in instance.meetings}),
        "meetings_larger_than_every_room": sum(
            len(m.required) + (len(m.preferred) if seats == "required+preferred" else 0) > biggest
            for m in instance.meetings
        ),
        "starts_timefold_allows": timefold_starts,
        "starts_ours_allows": our_starts,
        "starts_across_a_gap_not_converted": timefold_starts - our_starts,
        "not_converted": [
            "preferred attendance conflicts (Timefold's medium rules)",
            "soft rules: as soon as possible, a grain's break between meetings, overlapping meetings, "
            "larger rooms first, room stability",
            "meetings that run across the gap between two runs of grains of a day (allowed by Timefold's "
            "grain numbers, not by our open windows)",
        ],
        "ids": {
            "meetings": {meeting_id(m): m.id for m in instance.meetings},
            "tables": {table_id(r): r.id for r in instance.rooms},
            "persons": {person_id(p): p for p in instance.persons},
        },
    }
    return Conversion(instance, seats, event, tuple(requests), report)


def requests_csv(requests: Iterable[tuple[str, str, int]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["meeting", "person", "minutes"])
    writer.writerows(requests)
    return out.getvalue()


def write_conversion(conversion: Conversion, folder: str | Path) -> Path:
    """Write event.yaml, requests.csv and conversion.json into `folder`; returns the event file."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    header = (
        f"# Converted by benchmarks/meetings/convert_meetings.py from {conversion.report['source']}\n"
        "# (Apache-2.0, TimefoldAI/timefold-solver-benchmarks; generated data, fictional names).\n"
    )
    event = target / "event.yaml"
    event.write_text(
        header + yaml.safe_dump(conversion.event, sort_keys=False, allow_unicode=True, width=120),
        encoding="utf-8",
    )
    (target / "requests.csv").write_text(requests_csv(conversion.requests), encoding="utf-8")
    (target / "conversion.json").write_text(
        json.dumps(conversion.report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return event


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Convert Timefold meeting-scheduling files (see the docstring)."
    )
    parser.add_argument("files", nargs="+", help="unsolved Timefold meeting-scheduling JSON files")
    parser.add_argument("-o", "--out", required=True, help="folder; one sub-folder per file")
    parser.add_argument(
        "--seats",
        choices=["required+preferred", "required"],
        default="required+preferred",
        help="who counts for a table's seats (default: as Timefold's capacity rule, both)",
    )
    args = parser.parse_args(argv)
    for name in args.files:
        conversion = convert(read_timefold(name), seats=args.seats)
        event = write_conversion(conversion, Path(args.out) / Path(name).stem)
        r = conversion.report
        print(
            f"{event}: {r['meetings']} meetings, {r['persons']} persons + {r['seat_holders']} seat holders, "
            f"{r['tables']} tables, {r['open_windows']} open windows over {r['days']} days"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
