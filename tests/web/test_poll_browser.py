"""The interest poll in a real browser (Debian's chromium): the organiser opens it, a person ranks and
saves, the organiser sees the demand; both pages, and the registration page that invites to the poll,
on a desktop and a phone, in Dutch and English, with no text over text, no word of the other language,
no WCAG 2.1 A/AA violation (tests/web/page_checks.py) and nothing wider than the screen.

With NETWERKDAG_SCREENSHOTS=<folder> each page is kept as <folder>/pages/poll-<page>-<viewport>-<lang>.jpg.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from tests.web.chromium import chromium_or_skip, launched
from tests.web.live import LiveServer, live_server

CHROMIUM, playwright_sync = chromium_or_skip()
# One worker runs this module (make test: --dist loadgroup): its live server and browser are set up once.
pytestmark = pytest.mark.xdist_group("test_poll_browser")

from tests.web.page_checks import check_page  # noqa: E402 - axe needs playwright

PASSWORD = "een-lang-wachtwoord-voor-de-test"  # noqa: S105 - a throwaway account of a throwaway server
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
EVENT = "g40-haarlem-2023"

#: The Haarlem day (2023) moved two months ahead: a poll closes before its day starts.
LATER = """
from datetime import timedelta
from django.utils import timezone
import django
django.setup()
from netwerkdag.web import models
event = models.Event.objects.get(slug="g40-haarlem-2023")
event.starts_at = timezone.now() + timedelta(days=60)
event.ends_at = event.starts_at + timedelta(hours=8)
event.save()
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with live_server(tmp_path_factory.mktemp("poll")) as server:
        import json

        tokens = json.loads(server.run("setup", "pijler-sociaal", "40", "0", "1"))["tokens"]
        server.run("organiser", "olga", PASSWORD)
        subprocess.run([sys.executable, "-c", LATER], env=server.env, check=True, capture_output=True)
        yield {"server": server, "token": tokens[0]}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched(CHROMIUM, playwright_sync) as instance:
        yield instance


@pytest.fixture(scope="module")
def answered(site: dict[str, Any], browser: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The organiser opens the poll in the browser; the person ranks two sessions, unticks a round and
    saves; what each saw is kept for the test below. Returns the organiser's logged-in state too."""
    server: LiveServer = site["server"]
    seen: dict[str, Any] = {}
    organiser = browser.new_context()
    page = organiser.new_page()
    page.goto(server.url + "/organisatie/login/")
    page.fill("#id_username", "olga")
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.goto(f"{server.url}/organisatie/{EVENT}/peiling/")
    closes = datetime.now(ZoneInfo("Europe/Amsterdam")) + timedelta(days=7)
    page.fill("#closes_at", closes.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Open de peiling").click()
    seen["opened"] = page.locator(".poll-state").inner_text()
    state = tmp_path_factory.mktemp("state") / "olga.json"
    organiser.storage_state(path=str(state))

    person = browser.new_context()
    form = person.new_page()
    form.goto(f"{server.url}/uitnodiging/{site['token']}/peiling/")
    # By the accessible names of the fields: the session's title, the round's label.
    form.get_by_label("Veiligheid", exact=True).select_option("1")
    form.get_by_label("Europa", exact=True).select_option("want")
    form.get_by_label("Duurzaamheid", exact=True).select_option("2")
    form.get_by_label("Ronde 1", exact=False).uncheck()
    form.get_by_role("button", name="Mijn antwoord opslaan").click()
    seen["saved"] = form.locator(".notices").inner_text()
    seen["kept"] = {
        name: form.locator(f"#rank-{name}").input_value()
        for name in ("thema-veiligheid", "thema-europa", "thema-duurzaamheid", "pijler-sociaal")
    }
    seen["round-1"] = form.locator("#part-ronde-1").is_checked()
    person.close()

    page.goto(f"{server.url}/organisatie/{EVENT}/peiling/")
    seen["demand"] = [
        [cell.inner_text().strip() for cell in row.locator("th, td").all()]
        for row in page.locator("table.poll-demand tbody tr").all()[:3]
    ]
    organiser.close()
    return {"state": state, "seen": seen}


def test_the_person_ranks_and_saves_and_the_organiser_sees_the_demand(answered: dict[str, Any]) -> None:
    seen = answered["seen"]
    assert "De peiling is open tot" in seen["opened"]
    assert "Uw antwoord is opgeslagen" in seen["saved"]
    assert seen["kept"] == {
        "thema-veiligheid": "1",
        "thema-europa": "want",
        "thema-duurzaamheid": "2",
        "pijler-sociaal": "",
    }
    assert seen["round-1"] is False
    # Most wanted first: rank 1 weighs 8, rank 2 weighs 7, "I want to" 3; the seats of their rooms.
    veiligheid, duurzaamheid, europa = seen["demand"]
    assert veiligheid[0] == "Veiligheid"
    assert veiligheid[1:] == ["1", "1", "0", "0", "0", "0", "8", "30", "1"]
    assert duurzaamheid[0] == "Duurzaamheid"
    assert duurzaamheid[7:9] == ["7", "30"]
    assert europa[0] == "Europa"
    assert europa[6:9] == ["1", "3", "40"]


#: The poll's pages, and the registration page while it invites to the open poll.
PAGES = {
    "poll": "/uitnodiging/{token}/peiling/",
    "organiser-poll": f"/organisatie/{EVENT}/peiling/",
    "registration": "/uitnodiging/{token}/",
}


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_poll_pages_read_well(
    name: str, viewport: str, lang: str, site: dict[str, Any], browser: Any, answered: dict[str, Any]
) -> None:
    server: LiveServer = site["server"]
    path = PAGES[name].format(token=site["token"])
    context = browser.new_context(
        viewport=VIEWPORTS[viewport],
        storage_state=str(answered["state"]) if name == "organiser-poll" else None,
        locale="nl-NL" if lang == "nl" else "en-GB",
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{server.url}{path}?lang={lang}")
    assert page.evaluate("document.documentElement.lang") == lang
    if name == "poll":
        page.locator("details.about").first.locator("summary").click()  # a description opened, too
    if name == "registration":
        assert page.locator(".poll-invite a").count() == 1
    problems = check_page(page)
    problems["wider than the screen"] = (
        []
        if page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
        else [path]
    )
    problems["console"] = errors
    target = os.environ.get("NETWERKDAG_SCREENSHOTS")
    if target:
        folder = Path(target) / "pages"
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"poll-{name}-{viewport}-{lang}.jpg"), full_page=True, quality=70)
    context.close()
    assert {k: v for k, v in problems.items() if v} == {}, path
