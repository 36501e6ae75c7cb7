"""Read a table that someone uploaded, CSV or XLSX, as rows of stripped text, within limits.

An upload is untrusted: a few kilobytes can claim a sheet of a million rows, unpack to gigabytes or hold
one cell of half a gigabyte. So every limit is checked while reading, before the data it guards is built:
the zip's directory before anything is unpacked, each XML part as a stream before openpyxl parses it, and
the rows as openpyxl yields them, one at a time. The first limit broken stops the reading with a problem
at its row and column (row 1 is the header, columns count from 1).

Row ``n`` of the result is ``rows[n - 1]``: empty rows are kept (as ``[]`` or empty cells), so that a row
number means the same thing to the caller as in the spreadsheet.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO
from xml.parsers import expat

from netwerkdag.core.problems import Location, NetwerkdagError, Problem


@dataclass(frozen=True, slots=True)
class TableLimits:
    """What a table may hold. The defaults fit an invitee list of 20,000 rows and keep a read under some
    200 MB (measured: 190 MB for a 3 MB workbook that fills every XML limit at once).

    Zip sizes are the ones declared in the zip's central directory, and they are a real cap: Python's
    `zipfile` never returns more than a member's declared size and raises `BadZipFile` when the CRC of
    what it returned does not match (which it cannot when a member is longer than declared), so a member
    that lies about its size is refused as damaged, not read to its end.
    """

    #: Data rows under the header row; a row past it, even an empty one, is refused.
    max_rows: int = 20_000
    #: Columns; an empty cell past it is ignored, a filled one is refused.
    max_columns: int = 50
    #: Characters in one cell, after stripping spaces.
    max_cell_chars: int = 1_000
    #: The file as uploaded. The zip's central directory is read whole (measured: some 6.5 bytes of
    #: memory per byte for a directory of empty members), so this also bounds that.
    max_bytes: int = 10_000_000
    #: Members of an XLSX zip; Excel writes about a dozen.
    max_members: int = 1_000
    #: The declared unpacked size of all members together. An invitee list of 20,000 rows and 7 columns
    #: is some 9 MB of sheet XML when its strings are inline, less with shared strings.
    max_unpacked_bytes: int = 30_000_000
    #: Unpacked size over packed size, for each member larger than `ratio_from_bytes`: sheet XML packs
    #: 10 to 25 times; a zip bomb a thousand times.
    max_ratio: int = 100
    ratio_from_bytes: int = 1_000_000
    #: XML elements that openpyxl keeps in memory while reading, counted over all parts: everything but
    #: the contents of sheet rows (which it drops row by row). Measured: up to some 400 bytes each. Excel
    #: keeps each distinct text once, as two elements: 20,000 invitees with five columns of distinct
    #: texts need some 220,000.
    max_xml_elements: int = 250_000
    #: XML elements in one part other than a sheet or the shared strings: openpyxl turns cell styles into
    #: objects of some 1.6 KB each (measured); Excel's styles part holds hundreds, rarely thousands.
    max_part_elements: int = 50_000
    #: XML elements in one sheet row: openpyxl builds a whole row at once, some 400 bytes a cell. Excel
    #: has 16,384 columns, so a row of formatted empty cells fits.
    max_row_elements: int = 20_000


DEFAULT_LIMITS = TableLimits()

_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SHEET_DATA = f"{_SHEET_NS} sheetData"
_ROW = f"{_SHEET_NS} row"
#: Root elements of the parts whose size is the table's own: they have no per-part limit.
_TABLE_PARTS = {f"{_SHEET_NS} worksheet", f"{_SHEET_NS} sst"}
_CHUNK = 1 << 16
#: How XML begins, in any encoding: ``<``, or a byte-order mark, or ``<`` as UTF-16 or UTF-32 big-endian.
_XML_STARTS = (
    b"<",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\x00<",
    b"\x00\x00\x00<",
    b"\x00\x00\xfe\xff",
)
#: How a zip file, and so an .xlsx workbook, begins: a local file header.
_ZIP_SIGNATURE = b"PK\x03\x04"
_CSV_HINT = "save it as CSV UTF-8 (in Excel: Save as > CSV UTF-8)"
_XLSX_HINT = "open it in Excel and save it again as .xlsx, or save it as CSV UTF-8"


def read_table(data: bytes, filename: str, limits: TableLimits = DEFAULT_LIMITS) -> list[list[str]]:
    """The rows of an uploaded table: the first sheet of an .xlsx workbook, else a CSV file.

    This is the one reader of every upload (the invitee list, the interests file). A workbook is known by
    its name or, under another name (``lijst.csv`` that Excel saved as a workbook), by the zip signature
    it begins with, which no text file does. Row ``n`` is ``rows[n - 1]`` and column ``c`` is
    ``row[c - 1]``, so a caller's problems can name ``file:row:column`` as the spreadsheet numbers them.
    """
    if filename.lower().endswith(".xlsx") or data.startswith(_ZIP_SIGNATURE):
        return read_xlsx(data, filename, limits)
    return read_csv(data, filename, limits)


#: Row problems of a table reported at most; the rest are counted in one more line.
SHOWN_PROBLEMS = 100


def row_problems(problems: list[Problem], filename: str) -> NetwerkdagError:
    """The error of a table's wrong rows: the first `SHOWN_PROBLEMS`, then how many more there are."""
    if len(problems) <= SHOWN_PROBLEMS:
        return NetwerkdagError(problems)
    more = _problem(
        "too-many-problems",
        f"{len(problems) - SHOWN_PROBLEMS} more problems are not shown",
        "fix the rows above; the rest are often the same mistake",
        filename,
    )
    return NetwerkdagError([*problems[:SHOWN_PROBLEMS], more])


def read_table_file(path: Path, limits: TableLimits) -> list[list[str]]:
    """The rows of the table in the file at `path` (`read_table`), read no further than `limits.max_bytes`:
    a larger file is refused before it is read whole, and a file that cannot be read is the user's
    mistake, told as one."""
    name = str(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(limits.max_bytes + 1)
    except OSError as exc:
        raise NetwerkdagError(
            Problem("file-unreadable", f"cannot read {name}: {exc.strerror or exc}", (), "check the path")
        ) from None
    if len(raw) > limits.max_bytes:
        raise NetwerkdagError(_too_large(name, limits))
    return read_table(raw, name, limits)


def read_csv(
    data: bytes, filename: str, limits: TableLimits = DEFAULT_LIMITS, *, delimiters: str = ",;"
) -> list[list[str]]:
    """The rows of a CSV file in UTF-8 (with or without a BOM), separated by one of `delimiters`.

    With more than one delimiter the first 4 KB decide which (Excel writes ``;`` where the decimal mark is
    a comma); quoting is Excel's. A row keeps all its fields up to the column limit, empty ones too: the
    number of fields means something in CSV.
    """
    return list(_csv_rows(data, filename, limits, delimiters))


def read_xlsx(data: bytes, filename: str, limits: TableLimits = DEFAULT_LIMITS) -> list[list[str]]:
    """The rows of the first worksheet of an .xlsx workbook, each ending at its last filled cell.

    Values are shown as text: numbers without a needless ``.0``, dates as ``2024-05-01``, formulas as
    their value as last saved. The declared size of the sheet (``<dimension>``) is ignored: it is only a
    claim, and openpyxl would pad every row to it.
    """
    return list(_xlsx_rows(data, filename, limits))


# --- problems ----------------------------------------------------------------------------------------------


def _problem(code: str, message: str, hint: str, filename: str, row: int = 1, column: int = 1) -> Problem:
    return Problem(code, message, (), hint, Location(filename, row, column))


def _too_many_rows(filename: str, row: int, limits: TableLimits) -> NetwerkdagError:
    return NetwerkdagError(
        _problem(
            "too-many-rows",
            f"the file has more than {limits.max_rows} rows under the header",
            f"split it into files of at most {limits.max_rows} rows, and delete empty rows at the end",
            filename,
            row,
        )
    )


def _check_cell(text: str, filename: str, row: int, column: int, limits: TableLimits) -> None:
    if column > limits.max_columns:
        raise NetwerkdagError(
            _problem(
                "too-many-columns",
                f"column {column} is filled; at most {limits.max_columns} columns are read",
                f"move or delete what is after column {limits.max_columns}",
                filename,
                row,
                column,
            )
        )
    if len(text) > limits.max_cell_chars:
        raise NetwerkdagError(
            _problem(
                "cell-too-long",
                f"the cell is {len(text)} characters long; at most {limits.max_cell_chars}",
                "shorten it",
                filename,
                row,
                column,
            )
        )


# --- CSV ---------------------------------------------------------------------------------------------------


def _csv_rows(data: bytes, filename: str, limits: TableLimits, delimiters: str) -> Iterator[list[str]]:
    if len(data) > limits.max_bytes:
        raise NetwerkdagError(_too_large(filename, limits))
    bad = _first_bad_utf8(data)
    if bad is not None:
        raise NetwerkdagError(
            _problem(
                "not-utf8",
                f"the file is not UTF-8: byte 0x{data[bad]:02x} cannot be decoded",
                _CSV_HINT,
                filename,
                data.count(b"\n", 0, bad) + 1,
            )
        )
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    delimiter, skip_space = delimiters[0], False
    if len(delimiters) > 1:
        sample = text.read(4096)
        text.seek(0)
        with contextlib.suppress(csv.Error):  # no delimiter found: one column, or the first one
            sniffed = csv.Sniffer().sniff(sample, delimiters=delimiters)
            delimiter, skip_space = sniffed.delimiter, sniffed.skipinitialspace
    reader = csv.reader(text, delimiter=delimiter, skipinitialspace=skip_space)
    row = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # in practice a field beyond csv.field_size_limit(): an unclosed quote
            raise NetwerkdagError(_bad_csv(str(exc), filename, row + 1, limits)) from None
        row += 1
        if row > limits.max_rows + 1:
            raise _too_many_rows(filename, row, limits)
        cells = [field.strip() for field in fields]
        for column, cell in enumerate(cells, start=1):
            if cell:
                _check_cell(cell, filename, row, column, limits)
        yield cells[: limits.max_columns]


def _first_bad_utf8(data: bytes) -> int | None:
    """Where the first byte that is not UTF-8 is, found in chunks so that no copy of the text is made."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    for start in range(0, len(data), _CHUNK):
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(view[start : start + _CHUNK], final=start + _CHUNK >= len(data))
        except UnicodeDecodeError as exc:
            return start - pending + exc.start
    return None


def _bad_csv(message: str, filename: str, row: int, limits: TableLimits) -> Problem:
    if "field larger than field limit" in message:
        return _problem(
            "cell-too-long",
            f"a cell of this row is longer than {csv.field_size_limit()} characters; "
            f"at most {limits.max_cell_chars}",
            'shorten it; if it should not be long, look for a double quote (") that is not closed',
            filename,
            row,
        )
    return _problem(
        "bad-csv",
        f"the row cannot be read as CSV: {message}",
        'put a value that holds the separator or a line break in double quotes, and double a " inside it',
        filename,
        row,
    )


def _too_large(filename: str, limits: TableLimits) -> Problem:
    return _problem(
        "too-large",
        f"the file is larger than {limits.max_bytes / 1_000_000:g} MB",
        "split it into smaller files",
        filename,
    )


# --- XLSX --------------------------------------------------------------------------------------------------


def _xlsx_rows(data: bytes, filename: str, limits: TableLimits) -> Iterator[list[str]]:
    if len(data) > limits.max_bytes:
        raise NetwerkdagError(_too_large(filename, limits))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except MemoryError:
        raise
    except Exception:  # zipfile raises several kinds for bytes that are not a zip
        raise NetwerkdagError(_not_xlsx(filename, "it is not a zip file")) from None
    with archive:
        _check_members(archive, filename, limits)
        _check_xml(archive, filename, limits)
    yield from _sheet_rows(data, filename, limits)


def _not_xlsx(filename: str, why: str) -> Problem:
    return _problem(
        "not-xlsx", f"{filename} cannot be read as an Excel workbook (.xlsx): {why}", _XLSX_HINT, filename
    )


def _check_members(archive: zipfile.ZipFile, filename: str, limits: TableLimits) -> None:
    """Refuse by the central directory alone, before anything is unpacked."""
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise NetwerkdagError(
            _problem(
                "xlsx-too-large",
                f"the workbook has {len(members)} parts; at most {limits.max_members}",
                _XLSX_HINT,
                filename,
            )
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > limits.max_unpacked_bytes:
        raise NetwerkdagError(
            _problem(
                "xlsx-too-large",
                f"the workbook unpacks to {unpacked / 1_000_000:.1f} MB; "
                f"at most {limits.max_unpacked_bytes / 1_000_000:g} MB",
                "copy the list to a new workbook without other sheets and pictures, or save it as CSV UTF-8",
                filename,
            )
        )
    for member in members:
        if (
            member.file_size > limits.ratio_from_bytes
            and member.file_size > limits.max_ratio * member.compress_size
        ):
            raise NetwerkdagError(
                _problem(
                    "xlsx-too-large",
                    f"the part {member.filename} unpacks to "
                    f"{member.file_size // max(member.compress_size, 1)} times its packed size; "
                    f"at most {limits.max_ratio} times",
                    _XLSX_HINT,
                    filename,
                )
            )


class _XmlBudget:
    """Counts the elements of the workbook's XML parts as expat streams them, and stops at a limit.

    A part that begins like XML but that expat cannot read to its end is refused, not skipped: openpyxl
    parses some parts with lxml when it is installed, and lxml reads what expat does not (UTF-32, for
    one), so a part we could not count could still be built. Parts that do not begin like XML (pictures,
    printer settings) no XML parser reads; they are skipped.
    """

    def __init__(self, filename: str, limits: TableLimits) -> None:
        self.filename = filename
        self.limits = limits
        self.kept = 0

    def scan(self, part: str, stream: IO[bytes]) -> None:
        limits, depth, part_elements = self.limits, 0, 0
        root = ""
        data_depth = row_depth = row_number = row_elements = 0

        def start(name: str, attributes: dict[str, str]) -> None:
            nonlocal depth, root, data_depth, row_depth, row_number, row_elements, part_elements
            depth += 1
            if row_depth:
                row_elements += 1
                if row_elements > limits.max_row_elements:
                    raise self._refuse(
                        f"row {row_number} of {part} holds more than {limits.max_row_elements} elements",
                        "delete the formatted empty cells at the end of the rows, or save it as CSV UTF-8",
                    )
                return
            self.kept += 1
            if self.kept > limits.max_xml_elements:
                raise self._refuse(
                    f"the workbook holds more than {limits.max_xml_elements} XML elements besides cells",
                    "copy the list to a new workbook without other sheets and formatting, or save it as "
                    "CSV UTF-8",
                )
            if depth == 1:
                root = name
            elif name == _SHEET_DATA:
                data_depth = depth
            elif name == _ROW and data_depth == depth - 1:
                row_depth, row_elements = depth, 0
                r = attributes.get("r", "")
                row_number = int(r) if r.isascii() and r.isdigit() and len(r) < 10 else row_number + 1
            elif root not in _TABLE_PARTS:
                part_elements += 1
                if part_elements > limits.max_part_elements:
                    raise self._refuse(
                        f"the part {part} holds more than {limits.max_part_elements} XML elements",
                        "copy the list to a new workbook (too many styles or names), or save it as CSV UTF-8",
                    )

        def end(_name: str) -> None:
            nonlocal depth, data_depth, row_depth
            if depth == row_depth:
                row_depth = 0
            elif depth == data_depth:
                data_depth = 0
            depth -= 1

        def doctype(*_args: object) -> None:
            raise self._refuse(f"the part {part} declares a DTD, which a workbook never does", _XLSX_HINT)

        chunk = stream.read(_CHUNK)
        if not chunk.lstrip(b" \t\r\n").startswith(_XML_STARTS):
            return
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.StartDoctypeDeclHandler = doctype
        try:
            while chunk:
                parser.Parse(chunk, False)
                chunk = stream.read(_CHUNK)
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise NetwerkdagError(
                _not_xlsx(self.filename, f"its part {part} is not well-formed XML ({exc})")
            ) from None

    def _refuse(self, message: str, hint: str) -> NetwerkdagError:
        return NetwerkdagError(_problem("xlsx-too-complex", message, hint, self.filename))


def _check_xml(archive: zipfile.ZipFile, filename: str, limits: TableLimits) -> None:
    """Stream every part through expat before openpyxl builds anything of it; memory stays flat."""
    budget = _XmlBudget(filename, limits)
    try:
        for member in archive.infolist():
            if not member.is_dir():
                with archive.open(member) as stream:
                    budget.scan(member.filename, stream)
    except NetwerkdagError:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # a bad CRC (a member longer than declared), encryption, an unknown method
        raise NetwerkdagError(_not_xlsx(filename, f"it is damaged ({exc})")) from None


def _sheet_rows(data: bytes, filename: str, limits: TableLimits) -> Iterator[list[str]]:
    from openpyxl import load_workbook  # the CLI should not pay for importing it

    row = 0
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except MemoryError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a zip that is not a workbook
        raise NetwerkdagError(_not_xlsx(filename, f"it is not a workbook ({type(exc).__name__})")) from None
    try:
        if not book.worksheets:
            raise NetwerkdagError(_not_xlsx(filename, "it has no worksheet"))
        sheet = book.worksheets[0]
        # Else openpyxl pads every row, and every row of a gap, to the declared <dimension>: 16,384 cells
        # each for a 5 KB file that declares A1:XFD1048576. Without it a gap row is an empty tuple.
        sheet.reset_dimensions()
        # Gaps in the row numbers come as empty rows, so `row` is the sheet's row number; checking it
        # first stops a lone cell at row 1,048,576 after max_rows + 2 cheap empty rows.
        for values in sheet.iter_rows(values_only=True):
            row += 1
            if row > limits.max_rows + 1:
                raise _too_many_rows(filename, row, limits)
            yield _sheet_cells(values, filename, row, limits)
    except (NetwerkdagError, MemoryError):
        raise
    except Exception as exc:  # broken XML or a bad value further on in the sheet
        raise NetwerkdagError(
            _not_xlsx(filename, f"row {row + 1} is damaged ({type(exc).__name__})")
        ) from None
    finally:
        book.close()


def _sheet_cells(values: Sequence[object], filename: str, row: int, limits: TableLimits) -> list[str]:
    cells: list[str] = []
    for column, value in enumerate(values, start=1):
        text = _text(value).strip()
        if text:
            _check_cell(text, filename, row, column, limits)
            cells.extend([""] * (column - 1 - len(cells)))
            cells.append(text)
    return cells


def _text(value: object) -> str:
    """A cell value as it reads in the sheet, not as Python writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime) and value.hour == value.minute == value.second == value.microsecond == 0:
        return value.date().isoformat()
    return str(value)
