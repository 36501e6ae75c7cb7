"""Simulated annealing over single sessions: move one to another slot, or swap two.

The neighbourhoods of `search.py` re-solve a few slots exactly, but each costs CP-SAT some milliseconds.
On a day of a hundred sessions or more most of the gain comes from many small changes, and a move or a
swap is scored here in microseconds: `gain[i][t]` keeps what session i would cost in slot t (the weights
of the pairs it would form there, and of the fixed parts it would run beside), so a move costs the
difference of two entries, and taking it updates the entries of its neighbours only.

A move is taken only when it keeps every rule the slot model posts (`SlotModel.apart`, `.limits`,
`.order` and the allowed slots), so every plan this finds is one the model allows. Uphill moves are
taken with the probability exp(-delta / temperature), the temperature falling geometrically over the
time given from about one conflict to a third or a half of one (`HOT`, `_end_temperature`). The walk
ends warm; its last part (`TABU_SHARE`) goes to a tabu search over swaps from the best plan (`tabu.py`),
or, on a day where that does not apply, to the moves and swaps that still lower the cost (`_polish`).

A proposal moves the costlier of two sessions drawn at random (what it costs where it is now): on the
generated M day, eight single walks of 60 s gave 326-345, median 333, against 330-357, median 336, for
one session drawn at random (2026-12-02).

Python runs one walk per process at a time, so `search.py` starts further walks in processes of their
own (`Elsewhere`), each with its own seed, and keeps the best plan any of them hands back.
"""

from __future__ import annotations

import json
import math
import pickle
import random
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Protocol

from netwerkdag.scheduling import tabu

if TYPE_CHECKING:  # only for types: a walk in its own process then starts without OR-Tools
    from netwerkdag.scheduling.instance import Day
    from netwerkdag.scheduling.model import SlotModel
    from netwerkdag.scheduling.search import Scorer

#: The temperature falls from HOT to the end temperature over the time given, in units of the median
#: pair weight. The end depends on how many proposals each session gets (`_end_temperature`): a walk
#: with time to settle ends warmer, at COLD_SETTLED, one without colder, at COLD_HURRIED. Measured
#: (2026-12-02, decision 0004 has the figures): M in 60 s (250,000 to 450,000 proposals a session, as
#: measured at its start) does best ending at 0.5; L in 60 s (about 56,000) gave 362 and 392 ending at
#: 0.3 and 468 at 0.5, and M in 10 s (60,000 to 77,000) gave 334 ending at 0.3 and 347 at 0.5.
HOT = 1.0
COLD_HURRIED = 0.3
COLD_SETTLED = 0.5
HURRIED = 100_000
SETTLED = 200_000
#: The proposal rate is measured over this first part of the walk to pick the end temperature.
RATE_SECONDS = 0.5
#: The share of proposals that swap two sessions rather than move one (a full day only allows swaps).
SWAPS = 0.5
#: Proposals between two looks at the clock.
BATCH = 2_000
#: The end of the time given, at most `POLISH_SECONDS` and `POLISH_SHARE` of it, takes every move and swap
#: that still lowers the cost (the walk ends warm: this gained up to 19 conflicts on M).
POLISH_SECONDS = 1.0
POLISH_SHARE = 0.05
#: On a day where the tabu search applies (`tabu.applies`), it takes this share of the time given, after
#: the annealing (`tabu.py` has the figures).
TABU_SHARE = 0.2
#: A new best plan is handed on at most this often (scoring it and checking its rooms takes a while).
REPORT_SECONDS = 0.25


class Stop(Protocol):
    def is_set(self) -> bool: ...


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
        self.allowed_set = [frozenset(a) for a in self.allowed]
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
        self.starts = [{t: i.windows[t].start for t in i.windows} for i in items]
        self.ends = [{t: i.windows[t].end for t in i.windows} for i in items]
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
        self.windows = [dict(i.windows) for i in items]
        self.fixed = [[0] * slots for _ in range(n)]
        for item_id, window, w in scorer.fixed_terms:
            k = index[item_id]
            for t, own in items[k].windows.items():
                if own.overlaps(window):
                    self.fixed[k][t] += w * scale

    def _overlap(self, i: int, j: int, t: int) -> bool:
        if t not in self.ragged:
            return True
        own, other = self.windows[i].get(t), self.windows[j].get(t)
        return own is not None and other is not None and own.overlaps(other)

    def walk(
        self,
        slot_of: Mapping[str, int],
        deadline: float,
        seed: int,
        better: Callable[[dict[str, int]], object],
        stop: Stop,
        watch: Callable[[list[int], int], object] | None = None,
    ) -> None:
        """Anneal from `slot_of` until the deadline or `stop`, cooling once over the time, then polish;
        `better(plan)` gets the best plan whenever it improved, at most every `REPORT_SECONDS`, and at
        the end. `watch(slots, cost)`, for tests, sees every step: the slot of each session in the order of
        `ids`, and the cost against the start in the units of the weights."""
        rng = random.Random(seed)  # noqa: S311 - a search order, not a secret
        n, slots = len(self.ids), self.slots
        at = [slot_of[i] for i in self.ids]
        gain = [list(row) for row in self.fixed]
        for i in range(n):
            for j, w in self.neighbours[i]:
                if self._overlap(i, j, at[j]):
                    gain[i][at[j]] += w
        count = [0] * len(self.limit)
        for i in range(n):
            for k in self.limits_of[i].get(at[i], ()):
                count[k] += 1
        members: list[list[int]] = [[] for _ in range(slots)]
        for i in range(n):
            members[at[i]].append(i)
        movable = [i for i in range(n) if len(self.allowed[i]) > 1]
        if not movable:
            return
        cost = 0  # against the plan it started from: only differences count
        best_cost, best_at, reported = cost, list(at), cost
        hot = HOT * self.unit
        cold = COLD_HURRIED * self.unit  # until the rate is known
        proposals, rated = 0, False
        started = last_report = time.monotonic()
        draw, exp, allowed, allowed_set = rng.random, math.exp, self.allowed, self.allowed_set
        weight = self.weight
        searcher = tabu.Tabu(self) if tabu.applies(self) else None
        if searcher is not None:
            polish_at = deadline - TABU_SHARE * max(0.0, deadline - started)
        else:
            polish_at = deadline - min(POLISH_SECONDS, POLISH_SHARE * max(0.0, deadline - started))
        span = max(1e-3, polish_at - started)

        neighbours, limits_of, ragged, overlap = self.neighbours, self.limits_of, self.ragged, self._overlap

        def place(i: int, t: int) -> None:
            old = at[i]
            for k in limits_of[i].get(old, ()):
                count[k] -= 1
            for k in limits_of[i].get(t, ()):
                count[k] += 1
            members[old].remove(i)
            members[t].append(i)
            at[i] = t
            if old in ragged or t in ragged:
                for j, w in neighbours[i]:
                    if overlap(i, j, old):
                        gain[j][old] -= w
                    if overlap(i, j, t):
                        gain[j][t] += w
            else:
                for j, w in neighbours[i]:
                    row = gain[j]
                    row[old] -= w
                    row[t] += w

        while True:
            now = time.monotonic()
            done = now >= polish_at or stop.is_set()
            if best_cost < reported and (done or now - last_report >= REPORT_SECONDS):
                reported, last_report = best_cost, now
                better({self.ids[k]: best_at[k] for k in range(n)})
            if done:
                for i in range(n):  # back to the best plan, then on with the tabu search, or downhill
                    if at[i] != best_at[i]:
                        place(i, best_at[i])
                if searcher is not None:

                    def hand_on(plan: list[int]) -> None:
                        better({self.ids[k]: plan[k] for k in range(n)})

                    searcher.walk(at, deadline, seed, hand_on, stop, cost=best_cost, watch=watch)
                    return
                gained = self._polish(at, gain, count, members, movable, place, deadline)
                if gained < 0:
                    better({self.ids[k]: at[k] for k in range(n)})
                return
            if not rated and now - started >= min(RATE_SECONDS, span / 10):
                rated = True
                per_session = proposals / (now - started) * span / len(movable)
                cold = _end_temperature(per_session) * self.unit
            proposals += BATCH
            temperature = hot * (cold / hot) ** ((now - started) / span)
            for _ in range(BATCH):
                i = movable[int(draw() * len(movable))]
                k = movable[int(draw() * len(movable))]  # the costlier of two (module docstring)
                if gain[k][at[k]] > gain[i][at[i]]:
                    i = k
                a = at[i]
                choices = allowed[i]
                b = choices[int(draw() * len(choices))]
                if b == a:
                    continue
                j = -1
                if draw() < SWAPS or not self._may_enter(i, b, -1, at, count):
                    slot_b = members[b]
                    if not slot_b:
                        continue
                    j = slot_b[int(draw() * len(slot_b))]
                    if a not in allowed_set[j]:
                        continue
                    # `_swap_delta` inline: this loop is the hot path (a call costs a fifth of its steps)
                    gain_i, gain_j = gain[i], gain[j]
                    delta = gain_i[b] - gain_i[a] + gain_j[a] - gain_j[b]
                    w = weight.get((i, j) if i < j else (j, i), 0)
                    if w:
                        if a in ragged or b in ragged:
                            delta -= (w if overlap(i, j, b) else 0) + (w if overlap(i, j, a) else 0)
                        else:
                            delta -= 2 * w
                else:
                    gain_i = gain[i]
                    delta = gain_i[b] - gain_i[a]
                if delta > 0 and draw() >= exp(-delta / temperature):
                    continue
                if j < 0:
                    place(i, b)
                else:
                    if not self._may_swap(i, j, at, count):
                        continue
                    place(i, b)
                    place(j, a)
                cost += delta
                if watch is not None:
                    watch(at, cost)
                if cost < best_cost:
                    best_cost, best_at = cost, list(at)

    def _polish(
        self,
        at: list[int],
        gain: list[list[int]],
        count: list[int],
        members: list[list[int]],
        movable: list[int],
        place: Callable[[int, int], None],
        until: float,
    ) -> int:
        """Take every move or swap that lowers the cost, until none does or `until`; the cost gained."""
        gained, improved = 0, True
        while improved and time.monotonic() < until:
            improved = False
            for i in movable:
                a = at[i]
                gain_i = gain[i]
                for b in self.allowed[i]:
                    if b == a:
                        continue
                    if gain_i[b] < gain_i[a] and self._may_enter(i, b, -1, at, count):
                        gained += gain_i[b] - gain_i[a]
                        place(i, b)
                        improved = True
                        break
                    swapped = False
                    for j in members[b]:
                        if a not in self.allowed_set[j]:
                            continue
                        delta = self._swap_delta(i, j, a, b, gain)
                        if delta < 0 and self._may_swap(i, j, at, count):
                            gained += delta
                            place(i, b)
                            place(j, a)
                            swapped = improved = True
                            break
                    if swapped:
                        break
        return gained

    def _swap_delta(self, i: int, j: int, a: int, b: int, gain: list[list[int]]) -> int:
        """What swapping i (in slot a) and j (in slot b) changes the cost by."""
        gain_i, gain_j = gain[i], gain[j]
        delta = gain_i[b] - gain_i[a] + gain_j[a] - gain_j[b]
        w = self.weight.get((i, j) if i < j else (j, i), 0)
        if w:  # the pair itself: together in b before, together in a after, in neither
            ragged = self.ragged
            if a in ragged or b in ragged:
                delta -= (w if self._overlap(i, j, b) else 0) + (w if self._overlap(i, j, a) else 0)
            else:
                delta -= 2 * w
        return delta

    def _may_enter(self, i: int, t: int, leaving: int, at: list[int], count: list[int]) -> bool:
        """May i take slot t (with `leaving` leaving it, -1 for none) under every rule?"""
        for j in self.apart[i].get(t, ()):
            if at[j] == t and j != leaving:
                return False
        for k in self.limits_of[i].get(t, ()):
            room = self.limit[k] - count[k]
            if leaving >= 0 and at[leaving] == t and k in self.limits_of[leaving].get(t, ()):
                room += 1
            if room < 1:
                return False
        start, end = self.starts[i][t], self.ends[i][t]
        for j in self.later_than[i]:
            if j != leaving and start < self.ends[j][at[j]]:
                return False
        return all(not (j != leaving and self.starts[j][at[j]] < end) for j in self.earlier_than[i])

    def _may_swap(self, i: int, j: int, at: list[int], count: list[int]) -> bool:
        a, b = at[i], at[j]
        if not (self._may_enter(i, b, j, at, count) and self._may_enter(j, a, i, at, count)):
            return False
        # An order between the two themselves, with both moved.
        if j in self.later_than[i] and self.starts[i][b] < self.ends[j][a]:
            return False
        return not (i in self.later_than[j] and self.starts[j][a] < self.ends[i][b])


def _end_temperature(per_session: float) -> float:
    """The end temperature for a walk that proposes a move of each session about `per_session` times:
    between `COLD_HURRIED` and `COLD_SETTLED`, on a log scale between `HURRIED` and `SETTLED`."""
    if per_session <= HURRIED:
        return COLD_HURRIED
    if per_session >= SETTLED:
        return COLD_SETTLED
    share = math.log(per_session / HURRIED) / math.log(SETTLED / HURRIED)
    return COLD_HURRIED + share * (COLD_SETTLED - COLD_HURRIED)


class _Never:
    def is_set(self) -> bool:
        return False


class Elsewhere:
    """A walk in a Python process of its own (`python -m netwerkdag.scheduling.anneal`): the walk goes in
    on its standard input, each better plan comes back as a line of JSON (the slot of each session, in
    the order of `Anneal.ids`). A process of our own, not `multiprocessing`, so that the caller's main
    module is never imported again.

    The deadline goes over as a moment of the wall clock: the process needs a while to start, and a
    walk that counted its seconds from its own start would be ended before its polish and last report."""

    def __init__(self, anneal: Anneal, slot_of: Mapping[str, int], deadline: float, seed: int) -> None:
        """`deadline` on this process's `time.monotonic()` clock."""
        self.ids = anneal.ids
        until = time.time() + (deadline - time.monotonic())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "netwerkdag.scheduling.anneal"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert self.process.stdin is not None  # noqa: S101 - asked for with PIPE
        try:
            pickle.dump((anneal, dict(slot_of), until, seed), self.process.stdin)
            self.process.stdin.close()
        except BrokenPipeError:  # it ended already; `plans` finds nothing
            pass

    def plans(self) -> Iterator[dict[str, int]]:
        """The better plans as they come, until the walk ends."""
        assert self.process.stdout is not None  # noqa: S101 - asked for with PIPE
        for line in self.process.stdout:
            yield dict(zip(self.ids, json.loads(line), strict=True))

    def end(self, grace: float = 0.0) -> None:
        """Wait at most `grace` seconds for the walk to end by itself (and hand back its last plan),
        then end it."""
        try:
            self.process.wait(timeout=max(0.0, grace))
        except subprocess.TimeoutExpired:
            self.process.terminate()
            self.process.wait()


def _main() -> None:
    anneal, slot_of, until, seed = pickle.load(sys.stdin.buffer)  # noqa: S301 - from our own parent
    ids = anneal.ids

    def hand_back(plan: dict[str, int]) -> None:
        sys.stdout.write(json.dumps([plan[i] for i in ids]) + "\n")
        sys.stdout.flush()

    deadline = time.monotonic() + (until - time.time())
    anneal.walk(slot_of, deadline, seed, hand_back, _Never())


if __name__ == "__main__":
    _main()
