"""The programme as one self-contained HTML page, and the view of the programme that the booklet shares.

`programme_view` turns an `Event` into plain, already translated values (times written the way the
language writes them, kind prefixes such as "TG Fysiek:", people with their affiliation), so that the
Jinja templates only lay them out. The grid comes from `grid.build_grids`: the page, the booklet and the
spreadsheet agree on which session sits in which cell because none of them recomputes the layout.

The page is CSP-friendly: no script, no style attribute, no external font, image or stylesheet; all CSS
sits in one <style> element. Titles, descriptions and names are escaped (Jinja autoescape); Markdown is
rendered by `markdown_to_html`, which shows raw HTML as text and an image as its alt text.

Every id in the page is unique and every in-page link resolves: a session's description has the id
``s-<session id>`` (`session_anchor`), and no structural id of the page starts with ``s-`` (``programme``,
``sessions``, ``general``, ``pillar_<id>``, ``grid_<date>``...), so a session named like a part of the page
("programme", "general") cannot take its id. Session ids never hold ``_``, so suffixes such as
``_title`` and ``_heading`` cannot collide either.

The descriptions list everyone with a role in the session, contact persons last and with their e-mail
address, as the printed programme does; the exports (frab, iCalendar, spreadsheet) list only the people
with a part in the session (see `labels.ROLE_LABELS`).
"""

from __future__ import annotations

import dataclasses
import gettext
import itertools
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from netwerkdag.core.event import Event, GroupStatus
from netwerkdag.core.network import Person, Pillar
from netwerkdag.core.sessions import ParticipantRole, Session, SessionKind
from netwerkdag.core.timegrid import BlockKind
from netwerkdag.core.venue import Room
from netwerkdag.publish.grid import Cell, Grid, Row, RowKind, build_grids
from netwerkdag.publish.i18n import format_day, format_time_range, translations
from netwerkdag.publish.labels import BLOCK_LABELS, KIND_LABELS, N_, ROLE_LABELS, place_name, timing_note
from netwerkdag.publish.markdown import markdown_to_html

TEMPLATES = Path(__file__).resolve().parent / "templates"


#: Kinds whose sessions are described in the section of their pillar; every other kind is a general part.
_PILLAR_KINDS = frozenset({SessionKind.PILLAR_MEETING, SessionKind.THEME_GROUP_MEETING})

#: The most room columns a booklet page holds; a day with more rooms is split over several grid pages.
BOOKLET_ROOMS_PER_PAGE = 6


def session_anchor(session_id: str) -> str:
    """The id of a session's description in the page and the booklet: ``s-`` before the session id, so that
    it can never equal a structural id of the page (none starts with ``s-``)."""
    return f"s-{session_id}"


# ---------------------------------------------------------------------------------------------------------
# The view: what the templates show, translated and formatted.


@dataclass(frozen=True, slots=True)
class Entry:
    """One session as a grid cell shows it.

    `prefix` is the kind with its pillar ("TG Fysiek:"), `timing` a visible note when the session does not
    fill its block ("(tot 15.45 uur)"), `anchor` the id of its description below (None when it has none),
    `joined` True when the cell reads it as "..., combined with <this>". `accent` numbers the pillar in the
    network's order for a colour accent that only repeats what the prefix already says.
    """

    id: str
    prefix: str | None
    title: str
    subtitle: str | None
    timing: str | None
    anchor: str | None
    joined: bool
    accent: int | None


@dataclass(frozen=True, slots=True)
class CellView:
    room: Room | None
    entries: tuple[Entry, ...]

    @property
    def accent(self) -> int | None:
        return self.entries[0].accent if self.entries else None

    @property
    def lines(self) -> tuple[tuple[Entry, ...], ...]:
        """The entries as the cell prints them: each line a session and the sessions combined with it."""
        lines: list[list[Entry]] = []
        for entry in self.entries:
            if entry.joined and lines:
                lines[-1].append(entry)
            else:
                lines.append([entry])
        return tuple(tuple(line) for line in lines)


@dataclass(frozen=True, slots=True)
class RowView:
    """One block: its time ("10.30-11.30", or only "9.30" when the programme hides the end), and either a
    caption (a transfer, or a venue-wide block without sessions) or its cells."""

    kind: str
    time: str
    caption: str | None
    cells: tuple[CellView, ...]


@dataclass(frozen=True, slots=True)
class AllDayEntry:
    entry: Entry
    place: str
    time: str


@dataclass(frozen=True, slots=True)
class GridView:
    """One day's grid. `part` and `parts` number the pieces of a grid split over several booklet pages
    (1 of 1 for a grid shown whole)."""

    id: str
    day: str
    rooms: tuple[Room, ...]
    rows: tuple[RowView, ...]
    all_day: tuple[AllDayEntry, ...]
    uses_group_prefix: bool
    part: int = 1
    parts: int = 1

    @property
    def dense(self) -> bool:
        """True for a grid that needs smaller type to fit one booklet page."""
        return len(self.rooms) > 6 or len(self.rows) > 15

    def split(self, max_rooms: int) -> tuple[GridView, ...]:
        """The grid in parts of at most `max_rooms` room columns each, as even as possible (30 rooms at
        most 6 a part: 5 parts of 6; 7 rooms: 4 and 3). Every part has every row and the time column;
        a row across the rooms (a transfer, a venue-wide part) is in every part. The notes under the grid
        (all-day sessions, the legend) go with the last part only. A grid that fits is returned whole."""
        count = len(self.rooms)
        parts = -(-count // max_rooms)
        if parts <= 1:
            return (self,)
        bounds = [-(-index * count // parts) for index in range(parts + 1)]
        pieces = []
        for number, (first, last) in enumerate(itertools.pairwise(bounds), start=1):
            rows = tuple(
                dataclasses.replace(row, cells=row.cells[first:last]) if row.kind == RowKind.ROOMS else row
                for row in self.rows
            )
            final = number == parts
            pieces.append(
                GridView(
                    id=self.id if number == 1 else f"{self.id}_{number}",
                    day=self.day,
                    rooms=self.rooms[first:last],
                    rows=rows,
                    all_day=self.all_day if final else (),
                    uses_group_prefix=self.uses_group_prefix and final,
                    part=number,
                    parts=parts,
                )
            )
        return tuple(pieces)

    @property
    def booklet_pages(self) -> tuple[GridView, ...]:
        """The grid as the booklet prints it: one landscape page per `BOOKLET_ROOMS_PER_PAGE` rooms."""
        return self.split(BOOKLET_ROOMS_PER_PAGE)


@dataclass(frozen=True, slots=True)
class PersonLine:
    name: str
    affiliation: str | None
    note: str | None
    email: str | None


@dataclass(frozen=True, slots=True)
class RoleGroup:
    label: str
    people: tuple[PersonLine, ...]


@dataclass(frozen=True, slots=True)
class Link:
    anchor: str
    title: str


@dataclass(frozen=True, slots=True)
class Description:
    """A session below the grid: kicker ("Themagroep · Pijler Fysiek"), title, time, place, people, text."""

    id: str
    kicker: str
    title: str
    subtitle: str | None
    time: str
    place: str
    roles: tuple[RoleGroup, ...]
    body: Markup
    combined_with: tuple[Link, ...]
    accent: int | None


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    heading: str
    items: tuple[Description, ...]


@dataclass(frozen=True, slots=True)
class GroupNotice:
    """A theme group that does not meet today, or meets as part of another session."""

    name: str
    pillar: str | None
    status: str
    merged_into: Link | None
    note: str | None


@dataclass(frozen=True, slots=True)
class Programme:
    lang: str
    content_lang: str | None
    network: str
    title: str
    subtitle: str | None
    date: str
    venue: str
    address: str | None
    host: str | None
    introduction: Markup
    grids: tuple[GridView, ...]
    sections: tuple[Section, ...]
    absent_groups: tuple[GroupNotice, ...]


# ---------------------------------------------------------------------------------------------------------
# Building the view.


class _Builder:
    """Builds the `Programme` of one event in one language; holds what every step needs."""

    def __init__(self, event: Event, lang: str) -> None:
        self.event = event
        self.lang = lang
        self.tr: gettext.NullTranslations = translations(lang)
        self.pillar_index = {p.id: i for i, p in enumerate(event.network.pillars, start=1)}
        self.described = {s.id for s in event.sessions if s.description.strip() or s.participants}

    def gettext(self, message: str) -> str:
        return self.tr.gettext(message)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.event.tz)

    def pillar_of(self, session: Session) -> Pillar | None:
        return self.event.pillar_of(session)

    def accent(self, session: Session) -> int | None:
        pillar = self.pillar_of(session)
        return self.pillar_index[pillar.id] if pillar else None

    # -- the grid ---------------------------------------------------------------------------------------

    def prefix(self, session: Session) -> str | None:
        """What the grid puts before a title: "TG Fysiek:" or "TG" for a theme group, the pillar for a
        pillar meeting whose title does not already name it; nothing for other kinds."""
        pillar = self.pillar_of(session)
        if session.kind is SessionKind.THEME_GROUP_MEETING:
            abbreviation = self.gettext("TG")
            return f"{abbreviation} {pillar.name}:" if pillar else abbreviation
        if (
            session.kind is SessionKind.PILLAR_MEETING
            and pillar
            and pillar.name.lower() not in session.title.lower()
        ):
            return self.gettext("Pillar %(name)s:") % {"name": pillar.name}
        return None

    def timing(self, session: Session) -> str | None:
        """A visible note when a session starts after or ends before its block."""
        return timing_note(self.event, session, self.lang)

    def entries(self, sessions: tuple[Session, ...]) -> tuple[Entry, ...]:
        result: list[Entry] = []
        for index, session in enumerate(sessions):
            earlier = sessions[:index]
            joined = any(session.id in s.combined_with or s.id in session.combined_with for s in earlier)
            result.append(
                Entry(
                    id=session.id,
                    prefix=self.prefix(session),
                    title=session.title,
                    subtitle=session.subtitle,
                    timing=self.timing(session),
                    anchor=session_anchor(session.id) if session.id in self.described else None,
                    joined=joined,
                    accent=self.accent(session) if session.kind in _PILLAR_KINDS else None,
                )
            )
        return tuple(result)

    def block_caption(self, kind: BlockKind) -> str:
        """The caption of a block that shows no session (a transfer, a break without a session)."""
        return self.gettext(BLOCK_LABELS[kind])

    def row(self, row: Row) -> RowView:
        block = row.block
        time = format_time_range(
            self.local(block.start), self.local(block.end) if block.show_end else None, self.lang
        )
        cells = tuple(self.cell(cell) for cell in row.cells)
        caption = None
        if row.kind is RowKind.TRANSFER or (row.kind is RowKind.VENUE and all(c.empty for c in row.cells)):
            caption = block.label or self.block_caption(block.kind)
        return RowView(row.kind.value, time, caption, cells)

    def cell(self, cell: Cell) -> CellView:
        return CellView(cell.room, self.entries(cell.sessions))

    def place(self, session: Session) -> str:
        return place_name(self.event, session, self.lang)

    def session_time(self, session: Session) -> str:
        text = format_time_range(self.local(session.start), self.local(session.end), self.lang)
        if len(self.event.days) > 1:
            return f"{format_day(self.local(session.start).date(), self.lang)}, {text}"
        return text

    def grid(self, grid: Grid) -> GridView:
        rows = tuple(self.row(r) for r in grid.rows)
        all_day = tuple(
            AllDayEntry(entry, self.place(session), self.session_time(session))
            for session, entry in zip(grid.all_day, self.entries(grid.all_day), strict=True)
        )
        sessions = grid.sessions
        uses_tg = any(s.kind is SessionKind.THEME_GROUP_MEETING for s in sessions)
        return GridView(
            id=f"grid_{grid.day.isoformat()}",
            day=format_day(grid.day, self.lang),
            rooms=grid.rooms,
            rows=rows,
            all_day=all_day,
            uses_group_prefix=uses_tg,
        )

    # -- the descriptions -------------------------------------------------------------------------------

    def affiliation(self, person: Person) -> str | None:
        """ "wethouder, voorzitter pijler Sociaal" with the organisation first when known."""
        parts: list[str] = []
        if person.function and person.function.startswith(person.role):
            parts.append(person.function)
        else:
            parts.append(person.role)
            if person.function:
                parts.append(person.function)
        network = self.event.network
        if person.organisation and network.has_organisation(person.organisation):
            parts.insert(0, network.organisation(person.organisation).display_name)
        return ", ".join(p for p in parts if p) or None

    def roles(self, session: Session) -> tuple[RoleGroup, ...]:
        network = self.event.network
        groups: list[RoleGroup] = []
        for role, (one, many) in ROLE_LABELS.items():
            lines = []
            for participant in session.participants:
                if participant.role is not role:
                    continue
                if network.has_person(participant.person):
                    person = network.person(participant.person)
                    email = person.email if role is ParticipantRole.CONTACT else None
                    lines.append(PersonLine(person.name, self.affiliation(person), participant.note, email))
                else:
                    lines.append(PersonLine(participant.person, None, participant.note, None))
            if lines:
                groups.append(RoleGroup(self.gettext(one if len(lines) == 1 else many), tuple(lines)))
        return tuple(groups)

    def kicker(self, session: Session) -> str:
        text = self.gettext(KIND_LABELS[session.kind])
        pillar = self.pillar_of(session)
        if pillar and session.kind is not SessionKind.PILLAR_MEETING:
            text += " · " + self.gettext("Pillar %(name)s") % {"name": pillar.name}
        return text

    def link(self, session_id: str) -> Link | None:
        if not self.event.has_session(session_id):
            return None
        session = self.event.session(session_id)
        return Link(session_anchor(session.id) if session.id in self.described else "", session.title)

    def description(self, session: Session) -> Description:
        links = (self.link(other) for other in session.combined_with)
        return Description(
            id=session_anchor(session.id),
            kicker=self.kicker(session),
            title=session.title,
            subtitle=session.subtitle,
            time=self.session_time(session),
            place=self.place(session),
            roles=self.roles(session),
            body=markdown_to_html(session.description, top=5) if session.description.strip() else Markup(""),
            combined_with=tuple(link for link in links if link is not None),
            accent=self.accent(session),
        )

    def sections(self) -> tuple[Section, ...]:
        """Pillar sections in the network's order, then theme groups outside the pillars, then the rest."""
        room_order = {room.id: i for i, room in enumerate(self.event.rooms)}
        sessions = sorted(
            (s for s in self.event.sessions if s.id in self.described),
            key=lambda s: (
                s.kind is not SessionKind.PILLAR_MEETING,
                s.start,
                room_order.get(s.room or "", -1),
            ),
        )
        by_pillar: dict[str, list[Session]] = {p.id: [] for p in self.event.network.pillars}
        outside: list[Session] = []
        general: list[Session] = []
        for session in sessions:
            pillar = self.pillar_of(session)
            if session.kind in _PILLAR_KINDS and pillar is not None:
                by_pillar[pillar.id].append(session)
            elif session.kind is SessionKind.THEME_GROUP_MEETING:
                outside.append(session)
            else:
                general.append(session)
        general.sort(key=lambda s: (s.start, room_order.get(s.room or "", -1)))
        sections = [
            Section(
                f"pillar_{pillar.id}",
                self.gettext("Pillar %(name)s") % {"name": pillar.name},
                self.describe(items),
            )
            for pillar in self.event.network.pillars
            if (items := by_pillar[pillar.id])
        ]
        if outside:
            sections.append(
                Section(
                    "groups_outside", self.gettext("Theme groups outside the pillars"), self.describe(outside)
                )
            )
        if general:
            sections.append(
                Section("general", self.gettext("Plenary and other parts"), self.describe(general))
            )
        return tuple(sections)

    def describe(self, sessions: list[Session]) -> tuple[Description, ...]:
        return tuple(self.description(s) for s in sessions)

    def absent_groups(self) -> tuple[GroupNotice, ...]:
        network = self.event.network
        notices: list[GroupNotice] = []
        for day in self.event.group_days:
            if day.status is GroupStatus.MEETS:
                continue
            group = network.group(day.group) if network.has_group(day.group) else None
            pillar = group.pillar if group else None
            pillar_name = network.pillar(pillar).name if pillar and network.has_pillar(pillar) else None
            merged = (
                self.link(day.merged_into) if day.status is GroupStatus.MERGED and day.merged_into else None
            )
            status = N_("takes part in") if day.status is GroupStatus.MERGED else N_("does not meet today")
            notices.append(
                GroupNotice(
                    group.name if group else day.group, pillar_name, self.gettext(status), merged, day.note
                )
            )
        return tuple(notices)

    # -- the whole --------------------------------------------------------------------------------------

    def programme(self) -> Programme:
        event = self.event
        days = [format_day(event.start_date, self.lang)]
        if event.end_date != event.start_date:
            days.append(format_day(event.end_date, self.lang))
        network = event.network
        host = None
        if event.host is not None:
            host = (
                network.organisation(event.host).name if network.has_organisation(event.host) else event.host
            )
        address = ", ".join(p for p in (event.venue.address, event.venue.city) if p) or None
        return Programme(
            lang=self.lang,
            content_lang=event.language if event.language != self.lang else None,
            network=network.name,
            title=event.title,
            subtitle=event.subtitle,
            date=" – ".join(days),
            venue=event.venue.name,
            address=address,
            host=host,
            introduction=markdown_to_html(event.introduction) if event.introduction.strip() else Markup(""),
            grids=tuple(self.grid(g) for g in build_grids(event)),
            sections=self.sections(),
            absent_groups=self.absent_groups(),
        )


def programme_view(event: Event, *, lang: str = "nl") -> Programme:
    """Everything the page and the booklet show of `event`, translated into `lang` ("nl" or "en")."""
    return _Builder(event, lang).programme()


# ---------------------------------------------------------------------------------------------------------
# Templates.


def _css_string(value: str) -> Markup:
    """A CSS string literal for `value` (used for running page headers in the booklet's @page rules)."""
    escaped = "".join(ch if ch.isalnum() or ch in " .,:;-–·'()/" else f"\\{ord(ch):x} " for ch in value)
    return Markup(f'"{escaped}"')  # noqa: S704 - every character outside a safe set is CSS-escaped


@cache
def environment(lang: str) -> jinja2.Environment:
    """The Jinja environment for `lang`: autoescape always on, gettext installed from our catalogue."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # The i18n extension adds this method at run time; its type is not known to mypy.
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters["css_string"] = _css_string
    return env


def render_template(name: str, event: Event, *, lang: str) -> str:
    """Render one of our page templates (`programma.html`, `booklet.html`) with the view of `event`."""
    programme = programme_view(event, lang=lang)
    return environment(lang).get_template(name).render(p=programme)


def render_html(event: Event, *, lang: str = "nl") -> str:
    """The programme of `event` as one self-contained, responsive and printable HTML page."""
    return render_template("programma.html", event, lang=lang)
