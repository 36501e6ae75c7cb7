"""The CP-SAT model: which slot each movable session takes (docs/decisions/0002-scheduler-model.md).

Rooms are not decided here. Per slot, for every set of rooms some session may take, the sessions that
can only use rooms of that set must not outnumber its free rooms (Hall's condition). Where the sets are
nested, as with capacities alone, that is exact; where features break the nesting, `rooms.py` finds a set
that fails after solving and the solver adds its count as a cut and solves again.

Objective, lexicographic through weights: first the weighted conflicts (a person, two wanted sessions at
the same time, the smaller weight), then pairs of one pillar's meetings in the same slot. In repair mode,
a first stage minimises the sessions moved and a second keeps that number and minimises the rest.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from netwerkdag.core.sessions import Session
from netwerkdag.core.timegrid import Window
from netwerkdag.scheduling.instance import Day, Item, present_people
from netwerkdag.scheduling.plan import Place

#: The rules this model posts, by the names of `rules.RULES`.
POSTED = (
    "room-double-booked",
    "person-double-booked",
    "person-unavailable",
    "room-capacity",
    "room-features",
    "session-order",
    "not-parallel",
    "pinned",
)

Progress = Callable[[float, float, float], None]  # objective, bound, seconds


@dataclass(frozen=True, slots=True)
class Options:
    time_limit: float = 10.0
    workers: int = 2
    seed: int = 0
    symmetry_breaking: bool = True
    repair_from: dict[str, Place] | None = None


@dataclass(slots=True)
class SlotOutcome:
    status: str  # optimal | feasible | infeasible | unknown
    slot_of: dict[str, int] = field(default_factory=dict)
    conflicts: int | None = None  # weighted
    bound: int | None = None
    spread: int | None = None
    moved: int | None = None


def _minutes(day: Day, moment_window: Window, end: bool = False) -> int:
    origin = day.slots[0].start if day.slots else moment_window.start
    moment = moment_window.end if end else moment_window.start
    return int((moment - origin).total_seconds() // 60)


class SlotModel:
    """Builds the model for a compiled day; `cuts` are room-set counts found by `rooms.py`.

    `elsewhere` gives the times of sessions that are items of the day but not of this model (the
    neighbourhood search of `search.py` re-solves a few slots while the rest of the day stays where it is);
    other sessions outside the model keep the times of the event. Without `objective`, the model only asks
    for a plan that keeps every rule.
    """

    def __init__(
        self,
        day: Day,
        options: Options,
        cuts: Iterable[tuple[int, frozenset[str], int]] = (),
        *,
        elsewhere: Mapping[str, Window] | None = None,
        objective: bool = True,
        hint: Mapping[str, int] | None = None,
    ):
        self.day = day
        self.options = options
        self.elsewhere = elsewhere or {}
        self.model = cp_model.CpModel()
        self.x: dict[tuple[str, int], cp_model.IntVar] = {}
        self.allowed: dict[str, list[int]] = {}
        self.constant = 0
        self.items = {i.id: i for i in day.items}
        self.conflict_terms: list[tuple[int, cp_model.IntVar]] = []
        self.spread_terms: list[tuple[int, cp_model.IntVar]] = []
        self.empty: list[Item] = []
        self.pair_var: dict[tuple[str, str], cp_model.IntVar] = {}
        # The rules posted, as data too (`anneal.py` checks its moves against them):
        #: (a, b, slot): a and b must not both take the slot;
        self.apart: list[tuple[str, str, int]] = []
        #: (slot, items, limit): at most `limit` of the items take the slot (rooms, Hall's condition, cuts);
        self.limits: list[tuple[int, tuple[str, ...], int]] = []
        #: (later, earlier): the first starts no sooner than the second ends.
        self.order: list[tuple[str, str]] = []
        # Sessions that name an item in `after` or `not_parallel_with` (the only ones its order touches).
        self._related: dict[str, list[Session]] = {}
        for other in day.event.sessions:
            for named in {*other.after, *other.not_parallel_with}:
                self._related.setdefault(named, []).append(other)
        for item in day.items:
            for named in item.session.not_parallel_with:
                if day.event.has_session(named):
                    self._related.setdefault(item.id, []).append(day.event.session(named))
        self._domains()
        for item in day.items:
            lits = [self.x[(item.id, t)] for t in self.allowed[item.id]]
            if not lits:
                self.empty.append(item)
            self.model.add_exactly_one(lits)
        self._rooms(cuts)
        self._people()
        self._order_and_parallel()
        if objective:
            self._objective_terms()
        if options.symmetry_breaking and options.repair_from is None:
            self._break_symmetry()
        self._hint(hint)

    # -- domains: pins, time fit, availability, a person's fixed parts --------------------------------------

    def _domains(self) -> None:
        day = self.day
        for item in day.items:
            allowed = []
            for t in item.slots:
                window = item.windows[t]
                if not self._available(item, window):
                    continue  # person-unavailable
                if self._busy_elsewhere(item, t, window):
                    continue  # person-double-booked, with a fixed part
                if self._against_fixed_order(item, window):
                    continue  # session-order / not-parallel with a fixed part
                free = [r for r in item.rooms if r not in day.held_rooms[t]]
                if not free:
                    continue  # room-capacity / room-features / pinned room taken
                allowed.append(t)
            self.allowed[item.id] = allowed
            for t in allowed:
                self.x[(item.id, t)] = self.model.new_bool_var(f"x[{item.id},{day.slots[t].id}]")

    def _available(self, item: Item, window: Window) -> bool:
        availability = self.day.event.availability
        for person in present_people(item.session):
            windows = availability.get(person)
            if windows is not None and not any(w.contains(window.start, window.end) for w in windows):
                return False
        return True

    def _busy_elsewhere(self, item: Item, t: int, window: Window) -> bool:
        people = set(present_people(item.session))
        if not people:
            return False
        for fixed in self.day.fixed_in_slot[t]:
            if people.intersection(present_people(fixed)) and fixed.window.overlaps(window):
                return True
        return False

    def window_of(self, session_id: str) -> Window:
        """Where a session outside the model runs: its place elsewhere in the day, else the event's."""
        found = self.elsewhere.get(session_id)
        return found if found is not None else self.day.event.session(session_id).window

    def _against_fixed_order(self, item: Item, window: Window) -> bool:
        event, s = self.day.event, item.session
        for before in s.after:
            fixed = before not in self.items and event.has_session(before)
            if fixed and window.start < self.window_of(before).end:
                return True
        for other in self._related.get(item.id, ()):
            if other.id in self.items:
                continue
            later = item.id in other.after
            parallel = other.id in s.not_parallel_with or item.id in other.not_parallel_with
            if later and self.window_of(other.id).start < window.end:
                return True
            if parallel and self.window_of(other.id).overlaps(window):
                return True
        return False

    # -- rooms: Hall's condition per slot and room set ------------------------------------------------------

    def _rooms(self, cuts: Iterable[tuple[int, frozenset[str], int]]) -> None:
        day = self.day
        sets = {item.rooms for item in day.items}
        for t in range(len(day.slots)):
            held = day.held_rooms[t]
            for rooms in sets:
                free = len([r for r in rooms if r not in held])
                self._at_most(t, rooms, free)
        for t, rooms, limit in cuts:
            self._at_most(t, rooms, limit)

    def _at_most(self, t: int, rooms: frozenset[str], limit: int) -> None:
        members = tuple(i.id for i in self.day.items if i.rooms <= rooms and (i.id, t) in self.x)
        if len(members) > limit:
            self.model.add(sum(self.x[(i, t)] for i in members) <= limit)
            self.limits.append((t, members, limit))

    # -- people with a part: one session at a time ---------------------------------------------------------

    def _people(self) -> None:
        by_person: dict[str, list[Item]] = {}
        for item in self.day.items:
            for person in set(present_people(item.session)):
                by_person.setdefault(person, []).append(item)
        for items in by_person.values():
            self._pairwise_apart(items)

    def _pairwise_apart(self, items: list[Item]) -> None:
        for k, a in enumerate(items):
            for b in items[k + 1 :]:
                for t in set(self.allowed[a.id]) & set(self.allowed[b.id]):
                    if a.windows[t].overlaps(b.windows[t]):
                        self.model.add_at_most_one([self.x[(a.id, t)], self.x[(b.id, t)]])
                        self.apart.append((a.id, b.id, t))

    def _order_and_parallel(self) -> None:
        day = self.day
        for item in day.items:
            for before in item.session.after:
                if before in self.items:
                    other = self.items[before]
                    start = sum(
                        _minutes(day, item.windows[t]) * self.x[(item.id, t)] for t in self.allowed[item.id]
                    )
                    end = sum(
                        _minutes(day, other.windows[t], end=True) * self.x[(other.id, t)]
                        for t in self.allowed[other.id]
                    )
                    self.model.add(start >= end)
                    self.order.append((item.id, before))
            for other_id in item.session.not_parallel_with:
                if other_id in self.items:
                    self._pairwise_apart([item, self.items[other_id]])

    # -- objective ------------------------------------------------------------------------------------------

    def _pair_cost(self, a: str, b: str, weight: int, terms: list[tuple[int, cp_model.IntVar]]) -> None:
        event = self.day.event
        ia, ib = self.items.get(a), self.items.get(b)
        if ia is None and ib is None:
            if terms is self.conflict_terms and event.has_session(a) and event.has_session(b):
                sa, sb = event.session(a), event.session(b)
                combined = a in sb.combined_with or b in sa.combined_with
                if self.window_of(a).overlaps(self.window_of(b)) and not combined:
                    self.constant += weight
            return
        if ia is None or ib is None:
            item, other_id = (ia, b) if ia is not None else (ib, a)
            if item is None or not event.has_session(other_id):
                return
            other = self.window_of(other_id)
            for t in self.allowed[item.id]:
                if item.windows[t].overlaps(other):
                    terms.append((weight, self.x[(item.id, t)]))
            return
        together = [
            t for t in set(self.allowed[a]) & set(self.allowed[b]) if ia.windows[t].overlaps(ib.windows[t])
        ]
        if not together:
            return
        y = self.pair_var.get((a, b))
        if y is None:
            y = self.pair_var[(a, b)] = self.model.new_bool_var(f"same[{a},{b}]")
        for t in together:
            self.model.add_bool_or([self.x[(a, t)].Not(), self.x[(b, t)].Not(), y])
        terms.append((weight, y))

    def _objective_terms(self) -> None:
        for (a, b), weight in sorted(self.day.pair_weights.items()):
            if weight > 0:
                self._pair_cost(a, b, weight, self.conflict_terms)
        for a, b in sorted(self.day.pillar_pairs):
            self._pair_cost(a, b, 1, self.spread_terms)

    @property
    def spread_scale(self) -> int:
        return len(self.spread_terms) + 1

    def objective(self) -> cp_model.LinearExprT:
        scale = self.spread_scale
        return sum(scale * w * v for w, v in self.conflict_terms) + sum(w * v for w, v in self.spread_terms)

    def moved(self) -> cp_model.LinearExprT:
        """Sessions that leave their previous slot, or stay in it without their previous room."""
        previous = self.options.repair_from or {}
        slot_index = {b.id: t for t, b in enumerate(self.day.slots)}
        terms: list[cp_model.LinearExprT] = []
        for item in self.day.items:
            before = previous.get(item.id)
            if before is None or before.block not in slot_index:
                continue
            t = slot_index[before.block]
            room_kept = before.room in item.rooms and before.room not in self.day.held_rooms[t]
            if (item.id, t) in self.x and room_kept:
                terms.append(1 - self.x[(item.id, t)])
            else:
                terms.append(1)
        return sum(terms)

    # -- symmetry and hints -------------------------------------------------------------------------------

    def _break_symmetry(self) -> None:
        """Slots that differ in nothing the model sees are interchangeable: order them by the first item
        they hold (value precedence), so the search never tries their permutations."""
        day = self.day
        if any(i.session.after for i in day.items):
            return  # times matter
        classes: dict[tuple[object, ...], list[int]] = {}
        for t, block in enumerate(day.slots):
            if day.fixed_in_slot[t]:
                continue
            allowed = tuple(sorted(i.id for i in day.items if t in self.allowed[i.id]))
            shape = tuple(
                sorted(
                    (i.id, i.windows[t].start - block.start, i.windows[t].end - i.windows[t].start)
                    for i in day.items
                    if t in self.allowed[i.id]
                )
            )
            key = (block.end - block.start, allowed, shape, tuple(sorted(day.held_rooms[t])))
            classes.setdefault(key, []).append(t)
        for slots in classes.values():
            if len(slots) < 2:
                continue
            members = [i for i in day.items if slots[0] in self.allowed[i.id]]
            # used[k][j]: one of the first j+1 members sits in slot k of the class.
            used: list[list[cp_model.IntVar]] = []
            for t in slots:
                row: list[cp_model.IntVar] = []
                for j, item in enumerate(members):
                    u = self.model.new_bool_var("")
                    lit = self.x[(item.id, t)]
                    if j == 0:
                        self.model.add(u == lit)
                    else:
                        self.model.add_max_equality(u, [row[-1], lit])
                    row.append(u)
                used.append(row)
            for k in range(1, len(slots)):
                for j, item in enumerate(members):
                    lit = self.x[(item.id, slots[k])]
                    if j == 0:
                        self.model.add(lit == 0)
                    else:
                        self.model.add_implication(lit, used[k - 1][j - 1])

    def _hint(self, slot_of: Mapping[str, int] | None) -> None:
        """Start from `slot_of`, else from the previous plan (repair) or the plan the day came from."""
        previous = self.options.repair_from or {}
        slot_index = {b.id: t for t, b in enumerate(self.day.slots)}
        for item in self.day.items:
            if slot_of is not None:
                home = slot_of.get(item.id)
            else:
                place = previous.get(item.id) or item.home
                home = slot_index.get(place.block) if place else None
            for t in self.allowed[item.id]:
                self.model.add_hint(self.x[(item.id, t)], t == home)

    def slots_chosen(self, solver: cp_model.CpSolver) -> dict[str, int]:
        return {item_id: t for (item_id, t), var in self.x.items() if solver.boolean_value(var)}


class _Watch(cp_model.CpSolverSolutionCallback):
    def __init__(self, progress: Progress | None, started: float, scale: int, offset: int) -> None:
        super().__init__()
        self.progress, self.started, self.scale, self.offset = progress, started, scale, offset

    def on_solution_callback(self) -> None:
        if self.progress is not None:
            conflicts = self.ObjectiveValue() // self.scale + self.offset
            bound = math.ceil((self.BestObjectiveBound() - self.scale + 1) / self.scale) + self.offset
            self.progress(conflicts, max(bound, self.offset), time.monotonic() - self.started)


_STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "error",
    cp_model.UNKNOWN: "unknown",
}


def solver_for(options: Options, time_limit: float, proving: bool = True) -> cp_model.CpSolver:
    """A solver with the options' workers and seed; `proving` sets it up to raise the lower bound."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, time_limit)
    solver.parameters.num_workers = max(1, options.workers)
    solver.parameters.random_seed = options.seed
    if not proving:
        return solver
    # On few cores, one worker proves bounds from unsatisfiable cores (the LP bound of these pair costs is
    # weak: measured on Haarlem, 2 default workers prove nothing in 10 s, core + LP prove 60 % of it).
    if options.workers == 1:
        solver.parameters.optimize_with_core = True
    elif options.workers == 2:
        solver.parameters.subsolvers.append("core")
        solver.parameters.subsolvers.append("default_lp")
    return solver


def solve_slots(
    day: Day,
    options: Options,
    cuts: Iterable[tuple[int, frozenset[str], int]] = (),
    progress: Progress | None = None,
) -> SlotOutcome:
    started = time.monotonic()
    built = SlotModel(day, options, cuts)
    if built.empty:
        return SlotOutcome("infeasible")
    m = built.model
    moved_count: int | None = None
    if options.repair_from is not None:
        moved = built.moved()
        m.minimize(moved)
        solver = solver_for(options, options.time_limit / 2)
        status = solver.solve(m)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return SlotOutcome(_STATUS.get(status, "unknown"))
        moved_count = round(solver.objective_value)
        m.add(moved <= moved_count)
        m.clear_hints()  # type: ignore[no-untyped-call]
        for var in built.x.values():
            m.add_hint(var, bool(solver.boolean_value(var)))
    m.minimize(built.objective())
    remaining = options.time_limit - (time.monotonic() - started)
    solver = solver_for(options, remaining)
    watch = _Watch(progress, started, built.spread_scale, built.constant)
    status = solver.solve(m, watch)
    name = _STATUS.get(status, "unknown")
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return SlotOutcome(name)
    slot_of = {item_id: t for (item_id, t), var in built.x.items() if solver.boolean_value(var)}
    scale = built.spread_scale
    conflicts = sum(w for w, v in built.conflict_terms if solver.value(v)) + built.constant
    spread = sum(w for w, v in built.spread_terms if solver.value(v))
    bound_raw = solver.best_objective_bound
    bound = max(0, math.ceil((bound_raw - scale + 1) / scale)) + built.constant
    if name == "optimal":
        bound = conflicts
    return SlotOutcome(name, slot_of, conflicts, min(bound, conflicts), spread, moved_count)
