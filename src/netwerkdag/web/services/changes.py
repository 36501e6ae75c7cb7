"""What changed between two published versions of a programme, and how a change reads.

A version stores its changes as plain dicts (`Change.as_dict`) with each place in one machine form,
"2023-02-10 11:00-12:00 Zaal 2" in the event's local time; `place_text` turns that into words for the
dashboard and the change mail, in the reader's language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.core.sessions import Session
from netwerkdag.publish.i18n import format_day, format_time_range


@dataclass(frozen=True, slots=True)
class Change:
    session: str
    title: str
    what: str  # "moved", "added", "removed"
    before: str
    after: str

    def as_dict(self) -> dict[str, str]:
        return {
            "session": self.session,
            "title": self.title,
            "what": self.what,
            "before": self.before,
            "after": self.after,
        }


# A place in a version's list of changes: "2023-02-10 11:00-12:00 Zaal 2" (the event's local time).
_PLACE = re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})-(\d{2}):(\d{2})(?: (.*))?")


def _place(event: CoreEvent, session: Session) -> str:
    room = event.room_of(session)
    where = room.name if room is not None else ""
    return f"{session.start:%Y-%m-%d %H:%M}-{session.end:%H:%M} {where}".strip()


def place_text(place: str, lang: str) -> str:
    """A place of a version's change, as `_place` writes it, in words: "vrijdag 10 februari 2023,
    11.00-12.00, Zaal 2"."""
    found = _PLACE.fullmatch(place)
    if found is None:
        return place
    year, month, day, h1, m1, h2, m2, room = found.groups()
    on = date(int(year), int(month), int(day))
    start = datetime.combine(on, time(int(h1), int(m1)))
    end = datetime.combine(on, time(int(h2), int(m2)))
    words = f"{format_day(on, lang)}, {format_time_range(start, end, lang)}"
    return f"{words}, {room}" if room else words


def changes_between(before: CoreEvent | None, after: CoreEvent) -> list[Change]:
    """Sessions that moved (time or room), appeared or went between two versions of a programme."""
    if before is None:
        return []
    found = []
    for session in after.sessions:
        if not before.has_session(session.id):
            found.append(Change(session.id, session.title, "added", "", _place(after, session)))
            continue
        old, new = _place(before, before.session(session.id)), _place(after, session)
        if old != new:
            found.append(Change(session.id, session.title, "moved", old, new))
    found += [
        Change(s.id, s.title, "removed", _place(before, s), "")
        for s in before.sessions
        if not after.has_session(s.id)
    ]
    return found
