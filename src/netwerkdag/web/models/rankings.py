"""What people rank before seats are given (issue 19): the interest poll and the allocation mode.

A `Ranking` is one person's answer for one purpose: the *poll* (before the programme is fixed: which
planned sessions or themes they want, and which parts of the day they can attend) or the *allocation*
(an event whose seats are given by allocation: the sessions or topics they want, ranked, until the
ranking deadline). Its `RankedChoice` rows name a session id or a topic id of the event file; rank 1 is
most wanted, equal ranks are allowed, no rank means "marked" (wanted, not ranked; the poll only).
`AllocationRun` is one run of the allocation by a worker, with its report.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from netwerkdag.web.models.events import Event, RegistrationMode
from netwerkdag.web.models.invitees import Invitee
from netwerkdag.web.models.work import RunByWorker

__all__ = ["MAX_CHOICES", "AllocationRun", "Purpose", "RankedChoice", "Ranking", "RegistrationMode"]

#: The most choices one person may rank (the form and the service refuse more).
MAX_CHOICES = 60


class Purpose(models.TextChoices):
    POLL = "poll"
    ALLOCATION = "allocation"


class Ranking(models.Model):
    invitee = models.ForeignKey(Invitee, on_delete=models.CASCADE, related_name="rankings")
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    #: The poll only: the ids of the blocks (parts of the day) the person can attend; None: all of them.
    available_blocks = models.JSONField(null=True, blank=True)
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["invitee", "purpose"], name="one_ranking_per_purpose"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} of {self.invitee}"


class RankedChoice(models.Model):
    ranking = models.ForeignKey(Ranking, on_delete=models.CASCADE, related_name="choices")
    #: A session id or a topic id of the event file.
    choice = models.CharField(max_length=100)
    #: 1 is most wanted; None: marked without a rank (the poll).
    rank = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["ranking", "rank", "choice"]
        constraints = [
            models.UniqueConstraint(fields=["ranking", "choice"], name="one_rank_per_choice"),
            models.CheckConstraint(condition=Q(rank__isnull=True) | Q(rank__gte=1), name="rank_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.ranking.invitee} ranks {self.choice} {self.rank}"


class AllocationRun(RunByWorker):
    """One allocation of an event's seats by the worker: queued by an organiser after the ranking
    deadline, solved (scheduling/allocation.py), applied (registrations, waiting lists in rank order,
    mails) in one transaction; `report` keeps what the organiser sees afterwards."""

    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="allocation_runs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    #: {"rank_costs": [...], "empty_organisations_first": bool, "seed": int, "time_limit": float}
    options = models.JSONField(default=dict, blank=True)
    #: The allocation's report (scheduling/allocation_report.py, as JSON) once done.
    report = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True, default="")

    class Meta(RunByWorker.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["event"],
                condition=Q(status__in=["queued", "running"]),
                name="one_active_allocation_per_event",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event.slug} allocation {self.pk} ({self.status})"
