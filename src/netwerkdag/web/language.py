"""Choose the language of a request: ``?lang=en`` (remembered in a cookie), else the cookie, else Dutch.

The browser's Accept-Language is not followed on purpose: Dutch public bodies publish in Dutch by default
and offer English on request.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from netwerkdag.publish.i18n import DEFAULT_LANGUAGE, LANGUAGES

COOKIE = "netwerkdag_lang"


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        asked = request.GET.get("lang")
        lang = asked if asked in LANGUAGES else request.COOKIES.get(COOKIE, DEFAULT_LANGUAGE)
        if lang not in LANGUAGES:
            lang = DEFAULT_LANGUAGE
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        response = self.get_response(request)
        if asked in LANGUAGES and request.COOKIES.get(COOKIE) != asked:
            response.set_cookie(COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
        response.headers.setdefault("Content-Language", lang)
        translation.deactivate()
        return response
