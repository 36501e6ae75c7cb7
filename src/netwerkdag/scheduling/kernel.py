"""The annealing's steps, compiled with numba (`docs/decisions/0006-numba-for-the-annealing.md`).

`anneal.Anneal` turns the slot model's rules into arrays (`Rules`) and keeps a plan as arrays (`State`);
the functions here take a step, a batch of steps or a descent over them. A step is the same as the
module docstring of `anneal.py` describes: move the costlier of two sessions drawn at random to another
slot it may take, or swap it with a session there, and take that when every rule allows it and, uphill,
with probability exp(-delta / temperature).

`Rules` and `State` are named tuples of numpy arrays (numba compiles access by name as it does by
position); their fields say what each array holds.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
from numba import njit

Array = Any  # a numpy array (numba types it by its dtype and dimensions)


class Rules(NamedTuple):
    """The slot model's rules and the objective's weights as arrays; n sessions, `slots` slots. A pair
    `x_ptr`, `x_idx` is a list per row in compressed form: row r holds ``x_idx[x_ptr[r]:x_ptr[r + 1]]``."""

    movable: Array  # the sessions with more than one slot
    slots_ptr: Array  # per session: the slots it may take
    slots_idx: Array
    allowed: Array  # n x slots, True where session i may take slot t
    weight: Array  # n x n, the pair weights (scaled, pillar pairs included)
    apart_ptr: Array  # per (i, t), row i * slots + t: the sessions that may not share slot t with i
    apart_idx: Array
    limits_ptr: Array  # per (i, t), row i * slots + t: the room limits of slot t that count i
    limits_idx: Array
    limit: Array  # per room limit, how many sessions it allows
    start: Array  # n x slots, the minute session i starts in slot t (an empty window where it cannot)
    end: Array  # n x slots, the minute it ends
    after_ptr: Array  # per session i: the sessions i must start after
    after_idx: Array
    before_ptr: Array  # per session i: the sessions that must start after i
    before_idx: Array
    pairs_ptr: Array  # per session: the sessions it forms a pair with a weight with
    pairs_idx: Array
    pairs_weight: Array  # the weight of each of those pairs, beside `pairs_idx`
    ragged: Array  # per slot, True where two windows in it may miss each other


class State(NamedTuple):
    """A plan as arrays, kept up to date step by step."""

    at: Array  # the slot of each session
    count: Array  # per room limit, the sessions it counts now
    gain: Array  # n x slots: what session i would cost in slot t
    members: Array  # slots x n: the sessions in each slot, in the first `size[t]` places of its row
    size: Array  # per slot, how many sessions it holds
    place_of: Array  # where session i sits in its slot's row of `members`
    best_at: Array  # the best plan of the walk so far


class TabuSettings(NamedTuple):
    """The tabu search's settings (`tuning.TABU_TENURE`, `TABU_STALL`, `TABU_KICK`)."""

    tenure: int
    stall: int
    kick: int


@njit(cache=True)
def seed(value: int) -> None:
    """Seed the compiled code's random numbers (numba keeps its own, apart from numpy's)."""
    np.random.seed(value)


@njit(cache=True)
def _overlap(i: int, j: int, t: int, rules: Rules) -> bool:
    start, end = rules.start, rules.end
    return bool(start[i, t] < end[j, t] and start[j, t] < end[i, t])


@njit(cache=True)
def may_enter(i: int, t: int, leaving: int, at: Any, count: Any, rules: Rules) -> bool:
    """May i take slot t (with `leaving` leaving it, -1 for none) under every rule?"""
    slots = rules.allowed.shape[1]
    ap_ptr, ap_idx, lo_ptr, lo_idx, limit = (
        rules.apart_ptr,
        rules.apart_idx,
        rules.limits_ptr,
        rules.limits_idx,
        rules.limit,
    )
    start, end = rules.start, rules.end
    lt_ptr, lt_idx, et_ptr, et_idx = rules.after_ptr, rules.after_idx, rules.before_ptr, rules.before_idx
    key = i * slots + t
    for q in range(ap_ptr[key], ap_ptr[key + 1]):
        j = ap_idx[q]
        if at[j] == t and j != leaving:
            return False
    for q in range(lo_ptr[key], lo_ptr[key + 1]):
        k = lo_idx[q]
        room = limit[k] - count[k]
        if leaving >= 0 and at[leaving] == t:
            other = leaving * slots + t
            for p in range(lo_ptr[other], lo_ptr[other + 1]):
                if lo_idx[p] == k:
                    room += 1
                    break
        if room < 1:
            return False
    begins, finishes = start[i, t], end[i, t]
    for q in range(lt_ptr[i], lt_ptr[i + 1]):
        j = lt_idx[q]
        if j != leaving and begins < end[j, at[j]]:
            return False
    for q in range(et_ptr[i], et_ptr[i + 1]):
        j = et_idx[q]
        if j != leaving and start[j, at[j]] < finishes:
            return False
    return True


@njit(cache=True)
def may_swap(i: int, j: int, at: Any, count: Any, rules: Rules) -> bool:
    """May i and j trade slots under every rule?"""
    a, b = at[i], at[j]
    if not (may_enter(i, b, j, at, count, rules) and may_enter(j, a, i, at, count, rules)):
        return False
    start, end = rules.start, rules.end
    lt_ptr, lt_idx = rules.after_ptr, rules.after_idx
    for q in range(lt_ptr[i], lt_ptr[i + 1]):  # an order between the two themselves, both moved
        if lt_idx[q] == j and start[i, b] < end[j, a]:
            return False
    for q in range(lt_ptr[j], lt_ptr[j + 1]):  # noqa: SIM110 - numba compiles a loop, not all() of a generator
        if lt_idx[q] == i and start[j, a] < end[i, b]:
            return False
    return True


@njit(cache=True)
def swap_delta(i: int, j: int, state: State, rules: Rules) -> int:
    """What swapping i and j changes the cost by."""
    at, gain = state.at, state.gain
    ragged, weight = rules.ragged, rules.weight
    a, b = at[i], at[j]
    delta = gain[i, b] - gain[i, a] + gain[j, a] - gain[j, b]
    w = weight[i, j]
    if w:  # the pair itself: together in b before, together in a after, in neither
        if ragged[a] or ragged[b]:
            if _overlap(i, j, b, rules):
                delta -= w
            if _overlap(i, j, a, rules):
                delta -= w
        else:
            delta -= 2 * w
    return int(delta)


@njit(cache=True)
def place(i: int, t: int, state: State, rules: Rules) -> None:
    """Move i to slot t, keeping the counts, the slots' rows and the gains of its neighbours."""
    at, count, gain, members, size, place_of = (
        state.at,
        state.count,
        state.gain,
        state.members,
        state.size,
        state.place_of,
    )
    slots = gain.shape[1]
    lo_ptr, lo_idx = rules.limits_ptr, rules.limits_idx
    nb_ptr, nb_idx, nb_w, ragged = rules.pairs_ptr, rules.pairs_idx, rules.pairs_weight, rules.ragged
    old = at[i]
    key = i * slots + old
    for q in range(lo_ptr[key], lo_ptr[key + 1]):
        count[lo_idx[q]] -= 1
    key = i * slots + t
    for q in range(lo_ptr[key], lo_ptr[key + 1]):
        count[lo_idx[q]] += 1
    sits = place_of[i]
    last = members[old, size[old] - 1]
    members[old, sits] = last
    place_of[last] = sits
    size[old] -= 1
    members[t, size[t]] = i
    place_of[i] = size[t]
    size[t] += 1
    at[i] = t
    if ragged[old] or ragged[t]:
        for q in range(nb_ptr[i], nb_ptr[i + 1]):
            j, w = nb_idx[q], nb_w[q]
            if _overlap(i, j, old, rules):
                gain[j, old] -= w
            if _overlap(i, j, t, rules):
                gain[j, t] += w
    else:
        for q in range(nb_ptr[i], nb_ptr[i + 1]):
            j, w = nb_idx[q], nb_w[q]
            gain[j, old] -= w
            gain[j, t] += w


@njit(cache=True)
def fill_gain(state: State, rules: Rules) -> None:
    """`gain[i, at[j]]` += the weight of each pair (i, j) that meets there (the fixed parts are in)."""
    at, gain = state.at, state.gain
    nb_ptr, nb_idx, nb_w = rules.pairs_ptr, rules.pairs_idx, rules.pairs_weight
    for i in range(at.shape[0]):
        for q in range(nb_ptr[i], nb_ptr[i + 1]):
            j = nb_idx[q]
            if _overlap(i, j, at[j], rules):
                gain[i, at[j]] += nb_w[q]


@njit(cache=True)
def steps(
    todo: int, temperature: float, swaps: float, cost: int, best_cost: int, state: State, rules: Rules
) -> Any:
    """`todo` proposals at `temperature`; returns (cost, best cost, proposals taken), both costs against
    the plan the walk started from; a new best plan is copied into `best_at`."""
    at, count, gain, members, size, best_at = (
        state.at,
        state.count,
        state.gain,
        state.members,
        state.size,
        state.best_at,
    )
    movable, al_ptr, al_idx, allowed = rules.movable, rules.slots_ptr, rules.slots_idx, rules.allowed
    weight, ragged = rules.weight, rules.ragged
    n_movable = movable.shape[0]
    taken = 0
    for _ in range(todo):
        i = movable[np.random.randint(n_movable)]
        k = movable[np.random.randint(n_movable)]  # the costlier of two
        if gain[k, at[k]] > gain[i, at[i]]:
            i = k
        a = at[i]
        b = al_idx[al_ptr[i] + np.random.randint(al_ptr[i + 1] - al_ptr[i])]
        if b == a:
            continue
        j = -1
        if np.random.random() < swaps or not may_enter(i, b, -1, at, count, rules):
            if size[b] == 0:
                continue
            j = members[b, np.random.randint(size[b])]
            if not allowed[j, a]:
                continue
            # `swap_delta` inline: a call here passes the state and the rules and halves the steps a
            # second (measured on M: 4.0 million against 7.1 million, 2026-12-02)
            delta = gain[i, b] - gain[i, a] + gain[j, a] - gain[j, b]
            w = weight[i, j]
            if w:
                if ragged[a] or ragged[b]:
                    if _overlap(i, j, b, rules):
                        delta -= w
                    if _overlap(i, j, a, rules):
                        delta -= w
                else:
                    delta -= 2 * w
        else:
            delta = gain[i, b] - gain[i, a]
        if delta > 0 and np.random.random() >= math.exp(-delta / temperature):
            continue
        if j < 0:
            place(i, b, state, rules)
        else:
            if not may_swap(i, j, at, count, rules):
                continue
            place(i, b, state, rules)
            place(j, a, state, rules)
        taken += 1
        cost += delta
        if cost < best_cost:
            best_cost = cost
            best_at[:] = at
    return cost, best_cost, taken


@njit(cache=True)
def restore_best(state: State, rules: Rules) -> None:
    """Back to the best plan."""
    at, best_at = state.at, state.best_at
    for i in range(at.shape[0]):
        if at[i] != best_at[i]:
            place(i, best_at[i], state, rules)


@njit(cache=True)
def descend(state: State, rules: Rules) -> int:
    """Take every move or swap that lowers the cost, until none does; the cost gained (zero or less)."""
    at, count, gain, members, size = state.at, state.count, state.gain, state.members, state.size
    movable, al_ptr, al_idx, allowed = rules.movable, rules.slots_ptr, rules.slots_idx, rules.allowed
    gained = 0
    improved = True
    while improved:
        improved = False
        for i in movable:
            a = at[i]
            for q in range(al_ptr[i], al_ptr[i + 1]):
                b = al_idx[q]
                if b == a:
                    continue
                if gain[i, b] < gain[i, a] and may_enter(i, b, -1, at, count, rules):
                    gained += gain[i, b] - gain[i, a]
                    place(i, b, state, rules)
                    improved = True
                    break
                swapped = False
                for m in range(size[b]):
                    j = members[b, m]
                    if not allowed[j, a]:
                        continue
                    delta = swap_delta(i, j, state, rules)
                    if delta < 0 and may_swap(i, j, at, count, rules):
                        gained += delta
                        place(i, b, state, rules)
                        place(j, a, state, rules)
                        swapped = improved = True
                        break
                if swapped:
                    break
    return gained


@njit(cache=True)
def _best_swap(step: int, cost: int, best_cost: int, state: State, rules: Rules, tabu_until: Any) -> Any:
    """The swap of two sessions that lowers the cost most (or raises it least) and keeps every rule,
    not tabu unless it gives a plan better than `best_cost`; ties broken at random. Only for days
    without ragged slots: a pair costs the same in every slot. Returns (i, j, delta), i = -1 for none.

    Slot by slot pair: the part of the cost that is i's own (`there[p]`, what i gains or loses going from
    a to b) is worked out once per pair of slots, so the inner loop adds two numbers and a pair weight."""
    at, count, gain, members, size = state.at, state.count, state.gain, state.members, state.size
    allowed, weight = rules.allowed, rules.weight
    slots = gain.shape[1]
    best_i, best_j, best_delta, ties = -1, -1, 0, 0
    width = members.shape[1]
    there, back = np.empty(width, dtype=np.int64), np.empty(width, dtype=np.int64)
    # per session of the slot pair: 0 may not go, 1 may, 2 may only for a plan better than any so far
    go, go_back = np.empty(width, dtype=np.int8), np.empty(width, dtype=np.int8)
    for a in range(slots):
        for b in range(a + 1, slots):
            for p in range(size[a]):
                i = members[a, p]
                there[p] = gain[i, b] - gain[i, a]
                go[p] = 0 if not allowed[i, b] else 2 if tabu_until[i, b] > step else 1
            for q in range(size[b]):
                j = members[b, q]
                back[q] = gain[j, a] - gain[j, b]
                go_back[q] = 0 if not allowed[j, a] else 2 if tabu_until[j, a] > step else 1
            for p in range(size[a]):
                if go[p] == 0:
                    continue
                i = members[a, p]
                for q in range(size[b]):
                    if go_back[q] == 0:
                        continue
                    j = members[b, q]
                    delta = there[p] + back[q] - 2 * weight[i, j]
                    if best_i >= 0 and delta > best_delta:
                        continue
                    if (go[p] == 2 or go_back[q] == 2) and cost + delta >= best_cost:
                        continue
                    if best_i < 0 or delta < best_delta:
                        if may_swap(i, j, at, count, rules):
                            best_i, best_j, best_delta, ties = i, j, delta, 1
                    else:
                        ties += 1
                        if np.random.randint(ties) == 0 and may_swap(i, j, at, count, rules):
                            best_i, best_j = i, j
    return best_i, best_j, best_delta


@njit(cache=True)
def _kick(swaps: int, state: State, rules: Rules) -> int:
    """Up to `swaps` random swaps that keep every rule; what they cost."""
    at, count = state.at, state.count
    movable, allowed = rules.movable, rules.allowed
    m = movable.shape[0]
    cost, done = 0, 0
    if m < 2:
        return cost
    for _ in range(20 * swaps):
        if done == swaps:
            break
        i, j = movable[np.random.randint(m)], movable[np.random.randint(m)]
        a, b = at[i], at[j]
        if a == b or not (allowed[i, b] and allowed[j, a]) or not may_swap(i, j, at, count, rules):
            continue
        cost += swap_delta(i, j, state, rules)
        place(i, b, state, rules)
        place(j, a, state, rules)
        done += 1
    return cost


@njit(cache=True)
def tabu_steps(
    todo: int,
    step: int,
    cost: int,
    best_cost: int,
    last_better: int,
    settings: TabuSettings,
    state: State,
    rules: Rules,
    tabu_until: Any,
) -> Any:
    """`todo` steps of the tabu search (`tabu.py`), with `settings` = (tenure, stall, kick): take the best
    swap, forbid both sessions the slots they left for `tenure` to 2 x `tenure` steps; after `stall` steps
    without a better plan, or when no swap is left, back to the best plan and `kick` random swaps.
    Returns (step, cost, best cost, the step of the last better plan), the costs against the plan the walk
    started from; a new best plan is copied into `best_at`."""
    at, best_at = state.at, state.best_at
    tenure, stall, kick = settings.tenure, settings.stall, settings.kick
    for _ in range(todo):
        step += 1
        i, j, delta = _best_swap(step, cost, best_cost, state, rules, tabu_until)
        if i >= 0:
            a, b = at[i], at[j]
            place(i, b, state, rules)
            place(j, a, state, rules)
            tabu_until[i, a] = step + tenure + np.random.randint(tenure + 1)
            tabu_until[j, b] = step + tenure + np.random.randint(tenure + 1)
            cost += delta
        if cost < best_cost:
            best_cost, last_better = cost, step
            best_at[:] = at
        elif i < 0 or step - last_better > stall:
            restore_best(state, rules)
            cost = best_cost + _kick(kick, state, rules)
            tabu_until[:] = 0
            last_better = step
    return step, cost, best_cost, last_better


def warm() -> None:
    """Compile every function here for the types `anneal.py` passes (or load them from numba's cache,
    next to this file), on a day of two sessions and two slots: a walk then starts at once, not after
    the seconds compiling takes the first time. `make setup` runs it once (`python -m ...kernel`)."""
    empty_ptr, empty_idx = np.zeros(5, dtype=np.int64), np.zeros(1, dtype=np.int64)
    rules = Rules(
        movable=np.array([0, 1], dtype=np.int64),
        slots_ptr=np.array([0, 2, 4], dtype=np.int64),
        slots_idx=np.array([0, 1, 0, 1], dtype=np.int64),
        allowed=np.ones((2, 2), dtype=np.bool_),
        weight=np.array([[0, 3], [3, 0]], dtype=np.int64),
        apart_ptr=empty_ptr,
        apart_idx=empty_idx,
        limits_ptr=empty_ptr,
        limits_idx=empty_idx,
        limit=np.zeros(1, dtype=np.int64),
        start=np.zeros((2, 2), dtype=np.int64),
        end=np.full((2, 2), 60, dtype=np.int64),
        after_ptr=np.zeros(3, dtype=np.int64),
        after_idx=np.zeros(1, dtype=np.int64),
        before_ptr=np.zeros(3, dtype=np.int64),
        before_idx=np.zeros(1, dtype=np.int64),
        pairs_ptr=np.array([0, 1, 2], dtype=np.int64),
        pairs_idx=np.array([1, 0], dtype=np.int64),
        pairs_weight=np.array([3, 3], dtype=np.int64),
        ragged=np.array([False, True]),
    )
    at = np.array([0, 0], dtype=np.int64)
    state = State(
        at=at,
        count=np.zeros(1, dtype=np.int64),
        gain=np.zeros((2, 2), dtype=np.int64),
        members=np.array([[0, 1], [0, 0]], dtype=np.int64),
        size=np.array([2, 0], dtype=np.int64),
        place_of=np.array([0, 1], dtype=np.int64),
        best_at=at.copy(),
    )
    seed(0)
    fill_gain(state, rules)
    steps(10, 1.0, 0.5, 0, 0, state, rules)
    restore_best(state, rules)
    descend(state, rules)
    tabu_steps(2, 0, 0, 0, 0, TabuSettings(1, 1, 1), state, rules, np.zeros((2, 2), dtype=np.int64))
    may_swap(0, 1, state.at, state.count, rules)


if __name__ == "__main__":
    # Warm the module under its own name: run as a script this is `__main__`, whose `Rules` and `State`
    # are other types than those `anneal.py` passes, and numba's cache would hold the wrong compilations.
    import importlib

    importlib.import_module("netwerkdag.scheduling.kernel").warm()
