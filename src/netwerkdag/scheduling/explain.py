"""Why a day has no plan: the smallest set of rules that cannot hold together, in sentences.

Each rule about one session or person (a pin, a person's availability, a session's need for seats or
features, a person's parts, an order, a pair kept apart) is posted behind its own assumption literal in a
model that places sessions in (slot, room) cells directly. CP-SAT returns assumptions that suffice for
infeasibility; dropping them one by one while the rest stays infeasible leaves a minimal set.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from netwerkdag.core.timegrid import Window
from netwerkdag.scheduling.instance import Day, present_people
from netwerkdag.scheduling.model import Options

#: Seconds for each solve while shrinking the set; a day that needs more is explained less tightly.
PROBE_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class Guard:
    literal: cp_model.IntVar
    sentence: str


def _hhmm(w: Window) -> str:
    return f"{w.start:%H:%M}-{w.end:%H:%M}"


class _Cells:
    def __init__(self, day: Day) -> None:
        self.day = day
        self.model = cp_model.CpModel()
        self.guards: list[Guard] = []
        self.z: dict[tuple[str, int, str], cp_model.IntVar] = {}
        rooms = [r for r in day.event.rooms if not r.shared]
        for item in day.items:
            cells = []
            for t in item.windows:
                for room in rooms:
                    var = self.model.new_bool_var(f"z[{item.id},{t},{room.id}]")
                    self.z[(item.id, t, room.id)] = var
                    cells.append(var)
            self.model.add_exactly_one(cells)
        for t in range(len(day.slots)):
            for room in rooms:
                here = [v for (i, s, r), v in self.z.items() if s == t and r == room.id]
                if here:
                    self.model.add_at_most_one(here)

    def guard(self, sentence: str) -> cp_model.IntVar:
        literal = self.model.new_bool_var(sentence)
        self.guards.append(Guard(literal, sentence))
        return literal

    def forbid(self, literal: cp_model.IntVar, cells: list[cp_model.IntVar]) -> None:
        for cell in cells:
            self.model.add_implication(literal, cell.Not())

    def cells_in(
        self, item_id: str, slots: set[int] | None = None, rooms: set[str] | None = None
    ) -> list[cp_model.IntVar]:
        """The item's cells in any of `slots` or any of `rooms`."""
        return [
            v
            for (i, t, r), v in self.z.items()
            if i == item_id and ((slots is not None and t in slots) or (rooms is not None and r in rooms))
        ]


def _build(day: Day) -> _Cells:
    c = _Cells(day)
    event, slots = day.event, day.slots
    for item in day.items:
        s = item.session
        home = item.home
        if item.pinned_block and home is not None:
            g = c.guard(f"'{s.id}' is pinned to block {home.block}")
            c.forbid(g, c.cells_in(s.id, slots={t for t, b in enumerate(slots) if b.id != home.block}))
        if item.pinned_room and home is not None:
            g = c.guard(f"'{s.id}' is pinned to room {home.room}")
            c.forbid(g, c.cells_in(s.id, rooms={r.id for r in event.rooms if r.id != home.room}))
        small = [r.id for r in event.rooms if r.capacity < item.seats]
        if small:
            big = [f"{r.id} ({r.capacity})" for r in event.rooms if r.capacity >= item.seats and not r.shared]
            g = c.guard(
                f"'{s.id}' expects {item.seats} people, so it needs a room that seats them: "
                + (", ".join(big) if big else "no room does")
            )
            c.forbid(g, c.cells_in(s.id, rooms=set(small)))
        if s.requires:
            lacking = [r.id for r in event.rooms if not s.requires <= r.features]
            g = c.guard(f"'{s.id}' needs a room with {', '.join(sorted(s.requires))}")
            c.forbid(g, c.cells_in(s.id, rooms=set(lacking)))
        for person in sorted(set(present_people(s))):
            windows = event.availability.get(person)
            if windows is None:
                continue
            shown = ", ".join(_hhmm(w) for w in windows)
            g = c.guard(f"'{person}', who has a part in '{s.id}', is there only {shown}")
            outside = {
                t for t, w in item.windows.items() if not any(a.contains(w.start, w.end) for a in windows)
            }
            c.forbid(g, c.cells_in(s.id, slots=outside))
    for t, held in day.held_rooms.items():
        for room, holder in sorted(held.items()):
            g = c.guard(f"'{holder}' holds {room} during {slots[t].id} ({_hhmm(slots[t].window)})")
            c.forbid(g, [v for (i, s, r), v in c.z.items() if s == t and r == room])
    by_person: dict[str, list[str]] = {}
    for item in day.items:
        for person in set(present_people(item.session)):
            by_person.setdefault(person, []).append(item.id)
    items = {i.id: i for i in day.items}
    for person, ids in sorted(by_person.items()):
        if len(ids) < 2:
            continue
        g = c.guard(f"'{person}' has a part in {', '.join(repr(i) for i in ids)}, one at a time")
        for t in range(len(slots)):
            here = [v for (i, s, r), v in c.z.items() if s == t and i in ids]
            if len(here) > 1:
                c.model.add(sum(here) <= 1).only_enforce_if(g)
    for item in day.items:
        for other_id in item.session.not_parallel_with:
            if other_id in items:
                g = c.guard(f"'{item.id}' and '{other_id}' must not run at the same time")
                for t in range(len(slots)):
                    pair = [v for (i, s, r), v in c.z.items() if s == t and i in (item.id, other_id)]
                    c.model.add(sum(pair) <= 1).only_enforce_if(g)
        for before in item.session.after:
            if before in items:
                g = c.guard(f"'{item.id}' must start after '{before}' ends")
                other = items[before]
                for (i, t, _room), v in list(c.z.items()):
                    if i != item.id:
                        continue
                    late = [
                        w
                        for (j, u, q), w in c.z.items()
                        if j == before and other.windows[u].end > item.windows[t].start
                    ]
                    for w in late:
                        c.model.add_bool_or([g.Not(), v.Not(), w.Not()])
    return c


def _infeasible(c: _Cells, active: list[Guard], options: Options) -> bool:
    c.model.clear_assumptions()
    c.model.add_assumptions([g.literal for g in active])
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = PROBE_SECONDS
    solver.parameters.num_workers = max(1, options.workers)
    return solver.solve(c.model) == cp_model.INFEASIBLE


def explain(day: Day, options: Options) -> list[str]:
    """Sentences naming a minimal set of clashing rules; a session that fits no slot at all is named
    directly."""
    no_slot = [i for i in day.items if not i.windows]
    if no_slot:
        return [f"'{i.id}' fits in no parallel slot: it is longer than every slot" for i in no_slot]
    c = _build(day)
    c.model.add_assumptions([g.literal for g in c.guards])
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(PROBE_SECONDS, options.time_limit)
    solver.parameters.num_workers = 1  # sufficient assumptions need the core-based search of one worker
    if solver.solve(c.model) != cp_model.INFEASIBLE:
        return [
            "no plan was found in time, but the rules were not proven to clash; try a longer --time-limit"
        ]
    by_index = {g.literal.Index(): g for g in c.guards}
    core = [by_index[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in by_index]
    for guard in list(core):
        trial = [g for g in core if g is not guard]
        if _infeasible(c, trial, options):
            core = trial
    return [g.sentence for g in core] or ["the sessions outnumber the free rooms in the parallel slots"]
