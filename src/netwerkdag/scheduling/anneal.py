"""Simulated annealing over single sessions: move one to another slot, or swap two.

The neighbourhoods of `search.py` re-solve a few slots exactly, but each costs CP-SAT some milliseconds.
On a day of a hundred sessions or more most of the gain comes from many small changes, and a move or a
swap is scored in well under a microsecond: `gain[i, t]` keeps what session i would cost in slot t (the
weights of the pairs it would form there, and of the fixed parts it would run beside), so a move costs the
difference of two entries, and taking it updates the entries of its neighbours only. The steps run
compiled (`kernel.py`, numba: about 6.5 million proposals a second on M, against half a million in plain
Python); this module turns the rules into the kernel's arrays and drives the walk.

A move is taken only when it keeps every rule the slot model posts (`SlotModel.apart`, `.limits`,
`.order` and the allowed slots), so every plan this finds is one the model allows. Uphill moves are
taken with the probability exp(-delta / temperature), the temperature falling geometrically over the
time given from about one conflict to 0.3 of one (`tuning.HOT`, `tuning.COLD`). The walk ends warm; its
last part (`tuning.TABU_SHARE`) goes to a tabu search over swaps from the best plan (`tabu.py`), or, on a
day where that does not apply, to the moves and swaps that still lower the cost (`kernel.descend`).

A proposal moves the costlier of two sessions drawn at random (what it costs where it is now): on the
generated M day, eight single walks of 60 s gave 326-345, median 333, against 330-357, median 336, for
one session drawn at random (2026-12-02, before the steps were compiled).

A process runs one walk at a time, so `search.py` starts further walks in processes of their own
(`Elsewhere`), each with its own seed, and keeps the best plan any of them hands back.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from netwerkdag.scheduling import kernel, tabu, tuning
from netwerkdag.scheduling.tabu import Stop

if TYPE_CHECKING:  # only for types: a walk in its own process then starts without OR-Tools
    from netwerkdag.scheduling.instance import Day, Item
    from netwerkdag.scheduling.model import SlotModel
    from netwerkdag.scheduling.objective import Scorer

#: Minutes from the first window of the day: a slot a session cannot take gets an empty window.
_NO_WINDOW = 1 << 40

Array = Any  # a numpy array of the kernel's


class Anneal:
    """The slot model's rules and objective as plain data, and one annealing walk over them."""

    def __init__(self, day: Day, built: SlotModel, scorer: Scorer, scale: int) -> None:
        """The rules from `built`, the pairs and the fixed parts beside each session from `scorer`."""
        items = list(day.items)
        self.ids = [i.id for i in items]
        index = {i.id: k for k, i in enumerate(items)}
        n, slots = len(items), len(day.slots)
        self.slots = slots
        self.allowed = [tuple(built.allowed[i.id]) for i in items]
        # apart[i][t]: the sessions that may not share slot t with i.
        self.apart: list[dict[int, list[int]]] = [{} for _ in range(n)]
        for a, b, t in built.apart:
            ia, ib = index[a], index[b]
            self.apart[ia].setdefault(t, []).append(ib)
            self.apart[ib].setdefault(t, []).append(ia)
        # limits_of[i][t]: the room limits of slot t that count i; limit[k] and count[k] per limit.
        self.limits_of: list[dict[int, list[int]]] = [{} for _ in range(n)]
        self.limit: list[int] = []
        for t, members, cap in built.limits:
            k = len(self.limit)
            self.limit.append(cap)
            for m in members:
                self.limits_of[index[m]].setdefault(t, []).append(k)
        self.later_than: list[list[int]] = [[] for _ in range(n)]  # i starts after these end
        self.earlier_than: list[list[int]] = [[] for _ in range(n)]
        for later, earlier in built.order:
            self.later_than[index[later]].append(index[earlier])
            self.earlier_than[index[earlier]].append(index[later])
        # The objective: pairs (weight x scale) and pillar pairs (1), each only where their windows overlap.
        weight: dict[tuple[int, int], int] = {}
        for a, b, w in scorer.pairs:
            key = (min(index[a], index[b]), max(index[a], index[b]))
            weight[key] = weight.get(key, 0) + w * scale
        for a, b in day.pillar_pairs:
            key = (min(index[a], index[b]), max(index[a], index[b]))
            weight[key] = weight.get(key, 0) + 1
        self.neighbours: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        for (ka, kb), w in weight.items():
            self.neighbours[ka].append((kb, w))
            self.neighbours[kb].append((ka, w))
        self.weight = weight
        #: What one conflict of a typical pair costs here: the median pair weight, scaled.
        conflict_weights = sorted(w for w in day.pair_weights.values() if w > 0)
        self.unit = scale * (conflict_weights[len(conflict_weights) // 2] if conflict_weights else 1)
        # Slots where two sessions may not overlap (no moment common to all of them): only there is the
        # overlap of a pair looked at.
        self.ragged = set()
        for t in range(slots):
            windows = [i.windows[t] for i in items if t in i.windows]
            if windows and max(w.start for w in windows) >= min(w.end for w in windows):
                self.ragged.add(t)
        self.fixed = [[0] * slots for _ in range(n)]
        for (item_id, t), w in scorer.fixed_costs().items():
            self.fixed[index[item_id]][t] += w * scale

        self.rules = self._as_arrays(items)

    def _as_arrays(self, items: list[Item]) -> kernel.Rules:
        """The rules and weights as the arrays `kernel.py` takes."""
        n, slots = len(self.ids), self.slots

        def rows(lists: Sequence[Sequence[int]]) -> tuple[Array, Array]:
            pointer = np.zeros(len(lists) + 1, dtype=np.int64)
            pointer[1:] = np.cumsum([len(row) for row in lists])
            return pointer, np.array([x for row in lists for x in row] or [0], dtype=np.int64)

        movable = np.array([i for i in range(n) if len(self.allowed[i]) > 1], dtype=np.int64)
        allowed = np.zeros((n, slots), dtype=np.bool_)
        for i, choices in enumerate(self.allowed):
            allowed[i, list(choices)] = True
        weight = np.zeros((n, n), dtype=np.int64)
        for (a, b), w in self.weight.items():
            weight[a, b] = weight[b, a] = w
        #: The same two as matrices, for the tabu search too: True where i may take slot t; pair weights.
        self.allowed_matrix, self.weight_matrix = allowed, weight
        origin = min((w.start for item in items for w in item.windows.values()), default=None)
        start = np.full((n, slots), _NO_WINDOW, dtype=np.int64)  # never meets: starts after all ends
        end = np.full((n, slots), -_NO_WINDOW, dtype=np.int64)
        for k, item in enumerate(items):
            for t, window in item.windows.items():
                assert origin is not None  # noqa: S101 - there is a window
                start[k, t] = (window.start - origin) // timedelta(minutes=1)
                end[k, t] = (window.end - origin) // timedelta(minutes=1)
        ragged = np.zeros(slots, dtype=np.bool_)
        ragged[sorted(self.ragged)] = True
        slots_ptr, slots_idx = rows(self.allowed)
        apart_ptr, apart_idx = rows([self.apart[i].get(t, []) for i in range(n) for t in range(slots)])
        limits_ptr, limits_idx = rows([self.limits_of[i].get(t, []) for i in range(n) for t in range(slots)])
        after_ptr, after_idx = rows(self.later_than)
        before_ptr, before_idx = rows(self.earlier_than)
        pairs_ptr, pairs_idx = rows([[j for j, _ in self.neighbours[i]] for i in range(n)])
        return kernel.Rules(
            movable=movable,
            slots_ptr=slots_ptr,
            slots_idx=slots_idx,
            allowed=allowed,
            weight=weight,
            apart_ptr=apart_ptr,
            apart_idx=apart_idx,
            limits_ptr=limits_ptr,
            limits_idx=limits_idx,
            limit=np.array(self.limit or [0], dtype=np.int64),
            start=start,
            end=end,
            after_ptr=after_ptr,
            after_idx=after_idx,
            before_ptr=before_ptr,
            before_idx=before_idx,
            pairs_ptr=pairs_ptr,
            pairs_idx=pairs_idx,
            pairs_weight=np.array(
                [w for i in range(n) for _, w in self.neighbours[i]] or [0], dtype=np.int64
            ),
            ragged=ragged,
        )

    def state(self, at: Sequence[int]) -> kernel.State:
        """A plan (the slot of each session, in the order of `ids`) as the arrays `kernel.py` keeps."""
        n, slots = len(self.ids), self.slots
        placed = np.array(at, dtype=np.int64)
        count = np.zeros(max(1, len(self.limit)), dtype=np.int64)
        for i in range(n):
            for k in self.limits_of[i].get(int(placed[i]), ()):
                count[k] += 1
        members = np.zeros((slots, n), dtype=np.int64)
        size = np.zeros(slots, dtype=np.int64)
        place_of = np.zeros(n, dtype=np.int64)
        for i in range(n):
            t = placed[i]
            members[t, size[t]] = i
            place_of[i] = size[t]
            size[t] += 1
        gain = np.array(self.fixed, dtype=np.int64).reshape(n, slots)
        state = kernel.State(placed, count, gain, members, size, place_of, placed.copy())
        kernel.fill_gain(state, self.rules)
        return state

    def walk(
        self,
        slot_of: Mapping[str, int],
        deadline: float,
        seed: int,
        better: Callable[[dict[str, int]], object],
        stop: Stop,
        watch: Callable[[list[int], int], object] | None = None,
    ) -> None:
        """Anneal from `slot_of` until the deadline or `stop`, cooling once over the time, then the tabu
        search or the polish; `better(plan)` gets the best plan whenever it improved, at most every
        `tuning.REPORT_SECONDS`, and at the end. `watch(slots, cost)`, for tests, sees every step: the slot
        of each session in the order of `ids`, and the cost against the start in the units of the weights."""
        kernel.warm()  # compiled before the clock starts (from numba's cache after the first time)
        n = len(self.ids)
        state = self.state([slot_of[i] for i in self.ids])
        at, best_at = state.at, state.best_at
        movable = len(self.rules.movable)
        if not movable:
            return
        kernel.seed(seed)

        def plan(slots: Array) -> dict[str, int]:
            return {self.ids[k]: int(slots[k]) for k in range(n)}

        cost = best_cost = reported = 0  # against the plan it started from: only differences count
        hot = tuning.HOT * self.unit
        cold = tuning.COLD * self.unit
        batch = 1 if watch is not None else tuning.ANNEAL_FIRST_BATCH
        started = last_report = time.monotonic()
        searcher = tabu.Tabu(self) if tabu.applies(self) else None
        given = max(0.0, deadline - started)
        if searcher is not None:
            polish_at = deadline - tuning.TABU_SHARE * given
        else:
            polish_at = deadline - min(tuning.POLISH_SECONDS, tuning.POLISH_SHARE * given)
        span = max(1e-3, polish_at - started)
        while True:
            now = time.monotonic()
            done = now >= polish_at or stop.is_set()
            if best_cost < reported and (done or now - last_report >= tuning.REPORT_SECONDS):
                reported, last_report = best_cost, now
                better(plan(best_at))
            if done:
                kernel.restore_best(state, self.rules)  # back to the best plan, then on from there
                if searcher is not None:

                    def hand_on(found: list[int]) -> None:
                        better({self.ids[k]: found[k] for k in range(n)})

                    searcher.walk([int(t) for t in at], deadline, seed, hand_on, stop, best_cost, watch)
                    return
                if kernel.descend(state, self.rules) < 0:
                    better(plan(at))
                return
            temperature = hot * (cold / hot) ** ((now - started) / span)
            cost, best_cost, taken = kernel.steps(
                batch, temperature, tuning.SWAPS, cost, best_cost, state, self.rules
            )
            if watch is not None:
                if taken:
                    watch([int(t) for t in at], int(cost))
            else:
                took = time.monotonic() - now
                wanted = batch * tuning.BATCH_SECONDS / max(took, 1e-6)
                batch = int(min(tuning.ANNEAL_MAX_BATCH, max(tuning.ANNEAL_FIRST_BATCH, wanted)))


class _Never:
    def is_set(self) -> bool:
        return False


class Elsewhere:
    """A walk in a Python process of its own (`python -m netwerkdag.scheduling.anneal`): the walk goes in
    on its standard input, each better plan comes back as a line of JSON (the slot of each session, in
    the order of `Anneal.ids`). A process of our own, not `multiprocessing`, so that the caller's main
    module is never imported again.

    The process starts when this is made and loads the compiled steps (`kernel.warm`, about 2.5 s with
    numba's import) before it reads its walk, so `search.py` makes it before it looks for the first plan
    and the two overlap. `start` hands it the walk; `end` ends it, started or not.

    The deadline goes over as a moment of the wall clock: the process needs a while to start, and a
    walk that counted its seconds from its own start would be ended before its polish and last report."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "netwerkdag.scheduling.anneal"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    def start(self, anneal: Anneal, slot_of: Mapping[str, int], deadline: float, seed: int) -> None:
        """Walk from `slot_of` until `deadline`, on this process's `time.monotonic()` clock."""
        self.ids = anneal.ids
        until = time.time() + (deadline - time.monotonic())
        assert self.process.stdin is not None  # noqa: S101 - asked for with PIPE
        try:
            pickle.dump((anneal, dict(slot_of), until, seed), self.process.stdin)
            self.process.stdin.close()
        except BrokenPipeError:  # it ended already; `plans` finds nothing
            pass

    def plans(self) -> Iterator[dict[str, int]]:
        """The better plans as they come, until the walk ends."""
        assert self.process.stdout is not None  # noqa: S101 - asked for with PIPE
        with self.process.stdout:
            for line in self.process.stdout:
                yield dict(zip(self.ids, json.loads(line), strict=True))

    def end(self, grace: float = 0.0) -> None:
        """Wait at most `grace` seconds for the walk to end by itself (and hand back its last plan),
        then end it. A process that never got a walk ends at once."""
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()  # no walk is coming: it reads the end of its input and stops
        try:
            self.process.wait(timeout=max(0.0, grace))
        except subprocess.TimeoutExpired:
            self.process.terminate()
            self.process.wait()
        if not self.ids and self.process.stdout is not None:  # never started: nobody reads its plans
            self.process.stdout.close()


def _main() -> None:
    kernel.warm()  # while the parent looks for the first plan
    try:
        walk = pickle.load(sys.stdin.buffer)  # noqa: S301 - from our own parent
    except EOFError:  # ended before it got a walk
        return
    anneal, slot_of, until, seed = walk
    ids = anneal.ids

    def hand_back(plan: dict[str, int]) -> None:
        sys.stdout.write(json.dumps([plan[i] for i in ids]) + "\n")
        sys.stdout.flush()

    deadline = time.monotonic() + (until - time.time())
    anneal.walk(slot_of, deadline, seed, hand_back, _Never())


if __name__ == "__main__":
    _main()
