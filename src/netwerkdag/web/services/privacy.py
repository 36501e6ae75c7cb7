"""Personal data as the AVG (GDPR) expects: a person may withdraw (their seats go to those waiting, their
data and their evaluation of the day are erased); dietary and accessibility wishes are deleted once the
event is over; and a configurable number of days after the event (default 90) every invitee of it is
anonymised. What stays is what the network learns from, without a name or a person's id: the
organisation and role as the invitee list gave them, the sessions attended, the person's place in the
network (`Invitee.reach_profile`: organisation id, role, theme groups, portfolios), and the scores of the
evaluation, whose comments and themes are erased."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.core.problems import NetwerkdagError
from netwerkdag.web import models
from netwerkdag.web.services import allocation, invitations, networking, programme, registration

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
    """The person leaves: seats given back (and offered to those waiting), links revoked, their evaluation
    of the day and their rankings (the poll's and the allocation's) deleted, their line in an allocation's
    report too, their part in the networking room (consent, blocks, requests, answers), data erased."""
    now = timezone.now()
    with transaction.atomic():
        # The person's row locked first: a meeting request to or from them, or their block, waits.
        models.Invitee.objects.select_for_update().filter(pk=invitee.pk).first()
        models.WaitingEntry.objects.filter(invitee=invitee).delete()
        models.Feedback.objects.filter(invitee=invitee).delete()
        models.Ranking.objects.filter(invitee=invitee).delete()
        networking.forget_person(invitee)
        allocation.forget_in_reports(invitee.event_id, [allocation.person_key(invitee.pk, invitee.person_id)])
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


def _network_of(event: models.Event) -> CoreEvent | None:
    """The event as its people were invited to it: the published programme, else the draft; None when
    neither can be read (a draft with problems), and then nobody gets a profile."""
    try:
        return programme.published_event(event) or programme.draft_event(event)
    except NetwerkdagError:
        return None


def reach_profile(core: CoreEvent, person_id: str) -> dict[str, object]:
    """What anonymisation keeps of a person of the network: their organisation's id (None without one),
    role, theme groups and portfolios. No name, no person's id. {} for an id not in the network."""
    network = core.network
    if not person_id or not network.has_person(person_id):
        return {}
    person = network.person(person_id)
    return {
        "organisation": person.organisation,
        "role": person.role,
        "groups": list(person.groups),
        "portfolios": list(person.portfolios),
    }


def _keep_reach_profiles(event: models.Event, people: QuerySet[models.Invitee]) -> None:
    """Fill `reach_profile` of the people with a person's id, before the id is erased."""
    core = _network_of(event)
    if core is None:
        return
    found = []
    for person in people.exclude(person_id="").only("pk", "person_id"):
        person.reach_profile = reach_profile(core, person.person_id)
        found.append(person)
    models.Invitee.objects.bulk_update(found, ["reach_profile"], batch_size=500)


def anonymise_past_events(*, now: datetime | None = None) -> int:
    """Anonymise the invitees of every event that ended more than the retention period ago; returns how
    many people were anonymised. Per event, in one transaction: each person's place in the network kept
    in `Invitee.reach_profile` (see `reach_profile`), then their data erased, their links revoked, the
    waiting lists, the rankings (the poll's and the allocation's) and the people of the allocation
    reports deleted, and the texts of the
    evaluation (comments, themes) erased while its scores stay. Run daily (`netwerkdag forget`); running
    it twice changes nothing."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.NETWERKDAG_RETENTION_DAYS)
    count = 0
    past = models.Event.objects.filter(ends_at__lt=cutoff, anonymised_at__isnull=True).exclude(
        registration_deadline__gte=cutoff
    )
    for event in past:
        with transaction.atomic():
            people = models.Invitee.objects.filter(event=event, anonymised_at__isnull=True)
            _keep_reach_profiles(event, people)
            count += people.update(**ERASED, anonymised_at=now)
            models.Invitation.objects.filter(invitee__event=event, revoked_at__isnull=True).update(
                revoked_at=now
            )
            models.WaitingEntry.objects.filter(invitee__event=event).delete()
            models.Ranking.objects.filter(invitee__event=event).delete()
            networking.forget_event(event)
            allocation.forget_in_reports(event.pk)
            models.Feedback.objects.filter(invitee__event=event).update(day_comment="", next_theme="")
            models.SessionFeedback.objects.filter(feedback__invitee__event=event).update(comment="")
            models.Event.objects.filter(pk=event.pk).update(anonymised_at=now)
    return count
