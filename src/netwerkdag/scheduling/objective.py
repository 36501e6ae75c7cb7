"""What the scheduler minimises, written once: the slot model (`model.py`), the scorer of whole plans
(`Scorer`, for the search and the annealing), the column model (`columns.py`) and the annealing's arrays
(`anneal.py`) all take their costs from here.

The objective is lexicographic, through one scale: first the *conflicts* (for every pair of sessions some
people both want, the summed smaller weights of those people when the two run at the same time), then
the *spread* (pairs of one pillar's meetings at the same time, one each). A model minimises
``scale x conflicts + spread`` with a scale larger than any spread it can reach, so one conflict fewer
always beats any spread.

A pair of sessions costs its weight only where their windows meet. Three kinds of pair:

- two *items* (sessions the model places): a cost when they take the same slot and meet there;
- an item and a session *outside* the items (fixed, or placed elsewhere for a neighbourhood): a cost
  in each slot where the item's window meets the other's;
- two sessions outside: a cost the plan cannot change (the *constant*), unless the two are combined.

A solver's lower bound is in the model's units; `conflicts_bound` turns it into a bound on conflicts.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from netwerkdag.core.timegrid import Window
from netwerkdag.scheduling.instance import Day, Item

#: What a bound from linear programming may be off by (a float); CP-SAT's bounds are whole numbers.
_TOLERANCE = 1e-6


class SolveStatus(StrEnum):
    """How a search ended; the same words in the command's text and JSON and on the web's run page."""

    #: A plan, and no plan has fewer conflicts (nor, with as few, less spread).
    OPTIMAL = "optimal"
    #: A plan that keeps every rule, not proven the best.
    FEASIBLE = "feasible"
    #: Proven: no plan keeps every rule.
    INFEASIBLE = "infeasible"
    #: No plan found in the time given, and nothing proven.
    UNKNOWN = "unknown"

    @property
    def has_plan(self) -> bool:
        return self in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)


@dataclass(frozen=True, slots=True)
class Pair:
    """A pair of sessions some people both want, from `Day.pair_weights`, with at least one item."""

    key: tuple[str, str]  # as in `Day.pair_weights`
    item: str  # an item
    other: str  # another item, or a session outside the items
    weight: int
    #: The other's window when it is outside the items; None when it is an item too.
    outside: Window | None


def sessions_meet(a: Item, b: Item, slot: int) -> bool:
    """Whether two items in the same slot run at the same time there (a session may take part of a
    slot)."""
    return a.windows[slot].overlaps(b.windows[slot])


def conflict_pairs(day: Day, window_of: Callable[[str], Window] | None = None) -> tuple[list[Pair], int]:
    """The pairs of `day.pair_weights` with a weight that a plan can change, in the order of their keys,
    and the constant: the weights of the pairs of two sessions outside the items that meet.

    `window_of` gives where a session outside the items runs (by default the event's time; the
    neighbourhoods of `search.py` place some of the day's items elsewhere)."""
    event = day.event
    items = {i.id for i in day.items}
    where = window_of if window_of is not None else (lambda session_id: event.session(session_id).window)
    pairs: list[Pair] = []
    constant = 0
    for (a, b), weight in sorted(day.pair_weights.items()):
        if weight <= 0:
            continue
        if a in items and b in items:
            pairs.append(Pair((a, b), a, b, weight, None))
        elif a in items or b in items:
            item, other = (a, b) if a in items else (b, a)
            if event.has_session(other):
                pairs.append(Pair((a, b), item, other, weight, where(other)))
        elif event.has_session(a) and event.has_session(b):
            sa, sb = event.session(a), event.session(b)
            combined = a in sb.combined_with or b in sa.combined_with
            if where(a).overlaps(where(b)) and not combined:
                constant += weight
    return pairs, constant


def spread_pairs(day: Day) -> list[tuple[str, str]]:
    """The pairs of one pillar's meetings, each costing one spread where they meet."""
    return sorted(day.pillar_pairs)


def scale_of(day: Day) -> int:
    """A scale for `day`: one more than the most spread any plan of it can have."""
    return len(day.pillar_pairs) + 1


def in_units(conflicts: int, spread: int, scale: int) -> int:
    """Conflicts and spread in a model's units."""
    return conflicts * scale + spread


def conflicts_of(value: float, scale: int, constant: int = 0) -> int:
    """The conflicts of a plan whose cost in a model's units (the constant left out) is `value`."""
    return int(value // scale) + constant


def conflicts_bound(bound: float, scale: int, constant: int = 0) -> int:
    """A lower bound in a model's units (the constant left out) as a lower bound on conflicts: a plan with
    c conflicts costs at most ``scale x c + scale - 1``, so ``c >= (bound - scale + 1) / scale``."""
    return max(0, math.ceil((bound - _TOLERANCE - scale + 1) / scale)) + constant


@dataclass(frozen=True, slots=True, order=True)
class Score:
    """What the slot model minimises, in its order: weighted conflicts, then one pillar's pairs together."""

    conflicts: int
    spread: int

    def in_units(self, scale: int, constant: int = 0) -> int:
        """The score in a model's units, without `constant` conflicts (those no plan changes)."""
        return in_units(self.conflicts - constant, self.spread, scale)


class Scorer:
    """Scores a whole assignment of slots the way the slot model counts it."""

    def __init__(self, day: Day) -> None:
        self.day = day
        self.items = {i.id: i for i in day.items}
        found, self.constant = conflict_pairs(day)
        #: Pairs of two items.
        self.pairs = [(p.item, p.other, p.weight) for p in found if p.outside is None]
        #: An item against a session outside the items: the item, the other's window, the weight.
        self.fixed_terms = [(p.item, p.outside, p.weight) for p in found if p.outside is not None]
        #: Pairs of an item and a session outside the items, by item, as the day's weights have them.
        self.outside_pairs: dict[str, list[tuple[tuple[str, str], int]]] = {}
        for p in found:
            if p.outside is not None:
                self.outside_pairs.setdefault(p.item, []).append((p.key, p.weight))
        self.neighbours: dict[str, list[tuple[str, int]]] = {i: [] for i in self.items}
        for a, b, weight in self.pairs:
            self.neighbours[a].append((b, weight))
            self.neighbours[b].append((a, weight))
        self.spread_pairs = spread_pairs(day)

    def fixed_costs(self) -> dict[tuple[str, int], int]:
        """What an item costs in a slot against the sessions outside the items, by (item, slot), where
        it costs anything."""
        costs: dict[tuple[str, int], int] = {}
        for item_id, window, weight in self.fixed_terms:
            for t, own in self.items[item_id].windows.items():
                if own.overlaps(window):
                    costs[(item_id, t)] = costs.get((item_id, t), 0) + weight
        return costs

    def score(self, slot_of: Mapping[str, int]) -> Score:
        items = self.items
        conflicts = self.constant
        for a, b, weight in self.pairs:
            t = slot_of[a]
            if t == slot_of[b] and sessions_meet(items[a], items[b], t):
                conflicts += weight
        for item_id, window, weight in self.fixed_terms:
            if items[item_id].windows[slot_of[item_id]].overlaps(window):
                conflicts += weight
        spread = 0
        for a, b in self.spread_pairs:
            t = slot_of[a]
            if t == slot_of[b] and sessions_meet(items[a], items[b], t):
                spread += 1
        return Score(conflicts, spread)
