"""Importing invitees through the organiser's page: a value longer than its database column, or a sheet
that claims a million rows, is refused with its row and column, and nothing is stored."""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from netwerkdag.web import models

pytestmark = pytest.mark.django_db

PAGE = "/organisatie/g40-haarlem-2023/invitees/"
SHEET = "xl/worksheets/sheet1.xml"


def upload(organiser: Client, name: str, data: bytes) -> tuple[int, str]:
    response = organiser.post(PAGE, {"file": SimpleUploadedFile(name, data)})
    return response.status_code, html.unescape(response.content.decode())


def workbook(*rows: list[str], last_row: bool = False, dimension: str = "") -> bytes:
    """A workbook of `rows`; with `last_row` a cell at row 1,048,576 too; with `dimension` the sheet's
    declared size rewritten to it."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if last_row:
        sheet.cell(row=1_048_576, column=1, value="x")
    buffer = io.BytesIO()
    book.save(buffer)
    if not dimension:
        return buffer.getvalue()
    source = zipfile.ZipFile(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == SHEET:
                body = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{dimension}"/>'.encode(), body)
            target.writestr(info.filename, body)
    return out.getvalue()


def test_values_longer_than_their_column_are_refused_at_their_cell(
    organiser: Client, day: models.Event
) -> None:
    email = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 59 + ".nl"  # a valid address
    assert len(email) == 255
    text = f"naam,e-mail,functie\n{'N' * 501},bas@example.invalid,\nBas,{email},\nCor,,{'f' * 501}\nDea,,\n"

    status, page = upload(organiser, "lijst.csv", text.encode())

    assert status == 400
    assert "lijst.csv:2:1: the name is 501 characters long; at most 500" in page
    assert "lijst.csv:3:2: the e-mail address is 255 characters long; at most 254" in page
    assert "lijst.csv:4:3: the function is 501 characters long; at most 500" in page
    assert "is not an e-mail address" not in page  # one problem for the address, not two
    assert not models.Invitee.objects.filter(event=day).exists()


def test_values_as_long_as_their_column_are_stored(organiser: Client, day: models.Event) -> None:
    status, _ = upload(organiser, "lijst.csv", f"naam,functie\n{'N' * 500},{'f' * 500}\n".encode())

    assert status == 303
    assert models.Invitee.objects.get(event=day).name == "N" * 500


def test_a_dimension_bomb_is_refused_at_the_row_limit(organiser: Client, day: models.Event) -> None:
    bomb = workbook(
        ["name", "email"], ["Anna", "anna@example.invalid"], last_row=True, dimension="A1:XFD1048576"
    )
    assert len(bomb) < 6_000

    status, page = upload(organiser, "lijst.xlsx", bomb)

    assert status == 400
    assert "lijst.xlsx:20002:1: the file has more than 20000 rows under the header" in page
    assert not models.Invitee.objects.filter(event=day).exists()


def test_a_declared_dimension_alone_does_not_matter(organiser: Client, day: models.Event) -> None:
    data = workbook(["name", "email"], ["Anna", "anna@example.invalid"], dimension="A1:XFD1048576")

    status, _ = upload(organiser, "lijst.xlsx", data)

    assert status == 303
    assert list(models.Invitee.objects.filter(event=day).values_list("name", flat=True)) == ["Anna"]


def test_a_problem_names_its_row_in_the_sheet_after_empty_rows(organiser: Client, day: models.Event) -> None:
    status, page = upload(organiser, "lijst.csv", b"\nname,email\n\nAnna,geen-adres\n")

    assert status == 400
    assert "lijst.csv:4:2: 'geen-adres' is not an e-mail address" in page
    assert not models.Invitee.objects.filter(event=day).exists()


def test_a_file_that_is_not_a_workbook_is_refused(organiser: Client, day: models.Event) -> None:
    status, page = upload(organiser, "lijst.xlsx", b"name\nAnna\n")

    assert status == 400
    assert "lijst.xlsx cannot be read as an Excel workbook (.xlsx)" in page
    assert not models.Invitee.objects.filter(event=day).exists()


#: Run in a process of its own against the database under test: an event file whose title and whose
#: network person's texts are as long as the file format allows, imported, published, its network
#: invited, and a list with names of that length imported.
LONGEST_TEXTS = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from netwerkdag.files.load import load_event
from netwerkdag.files.dump import dump_event
from netwerkdag.web import models
from netwerkdag.web.services import invitees, programme
text = dump_event(load_event(__import__("pathlib").Path("examples/g40-haarlem-2023")))
text = text.replace("title: Bestuurlijke netwerkdag", "title: " + "T" * 500, 1)
text = text.replace("name: Cathalijne Dortmans", "name: " + "C" * 500, 1)
event = programme.import_event(text, "e.yaml")
programme.publish(event)
core = programme.published_event(event)
added = invitees.invitees_from_network(event, core)
imported = invitees.import_invitees(event, ("naam\\n" + "N" * 500 + "\\n").encode(), "l.csv", core)
print(json.dumps({"title": len(event.title), "added": added, "imported": imported[0],
                  "longest": max(len(i.name) for i in models.Invitee.objects.all())}))
"""


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_longest_texts_the_file_allows_are_stored_on_both_databases(backend: str, tmp_path: Path) -> None:
    """What the event file and the import accept fits the tables the same on SQLite and PostgreSQL
    (PostgreSQL refuses a value longer than its column with an error, SQLite stores it)."""
    import contextlib
    import json
    import subprocess
    import sys

    from tests.web.live import ROOT, postgres_database, server_env

    with contextlib.ExitStack() as stack:
        url = stack.enter_context(postgres_database()) if backend == "postgresql" else None
        result = subprocess.run(
            [sys.executable, "-c", LONGEST_TEXTS],
            env=server_env(tmp_path, url), cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout)
    assert found["title"] == 500
    assert found["added"] > 200
    assert found["imported"] == 1
    assert found["longest"] == 500
