"""The allocation mode as people meet it, in a real browser against a real server and worker: three
invitees rank their sessions, the deadline passes, the organiser allocates, a worker gives the seats and
mails everyone, the report and the waiting lists are on the organiser's page, and each invitee sees their
seats (and the one who lost the lottery their place on the waiting list). The ranking page and the
organiser's page are checked (tests/web/page_checks.py: no overlapping text, no word of the other
language, axe WCAG 2.1 A/AA, nothing wider than the screen) on a desktop and a phone, in Dutch and
English. Screenshots go to NETWERKDAG_SCREENSHOTS/allocation when that is set.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import pytest
from tests.web.chromium import chromium_or_skip, launched
from tests.web.live import LiveServer, live_server
from tests.web.smtp import Sink

CHROMIUM, playwright_sync = chromium_or_skip()

from tests.web.page_checks import check_page  # noqa: E402 - axe needs playwright

PASSWORD = "een-lang-wachtwoord-voor-de-test"  # noqa: S105 - a throwaway account of a throwaway server
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
EVENT = "g40-haarlem-2023"
ZORG, KETEN, SOCIAAL = "thema-zorg-jeugd-onderwijs", "thema-sterke-keten", "pijler-sociaal"
#: What each of the three invitees ranks: the first two want ZORG (one seat) most, the third KETEN (one
#: seat); so one of the first two gets nothing in round 3 and waits for ZORG.
RANKS = [{SOCIAAL: "1", ZORG: "1", KETEN: "2"}, {SOCIAAL: "1", ZORG: "1", KETEN: "2"}, {KETEN: "1"}]

_DJANGO = """
import sys, django
django.setup()
from datetime import timedelta
from django.utils import timezone
from netwerkdag.web import models
from netwerkdag.web.services import allocation
event = models.Event.objects.get(slug="g40-haarlem-2023")
if sys.argv[1] == "mode":
    for session in ("thema-zorg-jeugd-onderwijs", "thema-sterke-keten"):
        models.Seats.objects.filter(event=event, session_id=session).update(capacity=1)
    allocation.save_settings(event, allocation.Settings(
        "allocation", timezone.now() + timedelta(days=1), (), False, 2026))
else:
    models.Event.objects.filter(pk=event.pk).update(ranking_deadline=timezone.now() - timedelta(minutes=1))
"""


def _django(server: LiveServer, what: str) -> None:
    """Change the server's database as the organiser's settings would (in a process of its own)."""
    subprocess.run([sys.executable, "-c", _DJANGO, what], env=server.env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with Sink() as sink, live_server(tmp_path_factory.mktemp("allocation"), **sink.env()) as server:
        tokens = json.loads(server.run("setup", SOCIAAL, "40", "0", "3"))["tokens"]
        server.run("organiser", "olga", PASSWORD)
        _django(server, "mode")
        yield {"server": server, "tokens": tokens, "sink": sink}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched(CHROMIUM, playwright_sync) as instance:
        yield instance


def _problems(page: Any, viewport: str) -> dict[str, list[str]]:
    problems = check_page(page)
    wide = page.evaluate("document.documentElement.scrollWidth") > VIEWPORTS[viewport]["width"]
    problems["wider than the screen"] = [page.url] if wide else []
    return {k: v for k, v in problems.items() if v}


def _shoot(page: Any, name: str) -> None:
    target = os.environ.get("NETWERKDAG_SCREENSHOTS")
    if target:
        folder = Path(target) / "allocation"
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.jpg"), full_page=True, type="jpeg", quality=70)


def _check_everywhere(browser: Any, url: str, name: str, state: str | None = None) -> None:
    for viewport in VIEWPORTS:
        for lang in ("nl", "en"):
            context = browser.new_context(
                viewport=VIEWPORTS[viewport],
                storage_state=state,
                locale="nl-NL" if lang == "nl" else "en-GB",
            )
            page = context.new_page()
            page.goto(f"{url}?lang={lang}")
            assert page.evaluate("document.documentElement.lang") == lang
            problems = _problems(page, viewport)
            _shoot(page, f"{name}-{viewport}-{lang}")
            context.close()
            assert problems == {}, (name, viewport, lang)


def test_rank_allocate_and_see_the_seats(
    site: dict[str, Any], browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    server: LiveServer = site["server"]
    tokens: list[str] = site["tokens"]

    # Three invitees rank, each on their own page; the first page is checked as people meet it.
    for token, ranks in zip(tokens, RANKS, strict=True):
        context = browser.new_context(locale="nl-NL")
        page = context.new_page()
        page.goto(f"{server.url}/uitnodiging/{token}/")
        if token == tokens[0]:  # the registration page before the allocation: no seat to take there
            assert page.locator('input[name="ronde-1"]').count() == 0
            assert _problems(page, "desktop") == {}
            _shoot(page, "invitee-before-desktop-nl")
        page.get_by_role("link", name="Geef uw voorkeuren op").click()
        for choice, rank in ranks.items():
            page.select_option(f"#rank-{choice}", rank)
        page.get_by_role("button", name="Mijn voorkeuren opslaan").click()
        assert "Uw voorkeuren zijn opgeslagen" in page.locator("main").inner_text()
        context.close()
    _check_everywhere(browser, f"{server.url}/uitnodiging/{tokens[0]}/voorkeuren/", "ranking")

    # The deadline passes; the organiser allocates.
    _django(server, "deadline")
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    page.goto(server.url + "/organisatie/login/")
    page.fill("#id_username", "olga")
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.goto(f"{server.url}/organisatie/{EVENT}/")
    page.get_by_role("link", name="Toewijzing van de plaatsen").click()
    assert "3 mensen hebben voorkeuren opgegeven" in page.locator("main").inner_text()
    page.check("#allocate_confirm")
    page.get_by_role("button", name="Nu toewijzen").click()
    assert "wacht op een worker" in page.locator("main").inner_text()
    worker = server.worker()
    try:
        deadline = time.monotonic() + 120
        while "Verslag" not in page.locator("main").inner_text():
            assert time.monotonic() < deadline, "the allocation did not finish"
            time.sleep(1)
            page.reload()
        text = page.locator("main").inner_text()
        assert "optimaal" in text
        assert "2026" in text
        assert "Gast 0" in text
        assert "Gast 2" in text
        state = str(tmp_path_factory.mktemp("state") / "olga.json")
        context.storage_state(path=state)
        context.close()
        _check_everywhere(browser, f"{server.url}/organisatie/{EVENT}/toewijzing/", "organiser", state)

        # Everyone is mailed their programme.
        received = site["sink"].wait_for(3)
        subjects = {str(make_header(decode_header(r.message["Subject"]))) for r in received}
        assert subjects == {"Uw plaatsen: Bestuurlijke netwerkdag"}
    finally:
        worker.terminate()
        worker.wait(timeout=60)

    # Each invitee sees their seats; one of the first two waits for ZORG as number 1.
    texts = []
    for token in tokens:
        context = browser.new_context(locale="nl-NL")
        page = context.new_page()
        page.goto(f"{server.url}/uitnodiging/{token}/")
        texts.append(page.locator("main").inner_text())
        if "Wachtlijst: u bent nummer 1." in texts[-1]:
            _shoot(page, "invitee-after-nl")
        context.close()
    waiting = [n for n, text in enumerate(texts) if "Wachtlijst: u bent nummer 1." in text]
    assert len(waiting) == 1
    assert waiting[0] in (0, 1)
    assert all("uw keuze" in text for text in texts)
