"""The interest poll (issue 19): opened and closed by an organiser, answered through the personal link
(ranks, marks, the parts of the day), refused whole when wrong or closed, the demand per session against
its seats, and the answers as interests for the scheduler with the documented weights."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from tests.web.conftest import MakeInvitee

from netwerkdag.core.interests import MUST, WANTS, Reason
from netwerkdag.files.dump import dump_event
from netwerkdag.web import models
from netwerkdag.web.services import poll, scheduling
from netwerkdag.web.services.programme import draft_event

pytestmark = pytest.mark.django_db

SLUG = "g40-haarlem-2023"
ROUNDS = frozenset({"ronde-1", "ronde-2", "ronde-3", "ronde-4"})


def _later(event: models.Event, days: int = 60) -> None:
    """The day moved into the future (the Haarlem day was in 2023): a poll must close before it."""
    event.starts_at = timezone.now() + timedelta(days=days)
    event.ends_at = event.starts_at + timedelta(hours=8)
    event.save()


@pytest.fixture
def open_day(day: models.Event) -> models.Event:
    """The Haarlem day in two months, its poll open for another week."""
    _later(day)
    poll.open_poll(day, timezone.now() + timedelta(days=7))
    return day


def _answer(**ranks: int | None) -> poll.Answer:
    return poll.Answer({k.replace("_", "-"): v for k, v in ranks.items()})


def _form(**values: str) -> dict[str, object]:
    """The person's form: ranks by choice, and every round ticked unless `part` is given."""
    form: dict[str, object] = {f"rank-{k.replace('_', '-')}": v for k, v in values.items() if k != "part"}
    form["part"] = values.get("part", sorted(ROUNDS))
    return form


# --- weights ---------------------------------------------------------------------------------------------


def test_the_weights_of_ranks_are_as_documented() -> None:
    assert [poll.poll_weight(r) for r in (1, 2, 3, 4, 5, 6, 7, 40)] == [8, 7, 6, 5, 4, 3, 3, 3]
    assert poll.poll_weight(None) == WANTS
    assert all(WANTS <= poll.poll_weight(r) < MUST for r in range(1, 100))


# --- what the poll offers -----------------------------------------------------------------------------------


def test_the_poll_offers_the_parallel_sessions_once_per_topic(day: models.Event) -> None:
    core = draft_event(day)
    options = poll.options(core)
    assert len(options) == 17  # the sessions of the four rounds; not the plenary, lunch or drinks
    assert {o.choice for o in options} >= {"pijler-sociaal", "thema-woningmarkt", "thema-europa"}
    assert "lunch" not in {o.choice for o in options}
    assert [b.id for b in poll.parts(core)] == sorted(ROUNDS)
    # Two runs of one topic are one choice, with the seats of both rooms.
    sessions = tuple(
        replace(s, topic="wonen") if s.id in ("thema-woningmarkt", "thema-financien") else s
        for s in core.sessions
    )
    day.document = dump_event(replace(core, sessions=sessions))
    day.save()
    topical = {o.choice: o for o in poll.options(draft_event(day))}
    assert len(topical) == 16
    wonen = topical["wonen"]
    assert wonen.sessions == ("thema-woningmarkt", "thema-financien")
    assert wonen.seats == 40 + 35
    assert wonen.runs == 2
    assert "thema-woningmarkt" not in topical


# --- open and closed ----------------------------------------------------------------------------------------


def test_the_poll_opens_until_a_time_in_the_future_before_the_day_and_closes(day: models.Event) -> None:
    _later(day)
    now = timezone.now()
    assert not poll.is_open(day)
    assert not poll.has_closed(day)
    with pytest.raises(poll.NotOpenable):
        poll.open_poll(day, now - timedelta(minutes=1))
    with pytest.raises(poll.NotOpenable):
        poll.open_poll(day, day.starts_at + timedelta(minutes=1))
    day.refresh_from_db()
    assert day.poll_opened_at is None
    assert day.poll_closes_at is None
    poll.open_poll(day, now + timedelta(days=3))
    day.refresh_from_db()
    assert poll.is_open(day)
    opened = day.poll_opened_at
    poll.open_poll(day, now + timedelta(days=5))  # a later closing time keeps the opening
    day.refresh_from_db()
    assert day.poll_opened_at == opened
    assert poll.is_open(day, now=now + timedelta(days=4))
    assert poll.close_poll(day)
    day.refresh_from_db()
    assert not poll.is_open(day)
    assert poll.has_closed(day)
    assert not poll.close_poll(day)  # closing a closed poll changes nothing


# --- one person's answer ------------------------------------------------------------------------------------


def test_an_answer_is_saved_changed_and_read_back(open_day: models.Event, make_invitee: MakeInvitee) -> None:
    person, _ = make_invitee()
    poll.save_answer(person, poll.Answer({"pijler-sociaal": 1, "thema-europa": 2, "thema-veiligheid": None}))
    saved = poll.saved(person)
    assert saved is not None
    assert dict(saved.ranks) == {"pijler-sociaal": 1, "thema-europa": 2, "thema-veiligheid": None}
    assert saved.parts is None  # every part: stored as "all"
    poll.save_answer(
        person, poll.Answer({"thema-europa": 1, "pijler-sociaal": 1}, frozenset({"ronde-1", "ronde-2"}))
    )
    saved = poll.saved(person)
    assert saved is not None
    assert dict(saved.ranks) == {"thema-europa": 1, "pijler-sociaal": 1}  # equal ranks are allowed
    assert saved.parts == {"ronde-1", "ronde-2"}
    assert models.Ranking.objects.filter(invitee=person).count() == 1
    # Ticking every part is stored as all of them.
    poll.save_answer(person, poll.Answer({}, ROUNDS))
    saved = poll.saved(person)
    assert saved is not None
    assert saved.parts is None
    assert not saved.ranks


@pytest.mark.parametrize(
    "answer",
    [
        poll.Answer({"no-such-session": 1}),
        poll.Answer({"lunch": 1}),  # in the programme, not in the poll
        poll.Answer({"pijler-sociaal": 0}),
        poll.Answer({"pijler-sociaal": 18}),  # 17 choices
        poll.Answer({f"s{n}": 1 for n in range(models.MAX_CHOICES + 1)}),
        poll.Answer({"pijler-sociaal": 1}, frozenset({"lunch"})),
        poll.Answer({"pijler-sociaal": 1}, frozenset()),
    ],
)
def test_a_wrong_answer_is_refused_whole(
    answer: poll.Answer, open_day: models.Event, make_invitee: MakeInvitee
) -> None:
    person, _ = make_invitee()
    poll.save_answer(person, poll.Answer({"thema-europa": 3}, frozenset({"ronde-4"})))
    with pytest.raises(poll.PollProblem):
        poll.save_answer(person, answer)
    saved = poll.saved(person)
    assert saved is not None
    assert dict(saved.ranks) == {"thema-europa": 3}
    assert saved.parts == {"ronde-4"}


def test_a_closed_poll_or_a_withdrawn_person_is_refused(
    open_day: models.Event, make_invitee: MakeInvitee
) -> None:
    person, _ = make_invitee()
    gone, _ = make_invitee()
    models.Invitee.objects.filter(pk=gone.pk).update(withdrawn_at=timezone.now())
    gone.refresh_from_db()
    with pytest.raises(poll.PollClosed):
        poll.save_answer(gone, _answer(pijler_sociaal=1))
    poll.close_poll(open_day)
    with pytest.raises(poll.PollClosed):
        poll.save_answer(person, _answer(pijler_sociaal=1))
    assert not models.Ranking.objects.exists()


def test_a_poll_not_yet_opened_takes_no_answers(day: models.Event, make_invitee: MakeInvitee) -> None:
    person, _ = make_invitee()
    with pytest.raises(poll.PollClosed):
        poll.save_answer(person, _answer(pijler_sociaal=1))


# --- what the answers say -----------------------------------------------------------------------------------


def _three_answers(make_invitee: MakeInvitee) -> None:
    a, _ = make_invitee()
    b, _ = make_invitee()
    c, _ = make_invitee()
    poll.save_answer(a, poll.Answer({"thema-veiligheid": 1, "thema-europa": 2}, frozenset({"ronde-2"})))
    poll.save_answer(b, poll.Answer({"thema-veiligheid": 1, "thema-europa": 5}))
    poll.save_answer(c, poll.Answer({"thema-veiligheid": None, "thema-europa": 3}, frozenset({"ronde-1"})))


def test_the_demand_per_session_against_its_seats(open_day: models.Event, make_invitee: MakeInvitee) -> None:
    _three_answers(make_invitee)
    gone, _ = make_invitee()
    poll.save_answer(gone, poll.Answer({"thema-europa": 1}))
    models.Invitee.objects.filter(pk=gone.pk).update(withdrawn_at=timezone.now())  # not counted
    summary = poll.demand(open_day, draft_event(open_day))
    assert summary.answers == 3
    rows = {d.option.choice: d for d in summary.demand}
    safety = rows["thema-veiligheid"]  # in round 2, in Zaal 5 (30 seats)
    assert (safety.people, safety.by_rank, safety.lower, safety.marked) == (3, (2, 0, 0), 0, 1)
    assert safety.weighted == 8 + 8 + 3
    assert safety.option.seats == 30
    assert not safety.over
    assert safety.can_come == 2  # a (round 2) and b (all rounds); not c (round 1 only)
    europe = rows["thema-europa"]  # in round 4
    assert (europe.people, europe.by_rank, europe.lower, europe.marked) == (3, (0, 1, 1), 1, 0)
    assert europe.weighted == 7 + 4 + 6
    assert europe.can_come == 1
    assert rows["pijler-sociaal"].people == 0
    assert summary.demand[0].option.choice == "thema-veiligheid"  # most wanted first
    assert {p.block.id: p.people for p in summary.parts} == {
        "ronde-1": 2,
        "ronde-2": 2,
        "ronde-3": 1,
        "ronde-4": 1,
    }


def test_more_people_than_seats_is_shown(open_day: models.Event, make_invitee: MakeInvitee) -> None:
    core = draft_event(open_day)
    rooms = tuple(replace(r, capacity=2) if r.id == "zaal-5" else r for r in core.rooms)
    open_day.document = dump_event(replace(core, rooms=rooms))
    open_day.save()
    _three_answers(make_invitee)
    rows = {d.option.choice: d for d in poll.demand(open_day, draft_event(open_day)).demand}
    assert rows["thema-veiligheid"].option.seats == 2
    assert rows["thema-veiligheid"].over


def test_the_answers_reach_the_scheduler_with_their_weights(
    open_day: models.Event, make_invitee: MakeInvitee
) -> None:
    outsider, _ = make_invitee()
    chair, _ = make_invitee(person_id="cathalijne-dortmans", name="Cathalijne Dortmans")
    poll.save_answer(
        outsider, poll.Answer({"thema-veiligheid": 1, "thema-europa": 4, "thema-financien": None})
    )
    # She chairs the social pillar's meeting (MUST): ranking it lower in the poll does not lower that.
    poll.save_answer(chair, poll.Answer({"pijler-sociaal": 9, "thema-europa": 1}))
    core = draft_event(open_day)
    interests = {(i.person, i.session): i for i in scheduling.interests_for(open_day, core).items}
    mine = f"invitee-{outsider.pk}"
    assert interests[(mine, "thema-veiligheid")].weight == 8
    assert interests[(mine, "thema-europa")].weight == 5
    assert interests[(mine, "thema-financien")].weight == WANTS
    assert interests[(mine, "thema-financien")].reason is Reason.POLL
    assert interests[("cathalijne-dortmans", "pijler-sociaal")].weight == MUST
    assert interests[("cathalijne-dortmans", "pijler-sociaal")].reason is not Reason.POLL
    assert interests[("cathalijne-dortmans", "thema-europa")].weight == 8
    assert interests[("cathalijne-dortmans", "thema-europa")].reason is Reason.POLL
    # Every run of a topic gets the interest.
    sessions = tuple(
        replace(s, topic="wonen") if s.id in ("thema-woningmarkt", "thema-financien") else s
        for s in core.sessions
    )
    open_day.document = dump_event(replace(core, sessions=sessions))
    open_day.save()
    poll.save_answer(outsider, poll.Answer({"wonen": 2}))
    items = scheduling.interests_for(open_day, draft_event(open_day)).items
    assert {(i.session, i.weight) for i in items if i.person == mine} == {
        ("thema-woningmarkt", 7),
        ("thema-financien", 7),
    }


# --- the person's page --------------------------------------------------------------------------------------


def _poll_url(token: str) -> str:
    return f"/uitnodiging/{token}/peiling/"


def test_opening_the_poll_page_changes_nothing_and_shows_no_times_or_rooms(
    open_day: models.Event, make_invitee: MakeInvitee
) -> None:
    person, token = make_invitee()
    before = models.Event.objects.filter(pk=open_day.pk).values().get()
    response = Client().get(_poll_url(token))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    page = response.content.decode()
    assert "Veiligheid" in page
    assert "Pijlerbijeenkomst Sociaal" in page
    assert "Gravenzaal" not in page
    assert "Zaal 5" not in page
    assert 'name="rank-thema-veiligheid"' in page
    assert 'name="part"' in page
    assert f'href="/uitnodiging/{token}/"' in page  # back to the registration
    assert not models.Ranking.objects.exists()
    assert models.Event.objects.filter(pk=open_day.pk).values().get() == before
    person.refresh_from_db()
    assert person.responded_at is None


def test_the_person_saves_and_changes_their_answer(open_day: models.Event, make_invitee: MakeInvitee) -> None:
    person, token = make_invitee()
    client = Client()
    response = client.post(
        _poll_url(token),
        _form(thema_veiligheid="1", thema_europa="want", pijler_sociaal="", part=["ronde-2"]),
    )
    assert response.status_code == 303
    assert response["Location"] == _poll_url(token)
    saved = poll.saved(person)
    assert saved is not None
    assert dict(saved.ranks) == {"thema-veiligheid": 1, "thema-europa": None}
    assert saved.parts == {"ronde-2"}
    page = client.get(_poll_url(token)).content.decode()
    assert "Dank u wel!" in page  # the message after saving
    assert '<option value="1" selected>' in page
    assert '<option value="want" selected>' in page
    client.post(_poll_url(token), _form(thema_veiligheid="2"))
    saved = poll.saved(person)
    assert saved is not None
    assert dict(saved.ranks) == {"thema-veiligheid": 2}
    assert saved.parts is None


@pytest.mark.parametrize(
    "form",
    [
        _form(thema_veiligheid="nul"),
        _form(thema_veiligheid="0"),
        _form(thema_veiligheid="99"),
        _form(thema_veiligheid="²"),  # a digit to str.isdigit, not to int()
        _form(thema_veiligheid="1", no_such_session="1"),
        _form(thema_veiligheid="1", part=[]),
        _form(thema_veiligheid="1", part=["ronde-1", "lunch"]),
    ],
)
def test_a_wrong_form_comes_back_with_nothing_saved(
    form: dict[str, object], open_day: models.Event, make_invitee: MakeInvitee
) -> None:
    _, token = make_invitee()
    response = Client().post(_poll_url(token), form)
    assert response.status_code == 400
    assert 'class="notice notice-error"' in response.content.decode()
    assert not models.Ranking.objects.exists()


def test_a_closed_poll_refuses_the_form_and_says_so(
    open_day: models.Event, make_invitee: MakeInvitee
) -> None:
    _, token = make_invitee()
    poll.close_poll(open_day)
    page = Client().get(_poll_url(token)).content.decode()
    assert "De peiling is gesloten" in page
    assert 'name="rank-' not in page
    response = Client().post(_poll_url(token), _form(thema_veiligheid="1"))
    assert response.status_code == 409
    assert not models.Ranking.objects.exists()


def test_a_token_sees_and_changes_only_its_own_answer(
    open_day: models.Event, make_invitee: MakeInvitee
) -> None:
    anna, token_a = make_invitee(name="Anna Aalbers")
    bert, _ = make_invitee(name="Bert Bakker")
    poll.save_answer(bert, poll.Answer({"thema-duurzaamheid": 4}))
    page = Client().get(_poll_url(token_a)).content.decode()
    assert "Anna Aalbers" in page
    assert "Bert Bakker" not in page
    assert "selected>Rang 4" not in page  # Bert's rank is not shown to Anna
    Client().post(_poll_url(token_a), {**_form(thema_europa="1"), "invitee": bert.pk})
    bert_saved, anna_saved = poll.saved(bert), poll.saved(anna)
    assert bert_saved is not None
    assert dict(bert_saved.ranks) == {"thema-duurzaamheid": 4}
    assert anna_saved is not None
    assert dict(anna_saved.ranks) == {"thema-europa": 1}
    assert Client().get(_poll_url("no-such-token-123")).status_code == 404


def test_the_registration_page_invites_to_an_open_poll(
    open_day: models.Event, make_invitee: MakeInvitee
) -> None:
    _, token = make_invitee()
    page = Client().get(f"/uitnodiging/{token}/").content.decode()
    assert _poll_url(token) in page


def test_the_registration_page_says_nothing_of_a_closed_poll(
    open_day: models.Event, make_invitee: MakeInvitee
) -> None:
    _, token = make_invitee()
    poll.close_poll(open_day)
    assert _poll_url(token) not in Client().get(f"/uitnodiging/{token}/").content.decode()


def test_before_anything_is_published_the_personal_link_opens_the_open_poll(
    open_day: models.Event, make_invitee: MakeInvitee
) -> None:
    _, token = make_invitee()
    models.ProgrammeVersion.objects.filter(event=open_day).delete()
    response = Client().get(f"/uitnodiging/{token}/")
    assert response.status_code == 302
    assert response["Location"] == _poll_url(token)
    assert Client().get(_poll_url(token)).status_code == 200
    poll.close_poll(open_day)
    assert Client().get(f"/uitnodiging/{token}/").status_code == 404  # nothing published, no poll


def test_the_registration_page_says_nothing_of_a_poll_never_opened(
    day: models.Event, make_invitee: MakeInvitee
) -> None:
    _, token = make_invitee()
    assert _poll_url(token) not in Client().get(f"/uitnodiging/{token}/").content.decode()


# --- the organiser's page -----------------------------------------------------------------------------------


def _local(moment: datetime) -> str:
    return moment.astimezone(draft_event(models.Event.objects.get(slug=SLUG)).tz).strftime("%Y-%m-%dT%H:%M")


def test_the_organiser_opens_and_closes_the_poll(organiser: Client, day: models.Event) -> None:
    _later(day)
    url = f"/organisatie/{SLUG}/peiling/"
    assert organiser.get(url).status_code == 200
    closes = timezone.now() + timedelta(days=5)
    response = organiser.post(url, {"action": "open", "closes_at": _local(closes)})
    assert response.status_code == 303
    day.refresh_from_db()
    assert poll.is_open(day)
    assert abs((day.poll_closes_at - closes).total_seconds()) < 60
    assert models.AuditEntry.objects.filter(event=day, action="open-poll").exists()
    page = organiser.get(url).content.decode()
    assert "De peiling is open tot" in page
    organiser.post(url, {"action": "close"})
    day.refresh_from_db()
    assert poll.has_closed(day)
    assert "De peiling is gesloten op" in organiser.get(url).content.decode()


@pytest.mark.parametrize("value", ["morgen", "2023-01-01T10:00", ""])
def test_a_bad_closing_time_is_refused(value: str, organiser: Client, day: models.Event) -> None:
    _later(day)
    organiser.post(f"/organisatie/{SLUG}/peiling/", {"action": "open", "closes_at": value})
    day.refresh_from_db()
    assert day.poll_opened_at is None
    assert day.poll_closes_at is None
    page = organiser.get(f"/organisatie/{SLUG}/peiling/").content.decode()
    assert "notice-error" in page


def test_the_organiser_sees_the_demand_and_exports_the_answers_without_names(
    organiser: Client, open_day: models.Event, make_invitee: MakeInvitee
) -> None:
    _three_answers(make_invitee)
    page = organiser.get(f"/organisatie/{SLUG}/peiling/").content.decode()
    assert "3 mensen hebben geantwoord." in page
    assert "Veiligheid" in page
    assert '<td class="num">19</td>' in page
    event_page = organiser.get(f"/organisatie/{SLUG}/").content.decode()
    assert f"/organisatie/{SLUG}/peiling/" in event_page  # the panel on the event page
    response = organiser.get(f"/organisatie/{SLUG}/peiling.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["answer", "choice", "title", "rank", "weight", "parts"]
    assert ["1", "thema-veiligheid", "Veiligheid", "1", "8", "ronde-2"] in rows
    assert ["3", "thema-veiligheid", "Veiligheid", "", "3", "ronde-1"] in rows
    assert len(rows) == 1 + 6
    assert "Test Persoon" not in response.content.decode()
    assert "example" not in response.content.decode()


# --- personal data -----------------------------------------------------------------------------------------


def test_the_answers_are_in_the_persons_data_and_go_with_withdrawal_and_anonymisation(
    open_day: models.Event, make_invitee: MakeInvitee, settings
) -> None:  # type: ignore[no-untyped-def]
    from netwerkdag.web.services import personal, privacy

    anna, token = make_invitee(name="Anna Aalbers")
    bert, _ = make_invitee(name="Bert Bakker")
    cor, _ = make_invitee(name="Cor Claassen")
    for who in (anna, bert, cor):
        poll.save_answer(who, poll.Answer({"thema-europa": 1}, frozenset({"ronde-2"})))
    data = personal.personal_data(anna)
    assert data["rankings"][0]["purpose"] == "poll"
    assert data["rankings"][0]["choices"] == [{"choice": "thema-europa", "rank": 1}]
    assert data["rankings"][0]["available_blocks"] == ["ronde-2"]
    assert '"rankings"' in Client().get(f"/uitnodiging/{token}/mijn-gegevens.json").content.decode()

    privacy.withdraw(anna)
    assert set(models.Ranking.objects.values_list("invitee_id", flat=True)) == {bert.pk, cor.pk}

    settings.NETWERKDAG_RETENTION_DAYS = 90
    open_day.starts_at = timezone.now() - timedelta(days=100)
    open_day.ends_at = open_day.starts_at + timedelta(hours=8)
    open_day.registration_deadline = open_day.starts_at
    open_day.save()
    privacy.anonymise_past_events()
    assert not models.Ranking.objects.exists()
    assert not models.RankedChoice.objects.exists()
