"""The scheduler run from the web app: in a background thread of the app server that received the
request, with its progress written to its `SchedulingRun` row (so that any app server can show it),
its plan kept until an organiser accepts or rejects it.

Interests are those the network implies (groups, portfolios, parts) and, where people have registered
already, their registrations. A run whose heartbeat stops (its server went down) is marked failed when
someone looks at it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.db import close_old_connections, transaction
from django.utils import timezone

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.core.interests import WANTS, Interest, Interests, Reason, derive_interests
from netwerkdag.core.problems import NetwerkdagError
from netwerkdag.files.dump import dump_event
from netwerkdag.scheduling.model import Options
from netwerkdag.scheduling.solve import schedule
from netwerkdag.web import models
from netwerkdag.web.services.programme import draft_event, event_from_document

#: Progress is written at most this often.
PROGRESS_EVERY_S = 0.5
#: A run that has not written for this long is taken to have died with its server.
STALE_AFTER = timedelta(seconds=60)
MAX_TIME_LIMIT_S = 600.0


class StaleDraft(Exception):
    """The draft changed after the run started; its plan would undo those changes."""


def registered_interests(event: models.Event, core: CoreEvent) -> list[Interest]:
    """What registrations say people want: each registration as a strong interest, for the person of the
    network, or the invitee as an outside attendee."""
    found = []
    rows = models.Registration.objects.filter(seats__event=event).values_list(
        "invitee_id", "invitee__person_id", "seats__session_id"
    )
    for invitee_id, person_id, session_id in rows:
        if core.has_session(session_id):
            who = person_id or f"invitee-{invitee_id}"
            found.append(Interest(who, session_id, WANTS, Reason.REGISTERED))
    return found


def interests_for(event: models.Event, core: CoreEvent) -> Interests:
    return derive_interests(core).merged_with(registered_interests(event, core))


def start(event: models.Event, time_limit: float, user: object | None = None) -> models.SchedulingRun:
    """Queue a run for the event's draft and start it in a background thread."""
    draft_event(event)  # a draft with problems is refused here, with its problems
    run = models.SchedulingRun.objects.create(
        event=event,
        time_limit=max(1.0, min(time_limit, MAX_TIME_LIMIT_S)),
        source_document=event.document,
        started_by=user if getattr(user, "pk", None) else None,
    )
    _launch(run.pk)
    return run


def _launch(run_id: int) -> None:
    """Start the run in a daemon thread of this process."""
    thread = threading.Thread(target=_work, args=(run_id,), name=f"netwerkdag-schedule-{run_id}", daemon=True)
    thread.start()


def _work(run_id: int) -> None:
    close_old_connections()
    try:
        run = models.SchedulingRun.objects.select_related("event").get(pk=run_id)
        _execute(run)
    except Exception as exc:  # a bug in the solver must not pass silently: the run shows it
        models.SchedulingRun.objects.filter(pk=run_id).update(
            status=models.SchedulingRun.Status.FAILED,
            message=f"{type(exc).__name__}: {exc}",
            finished_at=timezone.now(),
        )
        raise
    finally:
        close_old_connections()


def _execute(run: models.SchedulingRun) -> None:
    models.SchedulingRun.objects.filter(pk=run.pk).update(
        status=models.SchedulingRun.Status.RUNNING, heartbeat_at=timezone.now()
    )
    try:
        core = event_from_document(run.source_document)
    except NetwerkdagError as error:
        _finish(run, models.SchedulingRun.Status.FAILED, message="; ".join(str(p) for p in error.problems))
        return
    last = 0.0

    def progress(objective: float, bound: float, seconds: float) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last < PROGRESS_EVERY_S:
            return
        last = now
        models.SchedulingRun.objects.filter(pk=run.pk).update(
            progress={"objective": objective, "bound": bound, "seconds": round(seconds, 1)},
            heartbeat_at=timezone.now(),
        )

    result = schedule(core, interests_for(run.event, core), Options(run.time_limit, 2, 0), progress)
    summary = {
        "status": result.status,
        "objective": result.objective,
        "bound": result.bound,
        "gap": None if result.gap is None else round(result.gap, 4),
        "wall_s": round(result.wall_s, 2),
        "moved": list(result.moved),
        "explanation": list(result.explanation),
        "violations": [v.message for v in result.violations],
    }
    if result.event is None or result.violations:
        _finish(
            run,
            models.SchedulingRun.Status.FAILED,
            result=summary,
            message="; ".join(result.explanation) or "no plan within the time limit",
        )
        return
    _finish(run, models.SchedulingRun.Status.DONE, result=summary, plan=dump_event(result.event))


def _finish(
    run: models.SchedulingRun,
    status: Any,
    *,
    result: Mapping[str, object] | None = None,
    plan: str = "",
    message: str = "",
) -> None:
    models.SchedulingRun.objects.filter(pk=run.pk).update(
        status=status,
        result=result or {},
        plan_document=plan,
        message=message,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )


def refresh(run: models.SchedulingRun) -> models.SchedulingRun:
    """The run as the database holds it now; one whose server died is marked failed."""
    run.refresh_from_db()
    active = run.status in (models.SchedulingRun.Status.QUEUED, models.SchedulingRun.Status.RUNNING)
    beat = run.heartbeat_at or run.created_at
    if active and timezone.now() - beat > STALE_AFTER + timedelta(seconds=run.time_limit):
        models.SchedulingRun.objects.filter(pk=run.pk, status=run.status).update(
            status=models.SchedulingRun.Status.FAILED,
            message="the server running it stopped",
            finished_at=timezone.now(),
        )
        run.refresh_from_db()
    return run


def accept(run: models.SchedulingRun) -> None:
    """Make the run's plan the event's draft (it is published separately)."""
    with transaction.atomic():
        event = models.Event.objects.select_for_update().get(pk=run.event_id)
        if event.document != run.source_document:
            raise StaleDraft
        event.document = run.plan_document
        event.save(update_fields=["document", "updated_at"])
        models.SchedulingRun.objects.filter(pk=run.pk).update(status=models.SchedulingRun.Status.ACCEPTED)


def reject(run: models.SchedulingRun) -> None:
    models.SchedulingRun.objects.filter(pk=run.pk, status=models.SchedulingRun.Status.DONE).update(
        status=models.SchedulingRun.Status.REJECTED
    )


def plan_changes(run: models.SchedulingRun) -> list[tuple[str, str, str]]:
    """(session title, before, after) for each session the plan moves."""
    if not run.plan_document:
        return []
    from netwerkdag.web.services.programme import changes_between

    before = event_from_document(run.source_document)
    after = event_from_document(run.plan_document)
    return [(c.title, c.before, c.after) for c in changes_between(before, after)]


def progress_json(run: models.SchedulingRun) -> dict[str, object]:
    return {
        "status": run.status,
        "time_limit": run.time_limit,
        "progress": run.progress,
        "result": run.result,
        "message": run.message,
        "elapsed": round((timezone.now() - run.created_at).total_seconds(), 1),
    }
