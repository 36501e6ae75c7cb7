"""The scheduler run from the web app, by a worker (the ``scheduling`` queue): its progress written to
its `SchedulingRun` row (so that any app server can show it), its plan kept until an organiser accepts or
rejects it.

An event has at most one run queued or running (a unique constraint), and the site at most
NETWERKDAG_SCHEDULER_RUNS; more are refused with a message. A run whose worker stops is started again
once by another worker (`recover`), then marked failed with the reason.

Interests are those the network implies (groups, portfolios, parts) and, where people have registered
already, their registrations, and the answers of the interest poll (services/poll.py).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.core.interests import WANTS, Interest, Interests, Reason, derive_interests
from netwerkdag.core.problems import NetwerkdagError
from netwerkdag.core.sessions import Pin
from netwerkdag.files.dump import dump_event
from netwerkdag.scheduling.model import Options
from netwerkdag.scheduling.solve import result_dict, schedule
from netwerkdag.web import models, tasks
from netwerkdag.web.i18n import N_
from netwerkdag.web.services import plans, poll, runs
from netwerkdag.web.services.programme import draft_event, event_from_document
from netwerkdag.web.services.workers import live_workers

Status = models.SchedulingRun.Status
#: Progress is written at most this often.
PROGRESS_EVERY_S = 0.5
MAX_TIME_LIMIT_S = 600.0
MAX_ATTEMPTS = runs.MAX_ATTEMPTS
#: The lock that makes counting the site's runs and adding one a single step on PostgreSQL.
_RUNS_LOCK = 0x6E6477_0001


class StaleDraft(Exception):
    """The draft changed after the run started; its plan would undo those changes."""


class Busy(Exception):
    """A run cannot start now; the message says why and what to do."""


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
    """The network's interests, the registrations', and the interest poll's answers (services/poll.py:
    weights by rank; a heavier interest of the same person and session stays)."""
    found = derive_interests(core).merged_with(registered_interests(event, core))
    return poll.add_poll_interests(event, core, found)


ACTIVE = (Status.QUEUED, Status.RUNNING)


def start(
    event: models.Event,
    time_limit: float,
    user: object | None = None,
    pins: Mapping[str, Pin] | None = None,
    *,
    repeat_popular: bool = False,
) -> models.SchedulingRun:
    """Queue a run for the event's draft, for a worker. `pins` (session: pin, see `plans.chosen_pins`)
    are written into the draft first, in the same transaction as the run: what stays where it is is part
    of the event file, and a run that cannot start changes nothing. `repeat_popular` lets the scheduler
    run a session more than once (`scheduling/repeat.py`); the run keeps it in its `options`. Raises
    `NetwerkdagError` for a draft with problems and `Busy` when the event already has a run going, the
    site has its limit, or the draft changed meanwhile."""
    core = draft_event(event)  # a draft with problems is refused here, with its problems
    document, _ = plans.with_pins(core, pins or {})
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":  # SQLite's writers already take turns (BEGIN IMMEDIATE)
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_RUNS_LOCK])
            if models.SchedulingRun.objects.filter(event=event, status__in=ACTIVE).exists():
                raise Busy(N_("A scheduler run for this event is already going; wait for its plan."))
            if (
                models.SchedulingRun.objects.filter(status__in=ACTIVE).count()
                >= settings.NETWERKDAG_SCHEDULER_RUNS
            ):
                raise Busy(N_("The scheduler is busy with other events; try again in a few minutes."))
            if document is not None:
                if not models.Event.objects.filter(pk=event.pk, document=event.document).update(
                    document=document, updated_at=timezone.now()
                ):
                    raise Busy(N_("The draft changed while you chose; look at the choices again."))
                event.document = document
            run = models.SchedulingRun.objects.create(
                event=event,
                time_limit=max(1.0, min(time_limit, MAX_TIME_LIMIT_S)),
                source_document=event.document,
                started_by=user if getattr(user, "pk", None) else None,
                options={"repeat_popular": repeat_popular},
            )
            tasks.run_scheduler.enqueue(run.pk)
    except IntegrityError:  # another request queued one for this event a moment ago
        raise Busy(N_("A scheduler run for this event is already going; wait for its plan.")) from None
    return run


def execute(run_id: int) -> str:
    """Run a queued run (the worker's task); returns its outcome (services/runs.py)."""
    return runs.execute(models.SchedulingRun, run_id, _execute, _failed)


def recover(run_id: int) -> None:
    """The worker running this run stopped: start it again, or after MAX_ATTEMPTS mark it failed."""
    runs.recover(models.SchedulingRun, run_id, tasks.run_scheduler, _failed)


def _failed(run: models.SchedulingRun, message: str) -> None:
    _finish(run, Status.FAILED, message=message)


def _execute(run: models.SchedulingRun) -> None:
    try:
        core = event_from_document(run.source_document)
    except NetwerkdagError as error:
        _finish(run, Status.FAILED, message="; ".join(str(p) for p in error.problems))
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

    interests = interests_for(run.event, core)
    repeat = bool(run.options.get("repeat_popular"))
    options = Options(time_limit=run.time_limit, workers=2, seed=0, repeat_popular=repeat)
    result = schedule(core, interests, options, progress)
    summary = result_dict(result)
    if result.event is None or result.violations:
        _finish(
            run,
            Status.FAILED,
            result=summary,
            message="; ".join(result.explanation) or "no plan within the time limit",
        )
        return
    # What the draft and the plan cost, by the same interests: the page compares them as they were.
    summary["now"] = plans.figures(core, interests).as_json()
    summary["proposal"] = plans.figures(result.event, interests).as_json()
    _finish(run, Status.DONE, result=summary, plan=dump_event(result.event))


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


def accept(run: models.SchedulingRun) -> None:
    """Make the run's plan the event's draft (it is published separately)."""
    with transaction.atomic():
        event = models.Event.objects.select_for_update().get(pk=run.event_id)
        if event.document != run.source_document:
            raise StaleDraft
        event.document = run.plan_document
        event.save(update_fields=["document", "updated_at"])
        models.SchedulingRun.objects.filter(pk=run.pk).update(status=Status.ACCEPTED)


def reject(run: models.SchedulingRun) -> None:
    models.SchedulingRun.objects.filter(pk=run.pk, status=Status.DONE).update(status=Status.REJECTED)


#: A run's result, in words for the organiser (translated by the page).
STATUS_WORDS = {
    "optimal": N_("optimal: no plan has fewer conflicts"),
    "feasible": N_("feasible: the best plan found in the time given, not proven the best"),
    "infeasible": N_("impossible: no plan keeps every rule"),
    "unknown": N_("unknown: no plan found in the time given"),
}


@dataclass(frozen=True, slots=True)
class Comparison:
    """The draft the run started from ("now") against its plan ("proposal"), and the people already
    registered whom the plan would move."""

    now: plans.Described
    proposal: plans.Described
    moves: plans.Moves


def compare(run: models.SchedulingRun) -> Comparison | None:
    """The comparison of a run that has a plan; None while it has none. The conflicts are those the worker
    computed with the plan (the interests of that moment, so that they match the run's result); the
    registrations are those of now."""
    if not run.plan_document:
        return None
    before = event_from_document(run.source_document)
    after = event_from_document(run.plan_document)
    if "now" in run.result and "proposal" in run.result:
        now = plans.Figures.from_json(run.result["now"])
        proposal = plans.Figures.from_json(run.result["proposal"])
    else:  # a run from before the worker kept these: by today's interests
        interests = interests_for(run.event, before)
        now, proposal = plans.figures(before, interests), plans.figures(after, interests)
    moves = plans.moved_registrations(run.event, before, after)
    return Comparison(plans.describe(before, now), plans.describe(after, proposal), moves)


def current_figures(event: models.Event, core: CoreEvent) -> plans.Described:
    """The conflicts of the draft `core` of `event` now, by the interests a run would use."""
    return plans.describe(core, plans.figures(core, interests_for(event, core)))


def progress_json(run: models.SchedulingRun) -> dict[str, object]:
    return {
        "status": run.status,
        "time_limit": run.time_limit,
        "progress": run.progress,
        "result": run.result,
        "message": run.message,
        "elapsed": round((timezone.now() - run.created_at).total_seconds(), 1),
        "workers": live_workers("scheduling"),
    }
