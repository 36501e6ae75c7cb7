"""What every view module needs: rendering with Jinja, the event of a URL, the headers of private pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.web import i18n, models
from netwerkdag.web.services.programme import published_event


def page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context = {"request": request, "lang": i18n.current(), **context}
    return render(request, f"web/{template}", context, status=status, using="jinja2")


def published(slug: str) -> tuple[models.Event, CoreEvent]:
    """The event of a public URL and its published programme; 404 while nothing is published."""
    event = models.Event.objects.filter(slug=slug).first()
    core = None if event is None else published_event(event)
    if event is None or core is None:
        raise Http404("no such programme")
    return event, core


def private(response: HttpResponse, *, secret_address: bool = False) -> HttpResponse:
    """Headers for a page that holds personal data: not cached, not indexed. When its address holds a
    secret (an invitee's token), that address is never sent on as a referrer, not even to this site."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    if secret_address:
        response["Referrer-Policy"] = "no-referrer"
    return response


def download(data: bytes | str, content_type: str, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    if filename is not None:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
