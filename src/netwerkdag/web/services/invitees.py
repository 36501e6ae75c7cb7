"""Importing invitees from CSV or XLSX, and creating them from the event's network.

The header names the columns (`name` required; `email`, `organisation`, `role`, `function`, `language`,
`person` optional, in any order, Dutch names accepted). Every row is checked first; one bad row and
nothing is imported, and each problem names its row and column.
"""

from __future__ import annotations

import contextlib
import csv
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.core.problems import Location, NetwerkdagError, Problem
from netwerkdag.web import models

COLUMNS = {
    "name": "name",
    "naam": "name",
    "email": "email",
    "e-mail": "email",
    "mail": "email",
    "organisation": "organisation",
    "organisatie": "organisation",
    "gemeente": "organisation",
    "city": "organisation",
    "role": "role",
    "rol": "role",
    "function": "function",
    "functie": "function",
    "language": "language",
    "taal": "language",
    "person": "person_id",
    "persoon": "person_id",
    "id": "person_id",
}
MAX_ROWS = 20_000


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    values: dict[str, str]


def _problem(file: str, row: int, column: int, message: str, hint: str) -> Problem:
    return Problem("bad-invitee-row", message, (), hint, Location(file, row, column))


def read_rows(data: bytes, filename: str) -> list[list[str]]:
    """The cells of a CSV (UTF-8, comma or semicolon) or XLSX file, as text."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a file that is not a workbook
            raise NetwerkdagError(
                Problem(
                    "bad-file", f"{filename} is not an Excel workbook (.xlsx)", (), "save it as .xlsx or CSV"
                )
            ) from None
        sheet = book.worksheets[0]
        return [
            ["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)
        ]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise NetwerkdagError(
            _problem(filename, line, 1, "the file is not UTF-8 text", "save it as CSV UTF-8")
        ) from None
    dialect = csv.excel
    with contextlib.suppress(csv.Error):  # no separator found: a single column, read as plain CSV
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;")  # type: ignore[assignment]
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]


def parse(data: bytes, filename: str, core: CoreEvent | None) -> list[Row]:
    cells = read_rows(data, filename)
    cells = [row for row in cells if any(row)]
    if not cells:
        raise NetwerkdagError(
            _problem(filename, 1, 1, "the file is empty", "put a header row first: name,email,...")
        )
    header = [COLUMNS.get(h.strip().lower()) for h in cells[0]]
    problems = [
        _problem(
            filename,
            1,
            c + 1,
            f"unknown column '{cells[0][c]}'",
            "use: name, email, organisation, role, function, language, person",
        )
        for c, h in enumerate(header)
        if h is None and cells[0][c]
    ]
    if "name" not in header:
        problems.append(_problem(filename, 1, 1, "there is no column 'name'", "add a column named name"))
    if len(cells) - 1 > MAX_ROWS:
        problems.append(_problem(filename, MAX_ROWS + 2, 1, f"more than {MAX_ROWS} rows", "split the file"))
    if problems:
        raise NetwerkdagError(problems)
    rows: list[Row] = []
    seen_email: dict[str, int] = {}
    for number, raw in enumerate(cells[1:], start=2):
        values = {h: (raw[c] if c < len(raw) else "") for c, h in enumerate(header) if h}
        col = {h: c + 1 for c, h in enumerate(header) if h}
        if not values.get("name"):
            problems.append(_problem(filename, number, col["name"], "the name is empty", "fill in the name"))
        email = values.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(
                    _problem(
                        filename,
                        number,
                        col["email"],
                        f"'{email}' is not an e-mail address",
                        "correct the address or leave it empty",
                    )
                )
            if email.lower() in seen_email:
                problems.append(
                    _problem(
                        filename,
                        number,
                        col["email"],
                        f"'{email}' is also in row {seen_email[email.lower()]}",
                        "each person once",
                    )
                )
            seen_email[email.lower()] = number
        lang = values.get("language", "").lower() or "nl"
        if lang not in ("nl", "en"):
            problems.append(
                _problem(filename, number, col["language"], f"unknown language '{lang}'", "use nl or en")
            )
        values["language"] = lang
        person = values.get("person_id", "")
        if person and core is not None and not core.network.has_person(person):
            problems.append(
                _problem(
                    filename,
                    number,
                    col["person_id"],
                    f"no person '{person}' in the network",
                    "use an id from the network file, or leave it empty",
                )
            )
        rows.append(Row(number, values))
    if problems:
        raise NetwerkdagError(problems)
    return rows


def import_invitees(
    event: models.Event, data: bytes, filename: str, core: CoreEvent | None
) -> tuple[int, int]:
    """Add or update the invitees of a file (matched by person id, else e-mail); all or nothing. Returns
    (added, updated)."""
    rows = parse(data, filename, core)
    added = updated = 0
    with transaction.atomic():
        for row in rows:
            v = row.values
            match = None
            if v.get("person_id"):
                match = models.Invitee.objects.filter(event=event, person_id=v["person_id"]).first()
            if match is None and v.get("email"):
                match = models.Invitee.objects.filter(event=event, email__iexact=v["email"]).first()
            fields = {
                k: v.get(k, "") for k in ("name", "email", "organisation", "role", "function", "person_id")
            }
            fields["language"] = v["language"]
            if match is None:
                models.Invitee.objects.create(event=event, **fields)
                added += 1
            else:
                for key, value in fields.items():
                    if value:
                        setattr(match, key, value)
                match.save()
                updated += 1
    return added, updated


def invitees_from_network(event: models.Event, core: CoreEvent) -> int:
    """An invitee for each person of the network who has none yet; returns how many were added."""
    known = set(models.Invitee.objects.filter(event=event).values_list("person_id", flat=True))
    added = 0
    with transaction.atomic():
        for person in core.network.people:
            if person.id in known:
                continue
            organisation = ""
            if person.organisation and core.network.has_organisation(person.organisation):
                organisation = core.network.organisation(person.organisation).name
            models.Invitee.objects.create(
                event=event,
                person_id=person.id,
                name=person.name,
                email=person.email or "",
                organisation=organisation,
                role=person.role,
                function=person.function or "",
            )
            added += 1
    return added
