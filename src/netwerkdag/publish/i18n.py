"""Languages of published output: Dutch by default, English on request.

Message ids are English; `locale/<lang>/LC_MESSAGES/netwerkdag.po` holds the translations and is read at
run time (no compile step). English needs no catalogue. Dates and times are formatted the way each
language writes them: Dutch "10.30" and "vrijdag 10 februari 2023", English "10:30" and
"Friday 10 February 2023".
"""

from __future__ import annotations

import gettext
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel.dates import format_date as _babel_date
from babel.messages.pofile import read_po
from babel.support import Translations

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "netwerkdag"


class UnknownLanguage(ValueError):
    pass


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The gettext translations for `lang` (an English `NullTranslations` for "en")."""
    if lang not in LANGUAGES:
        raise UnknownLanguage(f"unknown language '{lang}'; use one of: {', '.join(LANGUAGES)}")
    po_file = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if lang == "en" or not po_file.is_file():
        return gettext.NullTranslations()
    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    result = Translations(domain=DOMAIN)
    for message in catalog:
        if message.id and message.string and not message.fuzzy:
            result._catalog[message.id] = message.string  # type: ignore[attr-defined]
    return result


def format_time(moment: datetime, lang: str) -> str:
    """"10.30" in Dutch, "10:30" in English."""
    return moment.strftime("%H.%M" if lang == "nl" else "%H:%M")


def format_day(day: date, lang: str) -> str:
    """"vrijdag 10 februari 2023" in Dutch, "Friday 10 February 2023" in English."""
    return str(_babel_date(day, format="EEEE d MMMM y", locale="nl_NL" if lang == "nl" else "en_GB"))
