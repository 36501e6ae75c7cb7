"""The organisers' lists of people as organisers meet them: the invitee list and check-in at the door with
the whole network invited (271 people). Search (name, organisation, e-mail address, badge number), each
filter, pages of 50 that reach everyone, the counts, the answer in words of the page's language, the
list alone for search-as-you-type, check-in with the last people on top and an undo; then the same
pages in a real browser, on a desktop and a phone, in Dutch and English."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from tests.web.conftest import MakeInvitee

from netwerkdag.web import models
from netwerkdag.web.services import invitees, programme
from netwerkdag.web.services import people as people_search

# One worker runs this module (make test: --dist loadgroup): its live server and browser are set up once.
pytestmark = pytest.mark.xdist_group("test_people_pages")
SLUG = "g40-haarlem-2023"
INVITEES = f"/organisatie/{SLUG}/invitees/"
CHECK_IN = f"/organisatie/{SLUG}/check-in/"


@pytest.fixture
def crowd(day: models.Event) -> int:
    """Everyone in the Haarlem day's network invited; returns how many that is."""
    added = invitees.invitees_from_network(day, programme.published_event(day))  # type: ignore[arg-type]
    assert added > 250
    return added


def _text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


def _ids(page: str) -> list[int]:
    """The people listed on a check-in page (or its fragment), in their order."""
    return [int(i) for i in re.findall(r'name="invitee" value="(\d+)"', page)]


def _found_line(page: str) -> str:
    match = re.search(r"<span data-found-count>(.*?)</span>", page, re.S)
    assert match is not None, page[:2000]
    return " ".join(html.unescape(match.group(1)).split())


def _results(page: str) -> str:
    """The results of a page (check-in: without the list of people checked in last)."""
    start = page.find('id="check-in-results"')
    return page[start:] if start >= 0 else page[page.index('id="invitee-results"') :]


def _recent(page: str) -> list[str]:
    section = re.search(r'<section class="door-recent".*?</section>', page, re.S)
    if section is None:
        return []
    return [html.unescape(n) for n in re.findall(r'class="door-name" data-content>(.*?)</span>', section[0])]


# --- pages: everyone is reachable, and the page says which part it shows ---------------------------------


@pytest.mark.django_db
def test_every_person_is_on_one_of_the_check_in_pages(organiser: Client, crowd: int) -> None:
    first = _text(organiser.get(CHECK_IN))
    assert _found_line(first) == f"1–50 van {crowd}"
    assert 'href="/organisatie/g40-haarlem-2023/check-in/?page=2" rel="next"' in first
    seen: list[int] = []
    pages = (crowd + 49) // 50
    for number in range(1, pages + 1):
        page = _results(_text(organiser.get(CHECK_IN, {"page": number})))
        seen += _ids(page)
        assert f"Pagina {number} van {pages}" in page
    everyone = set(models.Invitee.objects.values_list("pk", flat=True))
    assert len(seen) == crowd  # nobody twice
    assert set(seen) == everyone
    # The 60th in the list's order (by name) is on page 2, found there by the badge number as well.
    order = sorted(models.Invitee.objects.all(), key=lambda p: (p.name.lower(), p.pk))
    sixtieth = order[59]
    assert sixtieth.pk in _ids(_results(_text(organiser.get(CHECK_IN, {"page": 2}))))
    assert _ids(_results(_text(organiser.get(CHECK_IN, {"q": str(sixtieth.pk)}))))[0] == sixtieth.pk


@pytest.mark.django_db
def test_the_last_page_and_pages_that_do_not_exist(organiser: Client, crowd: int) -> None:
    last = (crowd + 49) // 50
    page = _text(organiser.get(INVITEES, {"page": last}))
    assert _found_line(page) == f"{(last - 1) * 50 + 1}–{crowd} van {crowd}"
    assert 'rel="next"' not in page
    assert f'href="/organisatie/g40-haarlem-2023/invitees/?page={last - 1}" rel="prev"' in page
    # A page beyond the last shows the last; one that is no number shows the first.
    assert _found_line(_text(organiser.get(INVITEES, {"page": 999}))) == _found_line(page)
    for value in ("abc", "0", "-1", "²", "9" * 30):
        assert _found_line(_text(organiser.get(INVITEES, {"page": value}))) == f"1–50 van {crowd}"


@pytest.mark.django_db
def test_page_links_keep_the_search_and_filters(organiser: Client, crowd: int) -> None:
    page = _text(organiser.get(INVITEES, {"q": "gemeente", "answer": "unknown"}))
    link = re.search(r'href="([^"]+)" rel="next"', page)
    assert link is not None
    query = parse_qs(urlsplit(html.unescape(link.group(1))).query)
    assert query == {"q": ["gemeente"], "answer": ["unknown"], "page": ["2"]}


# --- search and filters --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_search_by_name_organisation_address_and_badge_number(
    organiser: Client, crowd: int, make_invitee: MakeInvitee
) -> None:
    eva, _ = make_invitee(name="Eva Zwanenburg", email="eva@zwaan.example", organisation="Stichting Kwak")
    other, _ = make_invitee(name="Piet Zwanenburg", email="piet@elders.example", organisation="Waterschap Q")

    def found(query: str) -> set[int]:
        return set(_ids(_results(_text(organiser.get(CHECK_IN, {"q": query})))))

    assert found("zwanenburg") == {eva.pk, other.pk}  # any case
    assert found("kwak") == {eva.pk}  # organisation
    assert found("zwaan.example") == {eva.pk}  # e-mail address
    assert found("  eva   ZWANENBURG ") == {eva.pk}  # every word must match, spaces do not matter
    assert found("Zwanenburg Waterschap") == {other.pk}
    assert eva.pk in found(str(eva.pk))  # the badge number
    assert _ids(_results(_text(organiser.get(CHECK_IN, {"q": str(eva.pk)}))))[0] == eva.pk
    assert found("niemand-heet-zo") == set()
    page = _text(organiser.get(CHECK_IN, {"q": "niemand-heet-zo"}))
    assert "Niemand gevonden met deze zoekopdracht." in page
    assert 'class="people-clear">Iedereen tonen</a>' in page
    # The invitee list searches the same way.
    invitee_page = _text(organiser.get(INVITEES, {"q": "kwak"}))
    assert "Eva Zwanenburg" in invitee_page
    assert "Piet Zwanenburg" not in invitee_page
    assert _found_line(invitee_page) == "1–1 van 1"


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["²", "9" * 30, "-1", "%", "_", "' OR 1=1 --", "a" * 5000, "\u0000x"])
def test_any_search_text_is_a_search(organiser: Client, crowd: int, query: str) -> None:
    for address in (INVITEES, CHECK_IN):
        response = organiser.get(address, {"q": query})
        assert response.status_code == 200
        assert "Niemand gevonden" in response.content.decode() or _ids(_results(response.content.decode()))


@pytest.mark.django_db
def test_each_filter(organiser: Client, crowd: int, day: models.Event) -> None:
    people = list(models.Invitee.objects.order_by("pk"))
    yes, no = people[:7], people[7:10]
    models.Invitee.objects.filter(pk__in=[p.pk for p in yes]).update(attending="yes")
    models.Invitee.objects.filter(pk__in=[p.pk for p in no]).update(attending="no")
    present = [yes[0], no[0], people[20]]
    models.Invitee.objects.filter(pk__in=[p.pk for p in present]).update(checked_in_at=timezone.now())
    town = people[30].organisation
    assert town
    in_town = {p.pk for p in people if p.organisation == town}

    def found(**query: str) -> set[int]:
        return set(_ids(_results(_text(organiser.get(CHECK_IN, query)))))

    def listed(**query: str) -> str:
        return _found_line(_text(organiser.get(INVITEES, query)))

    assert found(answer="yes") == {p.pk for p in yes}
    assert found(answer="no") == {p.pk for p in no}
    assert len(found(answer="unknown")) == min(50, crowd - 10)
    assert listed(answer="unknown") == f"1–50 van {crowd - 10}"
    assert found(organisation=town) == in_town
    assert found(checked_in="yes") == {p.pk for p in present}
    assert listed(checked_in="no") == f"1–50 van {crowd - 3}"
    assert found(answer="yes", checked_in="yes") == {yes[0].pk}
    assert found(answer="yes", checked_in="no") == {p.pk for p in yes[1:]}
    # A value that is no filter's is no filter: everyone.
    assert listed(answer="maybe", checked_in="perhaps") == f"1–50 van {crowd}"
    # The form shows the filters that are on.
    page = _text(organiser.get(INVITEES, {"answer": "no", "organisation": town}))
    assert '<option value="no" selected>komt niet</option>' in page
    assert f'<option value="{html.escape(town)}" selected>' in page


@pytest.mark.django_db
def test_the_counts(organiser: Client, crowd: int, day: models.Event) -> None:
    people = list(models.Invitee.objects.order_by("pk"))
    models.Invitee.objects.filter(pk__in=[p.pk for p in people[:5]]).update(attending="yes")
    models.Invitee.objects.filter(pk__in=[p.pk for p in people[5:7]]).update(attending="no")
    models.Invitee.objects.filter(pk__in=[people[0].pk, people[1].pk, people[6].pk]).update(
        checked_in_at=timezone.now()
    )
    models.Invitee.objects.filter(pk=people[-1].pk).update(anonymised_at=timezone.now(), name="—")
    counts = people_search.counts(day)
    assert counts == people_search.Counts(
        total=crowd - 1, coming=5, not_coming=2, no_answer=crowd - 8, present=3, expected=3, erased=1
    )
    page = _text(organiser.get(INVITEES))
    assert f"{crowd - 1} genodigden</a>" in page
    assert ">Komt: 5</a>" in page
    assert ">Komt niet: 2</a>" in page
    assert f">Nog geen antwoord: {crowd - 8}</a>" in page
    assert ">Aanwezig: 3</a>" in page
    assert "1 persoon heeft zich afgemeld of is geanonimiseerd" in page
    assert people[-1].pk not in _ids(_results(_text(organiser.get(CHECK_IN, {"page": 99}))))
    door = _text(organiser.get(CHECK_IN))
    assert "3 personen aanwezig" in door
    assert "5 komen" in door
    assert "nog 3 verwacht" in door


# --- the answer in words ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "words"),
    [("nl", ("komt", "komt niet", "nog geen antwoord")), ("en", ("coming", "not coming", "no answer yet"))],
)
def test_the_answer_in_words_of_the_page(
    organiser: Client, make_invitee: MakeInvitee, lang: str, words: tuple[str, str, str]
) -> None:
    make_invitee(name="Anna Ja", attending="yes")
    make_invitee(name="Bert Nee", attending="no")
    make_invitee(name="Cor Weetniet")
    for address in (INVITEES, CHECK_IN):
        page = _text(organiser.get(address, {"lang": lang}))
        shown = re.findall(r'<span class="answer answer-\w+">(.*?)</span>', page) or re.findall(
            r'class="door-meta">.*? · (.*?) · ', page
        )
        assert sorted(shown) == sorted(words)
        assert not re.search(r">\s*(unknown|yes|no)\s*<", page)


# --- search as you type: the list alone --------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("address", [INVITEES, CHECK_IN])
def test_partial_is_the_list_alone(organiser: Client, crowd: int, address: str) -> None:
    person = models.Invitee.objects.order_by("pk")[10]
    whole = _text(organiser.get(address, {"q": person.name}))
    part = organiser.get(address, {"q": person.name, "partial": "1"}, HTTP_ACCEPT="text/html")
    text = _text(part)
    assert part["Cache-Control"] == "private, no-store"
    assert "<html" not in text
    assert '<form method="get"' not in text  # no search form: only its results
    assert person.name in text
    assert _found_line(text) == _found_line(whole)
    assert (_ids(text) or [person.pk]) == (_ids(_results(whole)) or [person.pk])


@pytest.mark.django_db
def test_partial_is_for_the_events_organisers_only(client: Client, crowd: int) -> None:
    from django.contrib.auth.models import User

    response = client.get(CHECK_IN, {"partial": "1"})
    assert response.status_code == 302
    client.force_login(User.objects.create(username="iemand-anders"))
    assert client.get(CHECK_IN, {"partial": "1"}).status_code == 404


# --- check-in: one tap, the last people on top, undo ------------------------------------------------


@pytest.mark.django_db
def test_check_in_puts_the_last_on_top_and_undo_works(organiser: Client, crowd: int) -> None:
    a, b, c, d = models.Invitee.objects.order_by("pk")[20:24]
    for person in (a, b, c, d):
        response = organiser.post(CHECK_IN, {"invitee": person.pk, "present": "yes"})
        assert response.status_code == 303
    page = _text(organiser.get(CHECK_IN))
    assert _recent(page) == [d.name, c.name, b.name]  # the last first, three of them
    assert "Zojuist aangemeld" in page
    assert "4 personen aanwezig" in page
    # Undo from the list on top.
    organiser.post(CHECK_IN, {"invitee": c.pk, "present": "no"})
    c.refresh_from_db()
    assert c.checked_in_at is None
    page = _text(organiser.get(CHECK_IN))
    assert _recent(page) == [d.name, b.name, a.name]
    assert "3 personen aanwezig" in page
    # Checking in twice keeps the first time (and the place in the list).
    organiser.post(CHECK_IN, {"invitee": b.pk, "present": "yes"})
    assert _recent(_text(organiser.get(CHECK_IN))) == [d.name, b.name, a.name]
    # The results show who is present, with the time, and offer the undo there.
    row = _text(organiser.get(CHECK_IN, {"q": str(d.pk)}))
    assert re.search(
        r'name="present" value="no">\s*<span class="door-state">aanwezig \d{1,2}\.\d\d</span>', row
    )


@pytest.mark.django_db
def test_after_a_check_in_the_same_search_and_page(organiser: Client, crowd: int) -> None:
    person = models.Invitee.objects.order_by("pk")[5]
    response = organiser.post(
        CHECK_IN,
        {"invitee": person.pk, "present": "yes", "q": "gemeente", "answer": "unknown", "page": "2"},
    )
    assert response.status_code == 303
    back = urlsplit(response["Location"])
    assert back.path == CHECK_IN
    assert parse_qs(back.query) == {"q": ["gemeente"], "answer": ["unknown"], "page": ["2"]}
    # The forms of a page carry its search, so that the POST above is what a tap sends.
    page = _text(organiser.get(CHECK_IN, {"q": "gemeente", "answer": "unknown", "page": "2"}))
    form = re.search(r'<form method="post"[^>]*class="door-action">(.*?)</form>', _results(page), re.S)
    assert form is not None
    fields = dict(re.findall(r'name="(q|answer|page|present)" value="([^"]*)"', form.group(1)))
    assert fields == {"q": "gemeente", "answer": "unknown", "page": "2", "present": "yes"}
    # Without a search, back to the page itself.
    assert organiser.post(CHECK_IN, {"invitee": person.pk, "present": "no"})["Location"] == CHECK_IN


# --- the invitee list: the list first, the import folded away, the link menu working ------------------


@pytest.mark.django_db
def test_the_invitee_list_folds_the_import_and_keeps_the_link_actions(
    organiser: Client, crowd: int, make_invitee: MakeInvitee
) -> None:
    person, _ = make_invitee(name="Aaron Aardappel")
    page = _text(organiser.get(INVITEES, {"q": "Aardappel"}))
    folded = re.search(r"<details class=\"people-add\"( open)?>(.*?)</details>", page, re.S)
    assert folded is not None
    assert folded.group(1) is None  # closed: there are people to see
    assert 'name="file"' in folded.group(2)
    assert 'name="source" value="network"' in folded.group(2)
    assert f'action="/organisatie/{SLUG}/link/"' in page
    assert f'name="invitee" value="{person.pk}"' in page
    assert 'name="do" value="send"' in page
    assert 'name="do" value="revoke"' in page
    old = models.Invitation.objects.get(invitee=person)
    response = organiser.post(f"/organisatie/{SLUG}/link/", {"invitee": person.pk, "do": "revoke"})
    assert response.status_code == 303
    old.refresh_from_db()
    assert old.revoked_at is not None


@pytest.mark.django_db
def test_without_invitees_the_import_is_open(organiser: Client, day: models.Event) -> None:
    page = _text(organiser.get(INVITEES))
    assert '<details class="people-add" open>' in page
    assert "Niemand gevonden" in page


@pytest.mark.django_db
def test_a_refused_import_shows_its_problems_with_the_form_open(organiser: Client, crowd: int) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("lijst.csv", b"naam,e-mail\n,geen-adres\n")
    response = organiser.post(INVITEES, {"file": bad})
    assert response.status_code == 400
    assert '<details class="people-add" open>' in response.content.decode()


def test_filters_from_a_form_and_back() -> None:
    filters = people_search.Filters.from_form(
        {
            "q": "  Eva \t Jansen ",
            "answer": "no",
            "organisation": " Gemeente X ",
            "checked_in": "yes",
            "page": "3",
        }
    )
    assert filters == people_search.Filters("Eva Jansen", "no", "Gemeente X", "yes", 3)
    assert filters.params() == {
        "q": "Eva Jansen",
        "answer": "no",
        "organisation": "Gemeente X",
        "checked_in": "yes",
        "page": "3",
    }
    assert filters.params(page=1) == {
        "q": "Eva Jansen",
        "answer": "no",
        "organisation": "Gemeente X",
        "checked_in": "yes",
    }
    assert people_search.Filters.from_form({"answer": "maybe", "page": "x"}) == people_search.Filters()
    assert not people_search.Filters().narrowed
    # No control character reaches the database (PostgreSQL refuses a NUL in a query).
    assert (
        people_search.Filters.from_form({"q": "Eva\x00Jansen\n", "organisation": "X\x00"}).text
        == "Eva Jansen"
    )
    assert people_search.Filters.from_form({"organisation": "X\x00"}).organisation == "X"


# --- in a real browser ----------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "een-lang-wachtwoord-voor-de-deur"  # noqa: S105 - the test organiser's
NETWORK = """
import django
django.setup()
from netwerkdag.web import models
from netwerkdag.web.services import invitees, programme
event = models.Event.objects.get(slug="g40-haarlem-2023")
print(invitees.invitees_from_network(event, programme.published_event(event)))
"""


def _browser_or_skip() -> Any:
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            raise RuntimeError("CI needs Debian's chromium for the browser tests: make setup installs it")
        pytest.skip("Debian's chromium is not installed (make setup installs it as root)")
    return playwright


@pytest.fixture(scope="module")
def door(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Any]]:
    """A real server with the Haarlem day, its whole network invited, an organiser; and chromium."""
    from tests.web.live import live_server

    playwright = _browser_or_skip()
    with live_server(tmp_path_factory.mktemp("people")) as live:
        live.run("setup", "pijler-sociaal", "40", "0", "0")
        live.run("organiser", "door", PASSWORD)
        made = subprocess.run(
            [sys.executable, "-c", NETWORK], env=live.env, capture_output=True, text=True, check=True
        )
        assert int(made.stdout) > 250
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            yield live, browser
            browser.close()


def _logged_in(door: tuple[Any, Any], width: int, height: int) -> Any:
    live, browser = door
    context = browser.new_context(viewport={"width": width, "height": height}, locale="nl-NL")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    page.goto(live.url + "/organisatie/login/")
    page.get_by_label("Gebruikersnaam").fill("door")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/organisatie/")
    return page


SIZES = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("address", [INVITEES, CHECK_IN])
def test_the_pages_in_a_browser(door: tuple[Any, Any], size: str, lang: str, address: str) -> None:
    from tests.web.page_checks import check_page, shoot

    live, _ = door
    page = _logged_in(door, *SIZES[size])
    page.goto(f"{live.url}{address}?lang={lang}")
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size][0]  # nothing sideways
    assert check_page(page) == {"overlapping text": [], "words of the other language": [], "axe": []}
    page.locator("details summary").first.click()  # a menu or the filters opened
    assert check_page(page)["axe"] == []
    if lang == "nl" and (address, size) in ((INVITEES, "desktop"), (CHECK_IN, "phone")):
        shoot(page, f"web-{'invitees' if address == INVITEES else 'check-in'}-{size}.jpg", full_page=False)
    assert page.errors == []
    page.context.close()


def test_check_in_on_a_phone(door: tuple[Any, Any]) -> None:
    live, _ = door
    page = _logged_in(door, *SIZES["phone"])
    page.goto(live.url + CHECK_IN)
    assert "1–50 van 271" in page.locator("[data-found-count]").inner_text()
    # Every button one taps is at least 44 by 44 px.
    for button in page.locator(".door-list button").all()[:10]:
        box = button.bounding_box()
        assert box["width"] >= 44, box
        assert box["height"] >= 44, box
    # Search as you type: the list changes without a new page, the address follows.
    page.evaluate("window.stayed = true")
    page.get_by_label("Naam, organisatie of badgenummer").press_sequentially("Zwolle", delay=30)
    expect = _browser_or_skip().expect
    expect(page.locator("[data-found-count]")).not_to_contain_text("van 271")
    assert page.evaluate("window.stayed") is True
    metas = page.locator(".door-list .door-meta").all_inner_texts()
    assert metas
    assert all("Zwolle" in meta for meta in metas)
    assert page.locator("[data-found-count]").inner_text() == f"1–{len(metas)} van {len(metas)}"
    assert "q=Zwolle" in page.url
    assert page.get_by_role("status").last.inner_text() == page.locator("[data-found-count]").inner_text()
    names = page.locator(".door-list .door-name").all_inner_texts()
    first = names[0]
    with page.expect_navigation():
        page.get_by_role("button", name=f"Aanwezig: {first}", exact=True).click()
    assert "q=Zwolle" in page.url  # the same search after the tap
    assert page.get_by_role("button", name=f"Ongedaan maken: {first}", exact=True).count() == 1
    assert "1 persoon aanwezig" in page.locator(".door-counts").inner_text()
    # Cleared: the list on top shows who came last, with an undo.
    page.goto(live.url + CHECK_IN)
    assert page.locator(".door-recent .door-name").all_inner_texts() == [first]
    with page.expect_navigation():
        page.locator(".door-recent").get_by_role("button", name=f"Ongedaan maken: {first}").click()
    assert page.locator(".door-recent").count() == 0
    assert "0 personen aanwezig" in page.locator(".door-counts").inner_text()
    assert page.errors == []
    page.context.close()


def test_the_invitee_list_without_javascript(door: tuple[Any, Any]) -> None:
    live, browser = door
    context = browser.new_context(java_script_enabled=False, locale="nl-NL")
    page = context.new_page()
    page.goto(live.url + "/organisatie/login/")
    page.get_by_label("Gebruikersnaam").fill("door")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.goto(live.url + INVITEES)
    page.get_by_label("Antwoord").select_option("unknown")
    page.get_by_label("Naam, organisatie, e-mailadres of badgenummer").fill("Gemeente Zwolle")
    page.get_by_role("button", name="Zoeken").click()
    assert "answer=unknown" in page.url
    rows = page.locator("table.people-table tbody tr")
    assert rows.count() > 0
    assert page.locator("[data-found-count]").inner_text() == f"1–{rows.count()} van {rows.count()}"
    assert all("Gemeente Zwolle" in row for row in rows.all_inner_texts())
    # The row's menu opens without a script and sends a new link.
    rows.first.locator("summary").click()
    rows.first.get_by_role("button", name="Link intrekken").click()
    assert "werkt niet meer" in page.get_by_role("status").first.inner_text()
    context.close()
