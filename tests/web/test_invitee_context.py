"""The pages give the day its context: the home page shows each published day's date, venue and host; a
session page its date, time, venue and room; the invitee's form the day on top, each session's
description and page, the sessions the network points the person to, and an overview of what the button
saves (kept in step by static/web/summary.js, checked in a real browser at the end)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import lxml.html
import pytest
from django.test import Client
from django.utils import timezone
from lxml.html import HtmlElement
from tests.web.conftest import MakeInvitee

from netwerkdag.web import models
from netwerkdag.web.services import registration

pytestmark = pytest.mark.django_db

#: In the Haarlem network: a member of the theme groups Woningmarkt and Leefomgeving (pillar Fysiek),
#: not of Veiligheid, not in the pillar Sociaal; and the chair of the Woningmarkt session.
MEMBER = "alkmaar-wethouder-4"
CHAIR = "karin-schrederhof"


def _html(client: Client, url: str) -> HtmlElement:
    response = client.get(url)
    assert response.status_code == 200, url
    return lxml.html.fromstring(response.content.decode())


def _text(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _facts(root: HtmlElement, scope: str) -> dict[str, str]:
    """The dt/dd pairs of the first `dl.facts` under `scope` (an XPath)."""
    (dl,) = root.xpath(f"({scope}//dl[contains(@class, 'facts')])[1]")
    return {_text(div.find("dt")): _text(div.find("dd")) for div in dl.findall("div")}


def _option(root: HtmlElement, session_id: str) -> HtmlElement:
    """The form's option of a session: its input, label, description and link."""
    (input_,) = root.xpath(
        f"//form[@class='registration']//input[@value='{session_id}' or @id='session:{session_id}']"
    )
    return input_.getparent()


def _label(root: HtmlElement, session_id: str) -> str:
    option = _option(root, session_id)
    (label,) = option.xpath(".//label")
    return _text(label)


# --- the home page ------------------------------------------------------------------------------------------


def test_home_shows_each_day_with_date_venue_and_host(day: models.Event, client: Client) -> None:
    root = _html(client, "/")
    (card,) = root.xpath("//li[contains(@class, 'event-card')]")
    assert _text(card.xpath(".//h2")[0]) == "Bestuurlijke netwerkdag"
    facts = _facts(card, ".")
    assert facts == {
        "Datum": "vrijdag 10 februari 2023",
        "Locatie": "Stadhuis Haarlem, Haarlem",
        "Gastheer": "Gemeente Haarlem",
    }
    (link,) = card.xpath(".//a[@href='/g40-haarlem-2023/']")
    assert _text(link) == "Bekijk het programma"


def test_home_in_english(day: models.Event, client: Client) -> None:
    facts = _facts(_html(client, "/?lang=en"), "//li[contains(@class, 'event-card')]")
    assert facts["Date"] == "Friday 10 February 2023"
    assert facts["Venue"] == "Stadhuis Haarlem, Haarlem"
    assert "Host" in facts


def test_home_without_a_published_day(db: None, client: Client, haarlem_text: str) -> None:
    from netwerkdag.web.services import programme

    programme.import_event(haarlem_text, "event.yaml")  # a draft only: not on the home page
    root = _html(client, "/")
    assert not root.xpath("//li[contains(@class, 'event-card')]")
    assert "Er is nog geen programma gepubliceerd." in _text(root)


# --- the session page ---------------------------------------------------------------------------------------


def test_session_page_shows_date_time_venue_and_room(day: models.Event, client: Client) -> None:
    root = _html(client, "/g40-haarlem-2023/sessie/thema-woningmarkt/")
    facts = _facts(root, "//article")
    assert facts["Datum"] == "vrijdag 10 februari 2023"
    assert facts["Locatie"] == "Stadhuis Haarlem, Grote Markt 2, Haarlem"
    assert facts["Tijd"] == "11.40-12.40"  # in Haarlem's time, the Dutch way
    assert facts["Zaal"] == "Zaal 2"
    assert "Wie doen er mee" in _text(root)
    assert "Karin Schrederhof" in _text(root)
    assert root.xpath("//p[@class='back']/a[@href='/g40-haarlem-2023/']")


def test_session_page_shows_its_own_times(day: models.Event, client: Client) -> None:
    """The state secretary's conversation ends at 15:45 in a 15:00-16:00 block: the page says so."""
    facts = _facts(_html(client, "/g40-haarlem-2023/sessie/gesprek-staatssecretaris/"), "//article")
    assert facts["Tijd"] == "15.00-15.45"


def test_session_page_hides_an_end_the_programme_hides(day: models.Event, client: Client) -> None:
    """The programme gives only "16.00 Borrel" (its 17:00 end is the example's guess): so does the page."""
    facts = _facts(_html(client, "/g40-haarlem-2023/sessie/borrel-afsluiting/"), "//article")
    assert facts["Tijd"] == "16.00"


def test_session_page_in_english(day: models.Event, client: Client) -> None:
    root = _html(client, "/g40-haarlem-2023/sessie/thema-woningmarkt/?lang=en")
    facts = _facts(root, "//article")
    assert facts["Date"] == "Friday 10 February 2023"
    assert facts["Time"] == "11:40-12:40"
    assert facts["Room"] == "Zaal 2"
    assert _text(root.xpath("//p[@class='back']/a")[0]) == "Back to the programme"


# --- the invitee's form -------------------------------------------------------------------------------------


def test_form_shows_the_day_and_the_deadline(
    day: models.Event, make_invitee: MakeInvitee, client: Client
) -> None:
    day.registration_deadline = datetime(2030, 2, 3, 16, 0, tzinfo=UTC)  # 17.00 in Haarlem
    day.save()
    _, token = make_invitee()
    root = _html(client, f"/uitnodiging/{token}/")
    facts = _facts(root, "//section[@class='the-day']")
    assert facts == {
        "Datum": "vrijdag 10 februari 2023",
        "Locatie": "Stadhuis Haarlem, Grote Markt 2, Haarlem",
        "Gastheer": "Gemeente Haarlem",
        "Wijzigen tot": "zondag 3 februari 2030, 17.00 uur",
    }
    assert root.xpath("//section[@class='the-day']//a[@href='/g40-haarlem-2023/']")


def test_a_closed_form_shows_no_deadline(
    day: models.Event, make_invitee: MakeInvitee, client: Client
) -> None:
    day.registration_deadline = timezone.now() - timedelta(minutes=1)
    day.save()
    _, token = make_invitee()
    facts = _facts(_html(client, f"/uitnodiging/{token}/"), "//section[@class='the-day']")
    assert "Wijzigen tot" not in facts
    assert facts["Datum"] == "vrijdag 10 februari 2023"


def test_form_offers_each_session_with_its_description_and_page(
    day: models.Event, make_invitee: MakeInvitee, client: Client
) -> None:
    _, token = make_invitee()
    root = _html(client, f"/uitnodiging/{token}/")
    option = _option(root, "thema-woningmarkt")
    (details,) = option.xpath(".//details")
    assert _text(details.find("summary")) == "Over deze sessie: Woningmarkt"
    assert "900.000 woningen" in _text(details)  # the description, as on the programme page
    assert "Karin Schrederhof" in _text(details)  # and who takes part
    (link,) = option.xpath(".//a[@href='/g40-haarlem-2023/sessie/thema-woningmarkt/']")
    assert _text(link) == "Sessiepagina: Woningmarkt"
    # Every session offered links to its page; one without a description has no empty <details>.
    for input_ in root.xpath(
        "//form[@class='registration']//input[@type='radio' and starts-with(@name, 'ronde')]"
    ):
        if input_.get("value"):
            links = input_.getparent().xpath(".//a[contains(@class, 'session-link')]/@href")
            assert links == [f"/g40-haarlem-2023/sessie/{input_.get('value')}/"]
    lunch = _option(root, "lunch-gezamenlijk")
    assert not lunch.xpath(".//details")
    assert lunch.xpath(".//a[@href='/g40-haarlem-2023/sessie/lunch-gezamenlijk/']")


def test_the_session_title_stays_the_label_of_its_button(
    day: models.Event, make_invitee: MakeInvitee, client: Client
) -> None:
    """The label holds the title (and place, places, mark), never the description or the link."""
    _, token = make_invitee()
    root = _html(client, f"/uitnodiging/{token}/")
    label = _label(root, "thema-woningmarkt")
    assert label.startswith("Woningmarkt ")
    assert "900.000" not in label
    assert "Sessiepagina" not in label


def test_sessions_that_fit_a_network_person_are_marked(
    day: models.Event, make_invitee: MakeInvitee, client: Client
) -> None:
    _, token = make_invitee(person_id=MEMBER)
    root = _html(client, f"/uitnodiging/{token}/")
    for fits in ("thema-woningmarkt", "thema-leefomgeving", "pijler-fysiek"):
        assert "Past bij uw portefeuille" in _label(root, fits), fits
    for other in ("thema-veiligheid", "pijler-sociaal", "thema-financien"):
        assert "Past bij uw portefeuille" not in _label(root, other), other
    assert "Past bij uw portefeuille" not in _label(root, "lunch-gezamenlijk")  # for everyone
    assert root.xpath("//p[@class='fit-legend']")


def test_no_mark_for_someone_outside_the_network(
    day: models.Event, make_invitee: MakeInvitee, client: Client
) -> None:
    _, token = make_invitee()
    page = client.get(f"/uitnodiging/{token}/").content.decode()
    assert "Past bij uw portefeuille" not in page
    assert "fit-legend" not in page


def test_a_part_in_a_session_is_marked_as_such(
    day: models.Event, make_invitee: MakeInvitee, client: Client
) -> None:
    _, token = make_invitee(person_id=CHAIR)
    root = _html(client, f"/uitnodiging/{token}/")
    assert "U heeft hier een rol" in _label(root, "thema-woningmarkt")
    assert "Past bij uw portefeuille" in _label(root, "pijler-fysiek")


def _summary(root: HtmlElement) -> dict[str, str]:
    (section,) = root.xpath("//form[@class='registration']//section[@data-summary]")
    return {
        _text(div.find("dt")): _text(div.find("dd"))
        for div in section.xpath(".//dl/div")
        if div.get("hidden") is None
    }


def test_the_summary_shows_the_saved_choices(
    day: models.Event, make_invitee: MakeInvitee, client: Client
) -> None:
    _, token = make_invitee()
    root = _html(client, f"/uitnodiging/{token}/")
    summary = _summary(root)
    assert summary["Komt u?"] == "Ja, ik kom"
    assert summary["Verder"] == "niets"
    assert summary["Dieetwensen"] == "geen"
    assert all(value == "Geen sessie" for key, value in summary.items() if key.startswith("Ronde"))

    client.post(
        f"/uitnodiging/{token}/",
        {
            "action": "save", "attending": "yes", "ronde-2": "thema-woningmarkt",
            "session:lunch-gezamenlijk": "yes", "dietary": "vegetarisch", "consent": "yes", "language": "en",
        },
    )  # fmt: skip
    summary = _summary(_html(client, f"/uitnodiging/{token}/"))
    assert summary["Ronde 2 · 11.40-12.40"] == "Woningmarkt"  # the second round
    assert summary["Verder"] == "Lunch"
    assert summary["Dieetwensen"] == "vegetarisch"
    assert summary["Toestemming om deze wensen te bewaren"] == "ja"
    assert summary["Taal van onze e-mail"] == "English"
    # The summary sits in the form, before its button.
    (button,) = root.xpath("//form[@class='registration']//button[@type='submit']")
    assert button.getprevious().get("data-summary") is not None


def test_the_summary_of_someone_who_will_not_come(
    day: models.Event, make_invitee: MakeInvitee, client: Client
) -> None:
    person, token = make_invitee()
    registration.decline(person)
    root = _html(client, f"/uitnodiging/{token}/")
    assert _summary(root) == {"Komt u?": "Nee, ik kan niet komen"}
    (declined,) = root.xpath("//p[@data-summary-declined]")
    assert declined.get("hidden") is None


def test_the_form_in_english(day: models.Event, make_invitee: MakeInvitee, client: Client) -> None:
    _, token = make_invitee(person_id=MEMBER)
    root = _html(client, f"/uitnodiging/{token}/?lang=en")
    facts = _facts(root, "//section[@class='the-day']")
    assert facts["Date"] == "Friday 10 February 2023"
    assert facts["Changes until"].count(":") == 1
    assert "Fits your portfolio" in _label(root, "thema-woningmarkt")
    option = _option(root, "thema-woningmarkt")
    assert _text(option.xpath(".//summary")[0]) == "About this session: Woningmarkt"
    assert option.xpath(".//summary//span[@lang='nl']")  # the Dutch title is marked as Dutch
    assert _summary(root)["Will you come?"] == "Yes, I will come"
    text = _text(root)
    for dutch in ("Past bij", "Wijzigen", "Overzicht", "Sessiepagina", "Over deze sessie"):
        assert dutch not in text


def test_the_form_keeps_its_field_names(day: models.Event, make_invitee: MakeInvitee, client: Client) -> None:
    """What the tests and browsers post stays: every field name the form had."""
    _, token = make_invitee()
    root = _html(client, f"/uitnodiging/{token}/")
    (form,) = root.xpath("//form[@class='registration']")
    names = {e.get("name") for e in form.xpath(".//input|.//textarea") if e.get("name")}
    assert {"action", "attending", "ronde-1", "ronde-2", "session:lunch-gezamenlijk", "dietary",
            "accessibility", "consent", "language", "csrfmiddlewaretoken"} <= names  # fmt: skip
    assert form.xpath(".//input[@name='action']/@value") == ["save"]


def test_no_inline_style_or_script(day: models.Event, make_invitee: MakeInvitee, client: Client) -> None:
    _, token = make_invitee(person_id=MEMBER)
    for url in (f"/uitnodiging/{token}/", "/", "/g40-haarlem-2023/sessie/thema-woningmarkt/"):
        root = _html(client, url)
        assert not root.xpath("//*[@style]|//style"), url
        assert all(script.get("src") for script in root.xpath("//script")), url


# --- in a real browser: the overview follows the choices ---------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def live() -> Iterator[tuple[str, list[str]]]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            raise RuntimeError("CI needs Debian's chromium for the browser tests: make setup installs it")
        pytest.skip("Debian's chromium is not installed (make setup installs it as root)")
    from tests.web.live import live_server

    with TemporaryDirectory() as tmp, live_server(Path(tmp)) as server:
        setup = json.loads(server.run("setup", "pijler-sociaal", "40", "0", "2"))
        yield server.url, setup["tokens"]


@pytest.mark.django_db(False)
def test_the_summary_follows_the_choices(live: tuple[str, list[str]]) -> None:
    """On a desktop and on a phone (a person each), with axe's WCAG 2.1 AA rules on the opened form."""
    playwright_sync = pytest.importorskip("playwright.sync_api")
    url, tokens = live
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for token, (width, height) in zip(tokens, [(1280, 900), (390, 844)], strict=True):
            _follow_the_summary(browser, f"{url}/uitnodiging/{token}/", width, height)
        browser.close()


def _follow_the_summary(browser: Any, url: str, width: int, height: int) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(url)
    summary = page.locator("section[data-summary]")
    assert "Er wordt pas iets opgeslagen" in summary.inner_text()  # the script runs
    rows = summary.locator("dl > div")
    assert rows.filter(has_text="11.40-12.40").locator("dd").inner_text() == "Geen sessie"
    page.get_by_label("Woningmarkt").check()
    page.get_by_label("Lunch").check()
    page.get_by_label("Dieetwensen").fill("vegetarisch")
    page.get_by_label("Ik stem ermee in", exact=False).check()
    assert rows.filter(has_text="11.40-12.40").locator("dd").inner_text() == "Woningmarkt"
    assert rows.filter(has_text="Verder").locator("dd").inner_text() == "Lunch"
    assert rows.filter(has_text="Dieetwensen").locator("dd").inner_text() == "vegetarisch"
    assert rows.filter(has_text="Toestemming").locator("dd").inner_text() == "ja"
    page.locator("details.about").first.locator("summary").click()  # open a description
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing sticks out
    wcag_aa = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": wcag_aa}})
    assert [v["id"] for v in results.response["violations"]] == []

    page.get_by_label("Nee, ik kan niet komen").check()
    assert page.locator("[data-summary-declined]").is_visible()
    assert not rows.filter(has_text="11.40-12.40").is_visible()
    page.get_by_label("Ja, ik kom").check()
    page.get_by_role("button", name="Mijn inschrijving opslaan").click()
    assert "Uw inschrijving is opgeslagen" in page.get_by_role("status").inner_text()
    assert rows.filter(has_text="11.40-12.40").locator("dd").inner_text() == "Woningmarkt"  # as saved
    page.close()
    assert errors == []
