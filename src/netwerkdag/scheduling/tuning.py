"""The scheduler's tuning constants in one place, each with what it does and why it has its value.

Measurements are on the project's machine (AMD EPYC, 2 cores, nothing else running) on the generated days
of `benchmarks/scheduling/` (S: 20 sessions, M: 120, L: 400), unless a line says otherwise; the decisions
in docs/decisions/ hold the fuller story. A value marked "not measured" is a safe choice nobody has
tuned yet. Read these at call time (``tuning.NAME``), so that a test can change one for a run.

Nothing here is a rule of a plan: changing a value changes how fast and how well the search finds plans,
never which plans are allowed.
"""

from __future__ import annotations

# -- the search (`search.py`) --------------------------------------------------------------------------------

#: On a small day, the neighbourhoods look this long for a good plan before the column model starts: a
#: good plan known lets the column model drop most columns (S proven optimal in about 0.7 s with it,
#: decision 0003).
SMALL_DAY_HEAD_START = 0.25
#: The share of the time limit kept for seating the rooms and checking the plan after the search, and at
#: most `RESERVE_SECONDS`. On L (2026-12-02) the room model takes its `ROOM_SECONDS` and 0.2 s to build,
#: the check and the report 0.2 s.
RESERVE = 0.15
RESERVE_SECONDS = 3.0
#: With one worker, CP-SAT's local search alone looks for a first plan this long at most before the
#: complete search: on L the complete search alone took 1.4 to 6.5 s over twelve seeds, the local search
#: 0.35 to 0.48 s (2026-12-02).
LOCAL_SEARCH_SECONDS = 1.0
#: In a neighbourhood at most this many sessions may move (a sample when its slots hold more), and its
#: model gets at most `NEIGHBOURHOOD_SECONDS`: small models that CP-SAT closes fast beat big ones
#: (decision 0003).
MAX_MOVABLE = 24
NEIGHBOURHOOD_SECONDS = 0.5
#: Walks in processes of their own end at the search's deadline and get this much longer to hand back
#: their last plan: a walk ended at the deadline lost its polish and last report (decision 0004,
#: amendment).
WALK_GRACE_SECONDS = 0.3

# -- the column model of small days (`columns.py`) -----------------------------------------------------------

#: Above this many columns (possible slot contents) a day goes to the annealing: S has 13,788, listed and
#: priced in well under a second; M has millions (decision 0003).
MAX_COLUMNS = 60_000
#: Column generation starts from the cheapest `POOL_PER_SLOT` columns of each slot and adds at most
#: `ENTERING_PER_ROUND` per round (not measured beyond S, where the relaxation closes in a few rounds).
POOL_PER_SLOT = 200
ENTERING_PER_ROUND = 400

# -- the annealing (`anneal.py`) and the tabu search (`tabu.py`) ---------------------------------------------

#: The temperature falls geometrically from HOT to COLD over the time given, in units of the median pair
#: weight: single 60-s walks ending at 0.3 gave L 317 and 330 against 376 and 395 ending at 0.5, and M
#: 327 and 327 against 330 and 327 (2026-12-02, decision 0006); starting at 1 rather than 3 kept the walk
#: from freezing late (decision 0004, amendment).
HOT = 1.0
COLD = 0.3
#: The share of proposals that swap two sessions rather than move one; a full day allows only swaps
#: (half each since decision 0004; not measured against other shares).
SWAPS = 0.5
#: The end of the walk, at most `POLISH_SECONDS` and `POLISH_SHARE` of its time, takes every move and swap
#: that still lowers the cost, on a day where the tabu search does not apply: the walk ends warm, and
#: this gained up to 19 conflicts on M (decision 0004).
POLISH_SECONDS = 1.0
POLISH_SHARE = 0.05
#: On a day where the tabu search applies (`tabu.applies`) it takes this share of a walk's time, after
#: the annealing: single 60-s walks on M gave median 332.5 against 335.5 without; 40 % was no better
#: (decision 0005).
TABU_SHARE = 0.2
#: A session may not return to the slot it left for TABU_TENURE to twice TABU_TENURE steps; after
#: TABU_STALL steps without a better plan the search starts again from the best one after TABU_KICK random
#: swaps (decision 0005, the values of its runs; not measured against others).
TABU_TENURE = 10
TABU_STALL = 3000
TABU_KICK = 6
#: The compiled steps run in batches between two looks at the clock: each batch is sized to take about
#: BATCH_SECONDS (a walk then ends within 10 ms of its deadline), between a first batch and a largest.
#: An annealing proposal takes about 0.15 microseconds on M (6.5 million a second), a tabu step about
#: 43 microseconds (23,000 a second), hence the different first and largest batches (decision 0006).
BATCH_SECONDS = 0.01
ANNEAL_FIRST_BATCH = 2_000
ANNEAL_MAX_BATCH = 5_000_000
TABU_FIRST_BATCH = 16
TABU_MAX_BATCH = 1_000_000
#: A walk hands on a new best plan at most this often: scoring it and checking its rooms takes a while
#: (not measured; four times a second keeps the live view moving).
REPORT_SECONDS = 0.25

# -- rooms and the whole run (`solve.py`) --------------------------------------------------------------------

#: Room sets found lacking after a solve are added as cuts; a day needs few (features only), so fifty
#: rounds means something is wrong (not measured: no day has needed more than a handful).
MAX_CUT_ROUNDS = 50
#: Rooms are the second decision (fewer room changes, shorter walks): their model gets at most this long;
#: when it has no answer by then, the matching that proved the slots seatable gives the rooms (decision
#: 0003: "rooms get at most 1 s").
ROOM_SECONDS = 1.0
#: What checking and reporting a plan takes after the rooms (0.2 s on L), and the room model's building,
#: kept back from the room model's time when little is left.
AFTER_ROOMS_SECONDS = 0.5
