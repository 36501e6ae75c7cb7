"""The web app speaks Dutch by default and English on request, from the one catalogue."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

from netwerkdag.publish.i18n import translations

WEB = Path(__file__).resolve().parents[2] / "src" / "netwerkdag" / "web"


def test_dutch_catalogue_translates_every_web_message() -> None:
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
    options = {pattern: {"extensions": "jinja2.ext.i18n"} for pattern, kind in method_map if kind == "jinja2"}
    ids = {msg for _, _, msg, *_ in extract_from_dir(str(WEB), method_map, options_map=options)}
    dutch = translations("nl")
    singular = {i if isinstance(i, str) else i[0] for i in ids}

    untranslated = sorted(i for i in singular if dutch.gettext(i) == i)

    # Python (i18n.gettext) and both kinds of template (pages, mails) are read.
    assert {
        "Your registration is saved. A confirmation is on its way.",
        "Will you come?",
        "Dear %(name)s,",
    } <= singular
    same_in_dutch = ["%(name)s: %(state)s", "Catering", "Link", "Mail", "Site", "Status"]
    assert untranslated == same_in_dutch
    assert dutch.ngettext("%(num)s place left", "%(num)s places left", 3) % {"num": 3} == "nog 3 plaatsen"
