"""Public pages: the programme grid, a page per session with the places left, and the exports at stable
addresses (frab JSON and XML, iCalendar, the booklet PDF), all from the published version."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from netwerkdag.publish import frab
from netwerkdag.publish.html import programme_view, session_anchor
from netwerkdag.publish.ical import ical
from netwerkdag.publish.pdf import render_pdf
from netwerkdag.web import i18n, models
from netwerkdag.web.services.programme import event_from_document
from netwerkdag.web.views.common import download, page, published


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    events = [e for e in models.Event.objects.all() if e.published is not None]
    return page(request, "home.html", {"events": events})


def _seats(event: models.Event) -> dict[str, models.Seats]:
    return {s.session_id: s for s in models.Seats.objects.filter(event=event, active=True)}


@require_safe
def programme(request: HttpRequest, slug: str) -> HttpResponse:
    event, core = published(slug)
    lang = i18n.current()
    seats = _seats(event)
    slots: dict[str, list[models.Seats]] = {}
    for row in sorted(seats.values(), key=lambda r: (core.session(r.session_id).start, r.session_id)):
        if row.capacity is not None and not row.slot.startswith("session:"):
            slots.setdefault(row.slot, []).append(row)
    slot_rows = [(core.block(slot), rows) for slot, rows in slots.items()]
    return page(
        request,
        "programme.html",
        {"event": event, "p": programme_view(core, lang=lang), "slots": slot_rows, "core": core},
    )


@require_safe
def session(request: HttpRequest, slug: str, session_id: str) -> HttpResponse:
    event, core = published(slug)
    if not core.has_session(session_id):
        raise Http404("no such session")
    p = programme_view(core, lang=i18n.current())
    anchor = session_anchor(session_id)
    entry = next((d for section in p.sections for d in section.items if d.id == anchor), None)
    return page(
        request,
        "session.html",
        {
            "event": event,
            "p": p,
            "entry": entry,
            "session": core.session(session_id),
            "seats": _seats(event).get(session_id),
            "core": core,
        },
    )


@require_safe
def schedule_json(request: HttpRequest, slug: str) -> HttpResponse:
    _, core = published(slug)
    return download(frab.frab_json_text(core).encode("utf-8"), "application/json; charset=utf-8")


@require_safe
def schedule_xml(request: HttpRequest, slug: str) -> HttpResponse:
    _, core = published(slug)
    return download(frab.frab_xml(core).encode("utf-8"), "application/xml; charset=utf-8")


@require_safe
def schedule_ics(request: HttpRequest, slug: str) -> HttpResponse:
    _, core = published(slug)
    return download(ical(core, lang=i18n.current()), "text/calendar; charset=utf-8", f"{slug}.ics")


@lru_cache(maxsize=8)
def _booklet(key: str, document: str, lang: str) -> bytes:
    del key
    return render_pdf(event_from_document(document), lang=lang)


@require_safe
def booklet(request: HttpRequest, slug: str) -> HttpResponse:
    event, _ = published(slug)
    version = event.published
    if version is None:  # unpublished between the two reads
        raise Http404("no such programme")
    lang = i18n.current()
    key = hashlib.sha256(version.document.encode("utf-8")).hexdigest()
    data = _booklet(key, version.document, lang)
    response = download(data, "application/pdf")
    response["Content-Disposition"] = f'inline; filename="{slug}-{lang}.pdf"'
    return response
