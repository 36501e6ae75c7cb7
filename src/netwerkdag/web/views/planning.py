"""The organisers' pages that shape the programme: editing rooms and sessions, and the scheduler (start
a run, follow it, accept or reject its plan)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from netwerkdag.core.problems import NetwerkdagError
from netwerkdag.web import i18n, models
from netwerkdag.web.services import (
    editing,
    programme,
    scheduling,
)
from netwerkdag.web.services.workers import live_workers
from netwerkdag.web.views.common import audit, for_organiser, page, problem_lines, to_event

Kind = models.OutgoingMail.Kind


@require_http_methods(["GET", "HEAD", "POST"])
@for_organiser
def sessions(request: HttpRequest, event: models.Event) -> HttpResponse:
    """Edit rooms (name, capacity) and sessions (title, slot, room) of the draft."""
    problems: list[str] = []
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
                changed = editing.apply(event, room_edits, session_edits)
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
        {"event": event, "core": core, "blocks": blocks, "problems": problems},
        status=400 if problems else 200,
    )


def _run_of(event: models.Event, run_id: int) -> models.SchedulingRun:
    run = models.SchedulingRun.objects.filter(event=event, pk=run_id).first()
    if run is None:
        raise Http404("no such run")
    return run


@require_POST
@for_organiser
def schedule_start(request: HttpRequest, event: models.Event) -> HttpResponse:
    try:
        limit = float(request.POST.get("time_limit", "10"))
    except ValueError:
        limit = 10.0
    try:
        run = scheduling.start(event, limit, request.user)
    except NetwerkdagError as error:
        for line in problem_lines(error):
            messages.error(request, line)
        return to_event(event)
    except scheduling.Busy as busy:
        messages.error(request, i18n.gettext(str(busy)))
        return to_event(event)
    audit(request, event, "schedule", run=run.pk, time_limit=run.time_limit)
    return HttpResponseRedirect(reverse("web:organiser-schedule-run", args=[event.slug, run.pk]), status=303)


@require_safe
@for_organiser
def schedule_run(request: HttpRequest, event: models.Event, run_id: int) -> HttpResponse:
    run = _run_of(event, run_id)
    return page(
        request,
        "organiser/schedule_run.html",
        {
            "event": event,
            "run": run,
            "changes": scheduling.plan_changes(run),
            "stale": run.source_document != event.document,
            "workers": live_workers("scheduling"),
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
