"""Work done in the background (docs/decisions/0008-background-work.md): mail waiting to go out, the
worker processes that do it, and the daily jobs already started.

The queue itself is django-tasks' database backend (`django_tasks_db.DBTaskResult`): a task names only
the id of a row here, so that a task's arguments hold no personal data and no secret. The row is the
truth about the work; the task is how a worker hears of it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class RunByWorker(models.Model):
    """What every run a worker does for an organiser keeps (a scheduler run, an allocation): who started
    it and when, its heartbeat while a worker has it, when it finished, and how often a worker started it
    (one that stopped mid-run leaves it to be started again: services/runs.py)."""

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["-created_at"]


class OutgoingMail(models.Model):
    """One mail to one person. Written in the transaction of the change it tells of (so it exists exactly
    when that change does), rendered and sent by a worker, in the person's language, at sending time.

    ``queued`` -> ``sending`` (a worker took it) -> ``sent`` or ``failed``; a temporary failure goes back
    to ``queued`` with a later attempt. `handed_over_at` is set, and committed, just before the mail
    server is given the message: a worker that dies after that moment may have delivered it, so such a
    mail is marked failed for a person to look at, never sent again by itself.
    """

    # One value per member (the label is made from it), so that type checkers see a str.
    class Kind(models.TextChoices):
        INVITATION = "invitation"
        CONFIRMATION = "confirmation"
        PROMOTED = "promoted"
        CHANGED = "changed"
        REMINDER = "reminder"
        ORGANISER = "organiser"
        MEETING_REQUEST = "meeting-request"
        MEETING_ANSWER = "meeting-answer"
        MEETING_PLACED = "meeting-placed"

    class Status(models.TextChoices):
        QUEUED = "queued"
        SENDING = "sending"
        SENT = "sent"
        FAILED = "failed"

    #: Kinds of which a person has at most one waiting at a time (a second click adds nothing).
    ONE_PENDING = (Kind.INVITATION, Kind.ORGANISER)

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    event = models.ForeignKey("web.Event", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    invitee = models.ForeignKey(
        "web.Invitee", null=True, blank=True, on_delete=models.CASCADE, related_name="mails"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    #: What the mail tells beyond the person and the event (a session's seats id, the changes of a
    #: publication); never a secret.
    context = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    handed_over_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["event", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["invitee", "kind"],
                condition=Q(status__in=["queued", "sending"], kind="invitation"),
                name="one_pending_invitation",
            ),
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=Q(status__in=["queued", "sending"], kind="organiser"),
                name="one_pending_organiser_mail",
            ),
            models.UniqueConstraint(
                fields=["invitee", "kind"], condition=Q(kind="reminder"), name="one_reminder_per_invitee"
            ),
            models.CheckConstraint(
                condition=Q(invitee__isnull=False) | Q(user__isnull=False), name="mail_has_a_recipient"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} mail {self.pk} ({self.status})"


class WorkerProcess(models.Model):
    """A running `netwerkdag worker` process: it writes `beat_at` every few seconds. A task still marked
    running whose worker has stopped beating was lost with that worker, and is recovered."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    queues = models.CharField(max_length=200)
    started_at = models.DateTimeField(auto_now_add=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"worker {self.worker_id} on {self.host} ({self.queues})"


class DailyRun(models.Model):
    """A daily job started for a day: whichever worker inserts the row first runs it; the others see the
    unique constraint and leave it."""

    job = models.CharField(max_length=40)
    day = models.DateField()
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "day"], name="one_run_per_job_and_day")]

    def __str__(self) -> str:
        return f"{self.job} {self.day}"
