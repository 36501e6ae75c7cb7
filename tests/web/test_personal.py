"""The personal programme: own times as the public programme prints them (the drinks read "16.00 Borrel",
the hidden end a guess of the example; the .ics keeps it), the networking room only where the person's
chosen sessions leave time for it, in the page, the mail, the PDF and the .ics; and the personal
programme and badge PDFs tagged for screen readers (PDF/UA-1), read back with tests/publish/test_pdf.py's
`read_tags` and `ua_problems`."""

from __future__ import annotations

import dataclasses
import logging
import re
from datetime import UTC, timedelta

import pytest
from django.core import mail
from django.test import Client
from icalendar import Calendar
from tests.publish.test_pdf import Tagged, read_tags, ua_problems
from tests.web.conftest import MakeInvitee, run_tasks

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.publish.labels import session_times, shown_end
from netwerkdag.web import i18n, models
from netwerkdag.web.services import badges, programme
from netwerkdag.web.services.personal import covered, personal_pdf, personal_programme, personal_sessions

NETWORKING = "Ruimte om te netwerken"


def _url(token: str, suffix: str = "") -> str:
    return f"/uitnodiging/{token}/{suffix}"


def _register(client: Client, token: str, **choices: str) -> None:
    form = {"action": "save", "attending": "yes", "language": "nl", **choices}
    assert client.post(_url(token), form).status_code == 303


def _published(event: models.Event) -> CoreEvent:
    core = programme.published_event(event)
    assert core is not None
    return core


def _rows(tagged: Tagged) -> list[str]:
    """The rows of the (one) table of a tagged PDF, each as its cells' text."""
    assert tagged.root is not None
    (table,) = tagged.root.all("Table")
    return [row.text for row in table.all("TR")]


# --- own times, as the public programme prints them -------------------------------------------------------


def test_own_times_follow_the_public_programme(haarlem: CoreEvent) -> None:
    def times(session_id: str, lang: str = "nl") -> str:
        return session_times(haarlem, haarlem.session(session_id), lang)

    borrel = haarlem.session("borrel-afsluiting")

    assert times("borrel-afsluiting") == "16.00"  # the block hides its end: 17:00 is the example's guess
    assert times("borrel-afsluiting", "en") == "16:00"
    assert times("inloop-ochtend") == "9.30"
    assert times("thema-woningmarkt") == "11.40-12.40"
    assert times("gesprek-staatssecretaris") == "15.00-15.45"  # ends early: its own end is printed
    assert shown_end(haarlem, borrel) is None
    assert borrel.end.hour == 17  # the end itself stays, for the formats that need one (.ics)


def test_a_session_that_ends_early_in_a_block_that_hides_its_end_shows_its_own_end(
    haarlem: CoreEvent,
) -> None:
    borrel = haarlem.session("borrel-afsluiting")
    early = dataclasses.replace(borrel, end=borrel.end - timedelta(minutes=30))

    assert session_times(haarlem, early, "nl") == "16.00-16.30"


@pytest.mark.django_db
def test_the_drinks_read_16_00_in_the_page_the_mail_and_the_pdf_and_end_at_17_00_in_the_ics(
    day: models.Event, make_invitee: MakeInvitee, client: Client
) -> None:
    person, token = make_invitee()
    _register(
        client,
        token,
        **{
            "ronde-1": "pijler-sociaal",
            "ronde-4": "gesprek-staatssecretaris",
            "session:borrel-afsluiting": "yes",
        },
    )
    core = _published(day)

    lines = [(line.time, line.title) for line in personal_programme(core, person, "nl").lines]
    # The personal programme on the page (the form above it is another matter).
    page = client.get(_url(token)).content.decode().split('id="mine_heading"', 1)[1]
    run_tasks()
    (confirmation,) = mail.outbox
    (html_body, _), *_ = confirmation.alternatives  # type: ignore[attr-defined]
    pdf_rows = _rows(read_tags(client.get(_url(token, "programma.pdf")).content))
    calendar = Calendar.from_ical(client.get(_url(token, "programma.ics")).content)
    drinks = next(e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == "Borrel")

    assert lines == [
        ("9.30", "Inloop"),
        ("10.00-10.25", "Plenaire start"),
        ("10.30-11.30", "Pijlerbijeenkomst Sociaal"),
        ("15.00-15.45", "Gesprek met staatssecretaris Eric van der Burg"),
        ("16.00", "Borrel"),
    ]
    assert '<span class="time">16.00</span> <span class="what">Borrel</span>' in page
    assert "16.00  Borrel (" in confirmation.body
    assert "<td>16.00</td><td><strong>Borrel</strong></td>" in html_body
    assert pdf_rows[-1] == "16.00 Borrel Stadhuis Haarlem"
    assert pdf_rows[-2].startswith("15.00-15.45 Gesprek met staatssecretaris")
    for text in (page, confirmation.body, html_body, " ".join(pdf_rows)):
        assert "17.00" not in text
    assert (drinks.decoded("DTSTART").hour, drinks.decoded("DTEND").hour) == (16, 17)


@pytest.mark.django_db
def test_english_times_in_the_personal_pdf(day: models.Event, make_invitee: MakeInvitee) -> None:
    person, _ = make_invitee()
    core = _published(day)

    with i18n.language("en"):
        tagged = read_tags(personal_pdf(core, person, "en"))

    assert tagged.catalog["/Lang"] == "en"
    assert _rows(tagged)[0] == "Time Session Room"
    assert _rows(tagged)[1] == "9:30 Inloop Stadhuis Haarlem"


# --- the networking room ------------------------------------------------------------------------------


def test_covered_needs_the_whole_time_without_a_gap(haarlem: CoreEvent) -> None:
    s = haarlem.session
    sociaal, woningmarkt = s("pijler-sociaal"), s("thema-woningmarkt")  # 10:30-11:30, 11:40-12:40

    assert covered(sociaal.start, sociaal.end, [sociaal])
    assert covered(sociaal.start, sociaal.end, [woningmarkt, s("opening-plenair"), sociaal])
    assert not covered(sociaal.start, woningmarkt.end, [sociaal, woningmarkt])  # the transfer between
    assert not covered(sociaal.start, sociaal.end, [woningmarkt])
    assert not covered(sociaal.start, sociaal.end, [])


@pytest.mark.django_db
def test_the_networking_room_is_left_out_beside_a_chosen_session(
    day: models.Event, make_invitee: MakeInvitee, client: Client
) -> None:
    chose, chose_token = make_invitee()
    free, free_token = make_invitee()
    _register(client, chose_token, **{"ronde-1": "pijler-sociaal"})
    _register(client, free_token, **{"ronde-2": "thema-woningmarkt"})
    core = _published(day)

    def shown(person: models.Invitee, token: str) -> dict[str, bool]:
        summaries = {
            str(e["SUMMARY"])
            for e in Calendar.from_ical(client.get(_url(token, "programma.ics")).content).walk("VEVENT")
        }
        page = client.get(_url(token)).content.decode()
        programme_part = page.split('id="mine_heading"', 1)[1]
        return {
            "list": NETWORKING in [line.title for line in personal_programme(core, person, "nl").lines],
            "page": NETWORKING in programme_part,
            "ics": NETWORKING in summaries,
            "pdf": any(NETWORKING in row for row in _rows(read_tags(personal_pdf(core, person, "nl")))),
        }

    assert shown(chose, chose_token) == dict.fromkeys(("list", "page", "ics", "pdf"), False)
    assert shown(free, free_token) == dict.fromkeys(("list", "page", "ics", "pdf"), True)


@pytest.mark.django_db
def test_a_networking_room_open_longer_than_the_chosen_sessions_stays(
    day: models.Event, make_invitee: MakeInvitee, client: Client
) -> None:
    person, token = make_invitee()
    _register(client, token, **{"ronde-1": "pijler-sociaal"})
    core = _published(day)
    room = core.session("ruimte-netwerken")
    # Open through the second round too (10:30-12:40), as its subtitle "hele dag beschikbaar" suggests.
    longer = dataclasses.replace(room, end=core.session("thema-woningmarkt").end)
    wider = dataclasses.replace(core, sessions=tuple(longer if s.id == room.id else s for s in core.sessions))

    titles = [s.title for s, chosen in personal_sessions(wider, person)]

    assert NETWORKING in titles
    assert NETWORKING not in [s.title for s, chosen in personal_sessions(core, person)]


# --- PDFs for screen readers ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_personal_pdf_is_tagged_for_screen_readers(
    day: models.Event, make_invitee: MakeInvitee, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    _, token = make_invitee(name="Anna de Vries")
    _register(client, token, **{"ronde-1": "pijler-sociaal"})

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = client.get(_url(token, "programma.pdf")).content
    tagged = read_tags(pdf)

    assert ua_problems(pdf) == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert tagged.catalog["/Lang"] == "nl"
    assert tagged.reader.metadata is not None
    assert tagged.reader.metadata["/Title"] == "Uw programma: Bestuurlijke netwerkdag – Anna de Vries"
    assert tagged.headings == [(1, "Bestuurlijke netwerkdag")]
    assert _rows(tagged)[:2] == ["Tijd Sessie Zaal", "9.30 Inloop Stadhuis Haarlem"]
    assert "10.30-11.30 Pijlerbijeenkomst Sociaal Zaal 2" in _rows(tagged)


@pytest.mark.django_db
def test_the_confirmation_mail_attaches_the_tagged_pdf(
    day: models.Event, make_invitee: MakeInvitee, client: Client
) -> None:
    _, token = make_invitee()
    _register(client, token, **{"ronde-1": "pijler-sociaal"})

    run_tasks()
    (confirmation,) = mail.outbox
    (_, pdf, kind) = confirmation.attachments[1]

    assert kind == "application/pdf"
    assert ua_problems(pdf) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "alt", "title"),
    [
        ("nl", "QR-code: opent het aanmelden bij de ingang voor %s", "Naambadges: Bestuurlijke netwerkdag"),
        ("en", "QR code: opens check-in at the door for %s", "Badges: Bestuurlijke netwerkdag"),
    ],
)
def test_badges_are_tagged_and_each_qr_code_says_what_it_opens(
    day: models.Event,
    make_invitee: MakeInvitee,
    caplog: pytest.LogCaptureFixture,
    lang: str,
    alt: str,
    title: str,
) -> None:
    people = [make_invitee(name=name)[0] for name in ("Anna de Vries", "Bram Jansen")]

    with i18n.language(lang), caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = badges.badges_pdf(day, people)
    tagged = read_tags(pdf)
    assert tagged.root is not None

    assert ua_problems(pdf) == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert tagged.catalog["/Lang"] == lang
    assert tagged.reader.metadata is not None
    assert tagged.reader.metadata["/Title"] == title
    assert [figure.alt for figure in tagged.root.all("Figure")] == [
        alt % "Anna de Vries",
        alt % "Bram Jansen",
    ]
    # Each badge reads name, then function and organisation, then its QR code.
    assert re.search(r"Anna de Vries wethouder Gemeente Voorbeeld", tagged.root.text)


def test_times_are_in_the_events_time_zone(haarlem: CoreEvent) -> None:
    borrel = haarlem.session("borrel-afsluiting")
    in_utc = dataclasses.replace(borrel, start=borrel.start.astimezone(UTC))

    assert session_times(haarlem, in_utc, "nl") == "16.00"
