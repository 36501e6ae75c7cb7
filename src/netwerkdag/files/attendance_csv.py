"""Read an attendance file: who was at which network day, for `netwerkdag reach`.

The table has the header ``event,person,session``: `event` is an event's `slug` (as in its file), `person` a
person id of that event's network, `session` a session id of that event, or empty for "present at the day"
without a session. A person named on any row of a day was present that day (docs/reach.md). CSV separated
by ``,`` or ``;`` in UTF-8, or the first sheet of an .xlsx workbook, read by `files.spreadsheet.read_table`
(the reader of every table we take in, with its limits). Every problem is reported with ``file:row:column``,
all at once; nothing is read when any row is wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from netwerkdag.core.event import Event
from netwerkdag.core.problems import Location, NetwerkdagError, Problem
from netwerkdag.core.reach import Attendance
from netwerkdag.files.spreadsheet import TableLimits, read_table_file, row_problems

#: The largest attendance file read (50 MB: about a million rows).
MAX_BYTES = 50_000_000
HEADER = ("event", "person", "session")
LIMITS = TableLimits(max_rows=MAX_BYTES, max_bytes=MAX_BYTES)


def _problem(code: str, message: str, hint: str, file: str, row: int, column: int) -> Problem:
    return Problem(code, message, (), hint, Location(file, row, column))


def read_attendance(path: Path, events: Sequence[Event]) -> list[Attendance]:
    """One `Attendance` per event, in date order (an event without rows is a day nobody came to)."""
    return attendance_from_rows(read_table_file(path, LIMITS), str(path), events)


def attendance_from_rows(rows: list[list[str]], name: str, events: Sequence[Event]) -> list[Attendance]:
    """The days of `events` with the people of `rows` (the table with its header); `name` names the file
    in problems."""
    by_slug = _by_slug(events)
    if not rows or not any(rows[0]):
        raise NetwerkdagError(
            _problem(
                "empty-file",
                "the attendance file is empty",
                "start with the header event,person,session",
                name,
                1,
                1,
            )
        )
    if tuple(cell.strip().lower() for cell in rows[0]) != HEADER:
        raise NetwerkdagError(
            _problem(
                "bad-header",
                f"the header is '{','.join(rows[0])}', not 'event,person,session'",
                "make the first row exactly: event,person,session",
                name,
                1,
                1,
            )
        )
    problems: list[Problem] = []
    present: dict[str, set[str]] = {slug: set() for slug in by_slug}
    attended: dict[str, dict[str, set[str]]] = {slug: {} for slug in by_slug}
    for number, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        if len(row) != len(HEADER):
            problems.append(
                _problem(
                    "bad-row",
                    f"row {number} has {len(row)} fields; the header has 3",
                    "write event,person,session on every row (session may be empty)",
                    name,
                    number,
                    1,
                )
            )
            continue
        slug, person, session = (cell.strip() for cell in row)
        event = by_slug.get(slug)
        if event is None:
            known = ", ".join(sorted(by_slug)) or "none"
            problems.append(
                _problem(
                    "unknown-event",
                    f"row {number}: no event '{slug}' among the event files given",
                    f"use the `slug` of one of the event files given ({known}), or give its file too",
                    name,
                    number,
                    1,
                )
            )
            continue
        if not event.network.has_person(person):
            problems.append(
                _problem(
                    "unknown-person",
                    f"row {number}: no person '{person}' in the network of '{slug}'",
                    "use a person id of the network file (its `id:`)",
                    name,
                    number,
                    2,
                )
            )
            continue
        if session and not event.has_session(session):
            problems.append(
                _problem(
                    "unknown-session",
                    f"row {number}: no session '{session}' in the event '{slug}'",
                    "use a session id of that event file (its `id:`), or leave it empty for the day",
                    name,
                    number,
                    3,
                )
            )
            continue
        present[slug].add(person)
        if session:
            attended[slug].setdefault(session, set()).add(person)
    if problems:
        raise row_problems(problems, name)
    days = [
        Attendance(
            event,
            present=frozenset(present[event.slug]),
            attended={s: frozenset(p) for s, p in attended[event.slug].items()},
        )
        for event in by_slug.values()
    ]
    return sorted(days, key=lambda day: day.date)


def _by_slug(events: Sequence[Event]) -> dict[str, Event]:
    """The events by slug; two events with one slug, or on one date, cannot be told apart."""
    found: dict[str, Event] = {}
    dates: dict[object, str] = {}
    for event in events:
        if event.slug in found:
            raise NetwerkdagError(
                Problem(
                    "duplicate-event",
                    f"two event files have the slug '{event.slug}'",
                    (),
                    "give each network day its own slug",
                )
            )
        if event.start_date in dates:
            raise NetwerkdagError(
                Problem(
                    "same-date",
                    f"'{dates[event.start_date]}' and '{event.slug}' are both on {event.start_date}",
                    (),
                    "reach counts one network day per date: give one of them",
                )
            )
        found[event.slug] = event
        dates[event.start_date] = event.slug
    return found
