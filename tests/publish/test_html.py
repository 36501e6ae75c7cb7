"""The HTML programme: the grid as the printed Haarlem programme shows it, the descriptions, the language,
escaping of what event files contain, and the rules for a self-contained, CSP-friendly, accessible page."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime
from pathlib import Path

import lxml.html
import pytest
from babel.messages.extract import extract_from_dir
from lxml.html import HtmlElement

from netwerkdag.core.event import Event
from netwerkdag.publish.grid import build_grids
from netwerkdag.publish.html import render_html
from netwerkdag.publish.i18n import translations

PUBLISH = Path(__file__).resolve().parents[2] / "src" / "netwerkdag" / "publish"


def text(element: HtmlElement) -> str:
    """The visible text of an element with runs of white space made one space."""
    return re.sub(r"\s+", " ", element.text_content()).strip()


def parse(html: str) -> HtmlElement:
    return lxml.html.document_fromstring(html)


def grid_table(document: HtmlElement) -> HtmlElement:
    tables = document.xpath("//table[contains(@class, 'grid')]")
    assert len(tables) == 1
    table: HtmlElement = tables[0]
    return table


def body_row(table: HtmlElement, time: str) -> HtmlElement:
    rows = [tr for tr in table.xpath("./tbody/tr") if text(tr.xpath("./th")[0]) == time]
    assert len(rows) == 1, f"no single row at {time}"
    row: HtmlElement = rows[0]
    return row


def cell_texts(row: HtmlElement) -> list[str]:
    return [text(td) for td in row.xpath("./td")]


def with_session(event: Event, session_id: str, **changes: object) -> Event:
    """`event` with one session changed; `Event` rebuilds its lookups in __post_init__."""
    sessions = tuple(dataclasses.replace(s, **changes) if s.id == session_id else s for s in event.sessions)
    return dataclasses.replace(event, sessions=sessions)


@pytest.fixture(scope="module")
def page(haarlem: Event) -> HtmlElement:
    return parse(render_html(haarlem))


@pytest.fixture(scope="module")
def page_en(haarlem: Event) -> HtmlElement:
    return parse(render_html(haarlem, lang="en"))


# -- The grid ------------------------------------------------------------------------------------------


def test_html_grid_heads_every_room_column_in_file_order(page: HtmlElement) -> None:
    headings = [text(th) for th in grid_table(page).xpath("./thead/tr/th")]

    assert headings == ["Tijd", "Plenair/Zaal 1 Gravenzaal", "Zaal 2", "Zaal 3", "Zaal 4", "Zaal 5"]


def test_html_grid_time_column_writes_times_as_the_printed_programme(page: HtmlElement) -> None:
    times = [text(th) for th in grid_table(page).xpath("./tbody/tr/th")]

    assert times == [
        "9.30",
        "10.00-10.25",
        "10.25-10.30",
        "10.30-11.30",
        "11.30-11.35",
        "11.40-12.40",
        "12.45-12.50",
        "12.50-13.50",
        "13.50-13.55",
        "13.55-14.55",
        "14.55-15.00",
        "15.00-16.00",
        "16.00",
    ]


def test_html_grid_shows_every_grid_session_title_inside_the_table(haarlem: Event, page: HtmlElement) -> None:
    table_text = text(grid_table(page))
    (grid,) = build_grids(haarlem)

    missing = [s.title for s in grid.sessions if s.title not in table_text]

    assert len(grid.sessions) == 23
    assert missing == []


def test_html_grid_round_two_cells_carry_theme_group_and_pillar(page: HtmlElement) -> None:
    row = body_row(grid_table(page), "11.40-12.40")

    assert cell_texts(row) == [
        "TG Economie en Werk: MKB en economische vernieuwing",
        "TG Fysiek: Woningmarkt",
        "TG Sociaal: Wonen, welzijn en zorg",
        "TG Fysiek: Leefomgeving en stedelijke transformatie",
        "TG Veiligheid",
    ]


def test_html_grid_round_one_keeps_the_free_plenary_room_as_an_empty_cell(page: HtmlElement) -> None:
    row = body_row(grid_table(page), "10.30-11.30")

    assert cell_texts(row) == [
        "",
        "Pijlerbijeenkomst Sociaal",
        "Pijlerbijeenkomst Fysiek",
        "Pijlerbijeenkomst Economie en Werk",
        "Ruimte om te netwerken: hele dag beschikbaar",
    ]


def test_html_grid_transfer_rows_span_all_rooms_with_label_or_default(page: HtmlElement) -> None:
    table = grid_table(page)
    rows = table.xpath("./tbody/tr[contains(@class, 'row-transfer')]")

    captions = [(text(tr.xpath("./th")[0]), cell_texts(tr)) for tr in rows]
    spans = {tr.xpath("./td")[0].get("colspan") for tr in rows}

    assert captions == [
        ("10.25-10.30", ["Verplaatsingstijd"]),
        ("11.30-11.35", ["Verplaatsingstijd"]),
        ("12.45-12.50", ["Verplaatsing naar en start van lunch"]),
        ("13.50-13.55", ["Verplaatsingstijd"]),
        ("14.55-15.00", ["Verplaatsingstijd"]),
    ]
    assert spans == {"5"}


def test_html_grid_lunch_is_one_venue_wide_cell_combined_with_the_board_meeting(page: HtmlElement) -> None:
    row = body_row(grid_table(page), "12.50-13.50")

    assert cell_texts(row) == [
        "Lunch, gecombineerd met Vergadering AB: Bespreking ‘Advies positie Stedennetwerk G40’; "
        "de AB-bijeenkomst staat open voor alle deelnemers"
    ]
    assert row.xpath("./td")[0].get("colspan") == "5"


def test_html_grid_early_end_shows_in_the_cell_of_the_state_secretary(page: HtmlElement) -> None:
    links = grid_table(page).xpath(".//a[@href='#gesprek-staatssecretaris']")
    (cell,) = links[0].xpath("./ancestor::td")

    assert len(links) == 1
    assert text(cell) == "Gesprek met staatssecretaris Eric van der Burg (tot 15.45 uur)"


def test_html_grid_links_resolve_to_descriptions_below(page: HtmlElement) -> None:
    targets = [a.get("href") for a in grid_table(page).xpath(".//a")]

    unresolved = [href for href in targets if not page.xpath(f"//article[@id='{href[1:]}']")]

    assert len(targets) == 20  # 23 grid sessions; walk-in, lunch and drinks have nothing to describe
    assert unresolved == []


def test_html_grid_has_no_cell_for_groups_that_do_not_meet(page: HtmlElement) -> None:
    table_text = text(grid_table(page))
    absent = [text(li) for li in page.xpath("//section[@id='absent_groups']//li")]

    assert "Armoede" not in table_text
    assert "Vergunninghouders" not in table_text
    assert absent == [
        "Armoede en schuldhulpverlening (Pijler Sociaal): komt vandaag niet bijeen. Vergadert niet.",
        "Vergunninghouders en Asiel (Pijler Sociaal): sluit aan bij Gesprek met staatssecretaris Eric van "
        "der Burg. Geen eigen overleg; de themagroep bereidt het gesprek met de staatssecretaris mee voor.",
    ]


def test_html_all_day_session_is_a_note_under_the_grid_not_a_cell(haarlem: Event) -> None:
    networking = haarlem.session("ruimte-netwerken")
    event = with_session(
        haarlem, "ruimte-netwerken", block=None, all_day=True, start=networking.start, end=haarlem.last_end
    )

    document = parse(render_html(event))
    row = body_row(grid_table(document), "10.30-11.30")
    notes = [text(p) for p in document.xpath("//p[@class='all-day']")]

    assert cell_texts(row)[-1] == ""
    assert notes == ["De hele dag open: Ruimte om te netwerken: hele dag beschikbaar, Zaal 5, 10.30-17.00"]


def test_html_mobile_list_holds_the_same_sessions_by_room(page: HtmlElement) -> None:
    slot = page.xpath("//div[@class='grid-list']//li[h3='15.00-16.00']")[0]

    items = [text(li) for li in slot.xpath(".//ul/li")]

    assert items == [
        "Plenair/Zaal 1 Gesprek met staatssecretaris Eric van der Burg (tot 15.45 uur)",
        "Zaal 2 TG Europa",
        "Zaal 3 TG Economie en Werk: Vitale binnensteden en werklocaties",
        "Zaal 4 TG Financiën",
        "Zaal 5 TG Fysiek: Duurzaamheid",
    ]


# -- The header and the descriptions ----------------------------------------------------------------------


def test_html_header_gives_title_date_venue_and_host(page: HtmlElement) -> None:
    facts = [text(div) for div in page.xpath("//dl[@class='facts']/div")]

    assert text(page.xpath("//h1")[0]) == "Bestuurlijke netwerkdag"
    assert facts == [
        "Datum vrijdag 10 februari 2023",
        "Locatie Stadhuis Haarlem, Grote Markt 2, Haarlem",
        "Gastheer Gemeente Haarlem",
    ]


def test_html_descriptions_are_grouped_by_pillar_then_other_groups_then_general(page: HtmlElement) -> None:
    sections = page.xpath("//section[@id='sessions']/section")

    order = [(s.get("id"), [a.get("id") for a in s.xpath(".//article")]) for s in sections]

    assert order == [
        ("pillar_sociaal", ["pijler-sociaal", "thema-wonen-welzijn-zorg", "thema-zorg-jeugd-onderwijs"]),
        (
            "pillar_fysiek",
            ["pijler-fysiek", "thema-woningmarkt", "thema-leefomgeving", "thema-slimme-verstedelijking",
             "thema-duurzaamheid"],
        ),
        (
            "pillar_economie-en-werk",
            ["pijler-economie-werk", "thema-mkb-vernieuwing", "thema-sterke-keten",
             "thema-vitale-binnensteden"],
        ),
        ("groups_outside", ["thema-veiligheid", "thema-interbestuurlijk", "thema-europa", "thema-financien"]),
        ("general", ["opening-plenair", "ruimte-netwerken", "algemeen-bestuur", "gesprek-staatssecretaris"]),
        ("absent_groups", []),
    ]  # fmt: skip


def test_html_description_gives_time_room_people_and_text(page: HtmlElement) -> None:
    (article,) = page.xpath("//article[@id='thema-woningmarkt']")

    meta = [text(div) for div in article.xpath(".//dl[@class='meta']/div")]
    people = [text(div) for div in article.xpath(".//dl[@class='people']/div")]
    paragraphs = article.xpath(".//div[@class='description']/p")

    assert text(article.xpath(".//p[@class='kicker']")[0]) == "Themagroep · Pijler Fysiek"
    assert meta == ["Tijd 11.40-12.40", "Zaal Zaal 2"]
    assert people == [
        "Voorzitter Karin Schrederhof, Delft, wethouder, voorzitter themagroep Woningmarkt"
        " — vertelt over Delft en de regio Haaglanden"
    ]
    assert len(paragraphs) == 2


def test_html_description_of_early_session_gives_its_own_end(page: HtmlElement) -> None:
    (article,) = page.xpath("//article[@id='gesprek-staatssecretaris']")

    meta = [text(div) for div in article.xpath(".//dl[@class='meta']/div")]

    assert meta == ["Tijd 15.00-15.45", "Zaal Plenair/Zaal 1 (Gravenzaal)"]


# -- Language ------------------------------------------------------------------------------------------


def test_html_english_uses_english_words_and_times(page_en: HtmlElement) -> None:
    table = grid_table(page_en)
    times = [text(th) for th in table.xpath("./tbody/tr/th")]
    (link,) = table.xpath(".//a[@href='#gesprek-staatssecretaris']")
    early = text(link.xpath("./ancestor::td")[0])

    assert page_en.get("lang") == "en"
    assert text(table.xpath("./thead/tr/th")[0]) == "Time"
    assert times[:3] == ["9:30", "10:00-10:25", "10:25-10:30"]
    assert cell_texts(body_row(table, "10:25-10:30")) == ["Transfer time"]
    assert early == "Gesprek met staatssecretaris Eric van der Burg (until 15:45)"
    assert "Verplaatsingstijd" not in text(table)


def test_html_english_marks_dutch_content_with_its_language(page_en: HtmlElement) -> None:
    (title,) = page_en.xpath("//article[@id='thema-woningmarkt']//h4")

    assert title.get("lang") == "nl"
    assert page_en.xpath("//h1")[0].get("lang") == "nl"


def test_dutch_catalogue_translates_every_interface_message() -> None:
    method_map = [("*.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    ids = {msg for _, _, msg, *_ in extract_from_dir(str(PUBLISH), method_map, options_map=options)}
    dutch = translations("nl")

    untranslated = sorted(str(i) for i in ids if isinstance(i, str) and dutch.gettext(i) == i and i != "TG")

    # Both sources are read: every Python module of publish/ (N_ and gettext) and the templates.
    assert {"Transfer time", "Vice-chairs", "Programme for %(day)s", "combined with"} <= ids
    assert untranslated == ["Id", "Lunch"]  # the same words in Dutch


# -- Safety and self-containment --------------------------------------------------------------------------


def test_html_escapes_markup_in_titles_and_descriptions(haarlem: Event) -> None:
    event = with_session(
        haarlem,
        "thema-woningmarkt",
        title="<script>alert(1)</script>Woningmarkt",
        subtitle="<b>vet</b>",
        description='<img src="x" onerror="alert(1)"> en [klik](javascript:alert(1)) en <em>nadruk</em>',
    )

    html = render_html(event)
    document = parse(html)
    (article,) = document.xpath("//article[@id='thema-woningmarkt']")

    assert document.xpath("//script | //img | //b | //em | //*[@onerror]") == []
    assert document.xpath("//a[starts-with(@href, 'javascript:')]") == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Woningmarkt" in html
    assert text(article.xpath(".//h4")[0]) == "<script>alert(1)</script>Woningmarkt"
    assert '<img src="x" onerror="alert(1)">' in text(article)


def test_html_is_one_self_contained_csp_friendly_file(page: HtmlElement) -> None:
    styles = page.xpath("//style")
    css = styles[0].text

    assert len(styles) == 1
    assert page.xpath("//script | //link | //iframe | //object | //img | //*[@style] | //*[@src]") == []
    assert [a.get("href") for a in page.xpath("//a[contains(@href, '//')]")] == []
    assert "url(" not in css
    assert "@import" not in css


def test_html_has_the_structure_assistive_technology_needs(page: HtmlElement) -> None:
    table = grid_table(page)
    (skip,) = page.xpath("//a[contains(@class, 'skip-link')]")

    assert page.get("lang") == "nl"
    assert page.xpath("//body/*[1]") == [skip]
    assert page.xpath(f"//*[@id='{skip.get('href')[1:]}']")
    assert text(table.xpath("./caption")[0]) == "Programma vrijdag 10 februari 2023"
    assert {th.get("scope") for th in table.xpath("./thead//th")} == {"col"}
    assert {th.get("scope") for th in table.xpath("./tbody//th")} == {"row"}
    assert len(page.xpath("//h1")) == 1
    assert "@media print" in page.xpath("//style")[0].text


def test_html_grid_shows_a_late_start_in_the_cell(haarlem: Event) -> None:
    event = with_session(haarlem, "thema-europa", start=datetime(2023, 2, 10, 15, 15, tzinfo=haarlem.tz))

    row = body_row(grid_table(parse(render_html(event))), "15.00-16.00")

    assert cell_texts(row)[1] == "TG Europa (vanaf 15.15 uur)"


def test_html_venue_block_without_session_shows_the_translated_kind(haarlem: Event) -> None:
    without_drinks = tuple(s for s in haarlem.sessions if s.id != "borrel-afsluiting")
    event = dataclasses.replace(haarlem, sessions=without_drinks)

    row = body_row(grid_table(parse(render_html(event, lang="en"))), "16:00")

    assert cell_texts(row) == ["Drinks"]
