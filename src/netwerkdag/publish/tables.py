"""The programme as tables: the session list and the programme grid as CSV, both as sheets of one XLSX.

The grid follows `grid.build_grids`, the layout the HTML page and the booklet show: a time column, one
column per room, venue-wide parts and transfers as one text across the rooms. The session list has one
row per session with plain values (ISO dates, HH:MM times) that sort and filter well, the place as every
format names it (`labels.place_name`: "Plenair/Zaal 1 (Gravenzaal)", "Hele locatie") and the people with a
part in the session (contact persons are in no column).

Spreadsheets run formulas, and titles come from files that many people edit, so every text that starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is made inert: in CSV it gets a leading
apostrophe (the usual defence: Excel and LibreOffice then show text), in XLSX it is stored as a string
cell, never a formula, and marked "quote prefix" so that editing it keeps it text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from netwerkdag.core.event import Event
from netwerkdag.core.sessions import AudienceRule, ParticipantRole, Session
from netwerkdag.core.timegrid import Block, BlockKind
from netwerkdag.publish.grid import RowKind, build_grids
from netwerkdag.publish.i18n import format_day, format_time_range, translations
from netwerkdag.publish.labels import (
    BLOCK_LABELS,
    KIND_LABELS,
    N_,
    PRESENT_ROLE_ORDER,
    hhmm,
    person_name,
    place_name,
    timing_note,
)

#: The session list's columns. "Id", not "ID": Excel takes a CSV file that starts with "ID" for SYLK.
SESSION_COLUMNS = (
    N_("Id"),
    N_("Title"),
    N_("Kind"),
    N_("Pillar"),
    N_("Theme group"),
    N_("Day"),
    N_("Start"),
    N_("End"),
    N_("Room"),
    N_("Chairs"),
    N_("Guests and speakers"),
    N_("Audience"),
)

#: The people columns: only people with a part in the session (contact persons are in no column).
CHAIR_ROLES = (ParticipantRole.CHAIR, ParticipantRole.VICE_CHAIR, ParticipantRole.MODERATOR)
GUEST_ROLES = tuple(role for role in PRESENT_ROLE_ORDER if role not in CHAIR_ROLES)

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(text: str) -> bool:
    """True for a text a spreadsheet could read as a formula (or that hides one behind a tab or CR)."""
    return text.startswith(_FORMULA_STARTS)


def inert_csv(text: str) -> str:
    """`text` for a CSV cell: an apostrophe before anything that could start a formula."""
    return "'" + text if is_formula_like(text) else text


# --- the session list -----------------------------------------------------------------------------------


def _names(event: Event, session: Session, roles: Sequence[ParticipantRole]) -> str:
    return ", ".join(dict.fromkeys(person_name(event, p) for p in session.people_with(*roles)))


def _rule_text(event: Event, rule: AudienceRule, lang: str) -> str:
    """One audience rule as "Rol: wethouder, Portefeuille: woningbouw / verstedelijking"."""
    _ = translations(lang).gettext
    net = event.network
    conditions = [
        (N_("Role"), sorted(rule.roles)),
        (N_("Portfolio"), sorted(rule.portfolios)),
        (N_("Theme group"), [g.name for g in net.groups if g.id in rule.groups]),
        (N_("Pillar"), [p.name for p in net.pillars if p.id in rule.pillars]),
        (N_("Organisation"), [o.display_name for o in net.organisations if o.id in rule.organisations]),
    ]
    return ", ".join(f"{_(label)}: {' / '.join(values)}" for label, values in conditions if values)


def audience_summary(event: Event, session: Session, lang: str) -> str:
    """Who is invited, in one line: "Iedereen", or the rules separated by "; " (any rule admits)."""
    if session.open_to_all:
        return translations(lang).gettext("Everyone")
    return "; ".join(_rule_text(event, rule, lang) for rule in session.audience)


def _ordered(event: Event) -> list[Session]:
    """Sessions by time, then by room (the venue first, then the event's room order), then file order."""
    columns = {room.id: index for index, room in enumerate(event.rooms)}

    def key(session: Session) -> tuple[object, ...]:
        room = event.room_of(session)
        column = -1 if room is None else columns[room.id]
        return (session.start, column, session.end)

    return sorted(event.sessions, key=key)


def session_rows(event: Event, *, lang: str = "nl") -> list[list[str]]:
    """The session list: a header row of translated column names, then one row per session."""
    _ = translations(lang).gettext
    rows = [[_(column) for column in SESSION_COLUMNS]]
    for session in _ordered(event):
        pillar = event.pillar_of(session)
        group = (
            event.network.group(session.group)
            if session.group and event.network.has_group(session.group)
            else None
        )
        rows.append(
            [
                session.id,
                session.title,
                _(KIND_LABELS[session.kind]),
                pillar.name if pillar else "",
                group.name if group else "",
                session.start.date().isoformat(),
                hhmm(session.start),
                hhmm(session.end),
                place_name(event, session, lang),
                _names(event, session, CHAIR_ROLES),
                _names(event, session, GUEST_ROLES),
                audience_summary(event, session, lang),
            ]
        )
    return rows


# --- the grid -------------------------------------------------------------------------------------------


class GridLine(StrEnum):
    """What a row of the grid table is: the room header, a day heading, a row of rooms, or one text across
    the rooms (a venue-wide part, or a transfer)."""

    DAY = "day"
    HEADER = "header"
    ROOMS = "rooms"
    ACROSS = "across"
    TRANSFER = "transfer"


@dataclass(frozen=True, slots=True)
class GridRow:
    """One row of the grid table: its kind and its cells, the time column first."""

    kind: GridLine
    cells: tuple[str, ...]


def cell_text(event: Event, sessions: Iterable[Session], lang: str) -> str:
    """The text of a grid cell: each session as "Title: subtitle", with its own times when they differ
    from the slot's; combined sessions (lunch with the board meeting) one per line."""
    lines = []
    for session in sessions:
        text = session.title + (f": {session.subtitle}" if session.subtitle else "")
        note = timing_note(event, session, lang)
        lines.append(f"{text} {note}" if note else text)
    return "\n".join(lines)


def _block_time(block: Block, lang: str) -> str:
    return format_time_range(block.start, block.end if block.show_end else None, lang)


def grid_rows(event: Event, *, lang: str = "nl") -> list[GridRow]:
    """The programme grid as table rows: the header (time, then each room's heading), then per day (with a
    heading row when the event has several days) a row per block and, last, the all-day sessions."""
    _ = translations(lang).gettext
    grids = build_grids(event)
    width = len(event.rooms)
    rows = [GridRow(GridLine.HEADER, (_("Time"), *(room.heading for room in event.rooms)))]
    for grid in grids:
        if len(grids) > 1:
            rows.append(GridRow(GridLine.DAY, (format_day(grid.day, lang), *[""] * width)))
        for row in grid.rows:
            time = _block_time(row.block, lang)
            if row.kind is RowKind.TRANSFER:
                text = row.block.label or _(BLOCK_LABELS[BlockKind.TRANSFER])
                rows.append(GridRow(GridLine.TRANSFER, (time, text, *[""] * (width - 1))))
            elif row.kind is RowKind.VENUE:
                sessions = row.cells[0].sessions if row.cells else ()
                text = cell_text(event, sessions, lang) or row.block.label or _(BLOCK_LABELS[row.block.kind])
                rows.append(GridRow(GridLine.ACROSS, (time, text, *[""] * (width - 1))))
            else:
                rows.append(
                    GridRow(GridLine.ROOMS, (time, *(cell_text(event, c.sessions, lang) for c in row.cells)))
                )
        if grid.all_day:
            by_room = [[s for s in grid.all_day if s.room == room.id] for room in event.rooms]
            rows.append(
                GridRow(GridLine.ROOMS, (_("All day"), *(cell_text(event, s, lang) for s in by_room)))
            )
    return rows


# --- CSV ------------------------------------------------------------------------------------------------


def csv_text(rows: Iterable[Sequence[str]]) -> str:
    """Rows as CSV (RFC 4180), every cell inert: nothing a spreadsheet could run as a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([inert_csv(value) for value in row])
    return buffer.getvalue()


def sessions_csv(event: Event, *, lang: str = "nl") -> str:
    """The session list as CSV (RFC 4180: commas, CRLF, quotes where needed), one row per session."""
    return csv_text(session_rows(event, lang=lang))


def grid_csv(event: Event, *, lang: str = "nl") -> str:
    """The programme grid as CSV: a time column and a column per room. Venue-wide parts and transfers have
    their text in the first room column and leave the others empty."""
    return csv_text(row.cells for row in grid_rows(event, lang=lang))


# --- XLSX -----------------------------------------------------------------------------------------------

_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", start_color="DDE4EE")
_DAY_FILL = PatternFill("solid", start_color="C7D3E3")
_TRANSFER_FONT = Font(italic=True, color="666666")
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTRED = Alignment(wrap_text=True, vertical="top", horizontal="center")


def put_text(sheet: Worksheet, row: int, column: int, value: str) -> None:
    """Write `value` as a string cell: never a formula, whatever it starts with. An empty text leaves the
    cell empty."""
    if not value:
        return
    cell = sheet.cell(row=row, column=column)
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.data_type = "s"
    if is_formula_like(value):
        cell.quotePrefix = True


def _programme_sheet(sheet: Worksheet, rows: list[GridRow]) -> None:
    last = len(rows[0].cells)
    for r, line in enumerate(rows, start=1):
        for c, value in enumerate(line.cells, start=1):
            put_text(sheet, r, c, value)
            sheet.cell(row=r, column=c).alignment = _WRAP
        if line.kind in (GridLine.ACROSS, GridLine.TRANSFER) and last > 2:
            sheet.merge_cells(start_row=r, start_column=2, end_row=r, end_column=last)
            sheet.cell(row=r, column=2).alignment = _CENTRED
        if line.kind is GridLine.DAY and last > 1:
            sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=last)
        for c in range(1, last + 1):
            cell = sheet.cell(row=r, column=c)
            if line.kind is GridLine.HEADER:
                cell.font, cell.fill = _BOLD, _HEADER_FILL
            elif line.kind is GridLine.DAY:
                cell.font, cell.fill = _BOLD, _DAY_FILL
            elif line.kind is GridLine.TRANSFER:
                cell.font = _TRANSFER_FONT
            elif c == 1:
                cell.font = _BOLD
    sheet.column_dimensions["A"].width = 14
    for c in range(2, last + 1):
        sheet.column_dimensions[get_column_letter(c)].width = 30
    sheet.freeze_panes = "B2"


def _sessions_sheet(sheet: Worksheet, rows: list[list[str]]) -> None:
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            put_text(sheet, r, c, value)
            sheet.cell(row=r, column=c).alignment = _WRAP
    for c in range(1, len(rows[0]) + 1):
        cell = sheet.cell(row=1, column=c)
        cell.font = _BOLD
        longest = max(len(line) for row in rows for line in (row[c - 1].splitlines() or [""]))
        sheet.column_dimensions[get_column_letter(c)].width = min(max(longest + 2, 8), 50)
    ref = f"A1:{get_column_letter(len(rows[0]))}{len(rows)}"
    if len(rows) > 1:
        table = Table(displayName="SessionList", ref=ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        sheet.add_table(table)  # a table carries its own autofilter
    else:
        sheet.auto_filter.ref = ref
    sheet.freeze_panes = "A2"


def workbook(event: Event, *, lang: str = "nl") -> bytes:
    """An XLSX workbook with the grid (sheet "Programma") and the session list (sheet "Sessies", a table
    with a filter on every column)."""
    _ = translations(lang).gettext
    book = Workbook()
    book.properties.creator = "netwerkdag"
    book.properties.title = event.title
    programme = book.active
    programme.title = _("Programme")
    _programme_sheet(programme, grid_rows(event, lang=lang))
    _sessions_sheet(book.create_sheet(_("Sessions")), session_rows(event, lang=lang))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def simple_workbook(sheets: Sequence[tuple[str, Sequence[Sequence[str]]]]) -> bytes:
    """An XLSX file of plain sheets, each a title and rows (the first row bold, as a header), every cell a
    string that cannot run as a formula."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title[:31])
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                put_text(sheet, r, c, value)
                if r == 1:
                    sheet.cell(row=r, column=c).font = _BOLD
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
