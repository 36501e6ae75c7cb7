"""Search for a good plan fast, and prove how good it is.

A first plan that keeps every rule comes from the slot model of `model.py` without an objective. Then:

- **A small day** (its slot contents can be listed, `columns.py`): a short head start of neighbourhoods
  (`improve`: free two slots, later three or four, and let a small slot model holding only their sessions
  decide exactly which go where), then the column model proves the best plan optimal or finds it.
- **A big day**: annealing walks over single moves and swaps (`anneal.py`), which score a step in
  microseconds against the slot model's rules as data, each ending in a tabu search (`tabu.py`); one
  walk per worker, the others in processes of their own. From three workers on, one worker runs the
  slot model of the whole day with CP-SAT's core-based search instead (`Prover`): it proves the lower
  bound the report shows, and its plans are taken when better.

All of them share one plan (`Incumbent`), which is replaced only by a better plan whose rooms can be
seated (`rooms.find_cut`); a room set that fails becomes a cut for the models from then on. The
measurements behind these choices are in docs/decisions/0003-search-and-column-bound.md and
docs/decisions/0004-annealing-for-big-days.md.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from netwerkdag.scheduling import kernel, objective, rooms, tuning
from netwerkdag.scheduling.anneal import Anneal, Elsewhere
from netwerkdag.scheduling.columns import Columns, solve_exact
from netwerkdag.scheduling.instance import Day
from netwerkdag.scheduling.model import Options, Progress, SlotModel, solver_for, status_of
from netwerkdag.scheduling.objective import Score, Scorer, SolveStatus

Cuts = list[tuple[int, frozenset[str], int]]


def neighbourhood(
    day: Day,
    scorer: Scorer,
    slot_of: Mapping[str, int],
    free: frozenset[int],
    movable: frozenset[str] | None = None,
) -> Day:
    """The day cut down to the sessions now in the `free` slots, each allowed only those slots; of them,
    those not `movable` (when given) stay in the slot they are in."""
    chosen = {i for i, t in slot_of.items() if t in free}
    items = tuple(
        dataclasses.replace(
            item,
            slots=tuple(
                t
                for t in item.slots
                if t in free and (movable is None or item.id in movable or t == slot_of[item.id])
            ),
        )
        for item in day.items
        if item.id in chosen
    )
    weights: dict[tuple[str, str], int] = {}
    for a in chosen:
        for b, weight in scorer.neighbours[a]:
            if b in chosen:
                weights[(a, b) if a < b else (b, a)] = weight
    for item_id in chosen:
        weights.update(scorer.outside_pairs.get(item_id, ()))
    pillar_pairs = frozenset((a, b) for a, b in day.pillar_pairs if a in chosen and b in chosen)
    return dataclasses.replace(day, items=items, pair_weights=weights, pillar_pairs=pillar_pairs)


def _slot_sets(day: Day, size: int, rng: random.Random) -> list[frozenset[int]]:
    combos = [frozenset(c) for c in itertools.combinations(range(len(day.slots)), size)]
    rng.shuffle(combos)
    return combos


class Incumbent:
    """The best seatable plan so far, shared by the two threads."""

    def __init__(
        self,
        day: Day,
        scorer: Scorer,
        slot_of: dict[str, int],
        progress: Progress | None,
        started: float | None = None,
    ) -> None:
        """`started`: the moment the progress reports count their seconds from (by default now)."""
        self.day, self.scorer, self.progress = day, scorer, progress
        self.slot_of = dict(slot_of)
        self.score = scorer.score(slot_of)
        self.bound: int | None = None
        self.proven = False
        self.started = time.monotonic() if started is None else started
        self.lock = threading.RLock()  # progress is reported under it, so reports never run backwards
        self.cuts: Cuts = []
        self._report()

    def offer(self, slot_of: Mapping[str, int], ties: bool = False) -> bool:
        """Take `slot_of` if it is better (or, with `ties`, as good) and every slot of it can be seated."""
        score = self.scorer.score(slot_of)

        def worse() -> bool:
            return score > self.score or (score == self.score and not ties)

        with self.lock:
            if worse():
                return False
        cut = rooms.find_cut(self.day, slot_of)
        with self.lock:
            if cut is not None:
                self.cuts.append((cut.slot, cut.rooms, cut.limit))
                return False
            if worse():
                return False
            better = score < self.score
            self.slot_of, self.score = dict(slot_of), score
            if better:
                self._report()
        return True

    def raise_bound(self, bound: int) -> None:
        with self.lock:
            if self.bound is not None and bound <= self.bound:
                return
            self.bound = bound
            self._report()

    @property
    def closed(self) -> bool:
        """Proven optimal: by a prover, by a bound as high as the plan, or because nothing can be lower
        (only the conflicts of fixed parts among themselves, and no pillar pair together)."""
        floor = Score(self.scorer.constant, 0)
        return (
            self.proven
            or self.score <= floor
            or (self.bound is not None and self.bound >= self.score.conflicts)
        )

    def _report(self) -> None:
        if self.progress is not None:
            conflicts, bound = self.score.conflicts, self.bound if self.bound is not None else 0
            self.progress(conflicts, min(bound, conflicts), time.monotonic() - self.started)


def improve(
    day: Day,
    incumbent: Incumbent,
    deadline: float,
    seed: int,
    stop: threading.Event,
) -> None:
    """Neighbourhoods until the deadline, `stop`, or a proven optimum.

    First every set of two slots, then of three and four, in random order; an improvement starts again
    from pairs. When no set of up to four slots improves the plan (a local optimum), wider and random
    neighbourhoods follow: three to six slots, of whose sessions at most `tuning.MAX_MOVABLE` may move, and
    a plan as good as the one known is taken too, so that the search walks across plateaus.
    """
    rng = random.Random(seed)  # noqa: S311 - a search order, not a secret
    largest = min(4, len(day.slots))
    size = 2

    def halted() -> bool:
        return stop.is_set() or incumbent.closed or time.monotonic() >= deadline

    def some_of(free: frozenset[int]) -> frozenset[str] | None:
        inside = sorted(i for i, t in incumbent.slot_of.items() if t in free)
        most = tuning.MAX_MOVABLE
        return None if len(inside) <= most else frozenset(rng.sample(inside, most))

    while size <= largest:
        improved = False
        for free in _slot_sets(day, size, rng):
            if halted():
                return
            if _resolve(day, incumbent, free, some_of(free), deadline, rng.randrange(1 << 30)):
                improved = True
                break
        size = 2 if improved else size + 1
    if len(day.slots) < 3:
        return
    while not halted():
        free = frozenset(rng.sample(range(len(day.slots)), rng.randint(3, min(6, len(day.slots)))))
        _resolve(day, incumbent, free, some_of(free), deadline, rng.randrange(1 << 30), ties=True)


def _resolve(
    day: Day,
    incumbent: Incumbent,
    free: frozenset[int],
    movable: frozenset[str] | None,
    deadline: float,
    seed: int,
    ties: bool = False,
) -> bool:
    with incumbent.lock:
        current = dict(incumbent.slot_of)
        cuts = [c for c in incumbent.cuts if c[0] in free]
    sub = neighbourhood(day, incumbent.scorer, current, free, movable)
    if len(sub.items) < 2:
        return False
    elsewhere = {i.id: i.windows[t] for i in day.items if (t := current[i.id]) not in free}
    options = Options(time_limit=1.0, workers=1, seed=seed, symmetry_breaking=False)
    built = SlotModel(sub, options, cuts, elsewhere=elsewhere, hint=current)
    if built.empty:
        return False
    built.model.minimize(built.objective())
    solver = cp_model.CpSolver()
    seconds = min(tuning.NEIGHBOURHOOD_SECONDS, deadline - time.monotonic())
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    if not status_of(solver.solve(built.model), built.model).has_plan:
        return False
    proposal = dict(current)
    proposal.update(built.slots_chosen(solver))
    if proposal == current:
        return False
    return incumbent.offer(proposal, ties=ties)


class Prover(threading.Thread):
    """The slot model of the whole day on its own thread: the lower bound, and its plans when better."""

    def __init__(self, day: Day, incumbent: Incumbent, options: Options, time_limit: float) -> None:
        super().__init__(name="netwerkdag-prover", daemon=True)
        self.day, self.incumbent, self.options, self.time_limit = day, incumbent, options, time_limit
        self.solver = solver_for(options, time_limit)
        self.status = SolveStatus.UNKNOWN
        self.halt = threading.Event()

    def run(self) -> None:
        started = time.monotonic()
        built = SlotModel(self.day, self.options, list(self.incumbent.cuts), hint=self.incumbent.slot_of)
        if self.halt.is_set() or built.empty:
            return
        built.model.minimize(built.objective())
        scale = built.spread_scale
        incumbent = self.incumbent

        def in_conflicts(raw: float) -> int:
            return objective.conflicts_bound(raw, scale, built.constant)

        class Watch(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                chosen = {i: t for (i, t), var in built.x.items() if self.boolean_value(var)}
                incumbent.offer(chosen)
                incumbent.raise_bound(in_conflicts(self.best_objective_bound))
                if incumbent.closed:
                    self.stop_search()

        def on_bound(raw: float) -> None:
            incumbent.raise_bound(in_conflicts(raw))

        self.solver.best_bound_callback = on_bound
        self.solver.parameters.max_time_in_seconds = max(0.05, self.time_limit - (time.monotonic() - started))
        status = status_of(self.solver.solve(built.model, Watch()), built.model)
        if status is SolveStatus.OPTIMAL:
            with incumbent.lock:
                incumbent.proven = True
            incumbent.raise_bound(in_conflicts(self.solver.best_objective_bound))
        elif status is not SolveStatus.INFEASIBLE:
            incumbent.raise_bound(in_conflicts(self.solver.best_objective_bound))
        self.status = status

    def stop(self) -> None:
        self.halt.set()
        self.solver.stop_search()


@dataclass(frozen=True, slots=True)
class Start:
    status: SolveStatus  # feasible, infeasible (proven) or unknown
    slot_of: dict[str, int]
    rules: SlotModel  # the model that found it: the slots each item may take, its rules as data


def first_plan(day: Day, options: Options, cuts: Cuts, deadline: float) -> Start:
    """Any plan that keeps every rule, starting from the one the day came from; rooms seatable."""
    while True:
        built = SlotModel(day, options, cuts, objective=False)
        if built.empty:
            return Start(SolveStatus.INFEASIBLE, {}, built)
        code, solver = _first_solution(built, options, deadline)
        status = status_of(code, built.model)
        if not status.has_plan:
            return Start(status, {}, built)
        slot_of = built.slots_chosen(solver)
        cut = rooms.find_cut(day, slot_of)
        if cut is None:
            return Start(SolveStatus.FEASIBLE, slot_of, built)
        cuts.append((cut.slot, cut.rooms, cut.limit))


def _first_solution(
    built: SlotModel, options: Options, deadline: float
) -> tuple[cp_model.CpSolverStatus, cp_model.CpSolver]:
    """Solve `built` for any solution.

    From two workers on, CP-SAT runs a local search for a first solution (feasibility jump) beside its
    complete search; one worker runs only the complete search, and how long that takes varies by the seed
    with a long tail: on the generated L day 1.4 to 6.5 s over twelve seeds, and over 10 s twice when two
    ran at once (2026-12-02). So one worker first tries the local search alone, for at most
    `tuning.LOCAL_SEARCH_SECONDS` (0.35 to 0.48 s on L), and falls back to the complete search, which can also
    prove that there is no plan."""
    if options.workers == 1:
        remaining = deadline - time.monotonic()
        solver = solver_for(options, min(tuning.LOCAL_SEARCH_SECONDS, remaining / 4), proving=False)
        solver.parameters.use_ls_only = True
        status = solver.solve(built.model)
        if status != cp_model.UNKNOWN:
            return status, solver
    solver = solver_for(options, deadline - time.monotonic(), proving=False)
    return solver.solve(built.model), solver


def _search_small(
    day: Day,
    small: Columns,
    scorer: Scorer,
    incumbent: Incumbent,
    options: Options,
    deadline: float,
    stop: threading.Event,
) -> Found:
    """A day whose slot contents can be listed: a good plan first, then the column model proves it
    optimal or finds the better one."""
    started = time.monotonic()
    improve(day, incumbent, min(deadline, started + tuning.SMALL_DAY_HEAD_START), options.seed, stop)
    fixed = scorer.fixed_costs()
    order = [(i.id, b) for i in day.items for b in i.session.after if b in scorer.items]
    while True:
        listed = small.listed(scorer.neighbours, fixed)
        best = incumbent.score
        cost = best.in_units(small.scale, scorer.constant)
        known = [
            (t, frozenset(i for i, at in incumbent.slot_of.items() if at == t)) for t in range(len(day.slots))
        ]
        exact = solve_exact(day, listed, cost, known, order, deadline)
        if exact is None:
            return Found(SolveStatus.FEASIBLE, incumbent.slot_of, incumbent.score, 0)
        taken = exact.slot_of is None or incumbent.offer(exact.slot_of)
        if not taken and len(incumbent.cuts) > len(small.cuts):  # a slot that cannot be seated: again
            small.cuts = list(incumbent.cuts)
            continue
        if taken:
            incumbent.raise_bound(objective.conflicts_bound(exact.bound, small.scale, scorer.constant))
            if exact.optimal:
                with incumbent.lock:
                    incumbent.proven = True
        break
    status = SolveStatus.OPTIMAL if incumbent.closed else SolveStatus.FEASIBLE
    bound = incumbent.bound if incumbent.bound is not None else 0
    return Found(status, incumbent.slot_of, incumbent.score, min(bound, incumbent.score.conflicts))


class _Halt:
    """Stops the walk here when the plan is proven optimal."""

    def __init__(self, incumbent: Incumbent) -> None:
        self.incumbent = incumbent

    def is_set(self) -> bool:
        return self.incumbent.closed


def _anneal(
    anneal: Anneal, incumbent: Incumbent, others: Sequence[Elsewhere], seed: int, deadline: float
) -> None:
    """Annealing walks from the incumbent, each with its own seed: one in this process, one in each of
    `others` (Python runs one at a time per process); every better plan they find is offered to the
    incumbent."""
    with incumbent.lock:
        plan = dict(incumbent.slot_of)
    for k, walk in enumerate(others, start=1):
        walk.start(anneal, plan, deadline, seed + k)

    def listen(walk: Elsewhere) -> None:
        for found in walk.plans():
            incumbent.offer(found)

    listeners = [
        threading.Thread(target=listen, args=(w,), name="netwerkdag-walk", daemon=True) for w in others
    ]
    for listener in listeners:
        listener.start()
    try:
        anneal.walk(plan, deadline, seed, incumbent.offer, _Halt(incumbent))
    finally:
        for walk in others:  # they end at the same deadline: a moment for their last plans
            walk.end(grace=deadline + tuning.WALK_GRACE_SECONDS - time.monotonic())
        for listener in listeners:
            listener.join()


@dataclass(frozen=True, slots=True)
class Found:
    status: SolveStatus
    slot_of: Mapping[str, int]
    score: Score | None
    bound: int | None


def search(
    day: Day, options: Options, progress: Progress | None = None, started: float | None = None
) -> Found:
    """The best plan found within the options' time limit counted from `started` (by default now), less
    `tuning.RESERVE` of it (at most `tuning.RESERVE_SECONDS`) for seating the rooms and checking the plan."""
    if started is None:
        started = time.monotonic()
    reserve = min(options.time_limit * tuning.RESERVE, tuning.RESERVE_SECONDS)
    deadline = started + options.time_limit - reserve
    cuts: Cuts = []
    workers = max(1, options.workers)
    walks = workers - 1 if workers >= 3 else workers
    # On a day that may be big the compiled steps load now, here in a thread and in the processes of the
    # further walks: that takes seconds, which overlap CP-SAT's search for the first plan.
    others: list[Elsewhere] = []
    if _may_be_big(day):
        others = [Elsewhere() for _ in range(walks - 1)]
        threading.Thread(target=kernel.warm, name="netwerkdag-warm", daemon=True).start()
    try:
        return _search(day, options, progress, started, deadline, cuts, walks, others)
    finally:
        for walk in others:
            walk.end()


def _may_be_big(day: Day) -> bool:
    """Whether the day may have too many columns for the exact search (counted over every slot each
    session could take, before the rules narrow that down: never less than `Columns.count`)."""
    return Columns(day, {i.id: i.slots for i in day.items}, [], 1).count() > tuning.MAX_COLUMNS


def _search(
    day: Day,
    options: Options,
    progress: Progress | None,
    started: float,
    deadline: float,
    cuts: Cuts,
    walks: int,
    others: list[Elsewhere],
) -> Found:
    """`search` after its set-up: `walks` annealing walks on a big day, `others` the processes started
    for them so far (ended by the caller)."""
    start = first_plan(day, options, cuts, deadline)
    if start.status is not SolveStatus.FEASIBLE:
        return Found(start.status, {}, None, None)
    scorer = Scorer(day)
    incumbent = Incumbent(day, scorer, start.slot_of, progress, started)
    incumbent.cuts.extend(cuts)
    stop = threading.Event()
    workers = max(1, options.workers)
    small = Columns(day, start.rules.allowed, incumbent.cuts, objective.scale_of(day))
    if small.count() <= tuning.MAX_COLUMNS:
        return _search_small(day, small, scorer, incumbent, options, deadline, stop)
    # A big day: annealing walks, one here and one per further worker in a process of its own; from
    # three workers on, one worker goes to the prover instead (on the generated M day the core-based
    # bound of the whole model stays at 0 after a minute, so on two cores it would only cost a walk).
    prover = None
    if workers >= 3:
        prover = Prover(day, incumbent, dataclasses.replace(options, workers=1), options.time_limit)
        prover.start()
    while len(others) < walks - 1:  # counted over all slots, the day looked small
        others.append(Elsewhere())
    anneal = Anneal(day, start.rules, scorer, objective.scale_of(day))
    _anneal(anneal, incumbent, others, options.seed, deadline)
    if prover is not None:
        prover.stop()
        prover.join()
    final = SolveStatus.OPTIMAL if incumbent.closed else SolveStatus.FEASIBLE
    bound = incumbent.bound if incumbent.bound is not None else 0
    if incumbent.closed:
        bound = incumbent.score.conflicts
    return Found(final, incumbent.slot_of, incumbent.score, min(bound, incumbent.score.conflicts))
