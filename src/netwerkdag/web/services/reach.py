"""The network's days as the reach measures read them (`core.reach.Attendance`), from the database.

Which days: the events a user organises (all for a superuser) that are over (`feedback.has_ended`: past
their end and their registration deadline), of one network (the
network `id` of their event files), in date order, each read from its published programme (else its
draft). A day with nobody present is left out and named (`Days.skipped`): an event that was planned but
not run, or whose check-in was not used and whose invitees never answered. Of two events on one date,
the first made counts and the other is named.

Who was there, per event:
- present: the people checked in; when nobody of the event was checked in at all (the organisers did not
  use check-in), those who answered "yes";
- attended a session: present and holding a seat in it; a plenary that takes no registrations is
  attended by everyone present (the same rule as the evaluation, `feedback.attended_sessions`);
- registered: every seat held, for the no-shows;
- feedback: the scores given per session and for the day.
A person is known by their network id. An invitee outside the network counts as an outside guest. An
anonymised invitee (`privacy.anonymise_past_events`) has no id any more: they count as a person of their
own, with the organisation, role, groups and portfolios anonymisation kept (`Invitee.reach_profile`), so
that organisations, roles and groups stay counted; who returned on a later day can no longer be told.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.core.network import Person
from netwerkdag.core.reach import Attendance
from netwerkdag.core.sessions import SessionKind
from netwerkdag.web import models
from netwerkdag.web.services import feedback, programme

#: How an anonymised invitee is named in the measures: not a network id (ids are slugs, never with "~").
ANONYMOUS = "~anonymous-{pk}"


@dataclass(frozen=True, slots=True)
class Days:
    """The days of one network: `days` for the measures, the web's `events` beside them (same order),
    and the events left out with the reason."""

    network: str
    days: tuple[Attendance, ...]
    events: tuple[models.Event, ...]
    skipped: tuple[tuple[models.Event, str], ...]


def visible_events(user: object) -> QuerySet[models.Event]:
    """The events `user` may see the reach of: those they organise; every event for a superuser."""
    events = models.Event.objects.all()
    if not getattr(user, "is_superuser", False):
        events = events.filter(organisers__user=user)
    return events.distinct()


def networks(events: Iterable[models.Event]) -> dict[str, str]:
    """The networks of `events` (id: name), the one of the latest event first."""
    found: dict[str, str] = {}
    for event in sorted(events, key=lambda e: e.ends_at, reverse=True):
        core = current_event(event)
        found.setdefault(core.network.id, core.network.name)
    return found


def network_days(events: Iterable[models.Event], network: str, *, now: datetime | None = None) -> Days:
    """The ended days of `network` among `events`, read as `Attendance`."""
    ended = [e for e in events if feedback.has_ended(e, now=now)]
    chosen: list[tuple[models.Event, CoreEvent]] = []
    for event in sorted(ended, key=lambda e: (e.starts_at, e.created_at, e.pk)):
        core = current_event(event)
        if core.network.id == network:
            chosen.append((event, core))
    days: list[Attendance] = []
    kept: list[models.Event] = []
    skipped: list[tuple[models.Event, str]] = []
    taken_dates: set[object] = set()
    for event, core in chosen:
        if core.start_date in taken_dates:
            skipped.append((event, "same-date"))
            continue
        day = attendance(event, core)
        if not day.everyone:
            skipped.append((event, "nobody"))
            continue
        taken_dates.add(core.start_date)
        days.append(day)
        kept.append(event)
    return Days(network, tuple(days), tuple(kept), tuple(skipped))


def current_event(event: models.Event) -> CoreEvent:
    """The event's published programme, else its draft."""
    return programme.published_event(event) or programme.draft_event(event)


def attendance(event: models.Event, core: CoreEvent) -> Attendance:
    """Who was at `event` (module docstring), in a few queries whatever the number of people."""
    people = list(
        models.Invitee.objects.filter(event=event, withdrawn_at__isnull=True)
        .order_by()  # no order needed: the models' default ordering would make the database sort
        .values_list("pk", "person_id", "checked_in_at", "attending", "anonymised_at", "reach_profile")
    )
    check_in_used = any(row[2] is not None for row in people)
    key: dict[int, str] = {}
    present: set[str] = set()
    profiles: dict[str, Person] = {}
    for pk, person_id, checked_in_at, attending, anonymised_at, profile in people:
        if person_id:
            key[pk] = person_id
        else:
            key[pk] = ANONYMOUS.format(pk=pk)
            if anonymised_at is not None and profile:
                profiles[key[pk]] = _profile_person(key[pk], profile, core)
        here = checked_in_at is not None if check_in_used else attending == models.Attendance.YES
        if here:
            present.add(key[pk])
    registered: dict[str, set[str]] = defaultdict(set)
    for invitee_id, session_id in (
        models.Registration.objects.filter(invitee__event=event, invitee__withdrawn_at__isnull=True)
        .order_by()
        .values_list("invitee_id", "seats__session_id")
    ):
        if core.has_session(session_id):
            registered[session_id].add(key[invitee_id])
    with_seats = set(models.Seats.objects.filter(event=event).order_by().values_list("session_id", flat=True))
    attended = {s: people_in & present for s, people_in in registered.items()}
    for session in core.sessions:
        if session.kind is SessionKind.PLENARY and session.id not in with_seats:
            attended[session.id] = set(present)
    scores: dict[str, list[int]] = defaultdict(list)
    for session_id, value in (
        models.SessionFeedback.objects.filter(feedback__invitee__event=event, score__isnull=False)
        .order_by()
        .values_list("session_id", "score")
    ):
        if core.has_session(session_id):
            scores[session_id].append(value)
    day_scores = list(
        models.Feedback.objects.filter(invitee__event=event, day_score__isnull=False)
        .order_by()
        .values_list("day_score", flat=True)
    )
    return Attendance(
        core,
        present=frozenset(present),
        attended={s: frozenset(p) for s, p in attended.items() if p},
        registered={s: frozenset(p) for s, p in registered.items()},
        scores={s: tuple(v) for s, v in scores.items()},
        day_scores=tuple(v for v in day_scores if v is not None),
        profiles=profiles,
    )


def _profile_person(key: str, profile: dict[str, object], core: CoreEvent) -> Person:
    """A person without a name, from what anonymisation kept; ids the network no longer has are dropped."""
    net = core.network
    org = profile.get("organisation")
    groups = profile.get("groups")
    portfolios = profile.get("portfolios")
    return Person(
        id=key,
        name="—",
        role=str(profile.get("role") or ""),
        organisation=org if isinstance(org, str) and net.has_organisation(org) else None,
        portfolios=tuple(str(p) for p in portfolios) if isinstance(portfolios, list) else (),
        groups=tuple(g for g in groups if isinstance(g, str) and net.has_group(g))
        if isinstance(groups, list)
        else (),
    )


def day_index(found: Days, slug: str) -> int | None:
    """Where the event `slug` is in the series, None when it is not a counted day."""
    for index, event in enumerate(found.events):
        if event.slug == slug:
            return index
    return None


def series_upto(found: Days, index: int) -> Sequence[Attendance]:
    """The days up to and including `index` (a day's page measures newcomers against the days before)."""
    return found.days[: index + 1]
