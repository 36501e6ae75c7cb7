"""`netwerkdag schedule --repeat-popular`: a session expected to draw twice what its largest room seats gets
a second run in the other round, the JSON and the text say what was repeated and why, and the plan written
with -o holds the run with its topic (it reads back and keeps every rule). Without the option the same day
has no plan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from tests.conftest import RunCli


def _day(folder: Path) -> Path:
    """Two rounds, a room of 40 and one of 20; 'zorg' (in the second round) expects 80."""
    event: dict[str, Any] = {
        "network": {
            "id": "net",
            "name": "Net",
            "groups": [{"id": "wonen", "name": "Wonen"}, {"id": "zorg", "name": "Zorg"}],
            "people": [{"id": "anna", "name": "Anna de Vries", "role": "wethouder", "groups": ["zorg"]}],
        },
        "event": {
            "slug": "herhaling",
            "title": "Herhaling",
            "date": "2023-02-10",
            "venue": {"name": "Stadhuis"},
            "rooms": [{"id": "zaal-1", "name": "Zaal 1", "capacity": 40},
                      {"id": "zaal-2", "name": "Zaal 2", "capacity": 20}],
            "blocks": [
                {"id": "ronde-1", "kind": "parallel", "start": "10:00", "end": "11:00"},
                {"id": "ronde-2", "kind": "parallel", "start": "11:00", "end": "12:00"},
            ],
            "sessions": [
                {"id": "wonen", "kind": "theme-group-meeting", "title": "Wonen", "group": "wonen",
                 "block": "ronde-1", "room": "zaal-2", "expected_attendance": 15},
                {"id": "zorg", "kind": "theme-group-meeting", "title": "Zorg", "group": "zorg",
                 "block": "ronde-2", "room": "zaal-1", "expected_attendance": 80,
                 "participants": [{"person": "anna", "role": "chair"}]},
            ],
        },
    }  # fmt: skip
    folder.mkdir()
    path = folder / "event.yaml"
    path.write_text(yaml.safe_dump(event, sort_keys=False), encoding="utf-8")
    return path


def test_repeat_popular_adds_a_run_and_writes_it(run_cli: RunCli, tmp_path: Path) -> None:
    path = _day(tmp_path / "day")
    out = tmp_path / "plan.yaml"

    result = run_cli("schedule", str(path), "--repeat-popular", "--json", "--time-limit", "5", "-o", str(out))

    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["status"] == "optimal"
    assert found["violations"] == []
    (repeated,) = found["repeated"]
    assert (repeated["runs"], repeated["demand"], repeated["largest_room"]) == (["zorg", "zorg-2"], 80, 40)
    written = yaml.safe_load(out.read_text("utf-8"))["event"]["sessions"]
    run = next(s for s in written if s["id"] == "zorg-2")
    assert (run["topic"], run["block"], run["expected_attendance"]) == ("zorg", "ronde-1", 40)
    checked = run_cli("check", str(out), "--json")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert json.loads(checked.stdout)["hard_violations"] == []


def test_the_summary_says_what_was_repeated(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("schedule", str(_day(tmp_path / "day")), "--repeat-popular", "--time-limit", "5")

    assert result.returncode == 0, result.stderr
    assert "Repeated: 'zorg' runs 2 times" in " ".join(result.stdout.split())


def test_without_the_option_the_day_has_no_plan(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("schedule", str(_day(tmp_path / "day")), "--json", "--time-limit", "5")

    assert result.returncode == 1
    found = json.loads(result.stdout)
    assert found["status"] == "infeasible"
    assert "repeated" not in found
    assert any(line.startswith("room-capacity:") for line in found["explanation"])
