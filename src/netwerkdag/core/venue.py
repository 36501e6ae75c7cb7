"""Where a day takes place: the venue and its rooms."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Venue:
    name: str
    address: str | None = None
    city: str | None = None


@dataclass(frozen=True, slots=True)
class Room:
    """A room of the venue.

    `label` is how the programme grid heads the room's column (``Plenair/Zaal 1``); `features` are free
    keywords (``plenary``, ``networking``, ``accessible``) that sessions and the scheduler can ask for.
    A `shared` room (a foyer) may hold several sessions at once.
    """

    id: str
    name: str
    capacity: int
    features: frozenset[str] = frozenset()
    label: str | None = None
    shared: bool = False

    @property
    def heading(self) -> str:
        return self.label or self.name
