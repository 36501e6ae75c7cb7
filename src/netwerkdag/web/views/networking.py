"""The networking room's pages for a person, reached by their personal link (services/networking.py): the
consent to be in the day's directory, the directory with its filters and the suggestions, the form that
asks people for a meeting, and the person's meetings with the answers. Opening a page changes nothing;
every change is a POST from a button, protected against CSRF, and counted per person (`POSTS` in
`WINDOW_S`) against forms sent in bulk."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.publish.i18n import format_time_range
from netwerkdag.web import i18n, models
from netwerkdag.web.i18n import N_
from netwerkdag.web.services import networking, ratelimit
from netwerkdag.web.services.networking import NetworkingRefusal
from netwerkdag.web.views.common import page, too_many
from netwerkdag.web.views.invitee import with_invitation

#: Changes one person may send in a window (opting in, asking, answering, blocking).
POSTS, WINDOW_S = 60, 600
#: Meeting requests one person may send (or try to) in a window.
ASKS, ASK_WINDOW_S = 20, 3600


def _core(invitee: models.Invitee) -> CoreEvent:
    core = networking.networking_event(invitee.event)
    if core is None:
        raise Http404("this day has no networking room")
    return core


def _to(name: str, token: str, query: str = "") -> HttpResponse:
    return HttpResponseRedirect(reverse(f"web:{name}", kwargs={"token": token}) + query, status=303)


def _refused(request: HttpRequest, refusal: NetworkingRefusal) -> None:
    messages.error(request, i18n.gettext(refusal.message, **refusal.values))


def _counted(invitee: models.Invitee, what: str, limit: int, window: int) -> bool:
    return ratelimit.take(f"{what}:{invitee.pk}", limit, window)


def _common(invitee: models.Invitee, token: str, core: CoreEvent) -> dict[str, Any]:
    consent = networking.consent_of(invitee)
    return {
        "invitee": invitee,
        "event": invitee.event,
        "token": token,
        "consent": consent,
        "listed": consent is not None and networking.may_join(invitee),
        "may_join": networking.may_join(invitee),
        "open": networking.is_open(invitee.event),
        "spaces": core.networking,
        "content_lang": core.language if core.language != i18n.current() else None,
    }


# --- consent ------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@with_invitation
def consent(request: HttpRequest, invitation: models.Invitation, token: str) -> HttpResponse:
    """Join the directory, leave it, take requests or not."""
    invitee = invitation.invitee
    core = _core(invitee)
    if request.method != "POST":
        return page(request, "networking/consent.html", _common(invitee, token, core))
    if not _counted(invitee, "networking", POSTS, WINDOW_S):
        return too_many(request, WINDOW_S)
    action = request.POST.get("action", "")
    accepts = request.POST.get("accepts") == "yes"
    try:
        if action == "join":
            networking.opt_in(invitee, accepts_requests=accepts)
            messages.success(request, i18n.gettext("You are in the directory of people to meet today."))
            return _to("invitee-networking", token)
        if action == "accepts":
            networking.set_accepts(invitee, accepts)
            if accepts:
                messages.success(request, i18n.gettext("Others can ask you for a meeting."))
            else:
                messages.success(request, i18n.gettext("Nobody can ask you for a meeting now."))
            return _to("invitee-networking-consent", token)
        if action == "leave":
            gone = networking.opt_out(invitee)
            messages.success(
                request,
                i18n.gettext(
                    "You are no longer in the directory. Requests called off: %(off)s; requests to you "
                    "declined: %(declined)s.",
                    off=gone.called_off,
                    declined=gone.declined,
                ),
            )
            return _to("invitee-networking-consent", token)
    except NetworkingRefusal as refusal:
        _refused(request, refusal)
        return page(request, "networking/consent.html", _common(invitee, token, core), status=409)
    return page(request, "networking/consent.html", _common(invitee, token, core), status=400)


# --- the directory and the suggestions ----------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
@with_invitation
def directory(request: HttpRequest, invitation: models.Invitation, token: str) -> HttpResponse:
    """The directory (filtered, a page of it) and the suggestions; the consent form for someone not in it;
    once the day is over, only the notice that it is closed."""
    invitee = invitation.invitee
    core = _core(invitee)
    context = _common(invitee, token, core)
    if not context["listed"]:
        return page(request, "networking/consent.html", context)
    if not context["open"]:
        return page(request, "networking/directory.html", context)
    filters, problems = networking.read_filters(request.GET)
    found = networking.directory(invitee, core, filters)
    lang = i18n.current()
    context.update(
        {
            "directory": found,
            "problems": [*problems, *found.problems],
            "suggested": networking.suggestions(invitee, core, lang),
            "query": _query_of(found.filters),
            "open_requests": networking.open_count(invitee),
            "max_open": networking.MAX_OPEN_REQUESTS,
        }
    )
    return page(request, "networking/directory.html", context)


def _query_of(filters: networking.Filters) -> dict[str, str]:
    """The filters as query values (for the page links), those in use only."""
    values = {
        "portfolio": filters.portfolio,
        "group": filters.group,
        "organisation": filters.organisation,
        "pillar": filters.pillar,
        "q": filters.words,
    }
    return {k: v for k, v in values.items() if v}


# --- asking -------------------------------------------------------------------------------------------------


def _render_ask(
    request: HttpRequest,
    invitee: models.Invitee,
    token: str,
    core: CoreEvent,
    chosen: Sequence[int],
    values: Mapping[str, str],
    status: int = 200,
) -> HttpResponse:
    context = _common(invitee, token, core)
    if not context["listed"]:
        return page(request, "networking/consent.html", context, status=409 if status != 200 else 200)
    people = networking.askable(invitee, core)
    by_id = {c.invitee_id: c for c in people}
    picked = [by_id[pk] for pk in chosen if pk in by_id][: networking.MAX_ASKED_PER_REQUEST]
    context.update(
        {
            "people": people,
            "picked": picked,
            "extra": range(networking.MAX_ASKED_PER_REQUEST - len(picked)),
            "values": values,
            "minutes": networking.MEETING_MINUTES,
            "max_subject": networking.MAX_SUBJECT,
            "max_asked": networking.MAX_ASKED_PER_REQUEST,
            "open_requests": networking.open_count(invitee),
            "max_open": networking.MAX_OPEN_REQUESTS,
        }
    )
    return page(request, "networking/ask.html", context, status=status)


def _ids(values: Sequence[str]) -> list[int]:
    """The ids among `values` (the rest left out), each once, at most a few."""
    found: list[int] = []
    for value in values[: networking.MAX_ASKED_PER_REQUEST * 3]:
        if value.isascii() and value.isdigit() and len(value) <= 12 and int(value) not in found:
            found.append(int(value))
    return found


@require_http_methods(["GET", "HEAD", "POST"])
@with_invitation
def ask(request: HttpRequest, invitation: models.Invitation, token: str) -> HttpResponse:
    """The form that asks one or more people for a meeting (`?met=<id>` chooses the first)."""
    invitee = invitation.invitee
    core = _core(invitee)
    if request.method != "POST":
        return _render_ask(request, invitee, token, core, _ids(request.GET.getlist("met")), {})
    if not _counted(invitee, "meeting-ask", ASKS, ASK_WINDOW_S):
        return too_many(request, ASK_WINDOW_S)
    chosen = request.POST.getlist("person")
    # The subject whole (the body's size is limited): its spaces collapsed, then its length checked.
    values = {
        "subject": " ".join(request.POST.get("subject", "").split()),
        "minutes": request.POST.get("minutes", ""),
    }
    try:
        people = networking.read_people(chosen)
        minutes = networking.read_minutes(values["minutes"])
        networking.ask(invitee, people, minutes, values["subject"])
    except NetworkingRefusal as refusal:
        _refused(request, refusal)
        return _render_ask(request, invitee, token, core, _ids(chosen), values, status=400)
    messages.success(request, i18n.gettext("Your request is sent. You will get a mail when someone answers."))
    return _to("invitee-meetings", token)


# --- my meetings --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@with_invitation
def meetings(request: HttpRequest, invitation: models.Invitation, token: str) -> HttpResponse:
    """The requests the person made and those to them; answering, calling off, blocking."""
    invitee = invitation.invitee
    core = _core(invitee)
    if request.method == "POST":
        return _change(request, invitee, token)
    context = _common(invitee, token, core)
    context["mine"] = networking.my_meetings(invitee, core)
    lang = i18n.current()
    context["when"] = lambda placed: format_time_range(placed.start, placed.end, lang)
    return page(request, "networking/meetings.html", context)


def _one_id(text: str) -> int:
    if not (text.isascii() and text.isdigit() and 0 < len(text) <= 12):
        raise NetworkingRefusal(N_("That request is not one to you."))
    return int(text)


def _change(request: HttpRequest, invitee: models.Invitee, token: str) -> HttpResponse:
    if not _counted(invitee, "networking", POSTS, WINDOW_S):
        return too_many(request, WINDOW_S)
    action = request.POST.get("action", "")
    try:
        if action in ("accept", "decline"):
            networking.answer(invitee, _one_id(request.POST.get("request", "")), action == "accept")
            if action == "accept":
                messages.success(request, i18n.gettext("You accepted the meeting. The requester is told."))
            else:
                messages.success(request, i18n.gettext("You declined the meeting. The requester is told."))
        elif action == "cancel":
            networking.cancel(invitee, _one_id(request.POST.get("request", "")))
            messages.success(request, i18n.gettext("Your request is called off."))
        elif action == "block":
            networking.block(invitee, _one_id(request.POST.get("person", "")))
            messages.success(
                request,
                i18n.gettext(
                    "You get no more requests from this person; their waiting requests are declined."
                ),
            )
        elif action == "unblock":
            if networking.unblock(invitee, _one_id(request.POST.get("person", ""))):
                messages.success(request, i18n.gettext("This person can ask you for meetings again."))
        else:
            return _to("invitee-meetings", token)
    except NetworkingRefusal as refusal:
        _refused(request, refusal)
    return _to("invitee-meetings", token)
