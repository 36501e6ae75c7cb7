"""Registering: one session per parallel slot, parts one joins or not, waiting lists. No seat is given twice.

Every change runs in one transaction. A seat is taken with a conditional update
(``UPDATE seats SET taken = taken + 1 WHERE id = … AND taken < capacity``), which the database applies
to the row's latest value under its row lock, so that of any number of concurrent requests exactly as
many succeed as there are seats; the check constraint `never_overbooked` backs it. One registration per
person per slot is a unique constraint. On SQLite every write transaction takes the lock first
(``BEGIN IMMEDIATE``, see settings); on PostgreSQL two transactions that lock two sessions in opposite
order may deadlock, and the loser is run again.

`NETWERKDAG_SEAT_LOCK = False` (a test-only switch) counts the registrations before the transaction and
writes from that count: the race every read-then-write has, which the overbooking test must catch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone

from netwerkdag.web import models
from netwerkdag.web.i18n import N_, Refusal
from netwerkdag.web.services import mail, networking

T = TypeVar("T")
ATTEMPTS = 4


class Outcome(StrEnum):
    REGISTERED = "registered"
    UNCHANGED = "unchanged"
    RELEASED = "released"
    FULL = "full"
    WAITING = "waiting"


class RegistrationClosed(Exception):
    """The deadline has passed (or the person withdrew); nothing may change."""


class UnknownChoice(Exception):
    """The session is not one of the slot's choices (a stale or forged form)."""


class Declined(Exception):
    """The person said they will not come; they must say they come before taking or awaiting a seat."""


class ByAllocation(Exception):
    """The event gives the seats of its parallel rounds by allocation (services/allocation.py), which has
    not run yet: they are ranked, not taken."""


@dataclass(frozen=True, slots=True)
class Result:
    slot: str
    session_id: str | None
    outcome: Outcome


def is_open(event: models.Event, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    deadline = event.registration_deadline or event.starts_at
    return now < deadline and event.anonymised_at is None


def _retrying(invitee: models.Invitee, work: Callable[[], T]) -> T:
    """Run `work` in a transaction that first locks the person's row, so that one person's parallel
    submits take turns (PostgreSQL; on SQLite every write transaction takes turns already). Run it again
    when the database chose it as a deadlock's victim, or when the unique constraint caught a registration
    made meanwhile by a promotion from a waiting list (the next run sees that row)."""
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                list(models.Invitee.objects.select_for_update().filter(pk=invitee.pk).values_list("pk"))
                return work()
        except (IntegrityError, OperationalError) as exc:
            retry = isinstance(exc, IntegrityError) or "deadlock" in str(exc).lower()
            if not retry or attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _check_open(invitee: models.Invitee) -> None:
    if invitee.withdrawn_at is not None or not is_open(invitee.event):
        raise RegistrationClosed


def _seats(invitee: models.Invitee, slot: str, session_id: str) -> models.Seats:
    row = models.Seats.objects.filter(
        event_id=invitee.event_id, session_id=session_id, slot=slot, active=True
    ).first()
    if row is None:
        raise UnknownChoice(session_id)
    return row


def _take(seats_id: int) -> bool:
    """Take one seat if one is left: a single conditional update."""
    free = Q(capacity__isnull=True) | Q(taken__lt=F("capacity"))
    return models.Seats.objects.filter(free, pk=seats_id).update(taken=F("taken") + 1) == 1


def _take_unlocked(seats: models.Seats, held: int) -> bool:
    """Test-only: decide from a count read before the transaction, and write that count back."""
    if seats.capacity is not None and held >= seats.capacity:
        return False
    models.Seats.objects.filter(pk=seats.pk).update(taken=held + 1)
    return True


def release(registration: models.Registration) -> None:
    """Give a seat back and let the first person waiting for it have it."""
    seats_id = registration.seats_id
    registration.delete()
    models.Seats.objects.filter(pk=seats_id, taken__gt=0).update(taken=F("taken") - 1)
    _promote(seats_id)


def _promote(seats_id: int) -> None:
    while True:
        entry = models.WaitingEntry.objects.filter(seats_id=seats_id).order_by("created_at", "id").first()
        if entry is None or not _take(seats_id):
            return
        entry.delete()
        old = models.Registration.objects.filter(invitee_id=entry.invitee_id, slot=entry.slot).first()
        if old is not None:
            release(old)
        models.Registration.objects.create(invitee_id=entry.invitee_id, seats_id=seats_id, slot=entry.slot)
        promoted = models.Invitee.objects.select_related("event").get(pk=entry.invitee_id)
        mail.queue(models.OutgoingMail.Kind.PROMOTED, invitee=promoted, context={"seats": seats_id})


def _check_coming(invitee: models.Invitee) -> None:
    """Under the person's row lock: someone who said no cannot hold or await a seat."""
    attending = models.Invitee.objects.values_list("attending", flat=True).get(pk=invitee.pk)
    if attending == models.Attendance.NO:
        raise Declined


def _allocation_pending(invitee: models.Invitee) -> bool:
    """The event is in allocation mode and its seats are not allocated yet (read now, not from the
    invitee's copy of the event)."""
    mode, allocated_at = models.Event.objects.values_list("registration_mode", "allocated_at").get(
        pk=invitee.event_id
    )
    return mode == models.RegistrationMode.ALLOCATION and allocated_at is None


def _choose(invitee: models.Invitee, slot: str, session_id: str | None, held: int | None = None) -> Result:
    """`choose` inside the caller's transaction, which holds the person's row lock."""
    current = models.Registration.objects.filter(invitee=invitee, slot=slot).first()
    if session_id is None:
        if current is None:
            return Result(slot, None, Outcome.UNCHANGED)
        release(current)
        networking.sessions_changed(invitee)
        return Result(slot, None, Outcome.RELEASED)
    _check_coming(invitee)
    if not models.SlotKey.parse(slot).opt_in and _allocation_pending(invitee):
        raise ByAllocation
    target = _seats(invitee, slot, session_id)
    if current is not None and current.seats_id == target.pk:
        return Result(slot, session_id, Outcome.UNCHANGED)
    taken = _take(target.pk) if held is None else _take_unlocked(target, held)
    if not taken:
        return Result(slot, session_id, Outcome.FULL)
    if current is not None:
        release(current)
    models.Registration.objects.create(invitee=invitee, seats=target, slot=slot)
    models.WaitingEntry.objects.filter(invitee=invitee, seats=target).delete()
    networking.sessions_changed(invitee)  # the tables follow a new busy time
    return Result(slot, session_id, Outcome.REGISTERED)


def choose(invitee: models.Invitee, slot: str, session_id: str | None) -> Result:
    """Put `invitee` in `session_id` for `slot`, or in none of its sessions (None). A full session leaves
    the person where they were and says so (`Outcome.FULL`): they may join its waiting list. Someone who
    said they will not come gets `Declined`."""
    _check_open(invitee)
    held = None if session_id is None else _held_before(invitee, session_id)
    return _retrying(invitee, lambda: _choose(invitee, slot, session_id, held))


def _held_before(invitee: models.Invitee, session_id: str) -> int | None:
    """Test-only (NETWERKDAG_SEAT_LOCK off): the seats held, counted before the transaction."""
    if settings.NETWERKDAG_SEAT_LOCK:
        return None
    return models.Registration.objects.filter(
        seats__event_id=invitee.event_id, seats__session_id=session_id
    ).count()


#: The longest wish (dietary, accessibility) kept.
MAX_WISH = 1000


class AnswerProblem(Refusal):
    """A form the person must correct; nothing was saved."""


@dataclass(frozen=True, slots=True)
class Answers:
    """What a person says on their form: their choice per slot they answered (None: none of its
    sessions) and their wishes."""

    choices: Mapping[str, str | None]
    dietary: str = ""
    accessibility: str = ""
    consent: bool = False
    language: str = ""
    #: The form said "I will come". Without it, someone who said no stays a no (`Declined`).
    says_coming: bool = True
    #: The form said "I will not come": the choices and wishes are not read.
    declines: bool = False


def save_answer(invitee: models.Invitee, answers: Answers) -> list[Result]:
    """The use case behind the invitee's form: a "no" (`decline`), or else the whole answer (`register`),
    each in one transaction. Returns the result per slot (none for a "no")."""
    if answers.declines:
        decline(invitee)
        return []
    return register(invitee, answers)


def _check_wishes(answers: Answers) -> None:
    if len(answers.dietary) > MAX_WISH or len(answers.accessibility) > MAX_WISH:
        raise AnswerProblem(N_("Keep each wish under %(n)s characters; nothing was saved."), n=MAX_WISH)
    if (answers.dietary or answers.accessibility) and not answers.consent:
        raise AnswerProblem(
            N_("To keep your dietary or accessibility wishes we need your consent; tick the box.")
        )


def _lock_seats(invitee: models.Invitee, choices: Mapping[str, str | None]) -> None:
    """Lock the seat rows the answer may change (the sessions chosen and the ones held in those slots)
    in one statement, in id order: two people whose answers touch the same sessions lock them in the
    same order and so take turns instead of deadlocking. (PostgreSQL; SQLite's writers take turns
    already. Off with the test-only switch, whose race must stay a race.)"""
    if not settings.NETWERKDAG_SEAT_LOCK:
        return
    wanted = [s for s in choices.values() if s is not None]
    ids = set(
        models.Seats.objects.filter(event_id=invitee.event_id, session_id__in=wanted).values_list(
            "pk", flat=True
        )
    )
    ids |= set(
        models.Registration.objects.filter(invitee=invitee, slot__in=list(choices)).values_list(
            "seats_id", flat=True
        )
    )
    list(models.Seats.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))


def register(invitee: models.Invitee, answers: Answers) -> list[Result]:
    """The person comes: their answer saved whole, in one transaction, in this order: the person's row
    locked, then the seat rows the answer touches (`_lock_seats`); attendance, wishes (kept only with
    consent), consent and language written; each slot's choice applied, in slot order; and, when every
    chosen session had a seat, the confirmation queued in the outbox, which the worker sends only after
    the commit. Any error on the way (a session that is not a choice of its slot, `UnknownChoice`; a
    failing database) rolls all of it back: nothing of the answer is stored and no mail is queued.

    A full session is an expected outcome, not a failure: that slot stays as it was (the person keeps
    their earlier choice there, if any, and may join the waiting list), the rest of the answer is saved,
    and the result says `Outcome.FULL` for that slot, which the page shows as "not everything could be
    saved"; no confirmation is queued until every choice has a seat. Rolling the whole answer back for
    one full session would make the person lose the seats they just got in the other rounds to whoever
    submits next.

    Raises `RegistrationClosed` after the deadline, `AnswerProblem` for wishes that are too long or
    kept without consent, `Declined` when someone who said no does not now say they come
    (`says_coming`), and `ByAllocation` for a seat of a parallel round of an event in allocation mode
    before its allocation; in each case nothing is stored."""
    _check_open(invitee)
    _check_wishes(answers)
    held = {s: _held_before(invitee, s) for s in answers.choices.values() if s is not None}

    def work() -> list[Result]:
        if not answers.says_coming:
            _check_coming(invitee)
        _lock_seats(invitee, answers.choices)
        now = timezone.now()
        consent_at = models.Invitee.objects.values_list("special_consent_at", flat=True).get(pk=invitee.pk)
        models.Invitee.objects.filter(pk=invitee.pk).update(
            attending=models.Attendance.YES,
            responded_at=now,
            dietary=answers.dietary if answers.consent else "",
            accessibility=answers.accessibility if answers.consent else "",
            special_consent_at=(consent_at or now) if answers.consent else None,
            language=answers.language if answers.language in ("nl", "en") else F("language"),
        )
        results = [
            _choose(invitee, slot, wanted, held.get(wanted) if wanted else None)
            for slot, wanted in sorted(answers.choices.items())
        ]
        if all(r.outcome is not Outcome.FULL for r in results):
            invitee.refresh_from_db()
            mail.queue(models.OutgoingMail.Kind.CONFIRMATION, invitee=invitee)
        return results

    results = _retrying(invitee, work)
    invitee.refresh_from_db()
    return results


def wait_for(invitee: models.Invitee, slot: str, session_id: str) -> Result:
    """Join the waiting list of a full session (one place per slot: a new one replaces the old and goes to
    the back). If a seat is free after all, take it instead. One transaction, with the session's seat row
    locked first: a seat given back meanwhile either comes before (and is taken here) or waits for this
    commit (and then promotes the person from the list), so nobody waits beside a free seat."""
    _check_open(invitee)
    held = _held_before(invitee, session_id)

    def work() -> Result:
        _lock_seats(invitee, {slot: session_id})
        result = _choose(invitee, slot, session_id, held)  # says `Declined` to someone who said no
        if result.outcome is not Outcome.FULL:
            return result
        target = _seats(invitee, slot, session_id)
        existing = models.WaitingEntry.objects.filter(invitee=invitee, slot=slot).first()
        if existing is not None and existing.seats_id == target.pk:
            return Result(slot, session_id, Outcome.WAITING)
        models.WaitingEntry.objects.filter(invitee=invitee, slot=slot).delete()
        models.WaitingEntry.objects.create(invitee=invitee, seats=target, slot=slot)
        return Result(slot, session_id, Outcome.WAITING)

    return _retrying(invitee, work)


def leave_waiting_list(invitee: models.Invitee, slot: str) -> None:
    models.WaitingEntry.objects.filter(invitee=invitee, slot=slot).delete()


def decline(invitee: models.Invitee) -> None:
    """Not attending: every seat is given back (and offered to those waiting), every waiting place left,
    and the networking room left (`networking.not_coming`), in one transaction."""
    _check_open(invitee)

    def work() -> None:
        models.WaitingEntry.objects.filter(invitee=invitee).delete()
        for registration in models.Registration.objects.filter(invitee=invitee).order_by("seats_id"):
            release(registration)
        models.Invitee.objects.filter(pk=invitee.pk).update(
            attending=models.Attendance.NO, responded_at=timezone.now()
        )
        # Out of the networking room's directory, their requests nobody accepted called off, those to
        # them declined; their agreed meetings no longer take place (services/networking.py).
        networking.not_coming(invitee)

    _retrying(invitee, work)


def place_in_line(entry: models.WaitingEntry) -> int:
    """1 for the first person waiting for the session."""
    ahead = models.WaitingEntry.objects.filter(seats_id=entry.seats_id).filter(
        Q(created_at__lt=entry.created_at) | Q(created_at=entry.created_at, id__lt=entry.id)
    )
    return ahead.count() + 1
