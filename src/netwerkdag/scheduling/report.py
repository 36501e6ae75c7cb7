"""What a plan costs the people: who must choose between two sessions they want, and how full each room is.

A conflict is a person and a pair of sessions they want that overlap in time; it weighs the smaller of the
two weights. This is the measure the solver minimises, computed here from the plan itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from netwerkdag.core.event import Event
from netwerkdag.core.interests import Interests
from netwerkdag.scheduling.instance import parallel_blocks
from netwerkdag.scheduling.topics import runs_by_topic, units_of


@dataclass(frozen=True, slots=True)
class Conflict:
    person: str
    first: str
    second: str
    weight: int
    city: str | None = None


def conflicts(event: Event, interests: Interests) -> list[Conflict]:
    """Every (person, pair of wanted sessions that overlap), in person order. With topics of two runs or
    more, a run stands for its topic (`topics.py`): see `_topic_conflicts`."""
    if runs_by_topic(event):
        return _topic_conflicts(event, interests)
    net = event.network
    found: list[Conflict] = []
    for person, wanted in sorted(interests.by_person().items()):
        sessions = sorted(
            (i for i in wanted if event.has_session(i.session)), key=lambda i: event.session(i.session).start
        )
        city = None
        if net.has_person(person):
            org = net.person(person).organisation
            if org is not None and net.has_organisation(org):
                city = net.organisation(org).display_name
        for a, b in combinations(sessions, 2):
            sa, sb = event.session(a.session), event.session(b.session)
            if sa.window.overlaps(sb.window) and not (sa.id in sb.combined_with or sb.id in sa.combined_with):
                first, second = sorted((sa.id, sb.id))
                found.append(Conflict(person, first, second, min(a.weight, b.weight), city))
    return found


def _city(event: Event, person: str) -> str | None:
    net = event.network
    if net.has_person(person):
        org = net.person(person).organisation
        if org is not None and net.has_organisation(org):
            return net.organisation(org).display_name
    return None


def _topic_conflicts(event: Event, interests: Interests) -> list[Conflict]:
    """The conflicts of an event with topics: for each person, their wanted sessions outside the topics
    and their topics, each pair of which clashes when every session of the one overlaps every session of
    the other (two sessions combined on purpose do not clash). A topic is named by its first run (by id)."""
    runs = runs_by_topic(event)
    topic_of = {run: topic for topic, ids in runs.items() for run in ids}
    found: list[Conflict] = []
    for person, wanted in sorted(interests.by_person().items()):
        plain, topics = units_of((i for i in wanted if event.has_session(i.session)), topic_of)
        units = [((s,), w) for s, w in plain.items()] + [
            (tuple(sorted(runs[t])), w) for t, w in topics.items()
        ]
        units.sort(key=lambda u: (min(event.session(s).start for s in u[0]), u[0]))
        city = _city(event, person)
        for (a, wa), (b, wb) in combinations(units, 2):
            if all(_clash(event, x, y) for x in a for y in b):
                first, second = sorted((a[0], b[0]))
                found.append(Conflict(person, first, second, min(wa, wb), city))
    return found


def _clash(event: Event, a: str, b: str) -> bool:
    sa, sb = event.session(a), event.session(b)
    return sa.window.overlaps(sb.window) and not (sa.id in sb.combined_with or sb.id in sa.combined_with)


def weighted(found: list[Conflict]) -> int:
    return sum(c.weight for c in found)


@dataclass(frozen=True, slots=True)
class RoomLoad:
    block: str
    room: str
    session: str
    expected: int
    capacity: int


def room_loads(event: Event, seats: dict[str, int]) -> list[RoomLoad]:
    """Expected attendance against capacity, for each session in a parallel slot, by slot then room."""
    order = {b.id: i for i, b in enumerate(parallel_blocks(event))}
    rooms = {r.id: i for i, r in enumerate(event.rooms)}
    loads = [
        RoomLoad(s.block, s.room, s.id, seats.get(s.id, 0), event.room(s.room).capacity)
        for s in event.sessions
        if s.block in order and s.room is not None and not s.venue_wide and event.has_room(s.room)
    ]
    return sorted(loads, key=lambda x: (order[x.block], rooms[x.room]))
