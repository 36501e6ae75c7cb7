"""Registering through the services: seats, one session per slot, waiting lists, promotion, deadlines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from tests.web.conftest import MakeInvitee, run_tasks, seats_of, set_capacity

from netwerkdag.web import models
from netwerkdag.web.services import registration
from netwerkdag.web.services.registration import Outcome

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_person_takes_a_seat_and_changes_to_another_session(
    day: models.Event, make_invitee: MakeInvitee
) -> None:
    person, _ = make_invitee()
    assert registration.choose(person, "ronde-1", "pijler-sociaal").outcome is Outcome.REGISTERED
    assert seats_of(day, "pijler-sociaal").taken == 1
    assert registration.choose(person, "ronde-1", "pijler-sociaal").outcome is Outcome.UNCHANGED
    assert registration.choose(person, "ronde-1", "pijler-fysiek").outcome is Outcome.REGISTERED
    assert (seats_of(day, "pijler-sociaal").taken, seats_of(day, "pijler-fysiek").taken) == (0, 1)
    assert registration.choose(person, "ronde-1", None).outcome is Outcome.RELEASED
    assert seats_of(day, "pijler-fysiek").taken == 0
    assert not models.Registration.objects.filter(invitee=person).exists()


def test_a_full_session_keeps_the_earlier_choice(day: models.Event, make_invitee: MakeInvitee) -> None:
    set_capacity(day, "pijler-sociaal", 1)
    first, _ = make_invitee()
    second, _ = make_invitee()
    registration.choose(first, "ronde-1", "pijler-sociaal")
    registration.choose(second, "ronde-1", "pijler-fysiek")
    result = registration.choose(second, "ronde-1", "pijler-sociaal")
    assert result.outcome is Outcome.FULL
    held = models.Registration.objects.get(invitee=second, slot="ronde-1")
    assert held.seats.session_id == "pijler-fysiek"
    assert seats_of(day, "pijler-sociaal").taken == 1


def test_a_session_of_another_slot_or_event_cannot_be_chosen(
    day: models.Event, make_invitee: MakeInvitee
) -> None:
    person, _ = make_invitee()
    with pytest.raises(registration.UnknownChoice):
        registration.choose(person, "ronde-2", "pijler-sociaal")  # a round-1 session
    with pytest.raises(registration.UnknownChoice):
        registration.choose(person, "ronde-1", "no-such-session")


def test_the_database_allows_one_registration_per_person_per_slot(
    day: models.Event, make_invitee: MakeInvitee
) -> None:
    person, _ = make_invitee()
    registration.choose(person, "ronde-1", "pijler-sociaal")
    with pytest.raises(IntegrityError), transaction.atomic():
        models.Registration.objects.create(
            invitee=person, seats=seats_of(day, "pijler-fysiek"), slot="ronde-1"
        )


def test_the_database_refuses_more_seats_taken_than_capacity(day: models.Event) -> None:
    row = set_capacity(day, "pijler-sociaal", 2)
    row.taken = 3
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


def test_a_cancellation_promotes_the_first_person_waiting_and_mails_them(
    day: models.Event, make_invitee: MakeInvitee
) -> None:
    set_capacity(day, "pijler-sociaal", 1)
    holder, _ = make_invitee()
    first, _ = make_invitee()
    second, _ = make_invitee()
    registration.choose(holder, "ronde-1", "pijler-sociaal")
    registration.choose(first, "ronde-1", "pijler-fysiek")  # first holds another session meanwhile
    assert registration.wait_for(first, "ronde-1", "pijler-sociaal").outcome is Outcome.WAITING
    assert registration.wait_for(second, "ronde-1", "pijler-sociaal").outcome is Outcome.WAITING
    mail.outbox.clear()

    registration.choose(holder, "ronde-1", None)
    run_tasks()

    moved = models.Registration.objects.get(invitee=first, slot="ronde-1")
    assert moved.seats.session_id == "pijler-sociaal"
    assert seats_of(day, "pijler-fysiek").taken == 0  # the seat first held is given back
    assert seats_of(day, "pijler-sociaal").taken == 1
    assert list(models.WaitingEntry.objects.values_list("invitee_id", flat=True)) == [second.pk]
    assert [m.to for m in mail.outbox] == [[first.email]]
    assert "Pijlerbijeenkomst Sociaal" in mail.outbox[0].body


def test_joining_a_waiting_list_when_a_seat_is_free_registers(
    day: models.Event, make_invitee: MakeInvitee
) -> None:
    person, _ = make_invitee()
    assert registration.wait_for(person, "ronde-1", "pijler-sociaal").outcome is Outcome.REGISTERED
    assert not models.WaitingEntry.objects.exists()


def test_declining_gives_every_seat_back(day: models.Event, make_invitee: MakeInvitee) -> None:
    person, _ = make_invitee()
    registration.choose(person, "ronde-1", "pijler-sociaal")
    registration.choose(person, str(models.SlotKey.part("lunch-gezamenlijk")), "lunch-gezamenlijk")
    registration.decline(person)
    assert not models.Registration.objects.filter(invitee=person).exists()
    assert seats_of(day, "pijler-sociaal").taken == 0
    person.refresh_from_db()
    assert person.attending == "no"


def test_nothing_changes_after_the_deadline(day: models.Event, make_invitee: MakeInvitee) -> None:
    person, _ = make_invitee()
    day.registration_deadline = timezone.now() - timedelta(minutes=1)
    day.save()
    person.refresh_from_db()
    with pytest.raises(registration.RegistrationClosed):
        registration.choose(person, "ronde-1", "pijler-sociaal")
    assert seats_of(day, "pijler-sociaal").taken == 0


def test_place_in_line_counts_from_one(day: models.Event, make_invitee: MakeInvitee) -> None:
    set_capacity(day, "pijler-sociaal", 0)
    people = [make_invitee()[0] for _ in range(3)]
    for person in people:
        registration.wait_for(person, "ronde-1", "pijler-sociaal")
    entries = [models.WaitingEntry.objects.get(invitee=p) for p in people]
    assert [registration.place_in_line(e) for e in entries] == [1, 2, 3]


def test_sessions_that_change_rounds_take_their_people_along(
    day: models.Event, make_invitee: MakeInvitee
) -> None:
    """Publishing a programme in which Pijler Sociaal (round 1) and Woningmarkt (round 2) swap rounds:
    everyone keeps their sessions in the new rounds (two swapping sessions do not clash on the way),
    someone who already holds a session in the round Sociaal moves into keeps that one and gives their
    Sociaal seat back to the first person waiting, and waiting places move too."""
    from netwerkdag.web.services import editing, programme

    both, _ = make_invitee(name="Beide")  # Sociaal and Woningmarkt: they swap, no clash
    sociaal, _ = make_invitee(name="Alleen Sociaal")
    clash, _ = make_invitee(name="Sociaal en Veiligheid")  # Veiligheid stays in round 2: a clash
    waits, _ = make_invitee(name="Wacht")
    set_capacity(day, "pijler-sociaal", 3)
    registration.choose(both, "ronde-1", "pijler-sociaal")
    registration.choose(both, "ronde-2", "thema-woningmarkt")
    registration.choose(sociaal, "ronde-1", "pijler-sociaal")
    registration.choose(clash, "ronde-1", "pijler-sociaal")
    registration.choose(clash, "ronde-2", "thema-veiligheid")
    assert registration.wait_for(waits, "ronde-1", "pijler-sociaal").outcome is Outcome.WAITING

    editing.apply(
        day,
        {},
        {
            "pijler-sociaal": editing.SessionEdit("Pijlerbijeenkomst Sociaal", "ronde-2", "zaal-2"),
            "thema-woningmarkt": editing.SessionEdit("Woningmarkt", "ronde-1", "zaal-2"),
        },
        revision=editing.draft_revision(day.document),
    )
    version = programme.publish(day)

    def held(person: models.Invitee) -> dict[str, str]:
        rows = models.Registration.objects.filter(invitee=person).select_related("seats")
        return {r.slot: r.seats.session_id for r in rows}

    assert held(both) == {"ronde-2": "pijler-sociaal", "ronde-1": "thema-woningmarkt"}
    assert held(sociaal) == {"ronde-2": "pijler-sociaal"}
    assert held(clash) == {"ronde-2": "thema-veiligheid"}  # kept the round-2 choice
    assert held(waits) == {"ronde-2": "pijler-sociaal"}  # got the seat given back
    assert not models.WaitingEntry.objects.exists()
    assert seats_of(day, "pijler-sociaal").taken == 3
    assert all(r.slot == r.seats.slot for r in models.Registration.objects.select_related("seats"))
    assert version.told == 3  # the three who held Sociaal or Woningmarkt when it moved
    mails = {m.invitee_id: m.context["changes"] for m in models.OutgoingMail.objects.filter(kind="changed")}
    assert [c["released"] for c in mails[clash.pk]] == [True]
    assert {c["released"] for c in mails[both.pk]} == {False}
    run_tasks()
    (told_clash,) = [m for m in mail.outbox if m.to == [clash.email]]
    assert "uw plaats erin is opgegeven" in told_clash.body
