"""The rules every event satisfies once loaded. `check_event` returns all problems at once.

Paths point into the event document as written: ``("event", "sessions", 3, "room")`` is the `room` field
of the fourth session, so the file layer can show ``file:line:column``. The core keeps rooms, blocks and
sessions in file order for exactly this reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from itertools import combinations

from netwerkdag.core.event import Event, GroupStatus
from netwerkdag.core.problems import Path, Problem
from netwerkdag.core.sessions import PRESENT_ROLES, Session
from netwerkdag.core.timegrid import Block, BlockKind


def _hhmm(value: object) -> str:
    return value.strftime("%H:%M") if hasattr(value, "strftime") else str(value)


def _duplicates(ids: Iterable[str], base: Path, kind: str) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for index, id_ in enumerate(ids):
        if id_ in seen:
            problems.append(
                Problem(
                    "duplicate-id",
                    f"{kind} id '{id_}' is used twice (first at {base[-1]}[{seen[id_]}])",
                    (*base, index, "id"),
                    "give every " + kind + " its own id",
                )
            )
        else:
            seen[id_] = index
    return problems


def _check_ids(event: Event) -> list[Problem]:
    net = event.network
    return [
        *_duplicates((o.id for o in net.organisations), ("network", "organisations"), "organisation"),
        *_duplicates((p.id for p in net.pillars), ("network", "pillars"), "pillar"),
        *_duplicates((g.id for g in net.groups), ("network", "groups"), "group"),
        *_duplicates((p.id for p in net.people), ("network", "people"), "person"),
        *_duplicates((r.id for r in event.rooms), ("event", "rooms"), "room"),
        *_duplicates((b.id for b in event.blocks), ("event", "blocks"), "block"),
        *_duplicates((s.id for s in event.sessions), ("event", "sessions"), "session"),
    ]


def _unknown(kind: str, value: str, path: Path, known: Iterable[str]) -> Problem:
    options = sorted(known)
    shown = ", ".join(options[:8]) + (", ..." if len(options) > 8 else "")
    hint = f"use one of: {shown}" if options else f"define the {kind} first"
    return Problem(f"unknown-{kind}", f"unknown {kind} '{value}'", path, hint)


def _check_network(event: Event) -> list[Problem]:
    net = event.network
    problems: list[Problem] = []
    person_ids = [p.id for p in net.people]
    group_ids = [g.id for g in net.groups]
    pillar_ids = [p.id for p in net.pillars]
    for i, pillar in enumerate(net.pillars):
        chairs: list[tuple[Path, str | None]] = [(("chair",), pillar.chair)]
        chairs += [(("vice_chairs", k), v) for k, v in enumerate(pillar.vice_chairs)]
        for where, pid in chairs:
            if pid is not None and not net.has_person(pid):
                problems.append(_unknown("person", pid, ("network", "pillars", i, *where), person_ids))
    for i, group in enumerate(net.groups):
        pillars: list[tuple[Path, str | None]] = [(("pillar",), group.pillar)]
        pillars += [(("also_pillars", k), p) for k, p in enumerate(group.also_pillars)]
        for where, pil in pillars:
            if pil is not None and not net.has_pillar(pil):
                problems.append(_unknown("pillar", pil, ("network", "groups", i, *where), pillar_ids))
        if group.chair is not None and not net.has_person(group.chair):
            problems.append(_unknown("person", group.chair, ("network", "groups", i, "chair"), person_ids))
    for i, person in enumerate(net.people):
        if person.organisation is not None and not net.has_organisation(person.organisation):
            problems.append(
                _unknown(
                    "organisation",
                    person.organisation,
                    ("network", "people", i, "organisation"),
                    (o.id for o in net.organisations),
                )
            )
        for j, gid in enumerate(person.groups):
            if not net.has_group(gid):
                problems.append(_unknown("group", gid, ("network", "people", i, "groups", j), group_ids))
    return problems


def _check_grid(event: Event) -> list[Problem]:
    problems: list[Problem] = []
    if event.end_date < event.start_date:
        problems.append(
            Problem(
                "end-before-start",
                f"the event ends on {event.end_date}, before it starts on {event.start_date}",
                ("event", "end_date"),
                "end_date is the last day of an event of several days; omit it for one day",
            )
        )
    for i, block in enumerate(event.blocks):
        if block.end <= block.start:
            problems.append(
                Problem(
                    "end-before-start",
                    f"block '{block.id}' ends at {_hhmm(block.end)}, "
                    f"not after its start {_hhmm(block.start)}",
                    ("event", "blocks", i, "end"),
                    "the end must be later than the start",
                )
            )
        if (
            event.start_date <= event.end_date
            and not event.start_date <= block.start.date() <= event.end_date
        ):
            problems.append(
                Problem(
                    "block-outside-event",
                    f"block '{block.id}' is on {block.start.date()}, outside the event's dates "
                    f"{event.start_date} to {event.end_date}",
                    ("event", "blocks", i, "date"),
                    "give the block a date within the event, or extend the event's end_date",
                )
            )
    indexed = list(enumerate(event.blocks))
    for (_, a), (j, b) in combinations(indexed, 2):
        if a.end > a.start and b.end > b.start and a.window.overlaps(b.window):
            problems.append(
                Problem(
                    "blocks-overlap",
                    f"block '{b.id}' ({_hhmm(b.start)}-{_hhmm(b.end)}) overlaps block '{a.id}' "
                    f"({_hhmm(a.start)}-{_hhmm(a.end)})",
                    ("event", "blocks", j, "start"),
                    "blocks of the grid follow each other; a transfer is a block of its own",
                )
            )
    return problems


def _check_session_refs(event: Event, i: int, s: Session) -> list[Problem]:
    net = event.network
    base: Path = ("event", "sessions", i)
    problems: list[Problem] = []
    if s.block is not None:
        if not event.has_block(s.block):
            problems.append(_unknown("block", s.block, (*base, "block"), (b.id for b in event.blocks)))
        else:
            block = event.block(s.block)
            if block.kind is BlockKind.TRANSFER:
                problems.append(
                    Problem(
                        "session-in-transfer",
                        f"session '{s.id}' is placed in transfer block '{block.id}'",
                        (*base, "block"),
                        "transfer time holds no sessions; choose a slot",
                    )
                )
    if s.room is not None and not event.has_room(s.room):
        problems.append(_unknown("room", s.room, (*base, "room"), (r.id for r in event.rooms)))
    if s.group is not None and not net.has_group(s.group):
        problems.append(_unknown("group", s.group, (*base, "group"), (g.id for g in net.groups)))
    if s.pillar is not None and not net.has_pillar(s.pillar):
        problems.append(_unknown("pillar", s.pillar, (*base, "pillar"), (p.id for p in net.pillars)))
    person_ids = [p.id for p in net.people]
    for j, part in enumerate(s.participants):
        if not net.has_person(part.person):
            problems.append(_unknown("person", part.person, (*base, "participants", j, "person"), person_ids))
    for j, other in enumerate(s.combined_with):
        if not event.has_session(other):
            problems.append(
                _unknown("session", other, (*base, "combined_with", j), (x.id for x in event.sessions))
            )
    for j, rule in enumerate(s.audience):
        for field, values, known in (
            ("groups", rule.groups, [g.id for g in net.groups]),
            ("pillars", rule.pillars, [p.id for p in net.pillars]),
            ("organisations", rule.organisations, [o.id for o in net.organisations]),
        ):
            for value in sorted(set(values) - set(known)):
                problems.append(
                    _unknown(field.removesuffix("s"), value, (*base, "audience", j, field), known)
                )
    if s.kind == "theme-group-meeting" and s.group is None:
        problems.append(
            Problem(
                "missing-group",
                f"theme-group meeting '{s.id}' names no theme group",
                (*base, "group"),
                "add `group: <theme group id>`",
            )
        )
    if s.block is None and not s.all_day:
        problems.append(
            Problem(
                "missing-block",
                f"session '{s.id}' has no block",
                (*base, "block"),
                "name the block (time slot) it takes place in, or `all_day: true` for a room open all day",
            )
        )
    if s.room is None and not s.venue_wide:
        problems.append(
            Problem(
                "missing-room",
                f"session '{s.id}' has no room",
                (*base, "room"),
                "give it a room, or `venue_wide: true` for a part that spans the whole venue",
            )
        )
    return problems


def _sound_block(event: Event, s: Session) -> Block | None:
    """The session's block if it exists, is the only block with its id and is itself sound: the problems
    of a block are reported where it is defined, not again at every session in it."""
    if s.block is None or not event.has_block(s.block):
        return None
    block = event.block(s.block)
    unique = sum(1 for b in event.blocks if b.id == block.id) == 1
    return block if unique and block.end > block.start else None


def _timed(event: Event, s: Session) -> bool:
    """Whether the session's times mean anything: a block of its own (or all day) and an end after its
    start. A session whose block is unknown or broken would clash with everything: its problem is reported
    once, by reference, not again as overlaps."""
    sound = _sound_block(event, s) is not None if s.block is not None else s.all_day
    return sound and s.end > s.start


def _check_session_times(event: Event, i: int, s: Session) -> list[Problem]:
    base: Path = ("event", "sessions", i)
    block = _sound_block(event, s)
    if s.block is not None and block is None:
        return []  # an unknown or broken block is reported where it is named or defined
    if block is not None and not block.start <= s.start < block.end:
        return [_outside_block(s, block, (*base, "start"))]
    if s.end <= s.start:
        return [
            Problem(
                "end-before-start",
                f"session '{s.id}' ends at {_hhmm(s.end)}, not after its start {_hhmm(s.start)}",
                (*base, "end"),
                "the end must be later than the start",
            )
        ]
    if block is not None and s.end > block.end:
        return [_outside_block(s, block, (*base, "end"))]
    return []


def _outside_block(s: Session, block: Block, path: Path) -> Problem:
    return Problem(
        "session-outside-block",
        f"session '{s.id}' runs {_hhmm(s.start)}-{_hhmm(s.end)}, outside its block '{block.id}' "
        f"({_hhmm(block.start)}-{_hhmm(block.end)})",
        path,
        "a session's own start and end must lie inside its block",
    )


def _combined(a: Session, b: Session) -> bool:
    return b.id in a.combined_with or a.id in b.combined_with


IndexedSession = tuple[int, Session]


def _overlapping_pairs(sessions: list[IndexedSession]) -> list[tuple[IndexedSession, IndexedSession]]:
    """The pairs of sessions whose times overlap, each as (earlier in the file, later in the file), in the
    order `itertools.combinations` would give them. A sweep over start times keeps only the sessions still
    running, so 600 sessions in 30 rooms cost some 9,000 comparisons instead of 180,000."""
    active: list[IndexedSession] = []
    pairs: list[tuple[IndexedSession, IndexedSession]] = []
    for item in sorted(sessions, key=lambda indexed: indexed[1].start):
        start = item[1].start
        active = [other for other in active if other[1].end > start]
        pairs += [(other, item) if other[0] < item[0] else (item, other) for other in active]
        active.append(item)
    return sorted(pairs, key=lambda pair: (pair[0][0], pair[1][0]))


def _check_rooms_and_people(event: Event) -> list[Problem]:
    problems: list[Problem] = []
    sessions = [(i, s) for i, s in enumerate(event.sessions) if _timed(event, s)]
    for (_, a), (j, b) in _overlapping_pairs(sessions):
        if not a.window.overlaps(b.window) or _combined(a, b):
            continue
        if a.all_day or b.all_day:
            same_room = a.room is not None and a.room == b.room
        else:
            same_room = (a.room is not None and a.room == b.room) or a.venue_wide or b.venue_wide
        if same_room:
            room = a.room if a.room is not None and a.room == b.room else None
            if room is None or not (event.has_room(room) and event.room(room).shared):
                where = f"room '{a.room}'" if a.room == b.room and a.room else "the whole venue"
                problems.append(
                    Problem(
                        "room-double-booked",
                        f"sessions '{a.id}' and '{b.id}' are both in {where} at "
                        f"{_hhmm(max(a.start, b.start))}-{_hhmm(min(a.end, b.end))}",
                        ("event", "sessions", j, "room"),
                        "move one of them, mark the room `shared: true`, or list them in `combined_with`",
                    )
                )
        present_a = set(a.people_with(*PRESENT_ROLES))
        for k, part in enumerate(b.participants):
            if part.role in PRESENT_ROLES and part.person in present_a:
                problems.append(
                    Problem(
                        "person-double-booked",
                        f"'{part.person}' has a part in both '{a.id}' and '{b.id}', which overlap",
                        ("event", "sessions", j, "participants", k, "person"),
                        "a chair, speaker or guest can be in one session at a time",
                    )
                )
    for i, s in sessions:
        for k, part in enumerate(s.participants):
            windows = event.availability.get(part.person)
            if windows is None or part.role not in PRESENT_ROLES:
                continue
            if not any(w.contains(s.start, s.end) for w in windows):
                shown = ", ".join(f"{_hhmm(w.start)}-{_hhmm(w.end)}" for w in windows)
                problems.append(
                    Problem(
                        "person-unavailable",
                        f"'{part.person}' is available only {shown}, but session '{s.id}' runs "
                        f"{_hhmm(s.start)}-{_hhmm(s.end)}",
                        ("event", "sessions", i, "participants", k, "person"),
                        "give the session its own start/end inside the availability, or move it",
                    )
                )
    return problems


def _check_availability(event: Event) -> list[Problem]:
    problems: list[Problem] = []
    person_ids = [p.id for p in event.network.people]
    for person, windows in event.availability.items():
        if not event.network.has_person(person):
            unknown = _unknown("person", person, ("event", "availability", person), person_ids)
            problems.append(replace(unknown, at_key=True))
        for j, w in enumerate(windows):
            if w.end <= w.start:
                problems.append(
                    Problem(
                        "end-before-start",
                        f"availability window {_hhmm(w.start)}-{_hhmm(w.end)} of '{person}' "
                        "does not end after it starts",
                        ("event", "availability", person, j, "end"),
                        "the end must be later than the start",
                    )
                )
    return problems


def _check_group_days(event: Event) -> list[Problem]:
    problems: list[Problem] = []
    net = event.network
    first: dict[str, int] = {}
    for i, gd in enumerate(event.group_days):
        base: Path = ("event", "theme_groups", i)
        if not net.has_group(gd.group):
            problems.append(_unknown("group", gd.group, (*base, "group"), (g.id for g in net.groups)))
            continue
        if gd.group in first:
            problems.append(
                Problem(
                    "duplicate-id",
                    f"theme group '{gd.group}' is listed twice (first at theme_groups[{first[gd.group]}])",
                    (*base, "group"),
                    "list each theme group once",
                )
            )
            continue
        first[gd.group] = i
        own = [s for s in event.sessions if s.group == gd.group]
        if gd.status is GroupStatus.NOT_MEETING and own:
            problems.append(
                Problem(
                    "group-not-meeting-has-session",
                    f"theme group '{gd.group}' does not meet today, yet session '{own[0].id}' is its meeting",
                    (*base, "status"),
                    "remove the session, or set the status to `meets`",
                )
            )
        if gd.status is GroupStatus.MERGED:
            if gd.merged_into is None:
                problems.append(
                    Problem(
                        "missing-merged-into",
                        f"theme group '{gd.group}' is merged, but `merged_into` names no session",
                        (*base, "merged_into"),
                        "name the session it joins",
                    )
                )
            elif not event.has_session(gd.merged_into):
                problems.append(
                    _unknown(
                        "session", gd.merged_into, (*base, "merged_into"), (s.id for s in event.sessions)
                    )
                )
            if own:
                problems.append(
                    Problem(
                        "merged-group-has-session",
                        f"theme group '{gd.group}' is merged into '{gd.merged_into}', "
                        f"yet has its own session '{own[0].id}'",
                        (*base, "status"),
                        "remove its own session, or set the status to `meets`",
                    )
                )
    return problems


def check_event(event: Event) -> list[Problem]:
    """Return every broken invariant of `event`, in a stable order (empty when the event is sound)."""
    problems = _check_ids(event) + _check_network(event) + _check_grid(event)
    if event.host is not None and not event.network.has_organisation(event.host):
        organisation_ids = (o.id for o in event.network.organisations)
        problems.append(_unknown("organisation", event.host, ("event", "host"), organisation_ids))
    for i, session in enumerate(event.sessions):
        problems += _check_session_refs(event, i, session)
        problems += _check_session_times(event, i, session)
    problems += _check_rooms_and_people(event)
    problems += _check_availability(event)
    problems += _check_group_days(event)
    return problems
