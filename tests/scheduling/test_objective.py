"""The objective of `objective.py`, as each evaluator counts it: the slot model of CP-SAT, the scorer of
whole plans, the column model's column costs and the annealing's gain table agree on plans of generated
days with pinned sessions (fixed parts and the constant), pillars (the spread), ragged slots (sessions in
part of a slot) and orders; and the bound conversion keeps what a bound proves."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model
from test_anneal import PEOPLE, _plus
from test_solver import SLOT_TIMES, tiny_event, wants

from netwerkdag.core.interests import derive_interests
from netwerkdag.files.load import load_event
from netwerkdag.scheduling import objective
from netwerkdag.scheduling.anneal import Anneal
from netwerkdag.scheduling.columns import Columns
from netwerkdag.scheduling.instance import Day, compile_day
from netwerkdag.scheduling.model import Options, SlotModel
from netwerkdag.scheduling.objective import Score, Scorer, scale_of


@st.composite
def days_with_pillars_and_pins(draw: st.DrawFn) -> Any:
    """Days of two to four slots and two or three rooms, nearly full; a quarter of the sessions pinned
    where they are (fixed parts: conflicts beside them, and among themselves the constant), half in
    only the first or last 25 minutes of their block (ragged slots), some with a chair of three people,
    some after another or not beside it; the theme groups mostly in one of two pillars (the spread); four
    people who each want several sessions."""
    slots = draw(st.integers(2, 4))
    rooms = [{"id": f"z{i}", "name": f"Zaal {i}", "capacity": 60} for i in range(draw(st.integers(2, 3)))]
    count = slots * len(rooms) - draw(st.integers(0, 1))
    sessions: list[dict[str, Any]] = []
    for k in range(count):
        t, r = divmod(k, len(rooms))
        session: dict[str, Any] = {"id": f"s{k}", "block": f"r{t + 1}", "room": f"z{r}"}
        session["expected_attendance"] = 10
        if draw(st.integers(0, 3)) == 0:
            session["pin"] = True
        if draw(st.booleans()):
            begin, finish = SLOT_TIMES[t]
            session["start"], session["end"] = (
                (begin, _plus(begin, 25)) if draw(st.booleans()) else (_plus(finish, -25), finish)
            )
        if draw(st.integers(0, 2)) == 0:
            session["participants"] = [{"person": f"p{draw(st.integers(0, 2))}", "role": "chair"}]
        if k and "pin" not in session and draw(st.integers(0, 5)) == 0:
            session["after"] = [f"s{draw(st.integers(0, k - 1))}"]
        if k and draw(st.integers(0, 5)) == 0:
            session["not_parallel_with"] = [f"s{draw(st.integers(0, k - 1))}"]
        sessions.append(session)
    ids = [s["id"] for s in sessions]
    rows = draw(
        st.lists(
            st.tuples(st.sampled_from("abcd"), st.sampled_from(ids), st.sampled_from([1, 3, 10])),
            min_size=8,
            max_size=30,
        )
    )
    pillars = [draw(st.sampled_from([None, "p0", "p0", "p1", "p1"])) for _ in range(12)]
    return rooms, sessions, slots, rows, pillars


def _day(tmp_path: Path, drawn: Any) -> Day:
    rooms, sessions, slots, rows, pillars = drawn
    folder = tiny_event(tmp_path, rooms=rooms, sessions=sessions, slots=slots, people=PEOPLE)
    network_file = folder / "network.yaml"
    network = yaml.safe_load(network_file.read_text("utf-8"))
    network["pillars"] = [{"id": "p0", "name": "Pijler 0"}, {"id": "p1", "name": "Pijler 1"}]
    for group, pillar in zip(network["groups"], pillars, strict=True):
        if pillar is not None:
            group["pillar"] = pillar
    network_file.write_text(yaml.safe_dump(network, sort_keys=False), encoding="utf-8")
    event = load_event(folder, plan_rules=False)
    return compile_day(event, derive_interests(event).merged_with(wants(*rows).items))


def _some_plan(day: Day, seed: int) -> dict[str, int] | None:
    """A plan that keeps every rule the slot model posts, one of many: the model without objective,
    solved for a random weighting of its choices."""
    built = SlotModel(day, Options(workers=1, symmetry_breaking=False), objective=False)
    if built.empty:
        return None
    rng = random.Random(seed)  # noqa: S311 - a test's variety, not a secret
    built.model.minimize(sum(rng.randint(-5, 5) * var for var in built.x.values()))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 5.0
    if solver.solve(built.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return built.slots_chosen(solver)


def _by_the_model(day: Day, plan: dict[str, int]) -> Score:
    """The slot model's own count: its objective terms with every slot fixed to the plan's."""
    built = SlotModel(day, Options(workers=1, symmetry_breaking=False))
    for (item, t), var in built.x.items():
        built.model.add(var == int(plan[item] == t))
    built.model.minimize(built.objective())
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(built.model) == cp_model.OPTIMAL
    conflicts = sum(w for w, v in built.conflict_terms if solver.value(v)) + built.constant
    spread = sum(w for w, v in built.spread_terms if solver.value(v))
    units = objective.in_units(conflicts - built.constant, spread, built.spread_scale)
    assert solver.objective_value == units
    return Score(conflicts, spread)


def _by_the_columns(day: Day, scorer: Scorer, plan: dict[str, int]) -> int:
    """The summed costs of the columns that hold the plan's slot contents."""
    allowed = {i.id: list(i.slots) for i in day.items}
    columns = Columns(day, allowed, [], scale_of(day)).listed(scorer.neighbours, scorer.fixed_costs())
    cost = {(c.slot, frozenset(c.items)): c.cost for c in columns}
    contents = [(t, frozenset(i for i, at in plan.items() if at == t)) for t in range(len(day.slots))]
    missing = [key for key in contents if key not in cost]
    assert missing == [], "a slot's contents in a plan the model allows is no column"
    return sum(cost[key] for key in contents)


def _by_the_annealing(day: Day, scorer: Scorer, plan: dict[str, int]) -> int:
    """The annealing's gain table: every session's gain in its own slot counts each pair twice and each
    fixed part once, so half of it and of the fixed parts is the cost."""
    built = SlotModel(day, Options(workers=1, symmetry_breaking=False), objective=False)
    walker = Anneal(day, built, scorer, scale_of(day))
    at = [plan[i] for i in walker.ids]
    state = walker.state(at)
    gained = sum(int(state.gain[k, t]) for k, t in enumerate(at))
    fixed = sum(walker.fixed[k][t] for k, t in enumerate(at))
    assert (gained + fixed) % 2 == 0
    return (gained + fixed) // 2


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=days_with_pillars_and_pins(), seed=st.integers(0, 1000))
def test_the_model_the_scorer_the_columns_and_the_annealing_count_every_plan_alike(
    tmp_path: Path, drawn: Any, seed: int
) -> None:
    day = _day(tmp_path, drawn)
    plan = _some_plan(day, seed)
    assume(plan is not None)
    assert plan is not None
    scorer = Scorer(day)

    score = scorer.score(plan)

    assert _by_the_model(day, plan) == score
    in_units = score.in_units(scale_of(day), scorer.constant)
    assert _by_the_columns(day, scorer, plan) == in_units
    assert _by_the_annealing(day, scorer, plan) == in_units


@given(
    conflicts=st.integers(0, 500),
    spread=st.integers(0, 40),
    extra=st.integers(0, 40),
    constant=st.integers(0, 50),
)
def test_a_bound_in_the_models_units_never_claims_more_conflicts_than_a_plan_has(
    conflicts: int, spread: int, extra: int, constant: int
) -> None:
    scale = spread + extra + 1  # more than any spread
    cost = objective.in_units(conflicts, spread, scale)

    assert objective.conflicts_of(cost, scale, constant) == conflicts + constant
    assert objective.conflicts_bound(cost, scale, constant) <= conflicts + constant
    # The bound of the cheapest cost with these conflicts proves them all.
    assert objective.conflicts_bound(conflicts * scale, scale, constant) == conflicts + constant


def test_a_bound_from_linear_programming_rounds_up_only_past_a_whole_plan() -> None:
    scale = 4

    assert objective.conflicts_bound(8.0000000001, scale) == 2  # 2 conflicts and spread 0 cost 8
    assert objective.conflicts_bound(9.2, scale) == 2  # costs 9.2 to 12 may be 2 conflicts and spread
    assert objective.conflicts_bound(12.5, scale) == 3
    assert objective.conflicts_bound(-3.0, scale) == 0
    assert objective.in_units(3, 2, scale) == 14
