"""Tabu search over swaps, the last part of an annealing walk (`anneal.py`).

The annealing ends in a plan where no single move or swap helps; the tabu search goes on from there. Each
step scores every swap of two sessions at once (numpy: `gain[i, t]`, what session i would cost in slot t,
as in the annealing), takes the best one that keeps every rule and is not tabu, even uphill, and forbids
the two sessions to return to the slots they left for `TENURE` to twice `TENURE` steps, unless that gives
a plan better than any so far. After `STALL` steps without a better plan it starts again from the best one,
after `KICK` random swaps.

Only swaps: on the days where this matters every slot is (nearly) full, and the annealing has taken the
moves into free rooms. Only on days where every pair of windows in a slot overlaps (no `Anneal.ragged`
slot), so that a pair costs the same in every slot; other days keep the annealing's downhill polish.

Measured on the generated M day (2026-12-02, single walks of 60 s, seeds 1-8, the annealing then still in
plain Python): 48 s of annealing and 12 s of tabu search gave 323-342, median 332.5, against 332-342,
median 335.5, for 60 s of annealing.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from netwerkdag.scheduling import kernel

if TYPE_CHECKING:
    from netwerkdag.scheduling.anneal import Anneal, Stop

#: A session may not return to the slot it left for TENURE to 2 x TENURE steps.
TENURE = 10
#: The best swaps are checked against the rules in order, this many at first; when all of them break a
#: rule, every swap is, best first.
CANDIDATES = 24
#: Steps without a better plan before starting again from the best one, after KICK random swaps.
STALL = 3000
KICK = 6
#: Steps between two looks at the clock.
CLOCK_STEPS = 32
#: A new best plan is handed on at most this often.
REPORT_SECONDS = 0.25
_NEVER = np.int64(1) << 60

Matrix = npt.NDArray[np.int64]


def applies(rules: Anneal) -> bool:
    """Whether the tabu search can take over from the annealing on this day."""
    return not rules.ragged and len(rules.ids) > 1


class Tabu:
    """The annealing's rules and weights as matrices, and one tabu search over them."""

    def __init__(self, rules: Anneal) -> None:
        if not applies(rules):
            raise ValueError("the tabu search needs slots where every pair of windows overlaps")
        self.rules = rules
        n, slots = len(rules.ids), rules.slots
        self.n, self.slots = n, slots
        self.weight: Matrix = rules.weight_matrix
        self.allowed: npt.NDArray[np.bool_] = rules.allowed_matrix
        self.fixed = np.array(rules.fixed, dtype=np.int64).reshape(n, slots)

    def walk(
        self,
        at: list[int],
        deadline: float,
        seed: int,
        better: Callable[[list[int]], object],
        stop: Stop,
        cost: int = 0,
        watch: Callable[[list[int], int], object] | None = None,
    ) -> list[int]:
        """Search from `at` (the slot of each session, in the order of `Anneal.ids`, whose cost is `cost`)
        until the deadline or `stop`; `better(at)` gets each better plan, at most every `REPORT_SECONDS`
        and at the end; `watch(at, cost)` (for tests) every step. Returns the best plan."""
        rules, n, slots = self.rules, self.n, self.slots
        rng = random.Random(seed)  # noqa: S311 - a search order, not a secret
        at = list(at)
        at_np = np.array(at, dtype=np.int64)
        onehot = np.zeros((n, slots), dtype=np.int64)
        onehot[np.arange(n), at_np] = 1
        gain: Matrix = self.fixed + self.weight @ onehot
        count = np.zeros(max(1, len(rules.limit)), dtype=np.int64)
        for i in range(n):
            for k in rules.limits_of[i].get(at[i], ()):
                count[k] += 1
        tabu_until = np.zeros((n, slots), dtype=np.int64)
        twice = 2 * self.weight
        itself = np.eye(n, dtype=bool)
        rows = np.arange(n)
        best_cost, best_at, reported = cost, list(at), cost
        step = last_better = 0
        last_report = time.monotonic()

        def place(i: int, t: int) -> None:
            old = at[i]
            for k in rules.limits_of[i].get(old, ()):
                count[k] -= 1
            for k in rules.limits_of[i].get(t, ()):
                count[k] += 1
            at[i] = at_np[i] = t
            column = self.weight[:, i]
            gain[:, old] -= column
            gain[:, t] += column

        def swap(i: int, j: int) -> tuple[int, int]:
            a, b = at[i], at[j]
            place(i, b)
            place(j, a)
            return a, b

        while True:
            if step % CLOCK_STEPS == 0:
                now = time.monotonic()
                done = now >= deadline or stop.is_set()
                if best_cost < reported and (done or now - last_report >= REPORT_SECONDS):
                    reported, last_report = best_cost, now
                    better(list(best_at))
                if done:
                    return best_at
            step += 1
            here = gain[rows, at_np]
            there = gain[:, at_np]  # there[i, j]: what i would cost in the slot of j
            delta = there - here[:, None] + there.T - here[None, :] - twice
            allowed = self.allowed[:, at_np]
            ok = allowed & allowed.T & (at_np[:, None] != at_np[None, :]) & ~itself
            tabu = tabu_until[:, at_np] > step
            ok &= ~(tabu | tabu.T) | (delta + cost < best_cost)
            flat = np.where(ok, delta, _NEVER).ravel()
            taken = self._take(flat, at_np, count, swap)
            if taken is not None:
                (i, a), (j, b), d = taken
                tenure = TENURE + rng.randrange(TENURE + 1)
                tabu_until[i, a] = tabu_until[j, b] = step + tenure
                cost += d
                if watch is not None:
                    watch(at, cost)
            if cost < best_cost:
                best_cost, best_at, last_better = cost, list(at), step
            elif taken is None or step - last_better > STALL:
                for i in range(n):  # back to the best plan, then a kick
                    if at[i] != best_at[i]:
                        place(i, best_at[i])
                cost = best_cost
                cost += self._kick(rng, at_np, count, gain, swap)
                if watch is not None:
                    watch(at, cost)
                tabu_until[:] = 0
                last_better = step

    def _take(
        self,
        flat: Matrix,
        at: Matrix,
        count: Matrix,
        swap: Callable[[int, int], tuple[int, int]],
    ) -> tuple[tuple[int, int], tuple[int, int], int] | None:
        """The best swap in `flat` (the cost of each, row-major) that keeps every rule, taken:
        ((i, slot it left), (j, slot it left), cost); None when there is none."""
        n = self.n
        first = min(CANDIDATES, flat.size)
        order = np.argpartition(flat, first - 1)[:first]
        for everything in (False, True):
            if everything:
                order = np.argsort(flat, kind="stable")
            else:
                order = order[np.argsort(flat[order], kind="stable")]
            for p in order:
                d = int(flat[p])
                if d >= _NEVER:
                    break
                i, j = divmod(int(p), n)
                if kernel.may_swap(i, j, at, count, self.rules.rules):
                    a, b = swap(i, j)
                    return (i, a), (j, b), d
        return None

    def _kick(
        self,
        rng: random.Random,
        at: Matrix,
        count: Matrix,
        gain: Matrix,
        swap: Callable[[int, int], tuple[int, int]],
    ) -> int:
        """Up to `KICK` random swaps that keep every rule; what they cost."""
        rules, n, cost, kicked = self.rules, self.n, 0, 0
        for _ in range(20 * KICK):
            if kicked == KICK:
                break
            i, j = rng.randrange(n), rng.randrange(n)
            a, b = at[i], at[j]
            if a == b or not (self.allowed[i, b] and self.allowed[j, a]):
                continue
            if not kernel.may_swap(i, j, at, count, rules.rules):
                continue
            cost += int(gain[i, b] - gain[i, a] + gain[j, a] - gain[j, b] - 2 * self.weight[i, j])
            swap(i, j)
            kicked += 1
        return cost
