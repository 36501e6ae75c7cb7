"""`netwerkdag allocate` on the Haarlem day: the JSON it prints, the CSV it writes, and every wrong row of a
preferences file reported with its line and column (exit 1, nothing written)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.conftest import RunCli


def write(path: Path, *rows: str) -> Path:
    path.write_text("\n".join(("person,choice,rank", *rows)) + "\n", "utf-8")
    return path


def test_allocate_gives_the_first_choices_when_seats_suffice(
    run_cli: RunCli, haarlem_path: Path, tmp_path: Path
) -> None:
    prefs = write(
        tmp_path / "voorkeuren.csv",
        "alkmaar-burgemeester,thema-woningmarkt,1",
        "alkmaar-burgemeester,thema-veiligheid,2",
        "gast-1,thema-woningmarkt,2",
        "gast-1,thema-leefomgeving,1",
    )
    out = tmp_path / "toewijzing.csv"
    result = run_cli("allocate", str(haarlem_path), "--preferences", str(prefs), "--json", "-o", str(out))
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["status"] == "optimal"
    assert found["objective"] == found["bound"]
    rows = out.read_text("utf-8").splitlines()
    assert rows[0] == "person,session"
    assert "gast-1,thema-leefomgeving" in rows


def test_allocate_reports_every_wrong_row(run_cli: RunCli, haarlem_path: Path, tmp_path: Path) -> None:
    prefs = write(
        tmp_path / "fout.csv",
        "alkmaar-burgemeester,thema-woningmarkt,1",
        "alkmaar-burgemeester,lunch-gezamenlijk,2",
        "gast-1,thema-veiligheid,nul",
        ",thema-veiligheid,1",
    )
    out = tmp_path / "toewijzing.csv"
    result = run_cli("allocate", str(haarlem_path), "--preferences", str(prefs), "-o", str(out))
    assert result.returncode == 1
    assert f"{prefs}:3:2" in result.stderr
    assert "lunch-gezamenlijk" in result.stderr
    assert f"{prefs}:4:3" in result.stderr
    assert f"{prefs}:5:1" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_allocate_refuses_bad_rank_costs(run_cli: RunCli, haarlem_path: Path, tmp_path: Path) -> None:
    prefs = write(tmp_path / "v.csv", "a,thema-woningmarkt,1")
    result = run_cli("allocate", str(haarlem_path), "--preferences", str(prefs), "--rank-costs", "0,een")
    assert result.returncode == 1
    assert "--rank-costs" in result.stderr


def test_allocate_writes_the_report_with_the_lottery_seed(
    run_cli: RunCli, haarlem_path: Path, tmp_path: Path
) -> None:
    prefs = write(
        tmp_path / "voorkeuren.csv",
        "alkmaar-burgemeester,thema-woningmarkt,1",
        "alkmaar-burgemeester,thema-veiligheid,2",
        "gast-1,thema-leefomgeving,1",
    )
    path = tmp_path / "verslag.json"
    result = run_cli(
        "allocate",
        str(haarlem_path),
        "--preferences",
        str(prefs),
        "--lottery-seed",
        "5",
        "--report",
        str(path),
    )
    assert result.returncode == 0, result.stderr
    assert "Lottery seed: 5" in result.stdout
    found = json.loads(path.read_text("utf-8"))
    assert found["seed"] == 5
    assert found["rank_distribution"] == {"1": 2}
    people = {p["person"]: p for p in found["people"]}
    assert people["gast-1"]["organisation"] is None  # from outside the network
    assert [s["rank"] for s in people["alkmaar-burgemeester"]["seats"]] == [1]
    assert found["organisations"][0]["organisation"] == "alkmaar"
    assert found["waiting_lists"] == {}
