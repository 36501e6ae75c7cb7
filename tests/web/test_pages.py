"""Every page as people meet it, in a real browser (Debian's chromium), on a desktop and a phone, in Dutch
and English: no text over text, no interface word of the other language, no WCAG 2.1 A/AA violation
(tests/web/page_checks.py), nothing wider than the screen; and times in the event's time zone.

With NETWERKDAG_SCREENSHOTS=docs/img each page is kept as docs/img/pages/<page>-<desktop|phone>-<nl|en>.jpg
(the documentation's pictures; look at them after a change: a picture finds what the checks miss).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from tests.web.chromium import chromium_or_skip, launched
from tests.web.live import LiveServer, live_server
from tests.web.smtp import Sink

CHROMIUM, playwright_sync = chromium_or_skip()

from tests.web.page_checks import check_page  # noqa: E402 - axe needs playwright

PASSWORD = "een-lang-wachtwoord-voor-de-test"  # noqa: S105 - a throwaway account of a throwaway server
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
EVENT = "g40-haarlem-2023"
#: The last of the demo's earlier days: its evaluation is open and its reach is counted.
LAST_HISTORY_DAY = "g40-nijmegen-2022"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A server with the Haarlem day as organisers meet it: the network invited, some answers, a
    scheduler run done by a worker, a set-password link; and an invitee who registered."""
    # The history's days ended years ago: a long retention keeps the worker's daily forget off them.
    with (
        Sink() as sink,
        live_server(
            tmp_path_factory.mktemp("pages"), **sink.env(), NETWERKDAG_RETENTION_DAYS="3660"
        ) as server,
    ):
        tokens = json.loads(server.run("setup", "pijler-sociaal", "40", "2", "3"))["tokens"]
        server.run("organiser", "olga", PASSWORD)
        server.run("full-day", "olga")
        feedback_token = json.loads(server.run("history", "olga"))["token"]
        add = ["organiser", "add", "mede@example.invalid", "--print-link"]
        link = subprocess.run(
            [sys.executable, "-m", "netwerkdag.cli", *add],
            env=server.env, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        worker = server.worker()
        try:
            yield {
                "server": server,
                "tokens": tokens,
                "feedback_token": feedback_token,
                "password_link": _path(link),
                "worker": worker,
            }
        finally:
            worker.terminate()
            worker.wait(timeout=60)


def _path(text: str) -> str:
    found = re.search(r"https?://[^/\s]+(/organisatie/wachtwoord/\S+/)", text)
    assert found, text
    return found.group(1)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched(CHROMIUM, playwright_sync) as instance:
        yield instance


@pytest.fixture(scope="module")
def organiser_state(site: dict[str, Any], browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Olga's logged-in browser state, and a scheduler run of hers that has finished."""
    server: LiveServer = site["server"]
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url + "/organisatie/login/")
    page.fill("#id_username", "olga")
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.goto(f"{server.url}/organisatie/{EVENT}/schedule/")
    page.locator("button.primary").first.click()  # save the choices (none changed) and run
    deadline = time.monotonic() + 120
    while "/schedule/" not in page.url or page.locator("progress").count():
        if time.monotonic() > deadline:
            raise AssertionError("the scheduler run did not finish")
        time.sleep(1)
        try:
            page.reload()
        except playwright_sync.Error:  # the run page refreshed itself at the same moment; look again
            continue
    site["run_page"] = page.url.removeprefix(server.url)
    state = tmp_path_factory.mktemp("state") / "olga.json"
    context.storage_state(path=str(state))
    context.close()
    return state


def _pages(site: dict[str, Any]) -> dict[str, tuple[str, bool]]:
    """Every page: (address, whether it needs the organiser's log-in)."""
    token = site["tokens"][0]
    return {
        "home": ("/", False),
        "programme": (f"/{EVENT}/", False),
        "session": (f"/{EVENT}/sessie/thema-woningmarkt/", False),
        "invitee-form": (f"/uitnodiging/{token}/", False),
        "unknown-link": ("/uitnodiging/bestaat-niet/", False),
        "login": ("/organisatie/login/", False),
        "set-password": (site["password_link"], False),
        "my-events": ("/organisatie/", True),
        "event": (f"/organisatie/{EVENT}/", True),
        "invitees": (f"/organisatie/{EVENT}/invitees/", True),
        "check-in": (f"/organisatie/{EVENT}/check-in/", True),
        "sessions": (f"/organisatie/{EVENT}/sessions/", True),
        "scheduler": (f"/organisatie/{EVENT}/schedule/", True),
        "scheduler-run": (site.get("run_page", ""), True),
        "new-day": ("/organisatie/new/day/", True),
        "event-file": (f"/organisatie/{EVENT}/event-file/", True),
        "feedback-form": (f"/uitnodiging/{site['feedback_token']}/", False),
        "reach": ("/organisatie/bereik/", True),
        "reach-day": (f"/organisatie/{LAST_HISTORY_DAY}/bereik/", True),
        "event-after": (f"/organisatie/{LAST_HISTORY_DAY}/", True),
    }


PAGES = [
    "home", "programme", "session", "invitee-form", "unknown-link", "login", "set-password", "my-events",
    "event", "invitees", "check-in", "sessions", "scheduler", "scheduler-run", "new-day", "event-file",
    "feedback-form", "reach", "reach-day", "event-after",
]  # fmt: skip


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("name", PAGES)
def test_the_page_reads_well(
    name: str, viewport: str, lang: str, site: dict[str, Any], browser: Any, organiser_state: Path
) -> None:
    server: LiveServer = site["server"]
    path, logged_in = _pages(site)[name]
    context = browser.new_context(
        viewport=VIEWPORTS[viewport],
        storage_state=str(organiser_state) if logged_in else None,
        # A reader's browser in the page's language: date fields show "06-01-2027 11:24" on a Dutch one.
        locale="nl-NL" if lang == "nl" else "en-GB",
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{server.url}{path}{'&' if '?' in path else '?'}lang={lang}")
    assert page.evaluate("document.documentElement.lang") == lang
    problems = check_page(page)
    problems["wider than the screen"] = (
        []
        if page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
        else [path]
    )
    problems["console"] = [e for e in errors if "404" not in e]
    target = os.environ.get("NETWERKDAG_SCREENSHOTS")
    if target:
        folder = Path(target) / "pages"
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}-{viewport}-{lang}.jpg"), full_page=True, quality=70)
    context.close()
    assert {k: v for k, v in problems.items() if v} == {}, path


def test_times_are_in_the_events_time_zone(site: dict[str, Any], browser: Any, organiser_state: Path) -> None:
    """The event page says when the programme was published in Amsterdam's time, not the server's UTC
    (501b07a showed '05:19' beside a deadline field in local time, 06:19)."""
    server: LiveServer = site["server"]
    context = browser.new_context(storage_state=str(organiser_state))
    page = context.new_page()
    page.goto(f"{server.url}/organisatie/{EVENT}/")
    text = page.locator("main").inner_text()
    context.close()
    published = re.search(r"[Gg]epubliceerd[^\n]*?(\d{1,2})[.:](\d{2})", text)
    assert published, text[:800]
    shown = int(published.group(1)) * 60 + int(published.group(2))
    now = datetime.now(ZoneInfo("Europe/Amsterdam"))
    local = now.hour * 60 + now.minute
    utc = datetime.now(ZoneInfo("UTC"))
    assert abs(shown - local) <= 15 or abs(shown - local) >= 24 * 60 - 15  # published minutes ago
    if now.utcoffset() != utc.utcoffset():
        assert shown != utc.hour * 60 + utc.minute
