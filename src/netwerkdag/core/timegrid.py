"""The time grid of a day: blocks such as walk-in, plenary, parallel slots, transfers, lunch and drinks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
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


def session_span(blocks: Iterable[Block], day: date, tz: tzinfo) -> Window:
    """When an all-day session (a networking room) runs on `day`: from the start of the day's first block
    that holds sessions to the end of its last one, so that a transfer at either end is not counted. On a
    day whose blocks are all transfers, all of them count; on a day without blocks, the whole day
    (00:00-23:59) in `tz`."""
    on_day = [b for b in blocks if b.start.date() == day]
    span = [b for b in on_day if b.holds_sessions] or on_day
    if not span:
        return Window(datetime.combine(day, time(0, 0), tz), datetime.combine(day, time(23, 59), tz))
    return Window(min(b.start for b in span), max(b.end for b in span))


def exists_on_clock(moment: datetime) -> bool:
    """False for a wall-clock time that its time zone skips, such as 02:30 on the night summer time
    begins in Europe/Amsterdam. A repeated time (the hour that comes twice in autumn) exists: `fold`
    chooses which of the two it is, and the default, 0, is the first."""
    return moment.astimezone(UTC).astimezone(moment.tzinfo).replace(tzinfo=None) == moment.replace(
        tzinfo=None
    )


def skipped_span(moment: datetime) -> tuple[datetime, datetime]:
    """The wall-clock times a time zone skips around `moment`, a time that does not exist: [first, after),
    to the minute (02:00 to 03:00 for 02:30 on 26 March 2023 in Europe/Amsterdam)."""
    minute = timedelta(minutes=1)
    first = moment.replace(second=0, microsecond=0, fold=0)
    while not exists_on_clock(first - minute):
        first -= minute
    after = moment.replace(second=0, microsecond=0, fold=0) + minute
    while not exists_on_clock(after):
        after += minute
    return first, after
