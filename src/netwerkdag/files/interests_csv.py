"""Read an interests file: a table with the header ``person,session[,weight]``, as CSV or as .xlsx.

`session` is a session id of the event; `person` is a person id of the network, or any other id for an
attendee from outside the network; `weight` is a whole number from 1 to 100, default 3 (wants to come).
Every problem is reported with ``file:row:column``, all at once; nothing is read when any row is wrong.
The cells are read by `files.spreadsheet.read_table`, the reader of every uploaded table: CSV separated by
``,`` or ``;`` in UTF-8 (with or without a BOM), or the first sheet of an .xlsx workbook. It also refuses
a file that is not UTF-8, a cell of more than 1,000 characters and a field that the csv module cannot read.
"""

from __future__ import annotations

from pathlib import Path

from netwerkdag.core.event import Event
from netwerkdag.core.interests import MAX_WEIGHT, MIN_WEIGHT, WANTS, Interest, Reason
from netwerkdag.core.problems import Location, NetwerkdagError, Problem
from netwerkdag.files.spreadsheet import TableLimits, read_csv, read_table_file, row_problems

#: The largest interests file read (50 MB: some 2 million rows).
MAX_BYTES = 50_000_000
HEADER = ("person", "session", "weight")
#: The shared table reader's limits for a local file: the row limit never binds (a row is at least a byte;
#: a workbook is held to the default unpacked size), the column and cell limits only refuse what could never
#: be an interest.
LIMITS = TableLimits(max_rows=MAX_BYTES, max_bytes=MAX_BYTES)


def _problem(code: str, message: str, hint: str, file: str, row: int, column: int) -> Problem:
    return Problem(code, message, (), hint, Location(file, row, column))


def read_interests(path: Path, event: Event) -> list[Interest]:
    return _interests(read_table_file(path, LIMITS), str(path), event)


def parse_interests(text: str, name: str, event: Event) -> list[Interest]:
    """The interests in `text`, CSV separated by ``,`` or ``;``; `name` is the file named in problems."""
    return _interests(read_csv(text.encode("utf-8"), name, LIMITS), name, event)


def _interests(rows: list[list[str]], name: str, event: Event) -> list[Interest]:
    if not rows or not any(rows[0]):
        raise NetwerkdagError(
            _problem(
                "empty-file",
                "the interests file is empty",
                "start with the header person,session,weight",
                name,
                1,
                1,
            )
        )
    header = tuple(cell.lower() for cell in rows[0])
    if header not in (HEADER[:2], HEADER):
        raise NetwerkdagError(
            _problem(
                "bad-header",
                f"the header is '{','.join(rows[0])}', not 'person,session' or 'person,session,weight'",
                "make the first row exactly: person,session,weight",
                name,
                1,
                1,
            )
        )
    problems: list[Problem] = []
    found: dict[tuple[str, str], Interest] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        if len(row) not in (2, 3) or len(row) > len(header):
            problems.append(
                _problem(
                    "bad-row",
                    f"row {number} has {len(row)} fields; the header has {len(header)}",
                    "write person,session[,weight] on every row; quote a value that holds the separator",
                    name,
                    number,
                    1,
                )
            )
            continue
        person, session = row[0], row[1]
        if not person or any(ch in person for ch in "\r\n\t"):
            problems.append(
                _problem(
                    "bad-person", f"row {number}: the person is empty", "give a person id", name, number, 1
                )
            )
            continue
        if not event.has_session(session):
            problems.append(
                _problem(
                    "unknown-session",
                    f"row {number}: no session '{session}' in the event",
                    "use a session id of the event file (its `id:`)",
                    name,
                    number,
                    2,
                )
            )
            continue
        weight = WANTS
        if len(row) == 3 and row[2]:
            value = row[2]
            if not (value.isascii() and value.isdigit()) or not MIN_WEIGHT <= int(value) <= MAX_WEIGHT:
                problems.append(
                    _problem(
                        "bad-weight",
                        f"row {number}: the weight '{value}' is not a whole number from {MIN_WEIGHT} to "
                        f"{MAX_WEIGHT}",
                        "use 10 for must attend, 3 for wants to, 1 for would like to",
                        name,
                        number,
                        3,
                    )
                )
                continue
            weight = int(value)
        found[(person, session)] = Interest(person, session, weight, Reason.FILE)
    if problems:
        raise row_problems(problems, name)
    return list(found.values())
