"""Read the files of `netwerkdag meetings`: the meetings asked for, and the sessions people are in.

Requests: header ``meeting,person,minutes``, one row per person in a meeting; every row of a meeting has the
same minutes; the first row of a meeting names the one who asked, and meetings are asked in the order they
first appear (earlier requests are placed first when not all fit). Registrations: header ``person,session``,
the sessions each person is in (they are busy then). People must be in the event's network; sessions in the
event. CSV separated by ``,`` or ``;`` in UTF-8, or the first sheet of an .xlsx workbook. Every problem is
reported with ``file:row:column``, all at once; nothing is read when any row is wrong.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from pathlib import Path

from netwerkdag.core.networking import Meeting
from netwerkdag.core.problems import Location, NetwerkdagError, Problem
from netwerkdag.files.spreadsheet import TableLimits, read_table_file, row_problems

MAX_BYTES = 20_000_000
LIMITS = TableLimits(max_rows=200_000, max_bytes=MAX_BYTES)
REQUESTS_HEADER = ("meeting", "person", "minutes")
REGISTRATIONS_HEADER = ("person", "session")
#: The longest meeting a file may ask for (a working day).
MAX_MINUTES = 600
#: The most people in one meeting.
MAX_PEOPLE = 50


def _problem(code: str, message: str, hint: str, file: str, row: int, column: int) -> Problem:
    return Problem(code, message, (), hint, Location(file, row, column))


def _check_header(rows: list[list[str]], header: tuple[str, ...], name: str) -> None:
    if not rows or tuple(c.strip().lower() for c in rows[0]) != header:
        given = ",".join(rows[0]) if rows else ""
        wanted = ",".join(header)
        raise NetwerkdagError(
            _problem(
                "bad-header",
                f"the header is '{given}', not '{wanted}'",
                f"make the first row exactly: {wanted}",
                name,
                1,
                1,
            )
        )


def _unknown(kind: str, value: str, known: Collection[str]) -> str:
    close = difflib.get_close_matches(value, list(known), n=1)
    return f"did you mean '{close[0]}'?" if close else f"use a {kind} id of the event file"


def read_requests(path: Path, people: Collection[str]) -> list[Meeting]:
    return requests_from_rows(read_table_file(path, LIMITS), str(path), people)


def requests_from_rows(rows: list[list[str]], name: str, people: Collection[str]) -> list[Meeting]:
    """The meetings of `rows` (the table with its header); `people` are the person ids one may name."""
    _check_header(rows, REQUESTS_HEADER, name)
    problems: list[Problem] = []
    members: dict[str, list[str]] = {}
    minutes_of: dict[str, tuple[int, int]] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != 3:
            problems.append(
                _problem(
                    "bad-row",
                    f"row {number} has {len(row)} fields; the header has 3",
                    "write meeting,person,minutes on every row",
                    name,
                    number,
                    1,
                )
            )
            continue
        meeting, person, minutes = (c.strip() for c in row)
        if not meeting or len(meeting) > 100:
            problems.append(
                _problem(
                    "bad-meeting",
                    f"row {number}: the meeting id is empty or longer than 100 characters",
                    "give each meeting a short id",
                    name,
                    number,
                    1,
                )
            )
            continue
        if person not in people:
            problems.append(
                _problem(
                    "unknown-person",
                    f"row {number}: unknown person '{person}'",
                    _unknown("person", person, people),
                    name,
                    number,
                    2,
                )
            )
            continue
        if not (minutes.isascii() and minutes.isdigit()) or not 1 <= int(minutes) <= MAX_MINUTES:
            problems.append(
                _problem(
                    "bad-minutes",
                    f"row {number}: the minutes '{minutes}' are not a whole number from 1 to {MAX_MINUTES}",
                    "give the meeting's length in minutes, such as 15 or 30",
                    name,
                    number,
                    3,
                )
            )
            continue
        first = minutes_of.setdefault(meeting, (int(minutes), number))
        if first[0] != int(minutes):
            problems.append(
                _problem(
                    "inconsistent-minutes",
                    f"row {number}: meeting '{meeting}' lasts {minutes} minutes here and {first[0]} on row "
                    f"{first[1]}",
                    "give every row of a meeting the same minutes",
                    name,
                    number,
                    3,
                )
            )
            continue
        names = members.setdefault(meeting, [])
        if person in names:
            problems.append(
                _problem(
                    "duplicate-person",
                    f"row {number}: '{person}' is in meeting '{meeting}' twice",
                    "name each person once per meeting",
                    name,
                    number,
                    2,
                )
            )
            continue
        if len(names) == MAX_PEOPLE:
            problems.append(
                _problem(
                    "too-many-people",
                    f"row {number}: meeting '{meeting}' has more than {MAX_PEOPLE} people",
                    "split it into smaller meetings",
                    name,
                    number,
                    2,
                )
            )
            continue
        names.append(person)
    for meeting, names in members.items():
        if len(names) < 2:
            problems.append(
                _problem(
                    "lonely-meeting",
                    f"meeting '{meeting}' has one person; a meeting needs at least two",
                    "add a row for each other person in it, or leave the meeting out",
                    name,
                    minutes_of[meeting][1],
                    2,
                )
            )
    if problems:
        raise row_problems(problems, name)
    return [
        Meeting(meeting, tuple(names), minutes_of[meeting][0], order)
        for order, (meeting, names) in enumerate(members.items())
    ]


def read_registrations(
    path: Path, people: Collection[str], sessions: Collection[str]
) -> dict[str, list[str]]:
    return registrations_from_rows(read_table_file(path, LIMITS), str(path), people, sessions)


def registrations_from_rows(
    rows: list[list[str]], name: str, people: Collection[str], sessions: Collection[str]
) -> dict[str, list[str]]:
    """Per person the sessions they are in, from `rows` (the table with its header)."""
    _check_header(rows, REGISTRATIONS_HEADER, name)
    problems: list[Problem] = []
    found: dict[str, list[str]] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != 2:
            problems.append(
                _problem(
                    "bad-row",
                    f"row {number} has {len(row)} fields; the header has 2",
                    "write person,session on every row",
                    name,
                    number,
                    1,
                )
            )
            continue
        person, session = (c.strip() for c in row)
        if person not in people:
            problems.append(
                _problem(
                    "unknown-person",
                    f"row {number}: unknown person '{person}'",
                    _unknown("person", person, people),
                    name,
                    number,
                    1,
                )
            )
            continue
        if session not in sessions:
            problems.append(
                _problem(
                    "unknown-session",
                    f"row {number}: unknown session '{session}'",
                    _unknown("session", session, sessions),
                    name,
                    number,
                    2,
                )
            )
            continue
        held = found.setdefault(person, [])
        if session not in held:
            held.append(session)
    if problems:
        raise row_problems(problems, name)
    return found
