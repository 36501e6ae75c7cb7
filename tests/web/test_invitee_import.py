"""Importing invitees through the organiser's page: a value longer than its database column, or a sheet
that claims a million rows, is refused with its row and column, and nothing is stored."""

from __future__ import annotations

import html
import io
import re
import zipfile

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
    text = f"naam,e-mail,functie\n{'N' * 300},bas@example.invalid,\nBas,{email},\nCor,,{'f' * 201}\nDea,,\n"

    status, page = upload(organiser, "lijst.csv", text.encode())

    assert status == 400
    assert "lijst.csv:2:1: the name is 300 characters long; at most 200" in page
    assert "lijst.csv:3:2: the e-mail address is 255 characters long; at most 254" in page
    assert "lijst.csv:4:3: the function is 201 characters long; at most 200" in page
    assert "is not an e-mail address" not in page  # one problem for the address, not two
    assert not models.Invitee.objects.filter(event=day).exists()


def test_values_as_long_as_their_column_are_stored(organiser: Client, day: models.Event) -> None:
    status, _ = upload(organiser, "lijst.csv", f"naam,functie\n{'N' * 200},{'f' * 200}\n".encode())

    assert status == 303
    assert models.Invitee.objects.get(event=day).name == "N" * 200


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
