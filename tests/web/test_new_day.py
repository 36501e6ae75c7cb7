"""A new network day without writing YAML: a copy of the Haarlem day on a new date and at a new venue, or
a day from the short form. Both are event files the app writes and reads back with every rule; what the
organiser typed wrong comes back on the form, field by field, and nothing is stored."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.utils import timezone
from tests.web.conftest import MakeInvitee

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.core.problems import NetwerkdagError
from netwerkdag.core.timegrid import Block, BlockKind
from netwerkdag.core.venue import Venue
from netwerkdag.web import i18n, models
from netwerkdag.web.services import new_day, programme, registration

pytestmark = pytest.mark.django_db

URL = "/organisatie/new/day/"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _in_days(days: int) -> dt.date:
    today: dt.date = timezone.localdate()
    return today + dt.timedelta(days=days)


@pytest.fixture
def planner(day: models.Event) -> tuple[Client, User]:
    """An organiser of the Haarlem day who may add events."""
    user = User.objects.create(username="planner")
    user.user_permissions.add(Permission.objects.get(codename="add_event"))
    models.Organiser.objects.create(event=day, user=user)
    client = Client()
    client.force_login(user)
    return client, user


def _copy_form(**fields: str) -> dict[str, str]:
    return {
        "form": "copy",
        "source": "g40-haarlem-2023",
        "date": _in_days(60).isoformat(),
        "title": "Bestuurlijke netwerkdag Amersfoort",
        "venue": "Stadhuis Amersfoort",
        "address": "Stadhuisplein 1",
        "city": "Amersfoort",
        "host": "Amersfoort",
        **fields,
    }


def _scratch_form(**fields: str) -> dict[str, str]:
    return {
        "form": "scratch",
        "title": "Netwerkdag Zwolle",
        "date": _in_days(90).isoformat(),
        "venue": "Provinciehuis",
        "city": "Zwolle",
        "host": "Gemeente Zwolle",
        "rooms": "Statenzaal, 120\nZaal 2, 40\n\nZaal 3; 25\n",
        "rounds": "13.30-14.30\n10.30-11.30\n11.45 - 12.45",
        "opening": "10.00-10.25",
        "lunch": "12.45-13.30",
        "drinks": "16.00-17.00",
        "network": "",
        "network_name": "Netwerk Oost",
        "language": "nl",
        **fields,
    }


def _local(moment: dt.datetime) -> tuple[dt.date, dt.time]:
    here = moment.astimezone(AMSTERDAM)
    return here.date(), here.time()


# --- a copy ---------------------------------------------------------------------------------------------


def test_copying_haarlem_gives_the_same_day_on_the_new_date(
    planner: tuple[Client, User], day: models.Event, haarlem: CoreEvent, make_invitee: MakeInvitee
) -> None:
    client, user = planner
    person, _ = make_invitee()
    registration.choose(person, "ronde-1", "pijler-sociaal")
    before = day.document
    new_date = _in_days(60)

    response = client.post(URL, _copy_form(date=new_date.isoformat()))

    slug = f"bestuurlijke-netwerkdag-amersfoort-{new_date.isoformat()}"
    assert response.status_code == 303
    assert response["Location"] == f"/organisatie/{slug}/"
    event = models.Event.objects.get(slug=slug)
    copy = programme.draft_event(event)
    assert copy.start_date == copy.end_date == new_date
    assert copy.title == "Bestuurlijke netwerkdag Amersfoort"
    assert copy.venue == Venue("Stadhuis Amersfoort", "Stadhuisplein 1", "Amersfoort")
    assert copy.host == "amersfoort"
    assert copy.network == haarlem.network
    assert copy.rooms == haarlem.rooms
    # Every block and session on the new date at its old time of day, in its old room and slot.
    assert [(b.id, b.kind, _local(b.start)[1], _local(b.end)[1]) for b in copy.blocks] == [
        (b.id, b.kind, _local(b.start)[1], _local(b.end)[1]) for b in haarlem.blocks
    ]
    assert {_local(b.start)[0] for b in copy.blocks} == {new_date}
    assert [(s.id, s.block, s.room, _local(s.start)[1], _local(s.end)[1]) for s in copy.sessions] == [
        (s.id, s.block, s.room, _local(s.start)[1], _local(s.end)[1]) for s in haarlem.sessions
    ]
    assert {_local(s.start)[0] for s in copy.sessions} == {new_date}
    assert [s.participants for s in copy.sessions] == [s.participants for s in haarlem.sessions]
    # The networking tables, open at the same times of day on the new date.
    assert [(n.id, n.tables) for n in copy.networking] == [(n.id, n.tables) for n in haarlem.networking]
    assert [[(_local(w.start), _local(w.end)) for w in n.open] for n in copy.networking] == [
        [((new_date, _local(w.start)[1]), (new_date, _local(w.end)[1])) for w in n.open]
        for n in haarlem.networking
    ]
    # The old day's guest availability, subtitle and introduction are not carried over; nor are people.
    assert haarlem.availability
    assert not copy.availability
    assert copy.subtitle is None
    assert copy.introduction == ""
    assert not models.Invitee.objects.filter(event=event).exists()
    assert not models.Seats.objects.filter(event=event).exists()
    assert not models.Registration.objects.filter(seats__event=event).exists()
    assert event.versions.count() == 0  # a draft
    assert models.Organiser.objects.filter(event=event, user=user).exists()
    assert models.AuditEntry.objects.filter(event=event, action="new-day", detail__how="copy").exists()
    day.refresh_from_db()
    assert day.document == before  # the source is untouched

    page = client.get(response["Location"], follow=True).content.decode()
    assert "De beschikbaarheid van Eric van der Burg gold voor de oude datum" in page
    draft = client.get(f"/organisatie/{slug}/event.yaml")
    assert draft.status_code == 200
    text = draft.content.decode()
    assert f"date: '{new_date.isoformat()}'" in text
    assert "availability" not in text
    assert client.get(f"/organisatie/{slug}/sessions/").status_code == 200


def test_a_copy_keeps_the_time_of_day_across_summer_time(haarlem: CoreEvent) -> None:
    """Haarlem is in winter (UTC+1); on a summer date the opening is still at 10:00 on the clock."""
    made = new_day.copy_day(haarlem, "", "", dt.date(2031, 7, 4), Venue("Hal"), "", today=dt.date(2030, 1, 1))
    opening = made.event.block("opening")
    assert opening.start == dt.datetime(2031, 7, 4, 10, 0, tzinfo=AMSTERDAM)
    assert opening.start.utcoffset() == dt.timedelta(hours=2)
    assert made.event.title == haarlem.title  # an empty title keeps the source's
    assert made.event.slug == "bestuurlijke-netwerkdag-2031-07-04"
    assert made.event.host is None
    assert programme.event_from_document(made.text) == made.event


def test_a_day_of_several_days_moves_by_the_same_number_of_days(haarlem: CoreEvent) -> None:
    second = Block(
        "dag-2",
        BlockKind.PLENARY,
        dt.datetime(2023, 2, 11, 10, 0, tzinfo=AMSTERDAM),
        dt.datetime(2023, 2, 11, 11, 0, tzinfo=AMSTERDAM),
    )
    two_days = dataclasses.replace(haarlem, end_date=dt.date(2023, 2, 11), blocks=(*haarlem.blocks, second))
    made = new_day.copy_day(
        two_days, "", "Tweedaagse", dt.date(2031, 7, 4), Venue("Hal"), "", today=dt.date(2030, 1, 1)
    )
    assert made.event.start_date == dt.date(2031, 7, 4)
    assert made.event.end_date == dt.date(2031, 7, 5)
    assert made.event.block("dag-2").start == dt.datetime(2031, 7, 5, 10, 0, tzinfo=AMSTERDAM)
    assert made.event.block("ronde-1").start == dt.datetime(2031, 7, 4, 10, 30, tzinfo=AMSTERDAM)


def test_a_host_the_network_does_not_know_is_added_to_it(haarlem: CoreEvent) -> None:
    made = new_day.copy_day(
        haarlem, "", "", dt.date(2031, 7, 4), Venue("Hal"), "Provincie Utrecht", today=dt.date(2030, 1, 1)
    )
    assert made.event.host == "provincie-utrecht"
    assert made.event.network.organisation("provincie-utrecht").name == "Provincie Utrecht"
    assert len(made.event.network.organisations) == len(haarlem.network.organisations) + 1
    again = new_day.copy_day(
        haarlem, "", "", dt.date(2031, 7, 4), Venue("Hal"), "gemeente haarlem", today=dt.date(2030, 1, 1)
    )
    assert again.event.host == "haarlem"
    assert again.event.network == haarlem.network


def test_the_slug_gets_a_suffix_when_taken_and_a_typed_slug_that_is_taken_is_refused(
    planner: tuple[Client, User], day: models.Event
) -> None:
    client, _ = planner
    date = _in_days(30).isoformat()
    first = client.post(URL, _copy_form(date=date, title="Dag"))
    second = client.post(URL, _copy_form(date=date, title="Dag"))
    assert first["Location"] == f"/organisatie/dag-{date}/"
    assert second["Location"] == f"/organisatie/dag-{date}-2/"

    before = (models.Event.objects.count(), day.document)
    refused = client.post(URL, _copy_form(slug="g40-haarlem-2023"))
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Het webadres &#39;g40-haarlem-2023&#39; is al in gebruik" in page
    assert 'aria-invalid="true"' in page
    day.refresh_from_db()
    assert (models.Event.objects.count(), day.document) == before  # never replaced


def test_only_ones_own_events_can_be_copied(planner: tuple[Client, User], haarlem_text: str) -> None:
    client, _ = planner
    programme.import_event(haarlem_text.replace("slug: g40-haarlem-2023", "slug: andere-dag"), "x.yaml")
    count = models.Event.objects.count()
    response = client.post(URL, _copy_form(source="andere-dag"))
    assert response.status_code == 400
    assert "Kies een van uw evenementen om te kopiëren." in response.content.decode()
    assert models.Event.objects.count() == count


# --- a day from the form --------------------------------------------------------------------------------


def test_the_form_makes_a_valid_day_with_its_rooms_and_rounds(planner: tuple[Client, User]) -> None:
    client, user = planner
    date = _in_days(90)
    response = client.post(URL, _scratch_form(date=date.isoformat()))
    assert response.status_code == 303
    slug = f"netwerkdag-zwolle-{date.isoformat()}"
    assert response["Location"] == f"/organisatie/{slug}/"
    event = models.Event.objects.get(slug=slug)
    core = programme.draft_event(event)
    assert [(r.id, r.name, r.capacity) for r in core.rooms] == [
        ("statenzaal", "Statenzaal", 120),
        ("zaal-2", "Zaal 2", 40),
        ("zaal-3", "Zaal 3", 25),
    ]
    grid = [(b.id, b.kind, _local(b.start), _local(b.end)[1]) for b in core.blocks]
    assert grid == [
        ("opening", BlockKind.PLENARY, (date, dt.time(10, 0)), dt.time(10, 25)),
        ("ronde-1", BlockKind.PARALLEL, (date, dt.time(10, 30)), dt.time(11, 30)),
        ("ronde-2", BlockKind.PARALLEL, (date, dt.time(11, 45)), dt.time(12, 45)),
        ("lunch", BlockKind.MEAL, (date, dt.time(12, 45)), dt.time(13, 30)),
        ("ronde-3", BlockKind.PARALLEL, (date, dt.time(13, 30)), dt.time(14, 30)),
        ("borrel", BlockKind.DRINKS, (date, dt.time(16, 0)), dt.time(17, 0)),
    ]
    # The rounds are empty; the opening is in the largest room, lunch and drinks take the venue.
    assert [(s.id, s.title, s.block, s.room, s.venue_wide) for s in core.sessions] == [
        ("opening", "Opening", "opening", "statenzaal", False),
        ("lunch", "Lunch", "lunch", None, True),
        ("borrel", "Borrel", "borrel", None, True),
    ]
    assert core.network.name == "Netwerk Oost"
    assert core.host == "gemeente-zwolle"
    assert core.network.organisation("gemeente-zwolle").name == "Gemeente Zwolle"
    assert models.Organiser.objects.filter(event=event, user=user).exists()
    assert models.AuditEntry.objects.filter(event=event, action="new-day", detail__how="scratch").exists()
    # A day with empty rounds publishes, takes lunch and drinks registrations, and shows its programme.
    programme.publish(event)
    assert sorted(models.Seats.objects.filter(event=event).values_list("session_id", flat=True)) == [
        "borrel",
        "lunch",
    ]
    assert Client().get(f"/{slug}/").status_code == 200
    assert client.get(f"/organisatie/{slug}/event.yaml").status_code == 200


def test_the_form_can_take_the_network_of_an_own_event(
    planner: tuple[Client, User], haarlem: CoreEvent
) -> None:
    client, _ = planner
    response = client.post(
        URL, _scratch_form(network="g40-haarlem-2023", network_name="", host="Deventer", language="en")
    )
    assert response.status_code == 303
    core = programme.draft_event(models.Event.objects.get(slug=response["Location"].split("/")[2]))
    assert core.network == haarlem.network
    assert core.host == "deventer"
    assert core.language == "en"
    assert [s.title for s in core.sessions] == ["Opening", "Lunch", "Drinks"]


def test_bad_input_gives_every_problem_on_the_form_and_stores_nothing(planner: tuple[Client, User]) -> None:
    client, _ = planner
    before = (
        models.Event.objects.count(),
        models.Organiser.objects.count(),
        models.AuditEntry.objects.count(),
    )
    response = client.post(
        URL,
        _scratch_form(
            date=(timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            rooms="Zaal 1, 40\nZaal 2, veel\nZaal 3",
            rounds="11.30-10.30\n10.30-11.45\nkwart over tien",
            lunch="11.00-12.00",
            network_name="",
        ),
    )
    assert response.status_code == 400
    page = response.content.decode()
    for problem in (
        "is voorbij; kies een datum vanaf vandaag.",
        "Regel 2 (&#39;Zaal 2, veel&#39;): het aantal plaatsen &#39;veel&#39; is geen geheel getal",
        "Regel 3 (&#39;Zaal 3&#39;): schrijf de naam, een komma en het aantal plaatsen",
        "De ronde op regel 1 eindigt om 10.30, niet na het begin om 11.30.",
        "De ronde op regel 3: &#39;kwart over tien&#39; is geen tijdvak",
        "De lunch (11.00-12.00) overlapt met de ronde op regel 2 (10.30-11.45).",
        "Vul de naam van het nieuwe netwerk in.",
    ):
        assert problem in page
    # The summary links each problem to its field, which is marked and described by its problems.
    assert '<a href="#scratch-rooms">' in page
    assert 'aria-describedby="scratch-rooms-hint scratch-rooms-problems" aria-invalid="true"' in page
    assert "Zaal 2, veel" in page  # what was typed stays in the form
    after = (
        models.Event.objects.count(),
        models.Organiser.objects.count(),
        models.AuditEntry.objects.count(),
    )
    assert after == before


def test_problems_are_in_english_on_request(planner: tuple[Client, User]) -> None:
    client, _ = planner
    response = client.post(URL + "?lang=en", _scratch_form(rooms="Hall, many", rounds="11.30-10.30"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "the number of seats &#39;many&#39; is not a whole number from 1 to 100000" in page
    assert "The round on line 1 ends at 10:30, not after it starts at 11:30." in page
    assert "Regel" not in page
    assert "ronde" not in page


def test_a_rule_of_the_file_that_the_form_cannot_see_stores_nothing(planner: tuple[Client, User]) -> None:
    """02:30 does not exist on the night summer time begins (30 March 2031): the file's rules refuse it,
    as a NetwerkdagError with its problem, and the page shows it."""
    client, _ = planner
    with pytest.raises(NetwerkdagError) as error:
        new_day.day_from_form(
            "", "Nachtdag", dt.date(2031, 3, 30), Venue("Hal"), "", [("Zaal", 10)],
            [(dt.time(2, 15), dt.time(2, 45))], network_name="Netwerk", today=dt.date(2030, 1, 1),
        )  # fmt: skip
    assert not isinstance(error.value, new_day.NewDayError)
    assert {p.code for p in error.value.problems} == {"nonexistent-time"}
    count = models.Event.objects.count()
    response = client.post(
        URL, _scratch_form(date="2031-03-30", rounds="02.15-02.45", opening="", lunch="", drinks="")
    )
    assert response.status_code == 400
    assert "a time that does not exist in Europe/Amsterdam" in response.content.decode()
    assert models.Event.objects.count() == count


def test_the_service_refuses_a_round_that_ends_before_it_starts() -> None:
    with i18n.language("en"), pytest.raises(new_day.NewDayError) as error:
        new_day.day_from_form(
            "", "Dag", dt.date(2031, 5, 1), Venue("Hal"), "", [("Zaal", 10)],
            [(dt.time(11, 0), dt.time(10, 0))], network_name="Netwerk", today=dt.date(2030, 1, 1),
        )  # fmt: skip
    assert [(p.field, p.text) for p in error.value.found] == [
        ("rounds", "Round 1 ends at 10:00, not after it starts at 11:00.")
    ]


# --- who, and in which language -------------------------------------------------------------------------


def test_a_user_who_may_not_add_events_gets_403(organiser: Client) -> None:
    count = models.Event.objects.count()
    assert organiser.get(URL).status_code == 403
    assert organiser.post(URL, _copy_form()).status_code == 403
    assert organiser.post(URL, _scratch_form()).status_code == 403
    assert models.Event.objects.count() == count
    assert "Nieuwe netwerkdag" not in organiser.get("/organisatie/").content.decode()


def test_the_page_in_dutch_and_in_english(planner: tuple[Client, User]) -> None:
    client, _ = planner
    home = client.get("/organisatie/").content.decode()
    assert f'<a href="{URL}">Nieuwe netwerkdag</a>' in home
    dutch = client.get(URL)
    assert dutch.status_code == 200
    assert dutch["Cache-Control"] == "private, no-store"
    text = dutch.content.decode()
    for words in (
        "Nieuwe netwerkdag",
        "Een van uw dagen kopiëren",
        "Beginnen met een formulier",
        "Dag kopiëren",
    ):
        assert words in text
    assert "vrijdag 10 februari 2023" in text  # the day to copy, with its date the Dutch way
    assert 'value="Gemeente Haarlem"' in text  # hosts suggested from the network
    english = client.get(URL + "?lang=en").content.decode()
    for words in ("New network day", "Copy one of your days", "Start from a form", "Friday 10 February 2023"):
        assert words in english
    assert "Nieuwe netwerkdag" not in english
    assert "kopiëren" not in english


def test_a_day_that_is_not_published_is_copied_from_its_draft(planner: tuple[Client, User]) -> None:
    client, _ = planner
    first = client.post(URL, _scratch_form())
    draft_slug = first["Location"].split("/")[2]
    assert not models.ProgrammeVersion.objects.filter(event__slug=draft_slug).exists()
    copied = client.post(URL, _copy_form(source=draft_slug, title="", date=_in_days(120).isoformat()))
    assert copied.status_code == 303
    core = programme.draft_event(models.Event.objects.get(slug=copied["Location"].split("/")[2]))
    assert core.title == "Netwerkdag Zwolle"
    assert [r.name for r in core.rooms] == ["Statenzaal", "Zaal 2", "Zaal 3"]
    assert core.start_date == _in_days(120)


def test_a_slug_taken_in_the_meantime_replaces_nothing(
    planner: tuple[Client, User], day: models.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another new day may take the slug between the check and the import (which would replace that
    event): the import is rolled back when the event it wrote to already has organisers."""
    client, _ = planner
    monkeypatch.setattr(new_day, "slug_taken", lambda slug: False)
    before = (day.document, models.Event.objects.count(), models.Organiser.objects.count())
    response = client.post(URL, _copy_form(slug="g40-haarlem-2023"))
    assert response.status_code == 400
    assert (
        "Het webadres &#39;g40-haarlem-2023&#39; is al in gebruik; kies een ander."
        in response.content.decode()
    )
    day.refresh_from_db()
    assert (day.document, models.Event.objects.count(), models.Organiser.objects.count()) == before


def test_a_long_part_overlaps_every_part_it_holds() -> None:
    with i18n.language("en"), pytest.raises(new_day.NewDayError) as error:
        new_day.day_from_form(
            "", "Dag", dt.date(2031, 5, 1), Venue("Hal"), "", [("Zaal", 10)],
            [(dt.time(11, 0), dt.time(12, 0)), (dt.time(13, 0), dt.time(14, 0))],
            lunch=(dt.time(10, 0), dt.time(15, 0)), network_name="Netwerk", today=dt.date(2030, 1, 1),
        )  # fmt: skip
    assert [p.text for p in error.value.found] == [
        "Round 1 (11:00-12:00) overlaps the lunch (10:00-15:00).",
        "Round 2 (13:00-14:00) overlaps the lunch (10:00-15:00).",
    ]
