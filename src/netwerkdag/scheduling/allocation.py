"""Seats given by ranked preferences when they are short (issue 19): who gets which session.

The *offers* are the sessions of an event's parallel rounds (blocks of kind parallel; not the ones that span
the venue or the networking room), each with its room's capacity. A person ranks *choices*: a session id,
or a `topic` id (every run of that topic); rank 1 is most wanted, equal ranks are allowed. A person may get
a session they ranked, at most one per round and at most one run per topic, never more people than seats;
chairs and speakers of a session get it whatever they ranked (and count against its seats); a person with
an availability in the network gets only sessions whose times they can attend.

Each rule is one object with its check of an allocation and the constraints it posts into the CP-SAT
model, so that `check` judges an allocation by the same definitions the solver keeps (the design of the
scheduling rules, `scheduling/rules`). The objective, in this order (each stage proven before the next is
minimised, the earlier value kept):

1. the most seats given: a person *asks* for as many seats as they have rounds with a choice and distinct
   topics (a session without a topic is a topic of its own) to fill them; every seat not given counts;
2. the sum of rank costs: a seat of rank r costs `rank_costs[r - 1]` (default r - 1; ranks beyond the list
   cost its last value).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import ClassVar, Protocol

from ortools.sat.python import cp_model

from netwerkdag.core.event import Event
from netwerkdag.core.preferences import Preference
from netwerkdag.core.sessions import PRESENT_ROLES, SessionKind
from netwerkdag.core.timegrid import BlockKind


@dataclass(frozen=True, slots=True)
class Offer:
    """A session one can be given: its round (block), its topic (its own id without one), its seats."""

    session: str
    round: str
    topic: str
    capacity: int | None


@dataclass(frozen=True)
class Problem:
    """What an allocation is made of. `ranks[person][session]` is the best rank the person gave a choice
    holding the session; `required[person]` the sessions they must get (their part in it);
    `available[person]` the sessions whose times they can attend (all when absent)."""

    offers: tuple[Offer, ...]
    ranks: Mapping[str, Mapping[str, int]]
    required: Mapping[str, frozenset[str]] = field(default_factory=dict)
    available: Mapping[str, frozenset[str]] = field(default_factory=dict)

    by_session: Mapping[str, Offer] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_session", {o.session: o for o in self.offers})

    def offer(self, session: str) -> Offer:
        return self.by_session[session]

    def can_attend(self, person: str, session: str) -> bool:
        return person not in self.available or session in self.available[person]

    @property
    def people(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.ranks) | set(self.required)))

    def asks(self, person: str) -> int:
        """How many seats the person asks for: as many rounds as their choices can fill with distinct
        topics (a matching bound is not needed: rounds and topics both cap it)."""
        wanted = {self.offer(s) for s in self.ranks.get(person, {})} | {
            self.offer(s) for s in self.required.get(person, frozenset())
        }
        usable = [o for o in wanted if self.can_attend(person, o.session)]
        return min(len({o.round for o in usable}), len({o.topic for o in usable}))


def offers_of(event: Event) -> tuple[Offer, ...]:
    """The sessions of the event's parallel rounds that take registrations, in programme order."""
    found = []
    for s in sorted(event.sessions, key=lambda s: (s.start, s.id)):
        if s.block is None or s.venue_wide or s.all_day or s.kind is SessionKind.NETWORKING:
            continue
        if event.block(s.block).kind is not BlockKind.PARALLEL:
            continue
        room = event.room_of(s)
        found.append(Offer(s.id, s.block, s.topic or s.id, room.capacity if room is not None else None))
    return tuple(found)


def problem_of(event: Event, preferences: Sequence[Preference]) -> Problem:
    """The allocation problem of `event` with these preferences (choices already checked against the
    event: `files.preferences_csv`). Chairs, speakers and the other parts that attend a session must get
    it; the network's availability limits a person to the sessions whose times they can attend."""
    offers = offers_of(event)
    by_topic: dict[str, list[str]] = defaultdict(list)
    for o in offers:
        by_topic[o.topic].append(o.session)
    offered = {o.session for o in offers}
    ranks: dict[str, dict[str, int]] = defaultdict(dict)
    for p in preferences:
        sessions = by_topic.get(p.choice) or ([p.choice] if p.choice in offered else [])
        for s in sessions:
            ranks[p.person][s] = min(p.rank, ranks[p.person].get(s, p.rank))
    required: dict[str, set[str]] = defaultdict(set)
    for session in event.sessions:
        if session.id in offered:
            for part in session.participants:
                if part.role in PRESENT_ROLES:
                    required[part.person].add(session.id)
    available: dict[str, frozenset[str]] = {}
    times = {s.id: (s.start, s.end) for s in event.sessions}
    for person in set(ranks) | set(required):
        windows = event.availability.get(person)
        if windows:
            available[person] = frozenset(
                o.session for o in offers if any(w.contains(*times[o.session]) for w in windows)
            )
    return Problem(
        offers,
        {p: dict(r) for p, r in ranks.items()},
        {p: frozenset(s) for p, s in required.items()},
        available,
    )


# --- the rules ---------------------------------------------------------------------------------------------

Allocation = Mapping[str, frozenset[str]]
Seats = Mapping[tuple[str, str], cp_model.IntVar]


@dataclass(frozen=True, slots=True)
class Broken:
    """A rule an allocation breaks: the rule's name, a sentence, the people and sessions it concerns."""

    rule: str
    message: str
    people: tuple[str, ...] = ()
    sessions: tuple[str, ...] = ()


class Rule(Protocol):
    name: ClassVar[str]

    def check(self, problem: Problem, allocation: Allocation) -> list[Broken]: ...

    def post(self, problem: Problem, model: cp_model.CpModel, seats: Seats) -> None: ...


def _holders(allocation: Allocation) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for person, sessions in sorted(allocation.items()):
        for s in sorted(sessions):
            found[s].append(person)
    return found


class Capacity:
    name: ClassVar[str] = "capacity"

    def check(self, problem: Problem, allocation: Allocation) -> list[Broken]:
        found = []
        for session, people in _holders(allocation).items():
            cap = problem.offer(session).capacity
            if cap is not None and len(people) > cap:
                found.append(
                    Broken(
                        self.name, f"{session} has {len(people)} people for {cap} seats", sessions=(session,)
                    )
                )
        return found

    def post(self, problem: Problem, model: cp_model.CpModel, seats: Seats) -> None:
        per_session: dict[str, list[cp_model.IntVar]] = defaultdict(list)
        for (_, s), var in seats.items():
            per_session[s].append(var)
        for s, variables in per_session.items():
            cap = problem.offer(s).capacity
            if cap is not None:
                model.add(sum(variables) <= cap)


class OnePerRound:
    name: ClassVar[str] = "one-per-round"

    def check(self, problem: Problem, allocation: Allocation) -> list[Broken]:
        found = []
        for person, sessions in sorted(allocation.items()):
            per_round: dict[str, list[str]] = defaultdict(list)
            for s in sorted(sessions):
                per_round[problem.offer(s).round].append(s)
            found += [
                Broken(self.name, f"{person} has {len(ss)} sessions in round {r}", (person,), tuple(ss))
                for r, ss in per_round.items()
                if len(ss) > 1
            ]
        return found

    def post(self, problem: Problem, model: cp_model.CpModel, seats: Seats) -> None:
        groups: dict[tuple[str, str], list[cp_model.IntVar]] = defaultdict(list)
        for (p, s), var in seats.items():
            groups[(p, problem.offer(s).round)].append(var)
        for variables in groups.values():
            if len(variables) > 1:
                model.add_at_most_one(variables)


class OneRunPerTopic:
    name: ClassVar[str] = "one-run-per-topic"

    def check(self, problem: Problem, allocation: Allocation) -> list[Broken]:
        found = []
        for person, sessions in sorted(allocation.items()):
            per_topic: dict[str, list[str]] = defaultdict(list)
            for s in sorted(sessions):
                per_topic[problem.offer(s).topic].append(s)
            found += [
                Broken(self.name, f"{person} has {len(ss)} runs of topic {t}", (person,), tuple(ss))
                for t, ss in per_topic.items()
                if len(ss) > 1
            ]
        return found

    def post(self, problem: Problem, model: cp_model.CpModel, seats: Seats) -> None:
        groups: dict[tuple[str, str], list[cp_model.IntVar]] = defaultdict(list)
        for (p, s), var in seats.items():
            groups[(p, problem.offer(s).topic)].append(var)
        for variables in groups.values():
            if len(variables) > 1:
                model.add_at_most_one(variables)


class Required:
    name: ClassVar[str] = "required"

    def check(self, problem: Problem, allocation: Allocation) -> list[Broken]:
        return [
            Broken(self.name, f"{person} has a part in {s} but no seat in it", (person,), (s,))
            for person, sessions in sorted(problem.required.items())
            for s in sorted(sessions - allocation.get(person, frozenset()))
        ]

    def post(self, problem: Problem, model: cp_model.CpModel, seats: Seats) -> None:
        for person, sessions in problem.required.items():
            for s in sessions:
                model.add(seats[(person, s)] == 1)


class Wanted:
    """Nobody gets a session they did not rank (unless they have a part in it), nor one in a round they
    cannot attend."""

    name: ClassVar[str] = "wanted"

    def check(self, problem: Problem, allocation: Allocation) -> list[Broken]:
        found = []
        for person, sessions in sorted(allocation.items()):
            for s in sorted(sessions):
                if s in problem.required.get(person, frozenset()):
                    continue
                if s not in problem.ranks.get(person, {}):
                    found.append(Broken(self.name, f"{person} did not ask for {s}", (person,), (s,)))
                elif not problem.can_attend(person, s):
                    found.append(
                        Broken(self.name, f"{person} cannot attend {s} at its time", (person,), (s,))
                    )
        return found

    def post(self, problem: Problem, model: cp_model.CpModel, seats: Seats) -> None:
        """Nothing to post: the model only has variables for what a person may get (`_variables`)."""


RULES: tuple[Rule, ...] = (Capacity(), OnePerRound(), OneRunPerTopic(), Required(), Wanted())


def check(problem: Problem, allocation: Allocation) -> list[Broken]:
    """Every rule the allocation breaks, by the rules the solver keeps."""
    return [b for rule in RULES for b in rule.check(problem, allocation)]


# --- solving ------------------------------------------------------------------------------------------------


class Status(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Result:
    """The allocation found: per person their sessions; the rank cost (`objective`) with its proven
    `bound`; seats asked for and given."""

    status: Status
    allocation: Mapping[str, frozenset[str]]
    objective: int | None
    bound: int | None
    asked: int
    assigned: int
    wall_s: float

    @property
    def unassigned(self) -> int:
        return self.asked - self.assigned

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        return 0.0 if self.objective == self.bound else (self.objective - self.bound) / max(1, self.objective)


def rank_cost(rank: int, rank_costs: Sequence[int]) -> int:
    """What a seat of `rank` costs: `rank_costs[rank - 1]`, the last value beyond the list, rank - 1
    without a list."""
    if not rank_costs:
        return rank - 1
    return rank_costs[min(rank, len(rank_costs)) - 1]


def cost_of(problem: Problem, allocation: Allocation, rank_costs: Sequence[int]) -> int:
    """The rank cost of an allocation (a part one has in a session costs nothing)."""
    return sum(
        rank_cost(problem.ranks[p][s], rank_costs)
        for p, sessions in allocation.items()
        for s in sessions
        if s in problem.ranks.get(p, {}) and s not in problem.required.get(p, frozenset())
    )


def _variables(problem: Problem, model: cp_model.CpModel) -> dict[tuple[str, str], cp_model.IntVar]:
    seats = {}
    for person in problem.people:
        allowed = set(problem.ranks.get(person, {})) | set(problem.required.get(person, frozenset()))
        for s in sorted(allowed):
            if not problem.can_attend(person, s) and s not in problem.required.get(person, frozenset()):
                continue
            seats[(person, s)] = model.new_bool_var(f"{person}@{s}")
    return seats


def _cost(problem: Problem, seats: Seats, rank_costs: Sequence[int]) -> cp_model.LinearExpr:
    return cp_model.LinearExpr.weighted_sum(
        [
            var
            for (p, s), var in seats.items()
            if s in problem.ranks.get(p, {}) and s not in problem.required.get(p, frozenset())
        ],
        [
            rank_cost(problem.ranks[p][s], rank_costs)
            for (p, s) in seats
            if s in problem.ranks.get(p, {}) and s not in problem.required.get(p, frozenset())
        ],
    )


def _model(
    problem: Problem, *, full: bool
) -> tuple[cp_model.CpModel, dict[tuple[str, str], cp_model.IntVar]]:
    model = cp_model.CpModel()
    seats = _variables(problem, model)
    for rule in RULES:
        rule.post(problem, model, seats)
    per_person: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    per_round: dict[str, dict[str, list[cp_model.IntVar]]] = defaultdict(lambda: defaultdict(list))
    for (p, s), var in seats.items():
        per_person[p].append(var)
        per_round[p][problem.offer(s).round].append(var)
    for person in problem.people:
        rounds = per_round[person]
        if full and problem.asks(person) == len(rounds):
            # Every round of theirs filled: one session in each, which CP-SAT reads as an assignment.
            for variables in rounds.values():
                model.add_exactly_one(variables)
        elif full:
            model.add(sum(per_person[person]) == problem.asks(person))
        else:
            model.add(sum(per_person[person]) <= problem.asks(person))  # tightens the relaxation
    return model, seats


def solve(
    problem: Problem,
    rank_costs: Sequence[int] = (),
    *,
    time_limit: float = 10.0,
    workers: int = 2,
    seed: int = 0,
) -> Result:
    """The allocation with the most seats given, then the least rank cost (see the module's docstring).

    First everyone is given every seat they ask for, with the least rank cost: when seats suffice (the
    usual case, and Slalom's) this model is an assignment problem that CP-SAT proves at once. Only when it
    is proven impossible are the seats given maximised first and the rank cost minimised after, keeping
    that number."""
    started = time.perf_counter()
    asked = sum(problem.asks(p) for p in problem.people)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed

    def left() -> float:
        return max(0.01, time_limit - (time.perf_counter() - started))

    def run(model: cp_model.CpModel) -> int:
        solver.parameters.max_time_in_seconds = left()
        return int(solver.solve(model))

    model, seats = _model(problem, full=True)
    model.minimize(_cost(problem, seats, rank_costs))
    # An assignment problem, built without anything to simplify: the LP and the search prove it, and
    # presolve, symmetry detection and the large neighbourhood search only cost time here (Slalom 2019:
    # 0.5 to 0.7 s instead of 5 to 6 s on 2 cores).
    solver.parameters.cp_model_presolve = False
    solver.parameters.symmetry_level = 0
    solver.parameters.use_lns = False
    status = run(model)
    solver.parameters.cp_model_presolve = True
    solver.parameters.symmetry_level = 2
    solver.parameters.use_lns = True
    first_optimal = True
    if status == cp_model.INFEASIBLE:
        model, seats = _model(problem, full=False)
        given = sum(seats.values())
        model.maximize(given)
        status = run(model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            first_optimal = status == cp_model.OPTIMAL
            model.add(given >= int(solver.objective_value))
            model.clear_hints()  # type: ignore[no-untyped-call]
            for var in seats.values():
                model.add_hint(var, solver.value(var))
            model.minimize(_cost(problem, seats, rank_costs))
            status = run(model)
    wall = time.perf_counter() - started
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        found = Status.INFEASIBLE if status == cp_model.INFEASIBLE else Status.UNKNOWN
        return Result(found, {}, None, None, asked, 0, wall)
    allocation: dict[str, set[str]] = defaultdict(set)
    for (p, s), var in seats.items():
        if solver.value(var):
            allocation[p].add(s)
    optimal = first_optimal and status == cp_model.OPTIMAL
    return Result(
        Status.OPTIMAL if optimal else Status.FEASIBLE,
        {p: frozenset(s) for p, s in allocation.items()},
        int(solver.objective_value),
        int(solver.best_objective_bound),
        asked,
        sum(len(s) for s in allocation.values()),
        wall,
    )
