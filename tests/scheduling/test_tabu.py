"""The tabu search of `tabu.py`: every step (kicks included) keeps every rule the slot model posts and
counts its cost as the scorer does, each plan handed back is better than the one before, and it finds the
plan without conflicts where one exists."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from test_anneal import PEOPLE, _model_accepts
from test_search import _four_sessions
from test_solver import tiny_event, wants

from netwerkdag.core.interests import derive_interests
from netwerkdag.files.load import load_event
from netwerkdag.scheduling import search, tabu, tuning
from netwerkdag.scheduling.anneal import Anneal
from netwerkdag.scheduling.instance import Day, compile_day
from netwerkdag.scheduling.model import Options
from netwerkdag.scheduling.objective import Scorer, scale_of


@st.composite
def full_days(draw: st.DrawFn) -> Any:
    """Days of two to four slots whose rooms are all taken and nothing pinned, so that swaps are what a
    search can do; some sessions with a chair of two or three, some that must come after another or not
    run beside it, expected attendances that only some rooms seat, and four people who each want several
    sessions, so that most pairs of sessions weigh something."""
    slots = draw(st.integers(2, 4))
    capacities = draw(st.lists(st.integers(10, 60), min_size=2, max_size=3))
    rooms = [{"id": f"z{i}", "name": f"Zaal {i}", "capacity": c} for i, c in enumerate(capacities)]
    sessions: list[dict[str, Any]] = []
    for k in range(slots * len(rooms)):
        t, r = divmod(k, len(rooms))
        session: dict[str, Any] = {"id": f"s{k}", "block": f"r{t + 1}", "room": f"z{r}"}
        session["expected_attendance"] = draw(st.integers(0, max(capacities)))
        if draw(st.integers(0, 2)) == 0:
            session["participants"] = [{"person": f"p{draw(st.integers(0, 2))}", "role": "chair"}]
        if k and draw(st.integers(0, 5)) == 0:
            session["after"] = [f"s{draw(st.integers(0, k - 1))}"]
        if k and draw(st.integers(0, 5)) == 0:
            session["not_parallel_with"] = [f"s{draw(st.integers(0, k - 1))}"]
        sessions.append(session)
    rows = draw(
        st.lists(
            st.tuples(st.sampled_from("abcd"), st.sampled_from([s["id"] for s in sessions]),
                      st.sampled_from([1, 3, 10])),
            min_size=8,
            max_size=30,
        )
    )  # fmt: skip
    return rooms, sessions, slots, rows


def _start(day: Day) -> tuple[dict[str, int], Any, Anneal] | None:
    cuts: search.Cuts = []
    start = search.first_plan(day, Options(time_limit=5.0, workers=1), cuts, time.monotonic() + 5.0)
    if start.status != "feasible":
        return None
    return start.slot_of, cuts, Anneal(day, start.rules, Scorer(day), scale_of(day))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=full_days())
def test_every_step_of_the_tabu_search_keeps_the_rules_and_counts_its_cost_right(
    tmp_path: Path, drawn: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tuning, "TABU_STALL", 0)  # a kick after every step that finds nothing better
    monkeypatch.setattr(tuning, "TABU_TENURE", 1)
    rooms, sessions, slots, rows = drawn
    folder = tiny_event(tmp_path, rooms=rooms, sessions=sessions, slots=slots, people=PEOPLE)
    event = load_event(folder, plan_rules=False)
    day = compile_day(event, derive_interests(event).merged_with(wants(*rows).items))
    started = _start(day)
    assume(started is not None)
    assert started is not None
    slot_of, cuts, rules = started
    assume(tabu.applies(rules))
    scorer = Scorer(day)
    scale = scale_of(day)

    def cost(plan: dict[str, int]) -> int:
        score = scorer.score(plan)
        return score.conflicts * scale + score.spread

    steps: list[tuple[list[int], int]] = []
    plans: list[list[int]] = []

    def watch(at: list[int], counted: int) -> None:
        if len(steps) < 200:
            steps.append((list(at), counted))

    first = [slot_of[i] for i in rules.ids]
    best = tabu.Tabu(rules).walk(
        first, time.monotonic() + 0.05, 1, plans.append, threading.Event(), cost=7, watch=watch
    )

    base = cost(slot_of) - 7  # the walk was told the first plan costs 7
    for at, counted in steps:
        plan = dict(zip(rules.ids, at, strict=True))
        assert _model_accepts(day, plan, cuts), plan
        assert counted == cost(plan) - base
    scores = [scorer.score(dict(zip(rules.ids, p, strict=True))) for p in [first, *plans]]
    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) == len(scores)  # each strictly better than the one before
    assert best == (plans[-1] if plans else first)


def test_the_tabu_search_finds_the_plan_without_conflicts(tmp_path: Path) -> None:
    day = _four_sessions(tmp_path)  # s0 and s1 share a slot in the file, and a and b want both
    started = _start(day)
    assert started is not None
    _, _, rules = started
    bad = {"s0": 0, "s1": 0, "s2": 1, "s3": 1}
    plans: list[list[int]] = []

    best = tabu.Tabu(rules).walk(
        [bad[i] for i in rules.ids], time.monotonic() + 0.2, 1, plans.append, threading.Event()
    )

    found = dict(zip(rules.ids, best, strict=True))
    assert Scorer(day).score(found).conflicts == 0
    assert plans
    assert plans[-1] == best


def test_the_tabu_search_leaves_days_with_ragged_slots_to_the_polish(tmp_path: Path) -> None:
    rooms = [{"id": f"z{i}", "name": f"Zaal {i}", "capacity": 40} for i in range(2)]
    sessions = [
        {"id": "early", "block": "r1", "room": "z0", "start": "10:00", "end": "10:20"},
        {"id": "late", "block": "r1", "room": "z1", "start": "10:40", "end": "11:00"},
        {"id": "long", "block": "r2", "room": "z0"},
    ]
    for session in sessions:
        session["expected_attendance"] = 10
    folder = tiny_event(tmp_path, rooms=rooms, sessions=sessions, slots=2)
    day = compile_day(load_event(folder, plan_rules=False), wants(("a", "early", 3), ("a", "late", 3)))
    started = _start(day)
    assert started is not None
    _, _, rules = started

    assert rules.ragged  # two short sessions in one slot: not every pair of a slot meets
    assert not tabu.applies(rules)
    with pytest.raises(ValueError, match="overlaps"):
        tabu.Tabu(rules)
