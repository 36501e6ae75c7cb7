"""The programme grid: one row per block of a day, one column per room, as the printed programme shows it.

A transfer block is a caption row; a block whose sessions span the venue (walk-in, lunch, drinks) is one
cell across all rooms; any other block has a cell per room, empty where nothing takes place. Sessions
that are open all day (a networking room) are listed beside the grid rather than repeated in every row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from netwerkdag.core.event import Event
from netwerkdag.core.sessions import Session
from netwerkdag.core.timegrid import Block, BlockKind
from netwerkdag.core.venue import Room


class RowKind(StrEnum):
    TRANSFER = "transfer"
    VENUE = "venue"
    ROOMS = "rooms"


@dataclass(frozen=True, slots=True)
class Cell:
    """The sessions in one room during one block (several when combined), or none."""

    room: Room | None
    sessions: tuple[Session, ...]

    @property
    def empty(self) -> bool:
        return not self.sessions


@dataclass(frozen=True, slots=True)
class Row:
    block: Block
    kind: RowKind
    cells: tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class Grid:
    day: date
    rooms: tuple[Room, ...]
    rows: tuple[Row, ...]
    all_day: tuple[Session, ...]

    @property
    def sessions(self) -> tuple[Session, ...]:
        """Every session shown in the grid, in row and column order, all-day sessions last."""
        seen = [s for row in self.rows for cell in row.cells for s in cell.sessions]
        return (*seen, *self.all_day)


def ends_early(event: Event, session: Session) -> bool:
    """True when a session ends before its block does (the state secretary leaves at 15:45)."""
    return session.block is not None and session.end < event.block(session.block).end


def starts_late(event: Event, session: Session) -> bool:
    return session.block is not None and session.start > event.block(session.block).start


def _row(event: Event, block: Block) -> Row:
    sessions = [s for s in event.sessions if s.block == block.id]
    if block.kind is BlockKind.TRANSFER:
        return Row(block, RowKind.TRANSFER, ())
    venue_wide = tuple(s for s in sessions if s.venue_wide)
    if venue_wide or (not sessions and block.kind is not BlockKind.PARALLEL):
        return Row(block, RowKind.VENUE, (Cell(None, venue_wide),))
    cells = tuple(Cell(room, tuple(s for s in sessions if s.room == room.id)) for room in event.rooms)
    return Row(block, RowKind.ROOMS, cells)


def build_grid(event: Event, day: date) -> Grid:
    """The grid of one day of `event`."""
    blocks = sorted(event.blocks_on(day), key=lambda b: b.start)
    all_day = tuple(s for s in event.sessions if s.all_day and s.start.date() == day)
    return Grid(day, event.rooms, tuple(_row(event, b) for b in blocks), all_day)


def build_grids(event: Event) -> tuple[Grid, ...]:
    """One grid per day of the event."""
    return tuple(build_grid(event, day) for day in event.days if event.blocks_on(day))
