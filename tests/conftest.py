"""Shared fixtures: the bundled Haarlem example and the frab schemas (tests/data/frab)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

# The web app's settings read these before Django starts (pytest-django starts it after this file):
# each test process gets a data directory of its own, never the repository's.
os.environ.setdefault("NETWERKDAG_DATA_DIR", tempfile.mkdtemp(prefix="netwerkdag-test-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netwerkdag.web.settings")
import django

django.setup()

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

from netwerkdag.core.event import Event  # noqa: E402
from netwerkdag.files.load import load_event  # noqa: E402

# In CI, property tests draw the same examples every run, so that a red run is about the change under
# test and can be reproduced; locally they explore new examples each time.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
HAARLEM = ROOT / "examples" / "g40-haarlem-2023"
FRAB_DIR = ROOT / "tests" / "data" / "frab"


@pytest.fixture(scope="session")
def haarlem_path() -> Path:
    return HAARLEM


@pytest.fixture(scope="session")
def haarlem() -> Event:
    return load_event(HAARLEM)


@pytest.fixture(scope="session")
def frab_dir() -> Path:
    return FRAB_DIR


RunCli = Callable[..., "subprocess.CompletedProcess[str]"]


def _run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m netwerkdag.cli`` as a user would, without colours, and capture its output."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "CLICOLOR_FORCE", "TTY_COMPATIBLE")
    }
    env.update({"NO_COLOR": "1", "PYTHONIOENCODING": "utf-8", "COLUMNS": "80"})
    return subprocess.run(
        [sys.executable, "-m", "netwerkdag.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="session")
def run_cli() -> RunCli:
    """The netwerkdag command in a subprocess: ``run_cli("validate", path, cwd=...)``."""
    return _run_cli


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The modules that run whole in one worker (`xdist_group`: the browser tests with their live servers)
    first, so that `-n 2 --dist loadgroup` hands them out at the start and the two workers share the many
    small tests after them and end together (collected last, they left one worker alone for minutes)."""
    items.sort(key=lambda item: item.get_closest_marker("xdist_group") is None)
