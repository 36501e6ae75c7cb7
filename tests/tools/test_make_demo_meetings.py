"""The demo's meeting requests and registrations for the Haarlem day are what the generator writes, byte
for byte, and only the fictional population takes part."""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLE = ROOT / "examples" / "g40-haarlem-2023"


def test_the_committed_files_are_what_the_generator_writes() -> None:
    spec = importlib.util.spec_from_file_location(
        "make_demo_meetings", ROOT / "tools" / "make_demo_meetings.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    requests, registrations = module.demo(EXAMPLE, 2023, 60)
    assert requests == (EXAMPLE / "afspraken.csv").read_text("utf-8")
    assert registrations == (EXAMPLE / "inschrijvingen.csv").read_text("utf-8")


def test_only_the_fictional_population_takes_part() -> None:
    population = {p["id"] for p in yaml.safe_load((EXAMPLE / "population.yaml").read_text("utf-8"))["people"]}
    with (EXAMPLE / "afspraken.csv").open(encoding="utf-8") as f:
        people = {row["person"] for row in csv.DictReader(f)}
    assert people
    assert people <= population
