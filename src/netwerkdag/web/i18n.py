"""The web app's language: Dutch by default, English on request; one catalogue with the published output.

Texts are looked up in `netwerkdag/locale/<lang>/LC_MESSAGES/netwerkdag.po` (message ids in English), the
catalogue the booklet and the page use, through the language Django has active for this request or mail.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.utils import translation

from netwerkdag.publish.i18n import DEFAULT_LANGUAGE, LANGUAGES, translations


def current() -> str:
    lang = translation.get_language() or DEFAULT_LANGUAGE
    lang = lang.split("-")[0]
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def gettext(message: str, **values: Any) -> str:
    text = translations(current()).gettext(message)
    return text % values if values else text


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Speak `lang` inside the block (a mail to a person in their own language)."""
    with translation.override(lang if lang in LANGUAGES else DEFAULT_LANGUAGE):
        yield


def N_(message: str) -> str:
    """Mark `message` for the catalogue without translating it (a service's message, translated by the
    page that shows it; the command line stays English)."""
    return message


class Refusal(Exception):
    """What a person asked cannot be done as asked, and nothing was changed: the base of the services'
    refusals. `message` is English and in the catalogue (`N_`), with `%(name)s` places for `values`; a
    page says it in its reader's language with `gettext(refusal.message, **refusal.values)`, the command
    line and the logs read `str(refusal)`."""

    def __init__(self, message: str, **values: object) -> None:
        self.message, self.values = message, values
        super().__init__(message % values if values else message)
