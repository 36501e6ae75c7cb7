"""Meetings at the tables of a networking space (issue 20): a table and a time for every accepted meeting.

A *meeting* is asked for by one person with one or more others, for a number of minutes. It is *placed* at one
table of the space, at one start on the space's grid, when every rule holds:

- **open**: it starts on the grid of an open window (every `step` minutes from the window's start) and ends
  inside that window;
- **table capacity**: the table seats everyone in it, and holds one meeting at a time;
- **busy**: nobody in it is in a session then (a session they registered for, or one they have a part in);
- **transfer**: everyone has the space's transfer minutes between a session and the meeting, before and after;
- **availability**: everyone in it is at the event then (the event file's availability, where it has some);
- **one meeting at a time**: nobody is in two meetings at once.

Each rule is one object: its `check` judges a plan and its `post` builds the CP-SAT model from the same
definition (the rules that look at one placement alone share `blocker`, which both use).

The objective, in stages (each optimised, then kept for the stages after it):
1. the most meetings placed; when some were announced already (a re-placement), those first: no announced
   meeting is dropped to place new ones;
2. the fewest announced meetings moved (to another table or time, or dropped);
3. earlier requests first: a placed meeting weighs more the earlier it was asked (its `order`);
4. the fewest table changes: for everyone with several meetings, as few different tables as possible.

The model is time-indexed: one Boolean per meeting and possible start, one per meeting and table that seats
it. Every rule that concerns two meetings at once is posted as a no-overlap of optional intervals and, where
the model stays small, also as its linear cover at every possible start (at most k of the meetings that
cover a moment), which gives the solver the bound that proves stage 1.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cached_property
from types import MappingProxyType
from typing import Any, ClassVar, Protocol

from ortools.sat.python import cp_model

from netwerkdag.core.event import Event
from netwerkdag.core.networking import Busy, Meeting, NetworkingSpace, Placement, Table
from netwerkdag.core.sessions import PRESENT_ROLES
from netwerkdag.core.timegrid import Window

__all__ = [
    "Broken",
    "Busy",
    "Meeting",
    "MeetingProblem",
    "Placement",
    "Result",
    "Status",
    "Unplaced",
    "check",
    "problem_of",
    "solve",
]

#: Meetings x tables up to which a re-placement keeps the tables in the model (`_Model.pooled`).
SMALL_RE_PLACEMENT = 2_000
#: Above this many terms the linear covers are left out (the no-overlaps alone keep the rules).
COVER_TERMS = 400_000


@dataclass(frozen=True)
class MeetingProblem:
    """What placing is made of. `busy[person]`: the sessions they are in; `available[person]`: when they are
    at the event (all the time when absent); `announced[meeting]`: where people were told it takes place."""

    space: NetworkingSpace
    meetings: tuple[Meeting, ...]
    busy: Mapping[str, tuple[Busy, ...]] = field(default_factory=dict)
    available: Mapping[str, tuple[Window, ...]] = field(default_factory=dict)
    announced: Mapping[str, Placement] = field(default_factory=dict)
    _by_id: Mapping[str, Meeting] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", MappingProxyType({m.id: m for m in self.meetings}))

    def meeting(self, id: str) -> Meeting:
        return self._by_id[id]


def problem_of(
    event: Event,
    meetings: Sequence[Meeting],
    registrations: Mapping[str, Iterable[str]],
    *,
    space: str | None = None,
    announced: Mapping[str, Placement] | None = None,
) -> MeetingProblem:
    """The placing problem of `meetings` in a networking space of `event` (`space`, default its first).
    `registrations[person]` are the sessions the person registered for; people with a part in a session
    (chair, speaker, guest ...) are busy in it too; the event file's availability says when people are there.
    An unknown session id is a ValueError (the readers check the files first)."""
    if space is None:
        if not event.networking:
            raise ValueError(f"the event {event.slug} has no networking space")
        chosen = event.networking[0]
    else:
        chosen = event.networking_space(space)
    for m in meetings:
        if len(set(m.people)) != len(m.people):
            raise ValueError(f"meeting '{m.id}' names a person twice")
    people = {p for m in meetings for p in m.people}
    busy: dict[str, set[Busy]] = defaultdict(set)
    for person, sessions in registrations.items():
        if person not in people:
            continue
        for session_id in sessions:
            if not event.has_session(session_id):
                raise ValueError(f"unknown session '{session_id}'")
            s = event.session(session_id)
            busy[person].add(Busy(s.start, s.end, s.id))
    for s in event.sessions:
        for part in s.participants:
            if part.role in PRESENT_ROLES and part.person in people:
                busy[part.person].add(Busy(s.start, s.end, s.id))
    available = {p: tuple(ws) for p, ws in event.availability.items() if p in people and ws}
    return MeetingProblem(
        chosen,
        tuple(meetings),
        {p: tuple(sorted(b, key=lambda x: (x.start, x.end, x.what))) for p, b in busy.items()},
        available,
        dict(announced or {}),
    )


# --- the rules ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Broken:
    """A rule a plan breaks: the rule's name, a sentence, the people and meetings it concerns."""

    rule: str
    message: str
    people: tuple[str, ...] = ()
    meetings: tuple[str, ...] = ()


def _hhmm(moment: datetime) -> str:
    return moment.strftime("%H:%M")


class _Model:
    """The CP-SAT model under construction: the candidates the rules leave, and the variables on them."""

    def __init__(self, problem: MeetingProblem, origin: datetime):
        self.problem = problem
        self.origin = origin
        self.cp = cp_model.CpModel()
        # Candidates before the rules filter them: the grid's starts and every table.
        self.starts: dict[str, list[datetime]] = {
            m.id: list(problem.space.starts(m.minutes)) for m in problem.meetings
        }
        self.tables: dict[str, list[Table]] = {m.id: list(problem.space.tables) for m in problem.meetings}
        self.x: dict[tuple[str, datetime], cp_model.IntVar] = {}
        self.y: dict[tuple[str, str], cp_model.IntVar] = {}
        self.placed: dict[str, cp_model.IntVar] = {}
        self.start: dict[str, cp_model.IntVar] = {}
        #: Whether the model has a Boolean per meeting and start (`build_variables`).
        self.indexed = False
        self.intervals: dict[str, cp_model.IntervalVar] = {}
        self.table_intervals: dict[tuple[str, str], cp_model.IntervalVar] = {}

    def minute(self, moment: datetime) -> int:
        """Minutes from the origin, in real time (UTC): wall-clock subtraction in one zone would lose or
        gain the hour of a summer-time change, and a moment may come in another zone (the database's UTC)."""
        return int((moment.astimezone(UTC) - self.origin.astimezone(UTC)).total_seconds() // 60)

    def keep_starts(self, meeting: Meeting, allowed: Callable[[datetime], bool]) -> None:
        self.starts[meeting.id] = [s for s in self.starts[meeting.id] if allowed(s)]

    def keep_tables(self, meeting: Meeting, allowed: Callable[[Table], bool]) -> None:
        self.tables[meeting.id] = [t for t in self.tables[meeting.id] if allowed(t)]

    def placeable(self, meeting: Meeting) -> bool:
        return bool(self.starts[meeting.id]) and bool(self.tables[meeting.id])

    @cached_property
    def alike(self) -> bool:
        """Whether every table seats every meeting that can be placed. Then which table a meeting gets does
        not matter for the rules: at most as many meetings at once as there are tables is enough (meetings
        are intervals: as many overlapping at the busiest moment as tables can always be given one table
        each, in order of start). Read once the rules have narrowed the candidates (`build_variables`)."""
        every = len(self.problem.space.tables)
        return all(len(self.tables[m.id]) == every for m in self.problem.meetings if self.placeable(m))

    @cached_property
    def pooled(self) -> bool:
        """Whether the tables are given after the times (`_seat`): when they are `alike`, except on a
        small re-placement. Times that fit the tables can still force an announced meeting off its table
        (another time would have kept it), which only a model with the tables sees; on a large day that
        model is too slow (the G40 benchmark day: no plan in 10 s), so its tables come after the times,
        the stage `kept` keeps announced times, and a table move it could not see leaves it unproven."""
        if not self.alike:
            return False
        announced = sum(1 for m in self.problem.announced if self.starts.get(m))
        size = sum(1 for m in self.problem.meetings if self.placeable(m)) * len(self.problem.space.tables)
        return not announced or size > SMALL_RE_PLACEMENT

    def build_variables(self) -> None:
        """The variables: per meeting whether it is placed, its start and its interval; per meeting and
        possible start a Boolean when the model is `indexed`; per meeting and table a Boolean unless the
        tables are `pooled`."""
        cp = self.cp
        pooled = self.pooled
        placeable = [m for m in self.problem.meetings if self.placeable(m)]
        self.indexed = self.alike and self.cover_terms(m.id for m in placeable) <= COVER_TERMS
        for m in placeable:
            # The start Booleans first: CP-SAT's default search branches on variables in the order they
            # are made, and on these it proves stage 1 fastest (Haarlem with 600 random requests: 4 s
            # against no proof in 10 s with `placed` first).
            xs = [cp.new_bool_var(f"x[{m.id},{s:%H%M}]") for s in self.starts[m.id]] if self.indexed else []
            placed = cp.new_bool_var(f"placed[{m.id}]")
            self.placed[m.id] = placed
            minutes = [self.minute(s) for s in self.starts[m.id]]
            start = cp.new_int_var_from_domain(cp_model.Domain.from_values(minutes), f"start[{m.id}]")
            self.start[m.id] = start
            if self.indexed:
                for s, var in zip(self.starts[m.id], xs, strict=True):
                    self.x[(m.id, s)] = var
                cp.add(sum(xs) == placed)
                cp.add(start == sum(v * var for v, var in zip(minutes, xs, strict=True))).only_enforce_if(
                    placed
                )
            self.intervals[m.id] = cp.new_optional_fixed_size_interval_var(
                start, m.minutes, placed, f"meeting[{m.id}]"
            )
            if pooled:
                continue
            ys = [cp.new_bool_var(f"y[{m.id},{t.id}]") for t in self.tables[m.id]]
            for t, var in zip(self.tables[m.id], ys, strict=True):
                self.y[(m.id, t.id)] = var
                self.table_intervals[(m.id, t.id)] = cp.new_optional_fixed_size_interval_var(
                    start, m.minutes, var, f"meeting[{m.id}]@{t.id}"
                )
            cp.add(sum(ys) == placed)

    def decisions(self) -> list[cp_model.IntVar]:
        """The variables a solution is given by (kept between stages as hints)."""
        return [*self.placed.values(), *self.start.values(), *self.x.values(), *self.y.values()]

    def announced_hint(self) -> dict[int, int]:
        """Values (by variable index) that put every announced meeting where it was announced, as far as
        its start and table are still possible: the first stage's starting point on a re-placement."""
        found = {}
        for m, p in self.problem.announced.items():
            if m not in self.placed or p.start not in self.starts[m]:
                continue
            if self.indexed:
                found[self.x[(m, p.start)].index] = 1
            else:
                found[self.placed[m].index] = 1
                found[self.start[m].index] = self.minute(p.start)
            if (m, p.table) in self.y:
                found[self.y[(m, p.table)].index] = 1
        return found

    def placed_at(self, meeting: str, start: datetime) -> cp_model.IntVar | None:
        """A Boolean that is true only when `meeting` is placed at `start` (None: it cannot start then)."""
        if start not in self.starts.get(meeting, ()) or meeting not in self.placed:
            return None
        if self.indexed:
            return self.x[(meeting, start)]
        there = self.cp.new_bool_var(f"at[{meeting},{start:%H%M}]")
        self.cp.add_implication(there, self.placed[meeting])
        self.cp.add(self.start[meeting] == self.minute(start)).only_enforce_if(there)
        return there

    def times(self, value: Callable[[cp_model.IntVar], int]) -> dict[str, datetime]:
        """The start of every placed meeting, by `value` of each variable."""
        found = {}
        for m, placed in self.placed.items():
            if value(placed):
                at = {self.minute(s): s for s in self.starts[m]}
                found[m] = at[value(self.start[m])]
        return found

    def covering(self, meeting_ids: Iterable[str]) -> dict[datetime, list[cp_model.IntVar]]:
        """Per moment at which one of the meetings may start, the start variables of theirs that cover
        it. Overlapping intervals always share such a moment (the latest start among them), so a bound on
        each of these sums bounds every set of meetings that overlap."""
        ids = [i for i in meeting_ids if i in self.placed]
        moments = sorted({s for i in ids for s in self.starts[i]})
        found: dict[datetime, list[cp_model.IntVar]] = defaultdict(list)
        for i in ids:
            length = timedelta(minutes=self.problem.meeting(i).minutes)
            for s in self.starts[i]:
                first = bisect_left(moments, s)
                last = bisect_left(moments, s + length)
                for moment in moments[first:last]:
                    found[moment].append(self.x[(i, s)])
        return found

    def cover_terms(self, meeting_ids: Iterable[str]) -> int:
        """An upper estimate of the terms `covering` would write."""
        ids = [i for i in meeting_ids if self.starts[i] and self.tables[i]]
        step = max(1, self.problem.space.step_minutes)
        return sum(len(self.starts[i]) * (-(-self.problem.meeting(i).minutes // step)) for i in ids)


class Rule(Protocol):
    """A rule: `check` judges a plan; `narrow` drops the candidate starts and tables it refuses, before the
    model's variables exist; `post` adds its constraints on them."""

    name: ClassVar[str]

    def check(self, problem: MeetingProblem, plan: Sequence[Placement]) -> list[Broken]: ...

    def narrow(self, problem: MeetingProblem, model: _Model) -> None: ...

    def post(self, problem: MeetingProblem, model: _Model) -> None: ...


class _OnePlacement:
    """A rule that looks at one placement alone: `blocker` says why a meeting cannot be at a table at a time
    (None when it can). `check` asks it of every placement; `post` drops the starts and tables it refuses."""

    name: ClassVar[str]
    #: Whether the rule looks at the table (else only at the time).
    about_tables: ClassVar[bool] = False

    def blocker(
        self, problem: MeetingProblem, meeting: Meeting, table: Table | None, start: datetime, end: datetime
    ) -> str | None:
        raise NotImplementedError

    def check(self, problem: MeetingProblem, plan: Sequence[Placement]) -> list[Broken]:
        found = []
        tables = {t.id: t for t in problem.space.tables}
        for p in plan:
            meeting = problem.meeting(p.meeting)
            reason = self.blocker(problem, meeting, tables.get(p.table), p.start, p.end)
            if reason is not None:
                found.append(Broken(self.name, reason, meeting.people, (meeting.id,)))
        return found

    def narrow(self, problem: MeetingProblem, model: _Model) -> None:
        for m in problem.meetings:
            length = timedelta(minutes=m.minutes)
            if self.about_tables:
                at = model.origin  # the table part looks at no time
                model.keep_tables(m, lambda t: self.blocker(problem, m, t, at, at + length) is None)  # noqa: B023
            else:
                model.keep_starts(m, lambda s: self.blocker(problem, m, None, s, s + length) is None)  # noqa: B023

    def post(self, problem: MeetingProblem, model: _Model) -> None:
        """Nothing beyond the candidates `narrow` left."""


class OpenTimes(_OnePlacement):
    """On the grid of an open window, inside it, at a table of the space, for the meeting's length."""

    name: ClassVar[str] = "open"

    def blocker(
        self, problem: MeetingProblem, meeting: Meeting, table: Table | None, start: datetime, end: datetime
    ) -> str | None:
        space = problem.space
        if end - start != timedelta(minutes=meeting.minutes):
            return f"meeting {meeting.id} lasts {meeting.minutes} minutes, not {_hhmm(start)}-{_hhmm(end)}"
        if start not in set(space.starts(meeting.minutes)):
            return (
                f"meeting {meeting.id} at {_hhmm(start)}-{_hhmm(end)} is not on the grid of {space.name}'s "
                f"open times (every {space.step_minutes} minutes, inside a window)"
            )
        return None

    def check(self, problem: MeetingProblem, plan: Sequence[Placement]) -> list[Broken]:
        found = super().check(problem, plan)
        known = {t.id for t in problem.space.tables}
        for p in plan:
            if p.table not in known:
                found.append(Broken(self.name, f"meeting {p.meeting} is at an unknown table '{p.table}'"))
        return found

    def narrow(self, problem: MeetingProblem, model: _Model) -> None:
        """The candidates are the grid's starts already (`_Model`): nothing to drop."""


class NotInSession(_OnePlacement):
    """Nobody in the meeting is in a session at the same time."""

    name: ClassVar[str] = "busy"

    def blocker(
        self, problem: MeetingProblem, meeting: Meeting, table: Table | None, start: datetime, end: datetime
    ) -> str | None:
        for person in meeting.people:
            for b in problem.busy.get(person, ()):
                if b.start < end and start < b.end:
                    return (
                        f"{person} is in {b.what} {_hhmm(b.start)}-{_hhmm(b.end)}, during meeting "
                        f"{meeting.id} at {_hhmm(start)}-{_hhmm(end)}"
                    )
        return None


class Transfer(_OnePlacement):
    """Everyone has the transfer time between a session and the meeting, before and after (a session
    that overlaps the meeting is the busy rule's)."""

    name: ClassVar[str] = "transfer"

    def blocker(
        self, problem: MeetingProblem, meeting: Meeting, table: Table | None, start: datetime, end: datetime
    ) -> str | None:
        gap = problem.space.transfer
        if not gap:
            return None
        for person in meeting.people:
            for b in problem.busy.get(person, ()):
                if b.start < end and start < b.end:
                    continue
                if b.start < end + gap and start - gap < b.end:
                    return (
                        f"{person} has less than {problem.space.transfer_minutes} minutes between {b.what} "
                        f"{_hhmm(b.start)}-{_hhmm(b.end)} and meeting {meeting.id} at "
                        f"{_hhmm(start)}-{_hhmm(end)}"
                    )
        return None


class Availability(_OnePlacement):
    """Everyone in the meeting is at the event then."""

    name: ClassVar[str] = "availability"

    def blocker(
        self, problem: MeetingProblem, meeting: Meeting, table: Table | None, start: datetime, end: datetime
    ) -> str | None:
        for person in meeting.people:
            windows = problem.available.get(person)
            if windows and not any(w.contains(start, end) for w in windows):
                shown = ", ".join(f"{_hhmm(w.start)}-{_hhmm(w.end)}" for w in windows)
                return (
                    f"{person} is there only {shown}, not for meeting {meeting.id} at "
                    f"{_hhmm(start)}-{_hhmm(end)}"
                )
        return None


def _overlapping_pairs(
    plan: Sequence[Placement], key: Callable[[Placement], Iterable[str]]
) -> Iterable[tuple[str, Placement, Placement]]:
    by_key: dict[str, list[Placement]] = defaultdict(list)
    for p in plan:
        for k in key(p):
            by_key[k].append(p)
    for k, placements in sorted(by_key.items()):
        ordered = sorted(placements, key=lambda p: (p.start, p.meeting))
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                if b.start >= a.end:
                    break
                yield k, a, b


class TableCapacity(_OnePlacement):
    """The table seats everyone in the meeting, and holds one meeting at a time."""

    name: ClassVar[str] = "table-capacity"
    about_tables: ClassVar[bool] = True

    def blocker(
        self, problem: MeetingProblem, meeting: Meeting, table: Table | None, start: datetime, end: datetime
    ) -> str | None:
        if table is not None and table.seats < len(meeting.people):
            return f"{table.name} seats {table.seats}, meeting {meeting.id} has {len(meeting.people)} people"
        return None

    def check(self, problem: MeetingProblem, plan: Sequence[Placement]) -> list[Broken]:
        found = super().check(problem, plan)
        for table, a, b in _overlapping_pairs(plan, lambda p: (p.table,)):
            found.append(
                Broken(
                    self.name,
                    f"meetings {a.meeting} ({_hhmm(a.start)}-{_hhmm(a.end)}) and {b.meeting} "
                    f"({_hhmm(b.start)}-{_hhmm(b.end)}) are both at {table}",
                    (),
                    (a.meeting, b.meeting),
                )
            )
        return found

    def post(self, problem: MeetingProblem, model: _Model) -> None:
        cp = model.cp
        tables = problem.space.tables
        if model.indexed:
            # Exactly the rule when every table seats every meeting (`_Model.alike`), and with table
            # variables too (a re-placement) the bound that proves the first stage.
            for terms in model.covering(model.placed).values():
                if len(terms) > len(tables):
                    cp.add(sum(terms) <= len(tables))
        elif model.alike:
            intervals = list(model.intervals.values())
            if len(intervals) > len(tables):
                cp.add_cumulative(intervals, [1] * len(intervals), len(tables))
        if model.pooled:
            return
        for t in tables:
            intervals = [iv for (m, table), iv in model.table_intervals.items() if table == t.id]
            if len(intervals) > 1:
                cp.add_no_overlap(intervals)
        if model.alike:
            return
        # Implied by the no-overlaps, and a help to the search: at any moment, the meetings that need at
        # least k seats are at most the tables with k seats or more (for every k that a meeting needs).
        for needed in sorted({len(m.people) for m in problem.meetings}):
            enough = sum(1 for t in tables if t.seats >= needed)
            intervals = [
                model.intervals[m.id]
                for m in problem.meetings
                if len(m.people) >= needed and m.id in model.intervals
            ]
            if len(intervals) > enough:
                cp.add_cumulative(intervals, [1] * len(intervals), enough)


class OneAtATime:
    """Nobody is in two meetings at once."""

    name: ClassVar[str] = "one-meeting-at-a-time"

    def check(self, problem: MeetingProblem, plan: Sequence[Placement]) -> list[Broken]:
        people = {m.id: m.people for m in problem.meetings}
        return [
            Broken(
                self.name,
                f"{person} is in meetings {a.meeting} ({_hhmm(a.start)}-{_hhmm(a.end)}) and {b.meeting} "
                f"({_hhmm(b.start)}-{_hhmm(b.end)}) at once",
                (person,),
                (a.meeting, b.meeting),
            )
            for person, a, b in _overlapping_pairs(plan, lambda p: people.get(p.meeting, ()))
        ]

    def narrow(self, problem: MeetingProblem, model: _Model) -> None:
        """Nothing to drop: one meeting alone never breaks it."""

    def post(self, problem: MeetingProblem, model: _Model) -> None:
        meetings_of = _meetings_of(problem, (m.id for m in problem.meetings if m.id in model.placed))
        several = {p: ids for p, ids in meetings_of.items() if len(ids) > 1}
        for ids in several.values():
            model.cp.add_no_overlap([model.intervals[i] for i in ids])
        if not model.indexed or sum(model.cover_terms(ids) for ids in several.values()) > COVER_TERMS:
            return
        for ids in several.values():
            for terms in model.covering(ids).values():
                if len(terms) > 1:
                    model.cp.add(sum(terms) <= 1)


def _meetings_of(problem: MeetingProblem, ids: Iterable[str]) -> dict[str, list[str]]:
    """Per person the meetings among `ids` they are in, in the order of `ids`."""
    found: dict[str, list[str]] = defaultdict(list)
    for m in ids:
        for person in problem.meeting(m).people:
            found[person].append(m)
    return found


#: The rules, in the order their problems are reported.
RULES: tuple[Rule, ...] = (
    OpenTimes(),
    TableCapacity(),
    NotInSession(),
    Transfer(),
    Availability(),
    OneAtATime(),
)


def check(problem: MeetingProblem, plan: Sequence[Placement]) -> list[Broken]:
    """Every rule `plan` breaks (empty for a valid plan), and meetings that are unknown or placed twice."""
    known = {m.id for m in problem.meetings}
    found = [
        Broken("unknown-meeting", f"meeting {p.meeting} was not asked for")
        for p in plan
        if p.meeting not in known
    ]
    seen: set[str] = set()
    for p in plan:
        if p.meeting in seen:
            found.append(Broken("placed-twice", f"meeting {p.meeting} is placed twice", (), (p.meeting,)))
        seen.add(p.meeting)
    plan = [p for p in plan if p.meeting in known]
    for rule in RULES:
        found += rule.check(problem, plan)
    return found


# --- solving ------------------------------------------------------------------------------------------------


class Status(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    UNKNOWN = "unknown"


class Measure(StrEnum):
    """The stages of the objective, in the order they are optimised (see the module's docstring)."""

    PLACED = "placed"  # meetings placed, announced ones first (max)
    KEPT = "kept"  # announced meetings at their table and time (max)
    EARLIER = "earlier"  # placed meetings weighed by how early they were asked (max)
    TABLES = "tables"  # (person, table) pairs of people with several meetings (min)


@dataclass(frozen=True, slots=True)
class Stage:
    measure: Measure
    value: int
    bound: int
    proven: bool
    wall_s: float = 0.0


@dataclass(frozen=True, slots=True)
class Unplaced:
    """A meeting without a table and time, and why: ``no-table`` (no table seats them all), ``too-long``
    (no opening of the tables is as long as the meeting), ``no-common-time`` (no start where everyone is
    free and there), ``taken`` (there are such starts, but tables or people are taken by other meetings
    then). `busy`: (person, start, end, what) that stand in the way: a session id, ``unavailable``
    (outside their availability), or ``meeting <id>``."""

    meeting: str
    reason: str
    busy: tuple[tuple[str, datetime, datetime, str], ...] = ()

    def message(self) -> str:
        shown = "; ".join(f"{p} {what} {_hhmm(s)}-{_hhmm(e)}" for p, s, e, what in self.busy[:12])
        more = f" and {len(self.busy) - 12} more" if len(self.busy) > 12 else ""
        if self.reason == "no-table":
            return f"meeting {self.meeting}: no table seats all its people"
        if self.reason == "too-long":
            return f"meeting {self.meeting}: no opening of the tables is as long as the meeting"
        if self.reason == "no-common-time":
            return (
                f"meeting {self.meeting}: its people are never free together while the tables are open "
                f"({shown}{more})"
            )
        return (
            f"meeting {self.meeting}: every time its people are free, the tables or they are taken "
            f"({shown}{more})"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "meeting": self.meeting,
            "reason": self.reason,
            "message": self.message(),
            "busy": [
                {"person": p, "start": s.isoformat(), "end": e.isoformat(), "what": what}
                for p, s, e, what in self.busy
            ],
        }


@dataclass(frozen=True)
class Result:
    """The plan found: placements, the meetings left out with why, the meetings placed and the proven most
    that can be (`bound`), announced meetings moved or dropped (`moved`), and every stage solved."""

    status: Status
    placements: tuple[Placement, ...]
    unplaced: tuple[Unplaced, ...]
    placed: int
    bound: int
    moved: int
    wall_s: float
    stages: tuple[Stage, ...] = ()

    def stage(self, measure: Measure) -> Stage | None:
        return next((s for s in self.stages if s.measure is measure), None)

    def table_changes(self, problem: MeetingProblem) -> int:
        """For everyone with meetings, the different tables they sit at minus one, summed."""
        tables: dict[str, set[str]] = defaultdict(set)
        for p in self.placements:
            for person in problem.meeting(p.meeting).people:
                tables[person].add(p.table)
        return sum(len(t) - 1 for t in tables.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "status": str(self.status),
            "placed": self.placed,
            "unplaced": len(self.unplaced),
            "bound": self.bound,
            "moved": self.moved,
            "wall_s": round(self.wall_s, 3),
            "stages": [
                {
                    "measure": str(s.measure),
                    "value": s.value,
                    "bound": s.bound,
                    "proven": s.proven,
                    "wall_s": round(s.wall_s, 3),
                }
                for s in self.stages
            ],
            "placements": [
                {
                    "meeting": p.meeting,
                    "table": p.table,
                    "start": p.start.isoformat(),
                    "end": p.end.isoformat(),
                }
                for p in self.placements
            ],
            "unplaced_meetings": [u.as_json() for u in self.unplaced],
        }


def _origin(space: NetworkingSpace) -> datetime:
    return min((w.start for w in space.open), default=datetime(2000, 1, 1).astimezone())


def _build(problem: MeetingProblem) -> _Model:
    model = _Model(problem, _origin(problem.space))
    for rule in RULES:
        rule.narrow(problem, model)
    model.build_variables()
    for rule in RULES:
        rule.post(problem, model)
    return model


class _Stages:
    """Solves one model stage after stage: each stage starts from the previous stage's solution (a hint)
    and keeps its value (>= or <=) for the stages after it."""

    def __init__(self, model: _Model, solver: cp_model.CpSolver, left: Callable[[], float]):
        self.model, self.solver, self.left = model, solver, left
        self.variables = model.decisions()
        self.values: list[int] | None = None
        self.stages: list[Stage] = []

    def run(
        self, measure: Measure, expr: cp_model.LinearExprT, *, maximize: bool, limit: float | None = None
    ) -> bool:
        cp, solver = self.model.cp, self.solver
        cp.maximize(expr) if maximize else cp.minimize(expr)
        cp.clear_hints()  # type: ignore[no-untyped-call]
        if self.values is not None:
            for var, value in zip(self.variables, self.values, strict=True):
                cp.add_hint(var, value)
        else:  # nothing placed (always a solution) but the announced meetings where they were
            first = self.model.announced_hint()
            for var in (*self.model.x.values(), *self.model.y.values()):
                cp.add_hint(var, first.get(var.index, 0))
            for var in (*self.model.placed.values(), *self.model.start.values()):
                if var.index in first:
                    cp.add_hint(var, first[var.index])
        solver.parameters.max_time_in_seconds = self.left() if limit is None else min(limit, self.left())
        began = time.perf_counter()
        status = solver.solve(cp)
        took = time.perf_counter() - began
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            self.stages.append(Stage(measure, 0, 0, proven=False, wall_s=took))
            return False
        value = round(solver.objective_value)
        bound = round(solver.best_objective_bound)
        self.stages.append(Stage(measure, value, bound, status == cp_model.OPTIMAL, took))
        self.values = [solver.value(v) for v in self.variables]
        cp.add(expr >= value) if maximize else cp.add(expr <= value)
        return True

    def add(self, variable: cp_model.IntVar, value: int) -> None:
        """A variable a later stage adds, with its value in the solution so far (for the hints)."""
        self.variables.append(variable)
        if self.values is not None:
            self.values.append(value)

    def value(self) -> Callable[[cp_model.IntVar], int]:
        """Each variable's value in the last solution."""
        found = {v.index: x for v, x in zip(self.variables, self.values or [], strict=False)}
        return lambda v: found.get(v.index, 0)


def solve(problem: MeetingProblem, *, time_limit: float = 10.0, workers: int = 2, seed: int = 0) -> Result:
    """The best plan by the stages of the module's docstring, each optimised in turn within `time_limit`
    seconds in all."""
    started = time.perf_counter()
    model = _build(problem)
    cp = model.cp
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed

    def left() -> float:
        return max(0.01, time_limit - (time.perf_counter() - started))

    stages = _Stages(model, solver, left)
    placed = model.placed
    announced = {m: p for m, p in problem.announced.items() if m in placed}
    new = [m for m in placed if m not in announced]
    # Stage 1: an announced meeting outweighs all new ones together.
    weight = len(new) + 1 if announced else 1
    found = stages.run(
        Measure.PLACED,
        sum(weight * placed[m] for m in announced) + sum(placed[m] for m in new),
        maximize=True,
    )
    if found and announced:
        kept = []
        value = stages.value()
        for m, p in announced.items():
            # Pooled tables are given after the times (`_seat`), which keeps the announced ones it can.
            x = model.placed_at(m, p.start)
            y = model.y.get((m, p.table)) if not model.pooled else x
            if x is None or y is None:
                continue
            same = cp.new_bool_var(f"kept[{m}]")
            cp.add_implication(same, x)
            cp.add_implication(same, y)
            kept.append(same)
            was_there = value(placed[m]) and value(model.start[m]) == model.minute(p.start)
            stages.add(same, int(bool(was_there) and (model.pooled or bool(value(y)))))
        found = stages.run(Measure.KEPT, sum(kept), maximize=True)
    if found:
        ranked = sorted(placed, key=lambda m: (problem.meeting(m).order, m))
        found = stages.run(
            Measure.EARLIER,
            sum((len(ranked) - i) * placed[m] for i, m in enumerate(ranked)),
            maximize=True,
        )
    values = stages.values
    # Fewer table changes is the least of the stages: it gets a fifth of the time (at least half a second).
    tables_limit = max(0.5, time_limit / 5)
    if found and not model.pooled:
        _table_changes_stage(problem, model, stages, min(left(), tables_limit))
        values = stages.values
    plan: tuple[Placement, ...] = ()
    if values is not None:
        value = stages.value()
        times = model.times(value)
        if model.pooled:
            tables, seated = _seat(problem, times, solver, lambda: min(left(), tables_limit))
            stages.stages.append(seated)
        else:
            tables = {m: next(t.id for t in model.tables[m] if value(model.y[(m, t.id)])) for m in times}
        plan = tuple(
            sorted(
                (
                    Placement(m, tables[m], start, start + timedelta(minutes=problem.meeting(m).minutes))
                    for m, start in times.items()
                ),
                key=lambda p: (p.start, p.table, p.meeting),
            )
        )
    wall = time.perf_counter() - started
    first = stages.stages[0] if stages.stages else None
    count = len(plan)
    # Nothing found in time: nothing is known of the most that can be placed beyond the meetings there are.
    bound = len(placed)
    if values is not None:
        bound = _count_bound(problem, model, first, count, weight, len(announced))
    at = {p.meeting: p for p in plan}
    moved = sum(1 for m, p in problem.announced.items() if at.get(m) != p)
    unplaced = tuple(_why(problem, model, m, plan) for m in problem.meetings if m.id not in at)
    if model.pooled and announced:
        # The stage kept announced times; a table the seating could not keep is a move it did not see.
        where_told = sum(1 for m, p in announced.items() if at.get(m) == p)
        for i, stage in enumerate(stages.stages):
            if stage.measure is Measure.KEPT and where_told < stage.value:
                stages.stages[i] = Stage(Measure.KEPT, where_told, stage.bound, False, stage.wall_s)
    proven = bool(stages.stages) and all(s.proven for s in stages.stages)
    status = Status.UNKNOWN if values is None else Status.OPTIMAL if proven else Status.FEASIBLE
    return Result(status, plan, unplaced, count, bound, moved, wall, tuple(stages.stages))


def _table_changes_stage(problem: MeetingProblem, model: _Model, stages: _Stages, limit: float) -> None:
    cp = model.cp
    value = stages.value()
    meetings_of = _meetings_of(problem, (m.id for m in problem.meetings if m.id in model.placed))
    pairs = []
    for person, ids in sorted(meetings_of.items()):
        if len(ids) < 2:
            continue
        for t in problem.space.tables:
            ys = [model.y[(i, t.id)] for i in ids if (i, t.id) in model.y]
            if not ys:
                continue
            sits = cp.new_bool_var(f"sits[{person},{t.id}]")
            for y in ys:
                cp.add_implication(y, sits)
            pairs.append(sits)
            stages.add(sits, int(any(value(y) for y in ys)))
    if pairs:
        stages.run(Measure.TABLES, sum(pairs), maximize=False, limit=limit)


def _seat(
    problem: MeetingProblem,
    times: Mapping[str, datetime],
    solver: cp_model.CpSolver,
    left: Callable[[], float],
) -> tuple[dict[str, str], Stage]:
    """Tables for meetings whose times are set, when every table seats every one of them (`_Model.pooled`):
    first keep announced meetings at their table where their time stayed, then the fewest (person, table)
    pairs for people with several meetings. Starts from a greedy seating, which always exists (meetings in
    order of start, each at a free table, preferring one its people already sit at)."""
    began = time.perf_counter()
    order = sorted(times, key=lambda m: (times[m], m))
    length = {m: timedelta(minutes=problem.meeting(m).minutes) for m in order}
    tables = [t.id for t in problem.space.tables]
    announced = {
        m: p.table
        for m, p in problem.announced.items()
        if m in times and p.start == times[m] and p.table in tables
    }
    greedy: dict[str, str] = {}
    free_at = {t: datetime.min.replace(tzinfo=times[order[0]].tzinfo) for t in tables} if order else {}
    sat: dict[str, set[str]] = defaultdict(set)
    for m in order:
        free = [t for t in tables if free_at[t] <= times[m]]
        people = problem.meeting(m).people
        wanted = announced.get(m)
        best = (
            wanted
            if wanted in free
            else max(free, key=lambda t: (sum(t in sat[p] for p in people), -tables.index(t)))
        )
        greedy[m] = best
        free_at[best] = times[m] + length[m]
        for p in people:
            sat[p].add(best)
    cp = cp_model.CpModel()
    y = {(m, t): cp.new_bool_var(f"y[{m},{t}]") for m in order for t in tables}
    for m in order:
        cp.add_exactly_one(y[(m, t)] for t in tables)
    if not announced:  # the tables are alike: the i-th meeting by start needs none beyond the i-th table
        for i, m in enumerate(order):
            for t in tables[i + 1 :]:
                cp.add(y[(m, t)] == 0)
    moments = sorted(set(times.values()))
    for moment in moments:
        covering = [m for m in order if times[m] <= moment < times[m] + length[m]]
        if len(covering) > 1:
            for t in tables:
                cp.add_at_most_one(y[(m, t)] for m in covering)
    meetings_of = _meetings_of(problem, order)
    pairs = []
    for p, ms in sorted(meetings_of.items()):
        if len(ms) < 2:
            continue
        sits = [cp.new_bool_var(f"sits[{p},{t}]") for t in tables]
        for t, var in zip(tables, sits, strict=True):
            for m in ms:
                cp.add_implication(y[(m, t)], var)
        cp.add(sum(sits) >= 1)
        pairs += sits
    moved = [y[(m, t)].Not() for m, t in announced.items()]
    weight = len(pairs) + 1
    cp.minimize(weight * sum(moved) + sum(pairs))
    for (m, t), var in y.items():
        cp.add_hint(var, int(greedy[m] == t))
    solver.parameters.max_time_in_seconds = left()
    status = solver.solve(cp)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        seated = {m: next(t for t in tables if solver.value(y[(m, t)])) for m in order}
        value = _pairs(problem, seated)
        # Everyone with several meetings sits at one table at least: a bound the solver may not reach.
        bound = max(
            len([p for p, ms in meetings_of.items() if len(ms) > 1]),
            0 if moved else round(solver.best_objective_bound),
        )
        proven = status == cp_model.OPTIMAL or (
            value == bound and all(seated[m] == t for m, t in announced.items())
        )
        if proven:  # with announced tables the solver's objective weighs them too: its bound is not ours
            bound = value
    else:
        seated = greedy
        value, bound, proven = _pairs(problem, greedy), 0, False
    return seated, Stage(Measure.TABLES, value, bound, proven, time.perf_counter() - began)


def _pairs(problem: MeetingProblem, tables: Mapping[str, str]) -> int:
    """The (person, table) pairs of people with several meetings."""
    sat: dict[str, set[str]] = defaultdict(set)
    count: dict[str, int] = defaultdict(int)
    for m, t in tables.items():
        for p in problem.meeting(m).people:
            sat[p].add(t)
            count[p] += 1
    return sum(len(sat[p]) for p in sat if count[p] > 1)


def _count_bound(
    problem: MeetingProblem, model: _Model, first: Stage | None, count: int, weight: int, announced: int
) -> int:
    """The proven most meetings that can be placed: the count found when stage 1 is proven; else from
    the stage's bound (weights undone: an announced meeting weighs `weight`)."""
    possible = len(model.placed)
    if first is None:
        return possible
    if first.proven:
        return count
    if not announced:
        return min(possible, first.bound)
    # The bound B >= weight * a + n for a announced and n new meetings placed: a + n is largest with as
    # many new ones as B allows and the announced ones in what is left.
    new = min(possible - announced, first.bound)
    return new + min(announced, max(0, first.bound - new) // weight)


def _why(problem: MeetingProblem, model: _Model, meeting: Meeting, plan: Sequence[Placement]) -> Unplaced:
    if not model.tables[meeting.id]:
        return Unplaced(meeting.id, "no-table")
    space = problem.space
    if next(space.starts(meeting.minutes), None) is None:
        return Unplaced(meeting.id, "too-long")
    opening = list(space.open)
    if not model.starts[meeting.id]:
        found: list[tuple[str, datetime, datetime, str]] = []
        for person in meeting.people:
            for b in problem.busy.get(person, ()):
                if any(
                    b.start < w.end + space.transfer and w.start - space.transfer < b.end for w in opening
                ):
                    found.append((person, b.start, b.end, b.what))
            windows = problem.available.get(person)
            if windows:
                for w in opening:
                    cursor = w.start
                    for a in sorted(windows, key=lambda a: a.start):
                        if a.start > cursor:
                            found.append((person, cursor, min(a.start, w.end), "unavailable"))
                        cursor = max(cursor, a.end)
                    if cursor < w.end:
                        found.append((person, cursor, w.end, "unavailable"))
        return Unplaced(meeting.id, "no-common-time", tuple(sorted(found, key=lambda f: (f[1], f[0]))))
    others = []
    people = set(meeting.people)
    for p in plan:
        sharing = people & set(problem.meeting(p.meeting).people)
        for person in sorted(sharing):
            others.append((person, p.start, p.end, f"meeting {p.meeting}"))
    return Unplaced(meeting.id, "taken", tuple(sorted(others, key=lambda f: (f[1], f[0]))))
