"""The programme as an A4 booklet (PDF): a cover, each day's grid on landscape pages, the descriptions.

The booklet is the HTML of `booklet.html` laid out by WeasyPrint. It shares the grid and description
partials with the web page, so both always show the same programme. Rendering touches no network: the
URL fetcher accepts `data:` URLs only and every other URL is refused, and Markdown images are printed as
their alt text.

The grid of a day gets landscape pages of at most `html.BOOKLET_ROOMS_PER_PAGE` (6) room columns: a day
with more rooms is split into parts of as equal a size as possible (30 rooms: 5 pages of 6), each with the
time column and every row, captioned "(deel 1 van 5)"; rows across the rooms (walk-in, lunch, transfers)
repeat on every part, and the notes under the grid (all-day sessions, the legend) follow the last part.
Haarlem's five rooms fit one page. A grid (or part) of more than 15 rows is set in smaller type. A part
that is still too long for one page (many rows, long titles) continues on the next page: rows are not
split, and WeasyPrint repeats the room header there. A word too long for its column goes over several
lines of its cell rather than running off the page (see below).

Glyphs come from the fonts installed on the machine: text in a script that no installed font covers
(Japanese, emoji on a machine with only DejaVu) prints as empty boxes; it never stops the rendering.

Every PDF netwerkdag writes (the booklet; in the web app also the personal programme and the badges)
goes through `accessible_pdf`: a tagged PDF/UA-1 (ISO 14289-1), as the Dutch accessibility rules ask of
documents on public sites. WeasyPrint writes the structure tree from the HTML (headings as /H1../H6,
tables as /Table with /TH and /TD, lists, links with their target, images as /Figure with their alt
text), the document's language from ``<html lang>``, its title from ``<title>`` (shown by the viewer
instead of the file name) and the PDF/UA identification in the XMP metadata; what it needs from the
HTML is therefore a ``lang``, a ``<title>``, headings in order without skipped levels, header cells
with a scope, an ``alt`` on every image, and the reading order in the order of the markup.

Headings and grid cells never break inside a word the way a narrow column would ("mobiliteitsvernieuwin
/ g"): a word wider than its column is hyphenated where the language's dictionary allows
(`hyphens: auto` with `hyphenate-limit-zone: 100%`, so a word that fits its line is never hyphenated),
and only a string without hyphenation points (a long number) breaks at any character.
"""

from __future__ import annotations

from weasyprint import HTML
from weasyprint.urls import URLFetcher

from netwerkdag.core.event import Event
from netwerkdag.publish.html import render_template


def booklet_html(event: Event, *, lang: str = "nl") -> str:
    """The HTML that WeasyPrint turns into the booklet (handy to inspect the booklet's markup)."""
    return render_template("booklet.html", event, lang=lang)


#: The PDF variant of every PDF netwerkdag writes: tagged for screen readers (PDF/UA-1, ISO 14289-1).
PDF_VARIANT = "pdf/ua-1"


def accessible_pdf(html: str) -> bytes:
    """`html` laid out by WeasyPrint as a tagged PDF/UA-1. Only `data:` URLs are fetched (an image such
    as a QR code is inlined); any other URL is refused, so rendering never touches the network or the
    file system. The HTML must give what PDF/UA needs (see the module's docstring)."""
    fetcher = URLFetcher(allowed_protocols=("data",))
    document = HTML(string=html, url_fetcher=fetcher, media_type="print")
    pdf: bytes = document.write_pdf(pdf_variant=PDF_VARIANT)
    return pdf


def render_pdf(event: Event, *, lang: str = "nl") -> bytes:
    """The programme of `event` as a PDF booklet in `lang` ("nl" or "en"), tagged (PDF/UA-1)."""
    return accessible_pdf(booklet_html(event, lang=lang))
