"""A person's own programme: the parts for everyone and the sessions they hold a seat in, as a list, an
.ics calendar and a PDF; and all data kept about them, for download (AVG/GDPR art. 15 and 20).

Times read as in the public programme (`labels.session_times`): "16.00 Borrel" where the programme hides
the drinks' end, "15.00-15.45" for a session that ends early. The .ics keeps every real end, because a
calendar entry needs one. A networking room is where one goes instead of a session: it is in the
programme only when the person's chosen sessions leave part of its time free (`personal_sessions`).
The PDF is tagged for screen readers (PDF/UA-1, `publish.pdf.accessible_pdf`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.template.loader import render_to_string

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.core.sessions import Session, SessionKind
from netwerkdag.publish.i18n import format_day
from netwerkdag.publish.ical import ical
from netwerkdag.publish.labels import session_times
from netwerkdag.publish.pdf import accessible_pdf
from netwerkdag.web import models
from netwerkdag.web.services import meetings
from netwerkdag.web.services.networking import personal_networking
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


def covered(start: datetime, end: datetime, sessions: Iterable[Session]) -> bool:
    """True when `sessions` together fill the time from `start` to `end` without a gap."""
    reached = start
    for session in sorted(sessions, key=lambda s: s.start):
        if session.start > reached:
            break
        reached = max(reached, session.end)
        if reached >= end:
            return True
    return reached >= end


def personal_sessions(core: CoreEvent, invitee: models.Invitee) -> list[tuple[Session, bool]]:
    """The sessions of the person's day in time order, each with whether they chose it: the sessions
    they hold a seat in, and the parts for everyone that take no registration. A networking room is a
    place to go instead of a session, so it is left out when the chosen sessions fill its time (the
    room beside the pillar meetings, for someone in a pillar meeting); one open longer than the chosen
    sessions (all day) stays."""
    offered = {o.session_id for o in offerings(core)}
    held = set(
        models.Registration.objects.filter(invitee=invitee).values_list("seats__session_id", flat=True)
    )
    chosen = [s for s in core.sessions if s.id in held]
    found = []
    for session in sorted(core.sessions, key=lambda s: (s.start, s.id)):
        if session.id in held:
            found.append((session, True))
        elif session.id not in offered and (session.kind in FOR_EVERYONE or session.venue_wide):
            if session.kind is SessionKind.NETWORKING and covered(session.start, session.end, chosen):
                continue
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
                session_times(core, session, lang),
                session.title,
                place,
                chosen,
            )
        )
    # The person's placed meetings at the tables of the networking room (services/meetings.py).
    for meeting in meetings.meeting_lines(core, invitee, lang):
        lines.append(
            Line(
                f"meeting-{meeting.request}",
                meeting.start,
                meeting.time,
                meeting.title(lang),
                meeting.place,
                True,
            )
        )
    lines.sort(key=lambda line: line.start)
    return PersonalProgramme(format_day(core.start_date, lang), tuple(lines))


def personal_ical(core: CoreEvent, invitee: models.Invitee, lang: str) -> bytes:
    sessions = tuple(s for s, _ in personal_sessions(core, invitee))
    calendar = ical(dataclasses.replace(core, sessions=sessions), lang=lang)
    return meetings.with_meetings(calendar, core, meetings.meeting_lines(core, invitee, lang), lang)


def personal_pdf(core: CoreEvent, invitee: models.Invitee, lang: str) -> bytes:
    """The personal programme on one printable page, tagged for screen readers (PDF/UA-1)."""
    html = render_to_string(
        "web/personal_print.html",
        {
            "invitee": invitee,
            "event": invitee.event,
            "programme": personal_programme(core, invitee, lang),
            "lang": lang,
        },
    )
    return accessible_pdf(html)


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
    feedback = models.Feedback.objects.filter(invitee=invitee).first()
    data["feedback"] = None
    if feedback is not None:
        data["feedback"] = {
            "day_score": feedback.day_score,
            "day_comment": feedback.day_comment,
            "next_theme": feedback.next_theme,
            "sessions": [
                {"session": s.session_id, "score": s.score, "comment": s.comment}
                for s in feedback.sessions.order_by("session_id")
            ],
            "updated": feedback.updated_at.isoformat(),
        }
    data["rankings"] = [
        {
            "purpose": ranking.purpose,
            "available_blocks": ranking.available_blocks,
            "choices": [{"choice": c.choice, "rank": c.rank} for c in ranking.choices.all()],
            "saved": ranking.saved_at.isoformat(),
        }
        for ranking in models.Ranking.objects.filter(invitee=invitee).order_by("purpose")
    ]
    # The networking room: consent to the directory, blocks, requests made and answers given.
    data["networking"] = personal_networking(invitee)
    return data
