"""Markdown in descriptions: raw HTML shown as text, an image as its alt text, plain text for calendars."""

from __future__ import annotations

from netwerkdag.publish.markdown import markdown_to_html, markdown_to_text


def test_markdown_image_renders_as_its_alt_text_without_link() -> None:
    html = markdown_to_html('Zie ![de *kaart*](http://x/y.png "titel") hier.')

    assert html == "<p>Zie de kaart hier.</p>\n"


def test_markdown_image_alt_text_is_escaped() -> None:
    html = markdown_to_html("![<script>alert(1)</script>](http://x/y.png)")

    assert html == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"


def test_markdown_linked_image_keeps_the_link_with_the_alt_text() -> None:
    html = markdown_to_html("[![logo](http://x/logo.png)](https://example.org/)")

    assert html == '<p><a href="https://example.org/">logo</a></p>\n'


def test_markdown_raw_html_is_shown_as_text() -> None:
    html = markdown_to_html('<img src="x" onerror="alert(1)"> en *nadruk*')

    assert html == "<p>&lt;img src=&quot;x&quot; onerror=&quot;alert(1)&quot;&gt; en <em>nadruk</em></p>\n"


def test_markdown_to_text_keeps_paragraphs_and_joins_soft_breaks() -> None:
    assert markdown_to_text("Een\nregel\n\n\nTweede  ") == "Een regel\n\nTweede"


def test_markdown_headings_start_below_the_heading_they_stand_under_and_skip_no_level() -> None:
    html = markdown_to_html("# Doel\n\ntekst\n\n### Opzet\n\n## Vragen\n\n#### Diep\n", top=5)

    assert [line[:4] for line in html.splitlines() if line.startswith("<h")] == [
        "<h5>",
        "<h6>",
        "<h6>",
        "<h6>",
    ]


def test_markdown_headings_keep_their_order_under_a_page_heading() -> None:
    html = markdown_to_html("### Doel\n\n#### Opzet\n", top=2)

    assert html == "<h2>Doel</h2>\n<h3>Opzet</h3>\n"
