"""The rules every event satisfies once loaded. `check_event` returns all problems at once.

Paths point into the event document as written: ``("event", "sessions", 3, "room")`` is the `room` field
of the fourth session, so the file layer can show ``file:line:column``. The core keeps rooms, blocks and
sessions in file order for exactly this reason.

An event may be built without some parts of its document: the file layer leaves out a part with a format
problem so that the rest can still be checked (`LeftOut`). Their ids still count as defined, so that a
reference to one is not reported as unknown, and a rule that would need a left-out part skips what it
cannot judge: a session in a left-out block has no known times, one in a left-out room no known room.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from datetime import date, datetime
from itertools import islice
from typing import TypeVar

from netwerkdag.core.event import Event, GroupStatus
from netwerkdag.core.problems import Path, Problem
from netwerkdag.core.sessions import PRESENT_ROLES, Session, SessionKind
from netwerkdag.core.timegrid import Block, BlockKind, exists_on_clock, skipped_span

_T = TypeVar("_T")


def _hhmm(value: object) -> str:
    return value.strftime("%H:%M") if hasattr(value, "strftime") else str(value)


@dataclass(frozen=True, slots=True)
class LeftOut:
    """The parts of the document an event was built without (see the module's docstring)."""

    #: For each list of the document that lost entries (``("event", "sessions")``), the index in the
    #: document of each entry the event holds, in order: problems point into the document as written.
    positions: Mapping[Path, tuple[int, ...]] = dataclass_field(default_factory=dict)
    #: The ids of the left-out parts by kind (organisation, pillar, group, person, room, block, session).
    ids: Mapping[str, frozenset[str]] = dataclass_field(default_factory=dict)
    #: The theme groups that left-out sessions name as their group.
    meetings: frozenset[str] = frozenset()

    def index(self, within: Path, i: int) -> int:
        """The document's index of entry `i` of the list at `within` as the event holds it."""
        kept = self.positions.get(within)
        return kept[i] if kept is not None else i

    def path(self, path: Path) -> Path:
        """`path` (into the event as built) as a path into the document."""
        if len(path) > 2 and isinstance(path[2], int) and path[:2] in self.positions:
            return (*path[:2], self.index(path[:2], path[2]), *path[3:])
        return path


NOTHING_LEFT_OUT = LeftOut()


def _duplicates(ids: Iterable[str], base: Path, kind: str, left_out: LeftOut) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for index, id_ in enumerate(ids):
        if id_ in seen:
            problems.append(
                Problem(
                    "duplicate-id",
                    f"{kind} id '{id_}' is used twice "
                    f"(first at {base[-1]}[{left_out.index(base, seen[id_])}])",
                    (*base, index, "id"),
                    "give every " + kind + " its own id",
                )
            )
        else:
            seen[id_] = index
    return problems


def _check_ids(event: Event, left_out: LeftOut) -> list[Problem]:
    net = event.network
    return [
        *_duplicates(
            (o.id for o in net.organisations), ("network", "organisations"), "organisation", left_out
        ),
        *_duplicates((p.id for p in net.pillars), ("network", "pillars"), "pillar", left_out),
        *_duplicates((g.id for g in net.groups), ("network", "groups"), "group", left_out),
        *_duplicates((p.id for p in net.people), ("network", "people"), "person", left_out),
        *_duplicates((r.id for r in event.rooms), ("event", "rooms"), "room", left_out),
        *_duplicates((b.id for b in event.blocks), ("event", "blocks"), "block", left_out),
        *_duplicates((s.id for s in event.sessions), ("event", "sessions"), "session", left_out),
    ]


def _unknown(kind: str, value: str, path: Path, known: Iterable[str]) -> Problem:
    options = sorted(known)
    shown = ", ".join(options[:8]) + (", ..." if len(options) > 8 else "")
    hint = f"use one of: {shown}" if options else f"define the {kind} first"
    return Problem(f"unknown-{kind}", f"unknown {kind} '{value}'", path, hint)


def _check_network(event: Event, ids: _Ids) -> list[Problem]:
    net = event.network
    problems: list[Problem] = []
    for i, pillar in enumerate(net.pillars):
        chairs: list[tuple[Path, str | None]] = [(("chair",), pillar.chair)]
        chairs += [(("vice_chairs", k), v) for k, v in enumerate(pillar.vice_chairs)]
        for where, pid in chairs:
            if pid is not None and not ids.defines("person", pid):
                problems.append(_unknown("person", pid, ("network", "pillars", i, *where), ids.people))
    for i, group in enumerate(net.groups):
        pillars: list[tuple[Path, str | None]] = [(("pillar",), group.pillar)]
        pillars += [(("also_pillars", k), p) for k, p in enumerate(group.also_pillars)]
        for where, pil in pillars:
            if pil is not None and not ids.defines("pillar", pil):
                problems.append(_unknown("pillar", pil, ("network", "groups", i, *where), ids.pillars))
        if group.chair is not None and not ids.defines("person", group.chair):
            problems.append(_unknown("person", group.chair, ("network", "groups", i, "chair"), ids.people))
    for i, person in enumerate(net.people):
        if person.organisation is not None and not ids.defines("organisation", person.organisation):
            problems.append(
                _unknown(
                    "organisation",
                    person.organisation,
                    ("network", "people", i, "organisation"),
                    ids.organisations,
                )
            )
        for j, gid in enumerate(person.groups):
            if not ids.defines("group", gid):
                problems.append(_unknown("group", gid, ("network", "people", i, "groups", j), ids.groups))
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
    sound = ((i, b.start, b.end) for i, b in enumerate(event.blocks) if b.end > b.start)
    problems += _capped(_block_overlaps(event, _overlapping(sound)), ("event", "blocks"))
    return problems


def _block_overlaps(
    event: Event, pairs: Iterator[tuple[int, int]]
) -> Iterator[tuple[tuple[int, ...], Problem]]:
    for i, j in pairs:
        a, b = event.blocks[i], event.blocks[j]
        yield (
            (i, j),
            Problem(
                "blocks-overlap",
                f"block '{b.id}' ({_hhmm(b.start)}-{_hhmm(b.end)}) overlaps block '{a.id}' "
                f"({_hhmm(a.start)}-{_hhmm(a.end)})",
                ("event", "blocks", j, "start"),
                "blocks of the grid follow each other; a transfer is a block of its own",
            ),
        )


@dataclass(frozen=True, slots=True)
class _Ids:
    """The ids of each kind, sorted once for hints, and the block ids that are defined more than once:
    checking a session then costs a few lookups, not a pass over the network. The ids of left-out parts
    count as defined (and are offered in hints): they are in the file, with a problem of their own."""

    people: tuple[str, ...]
    groups: tuple[str, ...]
    pillars: tuple[str, ...]
    organisations: tuple[str, ...]
    rooms: tuple[str, ...]
    blocks: tuple[str, ...]
    sessions: tuple[str, ...]
    repeated_blocks: frozenset[str]
    defined: Mapping[str, frozenset[str]]
    left_out: LeftOut

    @classmethod
    def of(cls, event: Event, left_out: LeftOut = NOTHING_LEFT_OUT) -> _Ids:
        net = event.network
        built = {
            "person": (p.id for p in net.people),
            "group": (g.id for g in net.groups),
            "pillar": (p.id for p in net.pillars),
            "organisation": (o.id for o in net.organisations),
            "room": (r.id for r in event.rooms),
            "block": (b.id for b in event.blocks),
            "session": (s.id for s in event.sessions),
        }
        defined = {
            kind: frozenset(found) | left_out.ids.get(kind, frozenset()) for kind, found in built.items()
        }
        return cls(
            people=tuple(sorted(defined["person"])),
            groups=tuple(sorted(defined["group"])),
            pillars=tuple(sorted(defined["pillar"])),
            organisations=tuple(sorted(defined["organisation"])),
            rooms=tuple(sorted(defined["room"])),
            blocks=tuple(sorted(defined["block"])),
            sessions=tuple(sorted(defined["session"])),
            repeated_blocks=frozenset(i for i, n in Counter(b.id for b in event.blocks).items() if n > 1),
            defined=defined,
            left_out=left_out,
        )

    def defines(self, kind: str, value: str) -> bool:
        return value in self.defined[kind]

    def left_out_room(self, session: Session) -> bool:
        """Whether the session's room is a left-out part: whether it is shared is not known."""
        return session.room is not None and session.room in self.left_out.ids.get("room", ())


def _check_session_refs(event: Event, ids: _Ids, i: int, s: Session) -> list[Problem]:
    base: Path = ("event", "sessions", i)
    problems: list[Problem] = []
    if s.block is not None:
        if not ids.defines("block", s.block):
            problems.append(_unknown("block", s.block, (*base, "block"), ids.blocks))
        elif event.has_block(s.block):
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
    if s.room is not None and not ids.defines("room", s.room):
        problems.append(_unknown("room", s.room, (*base, "room"), ids.rooms))
    if s.group is not None and not ids.defines("group", s.group):
        problems.append(_unknown("group", s.group, (*base, "group"), ids.groups))
    if s.pillar is not None and not ids.defines("pillar", s.pillar):
        problems.append(_unknown("pillar", s.pillar, (*base, "pillar"), ids.pillars))
    for j, part in enumerate(s.participants):
        if not ids.defines("person", part.person):
            problems.append(_unknown("person", part.person, (*base, "participants", j, "person"), ids.people))
    for field, others in (
        ("combined_with", s.combined_with),
        ("after", s.after),
        ("not_parallel_with", s.not_parallel_with),
    ):
        for j, other in enumerate(others):
            if not ids.defines("session", other):
                problems.append(_unknown("session", other, (*base, field, j), ids.sessions))
            elif other == s.id and field != "combined_with":  # that one: `_check_combined`
                problems.append(
                    Problem(
                        "refers-to-itself",
                        f"session '{s.id}' names itself in `{field}`",
                        (*base, field, j),
                        f"remove '{other}' from `{field}`",
                    )
                )
    for j, rule in enumerate(s.audience):
        for field, values, known in (
            ("groups", rule.groups, ids.groups),
            ("pillars", rule.pillars, ids.pillars),
            ("organisations", rule.organisations, ids.organisations),
        ):
            for value in sorted(set(values) - set(known)):
                problems.append(
                    _unknown(field.removesuffix("s"), value, (*base, "audience", j, field), known)
                )
    if s.kind is SessionKind.THEME_GROUP_MEETING and s.group is None:
        problems.append(
            Problem(
                "missing-group",
                f"theme-group meeting '{s.id}' names no theme group",
                (*base, "group"),
                "add `group: <theme group id>`",
            )
        )
    if s.kind is SessionKind.PILLAR_MEETING and s.pillar is None:
        problems.append(
            Problem(
                "missing-pillar",
                f"pillar meeting '{s.id}' names no pillar",
                (*base, "pillar"),
                "add `pillar: <pillar id>`",
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
    if s.all_day and event.start_date <= event.end_date and not _within_event(event, s.start.date()):
        problems.append(
            Problem(
                "session-outside-event",
                f"all-day session '{s.id}' is on {s.start.date()}, {_outside(event)}",
                (*base, "date"),
                "give it a date within the event, or extend the event's end_date",
            )
        )
    return problems


def _within_event(event: Event, day: date) -> bool:
    return event.start_date <= day <= event.end_date


def _outside(event: Event) -> str:
    return f"outside the event's dates {event.start_date} to {event.end_date}"


def _place(s: Session) -> str | None:
    """Where a session takes place, in words; None when that is missing (reported on its own)."""
    if s.venue_wide:
        return "the whole venue"
    return f"room '{s.room}'" if s.room is not None else None


def _when(s: Session) -> str | None:
    """The session's block, in words; None when it has none and is not all-day (reported on its own)."""
    if s.all_day:
        return "all day"
    return f"block '{s.block}'" if s.block is not None else None


def _check_combined(event: Event) -> list[Problem]:
    """A session combined with another shares its block and its place: both in one room, or both across
    the whole venue. Otherwise the grid, which shows a combined pair in one cell, would lose one of them.
    A pair that names each other is reported once, where it is first named."""
    problems: list[Problem] = []
    reported: set[frozenset[str]] = set()
    hint = "combined sessions share one block and one room (or are both venue-wide): move one of them, "
    for i, s in enumerate(event.sessions):
        for j, other_id in enumerate(s.combined_with):
            path: Path = ("event", "sessions", i, "combined_with", j)
            if other_id == s.id:
                problems.append(
                    Problem(
                        "combined-with-itself",
                        f"session '{s.id}' names itself in `combined_with`",
                        path,
                        "list only the other sessions that share its room and time",
                    )
                )
                continue
            pair = frozenset((s.id, other_id))
            if not event.has_session(other_id) or pair in reported:
                continue
            reported.add(pair)
            other = event.session(other_id)
            for what, mine, theirs in (
                ("blocks", _when(s), _when(other)),
                ("places", _place(s), _place(other)),
            ):
                if mine is not None and theirs is not None and mine != theirs:
                    problems.append(
                        Problem(
                            "combined-apart",
                            f"session '{s.id}' is combined with '{other.id}', but they are in different "
                            f"{what} ({mine} and {theirs})",
                            path,
                            hint + "or remove it from `combined_with`",
                        )
                    )
                    break
    return problems


def _sound_block(event: Event, ids: _Ids, s: Session) -> Block | None:
    """The session's block if it exists, is the only block with its id and is itself sound: the problems
    of a block are reported where it is defined, not again at every session in it."""
    if s.block is None or not event.has_block(s.block) or s.block in ids.repeated_blocks:
        return None
    block = event.block(s.block)
    return block if block.end > block.start else None


def _timed(event: Event, ids: _Ids, s: Session) -> bool:
    """Whether the session's times mean anything: a block of its own (or all day) and an end after its
    start. A session whose block is unknown or broken would clash with everything: its problem is reported
    once, by reference, not again as overlaps."""
    sound = _sound_block(event, ids, s) is not None if s.block is not None else s.all_day
    return sound and s.end > s.start


def _check_session_times(event: Event, ids: _Ids, i: int, s: Session) -> list[Problem]:
    base: Path = ("event", "sessions", i)
    block = _sound_block(event, ids, s)
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

#: The most clashes (of blocks, of rooms and people) reported at once. A file that puts thousands of
#: sessions in one room clashes millions of times; listing them all would take minutes and help nobody.
MAX_CLASHES = 1000


def _overlapping(intervals: Iterable[tuple[int, datetime, datetime]]) -> Iterator[tuple[int, int]]:
    """Each pair of overlapping intervals [start, end), once, as (smaller index, larger index), lazily.

    A sweep over start times keeps the intervals still running in a heap by their end, so the cost is
    n log n plus the pairs found, not n squared: 600 sessions in 30 rooms cost some 9,000 steps instead
    of 180,000, and a caller that stops early stops the work too. Intervals that touch do not overlap."""
    running: list[tuple[datetime, int]] = []
    for index, start, end in sorted(intervals, key=lambda interval: (interval[1], interval[0])):
        while running and running[0][0] <= start:
            heapq.heappop(running)
        for _, other in running:
            yield (other, index) if other < index else (index, other)
        heapq.heappush(running, (end, index))


def _overlapping_pairs(sessions: list[IndexedSession]) -> list[tuple[IndexedSession, IndexedSession]]:
    """The pairs of sessions whose times overlap, each as (earlier in the file, later in the file), in the
    order `itertools.combinations` would give them."""
    by_index = dict(sessions)
    pairs = sorted(_overlapping((i, s.start, s.end) for i, s in sessions))
    return [((i, by_index[i]), (j, by_index[j])) for i, j in pairs]


def _venue_wide_pairs(sessions: list[IndexedSession]) -> Iterator[tuple[int, int]]:
    """The overlapping pairs of which at least one session is venue-wide, lazily: a venue-wide session
    meets every session that runs at its time, any other session only the venue-wide ones."""
    everyone: list[tuple[datetime, int]] = []
    venue_wide: list[tuple[datetime, int]] = []
    for index, s in sorted(sessions, key=lambda item: (item[1].start, item[0])):
        for running in (everyone, venue_wide):
            while running and running[0][0] <= s.start:
                heapq.heappop(running)
        for _, other in everyone if s.venue_wide else venue_wide:
            yield (other, index) if other < index else (index, other)
        heapq.heappush(everyone, (s.end, index))
        if s.venue_wide:
            heapq.heappush(venue_wide, (s.end, index))


def _too_many_clashes(path: Path) -> Problem:
    return Problem(
        "too-many-clashes",
        f"more than {MAX_CLASHES:,} clashes; only {MAX_CLASHES:,} of them are listed",
        path,
        "most clashes come from a few sessions in the wrong block or room: fix those and check again",
    )


def _capped(found: Iterator[tuple[tuple[int, ...], Problem]], path: Path) -> list[Problem]:
    """At most `MAX_CLASHES` problems from `found`, in the order of their keys (file order), and a last
    problem that says so when there were more."""
    listed, more = _first_in_order(found)
    return listed + ([_too_many_clashes(path)] if more else [])


def _first_in_order(found: Iterator[tuple[tuple[int, ...], _T]]) -> tuple[list[_T], bool]:
    """At most `MAX_CLASHES` values from `found` in the order of their keys, and whether there were more."""
    first = list(islice(found, MAX_CLASHES + 1))
    listed = [value for _, value in sorted(first[:MAX_CLASHES], key=lambda item: item[0])]
    return listed, len(first) > MAX_CLASHES


@dataclass(frozen=True, slots=True)
class PlanClash:
    """A rule of a plan broken by a pair of sessions, or by one session and a person's availability: the
    rule's code, who and what it concerns, and the problem as the file validation words it. The
    scheduler's checker reads the structured fields; `plan_problems` gives the problems."""

    code: str  # room-double-booked | person-double-booked | person-unavailable
    sessions: tuple[str, ...]
    problem: Problem
    person: str | None = None
    #: The room both sessions are in; None when one of them takes the whole venue.
    room: str | None = None


@dataclass(frozen=True, slots=True)
class PlanClashes:
    """Every `PlanClash` of an event, in file order."""

    #: Rooms and people in two places at once, at most `MAX_CLASHES`.
    overlaps: tuple[PlanClash, ...]
    #: Whether there were more overlaps than `overlaps` lists.
    more: bool
    #: People with a part outside their availability.
    unavailable: tuple[PlanClash, ...]

    def all(self) -> tuple[PlanClash, ...]:
        return self.overlaps + self.unavailable

    def problems(self) -> list[Problem]:
        """The clashes as problems, with one that sums up the overlaps left out."""
        more = [_too_many_clashes(("event", "sessions"))] if self.more else []
        return [c.problem for c in self.overlaps] + more + [c.problem for c in self.unavailable]


def _room_clash(a: Session, b: Session, j: int, room: str) -> PlanClash:
    problem = Problem(
        "room-double-booked",
        f"sessions '{a.id}' and '{b.id}' are both in room '{room}' at "
        f"{_hhmm(max(a.start, b.start))}-{_hhmm(min(a.end, b.end))}",
        ("event", "sessions", j, "room"),
        "move one of them, mark the room `shared: true`, or list them in `combined_with`",
        sessions=(a.id, b.id),
    )
    return PlanClash("room-double-booked", (a.id, b.id), problem, room=room)


def _in_shared_room(event: Event, session: Session) -> bool:
    return session.room is not None and event.has_room(session.room) and event.room(session.room).shared


def _clashes(
    event: Event, ids: _Ids, sessions: list[IndexedSession]
) -> Iterator[tuple[tuple[int, ...], PlanClash]]:
    """Every clash of a room or a person between two sessions that are not combined, keyed so that sorting
    gives file order: by the pair, a room before its people. A session takes its room; a venue-wide one
    takes every room but shared ones, and an all-day session clashes only with its own room. A shared room
    holds any number of sessions. A person with a part other than `contact` is in one session at a time.
    A session in a left-out room is not checked for its room: whether the room is shared is not known."""
    by_index = dict(sessions)
    rooms: dict[str, list[IndexedSession]] = {}
    people: dict[str, dict[int, Session]] = {}
    for i, s in sessions:
        if s.room is not None and not ids.left_out_room(s):
            rooms.setdefault(s.room, []).append((i, s))
        for person in s.people_with(*PRESENT_ROLES):
            people.setdefault(person, {})[i] = s
    for room, in_room in rooms.items():
        if event.has_room(room) and event.room(room).shared:
            continue
        for i, j in _overlapping((i, s.start, s.end) for i, s in in_room):
            a, b = by_index[i], by_index[j]
            if not _combined(a, b):
                yield (i, j, 0, 0), _room_clash(a, b, j, room)
    not_all_day = [(i, s) for i, s in sessions if not s.all_day and not ids.left_out_room(s)]
    for i, j in _venue_wide_pairs(not_all_day):
        a, b = by_index[i], by_index[j]
        same_room = a.room is not None and a.room == b.room  # met above, in its room
        if same_room or _combined(a, b) or _in_shared_room(event, a) or _in_shared_room(event, b):
            continue
        takes = "both take" if a.venue_wide and b.venue_wide else "one takes"
        problem = Problem(
            "room-double-booked",
            f"sessions '{a.id}' and '{b.id}' overlap at {_hhmm(max(a.start, b.start))}-"
            f"{_hhmm(min(a.end, b.end))}, and {takes} the whole venue",
            ("event", "sessions", j, "venue_wide" if b.venue_wide else "room"),
            "a venue-wide part takes every room but shared ones: move one of them, or list them in "
            "`combined_with`",
            sessions=(a.id, b.id),
        )
        yield (i, j, 0, 0), PlanClash("room-double-booked", (a.id, b.id), problem)
    for person, with_part in people.items():
        for i, j in _overlapping((i, s.start, s.end) for i, s in with_part.items()):
            a, b = by_index[i], by_index[j]
            if _combined(a, b):
                continue
            for k, part in enumerate(b.participants):
                if part.person == person and part.role in PRESENT_ROLES:
                    problem = Problem(
                        "person-double-booked",
                        f"'{part.person}' has a part in both '{a.id}' and '{b.id}', which overlap",
                        ("event", "sessions", j, "participants", k, "person"),
                        "a chair, speaker or guest can be in one session at a time",
                        sessions=(a.id, b.id),
                    )
                    yield (i, j, 1, k), PlanClash("person-double-booked", (a.id, b.id), problem, person)


def _plan_clashes(event: Event, ids: _Ids) -> PlanClashes:
    sessions = [(i, s) for i, s in enumerate(event.sessions) if _timed(event, ids, s)]
    several_days = len(event.days) > 1

    def dated(moment: object) -> str:  # on an event of several days a time alone does not say when
        if several_days and hasattr(moment, "strftime"):
            return f"{moment.strftime('%Y-%m-%d')} {_hhmm(moment)}"
        return _hhmm(moment)

    overlaps, more = _first_in_order(_clashes(event, ids, sessions))
    unavailable: list[PlanClash] = []
    for i, s in sessions:
        for k, part in enumerate(s.participants):
            windows = event.availability.get(part.person)
            if windows is None or part.role not in PRESENT_ROLES:
                continue
            if not any(w.contains(s.start, s.end) for w in windows):
                shown = ", ".join(f"{dated(w.start)}-{_hhmm(w.end)}" for w in windows)
                problem = Problem(
                    "person-unavailable",
                    f"'{part.person}' is available only {shown}, but session '{s.id}' runs "
                    f"{dated(s.start)}-{_hhmm(s.end)}",
                    ("event", "sessions", i, "participants", k, "person"),
                    "give the session its own start/end inside the availability, or move it",
                    sessions=(s.id,),
                )
                unavailable.append(PlanClash("person-unavailable", (s.id,), problem, part.person))
    return PlanClashes(tuple(overlaps), more, tuple(unavailable))


def _check_availability(event: Event, ids: _Ids) -> list[Problem]:
    problems: list[Problem] = []
    for person, windows in event.availability.items():
        if not ids.defines("person", person):
            unknown = _unknown("person", person, ("event", "availability", person), ids.people)
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
            if event.start_date <= event.end_date and not _within_event(event, w.start.date()):
                problems.append(
                    Problem(
                        "window-outside-event",
                        f"availability window {_hhmm(w.start)}-{_hhmm(w.end)} of '{person}' is on "
                        f"{w.start.date()}, {_outside(event)}",
                        ("event", "availability", person, j, "date"),
                        "give the window a date within the event, or leave the date out for its first day",
                    )
                )
    return problems


def _check_networking(event: Event, ids: _Ids, left_out: LeftOut) -> list[Problem]:
    spaces = ("event", "networking")
    problems = _duplicates((n.id for n in event.networking), spaces, "networking space", left_out)
    for i, space in enumerate(event.networking):
        problems += _duplicates((t.id for t in space.tables), (*spaces, i, "tables"), "table", left_out)
        if space.room is not None and not ids.defines("room", space.room):
            problems.append(_unknown("room", space.room, (*spaces, i, "room"), ids.rooms))
        for j, w in enumerate(space.open):
            if w.end - w.start < space.step:
                problems.append(
                    Problem(
                        "window-too-short",
                        f"networking space '{space.id}' opens {_hhmm(w.start)}-{_hhmm(w.end)}, shorter "
                        f"than its step of {space.step_minutes} minutes",
                        (*spaces, i, "open", j, "end"),
                        "the end must be at least one step after the start",
                    )
                )
            if event.start_date <= event.end_date and not _within_event(event, w.start.date()):
                problems.append(
                    Problem(
                        "window-outside-event",
                        f"networking space '{space.id}' opens on {w.start.date()}, {_outside(event)}",
                        (*spaces, i, "open", j, "date"),
                        "give the window a date within the event, or leave the date out for its first day",
                    )
                )
    return problems


def _skipped(what: str, moment: datetime, timezone: str, path: Path) -> Problem:
    first, after = skipped_span(moment)
    return Problem(
        "nonexistent-time",
        f"{what} {_hhmm(moment)} on {moment.date()}, a time that does not exist in {timezone}",
        path,
        f"the clocks go forward from {_hhmm(first)} to {_hhmm(after)} that day: "
        f"choose a time before {_hhmm(first)} or from {_hhmm(after)}",
    )


def _check_clock_times(event: Event) -> list[Problem]:
    """Every time of the file exists on the event's clock: the hour skipped when summer time begins
    (02:00-03:00 on the last Sunday of March in Europe/Amsterdam) holds no block, session or window. A
    session's own time is checked only where it differs from the block times, which are checked once."""
    problems: list[Problem] = []
    zone = event.timezone
    for i, block in enumerate(event.blocks):
        for field, moment in (("start", block.start), ("end", block.end)):
            if not exists_on_clock(moment):
                problems.append(
                    _skipped(f"block '{block.id}' {field}s at", moment, zone, ("event", "blocks", i, field))
                )
    block_times = {t.replace(tzinfo=None) for b in event.blocks for t in (b.start, b.end)}
    for i, s in enumerate(event.sessions):
        for field, moment in (("start", s.start), ("end", s.end)):
            if moment.replace(tzinfo=None) not in block_times and not exists_on_clock(moment):
                path: Path = ("event", "sessions", i, field)
                problems.append(_skipped(f"session '{s.id}' {field}s at", moment, zone, path))
    for person, windows in event.availability.items():
        for j, w in enumerate(windows):
            for field, moment in (("start", w.start), ("end", w.end)):
                if not exists_on_clock(moment):
                    path = ("event", "availability", person, j, field)
                    problems.append(
                        _skipped(f"the availability of '{person}' {field}s at", moment, zone, path)
                    )
    return problems


def _check_group_days(event: Event, ids: _Ids) -> list[Problem]:
    problems: list[Problem] = []
    first: dict[str, int] = {}
    meetings: dict[str, list[Session]] = {}
    for s in event.sessions:
        if s.group is not None:
            meetings.setdefault(s.group, []).append(s)
    for i, gd in enumerate(event.group_days):
        base: Path = ("event", "theme_groups", i)
        if not ids.defines("group", gd.group):
            problems.append(_unknown("group", gd.group, (*base, "group"), ids.groups))
            continue
        if gd.group in first:
            where = ids.left_out.index(base[:2], first[gd.group])
            problems.append(
                Problem(
                    "duplicate-id",
                    f"theme group '{gd.group}' is listed twice (first at theme_groups[{where}])",
                    (*base, "group"),
                    "list each theme group once",
                )
            )
            continue
        first[gd.group] = i
        own = meetings.get(gd.group, [])
        if gd.status is GroupStatus.MEETS and not own and gd.group not in ids.left_out.meetings:
            problems.append(
                Problem(
                    "group-meets-without-session",
                    f"theme group '{gd.group}' meets today, yet no session is its meeting",
                    (*base, "status"),
                    f"add its session with `group: {gd.group}`, or set the status to `not-meeting`",
                )
            )
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
            elif not ids.defines("session", gd.merged_into):
                problems.append(_unknown("session", gd.merged_into, (*base, "merged_into"), ids.sessions))
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


def plan_clashes(event: Event, left_out: LeftOut = NOTHING_LEFT_OUT) -> PlanClashes:
    """The rules of a plan that the invariants share with the scheduler's checker, broken: a room or a
    person in two places at once, a person with a part outside their availability. The problems' paths
    point into the event as built; `plan_problems` gives them as paths into the document."""
    return _plan_clashes(event, _Ids.of(event, left_out))


def plan_problems(event: Event, left_out: LeftOut = NOTHING_LEFT_OUT) -> list[Problem]:
    """`plan_clashes` as problems of the file."""
    return _in_document(plan_clashes(event, left_out).problems(), left_out)


def check_event(
    event: Event, *, plan_rules: bool = True, left_out: LeftOut = NOTHING_LEFT_OUT
) -> list[Problem]:
    """Return every broken invariant of `event`, in a stable order (empty when the event is sound).

    With `plan_rules` False, the rules a plan may break and the scheduler repairs (a room or a person
    in two places at once, a person outside their availability) are left to `netwerkdag.scheduling`,
    which reports them by rule name: `check` and `schedule` read plans that break them. `left_out`: the
    parts of the document the event was built without (see the module's docstring)."""
    ids = _Ids.of(event, left_out)
    problems = (
        _check_ids(event, left_out)
        + _check_network(event, ids)
        + _check_grid(event)
        + _check_clock_times(event)
    )
    if event.host is not None and not ids.defines("organisation", event.host):
        problems.append(_unknown("organisation", event.host, ("event", "host"), ids.organisations))
    for i, session in enumerate(event.sessions):
        problems += _check_session_refs(event, ids, i, session)
        problems += _check_session_times(event, ids, i, session)
    problems += _check_combined(event)
    if plan_rules:
        problems += _plan_clashes(event, ids).problems()
    problems += _check_availability(event, ids)
    problems += _check_group_days(event, ids)
    problems += _check_networking(event, ids, left_out)
    return _in_document(problems, left_out)


def _in_document(problems: list[Problem], left_out: LeftOut) -> list[Problem]:
    """`problems` with their paths pointing into the document, past the entries left out of it."""
    if not left_out.positions:
        return problems
    return [replace(p, path=left_out.path(p.path)) for p in problems]
