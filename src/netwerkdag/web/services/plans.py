"""What an organiser judges around a scheduler run: what a plan costs the people, what stays where it is,
and whom a new plan would move.

- `figures`: a plan's conflicts by the scheduler's own measure (`scheduling.report`, the code behind
  `netwerkdag check`): the weighted total, the people with a clash, the pairs of sessions that clash most,
  and the rooms too small (the rule `room-capacity` of `scheduling.rules`).
- `rounds` and `with_pins`: the sessions the scheduler may move, round by round, and the organiser's
  choice for each, written into the draft as the event file's `pin:` (the event file stays the source of
  the programme, and `netwerkdag schedule` on the downloaded draft keeps the same sessions in place).
  "Keep these sessions together in one round" is read as: each of them stays in the round it is in now
  (`pin: block`). Keeping a group together in whichever round the search chooses would need the search
  to move groups, which it does not.
- `moved_registrations`: the people already registered for a session that a plan moves.

Texts for pages (places, rounds) are in the language active for the request.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.core.interests import Interests
from netwerkdag.core.sessions import Pin, Session, default_pin
from netwerkdag.core.timegrid import Block
from netwerkdag.files.dump import dump_event
from netwerkdag.publish.i18n import format_day, format_time_range
from netwerkdag.scheduling import report
from netwerkdag.scheduling.instance import parallel_blocks, seats_needed
from netwerkdag.scheduling.rules import PlanView, check_plan
from netwerkdag.web import i18n, models
from netwerkdag.web.services.programme import event_from_document

#: Pairs of sessions kept per plan (the heaviest); pages show the first few and count the rest.
KEPT_CLASHES = 50


# --- what a plan costs --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Clash:
    """Two sessions at the same time, and the people who want both (weighted as the scheduler weighs)."""

    first: str
    second: str
    people: int
    weight: int


@dataclass(frozen=True, slots=True)
class TooSmall:
    """A session whose room seats fewer than it expects (with the margin)."""

    session: str
    room: str
    expected: int
    capacity: int


@dataclass(frozen=True, slots=True)
class Figures:
    """A plan's conflicts: `weighted` is the number the scheduler minimises (`netwerkdag check`'s
    "conflicts"), `pairs` the (person, two sessions) clashes, `people` those with at least one."""

    weighted: int
    pairs: int
    people: int
    session_pairs: int
    clashes: tuple[Clash, ...]
    too_small: tuple[TooSmall, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "weighted": self.weighted,
            "pairs": self.pairs,
            "people": self.people,
            "session_pairs": self.session_pairs,
            "clashes": [[c.first, c.second, c.people, c.weight] for c in self.clashes],
            "too_small": [[t.session, t.room, t.expected, t.capacity] for t in self.too_small],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Figures:
        return cls(
            int(data["weighted"]),
            int(data["pairs"]),
            int(data["people"]),
            int(data["session_pairs"]),
            tuple(Clash(str(a), str(b), int(n), int(w)) for a, b, n, w in data["clashes"]),
            tuple(TooSmall(str(s), str(r), int(e), int(c)) for s, r, e, c in data["too_small"]),
        )


def figures(core: CoreEvent, interests: Interests) -> Figures:
    """The conflicts and the rooms too small of the plan `core`, for these interests."""
    found = report.conflicts(core, interests)
    people: dict[tuple[str, str], set[str]] = {}
    weights: dict[tuple[str, str], int] = {}
    for c in found:
        pair = (c.first, c.second)
        people.setdefault(pair, set()).add(c.person)
        weights[pair] = weights.get(pair, 0) + c.weight
    heaviest = sorted(weights, key=lambda p: (-weights[p], -len(people[p]), p))
    seats = seats_needed(core, interests)
    too_small = []
    for violation in check_plan(PlanView(core, seats)):
        if violation.rule != "room-capacity":
            continue
        session = core.session(violation.sessions[0])
        room = core.room_of(session)
        if room is not None:
            too_small.append(TooSmall(session.id, room.id, seats.get(session.id, 0), room.capacity))
    return Figures(
        report.weighted(found),
        len(found),
        len({c.person for c in found}),
        len(weights),
        tuple(Clash(a, b, len(people[(a, b)]), weights[(a, b)]) for a, b in heaviest[:KEPT_CLASHES]),
        tuple(too_small),
    )


# --- texts for the pages ------------------------------------------------------------------------------------


def round_label(core: CoreEvent, block: Block) -> str:
    """ "Ronde 2 · 11.40-12.40" (the block's own label instead of the number when it has one)."""
    lang = i18n.current()
    numbers = {b.id: n for n, b in enumerate(parallel_blocks(core), start=1)}
    if block.label:
        name = block.label
    elif block.id in numbers:
        name = i18n.gettext("Round %(n)s", n=numbers[block.id])
    else:
        name = ""
    when = format_time_range(block.start, block.end, lang)
    if len(core.days) > 1:
        when = f"{format_day(block.start.date(), lang)} {when}"
    return f"{name} · {when}" if name else when


def place(core: CoreEvent, session: Session) -> str:
    """Where and when a session is: "Ronde 2 · 11.40-12.40 · Zaal 3" (its own times when they differ)."""
    lang = i18n.current()
    parts = []
    if session.block is not None and core.has_block(session.block):
        block = core.block(session.block)
        parts.append(round_label(core, block))
        if (session.start, session.end) != (block.start, block.end):
            parts.append(format_time_range(session.start, session.end, lang))
    else:
        parts.append(format_time_range(session.start, session.end, lang))
    room = core.room_of(session)
    parts.append(room.name if room is not None else i18n.gettext("the whole venue"))
    return " · ".join(parts)


@dataclass(frozen=True, slots=True)
class ClashLine:
    first: str
    second: str
    people: int
    weight: int
    when: str
    same_round: bool


@dataclass(frozen=True, slots=True)
class SmallRoomLine:
    title: str
    room: str
    expected: int
    capacity: int
    when: str


@dataclass(frozen=True, slots=True)
class Described:
    """A plan's figures with titles, rooms and times for a page."""

    figures: Figures
    clashes: tuple[ClashLine, ...]
    too_small: tuple[SmallRoomLine, ...]

    @property
    def more_pairs(self) -> int:
        return self.figures.session_pairs - len(self.clashes)


def describe(core: CoreEvent, found: Figures, top: int = 8) -> Described:
    def when(a: Session, b: Session) -> tuple[str, bool]:
        if a.block is not None and a.block == b.block and core.has_block(a.block):
            return round_label(core, core.block(a.block)), True
        late, early = max(a, b, key=lambda s: s.start), min(a, b, key=lambda s: s.end)
        return format_time_range(late.start, early.end, i18n.current()), False

    clashes = []
    for c in found.clashes[:top]:
        if core.has_session(c.first) and core.has_session(c.second):
            a, b = core.session(c.first), core.session(c.second)
            clashes.append(ClashLine(a.title, b.title, c.people, c.weight, *when(a, b)))
    small = []
    for t in found.too_small:
        if core.has_session(t.session) and core.has_room(t.room):
            s = core.session(t.session)
            small.append(
                SmallRoomLine(s.title, core.room(t.room).name, t.expected, t.capacity, place(core, s))
            )
    return Described(found, tuple(clashes), tuple(small))


# --- what stays where it is ---------------------------------------------------------------------------------


def may_move(core: CoreEvent, session: Session) -> bool:
    """A session the organiser decides about: one in a room in a parallel round that the scheduler moves
    by default, or one whose file already says more or less than its default."""
    in_round = session.block in {b.id for b in parallel_blocks(core)}
    if not in_round or session.room is None or session.venue_wide or session.all_day:
        return False
    default = default_pin(session.kind, True, all_day=session.all_day, venue_wide=session.venue_wide)
    return default is Pin.FREE or session.pin is not Pin.BOTH


@dataclass(frozen=True, slots=True)
class Round:
    """A parallel round: the sessions the organiser decides about, and those that stay by the file."""

    block: Block
    label: str
    movable: tuple[Session, ...]
    fixed: tuple[Session, ...]

    @property
    def together(self) -> bool:
        """Every session of the round stays in it."""
        return bool(self.movable) and all(s.pin.keeps_block for s in self.movable)


def rounds(core: CoreEvent) -> list[Round]:
    rooms = {r.id: n for n, r in enumerate(core.rooms)}
    found = []
    for block in parallel_blocks(core):
        here = sorted(
            (s for s in core.sessions if s.block == block.id),
            key=lambda s: (rooms.get(s.room or "", len(rooms)), s.id),
        )
        movable = tuple(s for s in here if may_move(core, s))
        fixed = tuple(s for s in here if s not in movable)
        found.append(Round(block, round_label(core, block), movable, fixed))
    return found


def chosen_pins(core: CoreEvent, choices: Mapping[str, Pin], together: Collection[str]) -> dict[str, Pin]:
    """The pin of every session the organiser decides about: its choice (else what it has now), and at
    least its round for the sessions of a round kept together."""
    pins = {}
    for session in core.sessions:
        if not may_move(core, session):
            continue
        pin = choices.get(session.id, session.pin)
        if session.block in together and not pin.keeps_block:
            pin = Pin.BOTH if pin is Pin.ROOM else Pin.BLOCK
        pins[session.id] = pin
    return pins


def with_pins(core: CoreEvent, pins: Mapping[str, Pin]) -> tuple[str | None, dict[str, str]]:
    """The draft with these pins, as an event file read back with every rule of a file; None when no pin
    changes. Also returns what changed, {session: new pin}. Raises `NetwerkdagError` with every problem."""
    changed = {
        s.id: pins[s.id] for s in core.sessions if s.id in pins and may_move(core, s) and pins[s.id] != s.pin
    }
    if not changed:
        return None, {}
    sessions = tuple(
        dataclasses.replace(s, pin=changed[s.id]) if s.id in changed else s for s in core.sessions
    )
    text = dump_event(dataclasses.replace(core, sessions=sessions))
    event_from_document(text, "concept")
    return text, {k: v.value for k, v in changed.items()}


# --- whom a plan moves --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Move:
    """A session the plan moves, where it is and would be, and how many people are registered for it."""

    session: str
    title: str
    before: str
    after: str
    registered: int


@dataclass(frozen=True, slots=True)
class Moves:
    moves: tuple[Move, ...]
    #: Different people registered for a session the plan moves.
    people: int
    #: Of those, people who would then be registered for two sessions at the same time.
    double: int

    @property
    def with_registrations(self) -> tuple[Move, ...]:
        return tuple(m for m in self.moves if m.registered)


def _placement(session: Session) -> tuple[object, ...]:
    return (session.start, session.end, session.room, session.venue_wide)


def moved_registrations(event: models.Event, before: CoreEvent, after: CoreEvent) -> Moves:
    """The sessions of `after` at another time or in another room than in `before`, with the people
    registered for each (their `Registration` rows)."""
    moved = [
        s
        for s in after.sessions
        if before.has_session(s.id) and _placement(before.session(s.id)) != _placement(s)
    ]
    rows = models.Registration.objects.filter(seats__event=event).values_list(
        "invitee_id", "seats__session_id"
    )
    held: dict[int, set[str]] = {}
    for invitee_id, session_id in rows:
        held.setdefault(invitee_id, set()).add(session_id)
    ids = {s.id for s in moved}
    count = {s.id: 0 for s in moved}
    concerned = 0
    double = 0
    for sessions in held.values():
        mine = sessions & ids
        if not mine:
            continue
        concerned += 1
        for session_id in mine:
            count[session_id] += 1
        windows = sorted(
            (after.session(i) for i in sessions if after.has_session(i)), key=lambda s: (s.start, s.id)
        )
        if any(
            (a.id in ids or b.id in ids)
            and a.window.overlaps(b.window)
            and a.id not in b.combined_with
            and b.id not in a.combined_with
            for n, a in enumerate(windows)
            for b in windows[n + 1 :]
        ):
            double += 1
    moves = tuple(
        Move(s.id, s.title, place(before, before.session(s.id)), place(after, s), count[s.id]) for s in moved
    )
    return Moves(moves, concerned, double)
