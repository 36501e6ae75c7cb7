"""What organisers see of registrations: attendance per session and room, catering counts, waiting lists,
and the same as rows for CSV and XLSX."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.web import models


@dataclass(frozen=True, slots=True)
class SessionCount:
    session_id: str
    title: str
    slot: str
    room: str
    capacity: int | None
    taken: int
    waiting: int
    checked_in: int


@dataclass(frozen=True, slots=True)
class Catering:
    attending: int
    declined: int
    unknown: int
    #: The parts one joins or not (lunch, the board meeting, drinks), each with how many joined.
    parts: tuple[tuple[str, int], ...]
    dietary: tuple[str, ...]
    accessibility: tuple[str, ...]


def session_counts(event: models.Event, core: CoreEvent | None) -> list[SessionCount]:
    rows = (
        models.Seats.objects.filter(event=event)
        .annotate(
            n_waiting=Count("waiting", distinct=True),
        )
        .order_by("slot", "session_id")
    )
    present = dict(
        models.Registration.objects.filter(seats__event=event, invitee__checked_in_at__isnull=False)
        .values_list("seats_id")
        .annotate(n=Count("id"))
        .values_list("seats_id", "n")
    )
    found = []
    for row in rows:
        room = ""
        if core is not None and core.has_session(row.session_id):
            r = core.room_of(core.session(row.session_id))
            room = r.name if r is not None else core.venue.name
        found.append(
            SessionCount(
                row.session_id,
                row.title,
                row.slot,
                room,
                row.capacity,
                row.taken,
                row.n_waiting,
                present.get(row.pk, 0),
            )
        )
    if core is not None:
        found.sort(
            key=lambda c: (
                core.session(c.session_id).start if core.has_session(c.session_id) else core.last_end,
                c.room,
            )
        )
    return found


def catering(event: models.Event) -> Catering:
    people = models.Invitee.objects.filter(event=event, withdrawn_at__isnull=True)
    counts = dict(people.values_list("attending").annotate(n=Count("id")).values_list("attending", "n"))
    attending = people.filter(attending=models.Attendance.YES)
    return Catering(
        counts.get(models.Attendance.YES, 0),
        counts.get(models.Attendance.NO, 0),
        counts.get(models.Attendance.UNKNOWN, 0),
        tuple(
            (row.title, row.taken)
            for row in models.Seats.objects.filter(models.OPT_IN_SLOTS, event=event, active=True)
        ),
        tuple(d for d in attending.exclude(dietary="").values_list("dietary", flat=True)),
        tuple(a for a in attending.exclude(accessibility="").values_list("accessibility", flat=True)),
    )


def waiting_lists(event: models.Event) -> list[tuple[models.Seats, list[models.WaitingEntry]]]:
    found: dict[int, tuple[models.Seats, list[models.WaitingEntry]]] = {}
    entries = models.WaitingEntry.objects.filter(seats__event=event).select_related("seats", "invitee")
    for entry in entries.order_by("seats_id", "created_at", "id"):
        found.setdefault(entry.seats_id, (entry.seats, []))[1].append(entry)
    return list(found.values())


ATTENDANCE_HEADER = ["session", "title", "room", "capacity", "registered", "waiting", "checked in"]


def attendance_rows(event: models.Event, core: CoreEvent | None) -> list[list[str]]:
    return [
        [
            c.session_id,
            c.title,
            c.room,
            "" if c.capacity is None else str(c.capacity),
            str(c.taken),
            str(c.waiting),
            str(c.checked_in),
        ]
        for c in session_counts(event, core)
    ]


INVITEE_HEADER = [
    "name",
    "organisation",
    "role",
    "attending",
    "sessions",
    "dietary",
    "accessibility",
    "checked in",
]


def invitee_rows(event: models.Event) -> list[list[str]]:
    rows = []
    people = models.Invitee.objects.filter(event=event, withdrawn_at__isnull=True).prefetch_related(
        "registrations__seats"
    )
    for person in people.order_by("name"):
        sessions = ", ".join(r.seats.title for r in person.registrations.all())
        rows.append(
            [
                person.name,
                person.organisation,
                person.role,
                person.attending,
                sessions,
                person.dietary,
                person.accessibility,
                "yes" if person.checked_in_at else "",
            ]
        )
    return rows
