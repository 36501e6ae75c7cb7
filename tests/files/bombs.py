"""Hostile workbooks, made for the tests of the table reader (tests/files/test_spreadsheet.py, the invitee
import) and for the benchmark of uploads (benchmarks/web/hostile_files.py): the dimension bomb, a zip
bomb, a cell of 500 million characters. Big ones are written as streams, so that nobody holds them whole."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
HEAD = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
TAIL = b"</sheetData></worksheet>"


def workbook(*rows: list[object]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite(data: bytes, member: str, change: Callable[[bytes], bytes]) -> bytes:
    """The workbook with one member changed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            target.writestr(info.filename, change(body) if info.filename == member else body)
    return out.getvalue()


def bomb_with(path: Path, write_sheet: Callable[[IO[bytes]], None]) -> Path:
    """An XLSX whose sheet XML is written by `write_sheet` to a stream, so that no one holds it whole."""
    source = zipfile.ZipFile(io.BytesIO(workbook(["name"])))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != SHEET:
                target.writestr(info.filename, source.read(info.filename))
        with target.open(SHEET, "w", force_zip64=True) as stream:
            write_sheet(stream)
    return path


def zip_bomb_file(path: Path) -> Path:
    """2.2 MB that unpack to 2 GB: rows of 20,000-character cells. Takes some 6 s to pack."""
    row = b'<row><c t="inlineStr"><is><t>' + b"a" * 20_000 + b"</t></is></c></row>"
    chunk = row * 50

    def write(stream: IO[bytes]) -> None:
        stream.write(HEAD)
        for _ in range(2_000_000_000 // len(chunk) + 1):
            stream.write(chunk)
        stream.write(TAIL)

    return bomb_with(path, write)


def cell_bomb_file(path: Path) -> Path:
    """About 500 KB holding one cell of 500 million characters."""
    chunk = b"a" * 1_000_000

    def write(stream: IO[bytes]) -> None:
        stream.write(HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>')
        stream.write(b'<row r="2"><c r="A2" t="inlineStr"><is><t>')
        for _ in range(500):
            stream.write(chunk)
        stream.write(b"</t></is></c></row>" + TAIL)

    return bomb_with(path, write)


def dimension_bomb() -> bytes:
    """The tester's 5 KB file: a small list and a cell at the last row, and a sheet declared as all of
    A1:XFD1048576, so that openpyxl pads each of a million rows to 16,384 cells."""
    book = Workbook()
    sheet = book.active
    sheet.append(["name", "email"])
    sheet.append(["Anna", "anna@example.invalid"])
    sheet.cell(row=1_048_576, column=1, value="x")
    buffer = io.BytesIO()
    book.save(buffer)
    return rewrite(
        buffer.getvalue(),
        SHEET,
        lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml),
    )


def far_cell() -> bytes:
    """A list with one more cell at row 1,048,576; openpyxl yields an empty row for each row between."""
    book = Workbook()
    sheet = book.active
    sheet.append(["name"])
    sheet.cell(row=1_048_576, column=1, value="x")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
