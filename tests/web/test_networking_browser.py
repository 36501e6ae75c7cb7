"""The networking room in a real browser (Debian's chromium): a person joins the directory, filters it,
asks two people for a meeting; one accepts from their own link, the other declines and blocks. The
pages (consent, directory, request form, meetings) on a desktop and a phone, in Dutch and English, with
no text over text, no word of the other language, no WCAG 2.1 A/AA violation (tests/web/page_checks.py)
and nothing wider than the screen.

With NETWERKDAG_SCREENSHOTS=<folder> each page is kept as
<folder>/networking/person-<page>-<viewport>-<lang>.jpg.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.web.chromium import chromium_or_skip, launched
from tests.web.live import LiveServer, live_server

CHROMIUM, playwright_sync = chromium_or_skip()
# One worker runs this module (make test: --dist loadgroup): its live server and browser are set up once.
pytestmark = pytest.mark.xdist_group("test_networking_browser")

from tests.web.page_checks import check_page  # noqa: E402 - axe needs playwright

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

#: The Haarlem day (with its networking tables), four people of the network who come, two of them in the
#: directory already. Prints their tokens.
PEOPLE = """
import json
import django
django.setup()
from netwerkdag.web import models
from netwerkdag.web.services import invitations, networking, programme
event = models.Event.objects.get(slug="g40-haarlem-2023")
core = programme.published_event(event)
tokens = {}
for pid in ("paul-depla", "arjen-gerritsen", "jos-wienen", "karin-schrederhof"):
    p = core.network.person(pid)
    person = models.Invitee.objects.create(
        event=event, name=p.name, person_id=pid, role=p.role, attending="yes", email=pid + "@example.invalid"
    )
    tokens[pid] = invitations.invite(person)
    if pid in ("arjen-gerritsen", "jos-wienen"):
        networking.opt_in(person)
print(json.dumps(tokens))
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with live_server(tmp_path_factory.mktemp("networking")) as server:
        server.run("setup", "pijler-sociaal", "40", "0", "0")
        made = subprocess.run(
            [sys.executable, "-c", PEOPLE], env=server.env, check=True, capture_output=True, text=True
        )
        yield {"server": server, "tokens": json.loads(made.stdout.strip().splitlines()[-1])}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched(CHROMIUM, playwright_sync) as instance:
        yield instance


def _named(visible: str, hidden: str) -> re.Pattern[str]:
    """The accessible name of a control whose visible words are followed by hidden ones ("Accept: the
    subject"); the browser may put a space before the colon of the hidden part."""
    return re.compile(rf"^{re.escape(visible)}\s*:\s*{re.escape(hidden)}$")


def _at(server: LiveServer, token: str, path: str) -> str:
    return f"{server.url}/uitnodiging/{token}/{path}"


@pytest.fixture(scope="module")
def flow(site: dict[str, Any], browser: Any) -> dict[str, Any]:
    """Paul joins, filters on Almelo, asks Arjen and Jos; Arjen accepts, Jos declines and blocks him.
    What each saw is kept for the test below."""
    server: LiveServer = site["server"]
    tokens = site["tokens"]
    seen: dict[str, Any] = {}
    paul = browser.new_context().new_page()
    paul.goto(_at(server, tokens["paul-depla"], "netwerken/"))
    seen["consent"] = paul.locator("main").inner_text()
    paul.get_by_role("button", name="Zet mij in de lijst").click()
    seen["joined"] = paul.locator(".notices").inner_text()
    seen["everyone"] = paul.locator(".directory .person-name").all_inner_texts()
    paul.get_by_label("Organisatie", exact=True).select_option("Gemeente Almelo")
    paul.get_by_role("button", name="Filteren").click()
    seen["filtered"] = paul.locator(".directory .person-name").all_inner_texts()
    paul.locator(".directory").get_by_role(
        "link", name=_named("Vraag om een gesprek", "Arjen Gerritsen")
    ).click()
    paul.get_by_label("Ook vragen (niet verplicht)").first.select_option(label="Jos Wienen, Gemeente Haarlem")
    paul.get_by_label("30 minuten").check()
    paul.get_by_label("Onderwerp").fill("Veiligheid bij evenementen")
    paul.get_by_role("button", name="Verzoek versturen").click()
    seen["sent"] = paul.locator(".notices").inner_text()
    seen["asked"] = paul.locator("main").inner_text()

    arjen = browser.new_context().new_page()
    arjen.goto(_at(server, tokens["arjen-gerritsen"], "afspraken/"))
    arjen.get_by_role("button", name=_named("Accepteren", "Veiligheid bij evenementen")).click()
    seen["accepted"] = arjen.locator(".notices").inner_text()

    jos = browser.new_context().new_page()
    jos.goto(_at(server, tokens["jos-wienen"], "afspraken/"))
    jos.get_by_role("button", name=_named("Afwijzen", "Veiligheid bij evenementen")).click()
    seen["declined"] = jos.locator(".notices").inner_text()
    jos.get_by_role("button", name=_named("Geen verzoeken meer van deze persoon", "Paul Depla")).click()
    seen["blocked"] = jos.locator("main").inner_text()

    paul.goto(_at(server, tokens["paul-depla"], "afspraken/"))
    seen["answers"] = paul.locator(".answers").inner_text()
    paul.goto(_at(server, tokens["paul-depla"], "netwerken/"))
    seen["after-block"] = paul.locator(".directory").inner_text()
    return seen


def test_join_filter_ask_accept_decline_and_block(flow: dict[str, Any]) -> None:
    assert "Toon mij in de lijst van mensen om vandaag te ontmoeten" in flow["consent"]
    assert "U staat in de lijst" in flow["joined"]
    assert flow["everyone"] == ["Arjen Gerritsen", "Jos Wienen"]  # not Karin: she did not join
    assert flow["filtered"] == ["Arjen Gerritsen"]
    assert "Uw verzoek is verstuurd" in flow["sent"]
    assert "Veiligheid bij evenementen" in flow["asked"]
    assert "30 minuten" in flow["asked"]
    assert "U heeft het gesprek aangenomen" in flow["accepted"]
    assert "U heeft het gesprek afgewezen" in flow["declined"]
    assert "Weer verzoeken aannemen" in flow["blocked"]
    assert "Arjen Gerritsen, Gemeente Almelo: ja, aangenomen" in flow["answers"]
    assert "Jos Wienen, Gemeente Haarlem: nee, afgewezen" in flow["answers"]
    # Jos blocked Paul: Paul's directory says Jos takes no requests (not that he was blocked).
    jos = flow["after-block"].split("Jos Wienen")[1]
    assert "Neemt geen verzoeken voor een gesprek aan" in jos


#: The pages, with whose link each is opened.
PAGES = {
    "consent": ("karin-schrederhof", "netwerken/"),
    "directory": ("paul-depla", "netwerken/"),
    "settings": ("paul-depla", "netwerken/toestemming/"),
    "ask": ("arjen-gerritsen", "netwerken/verzoek/"),
    "meetings": ("paul-depla", "afspraken/"),
    "meetings-asked": ("jos-wienen", "afspraken/"),
}


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_networking_pages_read_well(
    name: str, viewport: str, lang: str, site: dict[str, Any], browser: Any, flow: dict[str, Any]
) -> None:
    server: LiveServer = site["server"]
    who, path = PAGES[name]
    url = _at(server, site["tokens"][who], path)
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="nl-NL" if lang == "nl" else "en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{url}?lang={lang}")
    assert page.evaluate("document.documentElement.lang") == lang
    assert page.locator("h1").count() == 1
    problems = check_page(page)
    problems["wider than the screen"] = (
        []
        if page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
        else [path]
    )
    problems["console"] = errors
    target = os.environ.get("NETWERKDAG_SCREENSHOTS")
    if target:
        folder = Path(target) / "networking"
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(folder / f"person-{name}-{viewport}-{lang}.jpg"), full_page=True, type="jpeg", quality=70
        )
    context.close()
    assert {k: v for k, v in problems.items() if v} == {}, path
