"""Write an event back as an event file (one YAML document with the network inline).

The output loads into an equal `Event`; defaults are left out so that a dumped file reads like a
hand-written one. The scheduler uses this to write its plan back.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import yaml

from netwerkdag.core.event import DEFAULT_CAPACITY_MARGIN, Event
from netwerkdag.core.network import Network, OrganisationKind
from netwerkdag.core.networking import NetworkingSpace
from netwerkdag.core.sessions import AudienceRule, Pin, Session, default_pin
from netwerkdag.core.timegrid import Block, BlockKind, Window, session_span


def _hhmm(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def _compact(mapping: dict[str, Any]) -> dict[str, Any]:
    """Drop None, empty and False values (the file format's defaults)."""
    return {k: v for k, v in mapping.items() if v not in (None, "", [], {}, False)}


def network_to_data(net: Network) -> dict[str, Any]:
    return {
        "id": net.id,
        "name": net.name,
        "organisations": [
            _compact(
                {
                    "id": o.id,
                    "name": o.name,
                    "kind": None if o.kind is OrganisationKind.MUNICIPALITY else o.kind.value,
                    "province": o.province,
                    "member": o.member,
                    "short_name": o.short_name,
                }
            )
            for o in net.organisations
        ],
        "pillars": [
            _compact({"id": p.id, "name": p.name, "chair": p.chair, "vice_chairs": list(p.vice_chairs)})
            for p in net.pillars
        ],
        "groups": [
            _compact(
                {
                    "id": g.id,
                    "name": g.name,
                    "pillar": g.pillar,
                    "also_pillars": list(g.also_pillars),
                    "chair": g.chair,
                    "portfolios": list(g.portfolios),
                }
            )
            for g in net.groups
        ],
        "people": [
            _compact(
                {
                    "id": p.id,
                    "name": p.name,
                    "role": p.role,
                    "organisation": p.organisation,
                    "function": p.function,
                    "portfolios": list(p.portfolios),
                    "groups": list(p.groups),
                    "email": p.email,
                }
            )
            for p in net.people
        ],
    }


def _audience(rule: AudienceRule) -> dict[str, Any]:
    return _compact(
        {
            "roles": sorted(rule.roles),
            "portfolios": sorted(rule.portfolios),
            "groups": sorted(rule.groups),
            "pillars": sorted(rule.pillars),
            "organisations": sorted(rule.organisations),
        }
    )


def _pin(s: Session, block: Block | None) -> bool | str | None:
    """The session's pin as the file writes it, or None where it is the default."""
    in_parallel = block is not None and block.kind is BlockKind.PARALLEL
    if s.pin is default_pin(s.kind, in_parallel, all_day=s.all_day, venue_wide=s.venue_wide):
        return None
    return {Pin.FREE: False, Pin.BOTH: True}.get(s.pin, s.pin.value)


def _session(event: Event, s: Session) -> dict[str, Any]:
    block = event.block(s.block) if s.block and event.has_block(s.block) else None
    default_day: date = block.start.date() if block else event.start_date
    if block is not None:
        default_start, default_end = block.start, block.end
    else:
        span = session_span(event.blocks, s.start.date(), event.tz)
        default_start, default_end = span.start, span.end
    data = _compact(
        {
            "id": s.id,
            "kind": s.kind.value,
            "title": s.title,
            "subtitle": s.subtitle,
            "block": s.block,
            "room": s.room,
            "venue_wide": s.venue_wide,
            "all_day": s.all_day,
            "date": s.start.date().isoformat() if s.start.date() != default_day else None,
            "start": _hhmm(s.start) if s.start != default_start else None,
            "end": _hhmm(s.end) if s.end != default_end else None,
            "group": s.group,
            "pillar": s.pillar,
            "topic": s.topic,
            "participants": [
                _compact({"person": p.person, "role": p.role.value, "note": p.note}) for p in s.participants
            ],
            "description": s.description,
            "combined_with": list(s.combined_with),
            "requires": sorted(s.requires),
            "after": list(s.after),
            "not_parallel_with": list(s.not_parallel_with),
        }
    )
    pin = _pin(s, block)
    if pin is not None:  # `false` is a value here, not a default
        data["pin"] = pin
    if s.expected_attendance is not None:
        data["expected_attendance"] = s.expected_attendance
    if s.audience:
        data["audience"] = [_audience(rule) for rule in s.audience]
    return data


def _window(event: Event, w: Window) -> dict[str, Any]:
    return _compact(
        {
            "start": _hhmm(w.start),
            "end": _hhmm(w.end),
            "date": w.start.date().isoformat() if w.start.date() != event.start_date else None,
        }
    )


def _networking(event: Event, space: NetworkingSpace) -> dict[str, Any]:
    seats = {t.seats for t in space.tables}
    numbered = len(seats) == 1 and all(
        (t.id, t.name) == (f"tafel-{i}", f"Tafel {i}") for i, t in enumerate(space.tables, start=1)
    )
    tables: int | list[dict[str, Any]] = (
        len(space.tables)
        if numbered
        else [{"id": t.id, "name": t.name, "seats": t.seats} for t in space.tables]
    )
    data = _compact(
        {
            "id": space.id,
            "name": space.name,
            "room": space.room,
            "tables": tables,
            "seats": seats.pop() if numbered else None,
            "open": [_window(event, w) for w in space.open],
            "step": space.step_minutes,
        }
    )
    data["transfer"] = space.transfer_minutes  # after _compact, which would drop a 0
    return data


def event_to_data(event: Event) -> dict[str, Any]:
    """The event as plain data in the file format."""
    ev = _compact(
        {
            "slug": event.slug,
            "title": event.title,
            "subtitle": event.subtitle,
            "date": event.start_date.isoformat(),
            "end_date": event.end_date.isoformat() if event.end_date != event.start_date else None,
            "timezone": event.timezone,
            "language": event.language,
            "host": event.host,
        }
    )
    ev["venue"] = _compact(
        {"name": event.venue.name, "address": event.venue.address, "city": event.venue.city}
    )
    if event.introduction:
        ev["introduction"] = event.introduction
    ev["rooms"] = [
        _compact(
            {
                "id": r.id,
                "name": r.name,
                "capacity": r.capacity,
                "label": r.label,
                "features": sorted(r.features),
                "shared": r.shared,
            }
        )
        for r in event.rooms
    ]
    ev["blocks"] = [
        {
            **_compact(
                {
                    "id": b.id,
                    "kind": b.kind.value,
                    "start": _hhmm(b.start),
                    "end": _hhmm(b.end),
                    "date": b.start.date().isoformat() if b.start.date() != event.start_date else None,
                    "label": b.label,
                }
            ),
            **({} if b.show_end else {"show_end": False}),
        }
        for b in event.blocks
    ]
    if event.group_days:
        ev["theme_groups"] = [
            _compact(
                {"group": g.group, "status": g.status.value, "merged_into": g.merged_into, "note": g.note}
            )
            for g in event.group_days
        ]
    if event.availability:
        ev["availability"] = {
            person: [
                _compact(
                    {
                        "start": _hhmm(w.start),
                        "end": _hhmm(w.end),
                        "date": w.start.date().isoformat() if w.start.date() != event.start_date else None,
                    }
                )
                for w in windows
            ]
            for person, windows in event.availability.items()
        }
    ev["sessions"] = [_session(event, s) for s in event.sessions]
    if event.networking:
        ev["networking"] = [_networking(event, n) for n in event.networking]
    if event.capacity_margin != DEFAULT_CAPACITY_MARGIN:
        ev["scheduling"] = {"capacity_margin": event.capacity_margin}
    return {"network": network_to_data(event.network), "event": ev}


class _Dumper(yaml.SafeDumper):
    """Writes multi-line text (descriptions) as a literal block, the way people write it by hand."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # PyYAML falls back to a quoted style by itself when a block cannot hold the text exactly.
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _represent_str)


def dump_event(event: Event) -> str:
    """The event as YAML text."""
    return yaml.dump(event_to_data(event), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
