"""The placement of meetings as people meet it, in a real browser against a real server and worker: the
organiser opens the networking tables from the event's page, places the accepted meetings, a worker places
them, the table plan and its printable sign show them, and a person sees their meeting (table, time, the
other person, the subject) in their programme. The organiser's page, the sign and the person's page are
checked (tests/web/page_checks.py: no overlapping text, no word of the other language, axe WCAG 2.1 A/AA,
nothing wider than the screen) on a desktop and a phone, in Dutch and English. Screenshots go to
NETWERKDAG_SCREENSHOTS/networking when that is set. Requests and answers are made through the models
(the pages where people ask and answer are tested with services/networking.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.web.chromium import chromium_or_skip, launched
from tests.web.live import LiveServer, live_server

CHROMIUM, playwright_sync = chromium_or_skip()

from tests.web.page_checks import check_page  # noqa: E402 - axe needs playwright

pytestmark = pytest.mark.xdist_group("test_meetings_browser")

PASSWORD = "een-lang-wachtwoord-voor-de-test"  # noqa: S105 - a throwaway account of a throwaway server
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
EVENT = "g40-haarlem-2023"

#: In the server's environment: the Haarlem day published again with eight tables, four people who come,
#: two accepted meetings; prints the first person's token.
_DJANGO = """
import json, django
django.setup()
import yaml
from django.utils import timezone
from netwerkdag.web import models
from netwerkdag.web.services import invitations, programme, registration
event = models.Event.objects.get(slug="g40-haarlem-2023")
data = yaml.safe_load(event.document)
data["event"]["networking"] = [{
    "id": "netwerktafels", "name": "Netwerktafels in de hal", "tables": 8, "seats": 4,
    "open": [{"start": "09:30", "end": "16:00"}], "step": 15, "transfer": 5,
}]
event.document = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
event.save()
programme.publish(event)
people = [
    models.Invitee.objects.create(
        event=event, name=name, email=f"{name.split()[0].lower()}@example.invalid", attending="yes",
        organisation=organisation,
    )
    for name, organisation in [
        ("Anna de Vries", "Gemeente Almere"), ("Bram Zwolsman", "Gemeente Zwolle"),
        ("Carla Eedman", "Gemeente Ede"), ("Dirk Delftenaar", "Gemeente Delft"),
    ]
]
registration.choose(people[1], "ronde-1", "pijler-sociaal")
for requester, other, subject, minutes in [
    (0, 1, "Woningbouw en de regio", 30), (2, 3, "Energie in de wijk", 15), (2, 0, "Vervolg", 15),
]:
    request = models.MeetingRequest.objects.create(
        event=event, requester=people[requester], subject=subject, minutes=minutes
    )
    models.MeetingAnswer.objects.create(
        request=request, invitee=people[other], answer="accepted", answered_at=timezone.now()
    )
print(json.dumps({"token": invitations.invite(people[0])}))
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with live_server(tmp_path_factory.mktemp("meetings")) as server:
        server.run("setup", "pijler-sociaal", "40", "0", "0")
        server.run("organiser", "olga", PASSWORD)
        result = subprocess.run(
            [sys.executable, "-c", _DJANGO], env=server.env, check=True, capture_output=True, text=True
        )
        yield {"server": server, "token": json.loads(result.stdout)["token"]}


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
        folder = Path(target) / "networking"
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"meetings-{name}.jpg"), full_page=True, type="jpeg", quality=70)


def _check_everywhere(browser: Any, url: str, name: str, state: str | None = None) -> dict[str, str]:
    """The page on a desktop and a phone, in Dutch and English; returns its main text per language."""
    texts = {}
    for viewport in VIEWPORTS:
        for lang in ("nl", "en"):
            context = browser.new_context(
                viewport=VIEWPORTS[viewport], storage_state=state, locale="nl-NL" if lang == "nl" else "en-GB"
            )
            page = context.new_page()
            page.goto(f"{url}?lang={lang}")
            assert page.evaluate("document.documentElement.lang") == lang
            problems = _problems(page, viewport)
            _shoot(page, f"{name}-{viewport}-{lang}")
            texts[lang] = page.locator("main").inner_text()
            context.close()
            assert problems == {}, (name, viewport, lang, problems)
    return texts


def test_place_the_meetings_and_see_them(
    site: dict[str, Any], browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    server: LiveServer = site["server"]
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    page.goto(server.url + "/organisatie/login/")
    page.fill("#id_username", "olga")
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.goto(f"{server.url}/organisatie/{EVENT}/")
    page.get_by_role("link", name="De netwerktafels en hun indeling").click()
    main = page.locator("main")
    assert "Nog geen gesprek geplaatst." in main.inner_text()
    assert _problems(page, "desktop") == {}
    _shoot(page, "organiser-before-desktop-nl")
    page.get_by_role("button", name="Gesprekken plaatsen").click()
    assert "De plaatsing wacht op een worker." in main.inner_text()
    worker = server.worker()
    try:
        deadline = time.monotonic() + 120
        while "Laatst geplaatst op" not in main.inner_text():
            assert time.monotonic() < deadline, "the placement did not finish"
            time.sleep(1)
            page.reload()
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    text = main.inner_text()
    assert "Bewezen: geen enkele plaatsing plaatst meer gesprekken." in text
    plan = page.locator("table.table-plan")
    assert "Anna de Vries, Bram Zwolsman" in plan.inner_text()
    assert "Woningbouw en de regio" in plan.inner_text()  # the organiser sees the subjects
    state = str(tmp_path_factory.mktemp("state") / "olga.json")
    context.storage_state(path=state)
    context.close()

    texts = _check_everywhere(browser, f"{server.url}/organisatie/{EVENT}/netwerktafels/", "organiser", state)
    assert "Tafelindeling" in texts["nl"]
    assert "Table plan" in texts["en"]
    signs = _check_everywhere(
        browser, f"{server.url}/organisatie/{EVENT}/netwerktafels/afdrukken/", "sign", state
    )
    assert "Carla Eedman, Dirk Delftenaar" in signs["nl"]
    assert "Woningbouw" not in signs["nl"]  # no subjects on the sign at the room
    assert "Energie" not in signs["en"]

    # Anna sees both her meetings in her programme, with the table, the other person and the subject.
    mine = _check_everywhere(browser, f"{server.url}/uitnodiging/{site['token']}/", "invitee")
    assert "Gesprek met Bram Zwolsman: Woningbouw en de regio" in mine["nl"]
    assert "Gesprek met Carla Eedman: Vervolg" in mine["nl"]
    assert "Netwerktafels in de hal, Tafel " in mine["nl"]
    assert "Meeting with Bram Zwolsman: Woningbouw en de regio" in mine["en"]
