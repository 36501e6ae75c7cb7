"""The programme as an A4 booklet (PDF): a cover, each day's grid on one landscape page, the descriptions.

The booklet is the HTML of `booklet.html` laid out by WeasyPrint. It shares the grid and description
partials with the web page, so both always show the same programme. Rendering touches no network: the
URL fetcher accepts `data:` URLs only and every other URL is refused.
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
