"""A network day: the event with its network, venue, rooms, time grid and sessions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType
from zoneinfo import ZoneInfo

from netwerkdag.core.network import Network, Pillar
from netwerkdag.core.networking import NetworkingSpace
from netwerkdag.core.sessions import Session
from netwerkdag.core.timegrid import Block, Window
from netwerkdag.core.venue import Room, Venue

#: The default margin of room capacity over expected attendance: 10 %.
DEFAULT_CAPACITY_MARGIN = 0.1


class GroupStatus(StrEnum):
    MEETS = "meets"
    NOT_MEETING = "not-meeting"
    MERGED = "merged"


@dataclass(frozen=True, slots=True)
class GroupDay:
    """What a theme group does on this day: it meets, does not meet, or is merged into a session."""

    group: str
    status: GroupStatus
    merged_into: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """One network day (or a few consecutive days), fully resolved and checked by `check_event`.

    Rooms, blocks and sessions keep the order of the file: the room order is the column order of the grid
    and the room order of exports, and problems found by `check_event` point at entries by their index.
    Whoever needs time order sorts (the grid does).
    """

    slug: str
    title: str
    start_date: date
    end_date: date
    timezone: str
    venue: Venue
    network: Network
    host: str | None = None
    subtitle: str | None = None
    introduction: str = ""
    language: str = "nl"
    rooms: tuple[Room, ...] = ()
    blocks: tuple[Block, ...] = ()
    sessions: tuple[Session, ...] = ()
    group_days: tuple[GroupDay, ...] = ()
    availability: Mapping[str, tuple[Window, ...]] = field(default_factory=lambda: MappingProxyType({}))
    #: Room capacity must exceed expected attendance by this fraction (scheduler and checker).
    capacity_margin: float = DEFAULT_CAPACITY_MARGIN
    #: Tables where people meet at set times (the networking room); none when the day has no such space.
    networking: tuple[NetworkingSpace, ...] = ()
    _rooms: Mapping[str, Room] = field(init=False, repr=False, compare=False)
    _blocks: Mapping[str, Block] = field(init=False, repr=False, compare=False)
    _sessions: Mapping[str, Session] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_rooms", MappingProxyType({r.id: r for r in self.rooms}))
        object.__setattr__(self, "_blocks", MappingProxyType({b.id: b for b in self.blocks}))
        object.__setattr__(self, "_sessions", MappingProxyType({s.id: s for s in self.sessions}))

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def room(self, id: str) -> Room:
        return self._rooms[id]

    def block(self, id: str) -> Block:
        return self._blocks[id]

    def session(self, id: str) -> Session:
        return self._sessions[id]

    def networking_space(self, id: str) -> NetworkingSpace:
        for space in self.networking:
            if space.id == id:
                return space
        raise KeyError(id)

    def has_room(self, id: str) -> bool:
        return id in self._rooms

    def has_block(self, id: str) -> bool:
        return id in self._blocks

    def has_session(self, id: str) -> bool:
        return id in self._sessions

    @property
    def days(self) -> tuple[date, ...]:
        return tuple(sorted({b.start.date() for b in self.blocks} | {self.start_date}))

    def blocks_on(self, day: date) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.start.date() == day)

    def room_of(self, session: Session) -> Room | None:
        """The room a session takes place in; None for a part that spans the venue."""
        if session.venue_wide or session.room is None:
            return None
        return self._rooms[session.room]

    def pillar_of(self, session: Session) -> Pillar | None:
        """The pillar a session belongs to: its own, else its theme group's, else None."""
        net = self.network
        pillar_id = session.pillar
        if pillar_id is None and session.group is not None and net.has_group(session.group):
            pillar_id = net.group(session.group).pillar
        if pillar_id is None or not net.has_pillar(pillar_id):
            return None
        return net.pillar(pillar_id)

    def group_day(self, group_id: str) -> GroupDay:
        for gd in self.group_days:
            if gd.group == group_id:
                return gd
        meets = any(s.group == group_id for s in self.sessions)
        return GroupDay(group_id, GroupStatus.MEETS if meets else GroupStatus.NOT_MEETING)

    @property
    def last_end(self) -> datetime:
        return max(b.end for b in self.blocks)
