"""The organisers' page "Nieuwe netwerkdag": a new day without writing YAML, as a copy of one of their days
on a new date at a new venue, or from a short form (date, venue, rooms, rounds). Only for users who may
add events (the permission web.add_event, as for importing an event file); the maker organises the new
day and lands on its page, where its event file can be downloaded and its rooms and sessions edited."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.core.problems import NetwerkdagError
from netwerkdag.publish.i18n import format_day
from netwerkdag.web import i18n, models
from netwerkdag.web.services import new_day, programme
from netwerkdag.web.views.common import audit, page, private, problem_lines, to_event

#: The fields of the two forms, as the page names them.
FIELDS = (
    "source",
    "network",
    "network_name",
    "slug",
    "title",
    "date",
    "venue",
    "address",
    "city",
    "host",
    "rooms",
    "rounds",
    "opening",
    "lunch",
    "drinks",
    "language",
)
FORMS = ("copy", "scratch")
#: Events whose networks suggest hosts in the form (the most recent ones).
SUGGESTING_EVENTS = 10


def _own_events(user: Any) -> QuerySet[models.Event]:
    events = models.Event.objects.all()
    return events if user.is_superuser else events.filter(organisers__user=user)


def _programme_of(event: models.Event) -> CoreEvent:
    """The published programme of an event, or its draft while nothing is published."""
    return programme.published_event(event) or programme.draft_event(event)


def _own_event(user: Any, slug: str) -> models.Event | None:
    return _own_events(user).filter(slug=slug).first() if slug else None


def _host_names(events: list[models.Event]) -> list[str]:
    """The organisations of the networks of the user's latest events, for the host field to suggest."""
    names: set[str] = set()
    for event in events[:SUGGESTING_EVENTS]:
        try:
            core = _programme_of(event)
        except NetwerkdagError:
            continue  # a broken draft suggests nothing
        names.update(o.name for o in core.network.organisations)
    return sorted(names, key=str.casefold)


def _show(
    request: HttpRequest,
    which: str = "",
    values: dict[str, str] | None = None,
    problems: list[new_day.FormProblem] | None = None,
) -> HttpResponse:
    events = list(_own_events(request.user))
    lang = i18n.current()
    sources = [(e.slug, e.title, format_day(timezone.localtime(e.starts_at).date(), lang)) for e in events]
    problems = problems or []
    return private(
        page(
            request,
            "organiser/new_day.html",
            {
                "sources": sources,
                "hosts": _host_names(events),
                "which": which,
                "values": values or {},
                "problems": problems,
                "wrong": {p.field for p in problems},
                "today": timezone.localdate().isoformat(),
            },
            status=400 if problems else 200,
        )
    )


def _made(request: HttpRequest, which: str, data: dict[str, str]) -> tuple[new_day.NewDay, str]:
    """The new day of the form `which`, and the slug of the event it was copied from or took its network
    from ("" for none)."""
    if which == "copy":
        source = _own_event(request.user, data["source"])
        if source is None:
            raise new_day.NewDayError(
                [new_day.FormProblem("source", i18n.gettext("Choose one of your events to copy."))]
            )
        return new_day.copy_from_form(_programme_of(source), data), source.slug
    network_event = _own_event(request.user, data["network"])
    if data["network"] and network_event is None:
        raise new_day.NewDayError(
            [new_day.FormProblem("network", i18n.gettext("Choose the network of one of your events."))]
        )
    network = None if network_event is None else _programme_of(network_event).network
    return new_day.day_from_post(data, network), data["network"]


def _create(request: HttpRequest, made: new_day.NewDay) -> models.Event:
    """Store the new day as a draft that the user organises. A slug taken in the meantime (by someone
    else's new day at the same moment) stores nothing: import_event would replace that event."""
    slug = made.event.slug
    with transaction.atomic():
        if new_day.slug_taken(slug):
            raise new_day.taken(slug)
        event = programme.import_event(made.text, f"{slug}.yaml")
        if models.Organiser.objects.filter(event=event).exists():
            raise new_day.taken(slug)  # rolls back what the import wrote into that event
        models.Organiser.objects.create(event=event, user=request.user)
    return event


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def new_day_page(request: HttpRequest) -> HttpResponse:
    """Both forms on one page; a POST says which with `form`, and makes the day or shows what to fix."""
    if not request.user.has_perm("web.add_event"):
        raise PermissionDenied
    if request.method != "POST":
        return _show(request)
    which = request.POST.get("form", "")
    if which not in FORMS:
        which = "copy"
    data = {name: request.POST.get(name, "") for name in FIELDS}
    try:
        made, source = _made(request, which, data)
        event = _create(request, made)
    except new_day.NewDayError as error:
        return _show(request, which, data, list(error.found))
    except NetwerkdagError as error:
        found = [new_day.FormProblem("", line) for line in problem_lines(error)]
        return _show(request, which, data, found)
    audit(request, event, "new-day", how=which, source=source)
    messages.success(
        request,
        i18n.gettext("The new day is saved as a draft; publish it when its programme is complete."),
    )
    for note in made.notes:
        messages.info(request, note)
    return to_event(event)
