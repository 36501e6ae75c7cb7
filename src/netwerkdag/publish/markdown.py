"""Session descriptions are Markdown. Raw HTML in them is shown as text, never rendered (no injection), and
an image is shown as its alt text: a description must not make a reader's browser (or WeasyPrint) fetch
something from elsewhere, and the alt text is what the writer meant the reader to see in its place."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
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


def _shift_headings(tokens: Sequence[Token], top: int) -> None:
    """Renumber the text's headings so that its highest becomes `top` and none skips a level ("#" and
    "###" become h5 and h6 under a session's h4), deeper ones stopping at h6: a screen reader's outline
    (and PDF/UA) expects no gaps."""
    used = sorted({int(t.tag[1]) for t in tokens if t.type == "heading_open"})
    level = {old: min(top + rank, 6) for rank, old in enumerate(used)}
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{level[int(token.tag[1])]}"


@lru_cache(maxsize=1024)
def markdown_to_html(text: str, top: int = 2) -> Markup:
    """Safe HTML for a Markdown text; raw HTML is escaped, an image becomes its alt text, and headings
    start at level `top` (the level below the heading the text stands under). Kept per text and level:
    the invitee form and the session page render the same descriptions on every request."""
    env: dict[str, Any] = {}
    tokens = _md.parse(text, env)
    _shift_headings(tokens, top)
    html = _md.renderer.render(tokens, _md.options, env)
    return Markup(html)  # noqa: S704 - markdown-it escapes raw HTML with html=False


def markdown_to_text(text: str) -> str:
    """Plain text for formats without markup (iCalendar): paragraphs kept, soft line breaks joined."""
    paragraphs = [
        " ".join(line.strip() for line in block.splitlines() if line.strip())
        for block in text.strip().split("\n\n")
    ]
    return "\n\n".join(p for p in paragraphs if p)
