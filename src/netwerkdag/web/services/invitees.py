"""Importing invitees from CSV or XLSX, and creating them from the event's network.

The header names the columns (`name` required; `email`, `organisation`, `role`, `function`, `language`,
`person` optional, in any order, Dutch names accepted). The file is read by `files.spreadsheet`, which
refuses what is too large before building it; then every row is checked, each value also against the
length of its database column. One bad row and nothing is imported, and each problem names its row and
column as the spreadsheet numbers them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.core.problems import Location, NetwerkdagError, Problem
from netwerkdag.files.spreadsheet import TableLimits, read_table
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


#: The reader's limits: the default ones, with this module's row limit.
LIMITS = TableLimits(max_rows=MAX_ROWS)
#: How a field is named in a problem.
LABELS = {
    "name": "name",
    "email": "e-mail address",
    "organisation": "organisation",
    "role": "role",
    "function": "function",
    "person_id": "person id",
}


def parse(data: bytes, filename: str, core: CoreEvent | None) -> list[Row]:
    table = read_table(data, filename, LIMITS)
    # Empty rows are skipped, but each row keeps its number in the spreadsheet.
    cells = [(number, row) for number, row in enumerate(table, start=1) if any(row)]
    if not cells:
        raise NetwerkdagError(
            _problem(filename, 1, 1, "the file is empty", "put a header row first: name,email,...")
        )
    header_line, header_cells = cells[0]
    header = [COLUMNS.get(h.lower()) for h in header_cells]
    problems = [
        _problem(
            filename,
            header_line,
            c + 1,
            f"unknown column '{header_cells[c]}'",
            "use: name, email, organisation, role, function, language, person",
        )
        for c, h in enumerate(header)
        if h is None and header_cells[c]
    ]
    if "name" not in header:
        problems.append(
            _problem(filename, header_line, 1, "there is no column 'name'", "add a column named name")
        )
    if problems:
        raise NetwerkdagError(problems)
    # From the model, so that a value that fits here fits in the database too.
    max_length = {field: models.Invitee._meta.get_field(field).max_length for field in LABELS}
    col = {h: c + 1 for c, h in enumerate(header) if h}
    rows: list[Row] = []
    seen_email: dict[str, int] = {}
    for number, raw in cells[1:]:
        values = {h: (raw[c] if c < len(raw) else "") for c, h in enumerate(header) if h}
        too_long: set[str] = set()
        for field in sorted(values.keys() & LABELS.keys(), key=col.__getitem__):
            length, limit = len(values[field]), max_length[field]
            if length > limit:
                too_long.add(field)
                problems.append(
                    _problem(
                        filename,
                        number,
                        col[field],
                        f"the {LABELS[field]} is {length} characters long; at most {limit}",
                        f"shorten it to at most {limit} characters",
                    )
                )
        if not values.get("name"):
            problems.append(_problem(filename, number, col["name"], "the name is empty", "fill in the name"))
        email = values.get("email", "")
        if email and "email" not in too_long:
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
        if email:
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
        if (
            person
            and core is not None
            and "person_id" not in too_long
            and not core.network.has_person(person)
        ):
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
