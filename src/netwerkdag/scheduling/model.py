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

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from netwerkdag.core.timegrid import Window
from netwerkdag.scheduling import objective
from netwerkdag.scheduling.instance import Day, Item
from netwerkdag.scheduling.objective import SolveStatus
from netwerkdag.scheduling.plan import Place, moved_window
from netwerkdag.scheduling.rules import RULES, Instance, Rule

Progress = Callable[[float, float, float], None]  # objective, bound, seconds


@dataclass(frozen=True, slots=True)
class Options:
    """How to search: seconds in all, CP-SAT workers (and annealing walks), the random seed, whether the
    slot model orders interchangeable slots, the previous plan in repair mode, and whether popular sessions
    may run more than once (`repeat.py`). Built by name; a changed copy with `dataclasses.replace`."""

    time_limit: float = 10.0
    workers: int = 2
    seed: int = 0
    symmetry_breaking: bool = True
    repair_from: dict[str, Place] | None = None
    repeat_popular: bool = False


@dataclass(slots=True)
class SlotOutcome:
    status: SolveStatus
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
        explaining: bool = False,
    ):
        """With `explaining`, every slot a session fits in time is a variable, and each instance of a rule
        is enforced by a literal of its own (`guards`) that an explanation assumes: the day's pins,
        availability and fixed parts restrict the slots through those literals, not by leaving slots out."""
        self.day = day
        self.options = options
        self.elsewhere = elsewhere or {}
        self.explaining = explaining
        self.cuts = list(cuts)
        self.model = cp_model.CpModel()
        self.x: dict[tuple[str, int], cp_model.IntVar] = {}
        self.allowed: dict[str, list[int]] = {}
        self.constant = 0
        self.items = {i.id: i for i in day.items}
        self.conflict_terms: list[tuple[int, cp_model.IntVar]] = []
        self.spread_terms: list[tuple[int, cp_model.IntVar]] = []
        self.empty: list[Item] = []
        self.pair_var: dict[tuple[str, str], cp_model.IntVar] = {}
        # The rules posted (`rules.RULES`), as data too (`anneal.py` checks its moves against them):
        #: (a, b, slot): a and b must not both take the slot;
        self.apart: list[tuple[str, str, int]] = []
        #: (slot, items, limit): at most `limit` of the items take the slot (rooms, Hall's condition, cuts);
        self.limits: list[tuple[int, tuple[str, ...], int]] = []
        #: (later, earlier): the first starts no sooner than the second ends.
        self.order: list[tuple[str, str]] = []
        #: When explaining: the literal that enforces each instance of a rule.
        self.guards: dict[Instance, cp_model.IntVar] = {}
        #: Each item's window in every slot it may be given (explaining: every slot it fits in time).
        self.windows: dict[str, Mapping[int, Window]] = {i.id: self._windows(i) for i in day.items}
        #: The rooms each item may take (explaining: the open rooms; `confinements` narrow them).
        open_rooms = frozenset(r.id for r in day.event.rooms if not r.shared)
        self.rooms_of: dict[str, frozenset[str]] = {
            i.id: open_rooms if explaining else i.rooms for i in day.items
        }
        #: When explaining: each item's room sets, each enforced by a literal (capacity, features, a pin).
        self.confinements: dict[str, list[tuple[frozenset[str], cp_model.IntVar]]] = {}
        self._forbidden: dict[str, dict[int, list[cp_model.IntVar]]] = {}  # guarded
        self._excluded: dict[str, set[int]] = {}  # left out of the domain
        for rule in RULES:
            rule.confine_rooms(self)
        for rule in RULES:
            rule.restrict_slots(self)
        self._domains()
        for rule in RULES:
            rule.post(self)
        if objective:
            self._objective_terms()
        if options.symmetry_breaking and options.repair_from is None:
            self._break_symmetry()
        self._hint(hint)

    # -- what the rules post through (`rules.RULES`) ---------------------------------------------------------

    def _windows(self, item: Item) -> Mapping[int, Window]:
        if not self.explaining:
            return {t: item.windows[t] for t in item.slots}
        day = self.day
        found = {t: moved_window(day.event, item.session, b) for t, b in enumerate(day.slots)}
        return {t: w for t, w in found.items() if w is not None}

    def guard(
        self,
        rule: Rule,
        sessions: tuple[str, ...],
        people: tuple[str, ...] = (),
        slots: tuple[int, ...] = (),
        rooms: tuple[str, ...] = (),
    ) -> cp_model.IntVar | None:
        """The literal enforcing this instance of `rule` when explaining (one per instance); else None,
        and the constraint holds unconditionally."""
        if not self.explaining:
            return None
        instance = Instance(rule.name, sessions, people, slots, rooms)
        literal = self.guards.get(instance)
        if literal is None:
            literal = self.guards[instance] = self.model.new_bool_var(f"{rule.name}{sessions}{people}")
        return literal

    def enforce(self, constraint: cp_model.Constraint, guard: cp_model.IntVar | None) -> None:
        if guard is not None:
            constraint.only_enforce_if(guard)

    def confine(self, item_id: str, rooms: frozenset[str], guard: cp_model.IntVar | None) -> None:
        """The item may take only `rooms` (called before `restrict_slots`)."""
        if guard is None:
            self.rooms_of[item_id] &= rooms
        elif not self.rooms_of[item_id] <= rooms:
            self.confinements.setdefault(item_id, []).append((rooms, guard))

    def forbid(self, item_id: str, slots: Iterable[int], guard: cp_model.IntVar | None) -> None:
        """The item may not take `slots` (called before the variables exist)."""
        if guard is None:
            self._excluded.setdefault(item_id, set()).update(slots)
            return
        forbidden = self._forbidden.setdefault(item_id, {})
        for t in slots:
            forbidden.setdefault(t, []).append(guard)

    def _domains(self) -> None:
        """A variable per item and slot it may take, exactly one true; when explaining, a slot a rule
        forbids is a variable held at 0 by that rule's literal."""
        day = self.day
        for item in day.items:
            forbidden = self._forbidden.get(item.id, {})
            excluded = self._excluded.get(item.id, set())
            allowed = [t for t in self.windows[item.id] if t not in excluded]
            self.allowed[item.id] = allowed
            for t in allowed:
                var = self.x[(item.id, t)] = self.model.new_bool_var(f"x[{item.id},{day.slots[t].id}]")
                for literal in forbidden.get(t, ()):
                    self.model.add(var == 0).only_enforce_if(literal)
            if not allowed:
                self.empty.append(item)
            self.model.add_exactly_one([self.x[(item.id, t)] for t in allowed])

    def window_of(self, session_id: str) -> Window:
        """Where a session outside the model runs: its place elsewhere in the day, else the event's."""
        found = self.elsewhere.get(session_id)
        return found if found is not None else self.day.event.session(session_id).window

    def minutes(self, window: Window, end: bool = False) -> int:
        return _minutes(self.day, window, end)

    def at_most(
        self, t: int, members: tuple[str, ...], limit: int, guard: cp_model.IntVar | None = None
    ) -> None:
        """At most `limit` of `members` take slot t (rooms: Hall's condition, cuts)."""
        members = tuple(i for i in members if (i, t) in self.x)
        if len(members) > limit:
            self.enforce(self.model.add(sum(self.x[(i, t)] for i in members) <= limit), guard)
            self.limits.append((t, members, limit))

    def apart_in(self, a: str, b: str, guard: cp_model.IntVar | None) -> None:
        """a and b do not share a slot where their windows overlap."""
        for t in set(self.allowed[a]) & set(self.allowed[b]):
            if self.windows[a][t].overlaps(self.windows[b][t]):
                self.enforce(self.model.add_at_most_one([self.x[(a, t)], self.x[(b, t)]]), guard)
                self.apart.append((a, b, t))

    # -- objective ------------------------------------------------------------------------------------------

    def _together(self, a: Item, b: Item, terms: list[tuple[int, cp_model.IntVar]], weight: int) -> None:
        """A pair of items costs `weight` when they share a slot where they meet (`objective.py`): one
        variable per pair, forced up in each such slot."""
        together = [
            t for t in set(self.allowed[a.id]) & set(self.allowed[b.id]) if objective.sessions_meet(a, b, t)
        ]
        if not together:
            return
        y = self.pair_var.get((a.id, b.id))
        if y is None:
            y = self.pair_var[(a.id, b.id)] = self.model.new_bool_var(f"same[{a.id},{b.id}]")
        for t in together:
            self.model.add_bool_or([self.x[(a.id, t)].Not(), self.x[(b.id, t)].Not(), y])
        terms.append((weight, y))

    def _objective_terms(self) -> None:
        """The conflicts and the spread as `objective.py` defines them, as terms of this model."""
        pairs, self.constant = objective.conflict_pairs(self.day, self.window_of)
        for pair in pairs:
            item = self.items[pair.item]
            if pair.outside is None:
                self._together(item, self.items[pair.other], self.conflict_terms, pair.weight)
                continue
            for t in self.allowed[item.id]:
                if item.windows[t].overlaps(pair.outside):
                    self.conflict_terms.append((pair.weight, self.x[(item.id, t)]))
        for a, b in objective.spread_pairs(self.day):
            self._together(self.items[a], self.items[b], self.spread_terms, 1)

    @property
    def spread_scale(self) -> int:
        """One more than the spread terms: more than any spread this model can reach."""
        return len(self.spread_terms) + 1

    def objective(self) -> cp_model.LinearExprT:
        """``scale x conflicts + spread`` (`objective.in_units`), without the constant."""
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
    """Reports each solution's conflicts and the bound proven so far, in conflicts."""

    def __init__(self, progress: Progress | None, started: float, scale: int, constant: int) -> None:
        super().__init__()
        self.progress, self.started, self.scale, self.constant = progress, started, scale, constant

    def on_solution_callback(self) -> None:
        if self.progress is not None:
            conflicts = objective.conflicts_of(self.ObjectiveValue(), self.scale, self.constant)
            bound = objective.conflicts_bound(self.BestObjectiveBound(), self.scale, self.constant)
            self.progress(conflicts, bound, time.monotonic() - self.started)


_STATUS = {
    cp_model.OPTIMAL: SolveStatus.OPTIMAL,
    cp_model.FEASIBLE: SolveStatus.FEASIBLE,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
    cp_model.UNKNOWN: SolveStatus.UNKNOWN,
}


def status_of(code: cp_model.CpSolverStatus, model: cp_model.CpModel) -> SolveStatus:
    """CP-SAT's status of a solve of `model` in our words. CP-SAT's MODEL_INVALID means we built a wrong
    model, a bug in netwerkdag rather than anything about the day: it is raised with CP-SAT's reason."""
    if code == cp_model.MODEL_INVALID:
        raise RuntimeError(f"CP-SAT refused the model as invalid: {model.validate()}")
    return _STATUS[code]


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
    """The slot model of the whole day, solved within the options' time limit: in repair mode first the
    fewest sessions moved (half the time), then with that many moved at most the fewest conflicts."""
    started = time.monotonic()
    built = SlotModel(day, options, cuts)
    if built.empty:
        return SlotOutcome(SolveStatus.INFEASIBLE)
    m = built.model
    moved_count: int | None = None
    if options.repair_from is not None:
        moved = built.moved()
        m.minimize(moved)
        solver = solver_for(options, options.time_limit / 2)
        status = status_of(solver.solve(m), m)
        if not status.has_plan:
            return SlotOutcome(status)
        moved_count = round(solver.objective_value)
        m.add(moved <= moved_count)
        m.clear_hints()  # type: ignore[no-untyped-call]
        for var in built.x.values():
            m.add_hint(var, bool(solver.boolean_value(var)))
    m.minimize(built.objective())
    remaining = options.time_limit - (time.monotonic() - started)
    solver = solver_for(options, remaining)
    watch = _Watch(progress, started, built.spread_scale, built.constant)
    status = status_of(solver.solve(m, watch), m)
    if not status.has_plan:
        return SlotOutcome(status)
    slot_of = built.slots_chosen(solver)
    conflicts = sum(w for w, v in built.conflict_terms if solver.value(v)) + built.constant
    spread = sum(w for w, v in built.spread_terms if solver.value(v))
    if status is SolveStatus.OPTIMAL:
        bound = conflicts
    else:
        bound = objective.conflicts_bound(solver.best_objective_bound, built.spread_scale, built.constant)
    return SlotOutcome(status, slot_of, conflicts, min(bound, conflicts), spread, moved_count)
