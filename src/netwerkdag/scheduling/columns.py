"""Exact plans for small days: choose whole slot contents (set partitioning), bound by linear programming.

The slot model's relaxation is weak because a pair's cost depends on two sessions at once. Here a
*column* is everything one slot holds: a set of sessions that may share it (they fit the slot, nobody
with a part is in two of them at once, nothing forbidden runs in parallel, no two runs of one topic,
their rooms can be seated), with its cost (the weighted conflicts inside it and with the fixed parts at
that time, then its pillar pairs). A plan picks one column per slot and covers every session once. The
linear relaxation of that choice is strong (on the generated S day it is within 1 of the optimum), and
it proves more than a bound: a column whose reduced cost exceeds the gap between the best plan known
and the bound cannot be part of any better plan. CP-SAT then solves the few columns that remain, exactly.

This only pays while the columns can be listed: `Columns.count` says how many there would be at most, and
`search.py` uses it for days under `tuning.MAX_COLUMNS`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from math import comb

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from netwerkdag.scheduling import objective, tuning
from netwerkdag.scheduling.instance import Day, present_people


@dataclass(frozen=True, slots=True)
class Column:
    slot: int
    items: tuple[str, ...]
    cost: int  # in the model's units (`objective.in_units`): scale x conflicts + pillar pairs


@dataclass(frozen=True, slots=True)
class Exact:
    """What the column model proved: a bound (in the model's units) and, when it found one, a plan."""

    bound: float
    slot_of: Mapping[str, int] | None
    optimal: bool


class Columns:
    """The columns of a day, given each item's allowed slots and the room-set counts of each slot."""

    def __init__(
        self,
        day: Day,
        allowed: Mapping[str, Sequence[int]],
        cuts: Sequence[tuple[int, frozenset[str], int]],
        scale: int,
    ) -> None:
        self.day, self.allowed, self.cuts, self.scale = day, allowed, list(cuts), scale
        self.items = {i.id: i for i in day.items}
        slots = range(len(day.slots))
        self.capacity = [
            len([r for r in day.event.rooms if not r.shared and r.id not in day.held_rooms[t]]) for t in slots
        ]
        total = len(day.items)
        self.least = [max(0, total - (sum(self.capacity) - self.capacity[t])) for t in slots]
        self.candidates = [[i for i in day.items if t in allowed[i.id]] for t in slots]

    def count(self) -> int:
        """How many sets of sizes `least`..`capacity` the candidates of each slot make (an upper bound)."""
        return sum(
            sum(comb(len(self.candidates[t]), k) for k in range(self.least[t], self.capacity[t] + 1))
            for t in range(len(self.day.slots))
        )

    def listed(
        self, weights: Mapping[str, list[tuple[str, int]]], fixed: Mapping[tuple[str, int], int]
    ) -> list[Column]:
        """Every column, by depth-first search with the rules checked as each session is added."""
        found: list[Column] = []
        for t in range(len(self.day.slots)):
            found.extend(self._listed_in(t, weights, fixed))
        return found

    def _listed_in(
        self, t: int, weights: Mapping[str, list[tuple[str, int]]], fixed: Mapping[tuple[str, int], int]
    ) -> list[Column]:
        day, scale = self.day, self.scale
        candidates = self.candidates[t]
        ids = [i.id for i in candidates]
        n = len(candidates)
        held = day.held_rooms[t]
        free = [frozenset(r for r in i.rooms if r not in held) for i in candidates]
        distinct = sorted(set(free), key=sorted)
        families = distinct + [rooms for slot, rooms, _ in self.cuts if slot == t]
        limits = [len(f) for f in distinct] + [limit for slot, _, limit in self.cuts if slot == t]
        inside = [[k for k, f in enumerate(families) if free[a] <= f] for a in range(n)]
        # clash[a]: earlier candidates b that may not share the slot with a; cost[a][b]: what sharing costs.
        windows = [i.windows[t] for i in candidates]
        people = [set(present_people(i.session)) for i in candidates]
        spread = {(a, b) for a, b in day.pillar_pairs} | {(b, a) for a, b in day.pillar_pairs}
        clash: list[set[int]] = [set() for _ in range(n)]
        cost: list[dict[int, int]] = [{} for _ in range(n)]
        for a in range(n):
            wanted = dict(weights.get(ids[a], ()))
            sa = candidates[a].session
            for b in range(a):
                sb = candidates[b].session
                if sa.topic is not None and sa.topic == sb.topic:
                    clash[a].add(b)  # topic-runs: never in one block
                    continue
                if not windows[a].overlaps(windows[b]):
                    continue
                if people[a] & people[b] or sb.id in sa.not_parallel_with or sa.id in sb.not_parallel_with:
                    clash[a].add(b)  # person-double-booked, not-parallel
                    continue
                price = objective.in_units(wanted.get(ids[b], 0), (ids[a], ids[b]) in spread, scale)
                if price:
                    cost[a][b] = price
        own = [objective.in_units(fixed.get((ids[a], t), 0), 0, scale) for a in range(n)]
        least, most = self.least[t], self.capacity[t]
        counts = [0] * len(families)
        chosen: list[int] = []
        found: list[Column] = []

        def grow(start: int, total: int) -> None:
            if least <= len(chosen) <= most:
                found.append(Column(t, tuple(ids[b] for b in chosen), total))
            if len(chosen) == most:
                return
            for a in range(start, n):
                if len(chosen) + n - a < least:
                    return
                if any(b in clash[a] for b in chosen):
                    continue
                if any(counts[k] >= limits[k] for k in inside[a]):
                    continue  # rooms: Hall's condition
                prices = cost[a]
                added = own[a] + sum(prices.get(b, 0) for b in chosen)
                for k in inside[a]:
                    counts[k] += 1
                chosen.append(a)
                grow(a + 1, total + added)
                chosen.pop()
                for k in inside[a]:
                    counts[k] -= 1

        grow(0, 0)
        return found


def _relaxation(day: Day, columns: list[Column], start: Sequence[int]) -> tuple[float, list[float]] | None:
    """The linear relaxation, by column generation with GLOP: solve it over a pool of columns (first the
    plan known, `start`, and the cheapest columns of each slot), price every column with the duals, add
    those that would lower the cost, until none would. Returns the optimum and every reduced cost."""
    slot_count = len(day.slots)
    index = {i.id: k for k, i in enumerate(day.items)}
    members = [[index[i] for i in c.items] for c in columns]
    by_slot: list[list[int]] = [[] for _ in range(slot_count)]
    for k, c in enumerate(columns):
        by_slot[c.slot].append(k)
    pool = set(start)
    for ks in by_slot:
        pool.update(sorted(ks, key=lambda k: columns[k].cost)[: tuning.POOL_PER_SLOT])
    while True:
        lp = pywraplp.Solver.CreateSolver("GLOP")
        if lp is None:  # pragma: no cover - GLOP ships with OR-Tools
            return None
        cover = [lp.Constraint(1, 1) for _ in day.items]
        one = [lp.Constraint(1, 1) for _ in range(slot_count)]
        objective = lp.Objective()
        for k in pool:
            var = lp.NumVar(0, 1, "")
            one[columns[k].slot].SetCoefficient(var, 1)
            for i in members[k]:
                cover[i].SetCoefficient(var, 1)
            objective.SetCoefficient(var, columns[k].cost)
        objective.SetMinimization()
        if lp.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        item_dual = [c.dual_value() for c in cover]
        slot_dual = [c.dual_value() for c in one]
        reduced = [
            c.cost - slot_dual[c.slot] - sum(item_dual[i] for i in members[k]) for k, c in enumerate(columns)
        ]
        entering = [k for k, rc in enumerate(reduced) if rc < -1e-7 and k not in pool]
        entering.sort(key=reduced.__getitem__)
        if not entering:
            return objective.Value(), reduced
        pool.update(entering[: tuning.ENTERING_PER_ROUND])


def solve_exact(
    day: Day,
    columns: list[Column],
    best_cost: int,
    known: Sequence[tuple[int, frozenset[str]]],
    order: Sequence[tuple[str, str]],
    deadline: float,
) -> Exact | None:
    """Prove the bound and look for a plan cheaper than `best_cost` (the plan `known`, as its slots'
    contents) among the columns that can be part of one. `order` lists (later, earlier) pairs of items.
    None when the relaxation cannot be solved."""
    where = {(c.slot, frozenset(c.items)): k for k, c in enumerate(columns)}
    start = [where[key] for key in known if key in where]
    relaxed = _relaxation(day, columns, start)
    if relaxed is None:
        return None
    bound, reduced = relaxed
    slack = best_cost - 1 - bound + 1e-6
    if slack < 0:  # nothing cheaper exists: the plan known is optimal
        return Exact(bound, None, True)
    kept = [c for c, rc in zip(columns, reduced, strict=True) if rc <= slack]
    model = cp_model.CpModel()
    chosen = [model.new_bool_var("") for _ in kept]
    by_item: dict[str, list[cp_model.IntVar]] = {i.id: [] for i in day.items}
    by_slot: list[list[cp_model.IntVar]] = [[] for _ in day.slots]
    at: dict[tuple[str, int], list[cp_model.IntVar]] = {}
    for column, var in zip(kept, chosen, strict=True):
        by_slot[column.slot].append(var)
        for item_id in column.items:
            by_item[item_id].append(var)
            at.setdefault((item_id, column.slot), []).append(var)
    for lits in [*by_item.values(), *by_slot]:
        model.add_exactly_one(lits)
    items = {i.id: i for i in day.items}
    origin = day.slots[0].start if day.slots else None

    def minutes(item_id: str, end: bool) -> cp_model.LinearExprT:
        item = items[item_id]
        terms = []
        for (i, t), lits in at.items():
            if i == item_id and origin is not None:
                window = item.windows[t]
                moment = window.end if end else window.start
                terms.append(int((moment - origin).total_seconds() // 60) * sum(lits))
        return sum(terms)

    for later, earlier in order:
        model.add(minutes(later, end=False) >= minutes(earlier, end=True))
    model.add(sum(c.cost * v for c, v in zip(kept, chosen, strict=True)) <= best_cost - 1)
    model.minimize(sum(c.cost * v for c, v in zip(kept, chosen, strict=True)))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, deadline - time.monotonic())
    # The columns left are few; presolve (dominance between thousands of set-partitioning rows) would
    # cost more than the search: measured 0.85 s with it, 0.04 s without, on the S day.
    solver.parameters.num_workers = 1
    solver.parameters.cp_model_presolve = False
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        return Exact(max(bound, best_cost), None, True)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Exact(bound, None, False)
    slot_of = {
        item_id: column.slot
        for column, var in zip(kept, chosen, strict=True)
        if solver.boolean_value(var)
        for item_id in column.items
    }
    if status == cp_model.OPTIMAL:
        return Exact(solver.objective_value, slot_of, True)
    return Exact(max(bound, solver.best_objective_bound), slot_of, False)
