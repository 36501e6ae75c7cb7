"""Turn a validated event file (`EventFileIn`) into the core's `Event`, resolving times to aware datetimes.

Building never fails on references: unknown rooms, people and so on are kept as written and reported by
`netwerkdag.core.invariants.check_event`, which knows every rule in one place.
"""

from __future__ import annotations

from datetime import date, datetime, time
from types import MappingProxyType
from zoneinfo import ZoneInfo

from netwerkdag.core.event import Event, GroupDay
from netwerkdag.core.network import Network, Organisation, Person, Pillar, ThemeGroup
from netwerkdag.core.networking import NetworkingSpace, Table
from netwerkdag.core.sessions import AudienceRule, Participant, Pin, Session, default_pin
from netwerkdag.core.timegrid import Block, BlockKind, Window, session_span
from netwerkdag.core.venue import Room, Venue
from netwerkdag.files.schema import EventFileIn, EventIn, NetworkIn, NetworkingIn, SessionIn


def parse_time(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def _at(day: date, value: str, tz: ZoneInfo) -> datetime:
    """`value` (``HH:MM``) on `day` as an aware datetime in `tz`. A time that comes twice (the hour repeated
    when summer time ends) is its first occurrence (``fold=0``); a time the zone skips is built as written
    and reported by `check_event`."""
    return datetime.combine(day, parse_time(value), tzinfo=tz)


def build_network(net: NetworkIn) -> Network:
    return Network(
        id=net.id,
        name=net.name,
        organisations=tuple(
            Organisation(o.id, o.name, o.kind, o.province, o.member, o.short_name) for o in net.organisations
        ),
        pillars=tuple(Pillar(p.id, p.name, p.chair, tuple(p.vice_chairs)) for p in net.pillars),
        groups=tuple(
            ThemeGroup(g.id, g.name, g.pillar, tuple(g.also_pillars), g.chair, tuple(g.portfolios))
            for g in net.groups
        ),
        people=tuple(
            Person(
                p.id,
                p.name,
                p.role,
                p.organisation,
                p.function,
                tuple(p.portfolios),
                tuple(p.groups),
                p.email,
            )
            for p in net.people
        ),
    )


def _pin(s: SessionIn, block: Block | None) -> Pin:
    """The file's `pin`, or the default: meetings of the parallel rounds move, every other part stays."""
    if s.pin is None:
        in_parallel = block is not None and block.kind is BlockKind.PARALLEL
        return default_pin(s.kind, in_parallel, all_day=s.all_day, venue_wide=s.venue_wide)
    if isinstance(s.pin, bool):
        return Pin.BOTH if s.pin else Pin.FREE
    return Pin(s.pin)


def _session(s: SessionIn, ev: EventIn, blocks: dict[str, Block], tz: ZoneInfo) -> Session:
    block = blocks.get(s.block) if s.block else None
    day = s.date or (block.start.date() if block else ev.date)
    if block is not None:
        default_start, default_end = block.start, block.end
    else:
        # All-day parts (and parts whose block is unknown, reported later) span the day's session blocks.
        span = session_span(blocks.values(), day, tz)
        default_start, default_end = span.start, span.end
    return Session(
        id=s.id,
        kind=s.kind,
        title=s.title,
        subtitle=s.subtitle,
        start=_at(day, s.start, tz) if s.start else default_start,
        end=_at(day, s.end, tz) if s.end else default_end,
        block=s.block,
        room=s.room,
        venue_wide=s.venue_wide,
        all_day=s.all_day,
        group=s.group,
        pillar=s.pillar,
        topic=s.topic,
        participants=tuple(Participant(p.person, p.role, p.note) for p in s.participants),
        audience=tuple(
            AudienceRule(
                frozenset(a.roles),
                frozenset(a.portfolios),
                frozenset(a.groups),
                frozenset(a.pillars),
                frozenset(a.organisations),
            )
            for a in s.audience
        ),
        description=s.description,
        combined_with=tuple(s.combined_with),
        pin=_pin(s, block),
        requires=frozenset(s.requires),
        expected_attendance=s.expected_attendance,
        after=tuple(s.after),
        not_parallel_with=tuple(s.not_parallel_with),
    )


def _networking(n: NetworkingIn, ev: EventIn, blocks: list[Block], tz: ZoneInfo) -> NetworkingSpace:
    if isinstance(n.tables, int):
        tables = tuple(Table(f"tafel-{i}", f"Tafel {i}", n.seats) for i in range(1, n.tables + 1))
    else:
        tables = tuple(Table(t.id, t.name or f"Tafel {i}", t.seats) for i, t in enumerate(n.tables, start=1))
    if n.open:
        open_ = tuple(
            Window(_at(w.date or ev.date, w.start, tz), _at(w.date or ev.date, w.end, tz)) for w in n.open
        )
    else:
        days = sorted({b.start.date() for b in blocks} | {ev.date})
        open_ = tuple(session_span(blocks, day, tz) for day in days)
    return NetworkingSpace(n.id, n.name, tables, open_, n.room, n.step, n.transfer)


def build_event(doc: EventFileIn) -> Event:
    ev = doc.event
    tz = ZoneInfo(ev.timezone)
    blocks = [
        Block(
            b.id,
            b.kind,
            _at(b.date or ev.date, b.start, tz),
            _at(b.date or ev.date, b.end, tz),
            b.label,
            b.show_end,
        )
        for b in ev.blocks
    ]
    by_id = {b.id: b for b in blocks}
    return Event(
        slug=ev.slug,
        title=ev.title,
        subtitle=ev.subtitle,
        start_date=ev.date,
        end_date=ev.end_date or ev.date,
        timezone=ev.timezone,
        language=ev.language,
        host=ev.host,
        venue=Venue(ev.venue.name, ev.venue.address, ev.venue.city),
        introduction=ev.introduction,
        network=build_network(doc.network),
        rooms=tuple(
            Room(r.id, r.name, r.capacity, frozenset(r.features), r.label, r.shared) for r in ev.rooms
        ),
        blocks=tuple(blocks),
        sessions=tuple(_session(s, ev, by_id, tz) for s in ev.sessions),
        group_days=tuple(GroupDay(g.group, g.status, g.merged_into, g.note) for g in ev.theme_groups),
        availability=MappingProxyType(
            {
                person: tuple(
                    Window(_at(w.date or ev.date, w.start, tz), _at(w.date or ev.date, w.end, tz)) for w in ws
                )
                for person, ws in ev.availability.items()
            }
        ),
        capacity_margin=ev.scheduling.capacity_margin,
        networking=tuple(_networking(n, ev, blocks, tz) for n in ev.networking),
    )
