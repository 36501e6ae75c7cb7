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
split, and WeasyPrint repeats the room header there. A word too long for its column breaks
inside its cell rather than running off the page.

Glyphs come from the fonts installed on the machine: text in a script that no installed font covers
(Japanese, emoji on a machine with only DejaVu) prints as empty boxes; it never stops the rendering.
"""

from __future__ import annotations

from weasyprint import HTML
from weasyprint.urls import URLFetcher

from netwerkdag.core.event import Event
from netwerkdag.publish.html import render_template


def booklet_html(event: Event, *, lang: str = "nl") -> str:
    """The HTML that WeasyPrint turns into the booklet (handy to inspect the booklet's markup)."""
    return render_template("booklet.html", event, lang=lang)


def render_pdf(event: Event, *, lang: str = "nl") -> bytes:
    """The programme of `event` as a PDF booklet in `lang` ("nl" or "en")."""
    fetcher = URLFetcher(allowed_protocols=("data",))
    document = HTML(string=booklet_html(event, lang=lang), url_fetcher=fetcher, media_type="print")
    pdf: bytes = document.write_pdf()
    return pdf
