"""Languages of published output: Dutch by default, English on request.

Message ids are English; `locale/<lang>/LC_MESSAGES/netwerkdag.po` holds the translations, read at run
time and compiled in memory (no build step). English needs no catalogue. Dates and times are formatted the
way each language writes them: Dutch "9.30" and "vrijdag 10 februari 2023", English "9:30" and
"Friday 10 February 2023".
"""

from __future__ import annotations

import gettext
import io
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel.dates import format_date as _babel_date
from babel.messages.mofile import write_mo
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
    compiled = io.BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out; plural forms are kept
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def format_time(moment: datetime, lang: str) -> str:
    """A time as a printed programme writes it: "9.30" and "16.00" in Dutch, "9:30" in English."""
    separator = "." if lang == "nl" else ":"
    return f"{moment.hour}{separator}{moment.minute:02d}"


def format_time_range(start: datetime, end: datetime | None, lang: str) -> str:
    """ "10.00-10.25" in Dutch, "10:00-10:25" in English; only the start when `end` is None."""
    if end is None:
        return format_time(start, lang)
    return f"{format_time(start, lang)}-{format_time(end, lang)}"


def format_day(day: date, lang: str) -> str:
    """ "vrijdag 10 februari 2023" in Dutch, "Friday 10 February 2023" in English."""
    return str(_babel_date(day, format="EEEE d MMMM y", locale="nl_NL" if lang == "nl" else "en_GB"))
