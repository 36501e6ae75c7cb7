"""Sessions: what happens in a room (or the whole venue) during a block, with whom, for whom."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from netwerkdag.core.network import Network, Person
from netwerkdag.core.timegrid import Window


class SessionKind(StrEnum):
    PLENARY = "plenary"
    PILLAR_MEETING = "pillar-meeting"
    THEME_GROUP_MEETING = "theme-group-meeting"
    GUEST_CONVERSATION = "guest-conversation"
    BOARD_MEETING = "board-meeting"
    MEAL = "meal"
    NETWORKING = "networking"
    SOCIAL = "social"


class ParticipantRole(StrEnum):
    CHAIR = "chair"
    VICE_CHAIR = "vice-chair"
    MODERATOR = "moderator"
    SPEAKER = "speaker"
    GUEST = "guest"
    HOST = "host"
    CONTACT = "contact"


class Pin(StrEnum):
    """What the scheduler keeps of a session's place: nothing, its block, its room, or both."""

    FREE = "free"
    BLOCK = "block"
    ROOM = "room"
    BOTH = "both"

    @property
    def keeps_block(self) -> bool:
        return self in (Pin.BLOCK, Pin.BOTH)

    @property
    def keeps_room(self) -> bool:
        return self in (Pin.ROOM, Pin.BOTH)


#: Kinds the scheduler may move by default (when in a parallel block): the meetings of the day's rounds.
MOVABLE_KINDS = frozenset({SessionKind.PILLAR_MEETING, SessionKind.THEME_GROUP_MEETING})


def default_pin(kind: SessionKind, in_parallel_block: bool, *, all_day: bool, venue_wide: bool) -> Pin:
    """What a session keeps when its file says nothing: meetings of the parallel rounds may move, every
    other part (plenary, lunch, a guest's conversation, the networking room) stays where it is."""
    movable = kind in MOVABLE_KINDS and in_parallel_block and not all_day and not venue_wide
    return Pin.FREE if movable else Pin.BOTH


#: Roles whose holder must be present: they cannot be in two sessions at once.
PRESENT_ROLES = frozenset(
    {
        ParticipantRole.CHAIR,
        ParticipantRole.VICE_CHAIR,
        ParticipantRole.MODERATOR,
        ParticipantRole.SPEAKER,
        ParticipantRole.GUEST,
        ParticipantRole.HOST,
    }
)


@dataclass(frozen=True, slots=True)
class Participant:
    """A person with a part in a session; `note` qualifies it ("reflectant", "opens the session")."""

    person: str
    role: ParticipantRole
    note: str | None = None


@dataclass(frozen=True, slots=True)
class AudienceRule:
    """Who is invited: every non-empty condition must hold; an empty rule invites everyone.

    ``AudienceRule(roles={"wethouder"}, portfolios={"wonen"})`` reads "wethouders with wonen in their
    portfolio". A session's audience is a tuple of rules, any of which admits a person.
    """

    roles: frozenset[str] = frozenset()
    portfolios: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    pillars: frozenset[str] = frozenset()
    organisations: frozenset[str] = frozenset()

    @property
    def everyone(self) -> bool:
        return not (self.roles or self.portfolios or self.groups or self.pillars or self.organisations)

    def admits(self, person: Person, network: Network) -> bool:
        if self.roles and person.role not in self.roles:
            return False
        if self.portfolios and not self.portfolios.intersection(person.portfolios):
            return False
        if self.groups and not self.groups.intersection(person.groups):
            return False
        if self.pillars and not self.pillars.intersection(network.pillars_of(person)):
            return False
        return not (self.organisations and person.organisation not in self.organisations)


@dataclass(frozen=True, slots=True)
class Session:
    """A part of the programme.

    Times are resolved: `start` and `end` are the block's unless the session has its own end (or start)
    inside its block, as the state secretary's conversation that ends at 15:45 in a 15:00-16:00 slot.
    `room` is None for a part that spans the venue (`venue_wide`). An `all_day` session (a networking room)
    belongs to no block and runs from the first to the last session block of its day.
    `combined_with` names sessions that share its room and time on purpose (lunch with the board meeting).
    """

    id: str
    kind: SessionKind
    title: str
    start: datetime
    end: datetime
    block: str | None = None
    room: str | None = None
    venue_wide: bool = False
    all_day: bool = False
    subtitle: str | None = None
    group: str | None = None
    pillar: str | None = None
    #: Sessions with one topic are runs of the same meeting in different rounds (one per person).
    topic: str | None = None
    participants: tuple[Participant, ...] = ()
    audience: tuple[AudienceRule, ...] = ()
    description: str = ""
    combined_with: tuple[str, ...] = ()
    pin: Pin = Pin.BOTH
    requires: frozenset[str] = frozenset()
    expected_attendance: int | None = None
    after: tuple[str, ...] = ()
    not_parallel_with: tuple[str, ...] = ()

    @property
    def window(self) -> Window:
        return Window(self.start, self.end)

    def people_with(self, *roles: ParticipantRole) -> tuple[str, ...]:
        return tuple(p.person for p in self.participants if p.role in roles)

    @property
    def spans_venue(self) -> bool:
        """True for a part that takes the whole venue rather than one room (walk-in, lunch, drinks)."""
        return self.venue_wide or self.room is None

    @property
    def open_to_all(self) -> bool:
        return any(rule.everyone for rule in self.audience)
