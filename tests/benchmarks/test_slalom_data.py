"""The Slalom benchmark's data and converter: the copied files are the ones the README names (SHA-256),
the 2019 event folder has the survey's people, ranks and sessions and loads, and the author's published
assignment scores the notebook's published optimum with our cost function."""

from __future__ import annotations

import csv
import hashlib
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from netwerkdag.files.load import load_event

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "benchmarks" / "allocation"))

import slalom  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "slalom-symposium"


def readme_sums() -> dict[str, str]:
    """The `| file | sha-256 |` rows of the data folder's README."""
    rows = re.findall(r"^\| `([^`]+)` \| `([0-9a-f]{64})` \|", (DATA / "README.md").read_text(), re.MULTILINE)
    return dict(rows)


def test_slalom_files_match_readme_sha256() -> None:
    sums = readme_sums()

    actual = {name: hashlib.sha256((DATA / name).read_bytes()).hexdigest() for name in sums}

    assert sorted(sums) == sorted(p.name for p in DATA.iterdir() if p.name != "README.md")
    assert actual == sums


@pytest.fixture(scope="module")
def event_2019(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return slalom.convert(2019, tmp_path_factory.mktemp("slalom") / "2019")


def test_convert_2019_people_each_rank_7_topics(event_2019: Path) -> None:
    with (event_2019.parent / "preferences.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))

    per_person = Counter(row["person"] for row in rows)
    topics = {row["choice"] for row in rows}

    assert len(per_person) == 578
    assert set(per_person.values()) == {7}
    assert len(topics) == 7
    assert {int(row["rank"]) for row in rows} == {1, 2, 3, 4, 5, 6, 7}
    # p0 ranks all seven; the notebook's fill gives an empty row (p259 ranks only one topic) the next rank.
    assert sorted(int(row["rank"]) for row in rows if row["person"] == "p0") == [1, 2, 3, 4, 5, 6, 7]
    assert sorted(int(row["rank"]) for row in rows if row["person"] == "p259") == [1, 2, 2, 2, 2, 2, 2]


def test_convert_2019_event_loads_with_21_topic_sessions(event_2019: Path) -> None:
    event = load_event(event_2019)

    rounds = {(s.topic, s.block) for s in event.sessions}
    seats = {s.topic: event.room(s.room).capacity for s in event.sessions if s.room}

    assert len(event.sessions) == 21
    assert len(rounds) == 21
    # The notebook's caps, for the topic names sorted as Python sorts them ('[' after the letters).
    assert seats == {
        "cloud-enablement-201": 85,
        "design-thinking-for-experience-service-design": 85,
        "internet-of-things": 85,
        "intro-to-ai-and-ml": 85,
        "modern-culture-of-data": 90,
        "robotic-process-automation-rpa": 80,
        "design-thinking-lean-agile": 75,
    }


def test_published_2019_scores_notebook_optimum_and_is_valid() -> None:
    scored = slalom.published(2019)

    assert scored["notebook"]["cost"] == 0
    assert scored["notebook"]["valid"] is True
    assert scored["notebook"]["empty_rounds"] == 0
    assert scored["notebook"]["people"] == 578
