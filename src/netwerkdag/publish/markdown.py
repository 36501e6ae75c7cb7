"""Session descriptions are Markdown. Raw HTML in them is shown as text, never rendered (no injection)."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markupsafe import Markup

# Images are off: a description must not make a reader's browser fetch something from elsewhere.
_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable("image")


def markdown_to_html(text: str) -> Markup:
    """Safe HTML for a Markdown text; raw HTML is escaped."""
    return Markup(_md.render(text))  # noqa: S704 - markdown-it escapes raw HTML with html=False


def markdown_to_text(text: str) -> str:
    """Plain text for formats without markup (iCalendar): paragraphs kept, soft line breaks joined."""
    paragraphs = [
        " ".join(line.strip() for line in block.splitlines()) for block in text.strip().split("\n\n")
    ]
    return "\n\n".join(p for p in paragraphs if p)
