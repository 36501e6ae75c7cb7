"""`netwerkdag meetings` on the Haarlem day: the JSON it prints, the plan it writes (valid by the rules'
own check), and every wrong row of a requests or registrations file reported with its line and column
(exit 1, nothing written)."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from netwerkdag.core.networking import Placement
from netwerkdag.files.load import load_event
from netwerkdag.files.meetings_csv import read_registrations, read_requests
from netwerkdag.scheduling.meetings import check, problem_of

if TYPE_CHECKING:
    from tests.conftest import RunCli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "g40-haarlem-2023"


def write(path: Path, header: str, *rows: str) -> Path:
    path.write_text("\n".join((header, *rows)) + "\n", "utf-8")
    return path


def test_the_demo_requests_are_all_placed_and_the_plan_is_valid(run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "plan.csv"
    result = run_cli(
        "meetings",
        str(EXAMPLE),
        "--requests",
        str(EXAMPLE / "afspraken.csv"),
        "--registrations",
        str(EXAMPLE / "inschrijvingen.csv"),
        "--json",
        "-o",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert set(found) == {"status", "placed", "unplaced", "bound", "wall_s"}
    assert found["placed"] == found["bound"] == 60
    assert found["unplaced"] == 0
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 60
    event = load_event(EXAMPLE)
    people = frozenset(p.id for p in event.network.people)
    meetings = read_requests(EXAMPLE / "afspraken.csv", people)
    busy = read_registrations(EXAMPLE / "inschrijvingen.csv", people, frozenset(s.id for s in event.sessions))
    problem = problem_of(event, meetings, busy)
    plan = [
        Placement(
            r["meeting"], r["table"], datetime.fromisoformat(r["start"]), datetime.fromisoformat(r["end"])
        )
        for r in rows
    ]
    assert check(problem, plan) == []


def test_wrong_requests_are_reported_with_row_and_column(run_cli: RunCli, tmp_path: Path) -> None:
    requests = write(
        tmp_path / "verzoeken.csv",
        "meeting,person,minutes",
        "a1,alkmaar-burgemeester,15",
        "a1,niemand-bekend,15",
        "a2,alkmaar-burgemeester,15",
        "a2,almere-burgemeester,30",
        "a3,alkmaar-burgemeester,kwartier",
    )
    out = tmp_path / "plan.csv"
    result = run_cli("meetings", str(EXAMPLE), "--requests", str(requests), "-o", str(out))
    assert result.returncode == 1
    assert f"{requests}:3:2" in result.stderr
    assert "unknown person 'niemand-bekend'" in result.stderr
    assert f"{requests}:5:3" in result.stderr
    assert "lasts 30 minutes here and 15" in result.stderr
    assert f"{requests}:6:3" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_wrong_registrations_are_reported(run_cli: RunCli, tmp_path: Path) -> None:
    requests = write(
        tmp_path / "verzoeken.csv",
        "meeting,person,minutes",
        "a1,alkmaar-burgemeester,15",
        "a1,almere-burgemeester,15",
    )
    registrations = write(
        tmp_path / "inschrijvingen.csv",
        "person,session",
        "alkmaar-burgemeester,geen-sessie",
        "wie,pijler-sociaal",
    )
    result = run_cli(
        "meetings", str(EXAMPLE), "--requests", str(requests), "--registrations", str(registrations), "--json"
    )
    assert result.returncode == 1
    assert f"{registrations}:2:2" in result.stderr
    assert "unknown session 'geen-sessie'" in result.stderr
    assert f"{registrations}:3:1" in result.stderr
    assert result.stdout == ""


def test_a_meeting_of_one_is_refused(run_cli: RunCli, tmp_path: Path) -> None:
    requests = write(tmp_path / "alleen.csv", "meeting,person,minutes", "a1,alkmaar-burgemeester,15")
    result = run_cli("meetings", str(EXAMPLE), "--requests", str(requests))
    assert result.returncode == 1
    assert "a meeting needs at least two" in result.stderr
