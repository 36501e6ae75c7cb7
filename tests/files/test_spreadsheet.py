"""The table reader for uploads (`files.spreadsheet`): CSV and XLSX as rows of stripped text, each limit
refused at its row and column before what it guards is built. The bombs are read in a child process whose
peak memory is measured, under an address-space cap so that a regression fails instead of eating the
machine."""

from __future__ import annotations

import csv
import io
import json
import re
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from tests.files.bombs import (
    HEAD,
    SHEET,
    TAIL,
    cell_bomb_file,
    dimension_bomb,
    far_cell,
    rewrite,
    workbook,
    zip_bomb_file,
)

from netwerkdag.core.problems import Location, NetwerkdagError, Problem
from netwerkdag.files.spreadsheet import TableLimits, read_csv, read_table, read_xlsx

SST_HEAD = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
#: The issue's target for the peak memory of a refused bomb.
MAX_PEAK = 300 * 1024 * 1024
#: No limit, for showing what a limit is for.
HUGE = 10**12


def sheet_xml(*rows: bytes) -> Callable[[bytes], bytes]:
    """A change that replaces the sheet's XML by these rows."""
    return lambda _old: HEAD + b"".join(rows) + TAIL


def excel_like(rows: list[list[str]]) -> bytes:
    """A workbook whose texts are in a shared-strings part, each distinct text once, as Excel writes it
    (openpyxl writes inline strings)."""
    strings: dict[str, int] = {}
    xml_rows = []
    for number, row in enumerate(rows, start=1):
        cells = b"".join(
            b'<c r="%s%d" t="s"><v>%d</v></c>'
            % (bytes([65 + c]), number, strings.setdefault(text, len(strings)))
            for c, text in enumerate(row)
        )
        xml_rows.append(b'<row r="%d">%s</row>' % (number, cells))
    table = b"".join(b"<si><t>%s</t></si>" % text.encode() for text in strings)
    source = zipfile.ZipFile(io.BytesIO(workbook(["x"])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                body = body.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            elif info.filename == SHEET:
                body = HEAD + b"".join(xml_rows) + TAIL
            target.writestr(info.filename, body)
        target.writestr("xl/sharedStrings.xml", SST_HEAD + table + b"</sst>")
    return out.getvalue()


def refusal(read: Callable[[], object]) -> Problem:
    with pytest.raises(NetwerkdagError) as caught:
        read()
    (problem,) = caught.value.problems
    assert problem.hint, problem
    return problem


def at(problem: Problem) -> tuple[int, int, str]:
    """Where a problem is, as (row, column, code)."""
    assert problem.location is not None
    return problem.location.line, problem.location.column, problem.code


# --- good files ------------------------------------------------------------------------------------------


def test_csv_with_commas_is_read_as_stripped_text() -> None:
    assert read_csv(b"name , email\n Anna ,anna@example.invalid\n", "l.csv") == [
        ["name", "email"],
        ["Anna", "anna@example.invalid"],
    ]


def test_csv_with_semicolons_and_a_bom() -> None:
    data = "naam;e-mail;gemeente\nAnna;anna@example.invalid;Haarlem, Noord\n".encode("utf-8-sig")

    assert read_csv(data, "l.csv") == [
        ["naam", "e-mail", "gemeente"],
        ["Anna", "anna@example.invalid", "Haarlem, Noord"],
    ]


def test_csv_quoting_is_excels() -> None:
    data = b'name;note\n"de Vries; Anna";"zei ""hoi""\nen ging"\n'

    assert read_csv(data, "l.csv") == [["name", "note"], ["de Vries; Anna", 'zei "hoi"\nen ging']]


def test_csv_keeps_empty_rows_and_fields_so_rows_keep_their_numbers() -> None:
    assert read_csv(b"a,b\n\n,c\n", "l.csv") == [["a", "b"], [], ["", "c"]]


def test_csv_of_one_column() -> None:
    assert read_csv(b"name\nAnna\n", "l.csv") == [["name"], ["Anna"]]


def test_csv_with_one_delimiter_is_not_sniffed() -> None:
    assert read_csv(b"person;session\n", "l.csv", delimiters=",") == [["person;session"]]


def test_xlsx_values_read_as_they_show() -> None:
    data = workbook(
        ["name", "count", "share", "postcode", "day", "start", "ok"],
        [" Anna ", 42, 3.5, 2011.0, date(2024, 5, 1), datetime(2024, 5, 1, 9, 30), True],
    )

    assert read_xlsx(data, "l.xlsx") == [
        ["name", "count", "share", "postcode", "day", "start", "ok"],
        ["Anna", "42", "3.5", "2011", "2024-05-01", "2024-05-01 09:30:00", "TRUE"],
    ]


def test_xlsx_rows_keep_their_numbers_and_end_at_their_last_filled_cell() -> None:
    data = rewrite(
        workbook(["x"]),
        SHEET,
        sheet_xml(
            b'<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c><c r="D1" s="0"/></row>',
            b'<row r="3"><c r="C3" t="inlineStr"><is><t>Anna</t></is></c></row>',
        ),
    )

    assert read_xlsx(data, "l.xlsx") == [["name"], [], ["", "", "Anna"]]


def test_xlsx_with_shared_strings_as_excel_writes_them() -> None:
    data = excel_like([["name", "email"], ["Anna", "anna@example.invalid"], ["Anna", ""]])

    assert b"sharedStrings" in data
    assert read_xlsx(data, "l.xlsx") == [["name", "email"], ["Anna", "anna@example.invalid"], ["Anna"]]


def test_a_full_invitee_list_fits_the_default_limits() -> None:
    """20,000 people, each with a distinct name, address and id: what the defaults are for."""
    rows = [["name", "email", "organisation", "role", "function", "language", "person"]]
    rows += [
        [
            f"Persoon {i}",
            f"p{i}@example.invalid",
            f"Gemeente {i % 40}",
            "wethouder",
            "raadslid",
            "nl",
            f"p-{i}",
        ]
        for i in range(20_000)
    ]

    table = read_xlsx(excel_like(rows), "l.xlsx")

    assert len(table) == 20_001
    assert table[-1] == rows[-1]


def test_read_table_chooses_the_reader_by_extension() -> None:
    assert read_table(workbook(["name"], ["Anna"]), "LIJST.XLSX") == [["name"], ["Anna"]]
    assert read_table(b"name\nAnna\n", "lijst.txt") == [["name"], ["Anna"]]


def test_read_table_knows_a_workbook_under_another_name_by_its_zip_signature() -> None:
    assert read_table(workbook(["name"], ["Anna"]), "lijst.csv") == [["name"], ["Anna"]]


def test_a_declared_dimension_is_ignored() -> None:
    data = rewrite(
        workbook(["name"], ["Anna"]),
        SHEET,
        lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml),
    )

    assert b"A1:XFD1048576" in zipfile.ZipFile(io.BytesIO(data)).read(SHEET)
    assert read_xlsx(data, "l.xlsx") == [["name"], ["Anna"]]


# --- each limit, at its row and column -------------------------------------------------------------------

SMALL = TableLimits(max_rows=3, max_columns=3, max_cell_chars=10)


def as_file(kind: str, rows: list[list[str]]) -> tuple[bytes, str]:
    if kind == "csv":
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows(rows)
        return text.getvalue().encode(), "l.csv"
    return workbook(*rows), "l.xlsx"


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_rows_up_to_the_limit_are_read(kind: str) -> None:
    data, name = as_file(kind, [["name"], ["a"], ["b"], ["c"]])

    assert len(read_table(data, name, SMALL)) == 4


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_row_past_the_limit_is_refused_at_its_row(kind: str) -> None:
    data, name = as_file(kind, [["name"], ["a"], ["b"], ["c"], ["d"]])

    problem = refusal(lambda: read_table(data, name, SMALL))

    assert at(problem) == (5, 1, "too-many-rows")
    assert "more than 3 rows" in problem.message


def test_an_empty_row_past_the_limit_is_refused_too() -> None:
    assert at(refusal(lambda: read_csv(b"name\na\nb\nc\n\n", "l.csv", SMALL))) == (5, 1, "too-many-rows")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_filled_cell_past_the_column_limit_is_refused_at_its_cell(kind: str) -> None:
    data, name = as_file(kind, [["a", "b", "c"], ["a", "b", "c", "d"]])

    problem = refusal(lambda: read_table(data, name, SMALL))

    assert at(problem) == (2, 4, "too-many-columns")


def test_empty_cells_past_the_column_limit_are_dropped() -> None:
    assert read_csv(b"a,b,c,,,\n", "l.csv", SMALL) == [["a", "b", "c"]]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_cell_past_the_length_limit_is_refused_at_its_cell(kind: str) -> None:
    data, name = as_file(kind, [["name", "note"], ["Anna", "x" * 10], ["Bas", "x" * 11]])

    problem = refusal(lambda: read_table(data, name, SMALL))

    assert at(problem) == (3, 2, "cell-too-long")
    assert "11 characters" in problem.message


def test_a_long_shared_string_is_refused_at_its_cell() -> None:
    data = excel_like([["name", "note"], ["Anna", "x" * 11]])

    assert at(refusal(lambda: read_xlsx(data, "l.xlsx", SMALL))) == (2, 2, "cell-too-long")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_file_past_the_size_limit_is_refused(kind: str) -> None:
    data, name = as_file(kind, [["name"], ["Anna"]])

    problem = refusal(lambda: read_table(data, name, TableLimits(max_bytes=len(data) - 1)))

    assert at(problem) == (1, 1, "too-large")


def test_a_csv_field_past_the_csv_modules_limit_is_refused_at_its_row() -> None:
    data = b'name,note\nAnna,ok\nBas,"' + b"x" * (csv.field_size_limit() + 1) + b'"\n'

    problem = refusal(lambda: read_csv(data, "l.csv"))

    assert at(problem) == (3, 1, "cell-too-long")


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_a_csv_that_is_not_utf8_is_refused_at_the_row_of_the_byte(bom: bytes) -> None:
    problem = refusal(lambda: read_csv(bom + b"name\n\nJos\xe9\n", "l.csv"))

    assert problem.location == Location("l.csv", 3, 1)
    assert problem.code == "not-utf8"
    assert "0xe9" in problem.message


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"name\nAnna\n", "not a zip"),
        (b"", "not a zip"),
        (b"PK\x03\x04" + b"\0" * 100, "not a zip"),
    ],
)
def test_an_xlsx_that_is_not_a_zip_is_refused(data: bytes, why: str) -> None:
    problem = refusal(lambda: read_xlsx(data, "l.xlsx"))

    assert at(problem) == (1, 1, "not-xlsx")
    assert why in problem.message


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("name.txt", "Anna")

    problem = refusal(lambda: read_xlsx(buffer.getvalue(), "l.xlsx"))

    assert at(problem) == (1, 1, "not-xlsx")
    assert "not a workbook" in problem.message


def test_too_many_zip_members_are_refused() -> None:
    data = workbook(["name"])
    members = len(zipfile.ZipFile(io.BytesIO(data)).infolist())

    problem = refusal(lambda: read_xlsx(data, "l.xlsx", TableLimits(max_members=members - 1)))

    assert at(problem) == (1, 1, "xlsx-too-large")
    assert f"{members} parts" in problem.message


def test_too_large_an_unpacked_size_is_refused() -> None:
    problem = refusal(lambda: read_xlsx(workbook(["name"]), "l.xlsx", TableLimits(max_unpacked_bytes=1000)))

    assert at(problem) == (1, 1, "xlsx-too-large")
    assert "unpacks to" in problem.message


def test_a_member_that_packs_too_well_is_refused() -> None:
    data = rewrite(workbook(["name"]), SHEET, sheet_xml(b" " * 2_000_000))

    problem = refusal(lambda: read_xlsx(data, "l.xlsx"))

    assert at(problem) == (1, 1, "xlsx-too-large")
    assert SHEET in problem.message
    assert "times its packed size" in problem.message


def test_a_member_longer_than_declared_is_not_read_past_its_declared_size() -> None:
    """What the size limits rest on: zipfile stops at the declared size and then fails on the CRC."""
    rows = b"".join(
        b'<row r="%d"><c t="inlineStr"><is><t>Anna</t></is></c></row>' % r for r in range(1, 3000)
    )
    data = bytearray(rewrite(workbook(["name"]), SHEET, sheet_xml(rows)))
    entry = data.find(b"PK\x01\x02")  # the first entry of the central directory
    while data[entry + 46 : entry + 46 + len(SHEET)] != SHEET.encode():
        entry = data.find(b"PK\x01\x02", entry + 4)
    struct.pack_into("<I", data, entry + 24, 1000)  # the declared unpacked size
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(SHEET).file_size == 1000

    problem = refusal(lambda: read_xlsx(bytes(data), "l.xlsx"))

    assert at(problem) == (1, 1, "not-xlsx")
    assert "CRC" in problem.message


def test_too_many_xml_elements_are_refused() -> None:
    limits = TableLimits(max_xml_elements=100, max_part_elements=HUGE)

    problem = refusal(lambda: read_xlsx(workbook(["name"]), "l.xlsx", limits))

    assert at(problem) == (1, 1, "xlsx-too-complex")
    assert "more than 100 XML elements" in problem.message


def test_too_many_xml_elements_in_one_part_are_refused() -> None:
    problem = refusal(lambda: read_xlsx(workbook(["name"]), "l.xlsx", TableLimits(max_part_elements=50)))

    assert at(problem) == (1, 1, "xlsx-too-complex")
    assert re.search(r"the part xl/\S+ holds more than 50 XML elements", problem.message)


def test_a_row_of_too_many_xml_elements_is_refused() -> None:
    cells = b"<c/>" * 21
    data = rewrite(workbook(["name"]), SHEET, sheet_xml(b'<row r="1">' + cells + b"</row>"))

    problem = refusal(lambda: read_xlsx(data, "l.xlsx", TableLimits(max_row_elements=20)))

    assert at(problem) == (1, 1, "xlsx-too-complex")
    assert f"row 1 of {SHEET} holds more than 20 elements" in problem.message


def test_a_part_that_expat_cannot_read_is_refused() -> None:
    """lxml, which openpyxl uses when it is installed, reads UTF-32: a part we cannot count is refused."""
    data = rewrite(workbook(["name"]), "xl/styles.xml", lambda xml: xml.decode().encode("utf-32"))

    problem = refusal(lambda: read_xlsx(data, "l.xlsx"))

    assert at(problem) == (1, 1, "not-xlsx")
    assert "xl/styles.xml is not well-formed XML" in problem.message


def test_a_part_that_is_not_xml_is_skipped() -> None:
    data = workbook(["name"], ["Anna"])
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/media/image1.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)

    assert read_xlsx(buffer.getvalue(), "l.xlsx") == [["name"], ["Anna"]]


def test_a_dtd_is_refused() -> None:
    laughs = b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    data = rewrite(workbook(["name"]), SHEET, lambda xml: laughs + xml)

    problem = refusal(lambda: read_xlsx(data, "l.xlsx"))

    assert at(problem) == (1, 1, "xlsx-too-complex")
    assert "DTD" in problem.message


# --- bombs: refused, in bounded memory -------------------------------------------------------------------

#: Reads a file with the default limits in a child process capped at 512 MiB of address space (so that a
#: regression fails fast instead of eating the machine); prints what happened and its peak resident memory.
CHILD = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 29, 1 << 29))
from netwerkdag.core.problems import NetwerkdagError
from netwerkdag.files.spreadsheet import read_table
with open(sys.argv[1], "rb") as handle:
    data = handle.read()
try:
    rows = read_table(data, sys.argv[1])
    outcome = {"rows": len(rows)}
except NetwerkdagError as error:
    (problem,) = error.problems
    outcome = {"refused": [problem.location.line, problem.location.column, problem.code, problem.message]}
# VmHWM is this process's own peak: ru_maxrss would carry the parent's over fork and exec on Linux (a
# test process that grew to 400 MB would report 400 MB here).
with open("/proc/self/status") as status:
    hwm = next(line for line in status if line.startswith("VmHWM:"))
outcome["peak"] = int(hwm.split()[1]) * 1024
print(json.dumps(outcome))
"""


def read_in_child(path: Path) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, check=False, timeout=600
    )
    assert result.returncode == 0, result.stderr
    outcome: dict[str, Any] = json.loads(result.stdout)
    return outcome


@pytest.fixture(scope="session")
def zip_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return zip_bomb_file(tmp_path_factory.mktemp("bomb") / "zip-bomb.xlsx")


@pytest.fixture(scope="session")
def cell_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return cell_bomb_file(tmp_path_factory.mktemp("bomb") / "cell-bomb.xlsx")


def test_the_dimension_bomb_is_refused_at_the_row_limit_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "dimension-bomb.xlsx"
    path.write_bytes(dimension_bomb())
    assert path.stat().st_size < 6_000

    outcome = read_in_child(path)

    assert outcome["refused"][:3] == [20_002, 1, "too-many-rows"]
    assert outcome["peak"] < MAX_PEAK


def test_a_cell_at_the_last_row_is_refused_at_the_row_limit_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "far.xlsx"
    path.write_bytes(far_cell())

    outcome = read_in_child(path)

    assert outcome["refused"][:3] == [20_002, 1, "too-many-rows"]
    assert outcome["peak"] < MAX_PEAK


def test_a_zip_bomb_is_refused_by_its_directory_in_bounded_memory(zip_bomb: Path) -> None:
    assert 2_000_000 < zip_bomb.stat().st_size < 3_000_000
    assert zipfile.ZipFile(zip_bomb).getinfo(SHEET).file_size > 2_000_000_000

    outcome = read_in_child(zip_bomb)

    assert outcome["refused"][:3] == [1, 1, "xlsx-too-large"]
    assert re.search(r"unpacks to 2000\.\d MB", outcome["refused"][3])
    assert outcome["peak"] < MAX_PEAK


def test_a_cell_of_500_million_characters_is_refused_in_bounded_memory(cell_bomb: Path) -> None:
    assert cell_bomb.stat().st_size < 1_000_000

    outcome = read_in_child(cell_bomb)

    assert outcome["refused"][:3] == [1, 1, "xlsx-too-large"]
    assert outcome["peak"] < MAX_PEAK


def test_the_memory_check_fails_for_the_reading_before_the_limits(tmp_path: Path) -> None:
    """The harness can fail: the dimension bomb read as invitees.read_rows read it (every row built, each
    padded to the declared width) runs out of the 512 MiB in which the reader above refuses it."""
    path = tmp_path / "dimension-bomb.xlsx"
    path.write_bytes(dimension_bomb())
    old_reading = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 29, 1 << 29))
from openpyxl import load_workbook
sheet = load_workbook(sys.argv[1], read_only=True, data_only=True).worksheets[0]
rows = [["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)]
"""

    result = subprocess.run(
        [sys.executable, "-c", old_reading, str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )

    assert result.returncode != 0
    assert "MemoryError" in result.stderr
