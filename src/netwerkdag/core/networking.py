"""The networking space of a day: tables where people meet one to one (or in a small group), and the times
they are open; the meetings people ask for, where they are placed, and when people are busy in sessions.
Placing them is `netwerkdag.scheduling.meetings`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from netwerkdag.core.timegrid import Window

#: The lengths of a meeting a person may ask for, in minutes.
MEETING_MINUTES = (15, 30)


@dataclass(frozen=True, slots=True)
class Table:
    """One numbered table; `seats` is how many people it holds (a meeting of more does not fit)."""

    id: str
    name: str
    seats: int


@dataclass(frozen=True, slots=True)
class NetworkingSpace:
    """Tables that are open for meetings at set times.

    Meetings start on a grid of `step_minutes` from the start of each open window and end inside it; a
    person needs `transfer_minutes` between a session and a meeting, before and after.
    """

    id: str
    name: str
    tables: tuple[Table, ...]
    open: tuple[Window, ...]
    room: str | None = None
    step_minutes: int = 15
    transfer_minutes: int = 5

    @property
    def step(self) -> timedelta:
        return timedelta(minutes=self.step_minutes)

    @property
    def transfer(self) -> timedelta:
        return timedelta(minutes=self.transfer_minutes)

    def table(self, id: str) -> Table:
        for table in self.tables:
            if table.id == id:
                return table
        raise KeyError(id)

    def starts(self, minutes: int) -> Iterator[datetime]:
        """Every start on the grid at which a meeting of `minutes` fits inside an open window, in order,
        each once (windows may overlap)."""
        length = timedelta(minutes=minutes)
        found = set()
        for window in self.open:
            start = window.start
            while start + length <= window.end:
                found.add(start)
                start += self.step
        yield from sorted(found)


@dataclass(frozen=True, slots=True)
class Meeting:
    """A meeting to place: its people (the one who asked first), its length, and when it was asked
    (`order`: lower is earlier)."""

    id: str
    people: tuple[str, ...]
    minutes: int
    order: int = 0
    subject: str = ""


@dataclass(frozen=True, slots=True)
class Placement:
    meeting: str
    table: str
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Busy:
    """A person is in a session (`what`, its id) from `start` to `end`."""

    start: datetime
    end: datetime
    what: str
