"""The daily jobs a worker starts: reminders before an event (one per person coming, with the programme),
forgetting personal data as the retention rules say, tidying finished work; each started once a day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail as outbox
from django.utils import timezone
from tests.web.conftest import MakeInvitee, run_tasks

from netwerkdag.web import models
from netwerkdag.web.services import daily, ratelimit, registration

pytestmark = pytest.mark.django_db


def _starts_in(event: models.Event, days: float) -> None:
    start = timezone.now() + timedelta(days=days)
    models.Event.objects.filter(pk=event.pk).update(
        starts_at=start, ends_at=start + timedelta(hours=8), registration_deadline=start
    )
    event.refresh_from_db()


def test_reminders_go_once_to_the_people_coming(
    day: models.Event, make_invitee: MakeInvitee, settings: object
) -> None:
    settings.NETWERKDAG_REMINDER_DAYS = 3  # type: ignore[attr-defined]
    coming, _ = make_invitee(name="Komt Wel")
    not_coming, _ = make_invitee(name="Komt Niet")
    undecided, _ = make_invitee(name="Weet Niet")
    registration.register(coming, registration.Answers({"ronde-1": "pijler-sociaal"}))
    registration.decline(not_coming)
    run_tasks()
    outbox.outbox.clear()

    _starts_in(day, 10)
    assert daily.remind() == "0 reminders queued"  # too early
    _starts_in(day, 2)
    assert daily.remind() == "1 reminders queued"
    assert daily.remind() == "0 reminders queued"  # one per person, however often it runs
    run_tasks()

    (reminder,) = outbox.outbox
    assert reminder.to == [coming.email]
    assert reminder.subject == f"Binnenkort: {day.title}"
    assert "Pijlerbijeenkomst Sociaal" in reminder.body
    assert [name for name, _, _ in reminder.attachments] == [
        "g40-haarlem-2023.ics",
        "g40-haarlem-2023-programma.pdf",
    ]
    assert undecided.email not in {m.to[0] for m in outbox.outbox}


def test_reminders_can_be_switched_off(
    day: models.Event, make_invitee: MakeInvitee, settings: object
) -> None:
    settings.NETWERKDAG_REMINDER_DAYS = 0  # type: ignore[attr-defined]
    coming, _ = make_invitee()
    registration.register(coming, registration.Answers({}))
    _starts_in(day, 1)
    assert daily.remind() == "reminders are off"
    assert not models.OutgoingMail.objects.filter(kind="reminder").exists()


def test_each_job_starts_once_a_day() -> None:
    assert daily.tick() == ["forget", "reminders", "tidy"]
    assert daily.tick() == []  # a second worker, or the next minute
    tomorrow = timezone.now() + timedelta(days=1)
    assert daily.tick(now=tomorrow) == ["forget", "reminders", "tidy"]
    assert models.DailyRun.objects.count() == 6
    assert run_tasks() == 6


def test_forget_deletes_wishes_after_the_event_and_anonymises_after_retention(
    day: models.Event, make_invitee: MakeInvitee, settings: object
) -> None:
    settings.NETWERKDAG_RETENTION_DAYS = 90  # type: ignore[attr-defined]
    person, _ = make_invitee(name="Anna Aalbers", dietary="glutenvrij", special_consent_at=timezone.now())
    models.Event.objects.filter(pk=day.pk).update(
        starts_at=timezone.now() - timedelta(days=10),
        ends_at=timezone.now() - timedelta(days=10),
        registration_deadline=timezone.now() - timedelta(days=11),
    )
    daily.run("forget")
    person.refresh_from_db()
    assert (person.name, person.dietary) == ("Anna Aalbers", "")  # wishes go once the day is over

    models.Event.objects.filter(pk=day.pk).update(
        starts_at=timezone.now() - timedelta(days=100),
        ends_at=timezone.now() - timedelta(days=100),
        registration_deadline=timezone.now() - timedelta(days=101),
    )
    daily.run("forget")
    person.refresh_from_db()
    assert person.name != "Anna Aalbers"
    assert person.anonymised_at is not None


def test_tidy_deletes_what_is_old_only(settings: object) -> None:
    settings.NETWERKDAG_TOKEN_WINDOW_S = 600  # type: ignore[attr-defined]
    assert ratelimit.take("token:203.0.113.1", 20, 600)
    models.RateLimit.objects.create(key="token:203.0.113.2", window_start=timezone.now() - timedelta(days=2))
    daily.tick()
    run_tasks()
    old = timezone.now() + timedelta(days=31)
    daily.tidy(now=old)
    assert not models.DailyRun.objects.exists()  # older than 30 days by then
    assert list(models.RateLimit.objects.values_list("key", flat=True)) == ["token:203.0.113.1"]
