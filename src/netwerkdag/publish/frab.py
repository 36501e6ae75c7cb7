"""The programme as a frab schedule, in JSON (`frab_json`) and XML (`frab_xml`).

frab's schedule format (pentabarf -> frab -> pretalx) is read by c3voc tooling, schedule apps such as
Giggity and EventFahrplan, and recording pipelines. Both outputs validate against the schemas kept in
``tests/data/frab`` (the c3voc JSON Schema, draft-06, and ``schedule.xml.xsd``); ``docs/formats.md``
describes every choice made here. In short:

* one frab "event" per session, in its room, with the session's own times (15:00-15:45, not the slot's);
* parts that span the whole venue (walk-in, lunch, board meeting, drinks) go in one extra room, named after
  the venue and placed first (frab needs a room for every session; every other format names such a part's
  place with `labels.place_name`, "Hele locatie");
* a session's persons are the people with a part in it (host, chair, vice-chair, moderator, speaker,
  guest), each once; its contact persons are left out;
* identifiers are derived from ids, never from list positions, so that they survive re-exports: the guid is
  a UUID5 of the event slug and the session id, the integer id the guid's first 31 bits.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from netwerkdag import __version__
from netwerkdag.core.event import Event
from netwerkdag.core.sessions import PRESENT_ROLES, Session
from netwerkdag.publish.labels import hhmm, person_name, session_track
from netwerkdag.publish.markdown import markdown_to_text

SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
GENERATOR = "netwerkdag"

# The patterns of the frab schemas (XSD patterns match the whole value, hence the anchors).
_JSON_ACRONYM = re.compile(r"^[a-z0-9_-][a-z0-9_]{3,}(-2[0-9]{3}-[a-z]+)?$")
_XSD_ACRONYM = re.compile(r"^[a-z0-9_-]{4,}$")
_XSD_SLUG = re.compile(r"^[a-z0-9_]{4,}-[a-z0-9\-_]{4,}$")
_XSD_TRACK_SLUG = re.compile(r"^[a-z][a-z0-9-]+$")
_JSON_SLUG = re.compile(r"^[a-z0-9_-]+[a-z0-9]$")
# Characters XML 1.0 cannot carry at all, even escaped.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_ID_BITS = 0x7FFF_FFFF  # ids stay positive signed 32-bit integers, which every client can hold


# --- identifiers ----------------------------------------------------------------------------------------


def session_guid(event: Event, session: Session) -> uuid.UUID:
    """A UUID5 of the event slug and the session id: the same session gets the same guid in every export,
    and sessions of different events never share one."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"urn:netwerkdag:{event.slug}:session:{session.id}")


def room_guid(event: Event, room_id: str | None) -> uuid.UUID:
    """A UUID5 of the event slug and the room id (None: the venue-wide room)."""
    name = (
        f"urn:netwerkdag:{event.slug}:venue"
        if room_id is None
        else f"urn:netwerkdag:{event.slug}:room:{room_id}"
    )
    return uuid.uuid5(uuid.NAMESPACE_URL, name)


def person_guid(event: Event, person_id: str) -> uuid.UUID:
    """A UUID5 of the network id and the person id: stable across this network's events."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"urn:netwerkdag:{event.network.id}:person:{person_id}")


def session_numbers(event: Event) -> dict[str, int]:
    """The integer frab id of every session: the first 31 bits of its guid (never 0).

    The id depends on the session's own id only, not on its position, so adding or moving sessions leaves
    the others' ids alone. Two sessions whose guids share 31 bits (about one chance in 10^7 for a day of
    30 sessions) would collide; the later one in id order then takes the next free number, so ids are
    always unique.
    """
    taken: set[int] = set()
    numbers: dict[str, int] = {}
    for session in sorted(event.sessions, key=lambda s: s.id):
        number = int.from_bytes(session_guid(event, session).bytes[:4], "big") & _ID_BITS
        while number == 0 or number in taken:
            number = (number + 1) & _ID_BITS
        taken.add(number)
        numbers[session.id] = number
    return numbers


def acronym(event: Event) -> str:
    """The conference acronym: the event slug when both schemas accept it.

    The JSON Schema allows a hyphen only in a trailing ``-2023-name`` part, so a slug such as
    ``g40-haarlem-2023`` becomes ``g40_haarlem_2023``; a slug shorter than four characters is padded with
    underscores. The same acronym is used in JSON and XML, so that both describe the same conference.
    """
    if _JSON_ACRONYM.match(event.slug) and _XSD_ACRONYM.match(event.slug):
        return event.slug
    return re.sub(r"[^a-z0-9_]", "_", event.slug.lower()).ljust(4, "_")


def xml_slug(session: Session) -> str | None:
    """The session id as the XML <slug>, or None when the XSD's pattern (two parts of four or more
    characters around a hyphen) rejects it: the element is optional and is then left out."""
    return session.id if _XSD_SLUG.match(session.id) else None


# --- layout ---------------------------------------------------------------------------------------------


def room_names(event: Event) -> tuple[str | None, dict[str, str]]:
    """The name of the venue-wide room (the venue's name; None when no part spans the venue) and each
    room's frab name.

    frab keys rooms by name, so names must differ: a room whose name is already taken (by the venue or
    an earlier room) gets its id added, as ``Foyer (foyer-2)``.
    """
    venue = event.venue.name if any(s.spans_venue for s in event.sessions) else None
    used = {venue} if venue else set()
    names: dict[str, str] = {}
    for room in event.rooms:
        name, number = room.name, 1
        while name in used:  # "Foyer (foyer-2)" may itself be a room's name: count on until free
            name = f"{room.name} ({room.id})" if number == 1 else f"{room.name} ({room.id}, {number})"
            number += 1
        used.add(name)
        names[room.id] = name
    return venue, names


def _room_of(event: Event, session: Session, names: dict[str, str]) -> str:
    if session.room is None or session.venue_wide:
        return event.venue.name
    return names.get(session.room, session.room)


def _duration(session: Session) -> str:
    """The real length: on the nights the clocks change, 01:00-04:00 lasts two or four hours, not three
    (datetimes sharing one time zone subtract as wall-clock times, so convert to UTC first)."""
    return hhmm(session.end.astimezone(UTC) - session.start.astimezone(UTC))


def _timeslot(event: Event) -> str:
    """The largest step that divides every time of the day and an hour: "00:05" for Haarlem."""
    moments = [t for b in event.blocks for t in (b.start, b.end)]
    moments += [t for s in event.sessions for t in (s.start, s.end)]
    step = math.gcd(60, *(t.hour * 60 + t.minute for t in moments))
    return hhmm(timedelta(minutes=step))


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _abstract(session: Session) -> str:
    if session.subtitle:
        return session.subtitle
    text = markdown_to_text(session.description)
    return text.split("\n\n", 1)[0] if text else ""


def _day_sessions(event: Event, day: date) -> list[Session]:
    return [s for s in event.sessions if s.start.date() == day]


def _days(event: Event) -> list[tuple[date, datetime, datetime]]:
    """Each day that holds blocks or sessions, with its first start and last end."""
    days = []
    for day in sorted(set(event.days) | {s.start.date() for s in event.sessions}):
        moments = [(b.start, b.end) for b in event.blocks_on(day)]
        moments += [(s.start, s.end) for s in _day_sessions(event, day)]
        if moments:
            days.append((day, min(m[0] for m in moments), max(m[1] for m in moments)))
    return days


# --- JSON -----------------------------------------------------------------------------------------------


def _json_session(event: Event, session: Session, number: int, room: str) -> dict[str, Any]:
    guid = session_guid(event, session)
    track = session_track(event, session)
    return {
        "id": number,
        "guid": str(guid),
        "date": _stamp(session.start),
        "start": hhmm(session.start),
        "end": _stamp(session.end),
        "duration": _duration(session),
        "room": room,
        "slug": session.id,
        "url": guid.urn,
        "title": session.title,
        "subtitle": session.subtitle or "",
        "track": track[1] if track else None,
        "type": session.kind.value,
        "language": event.language,
        "abstract": _abstract(session),
        "description": session.description.strip(),
        "persons": [
            {"name": person_name(event, pid), "guid": str(person_guid(event, pid))}
            # Only people with a part in the session, each once: contact persons are not in frab.
            for pid in dict.fromkeys(session.people_with(*PRESENT_ROLES))
        ],
        "links": [],
        "attachments": [],
    }


def _tracks(event: Event) -> list[tuple[str, str]]:
    """The tracks in use, pillars first and then theme groups, each in the network's order."""
    used = {t for t in (session_track(event, s) for s in event.sessions) if t is not None}
    net = event.network
    ordered = [(p.id, p.name) for p in net.pillars] + [(g.id, g.name) for g in net.groups]
    return [t for t in ordered if t in used]


def _theme_groups(event: Event) -> list[dict[str, str]]:
    """Every theme group's status today (meets, not-meeting, merged): frab has no place for it, so it goes
    in the conference's free-form `meta`. A group that does not meet has no session and no track."""
    result = []
    for group in event.network.groups:
        day = event.group_day(group.id)
        entry = {"id": group.id, "name": group.name, "status": day.status.value}
        if day.merged_into:
            entry["merged_into"] = day.merged_into
        if day.note:
            entry["note"] = day.note
        result.append(entry)
    return result


def _conference(event: Event) -> dict[str, Any]:
    venue, names = room_names(event)
    numbers = session_numbers(event)
    rooms: list[dict[str, Any]] = []
    if venue is not None:
        rooms.append({"name": venue, "guid": str(room_guid(event, None)), "capacity": None})
    rooms += [
        {"name": names[r.id], "guid": str(room_guid(event, r.id)), "capacity": r.capacity}
        for r in event.rooms
    ]
    days = []
    for index, (day, first, last) in enumerate(_days(event), start=1):
        by_room: dict[str, list[dict[str, Any]]] = {room["name"]: [] for room in rooms}
        # Time order; sessions at the same time keep the file's order (lunch before the board meeting).
        for session in sorted(_day_sessions(event, day), key=lambda s: (s.start, s.end)):
            room = _room_of(event, session, names)
            by_room[room].append(_json_session(event, session, numbers[session.id], room))
        days.append(
            {
                "index": index,
                "date": day.isoformat(),
                "day_start": _stamp(first),
                "day_end": _stamp(last),
                "rooms": by_room,
            }
        )
    conference: dict[str, Any] = {
        "acronym": acronym(event),
        "title": event.title,
        "description": event.introduction.strip(),
        "start": event.start_date.isoformat(),
        "end": event.end_date.isoformat(),
        "daysCount": len(days),
        "timeslot_duration": _timeslot(event),
        "time_zone_name": event.timezone,
        "tracks": [
            {"name": name, "slug": slug} if _JSON_SLUG.match(slug) else {"name": name}
            for slug, name in _tracks(event)
        ],
        "rooms": rooms,
        "meta": {
            "venue": {"name": event.venue.name, "address": event.venue.address, "city": event.venue.city},
            "theme_groups": _theme_groups(event),
        },
        "days": days,
    }
    return conference


def _version(conference: dict[str, Any]) -> str:
    """A short hash of the schedule's content: it changes exactly when the programme does, which is what
    consumers use the version for (to notice an update)."""
    canonical = json.dumps(conference, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def frab_json(event: Event) -> dict[str, Any]:
    """The frab ``schedule.json`` document of `event` (valid against the c3voc JSON Schema)."""
    conference = _conference(event)
    return {
        "$schema": SCHEMA_URL,
        "generator": {"name": GENERATOR, "version": __version__},
        "schedule": {"version": _version(conference), "conference": conference},
    }


def frab_json_text(event: Event) -> str:
    """`frab_json` as pretty UTF-8 JSON text; keys keep their fixed order, so exports diff cleanly."""
    return json.dumps(frab_json(event), indent=2, ensure_ascii=False) + "\n"


# --- XML ------------------------------------------------------------------------------------------------


def _element(parent: ET.Element, tag: str, **attributes: str) -> ET.Element:
    return ET.SubElement(parent, tag, {key: _XML_ILLEGAL.sub("", value) for key, value in attributes.items()})


def _text(parent: ET.Element, tag: str, value: str, **attributes: str) -> ET.Element:
    element = _element(parent, tag, **attributes)
    element.text = _XML_ILLEGAL.sub("", value)
    return element


def _xml_session(parent: ET.Element, data: dict[str, Any], session: Session) -> None:
    node = _element(parent, "event", id=str(data["id"]), guid=data["guid"])
    _text(node, "date", data["date"])
    _text(node, "start", data["start"])
    _text(node, "duration", data["duration"])
    _text(node, "room", data["room"])
    slug = xml_slug(session)
    if slug is not None:
        _text(node, "slug", slug)
    _text(node, "title", data["title"])
    if session.subtitle:
        _text(node, "subtitle", session.subtitle)
    _text(node, "track", data["track"] or "")
    _text(node, "type", data["type"])
    _text(node, "language", data["language"])
    _text(node, "abstract", data["abstract"])
    _text(node, "description", data["description"])
    persons = ET.SubElement(node, "persons")
    for person in data["persons"]:
        _text(persons, "person", person["name"], guid=person["guid"])
    ET.SubElement(node, "links")


def _sessions_by_guid(event: Event) -> dict[str, Session]:
    return {str(session_guid(event, s)): s for s in event.sessions}


def _xml_tracks(conference: ET.Element, tracks: Iterable[tuple[str, str]]) -> None:
    for slug, name in tracks:
        attributes = {"name": name}
        if _XSD_TRACK_SLUG.match(slug):
            attributes["slug"] = slug
        _element(conference, "track", **attributes)


def frab_xml(event: Event) -> str:
    """The frab ``schedule.xml`` of `event` (valid against ``schedule.xml.xsd``), as text.

    It carries the same conference, days, rooms and sessions as `frab_json`, with what the XSD allows:
    no session end (its duration says it), no room capacities, no `meta`, and no <slug> for a session id
    the XSD's slug pattern rejects.
    """
    document = frab_json(event)
    conference_data = document["schedule"]["conference"]
    by_guid = _sessions_by_guid(event)

    root = ET.Element("schedule")
    ET.SubElement(root, "generator", {"name": GENERATOR, "version": __version__})
    _text(root, "version", document["schedule"]["version"])
    conference = ET.SubElement(root, "conference")
    _text(conference, "acronym", conference_data["acronym"])
    _text(conference, "title", conference_data["title"])
    _text(conference, "start", conference_data["start"])
    _text(conference, "end", conference_data["end"])
    _text(conference, "days", str(conference_data["daysCount"]))
    _text(conference, "timeslot_duration", conference_data["timeslot_duration"])
    _text(conference, "time_zone_name", conference_data["time_zone_name"])
    _xml_tracks(conference, _tracks(event))
    guids = {room["name"]: room["guid"] for room in conference_data["rooms"]}
    for day in conference_data["days"]:
        day_node = ET.SubElement(
            root,
            "day",
            {
                "index": str(day["index"]),
                "date": day["date"],
                "start": day["day_start"],
                "end": day["day_end"],
            },
        )
        for room_name, sessions in day["rooms"].items():
            room_node = _element(day_node, "room", name=room_name, guid=guids[room_name])
            for data in sessions:
                _xml_session(room_node, data, by_guid[data["guid"]])
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
