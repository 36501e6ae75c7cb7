"""The PDF booklet: read back with pypdf, it has a cover, the whole grid on one landscape page (a grid of
many rooms on several), the descriptions after it and page numbers; rendering fetches nothing from the
network."""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import re
import socket
from pathlib import Path
from typing import Any

import pypdf
import pytest

from netwerkdag.core.event import Event
from netwerkdag.files.load import event_from_source
from netwerkdag.files.yaml_source import SourceDocument
from netwerkdag.publish.grid import build_grids
from netwerkdag.publish.html import programme_view
from netwerkdag.publish.pdf import booklet_html, render_pdf

A4_SHORT, A4_LONG = 595.3, 841.9
GENERATOR = Path(__file__).resolve().parents[2] / "benchmarks" / "generate_event.py"


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def page_texts(pdf: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [normalised(page.extract_text()) for page in reader.pages]


@pytest.fixture(scope="module")
def booklet(haarlem: Event) -> bytes:
    return render_pdf(haarlem)


@pytest.fixture(scope="module")
def reader(booklet: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(booklet))


@pytest.fixture(scope="module")
def pages(booklet: bytes) -> list[str]:
    return page_texts(booklet)


def grid_page_index(pages: list[str]) -> int:
    """The page that holds the first grid row ("9.30 Inloop") and the last ("16.00 Borrel")."""
    first = [i for i, text in enumerate(pages) if "9.30 Inloop" in text]
    last = [i for i, text in enumerate(pages) if "16.00 Borrel" in text]
    assert len(first) == 1
    assert first == last
    return first[0]


def test_pdf_is_a_pdf_with_a_sensible_number_of_pages(booklet: bytes, pages: list[str]) -> None:
    assert booklet.startswith(b"%PDF-")
    assert 4 <= len(pages) <= 9


def test_pdf_cover_gives_title_subtitle_date_venue_and_host(pages: list[str]) -> None:
    cover = pages[0]

    for fact in (
        "Bestuurlijke netwerkdag",
        "De tweede bestuurlijke netwerkdag van de G40 in deze bestuursperiode",
        "vrijdag 10 februari 2023",
        "Stadhuis Haarlem, Grote Markt 2, Haarlem",
        "Gastheer Gemeente Haarlem",
    ):
        assert fact in cover


def test_pdf_grid_is_the_second_page_and_landscape(reader: pypdf.PdfReader, pages: list[str]) -> None:
    index = grid_page_index(pages)
    box = reader.pages[index].mediabox

    assert index == 1
    assert (round(float(box.width), 1), round(float(box.height), 1)) == (A4_LONG, A4_SHORT)
    assert (round(float(reader.pages[0].mediabox.width), 1)) == A4_SHORT


def test_pdf_grid_page_holds_every_room_and_every_grid_session(haarlem: Event, pages: list[str]) -> None:
    grid_page = pages[grid_page_index(pages)]
    (grid,) = build_grids(haarlem)

    missing_rooms = [r.heading for r in haarlem.rooms if r.heading not in grid_page]
    missing_sessions = [s.title for s in grid.sessions if s.title not in grid_page]

    assert "Plenair/Zaal 1 Gravenzaal" in grid_page
    assert missing_rooms == []
    assert missing_sessions == []
    assert "(tot 15.45 uur)" in grid_page
    assert grid_page.count("Verplaatsingstijd") == 4


def test_pdf_descriptions_follow_the_grid(haarlem: Event, pages: list[str]) -> None:
    after_grid = " ".join(pages[grid_page_index(pages) + 1 :])

    assert "Toelichting op het programma" in after_grid
    assert "Themagroepen zonder eigen bijeenkomst vandaag" in after_grid
    assert "Armoede en schuldhulpverlening" in after_grid
    # The contact persons of Leefomgeving are listed with the session, with their e-mail address.
    assert "Contactpersonen: Noor van Dijk, Deventer, beleidsadviseur noor.van.dijk@example.org" in after_grid
    assert "Ruben Smit, Delft, beleidsadviseur ruben.smit@example.org" in after_grid


def test_pdf_numbers_every_page_after_the_cover(pages: list[str]) -> None:
    footers = [text.rsplit(" ", 1)[-1] for text in pages[1:]]

    assert footers == [str(n) for n in range(2, len(pages) + 1)]
    assert all("Bestuurlijke netwerkdag · vrijdag 10 februari 2023" in text for text in pages[1:])


def test_pdf_in_english_uses_english_words_and_times(haarlem: Event) -> None:
    pages = page_texts(render_pdf(haarlem, lang="en"))
    grid_page = next(text for text in pages if "9:30 Inloop" in text)

    assert "Friday 10 February 2023" in pages[0]
    assert "10:25-10:30 Transfer time" in grid_page
    assert "(until 15:45)" in grid_page


def test_pdf_rendering_fetches_nothing_from_the_network(
    haarlem: Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("no network in tests")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    woningmarkt = haarlem.session("thema-woningmarkt")
    description = (
        "![kaart](http://192.0.2.1/kaart.png)\n\n![lokaal](file:///etc/hostname)\n\n"
        + woningmarkt.description
    )
    sessions = tuple(
        dataclasses.replace(s, description=description) if s.id == woningmarkt.id else s
        for s in haarlem.sessions
    )

    pdf = render_pdf(dataclasses.replace(haarlem, sessions=sessions))

    assert attempts == []
    assert "900.000 woningen" in " ".join(page_texts(pdf))


def test_booklet_escapes_the_title_in_its_page_footer_rule(haarlem: Event) -> None:
    event = dataclasses.replace(haarlem, title='Dag"; } </style><script>alert(1)</script>')

    html = booklet_html(event)
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]

    assert "<script>" not in html
    expected = r'content: "Dag\22 ; \7d  \3c /style\3e \3c script\3e alert(1)\3c /script\3e  · vrijdag 10'
    assert expected in style


def with_title(event: Event, session_id: str, title: str) -> Event:
    sessions = tuple(dataclasses.replace(s, title=title) if s.id == session_id else s for s in event.sessions)
    return dataclasses.replace(event, sessions=sessions)


def test_pdf_long_unbroken_word_breaks_inside_its_cell_and_the_grid_stays_on_one_page(
    haarlem: Event,
) -> None:
    word = "Woningmarktversnellingsprogrammaondersteuningsregelingsstudie"[:60]
    event = with_title(haarlem, "thema-woningmarkt", word)

    reader = pypdf.PdfReader(io.BytesIO(render_pdf(event)))
    pages = [normalised(page.extract_text()) for page in reader.pages]
    index = grid_page_index(pages)
    grid_page = pages[index]

    assert len(word) == 60
    assert index == 1
    assert round(float(reader.pages[index].mediabox.width), 1) == A4_LONG
    # The word is on the grid page, but over several lines of its cell: it does not run off the page.
    assert word in grid_page.replace(" ", "")
    assert word not in grid_page
    assert grid_page.endswith(
        "16.00 Borrel TG: themagroep. Bestuurlijke netwerkdag · vrijdag 10 februari 2023 2"
    )


def generated_event(*, days: int, rooms: int, sessions: int) -> Event:
    """An event made by the benchmark generator (benchmarks/generate_event.py), loaded and checked."""
    spec = importlib.util.spec_from_file_location("generate_event", GENERATOR)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    data: dict[str, Any] = module.generate(days, rooms, sessions, 1)
    return event_from_source(SourceDocument(data, {}, "generated.yaml"))


@pytest.fixture(scope="module")
def thirty_rooms() -> Event:
    return generated_event(days=1, rooms=30, sessions=60)


def test_booklet_splits_thirty_rooms_over_five_grid_parts_of_six(thirty_rooms: Event) -> None:
    (grid,) = programme_view(thirty_rooms).grids

    parts = grid.booklet_pages

    assert [(part.part, part.parts, len(part.rooms)) for part in parts] == [(n, 5, 6) for n in range(1, 6)]
    assert [part.rooms[0].name for part in parts] == ["Grote zaal", "Zaal 7", "Zaal 13", "Zaal 19", "Zaal 25"]
    assert [len(part.rows) for part in parts] == [len(grid.rows)] * 5
    assert [part.uses_group_prefix for part in parts] == [False, False, False, False, True]


def test_pdf_grid_of_thirty_rooms_prints_six_rooms_a_page_with_the_time_column_on_each(
    thirty_rooms: Event,
) -> None:
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(thirty_rooms)))
    pages = [normalised(page.extract_text()) for page in reader.pages]

    grid_pages = [i for i, text in enumerate(pages) if "Programma dinsdag 10 maart 2026 (deel" in text]
    headers = [pages[i].split(" Tijd ", 1)[1].split(" 8.30-9.00 Inloop", 1)[0] for i in grid_pages]

    assert grid_pages == [1, 2, 3, 4, 5]
    assert {round(float(reader.pages[i].mediabox.width), 1) for i in grid_pages} == {A4_LONG}
    assert [f"(deel {n} van 5)" in pages[i] for n, i in enumerate(grid_pages, start=1)] == [True] * 5
    assert headers == [
        "Grote zaal Zaal 2 Zaal 3 Zaal 4 Zaal 5 Zaal 6",
        "Zaal 7 Zaal 8 Zaal 9 Zaal 10 Zaal 11 Zaal 12",
        "Zaal 13 Zaal 14 Zaal 15 Zaal 16 Zaal 17 Zaal 18",
        "Zaal 19 Zaal 20 Zaal 21 Zaal 22 Zaal 23 Zaal 24",
        "Zaal 25 Zaal 26 Zaal 27 Zaal 28 Zaal 29 Zaal 30",
    ]
    # Every part holds the whole day, from the walk-in to the drinks, on its one page.
    assert ["8.30-9.00 Inloop" in pages[i] and " Borrel " in pages[i] for i in grid_pages] == [True] * 5
    assert [pages[i].count("Themagroep") for i in grid_pages] == [12, 12, 12, 12, 12]


def test_pdf_with_japanese_and_emoji_renders_without_error(haarlem: Event) -> None:
    # Without a font that covers them the glyphs print as boxes; the booklet is made all the same.
    event = with_title(haarlem, "thema-woningmarkt", "住宅市場 🏠🎉 Woningmarkt")
    event = dataclasses.replace(event, subtitle="ネットワークの日 ☕")

    reader = pypdf.PdfReader(io.BytesIO(render_pdf(event)))
    # pypdf reads the text of fonts that hold a box glyph as UTF-16 with NULs between the letters.
    pages = [normalised(page.extract_text().replace("\x00", "")) for page in reader.pages]

    assert grid_page_index(pages) == 1
    assert "Woningmarkt" in pages[1]
    assert "Toelichting op het programma" in pages[2]
