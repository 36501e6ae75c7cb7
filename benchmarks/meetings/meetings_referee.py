"""The referee of the meeting benchmarks: meetings placed and hard rules broken, for any placement of a
converted Timefold instance (ours or Timefold's), by two independent counts.

- **Ours**: `netwerkdag.scheduling.meetings.check` on the converted problem (the event file and the requests
  as `load_converted` reads them): the rules our solver builds its model from (open times and grid, table
  capacity and one meeting per table, busy, transfer, availability, one meeting per person at a time).
- **Timefold's**: its five hard rules counted here from the original data and grain numbers, without our
  code: *room conflict* (two meetings in one room with overlapping grains), *required attendance conflict*
  (a required person in two overlapping meetings), *required room capacity* (the room's capacity below the
  required plus preferred attendees), *start and end on the same day* and *avoid overtime* (the last grain
  is on the start's day, and exists). Each is counted twice: the number of times it is broken (a pair, a
  person in a pair, a meeting), and Timefold's weight (overlapping grains, missing seats, grains past the
  end), whose sum is minus Timefold's hard score. A meeting that starts off the grains is counted too.

A placement is `meeting id -> (table id, start)` in the converted ids (`m-<n>`, `r-<n>`), start an aware
datetime; `timefold_placement` turns `(table id, grain index)` (the peer's output) into that form. `placed`
counts the meetings with a placement; `clean` those that break no rule of either count (dropping the others
leaves a valid plan of `clean` meetings).
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from convert_meetings import (
    TIMEZONE,
    Conversion,
    TimefoldInstance,
    date_of,
    meeting_id,
    table_id,
)

from netwerkdag.files.load import load_event
from netwerkdag.scheduling.meetings import Meeting, MeetingProblem, Placement, check, problem_of

__all__ = ["Judgement", "judge", "load_converted", "placements_of", "read_requests", "timefold_placement"]

#: meeting id -> (table id, start)
Cells = Mapping[str, tuple[str, dt.datetime]]


def read_requests(path: str | Path) -> tuple[Meeting, ...]:
    """A requests CSV (`meeting,person,minutes`) as meetings, in the order they first appear (their `order`);
    the first person of a meeting asked for it."""
    people: dict[str, list[str]] = {}
    minutes: dict[str, int] = {}
    with Path(path).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            m = row["meeting"]
            people.setdefault(m, []).append(row["person"])
            if minutes.setdefault(m, int(row["minutes"])) != int(row["minutes"]):
                raise ValueError(f"meeting {m} has rows of different minutes")
    return tuple(Meeting(m, tuple(ps), minutes[m], order=i) for i, (m, ps) in enumerate(people.items()))


def load_converted(folder: str | Path) -> MeetingProblem:
    """The converted instance in `folder` (event.yaml, requests.csv) as our placing problem."""
    base = Path(folder)
    event = load_event(base / "event.yaml")
    return problem_of(event, read_requests(base / "requests.csv"), {})


def placements_of(problem: MeetingProblem, cells: Cells) -> list[Placement]:
    minutes = {m.id: m.minutes for m in problem.meetings}
    return [
        Placement(m, table, start, start + dt.timedelta(minutes=minutes.get(m, 0)))
        for m, (table, start) in sorted(cells.items())
    ]


def timefold_placement(conversion: Conversion, placement: Mapping[str, tuple[str, int]]) -> dict[str, Any]:
    """A placement in Timefold's terms, `meeting -> (table, grain index)` (the peer's output), as
    `meeting -> (table, start)`."""
    zone = ZoneInfo(TIMEZONE)
    cells = {}
    for m, (table, grain) in placement.items():
        g = conversion.instance.grains[grain]
        cells[m] = (table, dt.datetime.combine(date_of(g.day), dt.time(g.minute // 60, g.minute % 60), zone))
    return cells


@dataclass
class Judgement:
    meetings: int
    placed: int
    clean: int  # placed and in no broken rule of either count
    ours: Counter[str] = field(default_factory=Counter)  # rule -> times broken (our check)
    timefold: Counter[str] = field(default_factory=Counter)  # Timefold's hard rule -> times broken
    timefold_hard: int = 0  # the sum of Timefold's weights: minus its hard score

    @property
    def valid(self) -> bool:
        return not self.ours and not self.timefold

    def as_json(self) -> dict[str, Any]:
        return {
            "meetings": self.meetings,
            "placed": self.placed,
            "clean": self.clean,
            "valid": self.valid,
            "ours_broken": dict(sorted(self.ours.items())),
            "timefold_broken": dict(sorted(self.timefold.items())),
            "timefold_hard_score": -self.timefold_hard,
        }


def _grain_of(instance: TimefoldInstance, start: dt.datetime) -> int | None:
    local = start.astimezone(ZoneInfo(TIMEZONE))
    minute = local.hour * 60 + local.minute
    for g in instance.grains:
        if date_of(g.day) == local.date() and g.minute == minute and local.second == 0:
            return g.index
    return None


def _timefold_rules(conversion: Conversion, cells: Cells) -> tuple[Counter[str], int, set[str]]:
    """Timefold's hard rules on grain numbers: (times broken by rule, weighted sum, meetings involved)."""
    instance = conversion.instance
    by_id = {meeting_id(m): m for m in instance.meetings}
    room_of = {table_id(r): r for r in instance.rooms}
    broken: Counter[str] = Counter()
    weight = 0
    involved: set[str] = set()
    spans: dict[str, tuple[int, int]] = {}  # meeting -> [first grain, last grain + 1)
    for m, (table, start) in cells.items():
        meeting = by_id.get(m)
        if meeting is None:
            broken["unknown meeting"] += 1
            involved.add(m)
            continue
        grain = _grain_of(instance, start)
        if grain is None:
            broken["start off the grains"] += 1
            involved.add(m)
            continue
        spans[m] = (grain, grain + meeting.grains)
        room = room_of.get(table)
        seats = len(meeting.required) + len(meeting.preferred)
        if room is None:
            broken["unknown room"] += 1
            involved.add(m)
        elif room.capacity < seats:
            broken["required room capacity"] += 1
            weight += seats - room.capacity
            involved.add(m)
        last = grain + meeting.grains - 1
        if last >= len(instance.grains):
            broken["avoid overtime"] += 1
            weight += last - len(instance.grains) + 1
            involved.add(m)
        elif instance.grains[last].day != instance.grains[grain].day:
            broken["start and end on same day"] += 1
            weight += 1
            involved.add(m)
    ordered = sorted(spans)
    people = {m: set(by_id[m].required) for m in ordered}
    for i, a in enumerate(ordered):
        a0, a1 = spans[a]
        for b in ordered[i + 1 :]:
            b0, b1 = spans[b]
            overlap = min(a1, b1) - max(a0, b0)
            if overlap <= 0:
                continue
            if cells[a][0] == cells[b][0]:
                broken["room conflict"] += 1
                weight += overlap
                involved.update((a, b))
            shared = len(people[a] & people[b])
            if shared:
                broken["required attendance conflict"] += shared
                weight += overlap * shared
                involved.update((a, b))
    return broken, weight, involved


def judge(problem: MeetingProblem, conversion: Conversion, cells: Cells) -> Judgement:
    """Both counts for one placement of the converted instance."""
    ours: Counter[str] = Counter()
    involved: set[str] = set()
    for broken in check(problem, placements_of(problem, cells)):
        ours[broken.rule] += 1
        involved.update(broken.meetings)
    timefold, weight, more = _timefold_rules(conversion, cells)
    involved |= more
    return Judgement(
        meetings=len(problem.meetings),
        placed=len(cells),
        clean=sum(1 for m in cells if m not in involved),
        ours=ours,
        timefold=timefold,
        timefold_hard=weight,
    )
