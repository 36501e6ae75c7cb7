"""A person's own programme: the parts for everyone and the sessions they hold a seat in, as a list, an
.ics calendar and a PDF; and all data kept about them, for download (AVG/GDPR art. 15 and 20)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import weasyprint
from django.template.loader import render_to_string

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.core.sessions import Session, SessionKind
from netwerkdag.publish.i18n import format_day, format_time_range
from netwerkdag.publish.ical import ical
from netwerkdag.web import models
from netwerkdag.web.services.programme import offerings

#: Kinds that are for everyone on the day, unless they are a choice (the opening, the walk-in).
FOR_EVERYONE = frozenset({SessionKind.PLENARY, SessionKind.SOCIAL, SessionKind.NETWORKING})


@dataclass(frozen=True, slots=True)
class Line:
    session_id: str
    start: datetime
    time: str
    title: str
    place: str
    chosen: bool


@dataclass(frozen=True, slots=True)
class PersonalProgramme:
    day: str
    lines: tuple[Line, ...]


def personal_sessions(core: CoreEvent, invitee: models.Invitee) -> list[tuple[Session, bool]]:
    """The sessions of the person's day in time order, each with whether they chose it."""
    offered = {o.session_id for o in offerings(core)}
    held = set(
        models.Registration.objects.filter(invitee=invitee).values_list("seats__session_id", flat=True)
    )
    found = []
    for session in sorted(core.sessions, key=lambda s: (s.start, s.id)):
        if session.id in held and core.has_session(session.id):
            found.append((session, True))
        elif session.id not in offered and (session.kind in FOR_EVERYONE or session.venue_wide):
            found.append((session, False))
    return found


def personal_programme(core: CoreEvent, invitee: models.Invitee, lang: str) -> PersonalProgramme:
    lines = []
    for session, chosen in personal_sessions(core, invitee):
        room = core.room_of(session)
        place = room.name if room is not None else core.venue.name
        lines.append(
            Line(
                session.id,
                session.start,
                format_time_range(session.start, session.end, lang),
                session.title,
                place,
                chosen,
            )
        )
    return PersonalProgramme(format_day(core.start_date, lang), tuple(lines))


def personal_ical(core: CoreEvent, invitee: models.Invitee, lang: str) -> bytes:
    sessions = tuple(s for s, _ in personal_sessions(core, invitee))
    return ical(dataclasses.replace(core, sessions=sessions), lang=lang)


def personal_pdf(core: CoreEvent, invitee: models.Invitee, lang: str) -> bytes:
    """The personal programme on one printable page."""
    html = render_to_string(
        "web/personal_print.html",
        {
            "invitee": invitee,
            "event": invitee.event,
            "programme": personal_programme(core, invitee, lang),
            "lang": lang,
        },
    )
    return bytes(weasyprint.HTML(string=html).write_pdf())


def personal_data(invitee: models.Invitee) -> dict[str, Any]:
    """Everything kept about the person, for them to download."""
    fields = [
        "name",
        "email",
        "organisation",
        "role",
        "function",
        "language",
        "attending",
        "dietary",
        "accessibility",
        "special_consent_at",
        "responded_at",
        "checked_in_at",
        "created_at",
    ]
    data: dict[str, Any] = {}
    for name in fields:
        value = getattr(invitee, name)
        data[name] = value.isoformat() if isinstance(value, datetime) else value
    data["event"] = invitee.event.title
    data["registrations"] = [
        {"session": r.seats.session_id, "title": r.seats.title, "since": r.created_at.isoformat()}
        for r in invitee.registrations.select_related("seats")
    ]
    data["waiting_lists"] = [
        {"session": w.seats.session_id, "title": w.seats.title, "since": w.created_at.isoformat()}
        for w in invitee.waiting.select_related("seats")
    ]
    data["mails"] = [
        {
            "kind": m.kind,
            "status": m.status,
            "queued": m.created_at.isoformat(),
            "sent": m.sent_at.isoformat() if m.sent_at else None,
        }
        for m in invitee.mails.order_by("created_at")
    ]
    return data
