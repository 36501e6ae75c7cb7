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

import hashlib
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
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
    `available[person]` the sessions whose times they can attend (all when absent);
    `organisation[person]` the organisation they come for (absent: an attendee from outside the network,
    who takes no part in the fairness between organisations)."""

    offers: tuple[Offer, ...]
    ranks: Mapping[str, Mapping[str, int]]
    required: Mapping[str, frozenset[str]] = field(default_factory=dict)
    available: Mapping[str, frozenset[str]] = field(default_factory=dict)
    organisation: Mapping[str, str] = field(default_factory=dict)

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
        """How many seats the person asks for: their parts, and then as many of the other rounds as their
        choices can fill, one session a round and one run a topic (a topic they have a part in does not
        count): the largest matching of those rounds to topics (augmenting paths; a person has a handful
        of each)."""
        parts = self.required.get(person, frozenset())
        taken_rounds = {self.offer(s).round for s in parts}
        taken_topics = {self.offer(s).topic for s in parts}
        edges: dict[str, set[str]] = defaultdict(set)
        for s in self.ranks.get(person, {}):
            o = self.offer(s)
            free = s not in parts and o.round not in taken_rounds and o.topic not in taken_topics
            if free and self.can_attend(person, s):
                edges[o.round].add(o.topic)
        matched: dict[str, str] = {}  # topic -> round

        def augment(round_id: str, seen: set[str]) -> bool:
            for topic in sorted(edges[round_id]):
                if topic not in seen:
                    seen.add(topic)
                    if topic not in matched or augment(matched[topic], seen):
                        matched[topic] = round_id
                        return True
            return False

        return len(parts) + sum(augment(r, set()) for r in sorted(edges))

    def wants(self, person: str, session: str) -> bool:
        """Whether a seat in `session` is one the person ranked (a *wanted* seat, not only a part)."""
        return session in self.ranks.get(person, {}) and session not in self.required.get(person, frozenset())

    def organisations(self) -> dict[str, tuple[str, ...]]:
        """The organisations whose people asked for a seat, each with those people."""
        found: dict[str, list[str]] = defaultdict(list)
        for person in sorted(self.ranks):
            if person in self.organisation:
                found[self.organisation[person]].append(person)
        return {o: tuple(people) for o, people in sorted(found.items())}


@dataclass(frozen=True, slots=True)
class Choice:
    """What a person is offered to rank: a topic held in more than one round (`id` is the topic's; any of
    its `sessions` will do), or a single session (`id` is its own)."""

    id: str
    sessions: tuple[str, ...]

    @property
    def topic(self) -> bool:
        return len(self.sessions) > 1


def choices_of(offers: Sequence[Offer]) -> tuple[Choice, ...]:
    """The choices the offers make, in their order (a topic at its first run): what the interest poll and
    the web's ranking page show. `problem_of` reads these ids, and a run's own id or a single session's
    topic as well."""
    runs: dict[str, list[str]] = defaultdict(list)
    for o in offers:
        runs[o.topic].append(o.session)
    found: dict[str, Choice] = {}
    for o in offers:
        sessions = runs[o.topic]
        key = o.topic if len(sessions) > 1 else o.session
        found.setdefault(key, Choice(key, tuple(sessions)))
    return tuple(found.values())


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


def problem_of(
    event: Event, preferences: Sequence[Preference], *, organisations: Mapping[str, str] | None = None
) -> Problem:
    """The allocation problem of `event` with these preferences (choices already checked against the
    event: `files.preferences_csv`). Chairs, speakers and the other parts that attend a session must get
    it; the network's availability limits a person to the sessions whose times they can attend. A
    person's organisation is `organisations[person]` when given, else theirs in the network."""
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
    people = set(ranks) | set(required)
    organisation = {
        p.id: p.organisation for p in event.network.people if p.id in people and p.organisation is not None
    }
    organisation.update({p: o for p, o in (organisations or {}).items() if p in people})
    return Problem(
        offers,
        {p: dict(r) for p, r in ranks.items()},
        {p: frozenset(s) for p, s in required.items()},
        available,
        organisation,
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
    """At most one wanted run of a topic per person, and none of a topic they have a part in. Parts are
    exempt: a chair may chair every run (`--repeat-popular` copies the chair into each)."""

    name: ClassVar[str] = "one-run-per-topic"

    def check(self, problem: Problem, allocation: Allocation) -> list[Broken]:
        found = []
        for person, sessions in sorted(allocation.items()):
            parts = problem.required.get(person, frozenset())
            part_topics = {problem.offer(s).topic for s in parts}
            per_topic: dict[str, list[str]] = defaultdict(list)
            for s in sorted(sessions - parts):
                per_topic[problem.offer(s).topic].append(s)
            found += [
                Broken(self.name, f"{person} has {len(ss)} runs of topic {t}", (person,), tuple(ss))
                for t, ss in per_topic.items()
                if len(ss) > 1 or t in part_topics
            ]
        return found

    def post(self, problem: Problem, model: cp_model.CpModel, seats: Seats) -> None:
        groups: dict[tuple[str, str], list[cp_model.IntVar]] = defaultdict(list)
        part_topics = {
            (p, problem.offer(s).topic) for p, sessions in problem.required.items() for s in sessions
        }
        for (p, s), var in seats.items():
            if s in problem.required.get(p, frozenset()):
                continue
            if (p, problem.offer(s).topic) in part_topics:
                model.add(var == 0)
            else:
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


class Measure(StrEnum):
    """The stages of the objective, in the order they are optimised (see the module's docstring)."""

    ORGANISATIONS_SERVED = "organisations-served"  # organisations with at least one wanted seat (max)
    SEATS = "seats"  # seats given (max)
    RANK_COST = "rank-cost"  # the sum of rank costs (min)
    ORGANISATIONS_PER_SESSION = "organisations-per-session"  # (organisation, session) pairs seated (max)
    LOTTERY = "lottery"  # the draw's weights of the seats given (max)


@dataclass(frozen=True, slots=True)
class Stage:
    """One stage of the objective as solved: its value, the solver's bound on it, whether it is proven. A
    stage that found nothing in the time left is kept with value and bound 0, not proven (the solution of
    the stage before it stands)."""

    measure: Measure
    value: int
    bound: int
    proven: bool


@dataclass(frozen=True, slots=True)
class Result:
    """The allocation found: per person their sessions; the rank cost (`objective`) with its proven
    `bound`; seats asked for and given; every stage solved; the lottery's seed and the order it drew."""

    status: Status
    allocation: Mapping[str, frozenset[str]]
    objective: int | None
    bound: int | None
    asked: int
    assigned: int
    wall_s: float
    stages: tuple[Stage, ...] = ()
    seed: int | None = None
    lottery: tuple[str, ...] = ()

    @property
    def unassigned(self) -> int:
        return self.asked - self.assigned

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        return 0.0 if self.objective == self.bound else (self.objective - self.bound) / max(1, self.objective)

    def stage(self, measure: Measure) -> Stage | None:
        return next((s for s in self.stages if s.measure is measure), None)


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
        if problem.wants(p, s)
    )


def lottery_order(people: Sequence[str], seed: int) -> tuple[str, ...]:
    """The order the lottery draws: people sorted by the SHA-256 of "<seed>:<person>" (hex), so that anyone
    can draw it again from the published seed, in any language."""
    return tuple(sorted(people, key=lambda p: hashlib.sha256(f"{seed}:{p}".encode()).hexdigest()))


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
    wanted = [(p, s) for (p, s) in seats if problem.wants(p, s)]
    return cp_model.LinearExpr.weighted_sum(
        [seats[k] for k in wanted], [rank_cost(problem.ranks[p][s], rank_costs) for (p, s) in wanted]
    )


def _worst_cost(problem: Problem, seats: Seats, rank_costs: Sequence[int]) -> int:
    """The largest rank cost any allocation can have: every wanted seat at its cost."""
    return sum(rank_cost(problem.ranks[p][s], rank_costs) for (p, s) in seats if problem.wants(p, s))


def _contested(problem: Problem, seats: Seats) -> frozenset[str]:
    """The sessions with fewer seats than people who could be given one: where ties between people and
    organisations can arise."""
    candidates: dict[str, int] = defaultdict(int)
    for _, s in seats:
        candidates[s] += 1
    return frozenset(
        s for s, n in candidates.items() if (cap := problem.offer(s).capacity) is not None and n > cap
    )


def _organisations_served(problem: Problem, model: cp_model.CpModel, seats: Seats) -> cp_model.LinearExpr:
    """How many organisations that asked hold at least one wanted seat."""
    served = []
    for org, people in problem.organisations().items():
        wanted = [var for (p, s), var in seats.items() if p in people and problem.wants(p, s)]
        if wanted:
            flag = model.new_bool_var(f"served:{org}")
            model.add(flag <= sum(wanted))
            served.append(flag)
    return cp_model.LinearExpr.sum(served)


def _organisations_per_session(
    problem: Problem, model: cp_model.CpModel, seats: Seats, contested: frozenset[str]
) -> cp_model.LinearExpr:
    """How many (organisation, contested session) pairs hold a seat, of the pairs where someone of the
    organisation asked for the session: the most such pairs is one seat for each organisation that asked
    before a second for any."""
    pairs: dict[tuple[str, str], list[cp_model.IntVar]] = defaultdict(list)
    for (p, s), var in seats.items():
        if s in contested and p in problem.organisation and problem.wants(p, s):
            pairs[(problem.organisation[p], s)].append(var)
    flags = []
    for (org, s), variables in sorted(pairs.items()):
        flag = model.new_bool_var(f"seated:{org}@{s}")
        model.add(flag <= sum(variables))
        flags.append(flag)
    return cp_model.LinearExpr.sum(flags)


def _lottery(
    problem: Problem, seats: Seats, contested: frozenset[str], order: Sequence[str], rank_costs: Sequence[int]
) -> cp_model.LinearExpr:
    """The draw's weights of the wanted seats given to the people who could get a contested session: the
    k-th drawn of n weighs n - k + 1 times a seat's value (the worst rank cost + 1 - its own), so that of
    allocations equal in every earlier stage the one that serves those drawn first best wins."""
    involved = {p for (p, s) in seats if s in contested}
    weight = {p: len(order) - k for k, p in enumerate(order)}
    wanted = [(p, s) for (p, s) in seats if p in involved and problem.wants(p, s)]
    if not wanted:
        return cp_model.LinearExpr.sum([])
    costs = {k: rank_cost(problem.ranks[k[0]][k[1]], rank_costs) for k in wanted}
    top = max(costs.values()) + 1
    return cp_model.LinearExpr.weighted_sum(
        [seats[k] for k in wanted], [weight[k[0]] * (top - costs[k]) for k in wanted]
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


class _Stages:
    """Solves one model stage after stage: each stage's objective is optimised from the previous stage's
    solution (as a hint) and then kept (>= or <= its value) for the stages after it."""

    def __init__(
        self, model: cp_model.CpModel, seats: Seats, solver: cp_model.CpSolver, left: Callable[[], float]
    ):
        self.model, self.seats, self.solver, self.left = model, seats, solver, left
        self.values: dict[tuple[str, str], int] | None = None
        self.stages: list[Stage] = []
        self.status: int = int(cp_model.UNKNOWN)

    def run(self, measure: Measure, expr: cp_model.LinearExprT, *, maximize: bool) -> bool:
        """Optimise `expr`; False when no solution was found (the stages stop, the last solution stays)."""
        model, solver = self.model, self.solver
        model.maximize(expr) if maximize else model.minimize(expr)
        if self.values is not None:
            model.clear_hints()  # type: ignore[no-untyped-call]
            for key, var in self.seats.items():
                model.add_hint(var, self.values[key])
        solver.parameters.max_time_in_seconds = self.left()
        status = solver.solve(model)
        self.status = int(status)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if self.values is not None:  # a later stage ran out of time: the solution before it stands
                self.stages.append(Stage(measure, 0, 0, proven=False))
            return False
        value = round(solver.objective_value)
        self.stages.append(
            Stage(measure, value, round(solver.best_objective_bound), status == cp_model.OPTIMAL)
        )
        self.values = {key: solver.value(var) for key, var in self.seats.items()}
        model.add(expr >= value) if maximize else model.add(expr <= value)
        return True

    def run_seats_then_cost(self, given: cp_model.LinearExpr, cost: cp_model.LinearExpr, weight: int) -> bool:
        """The most seats, then the least rank cost, in one search: a seat is worth `weight`, more than
        any rank cost can be (`_worst_cost` + 1), so maximising weight × seats − cost is exactly the two
        stages in their order. A min-cost flow with one side constraint at most, whose relaxation CP-SAT
        proves at once, where two stages made it prove the second from a fixed seat count (the Haarlem
        example: not proven in 20 s)."""
        if not self.run(Measure.SEATS, weight * given - cost, maximize=True):
            return False
        both = self.stages.pop()
        seats = sum((self.values or {}).values())
        spent = weight * seats - both.value
        # Unproven, the bound on weight × seats − cost says only that seats < bound / weight + 1 (a cost
        # is below one weight), and nothing on the cost but that it is not negative.
        most = seats if both.proven else max(seats, -(-both.bound // weight))
        self.stages.append(Stage(Measure.SEATS, seats, most, both.proven))
        self.stages.append(Stage(Measure.RANK_COST, spent, spent if both.proven else 0, both.proven))
        self.model.add(given >= seats)
        self.model.add(cost <= spent)
        return True


def solve(
    problem: Problem,
    rank_costs: Sequence[int] = (),
    *,
    time_limit: float = 10.0,
    workers: int = 2,
    seed: int = 0,
    empty_organisations_first: bool = False,
    lottery_seed: int | None = None,
) -> Result:
    """The best allocation by the stages of the module's docstring, each optimised in turn.

    First everyone is given every seat they ask for, with the least rank cost: when seats suffice (the
    usual case, and Slalom's) this model is an assignment problem that CP-SAT proves at once. Only when it
    is proven impossible are the seats given maximised first (after the organisations served, when
    `empty_organisations_first`) and the rank cost minimised after, keeping that number. Then, where some
    session has fewer seats than candidates, the fairness between organisations and, when a `lottery_seed`
    is given, the lottery break the ties (without one, equal allocations are told apart by the solver)."""
    started = time.perf_counter()
    asked = sum(problem.asks(p) for p in problem.people)
    order = lottery_order(problem.people, lottery_seed) if lottery_seed is not None else ()
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    # Without presolve, symmetry detection and the large neighbourhood search. Every stage is a flow
    # problem (people's rounds to sessions) with a few side constraints, built with nothing to simplify:
    # the LP and the search prove it at once, while presolve costs time or, worse, hides the flow
    # (Slalom 2019: 0.5 to 0.7 s instead of 5 to 6 s; the Haarlem example with its preferences: every
    # stage proven in 0.7 s instead of the fairness and lottery stages unproven after 20 s).
    solver.parameters.cp_model_presolve = False
    solver.parameters.symmetry_level = 0
    solver.parameters.use_lns = False

    def left() -> float:
        return max(0.01, time_limit - (time.perf_counter() - started))

    model, seats = _model(problem, full=True)
    stages = _Stages(model, seats, solver, left)
    found = stages.run(Measure.RANK_COST, _cost(problem, seats, rank_costs), maximize=False)
    if found:
        stages.stages.insert(0, Stage(Measure.SEATS, asked, asked, True))
    elif stages.status == cp_model.INFEASIBLE:
        model, seats = _model(problem, full=False)
        stages = _Stages(model, seats, solver, left)
        found = (
            not empty_organisations_first
            or not problem.organisation
            or stages.run(
                Measure.ORGANISATIONS_SERVED, _organisations_served(problem, model, seats), maximize=True
            )
        )
        found = found and stages.run_seats_then_cost(
            cp_model.LinearExpr.sum(list(seats.values())),
            _cost(problem, seats, rank_costs),
            _worst_cost(problem, seats, rank_costs) + 1,
        )
    cost_stage = next((st for st in stages.stages if st.measure is Measure.RANK_COST), None)
    if found and cost_stage is not None:
        contested = _contested(problem, seats)
        if contested and problem.organisation:
            found = stages.run(
                Measure.ORGANISATIONS_PER_SESSION,
                _organisations_per_session(problem, model, seats, contested),
                maximize=True,
            )
        if found and contested and lottery_seed is not None:
            stages.run(Measure.LOTTERY, _lottery(problem, seats, contested, order, rank_costs), maximize=True)
    wall = time.perf_counter() - started
    if cost_stage is None or stages.values is None:
        status = Status.INFEASIBLE if stages.status == cp_model.INFEASIBLE else Status.UNKNOWN
        return Result(status, {}, None, None, asked, 0, wall, tuple(stages.stages), lottery_seed, order)
    allocation: dict[str, set[str]] = defaultdict(set)
    for (p, s), value in stages.values.items():
        if value:
            allocation[p].add(s)
    proven = all(st.proven for st in stages.stages if st.measure is not Measure.LOTTERY)
    return Result(
        Status.OPTIMAL if proven else Status.FEASIBLE,
        {p: frozenset(s) for p, s in allocation.items()},
        cost_stage.value,
        cost_stage.bound,
        asked,
        sum(len(s) for s in allocation.values()),
        wall,
        tuple(stages.stages),
        lottery_seed,
        order,
    )
