"""The organiser's page of the networking tables (services/meetings.py): the counts of requests and
meetings, the button that places the accepted meetings (a worker does it) with the run's status, the
meetings that could not be placed with why, and the table plan per time; and the plan to print as a sign
for the room, one page per space, without the subjects (which only organisers see). Opening a page
changes nothing; placing is a POST from a button, protected against CSRF."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from netwerkdag.web import i18n, models
from netwerkdag.web.services import dashboard, meetings
from netwerkdag.web.services.workers import live_workers
from netwerkdag.web.views.common import audit, for_organiser, page


def _here(event: models.Event) -> HttpResponse:
    return HttpResponseRedirect(reverse("web:organiser-meetings", args=[event.slug]), status=303)


def _place(request: HttpRequest, event: models.Event) -> HttpResponse:
    try:
        run = meetings.start(event, request.user)
    except meetings.Refused as refused:
        messages.error(request, i18n.gettext(refused.message, **refused.values))
        return _here(event)
    audit(request, event, "place-meetings", run=run.pk)
    messages.success(request, i18n.gettext("The placement is queued; this page shows its progress."))
    return _here(event)


@require_http_methods(["GET", "HEAD", "POST"])
@for_organiser
def organiser_meetings(request: HttpRequest, event: models.Event) -> HttpResponse:
    """The networking tables' page. POST `action=place` queues a placement."""
    if request.method == "POST":
        if request.POST.get("action") == "place":
            return _place(request, event)
        return _here(event)
    core = meetings.programme_of(event)
    lang = i18n.current()
    run = meetings.latest_run(event)
    done = meetings.latest_done(event)
    report: dict[str, Any] = dict(done.report) if done is not None else {}
    failure, failure_lang = "", ""
    if run is not None and run.status == models.MeetingRun.Status.FAILED:
        words = meetings.FAILURE_WORDS.get(run.message)
        # A failure without words of its own is a bug's message, in English.
        failure, failure_lang = (i18n.gettext(words), "") if words else (run.message, "en")
    zone = dashboard.event_zone(core)
    return page(
        request,
        "meetings/organiser.html",
        {
            "event": event,
            "core": core,
            "space": meetings.space_of(core),
            "counts": meetings.counts(event, report),
            "run": run,
            "done": done,
            "done_text": dashboard.moment_text(done.finished_at, zone, lang)
            if done is not None and done.finished_at
            else "",
            "elapsed": round((timezone.now() - run.created_at).total_seconds()) if run is not None else 0,
            "report": report,
            "failure": failure,
            "failure_lang": failure_lang,
            "unplaced": meetings.unplaced_lines(event, core, report, lang),
            "plans": meetings.table_plan(event, core, lang),
            "workers": live_workers("scheduling"),
        },
    )


@require_safe
@for_organiser
def organiser_meetings_print(request: HttpRequest, event: models.Event) -> HttpResponse:
    """The table plan to print and hang at the room: one page per space, names and times, no subjects."""
    core = meetings.programme_of(event)
    return page(
        request,
        "meetings/print.html",
        {"event": event, "plans": meetings.table_plan(event, core, i18n.current())},
    )
