"""An event as the web app keeps it: its event file, its published versions, its organisers and seats.

The event file (YAML, network inline, as `netwerkdag.files.dump` writes it) is the one source of the
programme, as in git: the web app reads it with the same loader as the command line, so the web's
exports equal the CLI's. `document` is the draft the organisers edit; a `ProgrammeVersion` is a published
copy, numbered. `Seats` holds, per session that takes registrations, its capacity and how many seats are
taken; the registration services change `taken` only with a conditional update.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from netwerkdag.web.models.work import RunByWorker


def document_digest(text: str) -> str:
    """The SHA-256 (hex) of an event file's text: what the web app's caches of a programme are keyed by."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class RegistrationMode(models.TextChoices):
    """How the seats of an event's parallel rounds are given."""

    FIRST_COME = "first-come"
    ALLOCATION = "allocation"


class Event(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    #: As long as the event file allows (files/schema.py: Text, 500).
    title = models.CharField(max_length=500)
    #: The draft event file (YAML, network inline).
    document = models.TextField()
    #: When the event's first part starts: registrations close then unless a deadline is set.
    starts_at = models.DateTimeField()
    #: When the event's last part ends; personal data is anonymised a configured number of days later.
    ends_at = models.DateTimeField()
    #: Invitees may change their registration until then; None: until the event starts.
    registration_deadline = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    #: The interest poll (models/rankings.py): open from `poll_opened_at` until `poll_closes_at`.
    poll_opened_at = models.DateTimeField(null=True, blank=True)
    poll_closes_at = models.DateTimeField(null=True, blank=True)
    #: How seats of parallel rounds are given: `RegistrationMode` (first come, first served, or by
    #: allocation after people ranked their choices until `ranking_deadline`).
    registration_mode = models.CharField(
        max_length=12, choices=RegistrationMode.choices, default=RegistrationMode.FIRST_COME
    )
    ranking_deadline = models.DateTimeField(null=True, blank=True)
    #: The allocation's settings: {"rank_costs": [...], "empty_organisations_first": bool, "seed": int}.
    allocation_settings = models.JSONField(default=dict, blank=True)
    #: When an allocation was applied; from then on free seats go first come, first served again.
    allocated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-ends_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def published(self) -> ProgrammeVersion | None:
        return self.versions.order_by("-number").first()


class ProgrammeVersion(models.Model):
    """A published programme: a copy of the event file, and what changed since the version before."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    document = models.TextField()
    #: Sessions that moved, appeared or went since the previous version: a list of {session, title, what,
    #: before, after}.
    changes = models.JSONField(default=list, blank=True)
    #: `document_digest(document)`, set on every save: the key of the web app's caches of this programme.
    #: Not its id, which a restored backup gives to another programme.
    digest = models.CharField(max_length=64, editable=False, db_index=True)
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: How many people registered for a session that moved or went were mailed.
    told = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["event", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["event", "number"], name="one_number_per_version"),
            models.CheckConstraint(condition=~Q(digest=""), name="version_has_digest"),
        ]

    def __str__(self) -> str:
        return f"{self.event.slug} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.digest = document_digest(self.document)
        super().save(*args, **kwargs)


class Organiser(models.Model):
    """A user who may run this event (permissions are per event)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="organisers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organising")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="one_organiser_row")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.event.slug}"


#: How a slot of a part one joins or not begins; only `SlotKey` writes and reads it.
_OPT_IN_PREFIX = "session:"


@dataclass(frozen=True, slots=True)
class SlotKey:
    """What a person holds at most one seat of: a round of parallel sessions, of which one chooses one (`id`
    is the block's), or a part one joins or not, as lunch, the board meeting or drinks (`id` is the
    session's). `str(key)` is how `Seats.slot`, `Registration.slot`, `WaitingEntry.slot` and the invitee
    form's field names spell it; `SlotKey.parse` reads that back."""

    id: str
    opt_in: bool

    @classmethod
    def round(cls, block_id: str) -> SlotKey:
        return cls(block_id, opt_in=False)

    @classmethod
    def part(cls, session_id: str) -> SlotKey:
        """The slot of a session one joins or not."""
        return cls(session_id, opt_in=True)

    @classmethod
    def parse(cls, text: str) -> SlotKey:
        if text.startswith(_OPT_IN_PREFIX):
            return cls.part(text.removeprefix(_OPT_IN_PREFIX))
        return cls.round(text)

    def __str__(self) -> str:
        return f"{_OPT_IN_PREFIX}{self.id}" if self.opt_in else self.id


#: The rows (`Seats`, `Registration`, `WaitingEntry`) whose slot is a part one joins or not.
OPT_IN_SLOTS = Q(slot__startswith=_OPT_IN_PREFIX)


class Seats(models.Model):
    """The seats of one session that takes registrations.

    `slot` groups the sessions a person chooses one of: a `SlotKey` as text, the block id for a parallel
    slot, or the session's own for a part one joins or not (lunch, the board meeting, drinks). `capacity`
    None means no limit (a part that spans the venue). The database itself refuses more seats taken than
    capacity.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="seats")
    session_id = models.CharField(max_length=100)
    slot = models.CharField(max_length=120)
    title = models.CharField(max_length=500)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    taken = models.PositiveIntegerField(default=0)
    #: Still in the published programme; a session that went keeps its row while people hold seats.
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["event", "slot", "session_id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "session_id"], name="one_seats_row_per_session"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(taken__lte=F("capacity")), name="never_overbooked"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_id} ({self.taken}/{self.capacity if self.capacity is not None else '∞'})"

    @property
    def left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.taken, 0)

    @property
    def key(self) -> SlotKey:
        return SlotKey.parse(self.slot)


class SchedulingRun(RunByWorker):
    """The scheduler run by a worker for an event's draft: its progress while it works (written to this
    row, so that any app server can show it), then its plan, which an organiser accepts or rejects. An
    event has at most one run queued or running at a time."""

    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"
        ACCEPTED = "accepted", "accepted"
        REJECTED = "rejected", "rejected"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="scheduling_runs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    time_limit = models.FloatField()
    #: What the organiser chose for this run beside the time limit: {"repeat_popular": bool}.
    options = models.JSONField(default=dict, blank=True)
    #: The draft it started from; a plan for an older draft cannot be accepted.
    source_document = models.TextField()
    #: While it runs: {"objective", "bound", "seconds"}; at the end the solver's summary.
    progress = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    plan_document = models.TextField(blank=True, default="")
    message = models.TextField(blank=True, default="")

    class Meta(RunByWorker.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["event"],
                condition=Q(status__in=["queued", "running"]),
                name="one_active_run_per_event",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event.slug} run {self.pk} ({self.status})"
