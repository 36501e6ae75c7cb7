"""The demo's preferences for the Haarlem day: the committed file is what the generator writes, byte for
byte; only the fictional population ranks; and `netwerkdag allocate` proves every stage on it (seats are
short there: the pillar meetings and some theme groups draw more people than their rooms hold)."""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from tests.conftest import RunCli

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLE = ROOT / "examples" / "g40-haarlem-2023"


def test_the_committed_preferences_are_what_the_generator_writes() -> None:
    spec = importlib.util.spec_from_file_location(
        "make_demo_preferences", ROOT / "tools" / "make_demo_preferences.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    assert module.preferences(EXAMPLE, 2023) == (EXAMPLE / "voorkeuren.csv").read_text("utf-8")


def test_only_the_fictional_population_ranks() -> None:
    population = {p["id"] for p in yaml.safe_load((EXAMPLE / "population.yaml").read_text("utf-8"))["people"]}
    with (EXAMPLE / "voorkeuren.csv").open(encoding="utf-8") as f:
        people = {row["person"] for row in csv.DictReader(f)}
    assert people
    assert people <= population


def test_allocate_proves_every_stage_on_the_example(run_cli: RunCli, tmp_path: Path) -> None:
    report = tmp_path / "verslag.json"
    result = run_cli(
        "allocate",
        str(EXAMPLE),
        "--preferences",
        str(EXAMPLE / "voorkeuren.csv"),
        "--lottery-seed",
        "2023",
        "--time-limit",
        "60",
        "--report",
        str(report),
        "--json",
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(report.read_text("utf-8"))
    assert found["status"] == "optimal"
    assert [s["measure"] for s in found["stages"]] == [
        "seats",
        "rank-cost",
        "organisations-per-session",
        "lottery",
    ]
    assert all(s["proven"] for s in found["stages"])
    assert found["unassigned"] > 0  # seats are short: the fairness and the lottery have work to do
    assert found["waiting_lists"]
