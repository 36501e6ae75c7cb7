"""The PDF booklet: read back with pypdf, it has a cover, the whole grid on one landscape page (a grid of
many rooms on several), the descriptions after it and page numbers; rendering fetches nothing from the
network."""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import itertools
import logging
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lxml.html
import pypdf
import pyphen
import pytest
from weasyprint import HTML
from weasyprint.urls import URLFetcher

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


# ---------------------------------------------------------------------------------------------------------
# Reading a PDF's tag tree back: veraPDF (the PDF/UA validator) is on none of the machine's registries, and
# the one PyPI checker found (pdfua 0.1.3, alpha) fails on WeasyPrint's headings and misreads its tables.
# `ua_problems` checks what a screen reader relies on and PDF/UA-1 (ISO 14289-1) asks of it; the tests of
# the personal programme and the badges (tests/web/test_personal.py) use it too.

#: The character WeasyPrint prints where it hyphenates a word.
HYPHEN = "\u2010"
#: Operators that show text, paint a path or an image: PDF/UA wants each inside marked content (tagged as
#: real content or marked as an artifact).
PAINTING = frozenset(b"Tj TJ ' \" Do S s f F f* B B* b b* sh BI".split())


@dataclass
class Tag:
    """One element of the structure tree: its role ("H1", "Table", "TD"), the text of the content it
    marks (its kids' included, whitespace normalised), its /Alt, attributes (/A) and /ID."""

    role: str
    text: str
    alt: str | None
    attributes: dict[str, Any]
    ident: str | None
    kids: list[Tag] = field(default_factory=list)

    def walk(self) -> Iterator[Tag]:
        yield self
        for kid in self.kids:
            yield from kid.walk()

    def all(self, *roles: str) -> list[Tag]:
        return [tag for tag in self.walk() if tag.role in roles]


@dataclass
class Tagged:
    """What a PDF says to assistive technology: its catalog entries, title, metadata, structure tree
    (None when untagged), and the content and annotations that the checks need."""

    reader: pypdf.PdfReader
    root: Tag | None
    marked: set[tuple[int, int]]  # (page, MCID) of each tagged sequence of content
    texts: dict[tuple[int, int], str]  # (page, MCID) -> the text it marks
    reached: set[tuple[int, int]]  # (page, MCID) reached from the root of the tree
    unmarked: list[str]  # "page 2: Tj" for painting outside any marked content

    @property
    def catalog(self) -> Any:
        return self.reader.trailer["/Root"]

    @property
    def xmp(self) -> str:
        metadata = self.catalog.get("/Metadata")
        return metadata.get_object().get_data().decode() if metadata is not None else ""

    @property
    def headings(self) -> list[tuple[int, str]]:
        """(level, text) of each heading in reading order, hyphenated words joined again."""
        assert self.root is not None
        found = self.root.all("H1", "H2", "H3", "H4", "H5", "H6")
        return [(int(tag.role[1]), dehyphenated(tag.text)) for tag in found]

    @property
    def outside_tree(self) -> list[str]:
        """The texts marked on the pages but not reached from the tree (running headers, page numbers)."""
        return [text for key, text in sorted(self.texts.items()) if key not in self.reached and text]


def dehyphenated(text: str) -> str:
    return text.replace(f"{HYPHEN} ", "")


def _kids(value: Any) -> list[Any]:
    if value is None:
        return []
    value = value.get_object()
    return list(value) if isinstance(value, pypdf.generic.ArrayObject) else [value]


def read_tags(pdf: bytes) -> Tagged:
    """The tag tree of `pdf` with the text of each element, and the content outside marked sequences."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    marked: set[tuple[int, int]] = set()
    texts: dict[tuple[int, int], str] = {}
    unmarked: list[str] = []
    for number, page in enumerate(reader.pages):
        stack: list[int | None] = []

        def before(op: bytes, args: Any, cm: Any, tm: Any, number: int = number, stack: list = stack) -> None:
            if op == b"BDC":
                properties = args[1].get_object() if len(args) > 1 else {}
                mcid = properties.get("/MCID") if hasattr(properties, "get") else None
                stack.append(int(mcid) if mcid is not None else None)
                if mcid is not None:
                    marked.add((number, int(mcid)))
            elif op == b"BMC":
                stack.append(None)
            elif op == b"EMC":
                stack.pop()
            elif op in PAINTING and not stack:
                unmarked.append(f"page {number + 1}: {op.decode()}")

        def text(value: str, *_: Any, number: int = number, stack: list = stack) -> None:
            mcid = next((m for m in reversed(stack) if m is not None), None)
            if mcid is not None and value:
                texts[number, mcid] = texts.get((number, mcid), "") + value

        page.extract_text(visitor_operand_before=before, visitor_text=text)
    texts = {key: normalised(value) for key, value in texts.items()}
    pages = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)}  # type: ignore[union-attr]
    reached: set[tuple[int, int]] = set()

    def build(element: Any, page: int | None) -> Tag:
        element = element.get_object()
        if "/Pg" in element:
            page = pages[element.raw_get("/Pg").idnum]
        kids: list[Tag] = []
        parts: list[str] = []
        for kid in _kids(element.get("/K")):
            if isinstance(kid, int):
                assert page is not None
                reached.add((page, kid))
                parts.append(texts.get((page, kid), ""))
            elif kid.get("/Type") == "/MCR":
                kid_page = pages[kid.raw_get("/Pg").idnum] if "/Pg" in kid else page
                assert kid_page is not None
                reached.add((kid_page, int(kid["/MCID"])))
                parts.append(texts.get((kid_page, int(kid["/MCID"])), ""))
            elif "/S" in kid:
                tag = build(kid, page)
                kids.append(tag)
                parts.append(tag.text)
        attributes: dict[str, Any] = {}
        for item in _kids(element.get("/A")):
            attributes.update({str(k): v for k, v in item.get_object().items()})
        alt = element.get("/Alt")
        ident = element.get("/ID")
        return Tag(
            role=str(element["/S"]).lstrip("/"),
            text=normalised(" ".join(p for p in parts if p)),
            alt=str(alt) if alt is not None else None,
            attributes=attributes,
            ident=str(ident) if ident is not None else None,
            kids=kids,
        )

    tree = reader.trailer["/Root"].get("/StructTreeRoot")
    root = None
    if tree is not None:
        (document,) = _kids(tree.get_object()["/K"])
        root = build(document, None)
    return Tagged(reader, root, marked, texts, reached, unmarked)


def _fonts(resources: Any) -> Iterator[tuple[str, Any]]:
    fonts = resources.get_object().get("/Font", {}) if resources is not None else {}
    for name, font in fonts.get_object().items():
        yield name, font.get_object()


def ua_problems(pdf: bytes) -> list[str]:
    """What keeps `pdf` from being read by a screen reader as PDF/UA-1 asks, empty when nothing does:
    tagged (a structure tree, /MarkInfo /Marked), a language, a title the viewer shows, the PDF/UA
    identification, all content tagged or an artifact, headings from H1 without skipped levels, tables
    with header cells that the data cells name, images with alternative text, links described, fonts
    embedded."""
    tagged = read_tags(pdf)
    catalog = tagged.catalog
    problems = []
    if tagged.root is None:
        problems.append("no structure tree (/StructTreeRoot)")
    if not catalog.get("/MarkInfo", {}).get("/Marked"):
        problems.append("not marked as tagged (/MarkInfo /Marked)")
    if not str(catalog.get("/Lang", "")).strip():
        problems.append("no document language (/Lang)")
    title = (tagged.reader.metadata or {}).get("/Title")
    if not title or not str(title).strip():
        problems.append("no document title (/Title)")
    if not catalog.get("/ViewerPreferences", {}).get("/DisplayDocTitle"):
        problems.append("the viewer shows the file name, not the title (/DisplayDocTitle)")
    if 'pdfuaid:part="1"' not in tagged.xmp:
        problems.append("no PDF/UA-1 identification in the XMP metadata (pdfuaid:part)")
    problems += [f"{where} outside marked content" for where in tagged.unmarked]
    parent_tree = catalog["/StructTreeRoot"]["/ParentTree"] if tagged.root is not None else None
    if parent_tree is not None:
        nums = list(parent_tree.get_object()["/Nums"])
        parents = {int(nums[i]): nums[i + 1].get_object() for i in range(0, len(nums), 2)}
        for number, page in enumerate(tagged.reader.pages):
            mapped = parents.get(int(page.get("/StructParents", -1)))
            for page_number, mcid in sorted(tagged.marked):
                if page_number == number and (mapped is None or mcid >= len(mapped)):
                    problems.append(f"page {number + 1}: marked content {mcid} has no structure element")
    if tagged.root is not None:
        levels = [level for level, _ in tagged.headings]
        if levels and levels[0] != 1:
            problems.append(f"the first heading is H{levels[0]}, not H1")
        problems += [
            f"heading level skipped: H{a} then H{b}" for a, b in itertools.pairwise(levels) if b > a + 1
        ]
        for figure in tagged.root.all("Figure"):
            if not (figure.alt or "").strip():
                problems.append("an image (/Figure) without alternative text (/Alt)")
        for table in tagged.root.all("Table"):
            heads = {cell.ident for cell in table.all("TH")}
            if not heads:
                problems.append(f"a table without header cells (/TH): {table.text[:40]}")
            for cell in table.all("TD"):
                named = {str(h) for h in cell.attributes.get("/Headers", [])}
                if not named or not named <= heads:
                    problems.append(f"a data cell that names no header cell of its table: {cell.text[:40]}")
    for number, page in enumerate(tagged.reader.pages):
        for annotation in _kids(page.get("/Annots")):
            if annotation.get("/Subtype") == "/Link" and (
                "/Contents" not in annotation or "/StructParent" not in annotation
            ):
                problems.append(f"page {number + 1}: a link without description or structure element")
        for name, font in _fonts(page.get("/Resources")):
            if font.get("/Subtype") == "/Type3":
                continue
            descriptor_of = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descriptor_of.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                problems.append(f"page {number + 1}: font {name} is not embedded")
    return sorted(set(problems), key=problems.index)


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


@pytest.mark.parametrize(
    ("word", "printed"),
    [
        # A long compound is hyphenated where the Dutch dictionary allows...
        (
            "Woningmarktversnellingsprogrammaondersteuningsregelingsstudie"[:60],
            f"Woningmarktversnellings{HYPHEN} programmaondersteunings{HYPHEN} regelingsstudi",
        ),
        # ...and a string without hyphenation points breaks at any character rather than run off the page.
        ("1234567890" * 6, "123456789012345678901234 567890123456789012345678 901234567890"),
    ],
)
def test_pdf_long_word_goes_over_lines_of_its_cell_and_the_grid_stays_on_one_page(
    haarlem: Event, word: str, printed: str
) -> None:
    event = with_title(haarlem, "thema-woningmarkt", word)

    pdf = render_pdf(event)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    pages = [normalised(page.extract_text()) for page in reader.pages]
    index = grid_page_index(pages)
    grid_page = pages[index]
    tagged = read_tags(pdf)
    assert tagged.root is not None
    (cell,) = [td.text for td in tagged.root.all("TD") if td.text.startswith(f"TG Fysiek: {word[:5]}")]

    assert len(word) == 60
    assert index == 1
    assert round(float(reader.pages[index].mediabox.width), 1) == A4_LONG
    # The word is on the grid page, but over several lines of its cell: it does not run off the page.
    assert cell == f"TG Fysiek: {printed}"
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
    pdf = render_pdf(thirty_rooms)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
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
    # Each part is a table of its own, tagged with its header cells like the whole grid.
    assert ua_problems(pdf) == []


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


# ---------------------------------------------------------------------------------------------------------
# Tagged for screen readers (PDF/UA-1).


@pytest.fixture(scope="module")
def tags(booklet: bytes) -> Tagged:
    return read_tags(booklet)


def test_booklet_is_tagged_as_pdf_ua_asks(booklet: bytes) -> None:
    assert ua_problems(booklet) == []


def test_booklet_in_english_is_tagged_in_english(haarlem: Event) -> None:
    pdf = render_pdf(haarlem, lang="en")
    tagged = read_tags(pdf)

    assert ua_problems(pdf) == []
    assert tagged.catalog["/Lang"] == "en"
    assert tagged.headings[:3] == [
        (1, "Bestuurlijke netwerkdag"),
        (2, "Programme"),
        (2, "About the sessions"),
    ]


def test_the_check_fails_on_the_untagged_booklet(haarlem: Event) -> None:
    """The same HTML written as WeasyPrint does by default (the booklet before issue 16) fails the check:

    no structure tree (/StructTreeRoot); not marked as tagged (/MarkInfo /Marked); the viewer shows the
    file name, not the title (/DisplayDocTitle); no PDF/UA-1 identification in the XMP metadata
    (pdfuaid:part); page 1: f outside marked content; page 1: TJ outside marked content; ... (every page);
    page 2: a link without description or structure element; ...
    """
    untagged = HTML(string=booklet_html(haarlem), url_fetcher=URLFetcher(allowed_protocols=("data",)))

    problems = ua_problems(untagged.write_pdf())

    assert problems[:4] == [
        "no structure tree (/StructTreeRoot)",
        "not marked as tagged (/MarkInfo /Marked)",
        "the viewer shows the file name, not the title (/DisplayDocTitle)",
        "no PDF/UA-1 identification in the XMP metadata (pdfuaid:part)",
    ]
    assert "page 1: TJ outside marked content" in problems
    assert "page 2: a link without description or structure element" in problems


def test_booklet_gives_its_language_and_a_title_the_viewer_shows(tags: Tagged) -> None:
    assert tags.catalog["/Lang"] == "nl"
    assert bool(tags.catalog["/MarkInfo"]["/Marked"])
    assert bool(tags.catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert tags.reader.metadata is not None
    assert tags.reader.metadata["/Title"] == "Bestuurlijke netwerkdag – vrijdag 10 februari 2023"
    assert 'pdfuaid:part="1"' in tags.xmp


def test_booklet_headings_are_in_order_from_the_title_to_each_session(haarlem: Event, tags: Tagged) -> None:
    headings = tags.headings
    titles = [text for level, text in headings if level == 4]

    assert headings[:4] == [
        (1, "Bestuurlijke netwerkdag"),
        (2, "Programma"),
        (2, "Toelichting op het programma"),
        (3, "Pijler Sociaal"),
    ]
    assert [text for level, text in headings if level == 3] == [
        "Pijler Sociaal",
        "Pijler Fysiek",
        "Pijler Economie en Werk",
        "Themagroepen buiten de pijlers",
        "Plenaire en overige onderdelen",
        "Themagroepen zonder eigen bijeenkomst vandaag",
    ]
    # Every described session is a heading of its own, under its section.
    described = [s.title for s in haarlem.sessions if s.description.strip() or s.participants]
    assert sorted(titles) == sorted(described)
    assert "Slimme duurzame verstedelijking en mobiliteitsvernieuwing" in titles


def test_booklet_grid_is_a_table_whose_cells_name_their_room_and_time(tags: Tagged) -> None:
    assert tags.root is not None
    (table,) = tags.root.all("Table")
    heads = {cell.ident: cell.text for cell in table.all("TH")}
    cells = {cell.text: [heads[str(h)] for h in cell.attributes["/Headers"]] for cell in table.all("TD")}

    assert [kid.role for kid in table.kids] == ["Caption", "THead", "TBody"]
    assert table.kids[0].text == "Programma vrijdag 10 februari 2023"
    assert list(heads.values())[:6] == [
        "Tijd",
        "Plenair/Zaal 1 Gravenzaal",
        "Zaal 2",
        "Zaal 3",
        "Zaal 4",
        "Zaal 5",
    ]
    assert list(heads.values())[6:] == [
        "9.30", "10.00-10.25", "10.25-10.30", "10.30-11.30", "11.30-11.35", "11.40-12.40", "12.45-12.50",
        "12.50-13.50", "13.50-13.55", "13.55-14.55", "14.55-15.00", "15.00-16.00", "16.00",
    ]  # fmt: skip
    # A data cell names its row's time and its column's room: a screen reader says where and when.
    assert cells["TG Fysiek: Woningmarkt"] == ["11.40-12.40", "Zaal 2"]
    assert cells["Borrel"][0] == "16.00"


def test_booklet_reads_cover_grid_descriptions_in_order_and_leaves_the_running_footer_out(
    tags: Tagged,
) -> None:
    assert tags.root is not None
    text = dehyphenated(tags.root.text)
    order = [
        "Bestuurlijke netwerkdag",
        "Datum vrijdag 10 februari 2023",
        "Programma vrijdag 10 februari 2023",
        "9.30",
        "16.00",
        "Toelichting op het programma",
        "Pijler Sociaal",
        "Themagroepen zonder eigen bijeenkomst vandaag",
    ]

    positions = [text.find(part) for part in order]

    assert -1 not in positions
    assert positions == sorted(positions)
    # The title and page number at the foot of each page are not read between the paragraphs.
    assert set(tags.outside_tree) == {"Bestuurlijke netwerkdag · vrijdag 10 februari 2023"} | {
        str(n) for n in range(2, len(tags.reader.pages) + 1)
    }


def test_booklet_rendering_logs_no_accessibility_error(
    haarlem: Event, caplog: pytest.LogCaptureFixture
) -> None:
    # WeasyPrint logs an error for an image without alternative text or a document without language.
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render_pdf(haarlem)

    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


# ---------------------------------------------------------------------------------------------------------
# Words in narrow columns: hyphenated where the dictionary allows, never broken at any letter.


def hyphenations(tag: Tag) -> list[str]:
    """The words of `tag` printed over two lines, as "mobiliteitsvernieu-wing"."""
    return [f"{a}-{b}" for a, b in re.findall(rf"(\S+){HYPHEN} (\S+)", tag.text)]


def test_a_heading_wider_than_its_column_is_hyphenated_at_a_dutch_hyphenation_point(
    haarlem: Event, tags: Tagged
) -> None:
    """The heading used to break as "mobiliteitsvernieuwin / g", which reads back as two words
    ("mobiliteitsvernieuwin g"). Now every heading reads back as the HTML writes it, its lines joined only
    where a hyphen ends one, and the hyphen stands where the Dutch dictionary hyphenates the word."""
    assert tags.root is not None
    page = lxml.html.fromstring(booklet_html(haarlem))
    written = [(int(h.tag[1]), normalised(h.text_content())) for h in page.iter("h1", "h2", "h3", "h4")]
    dutch = pyphen.Pyphen(lang="nl_NL")
    hyphenated = [word for h in tags.root.all("H1", "H2", "H3", "H4") for word in hyphenations(h)]

    assert tags.headings == written
    assert hyphenated == ["mobiliteitsvernieu-wing"]
    assert all(word in [f"{a}-{b}" for a, b in dutch.iterate(word.replace("-", ""))] for word in hyphenated)


def test_words_that_fit_their_column_are_not_hyphenated(tags: Tagged) -> None:
    # Hyphenation is for a word wider than its line: every word of Haarlem's grid fits its column, so none
    # is hyphenated (of the headings, only the one above is).
    assert tags.root is not None
    (table,) = tags.root.all("Table")

    assert HYPHEN not in table.text
    assert "Slimme duurzame verstedelijking en mobiliteitsvernieuwing" in table.text
