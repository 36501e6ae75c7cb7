"""Fixtures of the web tests: the Haarlem day imported and published, invitees with personal links."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.files.dump import dump_event
from netwerkdag.web import models
from netwerkdag.web.services import invitations, programme

MakeInvitee = Callable[..., tuple[models.Invitee, str]]


@pytest.fixture(scope="session")
def haarlem_text(haarlem: CoreEvent) -> str:
    return dump_event(haarlem)


@pytest.fixture
def day(db: None, haarlem_text: str) -> models.Event:
    """The Haarlem day, published, with registration open for another month."""
    event = programme.import_event(haarlem_text, "event.yaml")
    programme.publish(event)
    event.registration_deadline = timezone.now() + timedelta(days=30)
    event.save()
    return event


@pytest.fixture
def make_invitee(day: models.Event) -> MakeInvitee:
    counter = iter(range(1, 100_000))

    def make(event: models.Event | None = None, **fields: object) -> tuple[models.Invitee, str]:
        n = next(counter)
        values: dict[str, object] = {
            "name": f"Test Persoon {n}",
            "email": f"persoon{n}@example.invalid",
            "organisation": "Gemeente Voorbeeld",
            "role": "wethouder",
        }
        values.update(fields)
        invitee = models.Invitee.objects.create(event=event or day, **values)
        return invitee, invitations.invite(invitee)

    return make


def seats_of(event: models.Event, session_id: str) -> models.Seats:
    return models.Seats.objects.get(event=event, session_id=session_id)


def set_capacity(event: models.Event, session_id: str, capacity: int) -> models.Seats:
    row = seats_of(event, session_id)
    row.capacity = capacity
    row.save()
    return row


@pytest.fixture
def organiser(day: models.Event) -> Client:
    """A client logged in as the organiser of the day."""
    user = User.objects.create(username="olga")
    models.Organiser.objects.create(event=day, user=user)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def run_tasks() -> int:
    """Run every task that is ready, here and now, as a worker would (its loop is not used: it closes
    the test's database connection between tasks); returns how many ran."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    ran = 0
    while (result := DBTaskResult.objects.ready().first()) is not None:
        result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1
    return ran
