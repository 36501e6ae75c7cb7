"""Session descriptions are Markdown. Raw HTML in them is shown as text, never rendered (no injection), and
an image is shown as its alt text: a description must not make a reader's browser (or WeasyPrint) fetch
something from elsewhere, and the alt text is what the writer meant the reader to see in its place."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from markupsafe import Markup


def _image_as_alt_text(
    renderer: Any, tokens: Sequence[Token], index: int, options: Any, env: dict[str, Any]
) -> str:
    """Render `![alt](url)` as the escaped alt text alone: no <img>, no link to the URL."""
    children = tokens[index].children or []
    return escapeHtml(renderer.renderInlineAsText(children, options, env))


_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.add_render_rule("image", _image_as_alt_text)


def markdown_to_html(text: str) -> Markup:
    """Safe HTML for a Markdown text; raw HTML is escaped, an image becomes its alt text."""
    return Markup(_md.render(text))  # noqa: S704 - markdown-it escapes raw HTML with html=False


def markdown_to_text(text: str) -> str:
    """Plain text for formats without markup (iCalendar): paragraphs kept, soft line breaks joined."""
    paragraphs = [
        " ".join(line.strip() for line in block.splitlines() if line.strip())
        for block in text.strip().split("\n\n")
    ]
    return "\n\n".join(p for p in paragraphs if p)
