"""The invitee's pages, reached by a personal link. Opening the link changes nothing (mail scanners such as
Outlook Safe Links open it first); every change is a POST from a button, protected against CSRF.

Until the event ends the link opens the registration; after it, the evaluation of the day
(services/feedback.py), until the person's data are anonymised, also when the link has expired since.

A token that is not known counts against the client (its address behind trusted proxies); once a client
has used up its window, it gets 429 and its look-ups stop, so that tokens cannot be guessed at speed (they
have 256 bits anyway). A valid token costs nothing, and others' failures never block it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache, wraps
from types import MappingProxyType
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.core.interests import Reason, derive_interests
from netwerkdag.publish import labels
from netwerkdag.publish.html import Description, session_anchor
from netwerkdag.publish.i18n import format_day, format_time
from netwerkdag.publish.markdown import markdown_to_html
from netwerkdag.web import i18n, models
from netwerkdag.web.client import client_key
from netwerkdag.web.services import allocation, feedback, invitations, poll, ratelimit, registration
from netwerkdag.web.services.personal import personal_data, personal_ical, personal_pdf, personal_programme
from netwerkdag.web.services.privacy import withdraw
from netwerkdag.web.services.programme import event_of_digest, published_digest, published_event
from netwerkdag.web.views.common import download, page, private, too_many
from netwerkdag.web.views.public import programme_of

View = Callable[..., HttpResponse]


def with_invitation(view: View) -> View:
    """Resolve the token of the URL into its invitation; an unknown token counts against the client
    (429 once its window is used up). The response gets the headers of a private page."""

    @wraps(view)
    def wrapped(request: HttpRequest, token: str, **kwargs: Any) -> HttpResponse:
        key = f"token:{client_key(request)}"
        limit, window = settings.NETWERKDAG_TOKEN_ATTEMPTS, settings.NETWERKDAG_TOKEN_WINDOW_S
        if ratelimit.blocked(key, limit, window):
            return private(too_many(request, window), secret_address=True)
        # A link that expired after the day still opens the evaluation and the person's data until these
        # are anonymised (feedback.find_after_event).
        invitation = invitations.find(token) or feedback.find_after_event(token)
        if invitation is None:
            # Counted atomically: of any number of parallel guesses, `limit` are answered.
            if not ratelimit.take(key, limit, window):
                return private(too_many(request, window), secret_address=True)
            return private(page(request, "invitation_unknown.html", {}, status=404), secret_address=True)
        return private(view(request, invitation, token, **kwargs), secret_address=True)

    return wrapped


@dataclass(frozen=True, slots=True)
class Choice:
    """A session the form offers. `about` is its description as the programme page shows it (None when it
    has none); `fit` why the network points the person to it: "part" (they have a part in it),
    "portfolio" (their groups, pillar or portfolio), or "" (nothing known)."""

    session_id: str
    title: str
    place: str
    left: int | None
    mine: bool
    waiting: bool
    about: Description | None = None
    fit: str = ""


@dataclass(frozen=True, slots=True)
class SlotView:
    slot: str
    heading: str
    choices: tuple[Choice, ...]
    opt_in: bool
    waiting_place: int | None


@lru_cache(maxsize=16)
def _interests(digest: str) -> Mapping[str, Mapping[str, Reason]]:
    """For every person of the published document's network (by its SHA-256), the sessions the network
    data points them to (core.interests: their part, group, pillar, portfolio), with the reason; once per
    process."""
    by_person = derive_interests(event_of_digest(digest)).by_person()
    return MappingProxyType(
        {
            person: MappingProxyType({i.session: i.reason for i in found})
            for person, found in by_person.items()
        }
    )


def _fit(reason: Reason | None) -> str:
    if reason is None:
        return ""
    return "part" if reason is Reason.PART else "portfolio"


def _slots(
    core: CoreEvent,
    invitee: models.Invitee,
    lang: str,
    about: Mapping[str, Description] | None = None,
    wanted: Mapping[str, Reason] | None = None,
) -> list[SlotView]:
    """The form's choices by slot, in time order. `about` holds the descriptions by session id, `wanted`
    the reasons the network gives this person for sessions."""
    about = about or {}
    wanted = wanted or {}
    held = set(models.Registration.objects.filter(invitee=invitee).values_list("seats_id", flat=True))
    waiting = {w.seats_id: w for w in models.WaitingEntry.objects.filter(invitee=invitee)}
    rows = [
        r
        for r in models.Seats.objects.filter(event_id=invitee.event_id, active=True)
        if core.has_session(r.session_id)
    ]
    rows.sort(key=lambda r: (core.session(r.session_id).start, r.slot, r.session_id))
    grouped: dict[str, list[models.Seats]] = {}
    for row in rows:
        grouped.setdefault(row.slot, []).append(row)
    views = []
    for slot, members in grouped.items():
        first = core.session(members[0].session_id)
        opt_in = members[0].key.opt_in
        if opt_in:
            heading = first.title
        else:
            block = core.block(slot)
            heading = labels.round_heading(core, block, lang)
        choices = []
        for row in members:
            session = core.session(row.session_id)
            room = core.room_of(session)
            choices.append(
                Choice(
                    row.session_id,
                    session.title,
                    f"{labels.session_times(core, session, lang)} · {room.name if room else core.venue.name}",
                    row.left,
                    row.pk in held,
                    row.pk in waiting,
                    about.get(row.session_id),
                    _fit(wanted.get(row.session_id)),
                )
            )
        place = next((registration.place_in_line(w) for w in waiting.values() if w.slot == slot), None)
        views.append(SlotView(slot, heading, tuple(choices), opt_in, place))
    return views


def _deadline(event: models.Event, core: CoreEvent, lang: str) -> dict[str, str]:
    """Until when the person may change their registration, in the event's time zone."""
    moment = timezone.localtime(event.registration_deadline or event.starts_at, core.tz)
    return {"day": format_day(moment.date(), lang), "time": format_time(moment, lang)}


def _render(
    request: HttpRequest,
    invitation: models.Invitation,
    token: str,
    status: int = 200,
    full: list[registration.Result] | None = None,
) -> HttpResponse:
    invitee = invitation.invitee
    event = invitee.event
    digest = published_digest(event)
    if digest is None:
        if poll.is_open(event) and request.method != "POST":
            # Before anything is published the poll is what the personal link is for.
            return HttpResponseRedirect(reverse("web:invitee-poll", kwargs={"token": token}))
        raise Http404("the programme is not published yet")
    core = event_of_digest(digest)
    lang = i18n.current()
    p = programme_of(digest, lang)
    described = {d.id: d for section in p.sections for d in section.items}
    # The descriptions as the programme shows them, their headings renumbered to stand below the form's.
    about = {
        s.id: replace(d, body=markdown_to_html(s.description, top=3)) if d.body else d
        for s in core.sessions
        if (d := described.get(session_anchor(s.id))) is not None
    }
    wanted = _interests(digest).get(invitee.person_id, {}) if invitee.person_id else {}
    return page(
        request,
        "invitee.html",
        {
            "invitee": invitee,
            "event": event,
            "p": p,
            "deadline": _deadline(event, core, lang),
            "token": token,
            "slots": _slots(core, invitee, lang, about, wanted),
            "programme": personal_programme(core, invitee, lang),
            "open": registration.is_open(event) and invitee.withdrawn_at is None,
            "full": full or [],
            "titles": {s.id: s.title for s in core.sessions},
            # The allocation mode before its allocation: the rounds are ranked on their own page.
            "by_allocation": allocation.before_allocation(event),
            "ranking": allocation.ranking_of(invitee) if allocation.before_allocation(event) else {},
            "ranking_deadline": allocation.deadline_text(event, core, lang),
            "ranking_deadline_passed": allocation.deadline_passed(event),
            "poll_open": poll.is_open(event) and invitee.withdrawn_at is None,
            # The networking room: the directory and the meetings, when the day has tables.
            "networking": bool(core.networking) and invitee.withdrawn_at is None,
        },
        status=status,
    )


def _here(token: str) -> str:
    return reverse("web:invitee", kwargs={"token": token})


@require_http_methods(["GET", "HEAD", "POST"])
@with_invitation
def invitee(request: HttpRequest, invitation: models.Invitation, token: str) -> HttpResponse:
    if feedback.has_ended(invitation.invitee.event):
        if request.method != "POST":
            return _render_feedback(request, invitation, token)
        return _save_feedback(request, invitation, token)
    if request.method != "POST":
        return _render(request, invitation, token)
    invitee = invitation.invitee
    action = request.POST.get("action", "save")
    try:
        if action == "wait":
            result = registration.wait_for(
                invitee, request.POST.get("slot", ""), request.POST.get("session", "")
            )
            if result.outcome is registration.Outcome.WAITING:
                messages.success(request, i18n.gettext("You are on the waiting list."))
            else:
                messages.success(request, i18n.gettext("A seat was free after all: you are registered."))
            return HttpResponseRedirect(_here(token), status=303)
        if action == "leave-waiting-list":
            registration.leave_waiting_list(invitee, request.POST.get("slot", ""))
            messages.success(request, i18n.gettext("You have left the waiting list."))
            return HttpResponseRedirect(_here(token), status=303)
        if action != "save":
            return _render(request, invitation, token, status=400)
        return _save(request, invitation, token)
    except registration.RegistrationClosed:
        messages.error(request, i18n.gettext("Registration is closed; nothing was changed."))
        return _render(request, invitation, token, status=409)
    except registration.UnknownChoice:
        messages.error(request, i18n.gettext("That session cannot be chosen; please choose again."))
        return _render(request, invitation, token, status=400)
    except registration.Declined:
        messages.error(
            request,
            i18n.gettext(
                "You told us you will not come. Choose 'Yes, I will come' and save before you take or "
                "wait for a place."
            ),
        )
        return _render(request, invitation, token, status=409)
    except registration.ByAllocation:
        messages.error(
            request,
            i18n.gettext(
                "The seats of the parallel rounds are allocated after the ranking deadline; rank them."
            ),
        )
        return _render(request, invitation, token, status=409)


def _save(request: HttpRequest, invitation: models.Invitation, token: str) -> HttpResponse:
    """The form, read into one answer and saved by one use case (`registration.save_answer`)."""
    invitee = invitation.invitee
    post = request.POST
    attending = post.get("attending")
    slots = set(
        models.Seats.objects.filter(event_id=invitee.event_id, active=True).values_list("slot", flat=True)
    )
    choices: dict[str, str | None] = {}
    for slot in slots:
        if (key := models.SlotKey.parse(slot)).opt_in:
            choices[slot] = key.id if post.get(slot) == "yes" else None
        elif slot in post:
            choices[slot] = post.get(slot) or None
    answers = registration.Answers(
        choices,
        post.get("dietary", "").strip(),
        post.get("accessibility", "").strip(),
        post.get("consent") == "yes",
        post.get("language", ""),
        says_coming=attending == models.Attendance.YES,
        declines=attending == models.Attendance.NO,
    )
    try:
        results = registration.save_answer(invitee, answers)
    except registration.AnswerProblem as problem:
        messages.error(request, i18n.gettext(problem.message, **problem.values))
        return _render(request, invitation, token, status=400)
    if answers.declines:
        messages.success(request, i18n.gettext("Thank you for letting us know you will not come."))
        return HttpResponseRedirect(_here(token), status=303)
    full = [r for r in results if r.outcome is registration.Outcome.FULL]
    if full:
        return _render(request, invitation, token, status=409, full=full)
    messages.success(request, i18n.gettext("Your registration is saved. A confirmation is on its way."))
    return HttpResponseRedirect(_here(token), status=303)


# --- the evaluation after the day ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rated:
    """A session the person attended, as the evaluation form asks about it."""

    session_id: str
    title: str
    place: str


#: The form's field names: per session `score-<id>` and `comment-<id>`, and these for the day.
SCORE, COMMENT = "score-", "comment-"
DAY_SCORE, DAY_COMMENT, NEXT_THEME = "day-score", "day-comment", "next-theme"


def _saved_values(invitee: models.Invitee) -> dict[str, str]:
    """The saved evaluation as the form's values (field name to text)."""
    answers = feedback.saved(invitee)
    if answers is None:
        return {}
    values = {DAY_SCORE: str(answers.day.score or ""), DAY_COMMENT: answers.day.comment}
    values[NEXT_THEME] = answers.next_theme
    for session_id, answer in answers.sessions.items():
        values[SCORE + session_id] = str(answer.score or "")
        values[COMMENT + session_id] = answer.comment
    return values


def _render_feedback(
    request: HttpRequest,
    invitation: models.Invitation,
    token: str,
    status: int = 200,
    values: Mapping[str, str] | None = None,
) -> HttpResponse:
    """The evaluation form, filled with `values` (what the person sent, when it must be corrected) or
    with what they saved before. Reading it changes nothing."""
    invitee = invitation.invitee
    digest = published_digest(invitee.event)
    if digest is None:
        raise Http404("the programme is not published yet")
    core = event_of_digest(digest)
    lang = i18n.current()
    rated = []
    for session_id in feedback.attended_sessions(invitee, core):
        session = core.session(session_id)
        room = core.room_of(session)
        place = f"{labels.session_times(core, session, lang)} · {room.name if room else core.venue.name}"
        rated.append(Rated(session_id, session.title, place))
    return page(
        request,
        "invitee_feedback.html",
        {
            "invitee": invitee,
            "event": invitee.event,
            "p": programme_of(digest, lang),
            "token": token,
            "there": feedback.was_there(invitee),
            "rated": rated,
            "values": _saved_values(invitee) if values is None else values,
            "max_text": models.feedback.MAX_TEXT,
            "field": {"score": SCORE, "comment": COMMENT},
        },
        status=status,
    )


def _answers_of(post: Mapping[str, str]) -> feedback.Answers:
    """The evaluation form read into `feedback.Answers`: every session the form names (the service
    refuses those not attended), empty answers left out. Raises `FeedbackProblem` for a score that is
    not 1 to 5."""
    sessions: dict[str, feedback.Answer] = {}
    named = {k.removeprefix(SCORE) for k in post if k.startswith(SCORE)}
    named |= {k.removeprefix(COMMENT) for k in post if k.startswith(COMMENT)}
    for session_id in sorted(named):
        answer = feedback.Answer(
            feedback.read_score(post.get(SCORE + session_id, "")),
            feedback.clean_text(post.get(COMMENT + session_id, "")),
        )
        if not answer.empty:
            sessions[session_id] = answer
    return feedback.Answers(
        MappingProxyType(sessions),
        feedback.Answer(
            feedback.read_score(post.get(DAY_SCORE, "")), feedback.clean_text(post.get(DAY_COMMENT, ""))
        ),
        feedback.clean_text(post.get(NEXT_THEME, "")),
    )


def _save_feedback(request: HttpRequest, invitation: models.Invitation, token: str) -> HttpResponse:
    """The evaluation saved by one use case (`feedback.save`), then back to the page (303) with thanks;
    a form to correct comes back with what the person sent and nothing saved."""
    if request.POST.get("action") != "feedback":
        return _render_feedback(request, invitation, token, status=400)
    posted = request.POST.dict()
    try:
        feedback.save(invitation.invitee, _answers_of(posted))
    except feedback.FeedbackProblem as problem:
        messages.error(request, i18n.gettext(problem.message, **problem.values))
        return _render_feedback(request, invitation, token, status=400, values=posted)
    except feedback.FeedbackClosed:
        raise Http404("the evaluation is closed") from None
    messages.success(request, i18n.gettext("Thank you! Your evaluation is saved; you can change it here."))
    return HttpResponseRedirect(_here(token), status=303)


def _programme_of(invitee: models.Invitee) -> CoreEvent:
    core = published_event(invitee.event)
    if core is None:
        raise Http404("the programme is not published yet")
    return core


@require_safe
@with_invitation
def invitee_ics(request: HttpRequest, invitation: models.Invitation, token: str) -> HttpResponse:
    invitee = invitation.invitee
    core = _programme_of(invitee)
    return download(
        personal_ical(core, invitee, i18n.current()),
        "text/calendar; charset=utf-8",
        f"{invitee.event.slug}.ics",
    )


@require_safe
@with_invitation
def invitee_pdf(request: HttpRequest, invitation: models.Invitation, token: str) -> HttpResponse:
    invitee = invitation.invitee
    data = personal_pdf(_programme_of(invitee), invitee, i18n.current())
    response = download(data, "application/pdf")
    response["Content-Disposition"] = f'inline; filename="{invitee.event.slug}-programma.pdf"'
    return response


@require_safe
@with_invitation
def invitee_data(request: HttpRequest, invitation: models.Invitation, token: str) -> HttpResponse:
    text = json.dumps(personal_data(invitation.invitee), indent=2, ensure_ascii=False)
    return download(text.encode("utf-8"), "application/json; charset=utf-8", "mijn-gegevens.json")


@require_POST
@with_invitation
def invitee_withdraw(request: HttpRequest, invitation: models.Invitation, token: str) -> HttpResponse:
    if request.POST.get("confirm") != "yes":
        messages.error(request, i18n.gettext("Tick the box to confirm that you want to withdraw."))
        return HttpResponseRedirect(_here(token), status=303)
    withdraw(invitation.invitee)
    return page(request, "withdrawn.html", {"event": invitation.invitee.event})
