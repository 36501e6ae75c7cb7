"""Tabu search over swaps, the last part of an annealing walk (`anneal.py`).

The annealing ends in a plan where no single move or swap helps; the tabu search goes on from there. Each
step (compiled: `kernel.tabu_steps`) looks at every swap of two sessions in different slots, scored from
`gain[i, t]` (what session i would cost in slot t, as in the annealing) and the pair weights, takes the best
one that keeps every rule and is not tabu, even uphill, and forbids the two sessions to return to the slots
they left for `tuning.TABU_TENURE` to twice that many steps, unless that gives a plan better than any so far.
After `tuning.TABU_STALL` steps without a better plan it starts again from the best one, after
`tuning.TABU_KICK` random swaps.

Only swaps: on the days where this matters every slot is (nearly) full, and the annealing has taken the
moves into free rooms. Only on days where every pair of windows in a slot overlaps (no `Anneal.ragged`
slot), so that a pair costs the same in every slot; other days keep the annealing's downhill polish.

Measured on the generated M day (2026-12-02): about 23,000 steps a second compiled against 2,300 in numpy
(`tabu_steps` in batches, the clock read about every `tuning.BATCH_SECONDS`); single walks of 60 s, seeds 1-7,
327-347 (mean 333.4) with the numpy steps against 325-333 (mean 328.4) compiled.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from netwerkdag.scheduling import kernel, tuning


class Stop(Protocol):
    """Asked between batches of steps whether the walk should end now."""

    def is_set(self) -> bool: ...


class Arrays(Protocol):
    """What the tabu search takes from the annealing (`anneal.Anneal`): the rules as the kernel's arrays,
    and a plan made into the kernel's state."""

    ids: list[str]
    slots: int
    ragged: set[int]
    rules: kernel.Rules

    def state(self, at: Sequence[int]) -> kernel.State: ...


def applies(rules: Arrays) -> bool:
    """Whether the tabu search can take over from the annealing on this day."""
    return not rules.ragged and len(rules.ids) > 1


class Tabu:
    """One tabu search over the annealing's rules and plan arrays (`Anneal.rules`, `Anneal.state`)."""

    def __init__(self, rules: Arrays) -> None:
        if not applies(rules):
            raise ValueError("the tabu search needs slots where every pair of windows overlaps")
        self.rules = rules
        self.n, self.slots = len(rules.ids), rules.slots

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
        until the deadline or `stop`; `better(at)` gets each better plan, at most every
        `tuning.REPORT_SECONDS` and at the end; `watch(at, cost)` (for tests) every step. Returns the best
        plan."""
        kernel.warm()
        state = self.rules.state(at)
        here, best_at = state.at, state.best_at
        tabu_until = np.zeros((self.n, self.slots), dtype=np.int64)
        kernel.seed(seed)
        step = last_better = 0
        best_cost = reported = cost
        batch = 1 if watch is not None else tuning.TABU_FIRST_BATCH
        settings = kernel.TabuSettings(tuning.TABU_TENURE, tuning.TABU_STALL, tuning.TABU_KICK)
        last_report = time.monotonic()
        while True:
            now = time.monotonic()
            done = now >= deadline or stop.is_set()
            if best_cost < reported and (done or now - last_report >= tuning.REPORT_SECONDS):
                reported, last_report = best_cost, now
                better([int(t) for t in best_at])
            if done:
                return [int(t) for t in best_at]
            step, cost, best_cost, last_better = kernel.tabu_steps(
                batch,
                step,
                cost,
                best_cost,
                last_better,
                settings,
                state,
                self.rules.rules,
                tabu_until,
            )
            if watch is not None:
                watch([int(t) for t in here], int(cost))
            else:
                took = time.monotonic() - now
                wanted = batch * tuning.BATCH_SECONDS / max(took, 1e-6)
                batch = int(min(tuning.TABU_MAX_BATCH, max(1, wanted)))
