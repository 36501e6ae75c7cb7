"""The web's use cases as one service call and one transaction each (issue 17): an invitee's answer is
saved whole or not at all; publishing refuses a broken draft without storing anything; invitations are
queued once; two organisers editing one draft at once: the first edit wins and the second is told (here
in the test process, and on PostgreSQL with two requests at the same moment against a real server)."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core import mail as outbox
from django.test import Client
from tests.web.conftest import MakeInvitee, run_tasks, seats_of, set_capacity
from tests.web.live import Answer, Browser, csrf_token, live_server, postgres_database

from netwerkdag.core.problems import NetwerkdagError
from netwerkdag.web import models
from netwerkdag.web.services import editing, invitations, programme, registration
from netwerkdag.web.services.registration import Answers, Outcome, Result

pytestmark = pytest.mark.django_db

EDITOR = "/organisatie/g40-haarlem-2023/sessions/"
STALE_NL = (
    "Iemand anders heeft het concept intussen gewijzigd; bekijk de nieuwe versie en breng uw wijziging "
    "opnieuw aan."
)
STALE_EN = (
    "Someone else changed the draft in the meantime; look at the new version and make your change again."
)
Kind = models.OutgoingMail.Kind


def _held(person: models.Invitee) -> dict[str, str]:
    rows = models.Registration.objects.filter(invitee=person).select_related("seats")
    return {r.slot: r.seats.session_id for r in rows}


def _confirmations(person: models.Invitee) -> int:
    return models.OutgoingMail.objects.filter(invitee=person, kind=Kind.CONFIRMATION).count()


# --- an invitee's answer -------------------------------------------------------------------------------


def test_save_answer_with_a_bad_choice_in_the_third_round_stores_nothing(
    day: models.Event, make_invitee: MakeInvitee
) -> None:
    person, _ = make_invitee()
    registration.choose(person, "ronde-1", "pijler-fysiek")
    answers = Answers(
        {"ronde-1": "pijler-sociaal", "ronde-2": "thema-woningmarkt", "ronde-3": "thema-europa"},  # round 4's
        dietary="glutenvrij",
        consent=True,
        language="en",
    )

    with pytest.raises(registration.UnknownChoice):
        registration.save_answer(person, answers)

    person.refresh_from_db()
    assert _held(person) == {"ronde-1": "pijler-fysiek"}
    taken = [seats_of(day, s).taken for s in ("pijler-fysiek", "pijler-sociaal", "thema-woningmarkt")]
    assert taken == [1, 0, 0]
    assert (person.dietary, person.special_consent_at, person.language, person.responded_at) == (
        "",
        None,
        "nl",
        None,
    )
    assert _confirmations(person) == 0


def test_save_answer_that_fails_at_its_last_step_rolls_every_round_back(
    day: models.Event, make_invitee: MakeInvitee, monkeypatch: pytest.MonkeyPatch
) -> None:
    person, _ = make_invitee()

    def broken_outbox(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the outbox is unreachable")

    # Fault injection: the last step of the transaction (queueing the confirmation) fails.
    monkeypatch.setattr(registration.mail, "queue", broken_outbox)
    answers = Answers({"ronde-1": "pijler-sociaal", "ronde-2": "thema-woningmarkt"}, "vegetarisch", "", True)

    with pytest.raises(RuntimeError, match="outbox"):
        registration.save_answer(person, answers)

    person.refresh_from_db()
    assert _held(person) == {}
    assert [seats_of(day, s).taken for s in ("pijler-sociaal", "thema-woningmarkt")] == [0, 0]
    assert (person.attending, person.dietary, person.responded_at) == (models.Attendance.UNKNOWN, "", None)


def test_save_answer_with_a_full_third_round_saves_the_rest_and_says_so(
    day: models.Event, make_invitee: MakeInvitee
) -> None:
    set_capacity(day, "thema-sterke-keten", 0)
    person, _ = make_invitee()
    answers = Answers(
        {"ronde-1": "pijler-sociaal", "ronde-2": "thema-woningmarkt", "ronde-3": "thema-sterke-keten"},
        dietary="glutenvrij",
        consent=True,
    )

    results = registration.save_answer(person, answers)

    assert results == [
        Result("ronde-1", "pijler-sociaal", Outcome.REGISTERED),
        Result("ronde-2", "thema-woningmarkt", Outcome.REGISTERED),
        Result("ronde-3", "thema-sterke-keten", Outcome.FULL),
    ]
    assert _held(person) == {"ronde-1": "pijler-sociaal", "ronde-2": "thema-woningmarkt"}
    assert person.dietary == "glutenvrij"  # the returned person is as stored
    assert seats_of(day, "thema-sterke-keten").taken == 0
    assert _confirmations(person) == 0  # not until every choice has a seat


def test_save_answer_queues_one_confirmation_with_a_complete_answer(
    day: models.Event, make_invitee: MakeInvitee
) -> None:
    person, _ = make_invitee()

    results = registration.save_answer(person, Answers({"ronde-1": "pijler-sociaal"}, language="en"))

    assert results == [Result("ronde-1", "pijler-sociaal", Outcome.REGISTERED)]
    assert (person.attending, person.language) == (models.Attendance.YES, "en")
    assert _confirmations(person) == 1


def test_save_answer_with_wishes_without_consent_stores_nothing(
    day: models.Event, make_invitee: MakeInvitee
) -> None:
    person, _ = make_invitee()

    with pytest.raises(registration.AnswerProblem) as caught:
        registration.save_answer(person, Answers({"ronde-1": "pijler-sociaal"}, dietary="glutenvrij"))

    assert caught.value.message == (
        "To keep your dietary or accessibility wishes we need your consent; tick the box."
    )
    assert _held(person) == {}
    person.refresh_from_db()
    assert (person.attending, person.dietary) == (models.Attendance.UNKNOWN, "")


def test_save_answer_that_declines_gives_the_seats_back(day: models.Event, make_invitee: MakeInvitee) -> None:
    person, _ = make_invitee()
    registration.save_answer(person, Answers({"ronde-1": "pijler-sociaal"}))

    results = registration.save_answer(person, Answers({"ronde-2": "thema-woningmarkt"}, declines=True))

    assert results == []
    person.refresh_from_db()
    assert (person.attending, _held(person), seats_of(day, "pijler-sociaal").taken) == ("no", {}, 0)


# --- publishing ------------------------------------------------------------------------------------------


def test_publishing_a_broken_draft_stores_nothing_and_says_why(
    organiser: Client, day: models.Event, make_invitee: MakeInvitee
) -> None:
    person, _ = make_invitee()
    registration.choose(person, "ronde-1", "pijler-sociaal")
    draft = day.document.replace("block: ronde-1", "block: ronde-9", 1)
    models.Event.objects.filter(pk=day.pk).update(document=draft)  # as no writer of the app would
    versions = models.ProgrammeVersion.objects.filter(event=day).count()

    with pytest.raises(NetwerkdagError):
        programme.publish(models.Event.objects.get(pk=day.pk))
    response = organiser.post("/organisatie/g40-haarlem-2023/publish/", follow=True)

    assert models.ProgrammeVersion.objects.filter(event=day).count() == versions
    assert "ronde-9" in response.content.decode()
    assert models.OutgoingMail.objects.filter(kind=Kind.CHANGED).count() == 0
    assert _held(person) == {"ronde-1": "pijler-sociaal"}


# --- inviting --------------------------------------------------------------------------------------------


def test_invitations_are_queued_once_and_a_new_link_on_request(
    day: models.Event, make_invitee: MakeInvitee
) -> None:
    first, _ = make_invitee()
    second, _ = make_invitee()
    make_invitee(email="")
    gone, _ = make_invitee()
    models.Invitee.objects.filter(pk=gone.pk).update(anonymised_at=day.ends_at)
    gone.refresh_from_db()

    assert invitations.queue_invitations(day) == 2
    assert invitations.queue_invitations(day) == 0
    assert invitations.queue_invitation(gone) is False
    queued = models.OutgoingMail.objects.filter(kind=Kind.INVITATION).order_by("invitee_id")
    assert list(queued.values_list("invitee_id", flat=True)) == [first.pk, second.pk]


def test_an_invitation_marks_its_link_sent_when_the_mail_server_took_it(
    day: models.Event, make_invitee: MakeInvitee
) -> None:
    person, _ = make_invitee()
    invitations.queue_invitation(person)

    run_tasks()

    live = models.Invitation.objects.get(invitee=person, revoked_at__isnull=True)
    assert live.sent_at is not None
    assert len(outbox.outbox) == 1


# --- two organisers, one draft ---------------------------------------------------------------------------


def _revision(html: str) -> str:
    found = re.search(r'name="revision" value="([0-9a-f]{64})"', html)
    assert found, html[:500]
    return found.group(1)


def _room_name(html: str, room: str) -> str:
    found = re.search(rf'name="room-{room}-name" value="([^"]*)"', html)
    assert found, html[:500]
    return found.group(1)


@pytest.fixture
def second_organiser(day: models.Event) -> Client:
    user = User.objects.create(username="piet")
    models.Organiser.objects.create(event=day, user=user)
    client = Client()
    client.force_login(user)
    return client


def test_two_organisers_edit_one_draft_the_first_wins_the_second_is_told(
    organiser: Client, second_organiser: Client, day: models.Event
) -> None:
    seen_first = _revision(organiser.get(EDITOR).content.decode())
    seen_second = _revision(second_organiser.get(EDITOR).content.decode())
    assert seen_first == seen_second == editing.draft_revision(day.document)

    first = organiser.post(EDITOR, {"room-zaal-2-name": "Zaal Twee", "revision": seen_first})
    second = second_organiser.post(
        EDITOR,
        {
            "room-zaal-2-name": "Kleine zaal",
            "session-pijler-sociaal-room": "gravenzaal",
            "revision": seen_second,
        },
    )

    assert (first.status_code, second.status_code) == (303, 409)
    page = second.content.decode()
    assert STALE_NL in page
    draft = programme.draft_event(models.Event.objects.get(pk=day.pk))
    assert (draft.room("zaal-2").name, draft.session("pijler-sociaal").room) == ("Zaal Twee", "zaal-2")
    # The refusal shows the draft as it is now, with its revision: made again there, the edit is saved.
    assert _room_name(page, "zaal-2") == "Zaal Twee"
    again = second_organiser.post(
        EDITOR, {"session-pijler-sociaal-room": "gravenzaal", "revision": _revision(page)}
    )
    assert again.status_code == 303
    draft = programme.draft_event(models.Event.objects.get(pk=day.pk))
    assert (draft.room("zaal-2").name, draft.session("pijler-sociaal").room) == ("Zaal Twee", "gravenzaal")


def test_an_edit_without_the_revision_it_was_made_on_is_refused_in_english(
    organiser: Client, day: models.Event
) -> None:
    before = day.document

    response = organiser.post(f"{EDITOR}?lang=en", {"room-zaal-2-name": "Zaal Twee"})

    assert response.status_code == 409
    assert STALE_EN in response.content.decode()
    day.refresh_from_db()
    assert day.document == before


def test_apply_on_a_stale_revision_writes_nothing(day: models.Event) -> None:
    seen = editing.draft_revision(day.document)
    edit = {"zaal-2": editing.RoomEdit("Zaal Twee", 30)}
    assert editing.apply(day, edit, {}, revision=seen) == 1
    after_first = models.Event.objects.get(pk=day.pk).document

    with pytest.raises(editing.StaleDraft):
        editing.apply(day, {"zaal-2": editing.RoomEdit("Kleine zaal", 12)}, {}, revision=seen)

    assert models.Event.objects.get(pk=day.pk).document == after_first


def test_pins_chosen_on_a_stale_scheduler_page_are_refused(organiser: Client, day: models.Event) -> None:
    page = organiser.get("/organisatie/g40-haarlem-2023/schedule/").content.decode()
    seen = _revision(page)
    editing.apply(day, {"zaal-2": editing.RoomEdit("Zaal Twee", 30)}, {}, revision=seen)
    changed = models.Event.objects.get(pk=day.pk).document

    response = organiser.post(
        "/organisatie/g40-haarlem-2023/schedule/",
        {"time_limit": "5", "pins": "1", "pin-thema-woningmarkt": "both", "revision": seen},
        follow=True,
    )

    assert STALE_NL in response.content.decode()
    assert models.Event.objects.get(pk=day.pk).document == changed
    assert not models.SchedulingRun.objects.filter(event=day).exists()


# --- the same on PostgreSQL, with requests at the same moment ---------------------------------------------

PASSWORD = "een-lang-wachtwoord-voor-de-test"  # noqa: S105 - a throwaway test account
EDITORS = 4


def _logged_in(base: str) -> Browser:
    browser = Browser(base)
    login = browser.request("/organisatie/login/")
    answer = browser.request(
        "/organisatie/login/",
        {"username": "olga", "password": PASSWORD, "csrfmiddlewaretoken": csrf_token(login.body)},
    )
    assert answer.status == 302, answer.body[:500]
    return browser


def test_organisers_saving_one_draft_at_the_same_moment_on_postgresql(tmp_path: Path) -> None:
    with postgres_database() as url, live_server(tmp_path, url) as server:
        json.loads(server.run("setup", "pijler-sociaal", "40", "0", "0"))
        server.run("organiser", "olga", PASSWORD)
        browsers = [_logged_in(server.url) for _ in range(EDITORS)]
        forms = []
        for n, browser in enumerate(browsers):
            page = browser.request(EDITOR)
            assert page.status == 200, page.body[:500]
            forms.append(
                {
                    "csrfmiddlewaretoken": csrf_token(page.body),
                    "revision": _revision(page.body),
                    "room-zaal-2-name": f"Zaal van organisator {n}",
                }
            )
        answers: list[Answer | None] = [None] * EDITORS
        start = threading.Barrier(EDITORS)

        def submit(i: int) -> None:
            start.wait()
            answers[i] = browsers[i].request(EDITOR, forms[i])

        threads = [threading.Thread(target=submit, args=(i,)) for i in range(EDITORS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        statuses = sorted(a.status for a in answers if a is not None)
        assert statuses == [303] + [409] * (EDITORS - 1), statuses
        winner = next(i for i, a in enumerate(answers) if a is not None and a.status == 303)
        told = [a for a in answers if a is not None and a.status == 409]
        assert all(STALE_NL in a.body for a in told)
        now = _room_name(browsers[0].request(EDITOR).body, "zaal-2")
        assert now == f"Zaal van organisator {winner}"
