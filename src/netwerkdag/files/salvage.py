"""What a file with format problems still lets netwerkdag check.

Validating the whole document reports every format problem at once. So that those problems do not hide
the problems between the parts that are sound (an unknown pillar, two sessions in one room), the loader
then checks the rules on what is left of the document. Where a format problem lies decides what is left:

- Inside a *part*: one entry of the network's `organisations`, `pillars`, `groups` or `people`, of the
  day's `rooms`, `blocks`, `theme_groups` or `sessions`, or one person's `availability`. The part is left
  out whole; the event is built from the other parts and checked with `LeftOut`: the id of a left-out
  part (when the id itself is valid) still counts as defined, the problems found point past the left-out
  entries into the document as written, and a rule that would need a left-out part skips what it cannot
  judge (a session in a left-out block has no known times, one in a left-out room no known room).
- In a field of the event or the network that no rule reads (`title`, `venue`, `language`, `host`, ...):
  the field gets a stand-in, or its default where it has one; an unknown field there is removed.
- In the event's `date` or `timezone`: they get a stand-in (a day in January, UTC), on which every rule
  but one gives the same answer: the hour that summer time skips is not checked. When anything else in
  the file names a date (`end_date`, the `date` of a block, session or window), the rules are not checked:
  those dates are compared with the event's.
- Anywhere else (`end_date`; a list that is not a list; a missing `network` or `event`): the rules are not
  checked.

The document that is left is validated again, so that the event is built from checked models only. Rooms
and blocks need at least one entry in a file; when every entry has a problem, the second validation gets
a placeholder entry and the model then drops it again.

Whatever was not checked, and why, is said once, as a note.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from netwerkdag.core.event import Event
from netwerkdag.core.invariants import NOTHING_LEFT_OUT, LeftOut
from netwerkdag.core.problems import Path, Problem
from netwerkdag.files import schema

#: The lists whose entries are parts: the kind of part (as `LeftOut.ids` names it) and its plural.
PARTS: dict[Path, tuple[str, str]] = {
    ("network", "organisations"): ("organisation", "organisations"),
    ("network", "pillars"): ("pillar", "pillars"),
    ("network", "groups"): ("group", "groups"),
    ("network", "people"): ("person", "people"),
    ("event", "rooms"): ("room", "rooms"),
    ("event", "blocks"): ("block", "blocks"),
    ("event", "theme_groups"): ("theme_groups entry", "theme_groups entries"),
    ("event", "sessions"): ("session", "sessions"),
}
#: One person's availability is a part too: the key of the mapping names it.
AVAILABILITY: Path = ("event", "availability")

#: Fields that no rule reads, with the stand-in a required one gets; an optional one falls back to its
#: default.
STAND_INS: dict[Path, Any] = {
    ("network", "id"): "network",
    ("network", "name"): "network",
    ("event", "slug"): "event",
    ("event", "title"): "event",
    ("event", "venue"): {"name": "venue"},
}
#: The fields of the day and its clock, with their stand-ins: a day without a change of clock anywhere.
CLOCK: dict[Path, str] = {("event", "date"): "2001-01-15", ("event", "timezone"): "UTC"}
UNREAD: frozenset[Path] = frozenset(
    {
        *STAND_INS,
        ("network", "people_files"),
        ("event", "subtitle"),
        ("event", "language"),
        ("event", "host"),  # a reference, but one no other rule depends on
        ("event", "introduction"),
        ("event", "scheduling"),
    }
)

#: Valid entries for a required list whose every entry is left out: validation needs one, and the
#: validated model drops it again (`_emptied`).
_PLACEHOLDERS: dict[str, Any] = {
    "rooms": {"id": "placeholder", "name": "placeholder", "capacity": 1},
    "blocks": {"id": "placeholder", "kind": "plenary", "start": "00:00", "end": "00:01"},
}
_ID = re.compile(schema.ID_PATTERN)
_SHOWN = 5  # names in a note before "and N more"


@dataclass(frozen=True, slots=True)
class Salvage:
    """What is left of a document with format problems, to check the rules on."""

    #: The document without its broken parts; None when the rules cannot be checked (see `notes`).
    parsed: schema.EventFileIn | None
    left_out: LeftOut = NOTHING_LEFT_OUT
    #: The left-out parts: for each list of `PARTS` (or `AVAILABILITY`), the names of its left-out
    #: entries in file order, their ids where valid.
    parts: dict[Path, list[str]] = field(default_factory=dict)
    #: Why nothing was checked, when `parsed` is None.
    stopped: str = ""
    #: The fields of `CLOCK` that have a stand-in.
    clock: tuple[str, ...] = ()

    def notes(self, event: Event | None) -> list[str]:
        """What was not checked and why, once each; `event` is the event built from what was left."""
        if self.parsed is None:
            return [self.stopped]
        found = [_note(where, names, event, self.left_out) for where, names in self.parts.items()]
        if self.clock:
            found.insert(
                0,
                "The times were not checked for the hour that summer time skips: that needs "
                f"{_and(self.clock)} without format problems.",
            )
        return found


def _valid_id(value: Any) -> str | None:
    """`value` as the schema would read it when it is a valid id, else None."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value if 2 <= len(value) <= 80 and _ID.match(value) else None


def _field(path: Path) -> str:
    """The path as the problems show it: ``event.sessions[3]``."""
    return Problem("", "", path).field or "the document as a whole"


def salvage(data: Any, errors: Sequence[ErrorDetails], also: Sequence[Path] = ()) -> Salvage:
    """What is left of `data`, whose validation gave `errors`, to check the rules on (see the module).
    `also`: the paths of further problems, such as those of the YAML's structure."""
    broken: dict[Path, set[int | str]] = {}
    unread: set[Path] = set()
    unknown: set[Path] = set()
    stops: set[Path] = set()
    clock: set[Path] = set()
    found: list[tuple[Path, str]] = [(tuple(e["loc"]), e["type"]) for e in errors]
    for loc, kind in [*found, *((path, "") for path in also)]:
        if loc[:2] in CLOCK and not (loc[:2] == ("event", "date") and _other_dates(data)):
            clock.add(loc[:2])
        elif loc[:2] in PARTS and len(loc) > 2 and isinstance(loc[2], int):
            broken.setdefault(loc[:2], set()).add(loc[2])
        elif loc[:2] == AVAILABILITY and len(loc) > 2 and isinstance(loc[2], str):
            broken.setdefault(AVAILABILITY, set()).add(loc[2])
        elif loc[:2] in UNREAD:
            unread.add(loc[:2])
        elif kind == "extra_forbidden" and len(loc) <= 2:
            unknown.add(loc)
        else:
            stops.add(loc[:2])
    if stops:
        return Salvage(None, stopped=_stopped(sorted(map(_field, stops))))
    document = _without(data, broken, unread, unknown)
    for top, name in clock:
        document[top][name] = CLOCK[(top, name)]
    emptied = [name for name in _PLACEHOLDERS if ("event", name) in broken and not document["event"][name]]
    for name in emptied:
        document["event"][name] = [_PLACEHOLDERS[name]]
    try:
        parsed = _emptied(schema.EventFileIn.model_validate(document), emptied)
    except ValidationError as exc:  # pragma: no cover - what is left is valid by construction
        needed = sorted({_field(tuple(e["loc"])) for e in exc.errors(include_url=False)})
        return Salvage(None, stopped=_stopped(needed))
    positions = {
        where: tuple(i for i in range(len(data[where[0]][where[1]])) if i not in indices)
        for where, indices in broken.items()
        if where != AVAILABILITY
    }
    ids: dict[str, set[str]] = {}
    meetings: set[str] = set()
    names: dict[Path, list[str]] = {}
    for where in [*PARTS, AVAILABILITY]:
        if where not in broken:
            continue
        entries = data[where[0]][where[1]]
        keys = sorted(broken[where], key=str) if where == AVAILABILITY else sorted(broken[where])
        names[where] = []
        for key in keys:
            raw = entries[key]
            if where == AVAILABILITY:
                names[where].append(str(key))
                continue
            fields = raw if isinstance(raw, dict) else {}
            if where == ("event", "theme_groups"):
                id_ = _valid_id(fields.get("group"))
            else:
                id_ = _valid_id(fields.get("id"))
                if id_ is not None:
                    ids.setdefault(PARTS[where][0], set()).add(id_)
            if where == ("event", "sessions") and _valid_id(fields.get("group")):
                meetings.add(fields["group"].strip())
            names[where].append(id_ or _field((*where, key)))
    left_out = LeftOut(
        positions=positions,
        ids={kind: frozenset(found) for kind, found in ids.items()},
        meetings=frozenset(meetings),
    )
    return Salvage(parsed, left_out, names, clock=tuple(sorted(map(_field, clock))))


def _emptied(parsed: schema.EventFileIn, names: list[str]) -> schema.EventFileIn:
    """`parsed` with the lists `names` of its event emptied (of their placeholders)."""
    if not names:
        return parsed
    event = parsed.event.model_copy(update={name: [] for name in names})
    return parsed.model_copy(update={"event": event})


def _without(data: Any, broken: dict[Path, set[int | str]], unread: set[Path], unknown: set[Path]) -> Any:
    """`data` without its broken parts and unknown fields, with stand-ins for the unread fields; the
    mappings and lists on the way are copied, `data` itself stays as it was."""
    document = dict(data)
    for top in ("network", "event"):
        if isinstance(document.get(top), dict):
            document[top] = dict(document[top])
    for where, keys in broken.items():
        within, name = document[where[0]], where[1]
        if isinstance(within[name], dict):
            within[name] = {k: v for k, v in within[name].items() if k not in keys}
        else:
            within[name] = [entry for i, entry in enumerate(within[name]) if i not in keys]
    for where in unread:
        within, name = document[where[0]], where[1]
        if where in STAND_INS:
            within[name] = STAND_INS[where]
        else:
            within.pop(name, None)
    for path in unknown:
        container = document if len(path) == 1 else document[path[0]]
        container.pop(path[-1], None)
    return document


def _other_dates(data: Any) -> bool:
    """Whether the document names a date besides the event's: its end, or a block's, session's or
    window's own day."""
    event = data.get("event") if isinstance(data, dict) else None
    if not isinstance(event, dict):
        return False
    if event.get("end_date") is not None:
        return True
    entries = [*_entries(event.get("blocks")), *_entries(event.get("sessions"))]
    availability = event.get("availability")
    if isinstance(availability, dict):
        entries += [w for windows in availability.values() for w in _entries(windows)]
    return any(entry.get("date") is not None for entry in entries)


def _entries(value: Any) -> list[dict[str, Any]]:
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def _and(names: Sequence[str]) -> str:
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]


def _stopped(needed: Sequence[str]) -> str:
    return (
        f"The rules between the parts (references, times, overlaps) were not checked: they need "
        f"{_and(needed)} without format problems."
    )


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:_SHOWN])
    return shown + (f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN else "")


def _note(where: Path, names: list[str], event: Event | None, left_out: LeftOut) -> str:
    n = len(names)
    was = "was" if n == 1 else "were"
    if where == AVAILABILITY:
        whose = _count(n, "person", "people")
        return (
            f"The availability of {whose} ({_listed(names)}) has format problems: their sessions were not "
            "checked against it."
        )
    singular, plural = PARTS[where]
    parts = f"{_count(n, singular, plural)} with format problems ({_listed(names)})"
    if where == ("event", "sessions"):
        return f"{parts} {was} not checked for references, times and overlaps."
    sentence = f"{parts} {was} not checked against the rules between the parts."
    kind = PARTS[where][0]
    if where in (("event", "rooms"), ("event", "blocks")) and event is not None:
        ids = left_out.ids.get(kind, frozenset())
        inside = sum((s.room if kind == "room" else s.block) in ids for s in event.sessions)
        if inside:
            one = inside == 1
            sessions, verb = ("The session", "was") if one else (f"The {inside} sessions", "were")
            what = "room overlaps" if kind == "room" else f"{'its' if one else 'their'} times and overlaps"
            sentence += f" {sessions} in {'it' if n == 1 else 'them'} {verb} not checked for {what}."
    return sentence
