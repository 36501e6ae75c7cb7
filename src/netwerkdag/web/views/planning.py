"""The organisers' pages that shape the programme: editing rooms and sessions, and the scheduler (the
page before a run: the draft's conflicts and what stays where it is; then the run: its progress, the
draft against its plan, and accepting or rejecting it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from babel.numbers import format_decimal
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.core.problems import NetwerkdagError
from netwerkdag.core.sessions import Pin
from netwerkdag.publish.i18n import format_day, format_time
from netwerkdag.web import i18n, models
from netwerkdag.web.services import (
    editing,
    plans,
    programme,
    scheduling,
)
from netwerkdag.web.services.workers import live_workers
from netwerkdag.web.views.common import audit, for_organiser, page, problem_lines, to_event

Kind = models.OutgoingMail.Kind


@require_http_methods(["GET", "HEAD", "POST"])
@for_organiser
def sessions(request: HttpRequest, event: models.Event) -> HttpResponse:
    """Edit rooms (name, capacity) and sessions (title, slot, room) of the draft. The form carries the
    revision of the draft it shows; an edit made on an older one is refused (409) and the page shows
    the draft as it is now, so that two organisers editing at once never undo each other's work."""
    problems: list[str] = []
    status = 400
    if request.method == "POST":
        core = programme.draft_event(event)
        post = request.POST
        try:
            room_edits = {
                r.id: editing.RoomEdit(
                    post.get(f"room-{r.id}-name", r.name).strip() or r.name,
                    int(post.get(f"room-{r.id}-capacity", r.capacity)),
                )
                for r in core.rooms
            }
        except ValueError:
            room_edits = {}
            problems = [i18n.gettext("A capacity must be a whole number.")]
        session_edits = {
            s.id: editing.SessionEdit(
                post.get(f"session-{s.id}-title", s.title).strip() or s.title,
                post.get(f"session-{s.id}-block", s.block or "") or s.block,
                (post.get(f"session-{s.id}-room", s.room or "") or None) if not s.venue_wide else s.room,
            )
            for s in core.sessions
        }
        if not problems:
            try:
                changed = editing.apply(event, room_edits, session_edits, revision=post.get("revision", ""))
            except editing.StaleDraft as stale:
                problems, status = [i18n.gettext(stale.message)], 409
            except NetwerkdagError as error:
                problems = [f"{p.field}: {p.message}" if p.path else p.message for p in error.problems]
            else:
                audit(request, event, "edit-draft", changed=changed)
                messages.success(request, i18n.gettext("%(n)s changes saved in the draft.", n=changed))
                return HttpResponseRedirect(reverse("web:organiser-sessions", args=[event.slug]), status=303)
        event.refresh_from_db()
    core = programme.draft_event(event)
    blocks = [b for b in core.blocks if b.kind.value != "transfer"]
    return page(
        request,
        "organiser/sessions.html",
        {
            "event": event,
            "core": core,
            "blocks": blocks,
            "problems": problems,
            "revision": editing.draft_revision(event.document),
        },
        status=status if problems else 200,
    )


def _run_of(event: models.Event, run_id: int) -> models.SchedulingRun:
    run = models.SchedulingRun.objects.filter(event=event, pk=run_id).first()
    if run is None:
        raise Http404("no such run")
    return run


def _number(lang: str) -> Callable[[float], str]:
    """Numbers as the page's language writes them ("1.128" and "1,5" in Dutch)."""
    locale = "nl_NL" if lang == "nl" else "en_GB"
    return lambda value: str(format_decimal(value, locale=locale))


def _moment(moment: datetime, lang: str) -> str:
    """A moment in the site's time zone (the events'): "vrijdag 10 februari 2023, 14.03"."""
    local = timezone.localtime(moment)
    return f"{format_day(local.date(), lang)}, {format_time(local, lang)}"


def _choices(post: QueryDict, core: CoreEvent) -> tuple[dict[str, Pin], set[str]]:
    """The form's pin per session (`pin-<session>`) and the rounds kept together (`together-<block>`);
    a value that is no pin is left out (the session keeps its own). `plans.chosen_pins` ignores sessions
    the page does not offer."""
    values = {p.value for p in Pin}
    choices = {s.id: Pin(v) for s in core.sessions if (v := post.get(f"pin-{s.id}", "")) in values}
    together = {b.id for b in core.blocks if post.get(f"together-{b.id}")}
    return choices, together


def _start(request: HttpRequest, event: models.Event) -> HttpResponse:
    """Start a run; with the page's choices (`pins`), written into the draft first when the page showed
    the draft as it is (its `revision`)."""
    here = reverse("web:organiser-schedule", args=[event.slug])
    try:
        limit = float(request.POST.get("time_limit", "10"))
    except ValueError:
        limit = 10.0
    try:
        pins = None
        changed: dict[str, str] = {}
        if request.POST.get("pins"):
            # The choices were made on the draft the page showed: on an older one they would undo
            # another organiser's changes (`scheduling.start` then writes only onto this request's draft).
            if request.POST.get("revision") != editing.draft_revision(event.document):
                messages.error(request, i18n.gettext(editing.StaleDraft.message))
                return HttpResponseRedirect(here, status=303)
            core = programme.draft_event(event)
            pins = plans.chosen_pins(core, *_choices(request.POST, core))
            changed = {k: v.value for k, v in pins.items() if core.session(k).pin is not v}
        repeat = bool(request.POST.get("repeat_popular"))
        run = scheduling.start(event, limit, request.user, pins, repeat_popular=repeat)
    except NetwerkdagError as error:
        for line in problem_lines(error):
            messages.error(request, line)
        return HttpResponseRedirect(here, status=303)
    except scheduling.Busy as busy:
        messages.error(request, i18n.gettext(str(busy)))
        return HttpResponseRedirect(here, status=303)
    audit(
        request, event, "schedule", run=run.pk, time_limit=run.time_limit, pins=changed, repeat_popular=repeat
    )
    return HttpResponseRedirect(reverse("web:organiser-schedule-run", args=[event.slug, run.pk]), status=303)


@require_http_methods(["GET", "HEAD", "POST"])
@for_organiser
def schedule_start(request: HttpRequest, event: models.Event) -> HttpResponse:
    """The page before a run: the draft's conflicts now, and per round what may move, what stays in its
    round and what stays where it is. POST starts a run (the small form on the event page sends only the
    time limit: the pins stay as they are)."""
    if request.method == "POST":
        return _start(request, event)
    problems: list[str] = []
    core: CoreEvent | None = None
    try:
        core = programme.draft_event(event)
    except NetwerkdagError as error:
        problems = problem_lines(error)
    lang = i18n.current()
    return page(
        request,
        "organiser/schedule.html",
        {
            "event": event,
            "problems": problems,
            "now": None if core is None else scheduling.current_figures(event, core),
            "rounds": [] if core is None else plans.rounds(core),
            "core": core,
            "revision": editing.draft_revision(event.document),
            "active": models.SchedulingRun.objects.filter(event=event, status__in=scheduling.ACTIVE).first(),
            "workers": live_workers("scheduling"),
            "num": _number(lang),
        },
    )


@require_safe
@for_organiser
def schedule_run(request: HttpRequest, event: models.Event, run_id: int) -> HttpResponse:
    run = _run_of(event, run_id)
    lang = i18n.current()
    status = run.result.get("status")
    wall = run.result.get("wall_s")
    return page(
        request,
        "organiser/schedule_run.html",
        {
            "event": event,
            "run": run,
            "comparison": scheduling.compare(run),
            "status_words": i18n.gettext(scheduling.STATUS_WORDS[status])
            if status in scheduling.STATUS_WORDS
            else None,
            "started": _moment(run.created_at, lang),
            "seconds": None if wall is None else _number(lang)(round(float(wall), 1)),
            "stale": run.source_document != event.document,
            "workers": live_workers("scheduling"),
            "num": _number(lang),
        },
    )


@require_safe
@for_organiser
def schedule_progress(request: HttpRequest, event: models.Event, run_id: int) -> HttpResponse:
    return JsonResponse(scheduling.progress_json(_run_of(event, run_id)))


@require_POST
@for_organiser
def schedule_decide(request: HttpRequest, event: models.Event, run_id: int) -> HttpResponse:
    run = _run_of(event, run_id)
    if run.status != models.SchedulingRun.Status.DONE:
        raise Http404("nothing to decide")
    if request.POST.get("decision") == "accept":
        try:
            scheduling.accept(run)
        except scheduling.StaleDraft:
            messages.error(
                request, i18n.gettext("The draft changed after this plan was made; run the scheduler again.")
            )
            return HttpResponseRedirect(
                reverse("web:organiser-schedule-run", args=[event.slug, run.pk]), status=303
            )
        audit(request, event, "schedule-accept", run=run.pk)
        messages.success(request, i18n.gettext("The plan is now the draft; publish it to make it public."))
    else:
        scheduling.reject(run)
        audit(request, event, "schedule-reject", run=run.pk)
        messages.success(request, i18n.gettext("The plan is rejected; the draft is unchanged."))
    return to_event(event)
