"""The life of a run a worker does for an organiser (a scheduler run, an allocation: a
`models.RunByWorker` with a `status` of queued, running, done or failed): a worker claims it and does
it; a bug fails it with its reason, never silently; a run whose worker stopped is started again, at most
`MAX_ATTEMPTS` times in all, and then failed. The services that own the runs (services/scheduling.py,
services/allocation.py, services/meetings.py) say what doing one means; `finish` ends one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

from django.db import models as db
from django.db import transaction
from django.db.models import F
from django.utils import timezone

QUEUED, RUNNING = "queued", "running"
ACTIVE = (QUEUED, RUNNING)
#: A run is started this often at most (a worker that stops mid-run leaves it to another).
MAX_ATTEMPTS = 2

Run = TypeVar("Run", bound=db.Model)


class Enqueue(Protocol):
    def enqueue(self, run_id: int) -> Any: ...


def execute(
    model: type[Run], run_id: int, work: Callable[[Run], None], fail: Callable[[Run, str], None]
) -> str:
    """Claim the queued run `run_id` (one worker only), do `work` on it, and return its status after; a
    run not queued (another worker has it, or it is over) is left alone. An exception in `work` fails
    the run with its reason (`fail`) and is raised again for the task's record."""
    claimed = model._default_manager.filter(pk=run_id, status=QUEUED).update(
        status=RUNNING, heartbeat_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return "not queued"
    run = model._default_manager.select_related("event").get(pk=run_id)
    try:
        work(run)
    except Exception as exc:  # a bug must not pass silently: the run shows it
        fail(run, f"{type(exc).__name__}: {exc}")
        raise
    return str(model._default_manager.values_list("status", flat=True).get(pk=run_id))


def recover(
    model: type[Run],
    run_id: int,
    task: Enqueue,
    fail: Callable[[Run, str], None],
    message: str = "the worker running it stopped, {attempts} times",
) -> None:
    """The worker doing run `run_id` stopped: queue it again (`task`), or, once it was started
    MAX_ATTEMPTS times, fail it with `message` (`{attempts}` is the count)."""
    run = model._default_manager.filter(pk=run_id, status__in=ACTIVE).first()
    if run is None:
        return
    attempts = int(run.attempts)
    if attempts >= MAX_ATTEMPTS:
        fail(run, message.format(attempts=attempts))
        return
    with transaction.atomic():
        if model._default_manager.filter(pk=run_id, status__in=ACTIVE).update(status=QUEUED):
            task.enqueue(run_id)


def finish(run: db.Model, status: Any, *, report: Mapping[str, Any] | None = None, message: str = "") -> None:
    """End `run` (of a model with `status`, `report` and `message` beside the `RunByWorker` fields) with
    `status`, its report and a message for the organiser."""
    type(run)._default_manager.filter(pk=run.pk).update(
        status=status,
        report=dict(report or {}),
        message=message,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
