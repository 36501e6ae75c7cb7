"""The HTML programme: the grid as the printed Haarlem programme shows it, the descriptions, the language,
escaping of what event files contain, and the rules for a self-contained, CSP-friendly, accessible page."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import datetime
from pathlib import Path

import lxml.html
import pypdf
import pytest
from babel.messages.extract import extract_from_dir
from lxml.html import HtmlElement
from weasyprint import HTML

from netwerkdag.core.event import Event
from netwerkdag.publish.grid import build_grids
from netwerkdag.publish.html import render_html
from netwerkdag.publish.i18n import translations
from netwerkdag.publish.pdf import booklet_html

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


def renamed(event: Event, names: dict[str, str]) -> Event:
    """`event` with sessions renamed (old id -> new id), references to them included."""
    sessions = tuple(
        dataclasses.replace(
            s, id=names.get(s.id, s.id), combined_with=tuple(names.get(c, c) for c in s.combined_with)
        )
        for s in event.sessions
    )
    group_days = tuple(
        dataclasses.replace(d, merged_into=names.get(d.merged_into, d.merged_into) if d.merged_into else None)
        for d in event.group_days
    )
    return dataclasses.replace(event, sessions=sessions, group_days=group_days)


def ids_and_links(document: HtmlElement) -> tuple[list[str], list[str]]:
    """Every id in the document, and every in-page link target (href="#...") without its "#"."""
    ids = [str(element.get("id")) for element in document.xpath("//*[@id]")]
    links = [str(a.get("href"))[1:] for a in document.xpath("//a[starts-with(@href, '#')]")]
    return ids, links


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
    links = grid_table(page).xpath(".//a[@href='#s-gesprek-staatssecretaris']")
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
        (
            "pillar_sociaal",
            ["s-pijler-sociaal", "s-thema-wonen-welzijn-zorg", "s-thema-zorg-jeugd-onderwijs"],
        ),
        (
            "pillar_fysiek",
            [
                "s-pijler-fysiek",
                "s-thema-woningmarkt",
                "s-thema-leefomgeving",
                "s-thema-slimme-verstedelijking",
                "s-thema-duurzaamheid",
            ],
        ),
        (
            "pillar_economie-en-werk",
            [
                "s-pijler-economie-werk",
                "s-thema-mkb-vernieuwing",
                "s-thema-sterke-keten",
                "s-thema-vitale-binnensteden",
            ],
        ),
        (
            "groups_outside",
            ["s-thema-veiligheid", "s-thema-interbestuurlijk", "s-thema-europa", "s-thema-financien"],
        ),
        (
            "general",
            ["s-opening-plenair", "s-ruimte-netwerken", "s-algemeen-bestuur", "s-gesprek-staatssecretaris"],
        ),
        ("absent_groups", []),
    ]


def test_html_description_gives_time_room_people_and_text(page: HtmlElement) -> None:
    (article,) = page.xpath("//article[@id='s-thema-woningmarkt']")

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
    (article,) = page.xpath("//article[@id='s-gesprek-staatssecretaris']")

    meta = [text(div) for div in article.xpath(".//dl[@class='meta']/div")]

    assert meta == ["Tijd 15.00-15.45", "Zaal Plenair/Zaal 1 (Gravenzaal)"]


# -- Language ------------------------------------------------------------------------------------------


def test_html_english_uses_english_words_and_times(page_en: HtmlElement) -> None:
    table = grid_table(page_en)
    times = [text(th) for th in table.xpath("./tbody/tr/th")]
    (link,) = table.xpath(".//a[@href='#s-gesprek-staatssecretaris']")
    early = text(link.xpath("./ancestor::td")[0])

    assert page_en.get("lang") == "en"
    assert text(table.xpath("./thead/tr/th")[0]) == "Time"
    assert times[:3] == ["9:30", "10:00-10:25", "10:25-10:30"]
    assert cell_texts(body_row(table, "10:25-10:30")) == ["Transfer time"]
    assert early == "Gesprek met staatssecretaris Eric van der Burg (until 15:45)"
    assert "Verplaatsingstijd" not in text(table)


def test_html_english_marks_dutch_content_with_its_language(page_en: HtmlElement) -> None:
    (title,) = page_en.xpath("//article[@id='s-thema-woningmarkt']//h4")

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
    (article,) = document.xpath("//article[@id='s-thema-woningmarkt']")

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


def test_html_grid_shows_a_late_start_in_the_cell(haarlem: Event) -> None:
    event = with_session(haarlem, "thema-europa", start=datetime(2023, 2, 10, 15, 15, tzinfo=haarlem.tz))

    row = body_row(grid_table(parse(render_html(event))), "15.00-16.00")

    assert cell_texts(row)[1] == "TG Europa (vanaf 15.15 uur)"


def test_html_venue_block_without_session_shows_the_translated_kind(haarlem: Event) -> None:
    without_drinks = tuple(s for s in haarlem.sessions if s.id != "borrel-afsluiting")
    event = dataclasses.replace(haarlem, sessions=without_drinks)

    row = body_row(grid_table(parse(render_html(event, lang="en"))), "16:00")

    assert cell_texts(row) == ["Drinks"]


# -- Ids and links -----------------------------------------------------------------------------------------

# Session ids that are (or were) ids of the page's own parts, and one that looks like a description's title.
STRUCTURAL_NAMES = {
    "opening-plenair": "programme",
    "thema-woningmarkt": "sessions",
    "gesprek-staatssecretaris": "general",
    "thema-europa": "absent-groups",
    "thema-financien": "sessions-heading",
    "algemeen-bestuur": "s-general",
}


@pytest.mark.parametrize("render", [render_html, booklet_html], ids=["page", "booklet"])
def test_html_ids_are_unique_and_links_resolve_when_sessions_are_named_like_the_page(
    haarlem: Event, render: object
) -> None:
    event = renamed(haarlem, STRUCTURAL_NAMES)
    assert callable(render)

    ids, links = ids_and_links(parse(render(event)))

    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    unresolved = sorted(set(links) - set(ids))
    assert duplicates == []
    assert unresolved == []
    assert {"s-programme", "s-sessions", "s-general", "s-absent-groups", "s-s-general"} <= set(links)


def test_html_session_named_programme_keeps_skip_link_and_grid_link_apart(haarlem: Event) -> None:
    document = parse(render_html(renamed(haarlem, STRUCTURAL_NAMES)))

    (skip_target,) = document.xpath("//*[@id='programme']")
    (grid_link,) = grid_table(document).xpath(".//a[text()='Plenaire start']")
    (article,) = document.xpath(f"//*[@id='{grid_link.get('href')[1:]}']")

    assert skip_target.tag == "section"
    assert grid_link.get("href") == "#s-programme"
    assert article.tag == "article"
    assert text(article.xpath(".//h4")[0]) == "Plenaire start"


# -- People --------------------------------------------------------------------------------------------------


def test_html_description_lists_contact_persons_last_with_their_email(page: HtmlElement) -> None:
    (article,) = page.xpath("//article[@id='s-thema-leefomgeving']")

    people = [
        (text(div.xpath("./dt")[0]), [text(dd) for dd in div.xpath("./dd")])
        for div in article.xpath(".//dl[@class='people']/div")
    ]
    mails = [a.get("href") for a in article.xpath(".//dl[@class='people']//a")]

    assert people == [
        ("Spreker", ["Gido ten Dolle, VRO, programmadirecteur MooiNL — licht het programma MooiNL toe"]),
        (
            "Contactpersonen",
            [
                "Noor van Dijk, Deventer, beleidsadviseur noor.van.dijk@example.org",
                "Ruben Smit, Delft, beleidsadviseur ruben.smit@example.org",
            ],
        ),
    ]
    assert mails == ["mailto:noor.van.dijk@example.org", "mailto:ruben.smit@example.org"]


# -- Markdown ------------------------------------------------------------------------------------------------


def test_html_markdown_image_shows_its_alt_text_and_no_link_to_it(haarlem: Event) -> None:
    event = with_session(
        haarlem, "thema-woningmarkt", description="Zie ![de kaart van Haarlem](http://192.0.2.1/kaart.png)."
    )

    (article,) = parse(render_html(event)).xpath("//article[@id='s-thema-woningmarkt']")
    (paragraph,) = article.xpath(".//div[@class='description']/p")

    assert text(paragraph) == "Zie de kaart van Haarlem."
    assert paragraph.xpath(".//*") == []
    assert "192.0.2.1" not in lxml.html.tostring(article, encoding="unicode")


# -- Printing the page ---------------------------------------------------------------------------------------


def test_html_printed_page_puts_the_whole_grid_on_one_a4_page_of_its_own(haarlem: Event) -> None:
    # The page's own print style, laid out as a browser prints it: A4, print media.
    pdf = HTML(string=render_html(haarlem), media_type="print").write_pdf()
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    pages = [re.sub(r"\s+", " ", page.extract_text()).strip() for page in reader.pages]

    with_grid = [i for i, page_text in enumerate(pages) if "Tijd Plenair/Zaal 1 Gravenzaal" in page_text]
    sizes = {(round(float(p.mediabox.width), 1), round(float(p.mediabox.height), 1)) for p in reader.pages}
    everything = " ".join(pages)

    assert with_grid == [1]
    assert pages[1].startswith("Programma Programma vrijdag 10 februari 2023 Tijd Plenair/Zaal 1 Gravenzaal")
    assert "9.30 Inloop" in pages[1]
    assert pages[1].endswith("16.00 Borrel TG: themagroep.")
    assert sizes == {(595.3, 841.9)}
    assert pages[2].startswith("Toelichting op het programma")
    # Neither the narrow-screen list nor the skip link is printed.
    assert "Plenair/Zaal 1 Gesprek met staatssecretaris" not in everything
    assert "Direct naar het programma" not in everything
