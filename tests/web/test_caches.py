"""The web app's caches of published programmes are keyed by the published document itself (its SHA-256),
not by a database id: a database restored from another backup reuses ids for other programmes, and a
cache keyed by id would go on serving the programme that id held before."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.files.dump import dump_event
from netwerkdag.web import models
from netwerkdag.web.services import invitations, programme

pytestmark = pytest.mark.django_db

SLUG = "g40-haarlem-2023"
SESSION = "pijler-sociaal"


def _titled(haarlem: CoreEvent, letter: str) -> str:
    """The Haarlem day as an event file whose title and one session's title end in `letter`."""
    sessions = tuple(replace(s, title=f"Sessie {letter}") if s.id == SESSION else s for s in haarlem.sessions)
    return dump_event(replace(haarlem, title=f"Titel {letter}", sessions=sessions))


def _restore(event: models.Event, text: str) -> None:
    """What restoring another backup does to this database: the same ids now hold another programme (the
    event row and its published version keep their ids, the version its number, the seat rows theirs)."""
    version = event.published
    assert version is not None
    models.ProgrammeVersion.objects.filter(pk=version.pk).delete()
    core = programme.event_from_document(text)
    models.Event.objects.filter(pk=event.pk).update(title=core.title, document=text)
    models.ProgrammeVersion.objects.create(pk=version.pk, event=event, number=version.number, document=text)
    with transaction.atomic():
        programme.sync_seats(event, core)  # the seat rows as the backup has them (titles, capacities)


def _pages(client: Client, token: str) -> dict[str, str]:
    """Every public page and export that comes from the published version, and the invitee's form."""
    return {
        address: client.get(address).content.decode()
        for address in (
            "/",
            f"/{SLUG}/",
            f"/{SLUG}/sessie/{SESSION}/",
            f"/{SLUG}/schedule.json",
            f"/{SLUG}/schedule.xml",
            f"/{SLUG}/schedule.ics",
            f"/uitnodiging/{token}/",
        )
    }


@pytest.fixture
def restored(db: None, haarlem: CoreEvent) -> tuple[models.Event, str]:
    """Title A published and every page read once (so that each cache holds it), an invitee's link."""
    event = programme.import_event(_titled(haarlem, "A"), "event.yaml")
    programme.publish(event)
    event.registration_deadline = timezone.now() + timedelta(days=30)  # the link still works
    event.save()
    invitee = models.Invitee.objects.create(event=event, name="Anna de Vries", email="anna@example.invalid")
    token = invitations.invite(invitee)
    before = _pages(Client(), token)
    assert [a for a, text in before.items() if "Titel A" not in text and "Sessie A" not in text] == []
    return event, token


def test_a_restore_that_reuses_the_ids_shows_the_restored_programme(
    restored: tuple[models.Event, str], haarlem: CoreEvent
) -> None:
    event, token = restored
    _restore(event, _titled(haarlem, "B"))
    after = _pages(Client(), token)
    stale = [a for a, text in after.items() if "Titel A" in text or "Sessie A" in text]
    fresh = [a for a, text in after.items() if "Titel B" in text or "Sessie B" in text]
    assert stale == []
    assert fresh == list(after)


def test_the_booklet_of_a_restored_programme_is_made_anew(
    restored: tuple[models.Event, str], haarlem: CoreEvent
) -> None:
    event, _ = restored
    client = Client()
    before = client.get(f"/{SLUG}/programma.pdf")
    _restore(event, _titled(haarlem, "B"))
    after = client.get(f"/{SLUG}/programma.pdf")
    assert after.content != before.content
    assert after["ETag"] != before["ETag"]


def test_the_etag_follows_the_document_not_the_version_id(
    restored: tuple[models.Event, str], haarlem: CoreEvent
) -> None:
    event, _ = restored
    client = Client()
    before = {what: client.get(f"/{SLUG}/schedule.{what}")["ETag"] for what in ("json", "xml", "ics")}
    _restore(event, _titled(haarlem, "B"))
    after = {what: client.get(f"/{SLUG}/schedule.{what}")["ETag"] for what in ("json", "xml", "ics")}
    assert [what for what in before if before[what] == after[what]] == []
    _restore(event, _titled(haarlem, "A"))
    again = {what: client.get(f"/{SLUG}/schedule.{what}")["ETag"] for what in ("json", "xml", "ics")}
    assert again == before  # the same document, the same tag


def test_a_version_stores_the_digest_of_its_document(restored: tuple[models.Event, str]) -> None:
    event, _ = restored
    version = event.published
    assert version is not None
    assert version.digest == hashlib.sha256(version.document.encode("utf-8")).hexdigest()
    assert programme.published_digest(event) == version.digest


def test_a_version_without_digest_is_refused_by_the_database(restored: tuple[models.Event, str]) -> None:
    """Written around `save` (an update, a bulk insert), a version would share the empty key."""
    event, _ = restored
    with pytest.raises(IntegrityError), transaction.atomic():
        models.ProgrammeVersion.objects.filter(event=event).update(digest="")
