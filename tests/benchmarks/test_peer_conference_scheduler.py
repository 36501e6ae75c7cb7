"""The conference_scheduler peer keeps our hard rules and fails softly (optional `peers` group)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip(
    "conference_scheduler", reason="optional peers group not installed (uv sync --group peers)"
)
pytest.importorskip("pulp", reason="optional peers group not installed (uv sync --group peers)")

SCHEDULING = Path(__file__).resolve().parents[2] / "benchmarks" / "scheduling"
if str(SCHEDULING) not in sys.path:
    sys.path.insert(0, str(SCHEDULING))

from instance import Instance, Room, Slot, Talk, conflicts, hard_violations, write_instance  # noqa: E402
from peer_conference_scheduler import solve  # noqa: E402

SLOTS = (
    Slot("s1", "2024-05-17", "09:00", "09:45"),
    Slot("s2", "2024-05-17", "10:00", "10:30"),
    Slot("s3", "2024-05-17", "11:00", "11:45"),
)
ROOMS = (Room("big", 100, ("beamer",)), Room("small", 20))


def small_instance() -> Instance:
    """3 slots x 2 rooms, 5 talks: a shared speaker, an unavailable slot, capacity, a feature, a pin and a
    45-minute talk that does not fit the 30-minute slot s2."""
    talks = (
        Talk("a", "A", 30, 50, speakers=("ann",)),  # needs the big room
        Talk("b", "B", 30, 10, speakers=("ann", "bob"), unavailable_slots=("s1",)),
        Talk("c", "C", 45, 10, speakers=("bob",)),  # too long for s2
        Talk("d", "D", 30, 10, requires=("beamer",)),  # big room only
        Talk("e", "E", 30, 10, fixed_slot="s2", fixed_room="small"),
    )
    wants = {"p1": {"a": 3, "b": 3}, "p2": {"c": 1, "d": 10}, "p3": {"a": 1, "e": 1}}
    return Instance("small", SLOTS, ROOMS, talks, wants)


def test_small_instance_keeps_every_hard_rule() -> None:
    instance = small_instance()
    result = solve(instance, time_limit_s=20, seed=1)
    assert result.status == "feasible", result.note
    assert hard_violations(instance, result.placement) == []
    assert result.placement["e"] == ("s2", "small")
    assert result.objective == conflicts(instance, {t: cell[0] for t, cell in result.placement.items()})
    assert result.wall_s > 0


def test_more_talks_than_cells_is_reported_not_raised() -> None:
    talks = tuple(Talk(f"t{i}", f"T{i}", 30, 1) for i in range(7))  # 7 talks, 6 cells
    result = solve(Instance("too-many", SLOTS, ROOMS, talks, {}), time_limit_s=20, seed=0)
    assert result.status in ("infeasible", "error")
    assert result.placement == {}
    assert result.objective is None


def test_clashing_speakers_that_cannot_be_separated_are_infeasible() -> None:
    # Both talks must go in s2 (unavailable elsewhere) but share a speaker.
    talks = tuple(Talk(t, t, 30, 1, speakers=("zoe",), unavailable_slots=("s1", "s3")) for t in ("x", "y"))
    result = solve(Instance("clash", SLOTS, ROOMS, talks, {}), time_limit_s=20, seed=0)
    assert result.status in ("infeasible", "error")


def test_library_failure_becomes_an_error_result() -> None:
    broken = Instance("broken", (Slot("s1", "not-a-date", "09:00", "10:00"),), ROOMS, (), {})
    result = solve(broken, time_limit_s=5, seed=0)
    assert result.status == "error"
    assert "ValueError" in result.note


def test_command_prints_one_json_line(tmp_path: Path) -> None:
    path = tmp_path / "small.json"
    write_instance(small_instance(), path)
    completed = subprocess.run(
        [sys.executable, str(SCHEDULING / "peer_conference_scheduler.py"), str(path), "--time-limit", "20"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    lines = completed.stdout.strip().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert data["status"] == "feasible"
    assert hard_violations(small_instance(), {t: tuple(c) for t, c in data["placement"].items()}) == []
