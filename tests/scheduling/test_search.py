"""The search of `search.py` and the column model of `columns.py`: what they call optimal is what the slot
model of the whole day proves optimal; the big-day search (annealing) alone returns plans the checker accepts;
the plan kept never gets worse."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from test_solver import small_days, tiny_event, wants

from netwerkdag.core.interests import derive_interests
from netwerkdag.files.load import load_event
from netwerkdag.scheduling import search, tuning
from netwerkdag.scheduling.instance import compile_day
from netwerkdag.scheduling.model import Options, solve_slots
from netwerkdag.scheduling.objective import Scorer
from netwerkdag.scheduling.report import conflicts, weighted
from netwerkdag.scheduling.rules import PlanView, check_plan
from netwerkdag.scheduling.solve import schedule

PEOPLE = [{"id": f"p{i}", "name": f"Persoon {i}", "role": "wethouder"} for i in range(3)]


def _day(tmp_path: Path, drawn: Any) -> Any:
    rooms, sessions, slots, rows = drawn
    folder = tiny_event(tmp_path, rooms=rooms, sessions=sessions, slots=slots, people=PEOPLE)
    event = load_event(folder, plan_rules=False)
    return event, derive_interests(event).merged_with(wants(*rows).items)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=small_days())
def test_what_the_column_model_calls_optimal_the_whole_slot_model_proves_optimal(
    tmp_path: Path, drawn: Any
) -> None:
    event, interests = _day(tmp_path, drawn)
    day = compile_day(event, interests)

    found = search.search(day, Options(time_limit=5.0))
    whole = solve_slots(day, Options(time_limit=20.0))

    assert found.status in ("optimal", "infeasible")  # these days are small enough to be solved exactly
    if found.status == "infeasible":
        assert whole.status == "infeasible"
        return
    assert whole.status == "optimal"
    assert found.score is not None
    assert found.score.conflicts == whole.conflicts
    assert found.bound == found.score.conflicts


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=small_days())
def test_one_worker_finds_a_first_plan_exactly_when_the_whole_slot_model_has_one(
    tmp_path: Path, drawn: Any
) -> None:
    event, interests = _day(tmp_path, drawn)
    day = compile_day(event, interests)

    start = search.first_plan(day, Options(workers=1), [], time.monotonic() + 20.0)
    whole = solve_slots(day, Options(time_limit=20.0, workers=1))

    assert start.status == ("infeasible" if whole.status == "infeasible" else "feasible")
    if start.status == "feasible":
        assert set(start.slot_of) == {i.id for i in day.items}
        assert all(start.slot_of[i.id] in start.rules.allowed[i.id] for i in day.items)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=small_days())
def test_the_big_day_search_alone_returns_plans_the_checker_accepts(
    tmp_path: Path, drawn: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tuning, "MAX_COLUMNS", -1)  # as if the day were too big to list its columns
    event, interests = _day(tmp_path, drawn)

    result = schedule(event, interests, Options(time_limit=1.0))

    if result.status == "infeasible":
        assert result.explanation
        return
    assert result.status in ("optimal", "feasible")
    assert check_plan(PlanView(result.event, result.seats, reference=event)) == []
    assert result.objective == weighted(conflicts(result.event, interests))
    assert result.bound is not None
    assert result.bound <= result.objective


def _four_sessions(tmp_path: Path) -> Any:
    rooms = [{"id": f"z{i}", "name": f"Zaal {i}", "capacity": 40} for i in range(2)]
    sessions = [
        {"id": f"s{k}", "block": f"r{k // 2 + 1}", "room": f"z{k % 2}", "expected_attendance": 10}
        for k in range(4)
    ]
    folder = tiny_event(tmp_path, rooms=rooms, sessions=sessions, slots=2)
    event = load_event(folder, plan_rules=False)
    # s0 and s1 share the first slot in the file; both are wanted by a and b.
    interests = wants(("a", "s0", 10), ("a", "s1", 3), ("b", "s0", 3), ("b", "s1", 3), ("c", "s2", 1))
    return compile_day(event, interests)


def test_the_scorer_counts_as_the_report_does(tmp_path: Path) -> None:
    day = _four_sessions(tmp_path)
    scorer = Scorer(day)

    as_in_file = {"s0": 0, "s1": 0, "s2": 1, "s3": 1}
    apart = {"s0": 0, "s1": 1, "s2": 0, "s3": 1}

    assert scorer.score(as_in_file).conflicts == 3 + 3
    assert scorer.score(apart).conflicts == 0


def test_the_plan_kept_never_gets_worse(tmp_path: Path) -> None:
    day = _four_sessions(tmp_path)
    scorer = Scorer(day)
    apart = {"s0": 0, "s1": 1, "s2": 0, "s3": 1}
    incumbent = search.Incumbent(day, scorer, apart, None)

    assert not incumbent.offer({"s0": 0, "s1": 0, "s2": 1, "s3": 1})  # worse
    assert not incumbent.offer({"s0": 1, "s1": 0, "s2": 1, "s3": 0})  # as good, ties not asked for
    assert incumbent.slot_of == apart
    assert incumbent.offer({"s0": 1, "s1": 0, "s2": 1, "s3": 0}, ties=True)
    assert incumbent.score == scorer.score(apart)


def test_the_live_view_counts_its_seconds_from_the_start_of_scheduling(tmp_path: Path) -> None:
    day = _four_sessions(tmp_path)
    seen: list[float] = []

    def progress(conflicts: float, bound: float, seconds: float) -> None:
        seen.append(seconds)

    search.search(day, Options(time_limit=60.0), progress, started=time.monotonic() - 30.0)

    assert seen
    assert min(seen) >= 30.0  # not from when the search had its first plan


def test_a_small_day_is_proven_optimal_and_reports_the_bound(tmp_path: Path) -> None:
    day = _four_sessions(tmp_path)

    found = search.search(day, Options(time_limit=5.0))

    assert found.status == "optimal"
    assert found.score is not None
    assert found.score.conflicts == 0
    assert found.bound == 0
    assert dataclasses.asdict(found.score) == {"conflicts": 0, "spread": 0}


@pytest.mark.parametrize("workers", [1, 3])
def test_a_big_day_search_with_one_or_three_workers_keeps_the_rules(
    tmp_path: Path, workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tuning, "MAX_COLUMNS", -1)  # the annealing; with 3 workers also the prover
    day = _four_sessions(tmp_path)

    found = search.search(day, Options(time_limit=3.0, workers=workers))

    assert found.score is not None
    assert found.score.conflicts == 0
    assert found.bound == 0
    assert found.status == "optimal"  # no conflict and no pillar pair: nothing can be lower, so it stops
