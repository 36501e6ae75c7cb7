"""The words every format shares: a session's place reads the same in the page, the session list and the
calendar; the roles with a part in a session; clock times and durations."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import lxml.html
import vobject

from netwerkdag.core.event import Event
from netwerkdag.core.sessions import PRESENT_ROLES, ParticipantRole
from netwerkdag.publish.html import render_html, session_anchor
from netwerkdag.publish.ical import ical
from netwerkdag.publish.labels import PRESENT_ROLE_ORDER, hhmm, place_name, session_track
from netwerkdag.publish.tables import sessions_csv

NOW = datetime(2023, 1, 20, 8, 15, tzinfo=ZoneInfo("UTC"))


def test_place_name_gives_heading_with_name_room_or_whole_venue(haarlem: Event) -> None:
    places = {
        sid: (
            place_name(haarlem, haarlem.session(sid), "nl"),
            place_name(haarlem, haarlem.session(sid), "en"),
        )
        for sid in ("opening-plenair", "thema-woningmarkt", "lunch-gezamenlijk", "algemeen-bestuur")
    }

    assert places == {
        "opening-plenair": ("Plenair/Zaal 1 (Gravenzaal)", "Plenair/Zaal 1 (Gravenzaal)"),
        "thema-woningmarkt": ("Zaal 2", "Zaal 2"),
        "lunch-gezamenlijk": ("Hele locatie", "Whole venue"),
        "algemeen-bestuur": ("Hele locatie", "Whole venue"),
    }


def test_page_session_list_and_calendar_name_every_place_alike(haarlem: Event) -> None:
    page = lxml.html.document_fromstring(render_html(haarlem))
    rows = list(csv.reader(io.StringIO(sessions_csv(haarlem))))
    calendar = vobject.readOne(ical(haarlem, now=NOW).decode("utf-8"))

    in_csv = {row[0]: row[8] for row in rows[1:]}
    in_ical = {
        str(entry.uid.value).split("@")[0]: str(entry.location.value).removesuffix(
            ", Stadhuis Haarlem, Haarlem"
        )
        for entry in calendar.vevent_list
    }
    in_page = {}
    for session in haarlem.sessions:
        found = page.xpath(f"//article[@id='{session_anchor(session.id)}']//dl[@class='meta']/div[2]/dd")
        if found:
            in_page[session.id] = found[0].text_content().strip()
    expected = {s.id: place_name(haarlem, s, "nl") for s in haarlem.sessions}

    assert len(in_page) == 20  # every described session
    assert in_csv == expected
    assert in_ical == expected
    assert in_page == {sid: expected[sid] for sid in in_page}
    assert sorted(set(expected.values())) == [
        "Hele locatie",
        "Plenair/Zaal 1 (Gravenzaal)",
        "Zaal 2",
        "Zaal 3",
        "Zaal 4",
        "Zaal 5",
    ]


def test_session_track_is_pillar_then_group_outside_the_pillars_then_none(haarlem: Event) -> None:
    tracks = [
        session_track(haarlem, haarlem.session(sid))
        for sid in ("thema-woningmarkt", "thema-veiligheid", "lunch-gezamenlijk")
    ]

    assert tracks == [("fysiek", "Fysiek"), ("veiligheid", "Veiligheid"), None]


def test_present_role_order_is_the_present_roles_in_display_order() -> None:
    assert PRESENT_ROLE_ORDER == (
        ParticipantRole.HOST,
        ParticipantRole.CHAIR,
        ParticipantRole.VICE_CHAIR,
        ParticipantRole.MODERATOR,
        ParticipantRole.SPEAKER,
        ParticipantRole.GUEST,
    )
    assert set(PRESENT_ROLE_ORDER) == PRESENT_ROLES


def test_hhmm_writes_clock_times_and_durations_with_two_digit_hours() -> None:
    moment = datetime(2023, 2, 10, 9, 5, tzinfo=ZoneInfo("Europe/Amsterdam"))

    written = [hhmm(moment), hhmm(timedelta(minutes=45)), hhmm(timedelta(hours=10, minutes=30))]

    assert written == ["09:05", "00:45", "10:30"]
