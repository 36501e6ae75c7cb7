"""`netwerkdag reach` on event files and an attendance file: the JSON's numbers, the files it writes, and
every wrong row reported with its line and column (exit 1, nothing written)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from netwerkdag.files.load import load_event

if TYPE_CHECKING:
    from tests.conftest import RunCli

EARLIER = "g40-test-2022"


@pytest.fixture
def days(tmp_path: Path, haarlem_path: Path) -> tuple[Path, Path]:
    """Haarlem's day and a copy of it on an earlier date under another slug, beside the network."""
    for name in ("event.yaml", "network.yaml", "population.yaml"):
        shutil.copy(haarlem_path / name, tmp_path / name)
    text = (haarlem_path / "event.yaml").read_text("utf-8")
    earlier = text.replace("slug: g40-haarlem-2023", f"slug: {EARLIER}").replace(
        "date: 2023-02-10", "date: 2022-10-07"
    )
    assert earlier != text
    (tmp_path / "earlier.yaml").write_text(earlier, "utf-8")
    return tmp_path / "event.yaml", tmp_path / "earlier.yaml"


def write(path: Path, *rows: str) -> Path:
    path.write_text("\n".join(("event,person,session", *rows)) + "\n", "utf-8")
    return path


ROWS = (
    "g40-haarlem-2023,alkmaar-burgemeester,thema-veiligheid",
    "g40-haarlem-2023,alkmaar-wethouder-1,thema-zorg-jeugd-onderwijs",
    "g40-haarlem-2023,alkmaar-wethouder-1,opening-plenair",
    "g40-haarlem-2023,paul-depla,",
    f"{EARLIER},alkmaar-burgemeester,",
    f"{EARLIER},alkmaar-burgemeester,thema-europa",
)


def test_reach_json_counts_people_organisations_and_groups(
    run_cli: RunCli, days: tuple[Path, Path], tmp_path: Path
) -> None:
    haarlem, earlier = days
    csv = write(tmp_path / "aanwezig.csv", *ROWS)
    result = run_cli("reach", str(haarlem), str(earlier), "--attendance", str(csv), "--json")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert [(e["id"], e["date"], e["people"], e["organisations"]) for e in found["events"]] == [
        (EARLIER, "2022-10-07", 1, 1),
        ("g40-haarlem-2023", "2023-02-10", 3, 2),
    ]
    assert found["organisations"]["alkmaar"] == {"people": 2, "events": 2, "days_present_of_last": [2, 2]}
    assert found["organisations"]["breda"]["people"] == 1
    assert found["organisations"]["breda"]["events"] == 1
    assert found["organisations"]["delft"]["events"] == 0
    network = load_event(haarlem).network
    for group, expected_reached in (
        ("veiligheid", 1),
        ("europa", 1),
        ("zorg-jeugd-onderwijs", 1),
        ("duurzaamheid", 0),
    ):
        members = sum(1 for p in network.people if group in p.groups)
        assert found["groups"][group]["members"] == members
        assert found["groups"][group]["reached"] == expected_reached
    assert found["events"][1]["newcomers"] == 2
    assert found["events"][1]["returners"] == 1
    assert "delft" in found["not_reached"]["organisations"]
    assert "alkmaar" not in found["not_reached"]["organisations"]


def test_reach_reports_every_wrong_row_with_line_and_column(
    run_cli: RunCli, days: tuple[Path, Path], tmp_path: Path
) -> None:
    haarlem, _ = days
    csv = write(
        tmp_path / "fout.csv",
        "g40-haarlem-2023,alkmaar-burgemeester,",
        "g40-haarlem-2023,niemand,",
        "g40-haarlem-2023,alkmaar-burgemeester,geen-sessie",
        "andere-dag,alkmaar-burgemeester,",
    )
    out = tmp_path / "uit"
    result = run_cli("reach", str(haarlem), "--attendance", str(csv), "--out", str(out))
    assert result.returncode == 1
    assert f"{csv}:3:2" in result.stderr
    assert "niemand" in result.stderr
    assert f"{csv}:4:3" in result.stderr
    assert "geen-sessie" in result.stderr
    assert f"{csv}:5:1" in result.stderr
    assert "andere-dag" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_reach_needs_an_attendance_file_and_a_header(
    run_cli: RunCli, days: tuple[Path, Path], tmp_path: Path
) -> None:
    haarlem, _ = days
    result = run_cli("reach", str(haarlem))
    assert result.returncode == 1
    assert "--attendance" in result.stderr
    bad = tmp_path / "kop.csv"
    bad.write_text("dag,persoon\n", "utf-8")
    result = run_cli("reach", str(haarlem), "--attendance", str(bad))
    assert result.returncode == 1
    assert f"{bad}:1:1" in result.stderr


def test_reach_writes_the_figures_every_table_and_the_board_report(
    run_cli: RunCli, days: tuple[Path, Path], tmp_path: Path
) -> None:
    haarlem, earlier = days
    csv = write(tmp_path / "aanwezig.csv", *ROWS)
    out = tmp_path / "uit"
    result = run_cli("reach", str(haarlem), str(earlier), "--attendance", str(csv), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert json.loads((out / "bereik.json").read_text("utf-8"))["events"][0]["id"] == EARLIER
    assert (out / "bereik.pdf").read_bytes().startswith(b"%PDF")
    from openpyxl import load_workbook

    book = load_workbook(out / "bereik.xlsx")
    assert "Organisaties per dag" in book.sheetnames
    assert "2 netwerkdagen van vrijdag 7 oktober 2022 tot vrijdag 10 februari 2023" in result.stdout
    assert "Niet bereikt op de laatste 2 dagen: " in result.stdout
