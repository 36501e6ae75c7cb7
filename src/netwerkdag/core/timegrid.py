"""The time grid of a day: blocks such as walk-in, plenary, parallel slots, transfers, lunch and drinks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class BlockKind(StrEnum):
    WALK_IN = "walk-in"
    PLENARY = "plenary"
    PARALLEL = "parallel"
    TRANSFER = "transfer"
    MEAL = "meal"
    BREAK = "break"
    DRINKS = "drinks"


#: Blocks in which sessions can take place (a transfer holds none).
SESSION_BLOCK_KINDS = frozenset(BlockKind) - {BlockKind.TRANSFER}


@dataclass(frozen=True, slots=True)
class Window:
    """A half-open interval [start, end) of aware datetimes."""

    start: datetime
    end: datetime

    def contains(self, start: datetime, end: datetime) -> bool:
        return self.start <= start and end <= self.end

    def overlaps(self, other: Window) -> bool:
        return self.start < other.end and other.start < self.end

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True, slots=True)
class Block:
    """One row of the day's grid.

    `label` overrides the default caption ("Verplaatsing naar en start van lunch"); `show_end` is False
    when the printed programme gives only a start time (``16.00 Borrel``) although the block has an end.
    """

    id: str
    kind: BlockKind
    start: datetime
    end: datetime
    label: str | None = None
    show_end: bool = True

    @property
    def window(self) -> Window:
        return Window(self.start, self.end)

    @property
    def holds_sessions(self) -> bool:
        return self.kind in SESSION_BLOCK_KINDS
