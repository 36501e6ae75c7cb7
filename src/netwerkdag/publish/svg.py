"""SVG written as text, every text and attribute escaped: what the charts of the web pages (web/charts.py)
and of the reach report (reach_charts.py) are drawn with."""

from __future__ import annotations

from collections.abc import Mapping

from markupsafe import escape


def attributes(values: Mapping[str, object]) -> str:
    """` name="value"` for each attribute; a Python name's trailing underscore is dropped and the others
    become hyphens (`class_` → `class`, `text_anchor` → `text-anchor`); None and "" are left out."""
    return "".join(
        f' {name.rstrip("_").replace("_", "-")}="{escape(str(value))}"'
        for name, value in values.items()
        if value is not None and value != ""
    )


def element(tag: str, content: str | None = None, /, **attrs: object) -> str:
    """An element with `content` (already SVG: escape text first), or empty."""
    if content is None:
        return f"<{tag}{attributes(attrs)}/>"
    return f"<{tag}{attributes(attrs)}>{content}</{tag}>"


def text(words: str, **attrs: object) -> str:
    """A <text> element holding `words`, escaped."""
    return element("text", str(escape(words)), **attrs)
