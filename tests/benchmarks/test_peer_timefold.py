"""The Timefold peer keeps our hard rules, finds the easy optimum and fails softly (optional `peers` group).

These tests need the `timefold` package and, to solve, a Java runtime; CI installs neither, so they skip.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

SKIP_REASON = "optional peers group not installed (uv sync --group peers)"
pytest.importorskip("timefold", reason=SKIP_REASON)

SCHEDULING = Path(__file__).resolve().parents[2] / "benchmarks" / "scheduling"
if str(SCHEDULING) not in sys.path:
    sys.path.insert(0, str(SCHEDULING))

import peer_timefold  # noqa: E402
from instance import Instance, Room, Slot, Talk, conflicts, hard_violations, write_instance  # noqa: E402

needs_java = pytest.mark.skipif(shutil.which("java") is None, reason=SKIP_REASON)

SLOTS = (
    Slot("s1", "2024-05-17", "09:00", "10:00"),
    Slot("s2", "2024-05-17", "10:00", "11:00"),
    Slot("s3", "2024-05-17", "11:00", "11:30"),
)
ROOMS = (Room("big", 100, ("beamer",)), Room("small", 30))


def small_instance() -> Instance:
    """3 slots x 2 rooms, 5 talks, optimum 0.

    t1 (80 people) and t4 (needs the beamer) both need the big room in an hour slot, so they take s1 and s2
    in some order; t2 shares its speaker with t1, so it sits beside t4 in the small room; t5 is pinned to
    s3/small; t3 cannot be in s1. Both weighted pairs involve t3, so the optimum puts t3 in s3/big: 0.
    Putting t3 beside t1 in s2 (also allowed) would cost 3.
    """
    talks = (
        Talk("t1", "One", 60, 80, speakers=("ann",)),
        Talk("t2", "Two", 60, 20, speakers=("ann", "bob")),
        Talk("t3", "Three", 30, 20, unavailable_slots=("s1",)),
        Talk("t4", "Four", 45, 25, requires=("beamer",)),
        Talk("t5", "Five", 30, 10, fixed_slot="s3", fixed_room="small"),
    )
    wants = {"p1": {"t1": 3, "t3": 10}, "p2": {"t2": 1, "t3": 3}}
    return Instance("small", SLOTS, ROOMS, talks, wants)


def slot_of(placement: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    return {talk: cell[0] for talk, cell in placement.items()}


@needs_java
def test_small_instance_keeps_every_hard_rule_and_reaches_the_optimum() -> None:
    instance = small_instance()
    results = peer_timefold.solve_with_checkpoints(instance, time_limit_s=3, seed=1, checkpoints=[1.5])
    result = results[-1]
    assert result.status == "feasible", result.note
    assert hard_violations(instance, result.placement) == []
    assert result.objective == 0
    assert result.objective == conflicts(instance, slot_of(result.placement))
    assert result.placement["t5"] == ("s3", "small")
    assert result.placement["t3"] == ("s3", "big")
    assert "timefold score 0hard/0soft" in result.note
    assert result.wall_s > 0
    # The checkpoint result is the best solution at 1.5 s of solving; it is feasible by then too.
    assert len(results) == 2
    assert results[0].status == "feasible", results[0].note
    assert hard_violations(instance, results[0].placement) == []


@needs_java
def test_more_talks_than_cells_is_reported_not_raised() -> None:
    talks = tuple(Talk(f"t{i}", f"T{i}", 30, 1) for i in range(7))  # 7 talks, 6 cells
    result = peer_timefold.solve(Instance("too-many", SLOTS, ROOMS, talks, {}), time_limit_s=1, seed=0)
    assert result.status == "unknown"  # local search cannot prove infeasibility
    assert "no feasible placement found" in result.note


@needs_java
def test_command_prints_one_line_of_json(tmp_path: Path) -> None:
    path = tmp_path / "small.json"
    write_instance(small_instance(), path)
    completed = subprocess.run(
        [sys.executable, str(SCHEDULING / "peer_timefold.py"), str(path), "--time-limit", "1"],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    lines = completed.stdout.strip().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert data["solver"] == "timefold"
    assert data["status"] == "feasible", data["note"]
    assert set(data["placement"]) == {"t1", "t2", "t3", "t4", "t5"}


def test_a_missing_runtime_is_an_error_result_not_an_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(peer_timefold, "available", lambda: "no java on PATH")
    result = peer_timefold.solve(small_instance(), time_limit_s=1, seed=0)
    assert result.status == "error"
    assert "no java on PATH" in result.note
    assert result.placement == {}
    assert result.objective is None
