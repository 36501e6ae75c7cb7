"""Personal data as the AVG (GDPR) expects: a person may withdraw (their seats go to those waiting, their
data is erased); dietary and accessibility wishes are deleted once the event is over; and a configurable
number of days after the event (default 90) every invitee of it is anonymised. What stays is what the
network learns from: the organisation, the role and the sessions attended, without a name."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from netwerkdag.web import models
from netwerkdag.web.services import invitations, registration

ERASED = {
    "person_id": "",
    "name": "—",
    "email": "",
    "function": "",
    "dietary": "",
    "accessibility": "",
    "special_consent_at": None,
}


def withdraw(invitee: models.Invitee) -> None:
    """The person leaves: seats given back (and offered to those waiting), links revoked, data erased."""
    now = timezone.now()
    with transaction.atomic():
        models.WaitingEntry.objects.filter(invitee=invitee).delete()
        if registration.is_open(invitee.event):
            for held in models.Registration.objects.filter(invitee=invitee).order_by("seats_id"):
                registration.release(held)
        invitations.revoke(invitee)
        models.Invitee.objects.filter(pk=invitee.pk).update(
            **ERASED, attending=models.Attendance.NO, withdrawn_at=now, anonymised_at=now
        )


WISHES = {"dietary": "", "accessibility": "", "special_consent_at": None}


def delete_wishes_of_past_events(*, now: datetime | None = None) -> int:
    """Delete the dietary and accessibility wishes (special-category data, kept with consent for the
    day only) of every event that has ended; returns how many people had some."""
    now = now or timezone.now()
    kept = models.Invitee.objects.filter(event__ends_at__lt=now).exclude(dietary="", accessibility="")
    return kept.update(**WISHES)


def anonymise_past_events(*, now: datetime | None = None) -> int:
    """Anonymise the invitees of every event that ended more than the retention period ago; returns how
    many people were anonymised. Run daily (`netwerkdag forget`); running it twice changes nothing."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.NETWERKDAG_RETENTION_DAYS)
    count = 0
    past = models.Event.objects.filter(ends_at__lt=cutoff, anonymised_at__isnull=True).exclude(
        registration_deadline__gte=cutoff
    )
    for event in past:
        with transaction.atomic():
            people = models.Invitee.objects.filter(event=event, anonymised_at__isnull=True)
            count += people.update(**ERASED, anonymised_at=now)
            models.Invitation.objects.filter(invitee__event=event, revoked_at__isnull=True).update(
                revoked_at=now
            )
            models.WaitingEntry.objects.filter(invitee__event=event).delete()
            models.Event.objects.filter(pk=event.pk).update(anonymised_at=now)
    return count
