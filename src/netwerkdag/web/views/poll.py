"""The interest poll's pages (services/poll.py): the person's, reached by their personal link, where they
rank the planned sessions and tick the parts of the day they can attend; and the organiser's, where the
poll is opened and closed and the demand per session is set against its seats. Opening a page changes
nothing; every change is a POST from a button, protected against CSRF."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe
from markupsafe import Markup

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.publish import labels
from netwerkdag.publish.markdown import markdown_to_html
from netwerkdag.publish.tables import csv_text
from netwerkdag.web import i18n, models
from netwerkdag.web.services import dashboard, poll
from netwerkdag.web.views.common import audit, download, for_organiser, page
from netwerkdag.web.views.invitee import with_invitation

#: The form's field names: per choice `rank-<choice>`; the parts of the day `part` (one per ticked round).
RANK, PART = "rank-", "part"


@dataclass(frozen=True, slots=True)
class Row:
    """A choice as the person's form shows it, with the value the form holds ("", "want" or a rank)."""

    option: poll.Option
    about: Markup | None
    value: str


@dataclass(frozen=True, slots=True)
class Part:
    id: str
    label: str
    ticked: bool


def _values_of(answer: poll.Answer | None) -> tuple[dict[str, str], frozenset[str] | None]:
    if answer is None:
        return {}, None
    values = {c: "want" if r is None else str(r) for c, r in answer.ranks.items()}
    return values, answer.parts


def _render_person(
    request: HttpRequest,
    invitation: models.Invitation,
    token: str,
    status: int = 200,
    posted: Mapping[str, str] | None = None,
    posted_parts: frozenset[str] | None = None,
) -> HttpResponse:
    """The person's poll page, filled with what they sent (a form to correct) or with their saved answer."""
    invitee = invitation.invitee
    event = invitee.event
    core = poll.poll_event(event)
    lang = i18n.current()
    answer = poll.saved(invitee)
    values, ticked = _values_of(answer)
    if posted is not None:
        values, ticked = dict(posted), posted_parts
    rows = []
    if core is not None:
        rows = [
            Row(
                o,
                markdown_to_html(o.description, top=3) if o.description.strip() else None,
                values.get(o.choice, ""),
            )
            for o in poll.options(core)
        ]
    parts = [] if core is None else _parts(core, lang, ticked)
    return page(
        request,
        "invitee_poll.html",
        {
            "invitee": invitee,
            "event": event,
            "token": token,
            "rows": rows,
            "parts": parts,
            "ranks": range(1, len(rows) + 1),
            "open": poll.is_open(event) and invitee.withdrawn_at is None and core is not None,
            "closed": poll.has_closed(event),
            "answered": answer is not None,
            "closes": _moment(event.poll_closes_at, core, lang),
            "content_lang": core.language if core is not None and core.language != lang else None,
            "field": {"rank": RANK, "part": PART},
        },
        status=status,
    )


def _parts(core: CoreEvent, lang: str, ticked: frozenset[str] | None) -> list[Part]:
    return [
        Part(b.id, labels.round_heading(core, b, lang), ticked is None or b.id in ticked)
        for b in poll.parts(core)
    ]


def _moment(moment: datetime | None, core: CoreEvent | None, lang: str) -> str:
    if moment is None:
        return ""
    return dashboard.moment_text(moment, dashboard.event_zone(core), lang)


def _here(token: str) -> str:
    return reverse("web:invitee-poll", kwargs={"token": token})


@require_http_methods(["GET", "HEAD", "POST"])
@with_invitation
def invitee_poll(request: HttpRequest, invitation: models.Invitation, token: str) -> HttpResponse:
    if request.method != "POST":
        return _render_person(request, invitation, token)
    post = request.POST
    posted = {k.removeprefix(RANK): v for k, v in post.items() if k.startswith(RANK)}
    posted_parts = frozenset(post.getlist(PART))
    try:
        ranks: dict[str, int | None] = {}
        for choice, text in posted.items():
            chosen, rank = poll.read_rank(text)
            if chosen:
                ranks[choice] = rank
        poll.save_answer(invitation.invitee, poll.Answer(ranks, posted_parts))
    except poll.PollProblem as problem:
        messages.error(request, i18n.gettext(problem.message, **problem.values))
        return _render_person(request, invitation, token, 400, posted, posted_parts)
    except poll.PollClosed:
        messages.error(request, i18n.gettext("The poll is closed; nothing was changed."))
        return _render_person(request, invitation, token, 409)
    messages.success(
        request, i18n.gettext("Thank you! Your answer is saved; you can change it until the poll closes.")
    )
    return HttpResponseRedirect(_here(token), status=303)


# --- the organiser's page -----------------------------------------------------------------------------------


def _to_poll(event: models.Event) -> HttpResponse:
    return HttpResponseRedirect(reverse("web:organiser-poll", args=[event.slug]), status=303)


@require_http_methods(["GET", "HEAD", "POST"])
@for_organiser
def organiser_poll(request: HttpRequest, event: models.Event) -> HttpResponse:
    """The poll: open it until a time, close it, and what the answers say per session."""
    core = poll.poll_event(event)
    zone = dashboard.event_zone(core)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "close":
            if poll.close_poll(event):
                audit(request, event, "close-poll")
                messages.success(request, i18n.gettext("The poll is closed."))
            return _to_poll(event)
        if action != "open":
            return _to_poll(event)
        value = request.POST.get("closes_at", "").strip()
        try:
            closes_at = timezone.make_aware(datetime.strptime(value, "%Y-%m-%dT%H:%M"), zone)
            poll.open_poll(event, closes_at)
        except ValueError:
            messages.error(request, i18n.gettext("Give the date and time as 2023-02-03 17:00."))
            return _to_poll(event)
        except poll.NotOpenable as problem:
            messages.error(request, i18n.gettext(problem.message, **problem.values))
            return _to_poll(event)
        audit(request, event, "open-poll", closes_at=value)
        messages.success(request, i18n.gettext("The poll is open."))
        return _to_poll(event)
    lang = i18n.current()
    summary = None if core is None else poll.demand(event, core)
    return page(
        request,
        "organiser/poll.html",
        {
            "event": event,
            "core": core,
            "summary": summary,
            "open": poll.is_open(event),
            "closed": poll.has_closed(event),
            "closes": _moment(event.poll_closes_at, core, lang),
            "opened": _moment(event.poll_opened_at, core, lang),
            "closes_input": ""
            if event.poll_closes_at is None
            else event.poll_closes_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
            "part_label": (lambda b: labels.round_heading(core, b, lang)) if core is not None else None,
            "content_lang": core.language if core is not None and core.language != lang else None,
        },
    )


@require_safe
@for_organiser
def organiser_poll_export(request: HttpRequest, event: models.Event) -> HttpResponse:
    """The answers as CSV, without names (services/poll.py: `answers_table`)."""
    core = poll.poll_event(event)
    rows = [] if core is None else poll.answers_table(event, core)
    return download(csv_text(rows).encode("utf-8"), "text/csv; charset=utf-8", f"{event.slug}-peiling.csv")
