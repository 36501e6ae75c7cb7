"""Public pages: the published days (date, venue, host), the programme grid, a page per session with its
date, place and places left, and the exports at stable addresses (frab JSON and XML, iCalendar, the
booklet PDF), all from the published version."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.template import engines
from django.utils import translation
from django.views.decorators.http import require_safe
from markupsafe import Markup

from netwerkdag.publish import frab
from netwerkdag.publish.html import Programme, programme_view, session_anchor
from netwerkdag.publish.i18n import format_day
from netwerkdag.publish.ical import ical
from netwerkdag.publish.labels import place_name, round_heading, session_times
from netwerkdag.publish.markdown import markdown_to_html
from netwerkdag.publish.pdf import render_pdf
from netwerkdag.web import i18n, models
from netwerkdag.web.services.programme import event_of_digest, published_digest
from netwerkdag.web.views.common import download, page, published


@dataclass(frozen=True, slots=True)
class Card:
    """A published day as the home page shows it, from its published version."""

    slug: str
    p: Programme
    town: str | None


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    lang = i18n.current()
    cards = []
    for event in models.Event.objects.filter(versions__isnull=False).distinct():
        digest = published_digest(event)
        if digest is not None:
            cards.append(Card(event.slug, _view(digest, lang), event_of_digest(digest).venue.city))
    return page(request, "home.html", {"cards": cards})


# Every cache below is keyed by the SHA-256 of the published document (`published_digest`), never by a
# database id: a page is a function of the document, and a restored backup reuses ids for other ones.


@lru_cache(maxsize=16)
def _view(digest: str, lang: str) -> Programme:
    return programme_view(event_of_digest(digest), lang=lang)


def programme_of(digest: str, lang: str) -> Programme:
    """The view of a published document in `lang` (date, venue, host, the session descriptions), built
    once per process: the invitee's form shows the same descriptions as the programme page."""
    return _view(digest, lang)


@lru_cache(maxsize=32)
def _fragment(digest: str, lang: str, template: str) -> Markup:
    """A part of the programme page (the grid, the session descriptions) rendered once per process,
    published document and language. The places left are added per request."""
    with translation.override(lang):
        html = engines["jinja2"].env.get_template(template).render(p=_view(digest, lang))
    return Markup(html)  # noqa: S704 - rendered by our autoescaping environment


@lru_cache(maxsize=32)
def _export(digest: str, what: str, lang: str) -> bytes:
    core = event_of_digest(digest)
    if what == "json":
        return frab.frab_json_text(core).encode("utf-8")
    if what == "xml":
        return frab.frab_xml(core).encode("utf-8")
    if what == "ics":
        return ical(core, lang=lang)
    return render_pdf(core, lang=lang)


#: Programme pages as sent, by (published document's digest, language, the places left of every
#: session): the page is a function of exactly these, so a hit is never stale. Kept per process, the
#: newest few.
_PAGES: OrderedDict[tuple[object, ...], bytes] = OrderedDict()
_PAGES_LOCK = threading.Lock()
_PAGES_KEPT = 64


def _cached_page(key: tuple[object, ...], render: Callable[[], HttpResponse]) -> HttpResponse:
    with _PAGES_LOCK:
        html = _PAGES.get(key)
        if html is not None:
            _PAGES.move_to_end(key)
    if html is not None:
        return HttpResponse(html, content_type="text/html; charset=utf-8")
    response = render()
    if response.status_code == 200:
        with _PAGES_LOCK:
            _PAGES[key] = response.content
            while len(_PAGES) > _PAGES_KEPT:
                _PAGES.popitem(last=False)
    return response


@require_safe
def programme(request: HttpRequest, slug: str) -> HttpResponse:
    found = published(slug)
    core, lang = found.core, i18n.current()
    rows = [
        row
        for row in models.Seats.objects.filter(event=found.event, active=True, capacity__isnull=False)
        if not row.key.opt_in and core.has_block(row.slot) and core.has_session(row.session_id)
    ]

    def render() -> HttpResponse:
        slots: dict[str, list[models.Seats]] = {}
        for row in sorted(rows, key=lambda r: (core.session(r.session_id).start, r.session_id)):
            slots.setdefault(row.slot, []).append(row)
        return page(
            request,
            "programme.html",
            {
                "event": found.event,
                "p": _view(found.digest, lang),
                "grid": _fragment(found.digest, lang, "_programme.html"),
                "sessions": _fragment(found.digest, lang, "_sessions.html"),
                "slots": [
                    (round_heading(core, core.block(slot), lang), members) for slot, members in slots.items()
                ],
            },
        )

    if request.COOKIES.get("messages") or request.COOKIES.get(settings.SESSION_COOKIE_NAME):
        return render()  # a note to show, or someone logged in: rendered for them alone
    places = tuple(sorted((r.session_id, r.capacity, r.taken) for r in rows))
    return _cached_page((found.digest, lang, places), render)


@require_safe
def session(request: HttpRequest, slug: str, session_id: str) -> HttpResponse:
    found = published(slug)
    if not found.core.has_session(session_id):
        raise Http404("no such session")
    core, lang = found.core, i18n.current()
    p = _view(found.digest, lang)
    anchor = session_anchor(session_id)
    entry = next((d for section in p.sections for d in section.items if d.id == anchor), None)
    seats = models.Seats.objects.filter(event=found.event, session_id=session_id, active=True).first()
    the_session = core.session(session_id)
    start = the_session.start.astimezone(core.tz)
    return page(
        request,
        "session.html",
        {
            "event": found.event,
            "p": p,
            "entry": entry,
            "session": the_session,
            "seats": seats,
            # Its own times (a session that ends before its block shows its own end), in the event's zone.
            "day": format_day(start.date(), lang),
            "time": session_times(core, the_session, lang),
            "room": place_name(core, the_session, lang),
            # Its description with headings below the page's "About this session" (h2).
            "body": markdown_to_html(the_session.description, top=3) if entry and entry.body else None,
        },
    )


def _exported(slug: str, what: str, content_type: str, lang: str = "") -> HttpResponse:
    found = published(slug)
    response = download(_export(found.digest, what, lang), content_type)
    response["ETag"] = f'"{found.digest}-{what}-{lang}"'
    return response


@require_safe
def schedule_json(request: HttpRequest, slug: str) -> HttpResponse:
    return _exported(slug, "json", "application/json; charset=utf-8")


@require_safe
def schedule_xml(request: HttpRequest, slug: str) -> HttpResponse:
    return _exported(slug, "xml", "application/xml; charset=utf-8")


@require_safe
def schedule_ics(request: HttpRequest, slug: str) -> HttpResponse:
    response = _exported(slug, "ics", "text/calendar; charset=utf-8", i18n.current())
    response["Content-Disposition"] = f'attachment; filename="{slug}.ics"'
    return response


@require_safe
def booklet(request: HttpRequest, slug: str) -> HttpResponse:
    lang = i18n.current()
    response = _exported(slug, "pdf", "application/pdf", lang)
    response["Content-Disposition"] = f'inline; filename="{slug}-{lang}.pdf"'
    return response
