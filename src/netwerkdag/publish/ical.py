"""The programme as an iCalendar file (RFC 5545) that Outlook, Google Calendar and Apple Calendar import.

One VEVENT per session at its own local time, with a VTIMEZONE for the event's zone, so that 10:00 in
Haarlem stays 10:00 for a reader in any zone. UIDs are made from ids
(``<session-id>@<event-slug>.netwerkdag``), so re-importing an updated file updates the entries instead of
duplicating them. The `icalendar` package writes the text (CRLF line ends, lines folded at 75 octets, commas
and semicolons escaped) and the VTIMEZONE (`Calendar.add_missing_timezones`, from the zoneinfo database).

`icalendar` lists each change of offset from the year before the event to ten years after it (RDATE). We
restate a change that recurs every one of those years on the same weekday of its month as a yearly rule
("last Sunday of March at 02:00"), the way Outlook and Google write their zones, because readers cope badly
with the list: Outlook's desktop app is reported to put summer events an hour off, vobject reads only the
first date of each list, and calendar programs keep a zone by its TZID and may apply the definition they
saw first to later files, which a rule serves in any year. A zone whose changes follow no such rule
(Casablanca's Ramadan) keeps `icalendar`'s list.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Timezone, TimezoneDaylight, TimezoneStandard
from icalendar import Event as VEvent
from icalendar.prop import vRecur

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

_ZONE_YEARS = 12  # the VTIMEZONE lists the changes from the year before the event on, for this many years
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

_Part = TimezoneStandard | TimezoneDaylight


def _onsets(part: _Part) -> list[datetime]:
    """The onsets of the changes `part` lists, in the local time of the offset each one ends (RFC 5545
    3.6.5). icalendar 7 writes a change forward at the clock time after it (03:00 where 02:00 jumps to
    03:00, which a reader takes as an hour late) and a change back at the clock time before it."""
    forward = max(part.TZOFFSETTO - part.TZOFFSETFROM, timedelta(0))
    return sorted(start - forward for start in [part.DTSTART, *(rdate for rdate, _ in part.rdates)])


def _yearly_rule(onsets: list[datetime], first_year: int) -> vRecur | None:
    """The yearly RRULE that gives exactly `onsets`, when there is one in each year from `first_year` on,
    all on the same weekday of the same month at the same time: its nth (``2SU``) or its last (``-1SU``)."""
    first = onsets[0]
    if [onset.year for onset in onsets] != list(range(first_year, first_year + _ZONE_YEARS)):
        return None
    if any((o.month, o.weekday(), o.time()) != (first.month, first.weekday(), first.time()) for o in onsets):
        return None
    if all(o.day + 7 > calendar.monthrange(o.year, o.month)[1] for o in onsets):
        nth = -1
    elif len({(o.day - 1) // 7 for o in onsets}) == 1:
        nth = (first.day - 1) // 7 + 1
    else:
        return None
    return vRecur(freq="YEARLY", bymonth=first.month, byday=f"{nth}{_WEEKDAYS[first.weekday()]}")


def _as_yearly_rules(zone: Timezone, first_year: int) -> None:
    """Restate the changes `zone` lists as yearly rules, each part as DAYLIGHT when it puts the clock
    forward, if every change has one; leave `zone` as it is otherwise (and for a zone without changes).
    The part that only opens the listed span at its first offset is left out: a reader takes the time
    before the first change in that change's TZOFFSETFROM."""
    opening = datetime(first_year, 1, 1)
    changes = [part for part in zone.subcomponents if opening < part.DTSTART]
    ruled: list[_Part] = []
    for change in changes:
        onsets = _onsets(change)
        rule = _yearly_rule(onsets, first_year)
        if rule is None:
            return
        part = TimezoneDaylight() if change.TZOFFSETTO > change.TZOFFSETFROM else TimezoneStandard()
        part.add("dtstart", onsets[0])
        part.add("rrule", rule)
        part.add("tzoffsetfrom", change.TZOFFSETFROM)
        part.add("tzoffsetto", change.TZOFFSETTO)
        part.add("tzname", change["TZNAME"])
        ruled.append(part)
    if ruled:
        zone.pop("COMMENT", None)  # "This timezone only works from ... to ...": a rule does not expire
        zone.subcomponents = sorted(ruled, key=lambda part: part.DTSTART)


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
    for session in sorted(event.sessions, key=lambda s: (s.start, s.end)):
        cal.add_component(_vevent(event, session, stamp, lang))
    first_year = event.start_date.year - 1
    cal.add_missing_timezones(
        first_date=date(first_year, 1, 1), last_date=date(first_year + _ZONE_YEARS, 1, 1)
    )
    for zone in cal.timezones:
        _as_yearly_rules(zone, first_year)
    data: bytes = cal.to_ical()
    return data
