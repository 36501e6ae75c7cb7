"""The Timefold peer of meeting placement keeps the converted rules, places what fits and fails softly
(optional `peers` group: without the timefold package, or without java, these tests skip)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

SKIP_REASON = "optional peers group not installed (uv sync --group peers)"
pytest.importorskip("timefold", reason=SKIP_REASON)

MEETINGS = Path(__file__).resolve().parents[2] / "benchmarks" / "meetings"
if str(MEETINGS) not in sys.path:
    sys.path.insert(0, str(MEETINGS))

import peer_timefold_meetings  # noqa: E402
from convert_meetings import Grain, TfMeeting, TfRoom, TimefoldInstance, convert, write_conversion  # noqa: E402
from meetings_referee import judge, load_converted, timefold_placement  # noqa: E402

needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="no java on PATH")

# One day: grains 08:00-09:00 (0-3) and 10:00-11:00 (4-7): two runs of four grains.
GRAINS = tuple(Grain(i, 1, 480 + 15 * i if i < 4 else 600 + 15 * (i - 4)) for i in range(8))
ROOMS = (TfRoom(0, "R 1", 3), TfRoom(1, "R 2", 2))


def tiny() -> TimefoldInstance:
    """m0 and m1 share person 1; m2 needs 3 seats (2 required, 1 preferred), so only R 1; m3 lasts 3 grains
    and must lie in one run (grain 2 or 3 would run across the gap)."""
    meetings = (
        TfMeeting(0, "a", 2, (1, 2), ()),
        TfMeeting(1, "b", 2, (1, 3), ()),
        TfMeeting(2, "c", 4, (4, 5), (6,)),
        TfMeeting(3, "d", 3, (2, 3), ()),
    )
    return TimefoldInstance("tiny", GRAINS, ROOMS, {i: f"P{i}" for i in range(1, 7)}, meetings)


def too_many() -> TimefoldInstance:
    """Three meetings of a whole run for person 1, two runs: one cannot be placed."""
    meetings = tuple(TfMeeting(i, "x", 4, (1, 10 + i), ()) for i in range(3))
    persons = {1: "P1", 10: "Q0", 11: "Q1", 12: "Q2"}
    return TimefoldInstance("too-many", GRAINS, ROOMS, persons, meetings)


def refereed(instance: TimefoldInstance, run: peer_timefold_meetings.PeerRun, tmp_path: Path):  # type: ignore[no-untyped-def]
    conversion = convert(instance)
    write_conversion(conversion, tmp_path)
    problem = load_converted(tmp_path)
    return judge(problem, conversion, timefold_placement(conversion, run.placement))


@needs_java
def test_every_meeting_placed_by_the_converted_rules(tmp_path: Path) -> None:
    run = peer_timefold_meetings.solve(tiny(), 5, seed=1)
    assert run.status == "feasible", run.note
    assert run.score == "0hard/0medium/0soft"
    verdict = refereed(tiny(), run, tmp_path)
    assert verdict.valid
    assert verdict.placed == verdict.clean == 4
    assert run.placement["m-2"][0] == "r-1"
    assert run.placement["m-3"][1] in {0, 1, 4, 5}


@needs_java
def test_all_mode_reports_violations_and_optional_mode_leaves_a_meeting_out(tmp_path: Path) -> None:
    forced = peer_timefold_meetings.solve(too_many(), 3, seed=1, mode="all")
    assert forced.status == "done"
    assert len(forced.placement) == 3
    assert peer_timefold_meetings._hard_of(forced.score) not in (None, 0)
    verdict = refereed(too_many(), forced, tmp_path / "all")
    assert not verdict.valid
    assert verdict.timefold["required attendance conflict"] >= 1

    left_out = peer_timefold_meetings.solve(too_many(), 3, seed=1, mode="optional")
    assert left_out.score == "0hard/-1medium/0soft", left_out.note
    verdict = refereed(too_many(), left_out, tmp_path / "optional")
    assert verdict.valid
    assert verdict.placed == 2


def test_a_missing_runtime_is_an_error_result_not_an_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(peer_timefold_meetings, "available", lambda: "no java on PATH")
    run = peer_timefold_meetings.solve(tiny(), 1)
    assert run.status == "error"
    assert "no java on PATH" in run.note
    assert run.placement == {}
