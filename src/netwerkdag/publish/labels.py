"""The words every format uses for the same things, defined once: kinds of session, roles, blocks,
a session's place ("Plenair/Zaal 1 (Gravenzaal)", "Hele locatie") and track, a session's own times
("tot 15.45 uur"; "16.00" alone where the programme hides the end), clock times as "15:45", people with
their organisation.

Message ids are English and marked with `N_`; they are translated where they are shown, through
`i18n.translations(lang)`, so the HTML page, the booklet, the spreadsheet and the calendar read alike.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from netwerkdag.core.event import Event
from netwerkdag.core.sessions import PRESENT_ROLES, ParticipantRole, Session, SessionKind
from netwerkdag.core.timegrid import Block, BlockKind
from netwerkdag.publish.grid import ends_early, starts_late
from netwerkdag.publish.i18n import format_time, format_time_range, translations


def N_(message: str) -> str:
    """Mark `message` for the catalogue where it is defined; it is translated where it is shown."""
    return message


KIND_LABELS: dict[SessionKind, str] = {
    SessionKind.PLENARY: N_("Plenary"),
    SessionKind.PILLAR_MEETING: N_("Pillar meeting"),
    SessionKind.THEME_GROUP_MEETING: N_("Theme group"),
    SessionKind.GUEST_CONVERSATION: N_("Conversation"),
    SessionKind.BOARD_MEETING: N_("Board meeting"),
    SessionKind.MEAL: N_("Meal"),
    SessionKind.NETWORKING: N_("Networking"),
    SessionKind.SOCIAL: N_("Get-together"),
}

#: Roles in the order a session lists them, with the label for one person and for several.
#: Contact persons come last. Who is shown where:
#:
#: * the HTML page and the booklet list every role, contact persons too, with their e-mail address (the
#:   printed programme lists them: they are whom to ask about a session);
#: * the frab persons, the iCalendar description and the spreadsheet's people columns list only the people
#:   with a part in the session (`PRESENT_ROLE_ORDER`: host, chair, vice-chair, moderator, speaker, guest).
ROLE_LABELS: dict[ParticipantRole, tuple[str, str]] = {
    ParticipantRole.HOST: (N_("Host"), N_("Hosts")),
    ParticipantRole.CHAIR: (N_("Chair"), N_("Chairs")),
    ParticipantRole.VICE_CHAIR: (N_("Vice-chair"), N_("Vice-chairs")),
    ParticipantRole.MODERATOR: (N_("Moderator"), N_("Moderators")),
    ParticipantRole.SPEAKER: (N_("Speaker"), N_("Speakers")),
    ParticipantRole.GUEST: (N_("Guest"), N_("Guests")),
    ParticipantRole.CONTACT: (N_("Contact"), N_("Contacts")),
}

#: The roles of `core.sessions.PRESENT_ROLES` (those with a part in the session) in display order.
PRESENT_ROLE_ORDER: tuple[ParticipantRole, ...] = tuple(role for role in ROLE_LABELS if role in PRESENT_ROLES)

#: Captions of rows that show no session: a transfer, or a block in which nothing is planned.
BLOCK_LABELS: dict[BlockKind, str] = {
    BlockKind.WALK_IN: N_("Walk-in"),
    BlockKind.PLENARY: N_("Plenary"),
    BlockKind.PARALLEL: N_("Parallel sessions"),
    BlockKind.TRANSFER: N_("Transfer time"),
    BlockKind.MEAL: N_("Lunch"),
    BlockKind.BREAK: N_("Break"),
    BlockKind.DRINKS: N_("Drinks"),
}


def place_name(event: Event, session: Session, lang: str) -> str:
    """Where a session takes place, as every format that people read names it: the room's heading, with
    its name when the heading differs ("Plenair/Zaal 1 (Gravenzaal)", "Zaal 2"), or "Hele locatie" for a
    part that spans the venue (walk-in, lunch, drinks). frab is the exception: it needs a room for every
    session and keys rooms by name, see `frab.room_names`."""
    room = event.room_of(session) if session.room is None or event.has_room(session.room) else None
    if room is None:
        return translations(lang).gettext("Whole venue")
    return f"{room.heading} ({room.name})" if room.label and room.label != room.name else room.heading


def session_track(event: Event, session: Session) -> tuple[str, str] | None:
    """The (slug, name) of a session's track: its pillar, else its theme group (for groups outside the
    pillars, such as Veiligheid), else None (the opening, lunch, drinks). frab's tracks, the iCalendar
    categories and the spreadsheet agree through this."""
    pillar = event.pillar_of(session)
    if pillar is not None:
        return pillar.id, pillar.name
    if session.group is not None and event.network.has_group(session.group):
        group = event.network.group(session.group)
        return group.id, group.name
    return None


def hhmm(value: datetime | timedelta) -> str:
    """A clock time or a duration as "HH:MM" ("09:30", "00:45"), the form of machine-read formats (frab,
    the spreadsheet's Begin and Einde); a datetime is written in its own time zone."""
    if isinstance(value, datetime):
        minutes = value.hour * 60 + value.minute
    else:
        minutes = int(value.total_seconds()) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def timing_note(event: Event, session: Session, lang: str) -> str | None:
    """A session's own times when they differ from its block's: "(tot 15.45 uur)" for one that ends
    early, "(vanaf 10.15 uur)" for one that starts late, both when both; None otherwise."""
    _ = translations(lang).gettext
    early, late = ends_early(event, session), starts_late(event, session)
    start, end = (
        format_time(session.start.astimezone(event.tz), lang),
        format_time(session.end.astimezone(event.tz), lang),
    )
    if early and late:
        return _("(%(start)s-%(end)s)") % {"start": start, "end": end}
    if early:
        return _("(until %(time)s)") % {"time": end}
    if late:
        return _("(from %(time)s)") % {"time": start}
    return None


def shown_end(event: Event, session: Session) -> datetime | None:
    """A session's end as the public formats print it, in the event's time zone; None when the printed
    programme gives only its start: its block hides its end (``show_end: false``, "16.00 Borrel", the end
    being the example's own guess) and the session ends with the block. A session that ends early shows
    its own end, as the grid's "(tot 15.45 uur)" does. Formats that need an end (iCalendar, frab) use
    `session.end` itself."""
    if session.block is not None and event.has_block(session.block):
        block = event.block(session.block)
        if not block.show_end and not ends_early(event, session):
            return None
    return session.end.astimezone(event.tz)


def session_times(event: Event, session: Session, lang: str) -> str:
    """A session's own times as a person reads them: "10.30-11.30", "15.00-15.45" for one that ends
    early, only "16.00" when the programme hides the end (`shown_end`)."""
    return format_time_range(session.start.astimezone(event.tz), shown_end(event, session), lang)


def round_heading(event: Event, block: Block, lang: str) -> str:
    """A round as a person reads it above its sessions: its label, else "Ronde 2" (counting the day's
    rounds of parallel sessions), with its times in the event's zone: "Ronde 2 · 11.40-12.40"."""
    _ = translations(lang).gettext
    name = block.label
    if name is None:
        rounds = [
            b.id for b in event.blocks_on(block.start.astimezone(event.tz).date()) if b.kind == block.kind
        ]
        number = rounds.index(block.id) + 1 if block.id in rounds else 0
        name = _("Round %(number)s") % {"number": number} if number else _("Round")
    start = block.start.astimezone(event.tz)
    end = block.end.astimezone(event.tz) if block.show_end else None
    return f"{name} · {format_time_range(start, end, lang)}"


def person_name(event: Event, person_id: str) -> str:
    """The person's name as published (the id when the network does not know it: never after checking)."""
    net = event.network
    return net.person(person_id).name if net.has_person(person_id) else person_id


def person_with_organisation(event: Event, person_id: str) -> str:
    """A name with its organisation, as "Mirjam Visscher (EZK)"."""
    net = event.network
    name = person_name(event, person_id)
    if net.has_person(person_id):
        org = net.person(person_id).organisation
        if org is not None and net.has_organisation(org):
            return f"{name} ({net.organisation(org).display_name})"
    return name
