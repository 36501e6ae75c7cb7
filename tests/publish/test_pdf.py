"""The PDF booklet: read back with pypdf, it has a cover, the whole grid on one landscape page, the
descriptions after it and page numbers; rendering fetches nothing from the network."""

from __future__ import annotations

import dataclasses
import io
import re
import socket

import pypdf
import pytest

from netwerkdag.core.event import Event
from netwerkdag.publish.grid import build_grids
from netwerkdag.publish.pdf import booklet_html, render_pdf

A4_SHORT, A4_LONG = 595.3, 841.9


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
    assert "Ruben Smit" in after_grid  # a contact person of Leefomgeving, listed with the session


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
