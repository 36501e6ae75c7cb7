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

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from netwerkdag.core.event import GroupStatus
from netwerkdag.core.network import OrganisationKind
from netwerkdag.core.sessions import ParticipantRole, SessionKind
from netwerkdag.core.timegrid import BlockKind

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
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Markdown = Annotated[str, Field(max_length=20_000, description="Markdown text (raw HTML is not rendered).")]


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
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None


class NetworkIn(_Model):
    id: Id
    name: Text
    organisations: list[OrganisationIn] = []
    pillars: list[PillarIn] = []
    groups: list[GroupIn] = []
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
    date: dt.date | None = Field(
        None, description="The day, for events of several days; default: the event date."
    )
    label: Text | None = Field(None, description="A caption for the grid instead of the default one.")
    show_end: bool = Field(True, description="False to print only the start time, as '16.00 Borrel'.")


class WindowIn(_Model):
    start: Time
    end: Time
    date: dt.date | None = None


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
    date: dt.date | None = Field(None, description="With all_day on events of several days: which day.")
    start: Time | None = Field(None, description="Its own start inside the block, if later.")
    end: Time | None = Field(None, description="Its own end inside the block, if earlier.")
    group: Id | None = None
    pillar: Id | None = None
    participants: list[ParticipantIn] = []
    audience: list[AudienceIn] = Field([], description="Who is invited; [{}] means everyone.")
    description: Markdown = ""
    combined_with: list[Id] = Field([], description="Sessions sharing its room and time on purpose.")


class EventIn(_Model):
    slug: Id
    title: Text
    subtitle: Text | None = None
    date: dt.date
    end_date: dt.date | None = None
    timezone: TimeZoneName = "Europe/Amsterdam"
    language: Literal["nl", "en"] = "nl"
    host: Id | None = Field(None, description="The hosting organisation.")
    venue: VenueIn
    introduction: Markdown = ""
    rooms: list[RoomIn] = Field(min_length=1)
    blocks: list[BlockIn] = Field(min_length=1)
    theme_groups: list[GroupDayIn] = Field([], description="Groups that do not meet or are merged today.")
    availability: dict[Id, list[WindowIn]] = Field({}, description="Person id -> windows they are there.")
    sessions: list[SessionIn] = []


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
