"""The whole flows in a real browser (Playwright driving Debian's chromium) against a real server, and
axe-core on every public and invitee page: no WCAG 2.1 A or AA violation.

Set NETWERKDAG_SCREENSHOTS=docs/img to write the screenshots of the flows into the documentation.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.web.chromium import chromium_or_skip, launched
from tests.web.live import LiveServer, live_server

CHROMIUM, playwright_sync = chromium_or_skip()
# One worker runs this module (make test: --dist loadgroup): its live server and browser are set up once.
pytestmark = pytest.mark.xdist_group("test_browser")
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

from axe_playwright_python.sync_playwright import Axe  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, list[str]]]:
    with live_server(tmp_path_factory.mktemp("browser")) as live:
        setup = json.loads(live.run("setup", "pijler-sociaal", "3", "2", "3"))
        live.run("organiser", "olga", "een-lang-wachtwoord-voor-de-test")
        yield live, setup["tokens"]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with launched(CHROMIUM, playwright_sync) as instance:
        yield instance


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    # A CSP refusal or a script error shows in the console; a missing style sheet or icon as a failed
    # response. The page itself may answer 404 or 409 on purpose (the browser logs that too).
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.request.resource_type != "document"
            else None
        ),
    )
    yield page
    context.close()
    assert errors == []


def shoot(page: object, name: str, *, full_page: bool = True) -> None:
    target = os.environ.get("NETWERKDAG_SCREENSHOTS")
    if target:
        page.screenshot(path=str(Path(target) / name), full_page=full_page)  # type: ignore[attr-defined]


def no_violations(page: object) -> None:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    described = [
        f"{v['id']}: {v['help']} ({', '.join(str(n['target']) for n in v['nodes'][:3])})"
        for v in results.response["violations"]
    ]
    assert described == [], page.url  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "path",
    ["/", "/g40-haarlem-2023/", "/g40-haarlem-2023/sessie/thema-woningmarkt/", "/g40-haarlem-2023/?lang=en"],
)
def test_public_pages_meet_wcag_aa(server: tuple[LiveServer, list[str]], page: object, path: str) -> None:
    live, _ = server
    page.goto(live.url + path)  # type: ignore[attr-defined]
    no_violations(page)


def test_public_page_on_a_phone(server: tuple[LiveServer, list[str]], browser: object) -> None:
    live, _ = server
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(live.url + "/g40-haarlem-2023/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing sticks out sideways
    no_violations(page)
    shoot(page, "web-programme-mobile.png", full_page=False)
    context.close()


def test_the_invitee_flow(server: tuple[LiveServer, list[str]], page: object) -> None:
    live, tokens = server
    page.goto(f"{live.url}/uitnodiging/{tokens[0]}/")  # type: ignore[attr-defined]
    no_violations(page)
    page.get_by_label("Ja, ik kom").check()  # type: ignore[attr-defined]
    page.get_by_label("Pijlerbijeenkomst Fysiek").check()  # type: ignore[attr-defined]
    page.get_by_label("Woningmarkt").check()  # type: ignore[attr-defined]
    page.get_by_label("Lunch").check()  # type: ignore[attr-defined]
    page.get_by_label("Dieetwensen").fill("vegetarisch")  # type: ignore[attr-defined]
    page.get_by_label("Ik stem ermee in", exact=False).check()  # type: ignore[attr-defined]
    shoot(page, "web-invitee-form.png")
    page.get_by_role("button", name="Mijn inschrijving opslaan").click()  # type: ignore[attr-defined]

    status = page.get_by_role("status")  # type: ignore[attr-defined]
    assert "Uw inschrijving is opgeslagen" in status.inner_text()
    programme = page.locator(".my-programme").inner_text()  # type: ignore[attr-defined]
    assert "Pijlerbijeenkomst Fysiek" in programme
    assert "Woningmarkt" in programme
    no_violations(page)
    shoot(page, "web-invitee-saved.png")
    with page.expect_download() as download:  # type: ignore[attr-defined]
        page.get_by_role("link", name="Zet in mijn agenda (.ics)").click()  # type: ignore[attr-defined]
    assert Path(download.value.path()).read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_a_full_session_and_its_waiting_list(server: tuple[LiveServer, list[str]], page: object) -> None:
    live, tokens = server
    # Three seats, two held by the set-up: a third person takes the last (the tests share one server and
    # may run in any order, so this test makes the session full itself).
    page.goto(f"{live.url}/uitnodiging/{tokens[2]}/")  # type: ignore[attr-defined]
    page.get_by_label("Pijlerbijeenkomst Sociaal").check()  # type: ignore[attr-defined]
    page.get_by_role("button", name="Mijn inschrijving opslaan").click()  # type: ignore[attr-defined]
    assert "Uw inschrijving is opgeslagen" in page.get_by_role("status").inner_text()  # type: ignore[attr-defined]
    page.goto(f"{live.url}/uitnodiging/{tokens[1]}/")  # type: ignore[attr-defined]
    assert "vol" in page.locator("fieldset.slot").first.inner_text()  # type: ignore[attr-defined]
    page.get_by_label("Pijlerbijeenkomst Sociaal").check()  # type: ignore[attr-defined]
    page.get_by_role("button", name="Mijn inschrijving opslaan").click()  # type: ignore[attr-defined]
    assert "is vol" in page.get_by_role("alert").inner_text()  # type: ignore[attr-defined]
    no_violations(page)
    page.get_by_role("button", name="Op de wachtlijst").click()  # type: ignore[attr-defined]
    assert "U staat op de wachtlijst" in page.get_by_role("status").inner_text()  # type: ignore[attr-defined]
    assert "u bent nummer 1" in page.content()  # type: ignore[attr-defined]


def test_unknown_link_page(server: tuple[LiveServer, list[str]], page: object) -> None:
    live, _ = server
    page.goto(f"{live.url}/uitnodiging/bestaat-niet/")  # type: ignore[attr-defined]
    assert "niet geldig" in page.content()  # type: ignore[attr-defined]
    no_violations(page)


def test_the_organiser_flow(server: tuple[LiveServer, list[str]], page: object) -> None:
    live, _ = server
    page.goto(live.url + "/organisatie/")  # type: ignore[attr-defined]
    page.get_by_label("Gebruikersnaam").fill("olga")  # type: ignore[attr-defined]
    page.get_by_label("Wachtwoord").fill("een-lang-wachtwoord-voor-de-test")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Inloggen").click()  # type: ignore[attr-defined]
    page.get_by_role("link", name="Bestuurlijke netwerkdag").first.click()  # type: ignore[attr-defined]
    table = page.locator("table.data").first.inner_text()  # type: ignore[attr-defined]
    assert "Pijlerbijeenkomst Sociaal" in table
    no_violations(page)
    shoot(page, "web-organiser-event.png")
    page.get_by_role("link", name="Aanmelden bij de ingang").click()  # type: ignore[attr-defined]
    page.get_by_label("Naam, organisatie of badgenummer").fill("Gast 0")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Zoeken").click()  # type: ignore[attr-defined]
    page.get_by_role("button", name="Aanwezig").first.click()  # type: ignore[attr-defined]
    page.get_by_text("1 persoon aanwezig").wait_for()  # type: ignore[attr-defined]
    assert page.get_by_role("button", name="Ongedaan maken").count() == 1  # type: ignore[attr-defined]
    no_violations(page)


def test_setting_a_password_from_the_link(server: tuple[LiveServer, list[str]], page: object) -> None:
    import re
    import subprocess
    import sys

    live, _ = server
    made = subprocess.run(
        [sys.executable, "-m", "netwerkdag.cli", "organiser", "add", "mede@example.invalid", "--print-link"],
        env=live.env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    link = re.search(r"(/organisatie/wachtwoord/\S+/)", made.stdout)
    assert link is not None, made.stdout
    page.goto(live.url + link.group(1))  # type: ignore[attr-defined]
    assert link.group(1) not in page.url  # type: ignore[attr-defined]  # the token left the address at once
    no_violations(page)
    page.get_by_label("Nieuw wachtwoord").fill("een ander lang wachtwoord")  # type: ignore[attr-defined]
    page.get_by_label("Hetzelfde wachtwoord nog eens").fill("een ander lang wachtwoord")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Wachtwoord instellen").click()  # type: ignore[attr-defined]
    assert "Uw wachtwoord is ingesteld" in page.get_by_role("status").inner_text()  # type: ignore[attr-defined]
    page.get_by_label("E-mailadres of gebruikersnaam").fill("mede@example.invalid")  # type: ignore[attr-defined]
    page.get_by_label("Wachtwoord").fill("een ander lang wachtwoord")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Inloggen").click()  # type: ignore[attr-defined]
    assert "Mijn dagen" in page.content() or "Uitloggen" in page.content()  # type: ignore[attr-defined]
    page.goto(live.url + link.group(1))  # type: ignore[attr-defined]
    assert "al gebruikt of verlopen" in page.content()  # type: ignore[attr-defined]
    no_violations(page)
