"""Worker processes as the database knows them: each beats (`WorkerProcess.beat_at`) every few seconds;
one silent for NETWERKDAG_WORKER_LOST_S has stopped. A task still marked running by a stopped worker was
lost with it: it is marked failed ("worker lost") and its work given back to the service that owns it
(web/tasks.py `recover`): a mail is queued again or marked "may have arrived", a scheduler run is started
again once, a daily job runs again.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from netwerkdag.web import models, tasks

log = logging.getLogger("netwerkdag.worker")


class WorkerLost(Exception):
    """Recorded on a task whose worker stopped while running it."""


LOST = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"


def new_worker_id() -> str:
    return f"{socket.gethostname()[:30]}-{os.getpid()}-{get_random_string(8)}"


def register(worker_id: str, queues: Sequence[str]) -> None:
    models.WorkerProcess.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
            "queues": ",".join(queues),
            "beat_at": timezone.now(),
        },
    )


def live_workers(queue: str | None = None, *, now: datetime | None = None) -> int:
    """How many worker processes beat recently (serving `queue`, when given)."""
    since = (now or timezone.now()) - timedelta(seconds=settings.NETWERKDAG_WORKER_LOST_S)
    found = models.WorkerProcess.objects.filter(beat_at__gt=since)
    if queue is not None:
        found = found.filter(queues__contains=queue)
    return found.count()


def recover_lost(*, now: datetime | None = None) -> int:
    """Mark every running task whose worker stopped beating as failed and recover its work; returns how
    many. A task is looked at only once it has run longer than a worker may stay silent."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    silent = now - timedelta(seconds=settings.NETWERKDAG_WORKER_LOST_S)
    alive = set(models.WorkerProcess.objects.filter(beat_at__gt=silent).values_list("worker_id", flat=True))
    recovered = 0
    for result in DBTaskResult.objects.running().filter(started_at__lt=silent):
        owner = result.worker_ids[-1] if result.worker_ids else ""
        if owner in alive:
            continue
        with transaction.atomic():
            lost = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=LOST,
                traceback=f"the worker {owner} stopped while running this task; its work was recovered",
            )
            if lost:
                tasks.recover(result.task_path, result.args_kwargs.get("args", []))
                recovered += 1
    if recovered:
        log.warning("recovered %s task(s) of workers that stopped", recovered)
    return recovered
