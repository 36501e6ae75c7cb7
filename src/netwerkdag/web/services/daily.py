"""The jobs a worker starts once a day, whichever worker comes first (a `DailyRun` row per job and day,
under a unique constraint): forgetting personal data as the retention rules say, reminders before an
event, and tidying the tables of finished work. Each can run twice without harm."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from netwerkdag.web import models, tasks
from netwerkdag.web.services import mail, privacy, ratelimit

#: Finished tasks and daily-run rows are kept this long (for looking back at what happened).
KEEP_FINISHED = timedelta(days=30)


def forget() -> str:
    wishes = privacy.delete_wishes_of_past_events()
    people = privacy.anonymise_past_events()
    return f"wishes deleted for {wishes} people, {people} people anonymised"


def remind(*, now: datetime | None = None) -> str:
    """Queue a reminder, with the programme, for everyone coming to an event that starts within
    NETWERKDAG_REMINDER_DAYS days; each person gets one (a unique constraint)."""
    days = settings.NETWERKDAG_REMINDER_DAYS
    if days <= 0:
        return "reminders are off"
    now = now or timezone.now()
    events = models.Event.objects.filter(
        starts_at__gt=now, starts_at__lte=now + timedelta(days=days), anonymised_at__isnull=True
    )
    queued = 0
    for event in events:
        if not event.versions.exists():
            continue
        people = models.Invitee.objects.filter(
            event=event,
            attending=models.Attendance.YES,
            withdrawn_at__isnull=True,
            anonymised_at__isnull=True,
        ).exclude(email="")
        for person in people.exclude(mails__kind=models.OutgoingMail.Kind.REMINDER):
            with transaction.atomic():
                queued += mail.queue(models.OutgoingMail.Kind.REMINDER, invitee=person) is not None
    return f"{queued} reminders queued"


def tidy(*, now: datetime | None = None) -> str:
    """Delete finished tasks and daily runs older than KEEP_FINISHED, rate-limit windows that have passed,
    and workers that stopped long ago."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    old = now - KEEP_FINISHED
    tasks_gone = DBTaskResult.objects.finished().filter(finished_at__lt=old).delete()[0]
    models.DailyRun.objects.filter(started_at__lt=old).delete()
    models.WorkerProcess.objects.filter(beat_at__lt=now - timedelta(days=1)).delete()
    windows = max(settings.NETWERKDAG_TOKEN_WINDOW_S, 3600)
    limits_gone = ratelimit.prune(windows)
    return f"{tasks_gone} finished tasks and {limits_gone} rate-limit counters deleted"


JOBS: dict[str, Callable[[], str]] = {"forget": forget, "reminders": remind, "tidy": tidy}


def run(job: str) -> str:
    return JOBS[job]()


def tick(*, now: datetime | None = None) -> list[str]:
    """Start today's jobs that no worker has started yet; returns their names."""
    today = timezone.localdate(now or timezone.now())
    started = []
    for job in JOBS:
        try:
            with transaction.atomic():
                models.DailyRun.objects.create(job=job, day=today)
                tasks.daily_job.enqueue(job)
        except IntegrityError:
            continue
        started.append(job)
    return started
