"""iCalendar export, read back with vobject, an independent reader: it computes times from our VTIMEZONE,
not from the zoneinfo database we wrote it from."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import vobject

from netwerkdag.core.event import Event
from netwerkdag.files.load import load_event
from netwerkdag.publish.ical import ical

NOW = datetime(2023, 1, 20, 8, 15, 0, tzinfo=UTC)
SUFFIX = "@g40-haarlem-2023.netwerkdag"

SUMMER_EVENT = """\
network: {id: testnet, name: Testnetwerk}
event:
  slug: zomerdag
  title: Zomerdag
  date: 2024-06-13
  timezone: Europe/Amsterdam
  venue: {name: Provinciehuis}
  rooms: [{id: zaal-a, name: Zaal A, capacity: 50}]
  blocks: [{id: ochtend, kind: plenary, start: "10:00", end: "11:00"}]
  sessions: [{id: opening, kind: plenary, title: Opening, block: ochtend, room: zaal-a}]
"""


def _read(data: bytes) -> Any:
    return vobject.readOne(data.decode("utf-8"))


def _by_uid(calendar: Any) -> dict[str, Any]:
    return {entry.uid.value: entry for entry in calendar.vevent_list}


@pytest.fixture(scope="module")
def calendar(haarlem: Event) -> Any:
    return _read(ical(haarlem, now=NOW))


def test_ical_has_one_vevent_per_session_with_stable_unique_uids(calendar: Any, haarlem: Event) -> None:
    uids = [entry.uid.value for entry in calendar.vevent_list]

    assert sorted(uids) == sorted(f"{s.id}{SUFFIX}" for s in haarlem.sessions)
    assert len(set(uids)) == 23


def test_ical_uids_survive_a_new_export_at_another_time(haarlem_path: Path) -> None:
    later = datetime(2023, 2, 1, 12, 0, tzinfo=UTC)

    first = _read(ical(load_event(haarlem_path), now=NOW))
    second = _read(ical(load_event(haarlem_path), now=later))

    assert [e.uid.value for e in first.vevent_list] == [e.uid.value for e in second.vevent_list]
    assert {e.dtstamp.value for e in first.vevent_list} == {NOW}
    assert {e.dtstamp.value for e in second.vevent_list} == {later}


def test_ical_calendar_properties(calendar: Any) -> None:
    assert calendar.version.value == "2.0"
    assert calendar.prodid.value == "-//netwerkdag//netwerkdag 0.1.0//NL"
    assert calendar.calscale.value == "GREGORIAN"
    assert calendar.method.value == "PUBLISH"
    assert calendar.x_wr_calname.value == "Bestuurlijke netwerkdag – Haarlem – vrijdag 10 februari 2023"
    assert calendar.x_wr_timezone.value == "Europe/Amsterdam"


def test_ical_has_exactly_one_vtimezone_for_amsterdam(calendar: Any) -> None:
    assert [tz.tzid.value for tz in calendar.vtimezone_list] == ["Europe/Amsterdam"]


def test_ical_vtimezone_is_a_yearly_rule_from_the_year_before(haarlem: Event) -> None:
    text = ical(haarlem, now=NOW).decode("utf-8")
    zone = text[text.index("BEGIN:VTIMEZONE") : text.index("END:VTIMEZONE")].split("\r\n")

    assert zone == [
        "BEGIN:VTIMEZONE",
        "TZID:Europe/Amsterdam",
        "BEGIN:DAYLIGHT",
        "DTSTART:20220327T020000",
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
        "TZNAME:CEST",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "DTSTART:20221030T030000",
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
        "TZNAME:CET",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "END:STANDARD",
        "",
    ]


def _changes(zone: ZoneInfo, first: datetime, last: datetime) -> list[datetime]:
    """Every instant in [first, last) at which `zone` changes its UTC offset, to the minute."""
    found = []
    day = first
    while day < last:
        before, after = day, day + timedelta(days=1)
        if before.astimezone(zone).utcoffset() != after.astimezone(zone).utcoffset():
            while after - before > timedelta(minutes=1):
                middle = before + (after - before) / 2
                same = middle.astimezone(zone).utcoffset() == before.astimezone(zone).utcoffset()
                before, after = (middle, after) if same else (before, middle)
            found.append(after)
        day += timedelta(days=1)
    return found


def test_ical_vtimezone_of_sydney_is_rules_with_onsets_in_the_offset_they_end(haarlem: Event) -> None:
    text = ical(dataclasses.replace(haarlem, timezone="Australia/Sydney"), now=NOW).decode("utf-8")
    zone = text[text.index("BEGIN:VTIMEZONE") : text.index("END:VTIMEZONE")].split("\r\n")

    # Back at 03:00 daylight time, forward at 02:00 standard time (icalendar alone writes 03:00 here).
    assert zone == [
        "BEGIN:VTIMEZONE",
        "TZID:Australia/Sydney",
        "BEGIN:STANDARD",
        "DTSTART:20220403T030000",
        "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4",
        "TZNAME:AEST",
        "TZOFFSETFROM:+1100",
        "TZOFFSETTO:+1000",
        "END:STANDARD",
        "BEGIN:DAYLIGHT",
        "DTSTART:20221002T020000",
        "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=10",
        "TZNAME:AEDT",
        "TZOFFSETFROM:+1000",
        "TZOFFSETTO:+1100",
        "END:DAYLIGHT",
        "",
    ]


@pytest.mark.parametrize(
    "zone",
    [
        "Europe/Amsterdam",  # the last Sunday of March and of October
        "America/New_York",  # the second Sunday of March, the first of November
        "Australia/Sydney",  # forward in October
        "Australia/Lord_Howe",  # by half an hour
        "America/Havana",  # at midnight
    ],
)
def test_ical_vtimezone_changes_the_offset_when_zoneinfo_does_also_after_its_span(
    haarlem: Event, zone: str
) -> None:
    text = ical(dataclasses.replace(haarlem, timezone=zone), now=NOW).decode("utf-8")
    read = _read(text.encode("utf-8")).vtimezone.gettzinfo()
    # From the event's year to long after the twelve years icalendar lists the changes for.
    changes = _changes(ZoneInfo(zone), datetime(2023, 1, 1, tzinfo=UTC), datetime(2041, 1, 1, tzinfo=UTC))
    moments = [change + timedelta(minutes=m) for change in changes for m in (-59, -1, 0, 1, 59)]

    wrong = [m for m in moments if m.astimezone(read).utcoffset() != m.astimezone(ZoneInfo(zone)).utcoffset()]

    assert len(changes) == 36
    assert wrong == []


def test_ical_local_times_are_amsterdam_times(haarlem: Event, calendar: Any) -> None:
    opening = _by_uid(calendar)[f"opening-plenair{SUFFIX}"]
    lines = ical(haarlem, now=NOW).decode("utf-8").split("\r\n")

    assert "DTSTART;TZID=Europe/Amsterdam:20230210T100000" in lines
    assert opening.dtstart.value.replace(tzinfo=None) == datetime(2023, 2, 10, 10, 0)
    # 10:00 in Haarlem in February (CET, UTC+1) is 09:00 UTC, computed from the file's own VTIMEZONE.
    assert opening.dtstart.value.astimezone(UTC) == datetime(2023, 2, 10, 9, 0, tzinfo=UTC)
    assert opening.dtend.value.astimezone(UTC) == datetime(2023, 2, 10, 9, 25, tzinfo=UTC)


def test_ical_state_secretary_runs_15_00_to_15_45(calendar: Any) -> None:
    entry = _by_uid(calendar)[f"gesprek-staatssecretaris{SUFFIX}"]

    assert entry.summary.value == "Gesprek met staatssecretaris Eric van der Burg"
    assert entry.dtstart.value.astimezone(UTC) == datetime(2023, 2, 10, 14, 0, tzinfo=UTC)
    assert entry.dtend.value.astimezone(UTC) == datetime(2023, 2, 10, 14, 45, tzinfo=UTC)
    assert entry.location.value == "Plenair/Zaal 1 (Gravenzaal), Stadhuis Haarlem, Haarlem"


def test_ical_summer_event_is_two_hours_ahead_of_utc(tmp_path: Path) -> None:
    path = tmp_path / "event.yaml"
    path.write_text(SUMMER_EVENT, encoding="utf-8")

    entry = _read(ical(load_event(path), now=NOW)).vevent

    assert entry.dtstart.value.astimezone(UTC) == datetime(2024, 6, 13, 8, 0, tzinfo=UTC)
    assert entry.location.value == "Zaal A, Provinciehuis"


@pytest.mark.parametrize(
    ("zone", "local"),
    [
        # Southern hemisphere: daylight saving time in February (UTC+11).
        ("Australia/Sydney", datetime(2023, 2, 10, 20, 0)),
        # No daylight saving time at all.
        ("Asia/Tokyo", datetime(2023, 2, 10, 18, 0)),
        # Changes that follow no yearly rule (Ramadan): icalendar lists each change instead.
        ("Africa/Casablanca", datetime(2023, 2, 10, 10, 0)),
    ],
)
def test_ical_other_zones_keep_the_instant(haarlem: Event, zone: str, local: datetime) -> None:
    moved = dataclasses.replace(haarlem, timezone=zone)

    calendar = _read(ical(moved, now=NOW))
    opening = _by_uid(calendar)[f"opening-plenair{SUFFIX}"]

    assert [tz.tzid.value for tz in calendar.vtimezone_list] == [zone]
    assert opening.dtstart.value.replace(tzinfo=None) == local
    assert opening.dtstart.value.astimezone(UTC) == datetime(2023, 2, 10, 9, 0, tzinfo=UTC)


def test_ical_location_names_place_venue_and_city(calendar: Any) -> None:
    entries = _by_uid(calendar)

    assert entries[f"thema-woningmarkt{SUFFIX}"].location.value == "Zaal 2, Stadhuis Haarlem, Haarlem"
    assert entries[f"lunch-gezamenlijk{SUFFIX}"].location.value == "Hele locatie, Stadhuis Haarlem, Haarlem"
    assert entries[f"borrel-afsluiting{SUFFIX}"].location.value == "Hele locatie, Stadhuis Haarlem, Haarlem"


def test_ical_english_location_says_whole_venue(haarlem: Event) -> None:
    entry = _by_uid(_read(ical(haarlem, now=NOW, lang="en")))[f"lunch-gezamenlijk{SUFFIX}"]

    assert entry.location.value == "Whole venue, Stadhuis Haarlem, Haarlem"


def test_ical_description_is_plain_text_with_people(calendar: Any) -> None:
    entries = _by_uid(calendar)

    assert entries[f"pijler-economie-werk{SUFFIX}"].description.value.split("\n\n")[-1] == (
        "Voorzitter: Frank den Brok (Oss)\n"
        "Vicevoorzitter: Adam Elzakalai (Amstelveen)\n"
        "Gast: Mirjam Visscher (EZK)"
    )
    assert entries[f"thema-veiligheid{SUFFIX}"].description.value.split("\n\n")[-1] == (
        "Sprekers: Joeri Vig (Het CCV), Mike Vrolijk (JenV)\nGast: Saskia Tempelman (BZK)"
    )
    assert entries[f"opening-plenair{SUFFIX}"].description.value == (
        "Burgemeester Wienen en voorzitter Depla\n\n"
        "Burgemeester Jos Wienen opent als gastheer de dag in de historische Gravenzaal. Daarna schetst "
        "G40-voorzitter Paul Depla de opgaven waar de steden voor staan en loopt hij het programma door.\n\n"
        "Gastheer: Jos Wienen (Haarlem)\nSpreker: Paul Depla (Breda)"
    )
    assert not hasattr(entries[f"inloop-ochtend{SUFFIX}"], "description")


def test_ical_leaves_contact_persons_out(haarlem: Event) -> None:
    # The contacts exist in the network and in the session's participants, so they could leak.
    assert [p.person for p in haarlem.session("thema-leefomgeving").participants][1:] == [
        "contact-leefomgeving-deventer",
        "contact-leefomgeving-delft",
    ]

    text = ical(haarlem, now=NOW).decode("utf-8")

    assert "Noor van Dijk" not in text
    assert "Ruben Smit" not in text


def test_ical_categories_are_kind_and_track(calendar: Any) -> None:
    entries = _by_uid(calendar)

    assert entries[f"thema-woningmarkt{SUFFIX}"].categories.value == ["Themagroep", "Fysiek"]
    assert entries[f"thema-veiligheid{SUFFIX}"].categories.value == ["Themagroep", "Veiligheid"]
    assert entries[f"pijler-sociaal{SUFFIX}"].categories.value == ["Pijlerbijeenkomst", "Sociaal"]
    assert entries[f"lunch-gezamenlijk{SUFFIX}"].categories.value == ["Maaltijd"]


def test_ical_english_labels_on_request(haarlem: Event) -> None:
    entry = _by_uid(_read(ical(haarlem, now=NOW, lang="en")))[f"thema-woningmarkt{SUFFIX}"]

    assert entry.categories.value == ["Theme group", "Fysiek"]
    assert entry.description.value.endswith("\n\nChair: Karin Schrederhof (Delft)")


def test_ical_lines_end_in_crlf_and_are_folded(haarlem: Event) -> None:
    data = ical(haarlem, now=NOW)
    lines = data.split(b"\r\n")

    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 75
    assert lines[0] == b"BEGIN:VCALENDAR"


def test_ical_naive_now_is_taken_as_utc(haarlem: Event) -> None:
    entry = _read(ical(haarlem, now=datetime(2023, 1, 20, 8, 15))).vevent_list[0]

    assert entry.dtstamp.value == NOW
