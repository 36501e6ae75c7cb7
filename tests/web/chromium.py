"""Debian's chromium for the browser tests, or a clear skip (a failure under CI, which must run them)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest


def chromium_or_skip() -> tuple[str, ModuleType]:
    """The chromium executable and Playwright's sync API; skips the calling test module without them."""
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    playwright_sync = pytest.importorskip("playwright.sync_api")
    if not Path(executable).exists():
        if os.environ.get("CI"):
            raise RuntimeError("CI needs Debian's chromium for the browser tests: make setup installs it")
        pytest.skip(
            "Debian's chromium is not installed (make setup installs it as root)", allow_module_level=True
        )
    return executable, playwright_sync


@contextmanager
def launched(executable: str, playwright_sync: ModuleType) -> Iterator[Any]:
    """Chromium started headless for a test module's browser fixture, and closed after it."""
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()
