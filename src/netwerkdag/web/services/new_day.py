"""A new network day without writing YAML: a copy of a day the organiser already runs, on a new date at a
new venue, or a small day made from a short form (date, venue, rooms, rounds).

Either way the result is an event file: the day is built as core objects, written with `dump_event` and
read back with `programme.event_from_document`, every rule of a file, so that a mistake is a
`NetwerkdagError` with all its problems and never a half-made event. What the organiser typed wrong is a
`NewDayError`, whose problems name the form field and say, in the page's language, what to fix.

A copy keeps the network, rooms, blocks (rounds, transfers, breaks), sessions and networking tables with
their times of day; every block, session and opening of the tables moves by the days between the old date
and the new one. It drops what belonged to
the old day only: the availability of guests (their windows were for that date), the subtitle and the
introduction (they describe that day and its host). Registrations are rows, not part of the file: a new
event has none. A day from the form has its rooms and rounds, and an opening, lunch and drinks where times
are given; its parallel rounds are empty, which the file format allows (`sessions` may be empty and a
block needs no session): the organiser adds the sessions to the event file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from django.utils import timezone

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.core.network import Network, Organisation
from netwerkdag.core.problems import NetwerkdagError, Problem
from netwerkdag.core.sessions import AudienceRule, Session, SessionKind
from netwerkdag.core.timegrid import Block, BlockKind, Window
from netwerkdag.core.venue import Room, Venue
from netwerkdag.files.dump import dump_event
from netwerkdag.files.schema import FIRST_YEAR, ID_PATTERN, LAST_YEAR
from netwerkdag.publish.i18n import format_day, format_time, format_time_range
from netwerkdag.web import i18n, models
from netwerkdag.web.services.programme import event_from_document

#: Most lines the form takes for rooms and for rounds: a day has a handful of each.
MAX_LINES = 50
#: Longest one-line text of the file format (files/schema.py: Text).
MAX_TEXT = 500
#: Longest id (files/schema.py: Id).
MAX_ID = 80
#: First parts of the app's own addresses: a programme there could not be reached (web/urls.py).
RESERVED_SLUGS = frozenset({"organisatie", "uitnodiging", "beheer", "static"})
#: Seats a room may have (files/schema.py: RoomIn.capacity).
MAX_CAPACITY = 100_000

#: The titles a day from the form gives its opening, lunch and drinks, in the event's language.
PART_TITLES = {
    "nl": {"opening": "Opening", "lunch": "Lunch", "drinks": "Borrel"},
    "en": {"opening": "Opening", "lunch": "Lunch", "drinks": "Drinks"},
}

TimeRange = tuple[dt.time, dt.time]


@dataclass(frozen=True, slots=True)
class FormProblem:
    """Something to fix in the form: `field` is the name of the form field, `text` says (in the language
    of the request) what is wrong and what would be right."""

    field: str
    text: str


class NewDayError(NetwerkdagError):
    """The form's problems, all at once; nothing is made."""

    def __init__(self, found: Sequence[FormProblem]) -> None:
        self.found = tuple(found)
        super().__init__([Problem("new-day-form", p.text, ("form", p.field)) for p in self.found])


@dataclass(frozen=True, slots=True)
class NewDay:
    """A new day's event file, its checked event, and what the organiser should know about it."""

    text: str
    event: CoreEvent
    notes: tuple[str, ...] = ()


@dataclass
class _Found:
    """Problems found while reading a form."""

    problems: list[FormProblem] = field(default_factory=list)

    def add(self, name: str, text: str) -> None:
        self.problems.append(FormProblem(name, text))

    def raise_any(self) -> None:
        if self.problems:
            raise NewDayError(self.problems)


# --- ids and slugs -----------------------------------------------------------------------------------------


def id_from(text: str) -> str:
    """`text` as an id: ASCII lowercase letters and digits, single hyphens ("Zaal 2" -> "zaal-2",
    "Café Noord" -> "cafe-noord"); empty when nothing of it is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _shortened(base: str, room: int) -> str:
    """`base` cut to leave `room` characters for a suffix, at a hyphen and without a trailing one."""
    return base[: MAX_ID - room].rstrip("-")


def _unique(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3` ... whichever `taken` does not hold yet; added to `taken`."""
    found, n = base, 1
    while found in taken:
        n += 1
        found = f"{_shortened(base, len(str(n)) + 1)}-{n}"
    taken.add(found)
    return found


def suggested_slug(title: str, day: dt.date) -> str:
    """A slug from the title and the date that no event has yet: ``bestuurlijke-netwerkdag-2025-03-14``,
    with ``-2``, ``-3`` ... when that one is taken."""
    words = _shortened(id_from(title), len("-2025-03-14") + 3) or "netwerkdag"
    base = f"{words}-{day.isoformat()}"
    taken = set(models.Event.objects.filter(slug__startswith=base).values_list("slug", flat=True)) | (
        RESERVED_SLUGS & {base}
    )
    return _unique(base, taken)


def slug_taken(slug: str) -> bool:
    return slug in RESERVED_SLUGS or models.Event.objects.filter(slug=slug).exists()


def _check_slug(found: _Found, slug: str, title: str, day: dt.date | None) -> None:
    if not re.fullmatch(ID_PATTERN, slug) or not 2 <= len(slug) <= MAX_ID:
        found.add(
            "slug",
            i18n.gettext(
                "The web address '%(slug)s' may hold only lowercase letters, digits and single hyphens "
                "(2 to 80 characters), as network-day-2025-03-14.",
                slug=slug[:MAX_ID],
            ),
        )
    elif slug_taken(slug):
        free = "" if day is None else suggested_slug(title, day)
        found.add(
            "slug",
            i18n.gettext(
                "The web address '%(slug)s' is taken; choose another, such as %(free)s.", slug=slug, free=free
            )
            if free
            else i18n.gettext("The web address '%(slug)s' is taken; choose another.", slug=slug),
        )


def taken(slug: str) -> NewDayError:
    """The error for a web address that another event took while this one was being made."""
    return NewDayError(
        [FormProblem("slug", i18n.gettext("The web address '%(slug)s' is taken; choose another.", slug=slug))]
    )


# --- what the organiser types ----------------------------------------------------------------------------


def _check_text(found: _Found, name: str, value: str, label: str, *, required: bool) -> None:
    if not value and required:
        found.add(name, i18n.gettext("Fill in %(what)s.", what=label))
    elif len(value) > MAX_TEXT:
        found.add(name, i18n.gettext("%(what)s is longer than 500 characters.", what=_upper_first(label)))


def _labels() -> dict[str, str]:
    """How a problem names the form's fields, in the request's language."""
    return {
        "title": i18n.gettext("the title"),
        "venue": i18n.gettext("the name of the venue"),
        "address": i18n.gettext("the address"),
        "city": i18n.gettext("the town"),
        "host": i18n.gettext("the host"),
        "network_name": i18n.gettext("the name of the new network"),
    }


def _check_basics(
    found: _Found, slug: str, title: str, day: dt.date | None, venue: Venue, host: str, today: dt.date
) -> None:
    """The fields both forms have: web address, title, date, venue and host."""
    labels = _labels()
    _check_text(found, "title", title, labels["title"], required=True)
    _check_text(found, "venue", venue.name, labels["venue"], required=True)
    _check_text(found, "address", venue.address or "", labels["address"], required=False)
    _check_text(found, "city", venue.city or "", labels["city"], required=False)
    _check_text(found, "host", host, labels["host"], required=False)
    if day is not None:
        if day < today:
            found.add(
                "date",
                i18n.gettext(
                    "%(day)s has passed; choose a date from today on.", day=format_day(day, i18n.current())
                ),
            )
        elif day.year > LAST_YEAR:
            found.add("date", i18n.gettext("Choose a date before %(year)s.", year=LAST_YEAR + 1))
    if slug:
        _check_slug(found, slug, title, day)


def _parse_date(found: _Found, value: str) -> dt.date | None:
    """A date as a date field sends it (2025-03-14), or as written in Dutch (14-03-2025)."""
    value = value.strip()
    if not value:
        found.add("date", i18n.gettext("Fill in the date of the day."))
        return None
    match = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", value)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            parsed = dt.date(year, month, day)
        else:
            parsed = dt.date.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.year < FIRST_YEAR:
        found.add(
            "date", i18n.gettext("'%(value)s' is not a date; write it as 2025-03-14.", value=value[:40])
        )
        return None
    return parsed


_TIME = r"(\d{1,2})(?:[.:](\d{2}))?"
_RANGE = re.compile(rf"{_TIME}\s*(?:-|–|—|tot|to)\s*{_TIME}", re.IGNORECASE)


def _clock(hours: str, minutes: str | None) -> dt.time | None:
    h, m = int(hours), int(minutes or 0)
    return dt.time(h, m) if h < 24 and m < 60 else None


def _parse_range(found: _Found, name: str, value: str, label: str) -> TimeRange | None:
    """A time range as "10.30-11.30" (also 10:30 - 11:30, 10.30 tot 11.30); None when empty. `label`
    names the part in a problem: "the opening", "round 2"."""
    value = value.strip()
    if not value:
        return None
    match = _RANGE.fullmatch(value)
    start = end = None
    if match:
        start, end = _clock(*match.group(1, 2)), _clock(*match.group(3, 4))
    if start is None or end is None:
        found.add(
            name,
            i18n.gettext(
                "%(what)s: '%(value)s' is not a time range; write it as 10:30-11:30.",
                what=_upper_first(label),
                value=value[:40],
            ),
        )
        return None
    return (start, end) if _ends_after_start(found, name, label, start, end) else None


def _ends_after_start(found: _Found, name: str, label: str, start: dt.time, end: dt.time) -> bool:
    """True when the part ends after it starts; otherwise notes the problem on the field."""
    if end > start:
        return True
    found.add(
        name,
        i18n.gettext(
            "%(what)s ends at %(end)s, not after it starts at %(start)s.",
            what=_upper_first(label),
            start=_shown(start),
            end=_shown(end),
        ),
    )
    return False


def _shown(moment: dt.time) -> str:
    return format_time(dt.datetime.combine(dt.date.today(), moment), i18n.current())


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lines(found: _Found, name: str, text: str, what: str) -> list[tuple[int, str]]:
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if not lines:
        found.add(name, what)
    elif len(lines) > MAX_LINES:
        found.add(name, i18n.gettext("Give at most %(n)s lines.", n=MAX_LINES))
        return []
    return lines


def _parse_rooms(found: _Found, text: str) -> list[tuple[str, int]]:
    """Rooms as lines "Zaal 2, 40": a name, a comma (or semicolon) and the seats."""
    rooms: list[tuple[str, int]] = []
    names: set[str] = set()
    for n, line in _lines(found, "rooms", text, i18n.gettext("Give at least one room, as 'Room 2, 40'.")):
        split = re.fullmatch(r"(.*)[,;]\s*([^,;]*)", line)
        if split is None:
            found.add(
                "rooms",
                i18n.gettext(
                    "Line %(n)s ('%(line)s'): write the name, a comma and the number of seats, as "
                    "'Room 2, 40'.",
                    n=n,
                    line=line[:60],
                ),
            )
            continue
        name, seats = split.group(1).strip(), split.group(2).strip()
        if not name:
            found.add(
                "rooms", i18n.gettext("Line %(n)s ('%(line)s'): the room has no name.", n=n, line=line[:60])
            )
            continue
        if len(name) > MAX_TEXT:
            found.add("rooms", i18n.gettext("Line %(n)s: the name is longer than 500 characters.", n=n))
            continue
        if not re.fullmatch(r"\d+", seats) or not 1 <= int(seats) <= MAX_CAPACITY:
            found.add(
                "rooms",
                i18n.gettext(
                    "Line %(n)s ('%(line)s'): the number of seats '%(seats)s' is not a whole number from "
                    "1 to 100000.",
                    n=n,
                    line=line[:60],
                    seats=seats[:20],
                ),
            )
            continue
        if name.casefold() in names:
            found.add(
                "rooms", i18n.gettext("Line %(n)s: there is already a room called %(name)s.", n=n, name=name)
            )
            continue
        names.add(name.casefold())
        rooms.append((name, int(seats)))
    return rooms


def _round_label(n: int) -> str:
    return i18n.gettext("round %(n)s", n=n)


def _parse_rounds(found: _Found, text: str) -> list[tuple[str, TimeRange]]:
    """Parallel rounds as lines "10.30-11.30", in any order; each with how a problem names it ("the
    round on line 2")."""
    rounds = []
    for n, line in _lines(found, "rounds", text, i18n.gettext("Give at least one round, as 10:30-11:30.")):
        label = i18n.gettext("the round on line %(n)s", n=n)
        parsed = _parse_range(found, "rounds", line, label)
        if parsed is not None:
            rounds.append((label, parsed))
    return rounds


def _part_labels() -> dict[str, str]:
    return {
        "opening": i18n.gettext("the opening"),
        "lunch": i18n.gettext("the lunch"),
        "drinks": i18n.gettext("the drinks"),
    }


def _check_overlaps(found: _Found, parts: Sequence[tuple[str, str, TimeRange]]) -> None:
    """Parts of the day (field, label, times) that overlap: the grid's blocks follow each other. Each part
    is compared with the one that ends last of those before it, so that a long part is caught overlapping
    every later one it holds."""
    lang = i18n.current()
    day = dt.date.today()

    def shown(times: TimeRange) -> str:
        return format_time_range(dt.datetime.combine(day, times[0]), dt.datetime.combine(day, times[1]), lang)

    latest: tuple[str, str, TimeRange] | None = None
    for part in sorted(parts, key=lambda part: part[2]):
        name, label, times = part
        if latest is not None and times[0] < latest[2][1]:
            found.add(
                name,
                i18n.gettext(
                    "%(what)s (%(times)s) overlaps %(other)s (%(other_times)s).",
                    what=_upper_first(label),
                    times=shown(times),
                    other=latest[1],
                    other_times=shown(latest[2]),
                ),
            )
        if latest is None or times[1] > latest[2][1]:
            latest = part


# --- the host and the network ----------------------------------------------------------------------------


def _with_host(network: Network, host: str) -> tuple[Network, str | None, str | None]:
    """The network, the id of the organisation `host` names (its id, name or short name, in any case),
    and a note when the host is new to the network and added to it as an organisation."""
    host = host.strip()
    if not host:
        return network, None, None
    wanted = host.casefold()
    for organisation in network.organisations:
        if wanted in {
            organisation.id,
            organisation.name.casefold(),
            (organisation.short_name or "").casefold(),
        }:
            return network, organisation.id, None
    new_id = _unique(
        id_from(host) if len(id_from(host)) >= 2 else "gastheer", {o.id for o in network.organisations}
    )
    added = Organisation(new_id, host)
    note = i18n.gettext("%(name)s is added to the network as a new organisation.", name=host)
    return dataclasses.replace(network, organisations=(*network.organisations, added)), new_id, note


def _checked(event: CoreEvent, notes: Sequence[str | None]) -> NewDay:
    """The event written as a file and read back with every rule of a file."""
    text = dump_event(event)
    return NewDay(text, event_from_document(text, f"{event.slug}.yaml"), tuple(n for n in notes if n))


def _today(today: dt.date | None) -> dt.date:
    return today if today is not None else timezone.localdate()


# --- a copy of a day -------------------------------------------------------------------------------------


def _moved(moment: dt.datetime, days: dt.timedelta) -> dt.datetime:
    """The same time of day, `days` later, on the event's clock (10:00 in winter stays 10:00 in summer)."""
    return dt.datetime.combine(moment.date() + days, moment.time(), tzinfo=moment.tzinfo)


def copy_day(
    source: CoreEvent,
    slug: str,
    title: str,
    date: dt.date,
    venue: Venue,
    host: str,
    *,
    today: dt.date | None = None,
) -> NewDay:
    """`source` (a published or draft day) on `date` at `venue`, hosted by `host`: network, rooms, blocks and
    sessions copied, every block and session moved to the new date with its time of day kept (a day of
    several days shifts by the same number of days). An empty `title` keeps the source's; an empty `slug`
    is made from the title and the date. Raises `NewDayError` (the form's fields) or `NetwerkdagError`."""
    title = title.strip() or source.title
    slug = slug.strip().lower() or suggested_slug(title, date)
    found = _Found()
    _check_basics(found, slug, title, date, venue, host, _today(today))
    found.raise_any()
    days = dt.timedelta(days=(date - source.start_date).days)
    network, host_id, host_note = _with_host(source.network, host)
    blocks = tuple(
        dataclasses.replace(b, start=_moved(b.start, days), end=_moved(b.end, days)) for b in source.blocks
    )
    sessions = tuple(
        dataclasses.replace(s, start=_moved(s.start, days), end=_moved(s.end, days)) for s in source.sessions
    )
    networking = tuple(
        dataclasses.replace(n, open=tuple(Window(_moved(w.start, days), _moved(w.end, days)) for w in n.open))
        for n in source.networking
    )
    notes = [host_note]
    if source.availability:
        people = sorted(
            source.network.person(p).name if source.network.has_person(p) else p for p in source.availability
        )
        notes.append(
            i18n.gettext(
                "The availability of %(people)s was for the old date and is not copied; add it to the event "
                "file if it still holds.",
                people=", ".join(people),
            )
        )
    if source.subtitle or source.introduction.strip():
        notes.append(
            i18n.gettext("The subtitle and the introduction were about the old day and are not copied.")
        )
    event = dataclasses.replace(
        source,
        slug=slug,
        title=title,
        subtitle=None,
        introduction="",
        start_date=date,
        end_date=source.end_date + days,
        venue=venue,
        network=network,
        host=host_id,
        blocks=blocks,
        sessions=sessions,
        availability=MappingProxyType({}),
        networking=networking,
    )
    return _checked(event, notes)


def copy_from_form(source: CoreEvent, data: Mapping[str, str], *, today: dt.date | None = None) -> NewDay:
    """`copy_day` with the fields of the form as typed; every problem of the form at once."""
    found = _Found()
    date = _parse_date(found, data.get("date", ""))
    venue = _venue(data)
    title = data.get("title", "").strip() or source.title
    host = data.get("host", "").strip()
    if date is None:
        _check_basics(found, "", title, date, venue, host, _today(today))
    if date is None or found.problems:
        raise NewDayError(found.problems)
    return copy_day(source, data.get("slug", ""), title, date, venue, host, today=today)


def _venue(data: Mapping[str, str]) -> Venue:
    return Venue(
        data.get("venue", "").strip(),
        data.get("address", "").strip() or None,
        data.get("city", "").strip() or None,
    )


# --- a day from the form ---------------------------------------------------------------------------------


def day_from_form(
    slug: str,
    title: str,
    date: dt.date,
    venue: Venue,
    host: str,
    rooms: Sequence[tuple[str, int]],
    rounds: Sequence[TimeRange],
    *,
    opening: TimeRange | None = None,
    lunch: TimeRange | None = None,
    drinks: TimeRange | None = None,
    network: Network | None = None,
    network_name: str = "",
    language: str = "nl",
    today: dt.date | None = None,
) -> NewDay:
    """A minimal day: the rooms (name, seats) in this order, the parallel rounds (empty: the organiser adds
    the sessions), and an opening in the largest room, a lunch and drinks for everyone where their times
    are given. The network is `network` (an existing event's) or a new, empty one called `network_name`.
    An empty `slug` is made from the title and the date. Raises `NewDayError` (the form's fields) or
    `NetwerkdagError`."""
    title = title.strip()
    slug = slug.strip().lower() or (suggested_slug(title, date) if title else "")
    found = _Found()
    _check_basics(found, slug, title, date, venue, host, _today(today))
    if network is None:
        _check_text(found, "network_name", network_name.strip(), _labels()["network_name"], required=True)
    if not rooms:
        found.add("rooms", i18n.gettext("Give at least one room, as 'Room 2, 40'."))
    if not rounds:
        found.add("rounds", i18n.gettext("Give at least one round, as 10:30-11:30."))
    for name, seats in rooms:
        if not name.strip() or not 1 <= seats <= MAX_CAPACITY:
            found.add("rooms", i18n.gettext("A room needs a name and from 1 to 100000 seats."))
            break
    parts = _parts([(_round_label(n), r) for n, r in enumerate(rounds, start=1)], opening, lunch, drinks)
    for name, label, (start, end) in parts:
        _ends_after_start(found, name, label, start, end)
    _check_overlaps(found, [part for part in parts if part[2][0] < part[2][1]])
    found.raise_any()
    if network is None:
        network = Network(
            id_from(network_name) if len(id_from(network_name)) >= 2 else "netwerk", network_name.strip()
        )
    network, host_id, host_note = _with_host(network, host)
    tz = timezone.get_default_timezone()
    room_ids: set[str] = set()
    made_rooms = tuple(
        Room(_unique(_room_id(name, n), room_ids), name.strip(), seats)
        for n, (name, seats) in enumerate(rooms, 1)
    )

    def at(moment: dt.time) -> dt.datetime:
        return dt.datetime.combine(date, moment, tzinfo=tz)

    blocks: list[Block] = []
    sessions: list[Session] = []
    everyone = (AudienceRule(),)
    titles = PART_TITLES.get(language, PART_TITLES["nl"])
    for n, (start, end) in enumerate(sorted(rounds), start=1):
        blocks.append(Block(f"ronde-{n}", BlockKind.PARALLEL, at(start), at(end)))
    largest = max(made_rooms, key=lambda room: room.capacity)
    for name, kind, session_kind, times in (
        ("opening", BlockKind.PLENARY, SessionKind.PLENARY, opening),
        ("lunch", BlockKind.MEAL, SessionKind.MEAL, lunch),
        ("drinks", BlockKind.DRINKS, SessionKind.SOCIAL, drinks),
    ):
        if times is None:
            continue
        block_id = {"opening": "opening", "lunch": "lunch", "drinks": "borrel"}[name]
        block = Block(block_id, kind, at(times[0]), at(times[1]))
        blocks.append(block)
        sessions.append(
            Session(
                block_id,
                session_kind,
                titles[name],
                block.start,
                block.end,
                block=block_id,
                room=largest.id if name == "opening" else None,
                venue_wide=name != "opening",
                audience=everyone,
            )
        )
    blocks.sort(key=lambda b: b.start)
    sessions.sort(key=lambda s: s.start)
    event = CoreEvent(
        slug=slug,
        title=title,
        start_date=date,
        end_date=date,
        timezone=str(tz),
        venue=venue,
        network=network,
        host=host_id,
        language=language if language in PART_TITLES else "nl",
        rooms=made_rooms,
        blocks=tuple(blocks),
        sessions=tuple(sessions),
    )
    notes = [
        host_note,
        i18n.gettext(
            "The rounds have no sessions yet: download the event file, add them and import it again."
        ),
    ]
    return _checked(event, notes)


def _room_id(name: str, n: int) -> str:
    found = _shortened(id_from(name), 4)
    return found if len(found) >= 2 else f"zaal-{n}"


def _parts(
    rounds: Sequence[tuple[str, TimeRange]],
    opening: TimeRange | None,
    lunch: TimeRange | None,
    drinks: TimeRange | None,
) -> list[tuple[str, str, TimeRange]]:
    """The parts of the day as (form field, label, times); `rounds` come with their labels."""
    labels = _part_labels()
    parts = [("rounds", label, times) for label, times in rounds]
    for name, times in (("opening", opening), ("lunch", lunch), ("drinks", drinks)):
        if times is not None:
            parts.append((name, labels[name], times))
    return parts


def day_from_post(
    data: Mapping[str, str], network: Network | None, *, today: dt.date | None = None
) -> NewDay:
    """`day_from_form` with the fields of the form as typed; every problem of the form at once."""
    found = _Found()
    date = _parse_date(found, data.get("date", ""))
    rooms = _parse_rooms(found, data.get("rooms", ""))
    rounds = _parse_rounds(found, data.get("rounds", ""))
    labels = _part_labels()
    extra = {
        name: _parse_range(found, name, data.get(name, ""), labels[name])
        for name in ("opening", "lunch", "drinks")
    }
    language = data.get("language", "nl")
    _check_overlaps(found, _parts(rounds, extra["opening"], extra["lunch"], extra["drinks"]))
    if found.problems:
        # Show the other fields' problems too, as far as they can be known without these.
        venue, title, host = _venue(data), data.get("title", "").strip(), data.get("host", "").strip()
        slug = data.get("slug", "").strip().lower() if date is not None else ""
        _check_basics(found, slug, title, date, venue, host, _today(today))
        if network is None:
            name = data.get("network_name", "").strip()
            _check_text(found, "network_name", name, _labels()["network_name"], required=True)
    if date is None or found.problems:
        raise NewDayError(found.problems)
    return day_from_form(
        data.get("slug", ""),
        data.get("title", ""),
        date,
        _venue(data),
        data.get("host", ""),
        rooms,
        [times for _, times in rounds],
        opening=extra["opening"],
        lunch=extra["lunch"],
        drinks=extra["drinks"],
        network=network,
        network_name=data.get("network_name", ""),
        language=language if language in PART_TITLES else "nl",
        today=today,
    )
