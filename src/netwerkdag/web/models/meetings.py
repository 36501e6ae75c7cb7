"""The networking room (issue 20): who may be found, who asked whom for a meeting, the answers, and where
and when each accepted meeting takes place.

- `NetworkingConsent`: the person agreed to appear in the day's directory of people to meet. The row
  exists only while they agree; withdrawing deletes it (and nobody appears, is suggested or exported
  without it). `accepts_requests` False: they stay findable but nobody can ask them for a meeting.
- `MeetingBlock`: a person no longer takes requests from another.
- `MeetingRequest`: one person asks one or more others for a meeting of 15 or 30 minutes on a subject;
  `MeetingAnswer` is each asked person's answer. A meeting takes place with the requester and those who
  accepted, once at least one accepted.
- `MeetingPlacement`: the table and time a worker's placement gave an accepted meeting;
  `announced_at` is when its people were told (a later placement moves as few announced ones as it can).
- `MeetingRun`: one placement of the event's accepted meetings by a worker, with its report.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from netwerkdag.web.models.events import Event
from netwerkdag.web.models.invitees import Invitee
from netwerkdag.web.models.work import RunByWorker

__all__ = [
    "MAX_ASKED_PER_REQUEST",
    "MAX_OPEN_REQUESTS",
    "MEETING_MINUTES",
    "MeetingAnswer",
    "MeetingBlock",
    "MeetingPlacement",
    "MeetingRequest",
    "MeetingRun",
    "NetworkingConsent",
]

#: The lengths a person may ask for, in minutes.
MEETING_MINUTES = (15, 30)
#: Requests a person may have waiting for answers at once (against requests sent in bulk).
MAX_OPEN_REQUESTS = 10
#: People one request may ask.
MAX_ASKED_PER_REQUEST = 4


class NetworkingConsent(models.Model):
    invitee = models.OneToOneField(Invitee, on_delete=models.CASCADE, related_name="networking")
    consented_at = models.DateTimeField(auto_now_add=True)
    accepts_requests = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.invitee} in the directory"


class MeetingBlock(models.Model):
    blocker = models.ForeignKey(Invitee, on_delete=models.CASCADE, related_name="meeting_blocks")
    blocked = models.ForeignKey(Invitee, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="one_block_per_pair"),
            models.CheckConstraint(condition=~Q(blocker=F("blocked")), name="no_blocking_oneself"),
        ]

    def __str__(self) -> str:
        return f"{self.blocker} blocks {self.blocked}"


class MeetingRequest(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meeting_requests")
    requester = models.ForeignKey(Invitee, on_delete=models.CASCADE, related_name="meeting_requests")
    subject = models.CharField(max_length=200)
    minutes = models.PositiveSmallIntegerField(choices=[(m, str(m)) for m in MEETING_MINUTES])
    created_at = models.DateTimeField(auto_now_add=True)
    #: The requester called it off (or withdrew from the day): it is no longer placed.
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"meeting {self.pk} of {self.requester}: {self.subject}"


class MeetingAnswer(models.Model):
    class Answer(models.TextChoices):
        PENDING = "pending"
        ACCEPTED = "accepted"
        DECLINED = "declined"

    request = models.ForeignKey(MeetingRequest, on_delete=models.CASCADE, related_name="answers")
    invitee = models.ForeignKey(Invitee, on_delete=models.CASCADE, related_name="meeting_answers")
    answer = models.CharField(max_length=10, choices=Answer.choices, default=Answer.PENDING)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["request", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "invitee"], name="one_answer_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.invitee} {self.answer} meeting {self.request_id}"


class MeetingRun(RunByWorker):
    """One placement of an event's accepted meetings by a worker (scheduling/meetings.py)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meeting_runs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    #: {"time_limit": float}
    options = models.JSONField(default=dict, blank=True)
    #: What the organiser sees afterwards: placed, unplaced with reasons, bound, moved, wall_s.
    report = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True, default="")

    class Meta(RunByWorker.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["event"],
                condition=Q(status__in=["queued", "running"]),
                name="one_active_meeting_run_per_event",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event.slug} meetings {self.pk} ({self.status})"


class MeetingPlacement(models.Model):
    request = models.OneToOneField(MeetingRequest, on_delete=models.CASCADE, related_name="placement")
    run = models.ForeignKey(MeetingRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    #: The networking space's and the table's ids in the event file.
    space = models.CharField(max_length=100)
    table = models.CharField(max_length=100)
    start = models.DateTimeField()
    end = models.DateTimeField()
    #: When its people were told; None until the mails are written.
    announced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start", "table"]

    def __str__(self) -> str:
        return f"meeting {self.request_id} at {self.table} {self.start:%H:%M}"
