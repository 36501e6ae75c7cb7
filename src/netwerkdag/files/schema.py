"""The event file format, as Pydantic models. This is the single definition of what a file may say:
loading validates against it and `netwerkdag schema` prints its JSON Schema for editors.

Field names are English; values such as titles are in the event's own language. Times are ``HH:MM``
(24-hour) in the event's time zone; dates are ``YYYY-MM-DD``.
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Annotated, Any, Literal
from zoneinfo import available_timezones

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from netwerkdag.core.event import DEFAULT_CAPACITY_MARGIN, GroupStatus
from netwerkdag.core.network import OrganisationKind
from netwerkdag.core.sessions import ParticipantRole, SessionKind
from netwerkdag.core.timegrid import BlockKind

#: The names of a folder-form event: the event file, and the network file it points to by default.
EVENT_FILE = "event.yaml"
DEFAULT_NETWORK_FILE = "network.yaml"

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
TIME_PATTERN = r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$"

Id = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN, min_length=2, max_length=80),
    Field(description="A stable, human-readable id: lowercase letters, digits and single hyphens."),
]
Time = Annotated[
    str,
    StringConstraints(pattern=TIME_PATTERN),
    Field(
        description="A time of day, HH:MM on the 24-hour clock, in the event's time zone.", examples=["09:30"]
    ),
]
#: Line breaks: LF, CR, and the ones YAML and Unicode add (NEL, LINE and PARAGRAPH SEPARATOR).
LINE_BREAKS = frozenset("\n\r\x85\u2028\u2029")
#: Control characters: C0 (U+0000-U+001F), DEL and C1 (U+0080-U+009F). YAML refuses most of them as
#: characters in the file, but its escapes ("\x01", "\e") write any of them.
CONTROL_CHARACTERS = frozenset(chr(c) for c in (*range(0x20), *range(0x7F, 0xA0)))


#: Noncharacters (U+FDD0-U+FDEF, and the last two code points of every plane, such as U+FFFE): Unicode
#: keeps them for a program's own use; XML, and so the spreadsheet and frab exports, cannot hold them.
NONCHARACTERS = frozenset(
    [chr(c) for c in range(0xFDD0, 0xFDF0)]
    + [chr(plane | low) for plane in range(0, 0x110000, 0x10000) for low in (0xFFFE, 0xFFFF)]
)


def _first_of(value: str, characters: frozenset[str]) -> str | None:
    return next((c for c in value if c in characters), None)


def _no_noncharacter(value: str) -> None:
    found = _first_of(value, NONCHARACTERS)
    if found is not None:
        raise PydanticCustomError(
            "text_noncharacter",
            "the text holds U+{code}, which is not a character",
            {"code": f"{ord(found):04X}"},
        )


def _single_line(value: str) -> str:
    """Text that one line shows (a title, a name, a label): no line breaks, no control characters. Every
    output writes it into a single line or cell, and calendar and spreadsheet files cannot hold them."""
    if _first_of(value, LINE_BREAKS) is not None:
        raise PydanticCustomError("text_line_break", "the text holds a line break")
    _no_control_character(value, CONTROL_CHARACTERS)
    _no_noncharacter(value)
    return value


def _printable_markdown(value: str) -> str:
    """Markdown may hold line breaks and tabs, but no other control character (not even CR: YAML writes a
    line break in a file as LF, so a CR comes only from an escape)."""
    _no_control_character(value, CONTROL_CHARACTERS - {"\n", "\t"})
    _no_noncharacter(value)
    return value


def _no_control_character(value: str, refused: frozenset[str]) -> None:
    found = _first_of(value, refused)
    if found is not None:
        raise PydanticCustomError(
            "text_control_character",
            "the text holds the control character U+{code}",
            {"code": f"{ord(found):04X}"},
        )


#: The years an event may fall in: a wider range is a typing error (0223, 2203), and times far from now
#: leave the range of calendar and time-zone arithmetic.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _plausible_date(value: dt.date) -> dt.date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise PydanticCustomError(
            "date_out_of_range",
            "the date {date} is not between {first} and {last}",
            {"date": value.isoformat(), "first": FIRST_YEAR, "last": LAST_YEAR},
        )
    return value


Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    AfterValidator(_single_line),
    Field(description="One line of text, without line breaks or control characters."),
]
Markdown = Annotated[
    str,
    Field(max_length=20_000, description="Markdown text (raw HTML is not rendered)."),
    AfterValidator(_printable_markdown),
]
Date = Annotated[
    dt.date,
    AfterValidator(_plausible_date),
    Field(description=f"A date, YYYY-MM-DD, in the years {FIRST_YEAR} to {LAST_YEAR}."),
]


def _known_timezone(value: str) -> str:
    if value not in _TIMEZONES:
        close = difflib.get_close_matches(value, _TIMEZONES, n=1)
        advice = f"did you mean '{close[0]}'?" if close else "use an IANA name such as Europe/Amsterdam"
        raise ValueError(f"unknown time zone '{value}'; {advice}")
    return value


_TIMEZONES = frozenset(available_timezones())
TimeZoneName = Annotated[str, AfterValidator(_known_timezone)]


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, coerce_numbers_to_str=True
    )


# --- the network -----------------------------------------------------------------------------------------


class OrganisationIn(_Model):
    id: Id
    name: Text
    kind: OrganisationKind = OrganisationKind.MUNICIPALITY
    province: Text | None = None
    member: bool = Field(False, description="True for a member of the network.")
    short_name: Text | None = None


class PillarIn(_Model):
    id: Id
    name: Text
    chair: Id | None = Field(None, description="Person id of the pillar's chair.")
    vice_chairs: list[Id] = []


class GroupIn(_Model):
    id: Id
    name: Text
    pillar: Id | None = Field(None, description="The pillar the theme group belongs to; omit for none.")
    also_pillars: list[Id] = Field([], description="Further pillars the group sits between.")
    chair: Id | None = None
    portfolios: list[Text] = Field([], description="Portfolio keywords that lead to this group.")


class PersonIn(_Model):
    id: Id
    name: Text
    role: Text = Field(description="The office: burgemeester, wethouder, staatssecretaris, directeur, ...")
    organisation: Id | None = None
    function: Text | None = Field(None, description="A longer description of the function.")
    portfolios: list[Text] = []
    groups: list[Id] = Field([], description="Theme groups the person is a member of.")
    email: (
        Annotated[
            str,
            StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
            AfterValidator(_single_line),
        ]
        | None
    ) = None


class NetworkIn(_Model):
    id: Id
    name: Text
    organisations: list[OrganisationIn] = []
    pillars: list[PillarIn] = []
    groups: list[GroupIn] = []
    people: list[PersonIn] = []
    people_files: list[Text] = Field(
        [],
        description="Further YAML files beside this one, each with a `people:` list (a population).",
    )


class PeopleFileIn(_Model):
    """A file named in `people_files`: more people of the network."""

    people: list[PersonIn] = []


# --- the day ---------------------------------------------------------------------------------------------


class VenueIn(_Model):
    name: Text
    address: Text | None = None
    city: Text | None = None


class RoomIn(_Model):
    id: Id
    name: Text
    capacity: int = Field(gt=0, le=100_000, description="Seats.")
    label: Text | None = Field(None, description="The grid's column heading, if not the name.")
    features: list[Id] = Field([], description="Keywords such as plenary, networking, accessible.")
    shared: bool = Field(False, description="A shared space may hold several sessions at once.")


class BlockIn(_Model):
    id: Id
    kind: BlockKind
    start: Time
    end: Time
    date: Date | None = Field(
        None, description="The day, for events of several days; default: the event date."
    )
    label: Text | None = Field(None, description="A caption for the grid instead of the default one.")
    show_end: bool = Field(True, description="False to print only the start time, as '16.00 Borrel'.")


class WindowIn(_Model):
    start: Time
    end: Time
    date: Date | None = None


class ParticipantIn(_Model):
    person: Id
    role: ParticipantRole
    note: Text | None = None


class AudienceIn(_Model):
    """Who is invited. All given conditions must hold; an empty rule (``{}``) invites everyone."""

    roles: list[Text] = []
    portfolios: list[Text] = []
    groups: list[Id] = []
    pillars: list[Id] = []
    organisations: list[Id] = []


class GroupDayIn(_Model):
    group: Id
    status: GroupStatus
    merged_into: Id | None = Field(None, description="With status merged: the session the group joins.")
    note: Text | None = None


class SessionIn(_Model):
    id: Id
    kind: SessionKind
    title: Text
    subtitle: Text | None = None
    block: Id | None = Field(None, description="The block (slot) it takes place in; omit for all_day.")
    room: Id | None = Field(None, description="Omit with venue_wide: true.")
    venue_wide: bool = Field(False, description="The part spans the whole venue (walk-in, lunch, drinks).")
    all_day: bool = Field(False, description="Open all day in its room (a networking room); no block.")
    date: Date | None = Field(None, description="With all_day on events of several days: which day.")
    start: Time | None = Field(None, description="Its own start inside the block, if later.")
    end: Time | None = Field(None, description="Its own end inside the block, if earlier.")
    group: Id | None = None
    pillar: Id | None = None
    topic: Id | None = Field(
        None,
        description="Sessions with one topic are runs of the same meeting in different rounds: a person "
        "takes at most one of them.",
    )
    participants: list[ParticipantIn] = []
    audience: list[AudienceIn] = Field([], description="Who is invited; [{}] means everyone.")
    description: Markdown = ""
    combined_with: list[Id] = Field([], description="Sessions sharing its room and time on purpose.")
    pin: bool | Literal["block", "room"] | None = Field(
        None,
        description="For the scheduler: true keeps block and room, `block` or `room` keeps only that, "
        "false lets both move. Default: pillar and theme-group meetings in a parallel block move.",
    )
    requires: list[Id] = Field([], description="Room features the session needs, such as accessible.")
    expected_attendance: int | None = Field(
        None, ge=0, le=100_000, description="Expected attendance; default: estimated from interests."
    )
    after: list[Id] = Field([], description="Sessions that must end before this one starts.")
    not_parallel_with: list[Id] = Field([], description="Sessions that must not overlap this one in time.")

    @model_validator(mode="after")
    def _exclusive_fields(self) -> SessionIn:
        """Fields that exclude each other. Each conflict names the field to point at, a problem code, the
        message and the hint; the loader turns them into located problems, all at once."""
        conflicts: list[tuple[str, str, str, str]] = []
        if self.all_day and self.block is not None:
            conflicts.append(
                (
                    "block",
                    "conflicting-fields",
                    f"an all-day session has no block, but this one names block '{self.block}'",
                    "remove `block`, or remove `all_day` to hold the session in that block only",
                )
            )
        if self.venue_wide and self.room is not None:
            conflicts.append(
                (
                    "room",
                    "conflicting-fields",
                    f"a venue-wide session takes the whole venue, but this one names room '{self.room}'",
                    "remove `room`, or remove `venue_wide` to hold the session in that room only",
                )
            )
        if self.all_day and self.room is None:
            conflicts.append(
                (
                    "all_day",
                    "missing-room",
                    "an all-day session is open in one room, but this one names no room",
                    "add `room: <room id>`; a part for the whole venue (venue_wide) takes a block",
                )
            )
        for field, value in (("start", self.start), ("end", self.end)):
            if self.all_day and value is not None:
                conflicts.append(
                    (
                        field,
                        "conflicting-fields",
                        f"an all-day session runs from the first to the last block of its day, but this one "
                        f"names its own {field} {value}",
                        f"remove `{field}`, or remove `all_day` and place the session in a block",
                    )
                )
        if self.date is not None and self.block is not None:
            conflicts.append(
                (
                    "date",
                    "conflicting-fields",
                    f"a session in a block takes the block's date, but this one also names {self.date}",
                    "remove `date` (it is only for all-day sessions); give the block its `date` instead",
                )
            )
        if conflicts:
            raise PydanticCustomError(
                "conflicting_fields",
                "{count} conflicting fields",
                {"count": len(conflicts), "conflicts": conflicts},
            )
        return self


class SchedulingIn(_Model):
    """Settings for `netwerkdag schedule` and `netwerkdag check`."""

    capacity_margin: float = Field(
        DEFAULT_CAPACITY_MARGIN,
        ge=0,
        le=5,
        description="Room capacity must exceed attendance estimated from interests by this fraction "
        "(0.1 = 10 %); a session's own expected_attendance is taken as the seats it needs.",
    )


class TableIn(_Model):
    id: Id
    name: Text | None = Field(None, description="How signs and programmes name it; default 'Tafel n'.")
    seats: int = Field(gt=1, le=100, description="People the table holds.")


class NetworkingIn(_Model):
    """A networking space: tables where people meet at set times (a meeting asked for in the web app
    or a requests file is placed at one of them)."""

    id: Id
    name: Text
    room: Id | None = Field(None, description="The room the tables stand in, if it is one of the rooms.")
    tables: int | list[TableIn] = Field(
        description="The number of tables (each with `seats`), or the tables one by one."
    )
    seats: int = Field(4, gt=1, le=100, description="Seats per table when `tables` is a number.")
    open: list[WindowIn] = Field(
        [],
        description="When the tables are open for meetings; default: from the first to the last session "
        "block of each day.",
    )
    step: int = Field(15, ge=5, le=60, description="Meetings start every `step` minutes from an opening.")
    transfer: int = Field(
        5, ge=0, le=60, description="Minutes a person needs between a session and a meeting."
    )

    @model_validator(mode="after")
    def _table_count(self) -> NetworkingIn:
        count = self.tables if isinstance(self.tables, int) else len(self.tables)
        if not 1 <= count <= 500:
            raise PydanticCustomError(
                "table_count", "a networking space has 1 to 500 tables, this one {count}", {"count": count}
            )
        return self


class EventIn(_Model):
    slug: Id
    title: Text
    subtitle: Text | None = None
    date: Date
    end_date: Date | None = None
    timezone: TimeZoneName = "Europe/Amsterdam"
    language: Literal["nl", "en"] = "nl"
    host: Id | None = Field(None, description="The hosting organisation.")
    venue: VenueIn
    introduction: Markdown = ""
    rooms: list[RoomIn] = Field(min_length=1)
    blocks: list[BlockIn] = Field(min_length=1)
    theme_groups: list[GroupDayIn] = Field([], description="Groups that do not meet or are merged today.")
    availability: dict[Id, Annotated[list[WindowIn], Field(min_length=1)]] = Field(
        {}, description="Person id -> windows they are there."
    )
    sessions: list[SessionIn] = []
    networking: list[NetworkingIn] = Field(
        [], description="Networking spaces: tables where people meet at set times."
    )
    scheduling: SchedulingIn = SchedulingIn()


class EventFileIn(_Model):
    """A whole event file, after the loader has read a `network: network.yaml` reference."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="netwerkdag event file")

    network: NetworkIn
    event: EventIn


def json_schema() -> dict[str, Any]:
    """The JSON Schema of event files, for editors (YAML language servers) and documentation."""
    schema = EventFileIn.model_json_schema()
    # In a file, `network` may also name a YAML file beside it (default: network.yaml).
    schema["properties"]["network"] = {
        "anyOf": [
            {"$ref": "#/$defs/NetworkIn"},
            {"type": "string", "description": "A YAML file beside this one that holds the network."},
        ]
    }
    schema["required"] = ["event"]
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://netwerkdag.invalid/schema/event-file.json"
    return schema


def network_json_schema() -> dict[str, Any]:
    """The JSON Schema of a separate network file (``network.yaml``)."""
    schema = NetworkIn.model_json_schema()
    schema["title"] = "netwerkdag network file"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://netwerkdag.invalid/schema/network-file.json"
    return schema
