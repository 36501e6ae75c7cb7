"""Shared fixtures: the bundled Haarlem example and the frab schemas from ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from netwerkdag.core.event import Event
from netwerkdag.files.load import load_event

ROOT = Path(__file__).resolve().parent.parent
HAARLEM = ROOT / "examples" / "g40-haarlem-2023"
SHARED = ROOT.parent / "shared"
FRAB_DIR = SHARED / "formats" / "frab"


@pytest.fixture(scope="session")
def haarlem_path() -> Path:
    return HAARLEM


@pytest.fixture(scope="session")
def haarlem() -> Event:
    return load_event(HAARLEM)


@pytest.fixture(scope="session")
def frab_dir() -> Path:
    if not FRAB_DIR.is_dir():
        pytest.fail(f"the frab schemas are missing: expected {FRAB_DIR} (shared/ beside the checkout)")
    return FRAB_DIR
