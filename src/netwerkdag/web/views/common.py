"""What every view module needs: rendering with Jinja, the event of a URL, the headers of private pages,
and for the organisers' pages the check that the user organises the event, the audit log and the way back
to the event's page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.core.problems import NetwerkdagError
from netwerkdag.web import i18n, models
from netwerkdag.web.services.programme import event_of_digest, published_digest


def page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context = {"request": request, "lang": i18n.current(), **context}
    return render(request, f"web/{template}", context, status=status, using="jinja2")


@dataclass(frozen=True, slots=True)
class Published:
    """The event of a public address, the SHA-256 of its published document (what the caches of its pages
    are keyed by) and that document's programme."""

    event: models.Event
    digest: str
    core: CoreEvent


def published(slug: str) -> Published:
    """The published programme of a public address; 404 while nothing is published."""
    event = models.Event.objects.filter(slug=slug).only("pk", "slug", "title").first()
    digest = None if event is None else published_digest(event)
    if event is None or digest is None:
        raise Http404("no such programme")
    return Published(event, digest, event_of_digest(digest))


def private(response: HttpResponse, *, secret_address: bool = False) -> HttpResponse:
    """Headers for a page that holds personal data: not cached, not indexed. When its address holds a
    secret (an invitee's token), that address is never sent on as a referrer, not even to this site."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    if secret_address:
        response["Referrer-Policy"] = "no-referrer"
    return response


def too_many(request: HttpRequest, window_s: int) -> HttpResponse:
    """429 Too Many Requests, with when to try again."""
    response = page(request, "too_many.html", {"minutes": max(1, round(window_s / 60))}, status=429)
    response["Retry-After"] = str(window_s)
    return response


def download(data: bytes | str, content_type: str, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    if filename is not None:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- the organisers' pages -------------------------------------------------------------------------------

View = Callable[..., HttpResponse]


def to_event(event: models.Event) -> HttpResponse:
    """After a change: back to the event's page (303, so that reloading it sends nothing again)."""
    return HttpResponseRedirect(reverse("web:organiser-event", args=[event.slug]), status=303)


def organises(user: Any, event: models.Event) -> bool:
    return bool(user.is_superuser or models.Organiser.objects.filter(event=event, user=user).exists())


def for_organiser(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, slug: str, **kwargs: Any) -> HttpResponse:
        event = models.Event.objects.filter(slug=slug).first()
        if event is None or not organises(request.user, event):
            raise Http404("no such event")
        return private(view(request, event, **kwargs))

    return wrapped


def audit(request: HttpRequest, event: models.Event | None, action: str, **detail: Any) -> None:
    models.AuditEntry.objects.create(user=request.user, event=event, action=action, detail=detail)


def problem_lines(error: NetwerkdagError) -> list[str]:
    return [str(p) for p in error.problems]
