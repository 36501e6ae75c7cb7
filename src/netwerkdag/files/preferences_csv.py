"""Read a preferences file for `netwerkdag allocate`: who ranks which session or topic how.

The table has the header ``person,choice,rank``: `person` a person id of the network, or any other id for
an attendee from outside it; `choice` a session id of one of the event's parallel rounds, or a `topic` of
its sessions (every run of it); `rank` a whole number from 1 (most wanted) to 100, equal ranks allowed.
CSV separated by ``,`` or ``;`` in UTF-8, or the first sheet of an .xlsx workbook (`files.spreadsheet`).
Every problem is reported with ``file:row:column``, all at once; nothing is read when any row is wrong.
"""

from __future__ import annotations

from pathlib import Path

from netwerkdag.core.preferences import Preference
from netwerkdag.core.problems import Location, NetwerkdagError, Problem
from netwerkdag.files.spreadsheet import TableLimits, read_table_file, row_problems

MAX_BYTES = 50_000_000
HEADER = ("person", "choice", "rank")
LIMITS = TableLimits(max_rows=MAX_BYTES, max_bytes=MAX_BYTES)
MAX_RANK = 100


def _problem(code: str, message: str, hint: str, file: str, row: int, column: int) -> Problem:
    return Problem(code, message, (), hint, Location(file, row, column))


def read_preferences(path: Path, choices: frozenset[str]) -> list[Preference]:
    """The rows (person, choice, rank) of the file; `choices` are the ids a choice may name."""
    return preferences_from_rows(read_table_file(path, LIMITS), str(path), choices)


def preferences_from_rows(rows: list[list[str]], name: str, choices: frozenset[str]) -> list[Preference]:
    """The preferences of `rows` (the table with its header); a person may come from outside the
    network, so only the choices are checked against the event."""
    if not rows or tuple(c.strip().lower() for c in rows[0]) != HEADER:
        given = ",".join(rows[0]) if rows else ""
        raise NetwerkdagError(
            _problem(
                "bad-header",
                f"the header is '{given}', not 'person,choice,rank'",
                "make the first row exactly: person,choice,rank",
                name,
                1,
                1,
            )
        )
    problems: list[Problem] = []
    found: dict[tuple[str, str], Preference] = {}
    shown = ", ".join(sorted(choices)[:12]) + (" ..." if len(choices) > 12 else "")
    for number, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        if len(row) != len(HEADER):
            problems.append(
                _problem(
                    "bad-row",
                    f"row {number} has {len(row)} fields; the header has 3",
                    "write person,choice,rank on every row",
                    name,
                    number,
                    1,
                )
            )
            continue
        person, choice, rank = (c.strip() for c in row)
        if not person:
            problems.append(
                _problem(
                    "bad-person", f"row {number}: the person is empty", "give a person id", name, number, 1
                )
            )
            continue
        if choice not in choices:
            problems.append(
                _problem(
                    "unknown-choice",
                    f"row {number}: '{choice}' is no session of a parallel round and no topic of the event",
                    f"use one of: {shown}",
                    name,
                    number,
                    2,
                )
            )
            continue
        if not (rank.isascii() and rank.isdigit()) or not 1 <= int(rank) <= MAX_RANK:
            problems.append(
                _problem(
                    "bad-rank",
                    f"row {number}: the rank '{rank}' is not a whole number from 1 to {MAX_RANK}",
                    "rank 1 is most wanted; equal ranks are allowed",
                    name,
                    number,
                    3,
                )
            )
            continue
        found[(person, choice)] = Preference(person, choice, int(rank))
    if problems:
        raise row_problems(problems, name)
    return list(found.values())
