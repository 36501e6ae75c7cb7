"""The organiser's event page as a dashboard: its figures counted exactly, the charts drawn on the server
with their accessible names and the same numbers in tables beside them, every time in the event's time
zone written the Dutch way, scheduler runs in words."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone
from tests.web.conftest import MakeInvitee

from netwerkdag.web import charts, i18n, models
from netwerkdag.web.services import changes, dashboard, registration

pytestmark = pytest.mark.django_db

PAGE = "/organisatie/g40-haarlem-2023/"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def _answered(make_invitee: MakeInvitee, attending: str, at: datetime, **fields: object) -> models.Invitee:
    person, _ = make_invitee(**fields)
    models.Invitee.objects.filter(pk=person.pk).update(attending=attending, responded_at=at)
    person.refresh_from_db()
    return person


def _text(page: str) -> str:
    return html.unescape(page)


def _words(page: str) -> str:
    """The page's text without its tags."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.fixture
def answered(day: models.Event, make_invitee: MakeInvitee) -> models.Event:
    """Five answers over three days (in Amsterdam: 1, 2 and 4 February 2023), one person without an
    answer and one who withdrew (not counted)."""
    _answered(make_invitee, "yes", _utc(2023, 2, 1, 9, 0))
    _answered(make_invitee, "no", _utc(2023, 2, 1, 15, 0))
    _answered(make_invitee, "yes", _utc(2023, 2, 1, 23, 30))  # 0.30 on 2 February in Amsterdam
    _answered(make_invitee, "yes", _utc(2023, 2, 2, 10, 0))
    _answered(make_invitee, "no", _utc(2023, 2, 4, 8, 0))
    make_invitee()
    gone = _answered(make_invitee, "yes", _utc(2023, 2, 3, 8, 0))
    models.Invitee.objects.filter(pk=gone.pk).update(withdrawn_at=_utc(2023, 2, 3, 9, 0))
    return day


def test_answers_are_counted_without_those_who_withdrew(answered: models.Event) -> None:
    counted = dashboard.answers(answered)

    assert (counted.coming, counted.not_coming, counted.not_yet) == (3, 2, 1)
    assert counted.percent(counted.coming) == 50


def test_answers_per_day_count_the_days_of_amsterdam(answered: models.Event) -> None:
    line = dashboard.timeline(answered, AMSTERDAM, now=_utc(2023, 2, 5, 12, 0))

    assert not line.hourly
    assert [(s.start.date().isoformat(), s.coming, s.not_coming) for s in line.steps] == [
        ("2023-02-01", 1, 1),
        ("2023-02-02", 2, 0),
        ("2023-02-03", 0, 0),
        ("2023-02-04", 0, 1),
        ("2023-02-05", 0, 0),
    ]
    assert [(s.coming_total, s.not_coming_total) for s in line.changed] == [(1, 1), (3, 1), (3, 2)]
    assert line.steps[0].start == datetime(2023, 2, 1, tzinfo=AMSTERDAM)
    assert (line.coming, line.not_coming) == (3, 2)


def test_answers_within_two_days_are_counted_per_hour(day: models.Event, make_invitee: MakeInvitee) -> None:
    _answered(make_invitee, "yes", _utc(2023, 2, 8, 9, 10))  # 10.10 in Amsterdam
    _answered(make_invitee, "yes", _utc(2023, 2, 8, 9, 50))
    _answered(make_invitee, "no", _utc(2023, 2, 8, 11, 5))  # 12.05

    line = dashboard.timeline(day, AMSTERDAM, now=_utc(2023, 2, 8, 12, 30))

    assert line.hourly
    assert [(s.start.hour, s.coming, s.not_coming, s.coming_total) for s in line.steps] == [
        (10, 2, 0, 2),
        (11, 0, 0, 2),
        (12, 0, 1, 2),
        (13, 0, 0, 2),
    ]
    with i18n.language("nl"):
        assert dashboard.step_text(line.steps[0], True, "nl") == "woensdag 8 februari 2023, 10.00-11.00"


def test_nobody_answered_draws_no_chart(day: models.Event, organiser: Client) -> None:
    assert dashboard.timeline(day, AMSTERDAM).steps == ()
    page = organiser.get(PAGE).content.decode()
    assert "Nog niemand heeft geantwoord." in page
    assert 'id="answers-chart"' not in page


def test_fill_per_session_against_capacity(day: models.Event, make_invitee: MakeInvitee) -> None:
    models.Seats.objects.filter(event=day, session_id="pijler-sociaal").update(capacity=2)
    holders = [make_invitee()[0] for _ in range(2)]
    for person in holders:
        registration.choose(person, "ronde-1", "pijler-sociaal")
    registration.choose(make_invitee()[0], "ronde-1", "pijler-fysiek")
    registration.wait_for(make_invitee()[0], "ronde-1", "pijler-sociaal")
    lunch = models.SlotKey.part("lunch-gezamenlijk")
    registration.choose(make_invitee()[0], str(lunch), lunch.id)

    with i18n.language("nl"):
        found = dashboard.rounds(day, dashboard.programme.published_event(day), "nl")
    first = found[0]
    fills = {f.session_id: f for f in first.fills}

    assert first.label == "Ronde 1 · 10.30-11.30"
    assert (fills["pijler-sociaal"].taken, fills["pijler-sociaal"].capacity) == (2, 2)
    assert fills["pijler-sociaal"].waiting == 1
    assert fills["pijler-sociaal"].full
    assert (fills["pijler-fysiek"].taken, fills["pijler-fysiek"].full) == (1, False)
    assert fills["pijler-fysiek"].share == pytest.approx(1 / 40)
    assert found[-1].label == "Losse onderdelen"
    lunch = {f.session_id: f for f in found[-1].fills}["lunch-gezamenlijk"]
    assert (lunch.taken, lunch.capacity, lunch.full) == (1, None, False)


def test_the_bars_are_as_long_as_the_share_taken() -> None:
    rounds = [
        dashboard.Round(
            "Ronde 1", (dashboard.Fill("a", "Sessie A", 40, 30, 0), dashboard.Fill("b", "B", 10, 10, 3))
        )
    ]
    with i18n.language("nl"):
        svg = str(charts.fill_chart(rounds))

    bars = re.findall(r'<rect x="0" y="[\d.]+" width="([\d.]+)%" height="14" class="(bar[^"]*)"', svg)
    assert bars == [(f"{charts.TRACK * 0.75:.2f}", "bar"), (f"{charts.TRACK:.2f}", "bar bar-full")]
    assert svg.count('class="cap"') == 2
    assert ">30 van 40<" in svg
    assert ">Vol · 3 wachtend<" in svg
    assert 'aria-label="Bezetting per sessie: 1 van 2 vol, 3 wachtend."' in svg


def test_the_page_draws_both_charts_with_the_numbers_of_their_tables(
    answered: models.Event, organiser: Client, make_invitee: MakeInvitee
) -> None:
    models.Seats.objects.filter(event=answered, session_id="pijler-sociaal").update(capacity=1)
    registration.choose(make_invitee()[0], "ronde-1", "pijler-sociaal")
    registration.wait_for(make_invitee()[0], "ronde-1", "pijler-sociaal")

    page = organiser.get(PAGE).content.decode()
    text = _text(page)

    answers_svg = re.search(r'<svg[^>]*id="answers-chart"[^>]*>', page)
    assert answers_svg is not None
    assert 'role="img"' in answers_svg.group(0)
    assert "3 komen, 2 komen niet." in _text(answers_svg.group(0))
    assert '<title id="answers-chart-title">' in page
    assert '<desc id="answers-chart-desc">' in page
    # The table of the answers: the days on which someone answered, with the running totals.
    rows = re.findall(
        r'<tr><th scope="row">([^<]+)</th><td class="num">(\d+)</td><td class="num">(\d+)</td>'
        r'<td class="num">(\d+)</td><td class="num">(\d+)</td></tr>',
        page,
    )
    assert rows == [
        ("woensdag 1 februari 2023", "1", "1", "1", "1"),
        ("donderdag 2 februari 2023", "2", "0", "3", "1"),
        ("zaterdag 4 februari 2023", "0", "1", "3", "2"),
    ]

    fill_svg = re.search(r'<svg[^>]*id="fill-chart".*?</svg>', page, re.S)
    assert fill_svg is not None
    assert 'role="img"' in fill_svg.group(0)
    assert 'aria-label="Bezetting per sessie: 1 van ' in fill_svg.group(0)
    assert re.search(
        r">Pijlerbijeenkomst Sociaal</text>.*?>1 van 1</text>.*?>Vol · 1 wachtend</text>", fill_svg.group(0)
    )
    # The same numbers in the attendance table: capacity 1, registered 1, waiting 1.
    assert re.search(
        r'<th scope="row">Pijlerbijeenkomst Sociaal</th><td>[^<]*</td><td class="num">1</td>'
        r'<td class="num">1</td><td class="num">1</td>',
        page,
    )
    assert "Op een wachtlijst" in text
    # No inline style or script: the Content-Security-Policy forbids them.
    assert not re.search(r"\sstyle=", page)
    assert not re.search(r"<script(?![^>]*\ssrc=)", page)
    assert "dashboard.css" in page


def test_times_are_in_amsterdam_the_dutch_way(
    day: models.Event, organiser: Client, make_invitee: MakeInvitee
) -> None:
    version = day.published
    assert version is not None
    models.ProgrammeVersion.objects.filter(pk=version.pk).update(published_at=_utc(2023, 2, 3, 5, 19))
    models.Event.objects.filter(pk=day.pk).update(registration_deadline=_utc(2023, 2, 9, 16, 0))
    run = models.SchedulingRun.objects.create(event=day, status="done", time_limit=5, source_document="")
    models.SchedulingRun.objects.filter(pk=run.pk).update(created_at=_utc(2023, 6, 1, 10, 0))  # summer time

    page = organiser.get(PAGE).content.decode()
    dutch = _words(page)
    english = _words(organiser.get(PAGE + "?lang=en").content.decode())

    assert "Gepubliceerd: versie 1 van vrijdag 3 februari 2023 om 6.19." in dutch
    assert "5.19" not in dutch
    assert "05:19" not in dutch
    assert 'value="2023-02-09T17:00"' in page
    assert "Nu: tot donderdag 9 februari 2023 om 17.00." in dutch
    assert "Planning van donderdag 1 juni 2023 om 12.00: plan klaar, wacht op uw besluit" in dutch
    assert "Published: version 1 of Friday 3 February 2023 at 6:19." in english


def test_the_deadline_is_saved_in_the_events_time_zone(day: models.Event, organiser: Client) -> None:
    organiser.post(PAGE + "deadline/", {"deadline": "2023-02-09T17:00"})
    day.refresh_from_db()
    assert day.registration_deadline == _utc(2023, 2, 9, 16, 0)
    assert 'value="2023-02-09T17:00"' in organiser.get(PAGE).content.decode()


def test_scheduler_runs_are_listed_in_words(day: models.Event, organiser: Client) -> None:
    for status in ("done", "failed", "accepted", "rejected", "queued"):
        models.SchedulingRun.objects.create(event=day, status=status, time_limit=5, source_document="")

    page = _text(organiser.get(PAGE).content.decode())

    for words in (
        "in de wachtrij, wacht op een worker",
        "plan klaar, wacht op uw besluit",
        "mislukt, geen plan",
        "plan overgenomen in het concept",
        "plan afgewezen",
    ):
        assert f": {words}</li>" in page
    for raw in ("queued", "done", "failed", "accepted", "rejected"):
        assert f"</a>: {raw}<" not in page
    with i18n.language("en"):
        assert dashboard.run_status("running") == "searching for a plan"


def test_what_needs_attention(day: models.Event, organiser: Client, make_invitee: MakeInvitee) -> None:
    person, _ = make_invitee()
    run = models.SchedulingRun.objects.create(event=day, status="done", time_limit=5, source_document="")
    models.OutgoingMail.objects.create(
        kind="invitation", invitee=person, event=day, status="failed", last_error="550 no such mailbox"
    )
    models.Event.objects.filter(pk=day.pk).update(
        document=day.document.replace("capacity: 40", "capacity: 41", 1)
    )

    page = _text(organiser.get(PAGE).content.decode())
    attention = page[page.index("Vraagt uw aandacht") : page.index("Cijfers")]

    assert "Er draait geen worker" in attention
    assert "Het concept bevat wijzigingen die nog niet gepubliceerd zijn." in attention
    assert "1 mail kon niet worden verstuurd." in attention
    assert f"/organisatie/g40-haarlem-2023/schedule/{run.pk}/" in attention
    assert "Niets vraagt nu uw aandacht." not in page


def test_nothing_needs_attention(day: models.Event, organiser: Client) -> None:
    models.WorkerProcess.objects.create(
        worker_id="w1", host="here", pid=1, queues="default,mail,scheduling", beat_at=timezone.now()
    )
    page = _text(organiser.get(PAGE).content.decode())
    assert "Niets vraagt nu uw aandacht." in page
    assert "Er draait geen worker" not in page
    assert "Het concept is gepubliceerd zoals het is." in page


def test_a_change_between_versions_is_told_in_words() -> None:
    with i18n.language("nl"):
        assert changes.place_text("2023-02-10 10:30-11:30 Zaal 2", "nl") == (
            "vrijdag 10 februari 2023, 10.30-11.30, Zaal 2"
        )
        assert changes.place_text("", "nl") == ""
        assert i18n.gettext(dashboard.CHANGE_WORDS["moved"]) == "verplaatst"
