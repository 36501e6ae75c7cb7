"""The programme as an iCalendar file (RFC 5545) that Outlook, Google Calendar and Apple Calendar import.

One VEVENT per session at its own local time, with a VTIMEZONE for the event's zone generated from the
zoneinfo database, so that 10:00 in Haarlem stays 10:00 for a reader in any zone. UIDs are made from ids
(``<session-id>@<event-slug>.netwerkdag``), so re-importing an updated file updates the entries instead of
duplicating them. The `icalendar` package writes the text: CRLF line ends, lines folded at 75 octets,
commas and semicolons escaped.

The VTIMEZONE is written the way Outlook and Google write theirs: one STANDARD and one DAYLIGHT part,
each with a yearly RRULE ("last Sunday of March at 02:00"), valid from the year before the event onwards.
Calendar programs keep a zone's definition by its TZID and may apply the one they saw first to later
files, so a definition that only covers the event's own year (what `icalendar` generates) can shift a
later event by an hour; the rule form does not expire. The rule is derived from zoneinfo and checked
against it for the year before the event and ten years after; a zone whose changes follow no yearly rule
(Casablanca) falls back to `icalendar`'s listing of each change in that span.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Timezone, TimezoneDaylight, TimezoneStandard
from icalendar import Event as VEvent

from netwerkdag import __version__
from netwerkdag.core.event import Event
from netwerkdag.core.sessions import Session
from netwerkdag.publish.i18n import LANGUAGES, format_day, translations
from netwerkdag.publish.labels import (
    KIND_LABELS,
    PRESENT_ROLE_ORDER,
    ROLE_LABELS,
    person_with_organisation,
    place_name,
    session_track,
)
from netwerkdag.publish.markdown import markdown_to_text

# --- the time zone --------------------------------------------------------------------------------------

_CHECKED_YEARS = 10
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_STEP = timedelta(minutes=15)  # offsets change on the quarter hour at the finest


def _offset(zone: ZoneInfo, moment: datetime) -> timedelta:
    offset = moment.astimezone(zone).utcoffset()
    return offset if offset is not None else timedelta(0)


def _transitions(zone: ZoneInfo, year: int) -> list[tuple[datetime, timedelta, timedelta]]:
    """Every change of UTC offset in `year`: (instant in UTC, offset before, offset after)."""
    found = []
    day = datetime(year, 1, 1, tzinfo=UTC)
    while day.year == year:
        after = day + timedelta(days=1)
        if _offset(zone, day) != _offset(zone, after):
            moment = day
            while _offset(zone, moment + _STEP) == _offset(zone, day):
                moment += _STEP
            found.append((moment + _STEP, _offset(zone, day), _offset(zone, after)))
        day = after
    return found


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> int | None:
    """The day of the month of its `nth` `weekday` (nth -1: the last one); None if it has no such day."""
    days = calendar.monthrange(year, month)[1]
    candidates = [d for d in range(1, days + 1) if date(year, month, d).weekday() == weekday]
    if nth > len(candidates):
        return None
    return candidates[nth - 1] if nth > 0 else candidates[-1]


@dataclass(frozen=True, slots=True)
class _Change:
    """A yearly change of offset: on the `nth` weekday of `onset` (nth -1: the last) in its month, at
    its local time in the offset `before`."""

    onset: datetime
    before: timedelta
    after: timedelta
    abbreviation: str
    nth: int

    def instant(self, year: int) -> datetime | None:
        """When the change happens in `year`, in UTC (None if the month has no such weekday)."""
        month, onset = self.onset.month, self.onset
        day = _nth_weekday(year, month, onset.weekday(), self.nth)
        if day is None:
            return None
        return datetime(year, month, day, onset.hour, onset.minute, tzinfo=UTC) - self.before

    @property
    def byday(self) -> str:
        return f"{self.nth}{_WEEKDAYS[self.onset.weekday()]}"


def _yearly_changes(zone: ZoneInfo, year: int) -> list[_Change] | None:
    """The changes of offset of `year` as yearly rules, if those rules give exactly zoneinfo's changes in
    each of the following years checked; None if they do not (or the zone changes more than twice)."""
    first = _transitions(zone, year)
    later = {y: {t[0] for t in _transitions(zone, y)} for y in range(year + 1, year + _CHECKED_YEARS + 2)}
    if len(first) > 2 or any(len(instants) != len(first) for instants in later.values()):
        return None
    changes = []
    for moment, before, after in first:
        onset = (moment + before).replace(tzinfo=None)  # RFC 5545: the onset in the offset it ends
        last = onset.day + 7 > calendar.monthrange(onset.year, onset.month)[1]
        abbreviation = moment.astimezone(zone).tzname() or ""
        candidates = [_Change(onset, before, after, abbreviation, nth) for nth in ([-1] if last else [])]
        candidates.append(_Change(onset, before, after, abbreviation, (onset.day - 1) // 7 + 1))
        fitting = [c for c in candidates if all(c.instant(y) in instants for y, instants in later.items())]
        if not fitting:
            return None
        changes.append(fitting[0])
    return changes


def vtimezone(name: str, year: int) -> Timezone | None:
    """A VTIMEZONE for zone `name` valid from `year` - 1 on, with yearly RRULEs (or a single offset for a
    zone without daylight saving time); None when the zone's changes follow no yearly rule."""
    zone = ZoneInfo(name)
    changes = _yearly_changes(zone, year - 1)
    if changes is None:
        return None
    result = Timezone()
    result.add("tzid", name)
    part: TimezoneStandard | TimezoneDaylight
    if not changes:
        start = datetime(year - 1, 1, 1, tzinfo=UTC)
        part = TimezoneStandard()
        part.add("dtstart", datetime(year - 1, 1, 1))
        part.add("tzoffsetfrom", _offset(zone, start))
        part.add("tzoffsetto", _offset(zone, start))
        part.add("tzname", start.astimezone(zone).tzname() or name)
        result.add_component(part)
        return result
    for change in changes:
        part = TimezoneDaylight() if change.after > change.before else TimezoneStandard()
        part.add("dtstart", change.onset)
        part.add("rrule", {"freq": "yearly", "bymonth": change.onset.month, "byday": change.byday})
        part.add("tzoffsetfrom", change.before)
        part.add("tzoffsetto", change.after)
        part.add("tzname", change.abbreviation)
        result.add_component(part)
    return result


# --- the calendar ---------------------------------------------------------------------------------------


def session_uid(event: Event, session: Session) -> str:
    """The UID of a session's VEVENT: stable across exports, unique across events."""
    return f"{session.id}@{event.slug}.netwerkdag"


def location(event: Event, session: Session, lang: str) -> str:
    """The LOCATION: the place as every format names it (`labels.place_name`), then venue and city, as
    "Plenair/Zaal 1 (Gravenzaal), Stadhuis Haarlem, Haarlem" or "Hele locatie, Stadhuis Haarlem, Haarlem"."""
    parts = (place_name(event, session, lang), event.venue.name, event.venue.city)
    return ", ".join(part for part in parts if part)


def people_lines(event: Event, session: Session, lang: str) -> list[str]:
    """One line per role that someone has in the session, as "Voorzitter: Karin Schrederhof (Delft)".

    Only the people with a part in the session, in the order of `PRESENT_ROLE_ORDER` (host, chair,
    vice-chair, moderator, speaker, guest). Contact persons are left out of the calendar; the HTML page and
    the booklet list them with their e-mail address.
    """
    _ = translations(lang).gettext
    lines = []
    for role in PRESENT_ROLE_ORDER:
        singular, plural = ROLE_LABELS[role]
        people = session.people_with(role)
        if people:
            label = _(singular) if len(people) == 1 else _(plural)
            lines.append(f"{label}: {', '.join(person_with_organisation(event, p) for p in people)}")
    return lines


def description(event: Event, session: Session, lang: str) -> str:
    """Plain text: the subtitle, the description's paragraphs, then the people with a part in the session
    (who hosts, chairs, moderates, speaks or is a guest); no contact persons."""
    parts = [
        session.subtitle or "",
        markdown_to_text(session.description),
        "\n".join(people_lines(event, session, lang)),
    ]
    return "\n\n".join(part for part in parts if part)


def categories(event: Event, session: Session, lang: str) -> list[str]:
    """The kind of session ("Themagroep") and its track (pillar, or theme group outside the pillars)."""
    _ = translations(lang).gettext
    result = [_(KIND_LABELS[session.kind])]
    track = session_track(event, session)
    if track is not None:
        result.append(track[1])
    return result


def _vevent(event: Event, session: Session, stamp: datetime, lang: str) -> VEvent:
    entry = VEvent()
    entry.add("uid", session_uid(event, session))
    entry.add("dtstamp", stamp)
    entry.add("dtstart", session.start.astimezone(event.tz))
    entry.add("dtend", session.end.astimezone(event.tz))
    entry.add("summary", session.title)
    entry.add("location", location(event, session, lang))
    text = description(event, session, lang)
    if text:
        entry.add("description", text)
    entry.add("categories", categories(event, session, lang))
    return entry


def ical(event: Event, *, now: datetime | None = None, lang: str | None = None) -> bytes:
    """The iCalendar file of `event` as UTF-8 bytes.

    `now` becomes every DTSTAMP (default: the current time; a naive value is taken as UTC), so tests and
    reproducible builds can fix it. `lang` is the language of the labels in descriptions and categories;
    by default the event's own language.
    """
    lang = lang or (event.language if event.language in LANGUAGES else "en")
    stamp = (now or datetime.now(UTC)).replace(microsecond=0)
    stamp = stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)

    cal = Calendar()
    cal.add("prodid", f"-//netwerkdag//netwerkdag {__version__}//{lang.upper()}")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    # Dashes, not commas: icalendar writes X-WR-CALNAME unescaped, and readers split it at commas.
    name = [event.title, event.venue.city or "", format_day(event.start_date, lang)]
    cal.add("x-wr-calname", " – ".join(part for part in name if part))
    cal.add("x-wr-timezone", event.timezone)
    if event.subtitle:
        cal.add("x-wr-caldesc", event.subtitle)
    year = event.start_date.year
    zone = vtimezone(event.timezone, year)
    if zone is not None:
        cal.add_component(zone)
    for session in sorted(event.sessions, key=lambda s: (s.start, s.end)):
        cal.add_component(_vevent(event, session, stamp, lang))
    if zone is None:
        cal.add_missing_timezones(
            first_date=date(year - 1, 1, 1), last_date=date(year + _CHECKED_YEARS + 1, 1, 1)
        )
    data: bytes = cal.to_ical()
    return data
