"""The words every format uses for the same things, defined once: kinds of session, roles, blocks,
a session's own times ("tot 15.45 uur"), people with their organisation.

Message ids are English and marked with `N_`; they are translated where they are shown, through
`i18n.translations(lang)`, so the HTML page, the booklet, the spreadsheet and the calendar read alike.
"""

from __future__ import annotations

from netwerkdag.core.event import Event
from netwerkdag.core.sessions import ParticipantRole, Session, SessionKind
from netwerkdag.core.timegrid import BlockKind
from netwerkdag.publish.grid import ends_early, starts_late
from netwerkdag.publish.i18n import format_time, translations


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
#: Contact persons come last; public calendars and exports leave them out (`PUBLIC_ROLES`).
ROLE_LABELS: dict[ParticipantRole, tuple[str, str]] = {
    ParticipantRole.HOST: (N_("Host"), N_("Hosts")),
    ParticipantRole.CHAIR: (N_("Chair"), N_("Chairs")),
    ParticipantRole.VICE_CHAIR: (N_("Vice-chair"), N_("Vice-chairs")),
    ParticipantRole.MODERATOR: (N_("Moderator"), N_("Moderators")),
    ParticipantRole.SPEAKER: (N_("Speaker"), N_("Speakers")),
    ParticipantRole.GUEST: (N_("Guest"), N_("Guests")),
    ParticipantRole.CONTACT: (N_("Contact"), N_("Contacts")),
}
PUBLIC_ROLES = tuple(role for role in ROLE_LABELS if role is not ParticipantRole.CONTACT)

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
