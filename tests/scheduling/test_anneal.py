"""The annealing of `anneal.py`: every step keeps every rule the slot model posts and counts its cost as
the scorer does, each plan handed back is better than the one before, and it finds the plan without
conflicts on a day that has one."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model
from test_search import _four_sessions
from test_solver import SLOT_TIMES, small_days, tiny_event, wants

from netwerkdag.core.interests import derive_interests
from netwerkdag.files.load import load_event
from netwerkdag.scheduling import search, tuning
from netwerkdag.scheduling.anneal import Anneal, Elsewhere
from netwerkdag.scheduling.instance import Day, compile_day
from netwerkdag.scheduling.model import Options, SlotModel
from netwerkdag.scheduling.objective import Scorer, scale_of

PEOPLE = [{"id": f"p{i}", "name": f"Persoon {i}", "role": "wethouder"} for i in range(3)]


def _plus(clock: str, minutes: int) -> str:
    hours, mins = divmod(int(clock[:2]) * 60 + int(clock[3:]) + minutes, 60)
    return f"{hours:02d}:{mins:02d}"


@st.composite
def ordered_days(draw: st.DrawFn) -> Any:
    """Small days, some of whose sessions must come after others or must not run in parallel, most with
    a chair of two or three, and some with sessions that take only part of their block (ragged slots)."""
    rooms, sessions, slots, rows = draw(small_days())
    ids = [s["id"] for s in sessions]
    for k, session in enumerate(sessions):
        if "participants" not in session and draw(st.booleans()):  # people in two sessions: more clashes
            session["participants"] = [{"person": f"p{draw(st.integers(0, 1))}", "role": "chair"}]
        if draw(st.integers(0, 2)) == 0:  # the first or the last 25 minutes of its block: ragged slots
            begin, finish = SLOT_TIMES[int(session["block"][1:]) - 1]
            session["start"], session["end"] = (
                (begin, _plus(begin, 25)) if draw(st.booleans()) else (_plus(finish, -25), finish)
            )
        if k and draw(st.integers(0, 3)) == 0:
            session["after"] = [ids[draw(st.integers(0, k - 1))]]
        if k and draw(st.integers(0, 3)) == 0:
            session["not_parallel_with"] = [ids[draw(st.integers(0, k - 1))]]
    return rooms, sessions, slots, rows


def _walk(day: Day, seconds: float, **kwargs: Any) -> tuple[list[dict[str, int]], Any, Anneal | None]:
    """The first plan and the plans a walk from it hands back; the cuts; the walker."""
    options = Options(time_limit=5.0, workers=1)
    cuts: search.Cuts = []
    start = search.first_plan(day, options, cuts, time.monotonic() + 5.0)
    if start.status != "feasible":
        return [], None, None
    walker = Anneal(day, start.rules, Scorer(day), scale_of(day))
    plans: list[dict[str, int]] = []
    walker.walk(start.slot_of, time.monotonic() + seconds, 1, plans.append, threading.Event(), **kwargs)
    return [start.slot_of, *plans], cuts, walker


def _model_accepts(day: Day, plan: dict[str, int], cuts: Any) -> bool:
    options = Options(time_limit=5.0, workers=1, symmetry_breaking=False)
    built = SlotModel(day, options, cuts, objective=False)
    for (item, t), var in built.x.items():
        built.model.add(var == int(plan[item] == t))
    solver = cp_model.CpSolver()
    return solver.solve(built.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=ordered_days())
def test_every_step_of_the_annealing_keeps_the_rules_and_counts_its_cost_right(
    tmp_path: Path, drawn: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tuning, "HOT", 1000.0)  # hot all along: it takes most moves, uphill too
    monkeypatch.setattr(tuning, "COLD", 1000.0)
    rooms, sessions, slots, rows = drawn
    folder = tiny_event(tmp_path, rooms=rooms, sessions=sessions, slots=slots, people=PEOPLE)
    event = load_event(folder, plan_rules=False)
    day = compile_day(event, derive_interests(event).merged_with(wants(*rows).items))
    steps: list[tuple[list[int], int]] = []

    def watch(slots: list[int], cost: int) -> None:
        if len(steps) < 30:
            steps.append((list(slots), cost))

    plans, cuts, walker = _walk(day, 0.05, watch=watch)

    if walker is None:
        return
    scorer = Scorer(day)
    scale = scale_of(day)

    def cost(plan: dict[str, int]) -> int:
        score = scorer.score(plan)
        return score.conflicts * scale + score.spread

    for slots, counted in steps:
        plan = dict(zip(walker.ids, slots, strict=True))
        assert _model_accepts(day, plan, cuts), plan
        assert counted == cost(plan) - cost(plans[0])
    assert _model_accepts(day, plans[-1], cuts)  # the last, after the downhill polish too
    scores = [scorer.score(plan) for plan in plans]
    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) == len(scores)  # each strictly better than the one before


def test_the_annealing_finds_the_plan_without_conflicts(tmp_path: Path) -> None:
    day = _four_sessions(tmp_path)  # s0 and s1 share a slot in the file, and a and b want both

    plans, _, _ = _walk(day, 0.5)

    assert Scorer(day).score(plans[-1]).conflicts == 0
    assert plans[-1]["s0"] != plans[-1]["s1"]


def test_a_walk_in_a_process_of_its_own_hands_back_its_plans(tmp_path: Path) -> None:
    day = _four_sessions(tmp_path)
    start = search.first_plan(day, Options(workers=1), [], time.monotonic() + 5.0)
    bad = {"s0": 0, "s1": 0, "s2": 1, "s3": 1}
    walker = Anneal(day, start.rules, Scorer(day), 1)

    walk = Elsewhere()
    walk.start(walker, bad, time.monotonic() + 5.0, seed=3)  # its process needs seconds to start
    plans = list(walk.plans())
    walk.end()

    assert walk.process.returncode == 0
    assert plans
    assert Scorer(day).score(plans[-1]).conflicts == 0


def test_a_walk_elsewhere_that_is_ended_early_stops(tmp_path: Path) -> None:
    day = _four_sessions(tmp_path)
    start = search.first_plan(day, Options(workers=1), [], time.monotonic() + 5.0)
    walker = Anneal(day, start.rules, Scorer(day), 1)

    walk = Elsewhere()
    walk.start(walker, start.slot_of, time.monotonic() + 600.0, seed=3)
    walk.end()

    assert walk.process.returncode == -signal.SIGTERM  # stopped, not run to its ten minutes, nor failed


def test_a_walk_process_that_never_gets_a_walk_ends_by_itself() -> None:
    walk = Elsewhere()  # started before the first plan, on a day that turned out small

    walk.end(grace=30.0)

    assert walk.process.returncode == 0  # read the end of its input and stopped; not killed
