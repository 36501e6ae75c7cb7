"""frab schedule JSON and XML: valid against the shared schemas, faithful to the Haarlem programme, with
identifiers that survive re-exports."""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from jsonschema import Draft6Validator, FormatChecker
from lxml import etree

from netwerkdag.core.event import Event
from netwerkdag.files.load import load_event
from netwerkdag.publish.frab import acronym, frab_json, frab_json_text, frab_xml

VENUE = "Stadhuis Haarlem"

# The printed programme of 10 February 2023, read cell by cell: (session, start, end, room). Venue-wide
# parts sit in the venue's room. The walk-in ("9.30 Inloop") ends when the opening starts; the drinks
# ("16.00 Borrel") have no printed end: the example file assumes 17:00.
SEED_PROGRAMME = [
    ("inloop-ochtend", "09:30", "10:00", VENUE),
    ("opening-plenair", "10:00", "10:25", "Gravenzaal"),
    ("pijler-sociaal", "10:30", "11:30", "Zaal 2"),
    ("pijler-fysiek", "10:30", "11:30", "Zaal 3"),
    ("pijler-economie-werk", "10:30", "11:30", "Zaal 4"),
    ("ruimte-netwerken", "10:30", "11:30", "Zaal 5"),
    ("thema-mkb-vernieuwing", "11:40", "12:40", "Gravenzaal"),
    ("thema-woningmarkt", "11:40", "12:40", "Zaal 2"),
    ("thema-wonen-welzijn-zorg", "11:40", "12:40", "Zaal 3"),
    ("thema-leefomgeving", "11:40", "12:40", "Zaal 4"),
    ("thema-veiligheid", "11:40", "12:40", "Zaal 5"),
    ("lunch-gezamenlijk", "12:50", "13:50", VENUE),
    ("algemeen-bestuur", "12:50", "13:50", VENUE),
    ("thema-interbestuurlijk", "13:55", "14:55", "Zaal 2"),
    ("thema-sterke-keten", "13:55", "14:55", "Zaal 3"),
    ("thema-slimme-verstedelijking", "13:55", "14:55", "Zaal 4"),
    ("thema-zorg-jeugd-onderwijs", "13:55", "14:55", "Zaal 5"),
    ("gesprek-staatssecretaris", "15:00", "15:45", "Gravenzaal"),
    ("thema-europa", "15:00", "16:00", "Zaal 2"),
    ("thema-vitale-binnensteden", "15:00", "16:00", "Zaal 3"),
    ("thema-financien", "15:00", "16:00", "Zaal 4"),
    ("thema-duurzaamheid", "15:00", "16:00", "Zaal 5"),
    ("borrel-afsluiting", "16:00", "17:00", VENUE),
]

# A small event of two days with the edge cases: an all-day session, session ids the XSD's slug pattern
# rejects ("lunch", "eu-1", "netwerkplein"), a room named like the venue, a session that starts late, a
# slug too short for the acronym patterns, and a contact person who must stay out of the export.
EDGE_EVENT = """\
network:
  id: testnet
  name: Testnetwerk
  organisations:
    - {id: utrecht, name: Gemeente Utrecht, short_name: Utrecht, member: true}
  pillars:
    - {id: sociaal, name: Sociaal}
  groups:
    - {id: jeugd, name: Jeugd, pillar: sociaal}
    - {id: europa, name: Europa}
  people:
    - {id: anna-de-vries, name: Anna de Vries, role: wethouder, organisation: utrecht}
    - {id: kees-contact, name: Kees Contact, role: beleidsadviseur, organisation: utrecht}
event:
  slug: g4
  title: Tweedaagse
  date: 2024-06-13
  end_date: 2024-06-14
  timezone: Europe/Amsterdam
  language: nl
  venue: {name: Provinciehuis, city: Utrecht}
  rooms:
    - {id: zaal-a, name: Zaal A, capacity: 50}
    - {id: zaal-b, name: Provinciehuis, capacity: 20}
    - {id: foyer, name: Foyer, capacity: 100, shared: true}
  blocks:
    - {id: ochtend-1, kind: parallel, start: "10:00", end: "11:00"}
    - {id: lunch-1, kind: meal, start: "12:00", end: "12:30"}
    - {id: middag-1, kind: parallel, start: "13:00", end: "14:30"}
    - {id: ochtend-2, kind: parallel, date: 2024-06-14, start: "09:00", end: "12:00"}
  sessions:
    - id: jeugd-dag-1
      kind: theme-group-meeting
      title: Jeugd
      block: ochtend-1
      room: zaal-a
      group: jeugd
      participants:
        - {person: anna-de-vries, role: chair}
        - {person: kees-contact, role: contact}
    - {id: lunch, kind: meal, title: Lunch, block: lunch-1, venue_wide: true}
    - {id: eu-1, kind: theme-group-meeting, title: Europa, block: middag-1, room: zaal-b, group: europa,
       start: "13:15"}
    - {id: netwerkplein, kind: networking, title: Netwerkplein, all_day: true, room: foyer, date: 2024-06-13}
    - {id: slot-dag-2, kind: plenary, title: Slot van de tweedaagse, block: ochtend-2, room: zaal-a}
"""


@pytest.fixture(scope="module")
def edge_event(tmp_path_factory: pytest.TempPathFactory) -> Event:
    path = tmp_path_factory.mktemp("edge") / "event.yaml"
    path.write_text(EDGE_EVENT, encoding="utf-8")
    return load_event(path)


@pytest.fixture(scope="module")
def json_validator(frab_dir: Path) -> Draft6Validator:
    schema = json.loads((frab_dir / "schema.json").read_text(encoding="utf-8"))
    checker = FormatChecker()
    # Without these the formats would pass unchecked (rfc3339-validator and rfc3986-validator check them).
    assert {"date", "date-time", "uri", "uuid"} <= set(checker.checkers)
    return Draft6Validator(schema, format_checker=checker)


@pytest.fixture(scope="module")
def xml_schema(frab_dir: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(frab_dir / "schedule.xml.xsd")))


def _events(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        entry
        for day in document["schedule"]["conference"]["days"]
        for entries in day["rooms"].values()
        for entry in entries
    ]


def _by_slug(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["slug"]: entry for entry in _events(document)}


def _json_errors(validator: Draft6Validator, document: dict[str, Any]) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in validator.iter_errors(document)]


def _xml(text: str) -> etree._Element:
    return etree.fromstring(text.encode("utf-8"))


# --- validity -------------------------------------------------------------------------------------------


def test_frab_json_haarlem_validates_against_the_json_schema(
    haarlem: Event, json_validator: Draft6Validator
) -> None:
    assert _json_errors(json_validator, frab_json(haarlem)) == []


def test_frab_json_text_is_the_document_as_pretty_utf8(haarlem: Event) -> None:
    text = frab_json_text(haarlem)

    assert json.loads(text) == frab_json(haarlem)
    assert text.startswith('{\n  "$schema": ')
    assert "Financiën" in text  # not escaped as \u00eb
    assert text == frab_json_text(haarlem)


def test_frab_xml_haarlem_validates_against_the_xsd(haarlem: Event, xml_schema: etree.XMLSchema) -> None:
    valid = xml_schema.validate(_xml(frab_xml(haarlem)))

    assert [str(e) for e in xml_schema.error_log] == []
    assert valid


def test_frab_edge_event_validates_in_both_formats(
    edge_event: Event, json_validator: Draft6Validator, xml_schema: etree.XMLSchema
) -> None:
    assert _json_errors(json_validator, frab_json(edge_event)) == []
    assert xml_schema.validate(_xml(frab_xml(edge_event))), [str(e) for e in xml_schema.error_log]


# --- the Haarlem programme ------------------------------------------------------------------------------


def test_frab_json_places_every_seed_session_at_its_seed_time_and_room(haarlem: Event) -> None:
    document = frab_json(haarlem)

    placed = [
        (e["slug"], e["start"], e["end"][11:16], e["room"])
        for day in document["schedule"]["conference"]["days"]
        for room, entries in day["rooms"].items()
        for e in entries
        if e["room"] == room
    ]

    assert sorted(placed) == sorted(SEED_PROGRAMME)
    assert len(placed) == len(SEED_PROGRAMME)


def test_frab_json_gives_the_state_secretary_his_own_45_minutes(haarlem: Event) -> None:
    entry = _by_slug(frab_json(haarlem))["gesprek-staatssecretaris"]

    assert entry["date"] == "2023-02-10T15:00:00+01:00"
    assert entry["start"] == "15:00"
    assert entry["duration"] == "00:45"
    assert entry["end"] == "2023-02-10T15:45:00+01:00"
    assert entry["room"] == "Gravenzaal"
    assert [p["name"] for p in entry["persons"]] == ["Eric van der Burg"]
    assert entry["track"] == "Sociaal"
    assert entry["type"] == "guest-conversation"
    assert entry["language"] == "nl"


def test_frab_json_rooms_keep_the_event_order_with_the_venue_first(haarlem: Event) -> None:
    conference = frab_json(haarlem)["schedule"]["conference"]
    expected = [VENUE, "Gravenzaal", "Zaal 2", "Zaal 3", "Zaal 4", "Zaal 5"]

    assert [room["name"] for room in conference["rooms"]] == expected
    assert [list(day["rooms"]) for day in conference["days"]] == [expected]
    assert [room["capacity"] for room in conference["rooms"]] == [None, 180, 40, 40, 35, 30]


def test_frab_json_venue_room_holds_walk_in_lunch_board_and_drinks_in_time_order(haarlem: Event) -> None:
    day = frab_json(haarlem)["schedule"]["conference"]["days"][0]

    assert [e["slug"] for e in day["rooms"][VENUE]] == [
        "inloop-ochtend",
        "lunch-gezamenlijk",
        "algemeen-bestuur",
        "borrel-afsluiting",
    ]


def test_frab_json_conference_and_day(haarlem: Event) -> None:
    conference = frab_json(haarlem)["schedule"]["conference"]

    assert conference["acronym"] == "g40_haarlem_2023"
    assert conference["title"] == "Bestuurlijke netwerkdag"
    assert (conference["start"], conference["end"], conference["daysCount"]) == (
        "2023-02-10",
        "2023-02-10",
        1,
    )
    assert conference["time_zone_name"] == "Europe/Amsterdam"
    assert conference["timeslot_duration"] == "00:05"
    assert [(d["index"], d["date"], d["day_start"], d["day_end"]) for d in conference["days"]] == [
        (1, "2023-02-10", "2023-02-10T09:30:00+01:00", "2023-02-10T17:00:00+01:00")
    ]


def test_frab_json_tracks_are_pillars_then_groups_outside_them(haarlem: Event) -> None:
    document = frab_json(haarlem)
    by_slug = _by_slug(document)

    assert document["schedule"]["conference"]["tracks"] == [
        {"name": "Sociaal", "slug": "sociaal"},
        {"name": "Fysiek", "slug": "fysiek"},
        {"name": "Economie en Werk", "slug": "economie-en-werk"},
        {"name": "Interbestuurlijke samenwerking", "slug": "interbestuurlijke-samenwerking"},
        {"name": "Veiligheid", "slug": "veiligheid"},
        {"name": "Europa", "slug": "europa"},
        {"name": "Financiën", "slug": "financien"},
    ]
    assert by_slug["thema-woningmarkt"]["track"] == "Fysiek"
    assert by_slug["thema-veiligheid"]["track"] == "Veiligheid"
    assert by_slug["opening-plenair"]["track"] is None


def test_frab_json_session_text_fields(haarlem: Event) -> None:
    by_slug = _by_slug(frab_json(haarlem))
    opening, fysiek, inloop = by_slug["opening-plenair"], by_slug["pijler-fysiek"], by_slug["inloop-ochtend"]

    assert opening["title"] == "Plenaire start"
    assert opening["subtitle"] == "Burgemeester Wienen en voorzitter Depla"
    assert opening["abstract"] == "Burgemeester Wienen en voorzitter Depla"
    assert opening["description"] == haarlem.session("opening-plenair").description.strip()
    assert opening["type"] == "plenary"
    assert fysiek["subtitle"] == ""
    assert fysiek["abstract"] == (
        "Een stand van zaken uit de fysieke pijler: woningmarkt, leefomgeving en stedelijke transformatie, "
        "slimme bereikbaarheid en duurzaamheid. We blikken vooruit op het komende jaar en bespreken de "
        "recente lobby richting het Rijk. De voorzitter en beide vicevoorzitters nodigen alle "
        "G40-bestuurders uit om aan te schuiven."
    )
    assert (inloop["abstract"], inloop["description"], inloop["persons"]) == ("", "", [])


def test_frab_json_persons_are_the_visible_roles_without_contacts(haarlem: Event) -> None:
    by_slug = _by_slug(frab_json(haarlem))

    assert [p["name"] for p in by_slug["thema-leefomgeving"]["persons"]] == ["Gido ten Dolle"]
    assert [p["name"] for p in by_slug["algemeen-bestuur"]["persons"]] == [
        "Bernt Schneiders",
        "Arjen Gerritsen",
    ]
    assert [p["name"] for p in by_slug["pijler-fysiek"]["persons"]] == [
        "Maaike Veeningen",
        "Hanneke Steen",
        "Bas van der Pol",
    ]


def test_frab_contact_persons_appear_in_neither_format(haarlem: Event) -> None:
    # The contacts exist in the network and in a session's participants, so they could leak.
    assert haarlem.network.person("contact-leefomgeving-deventer").name == "Noor van Dijk"

    for text in (frab_json_text(haarlem), frab_xml(haarlem)):
        assert "Noor van Dijk" not in text
        assert "Ruben Smit" not in text
        assert "example.org" not in text


def test_frab_group_that_does_not_meet_is_only_in_meta(haarlem: Event) -> None:
    document = frab_json(haarlem)
    conference = document["schedule"]["conference"]
    meta = {g["id"]: g for g in conference["meta"]["theme_groups"]}
    outside_meta = json.dumps({k: v for k, v in conference.items() if k != "meta"}, ensure_ascii=False)

    assert meta["armoede-schuldhulpverlening"] == {
        "id": "armoede-schuldhulpverlening",
        "name": "Armoede en schuldhulpverlening",
        "status": "not-meeting",
        "note": "Vergadert niet.",
    }
    assert meta["vergunninghouders-asiel"]["merged_into"] == "gesprek-staatssecretaris"
    assert "armoede" not in outside_meta.lower()
    assert "armoede" not in frab_xml(haarlem).lower()


# --- identifiers ----------------------------------------------------------------------------------------


def test_frab_guids_and_ids_are_stable_across_exports_and_unique(haarlem_path: Path) -> None:
    first = _by_slug(frab_json(load_event(haarlem_path)))
    second = _by_slug(frab_json(load_event(haarlem_path)))

    assert {s: (e["guid"], e["id"]) for s, e in first.items()} == {
        s: (e["guid"], e["id"]) for s, e in second.items()
    }
    assert len({e["guid"] for e in first.values()}) == len(SEED_PROGRAMME)
    assert len({e["id"] for e in first.values()}) == len(SEED_PROGRAMME)
    assert first["opening-plenair"]["guid"] == str(
        uuid.uuid5(uuid.NAMESPACE_URL, "urn:netwerkdag:g40-haarlem-2023:session:opening-plenair")
    )
    assert first["opening-plenair"]["url"] == "urn:uuid:" + first["opening-plenair"]["guid"]


def test_frab_ids_do_not_depend_on_the_order_of_sessions(haarlem: Event) -> None:
    reordered = dataclasses.replace(haarlem, sessions=tuple(reversed(haarlem.sessions)))

    ids = {s: e["id"] for s, e in _by_slug(frab_json(haarlem)).items()}
    reordered_ids = {s: e["id"] for s, e in _by_slug(frab_json(reordered)).items()}

    assert reordered_ids == ids
    assert all(0 < number < 2**31 for number in ids.values())


def test_frab_guid_depends_on_the_event_slug(haarlem: Event) -> None:
    other = dataclasses.replace(haarlem, slug="g40-haarlem-2024")

    guid = _by_slug(frab_json(haarlem))["opening-plenair"]["guid"]
    other_guid = _by_slug(frab_json(other))["opening-plenair"]["guid"]

    assert guid != other_guid


@pytest.mark.parametrize(
    ("slug", "expected"),
    [("netwerkdag", "netwerkdag"), ("g40-haarlem-2023", "g40_haarlem_2023"), ("g4", "g4__")],
)
def test_frab_acronym_is_the_slug_when_the_schemas_allow_it(haarlem: Event, slug: str, expected: str) -> None:
    assert acronym(dataclasses.replace(haarlem, slug=slug)) == expected


# --- XML ------------------------------------------------------------------------------------------------


def test_frab_xml_carries_the_same_sessions_as_the_json(haarlem: Event) -> None:
    root = _xml(frab_xml(haarlem))
    from_json = sorted(
        (e["room"], e["guid"], str(e["id"]), e["slug"], e["date"], e["start"], e["duration"], e["title"])
        for e in _events(frab_json(haarlem))
    )

    from_xml = sorted(
        (
            room.get("name"),
            event.get("guid"),
            event.get("id"),
            event.findtext("slug"),
            event.findtext("date"),
            event.findtext("start"),
            event.findtext("duration"),
            event.findtext("title"),
        )
        for room in root.iterfind("day/room")
        for event in room.iterfind("event")
    )

    assert from_xml == from_json
    assert [room.get("name") for room in root.iterfind("day/room")] == [
        VENUE,
        "Gravenzaal",
        "Zaal 2",
        "Zaal 3",
        "Zaal 4",
        "Zaal 5",
    ]


def test_frab_xml_conference_header(haarlem: Event) -> None:
    root = _xml(frab_xml(haarlem))
    conference = root.find("conference")
    day = root.find("day")

    assert root.findtext("version") == frab_json(haarlem)["schedule"]["version"]
    assert conference.findtext("acronym") == "g40_haarlem_2023"
    assert conference.findtext("days") == "1"
    assert conference.findtext("time_zone_name") == "Europe/Amsterdam"
    assert [t.get("name") for t in conference.iter("track")][:3] == ["Sociaal", "Fysiek", "Economie en Werk"]
    assert (day.get("index"), day.get("date"), day.get("start"), day.get("end")) == (
        "1",
        "2023-02-10",
        "2023-02-10T09:30:00+01:00",
        "2023-02-10T17:00:00+01:00",
    )


def test_frab_xml_state_secretary(haarlem: Event) -> None:
    root = _xml(frab_xml(haarlem))
    event = next(e for e in root.iter("event") if e.findtext("slug") == "gesprek-staatssecretaris")

    assert event.findtext("start") == "15:00"
    assert event.findtext("duration") == "00:45"
    assert event.findtext("room") == "Gravenzaal"
    assert event.findtext("track") == "Sociaal"
    assert [p.text for p in event.iter("person")] == ["Eric van der Burg"]


# --- the edge event -------------------------------------------------------------------------------------


def test_frab_edge_event_has_two_days_with_their_own_bounds(edge_event: Event) -> None:
    conference = frab_json(edge_event)["schedule"]["conference"]

    assert conference["daysCount"] == 2
    assert conference["acronym"] == "g4__"
    assert conference["timeslot_duration"] == "00:15"
    assert [(d["index"], d["date"], d["day_start"], d["day_end"]) for d in conference["days"]] == [
        (1, "2024-06-13", "2024-06-13T10:00:00+02:00", "2024-06-13T14:30:00+02:00"),
        (2, "2024-06-14", "2024-06-14T09:00:00+02:00", "2024-06-14T12:00:00+02:00"),
    ]


def test_frab_edge_event_places_sessions_per_day_and_room(edge_event: Event) -> None:
    days = frab_json(edge_event)["schedule"]["conference"]["days"]

    placed = [
        [
            (room, e["slug"], e["start"], e["duration"])
            for room, entries in day["rooms"].items()
            for e in entries
        ]
        for day in days
    ]

    assert [list(day["rooms"]) for day in days] == [
        ["Provinciehuis", "Zaal A", "Provinciehuis (zaal-b)", "Foyer"]
    ] * 2
    assert placed == [
        [
            ("Provinciehuis", "lunch", "12:00", "00:30"),
            ("Zaal A", "jeugd-dag-1", "10:00", "01:00"),
            ("Provinciehuis (zaal-b)", "eu-1", "13:15", "01:15"),
            ("Foyer", "netwerkplein", "10:00", "04:30"),
        ],
        [("Zaal A", "slot-dag-2", "09:00", "03:00")],
    ]


def test_frab_edge_event_xml_leaves_out_slugs_the_xsd_rejects(edge_event: Event) -> None:
    root = _xml(frab_xml(edge_event))
    json_slugs = {e["guid"]: e["slug"] for e in _events(frab_json(edge_event))}

    xml_slugs = {json_slugs[e.get("guid")]: e.findtext("slug") for e in root.iter("event")}

    assert xml_slugs == {
        "jeugd-dag-1": "jeugd-dag-1",
        "lunch": None,
        "eu-1": None,
        "netwerkplein": None,
        "slot-dag-2": "slot-dag-2",
    }


def test_frab_edge_event_tracks_and_persons(edge_event: Event) -> None:
    document = frab_json(edge_event)
    by_slug = _by_slug(document)

    assert document["schedule"]["conference"]["tracks"] == [
        {"name": "Sociaal", "slug": "sociaal"},
        {"name": "Europa", "slug": "europa"},
    ]
    assert by_slug["jeugd-dag-1"]["track"] == "Sociaal"
    assert by_slug["eu-1"]["track"] == "Europa"
    assert [p["name"] for p in by_slug["jeugd-dag-1"]["persons"]] == ["Anna de Vries"]
    assert "Kees Contact" not in frab_json_text(edge_event)


def test_frab_xsd_would_reject_the_slugs_left_out(edge_event: Event, xml_schema: etree.XMLSchema) -> None:
    # Leaving the <slug> out is needed: the same document with it fails the XSD.
    root = _xml(frab_xml(edge_event))
    lunch = next(e for e in root.iter("event") if e.findtext("title") == "Lunch")
    etree.SubElement(lunch, "slug").text = "lunch"

    assert not xml_schema.validate(root)


def test_frab_xml_drops_characters_xml_cannot_carry(haarlem: Event, xml_schema: etree.XMLSchema) -> None:
    opening = dataclasses.replace(haarlem.session("opening-plenair"), title="Plenaire\x0b start\x01")
    event = dataclasses.replace(
        haarlem, sessions=tuple(opening if s.id == opening.id else s for s in haarlem.sessions)
    )

    root = _xml(frab_xml(event))

    assert xml_schema.validate(root)
    assert [e.findtext("title") for e in root.iter("event") if e.findtext("slug") == "opening-plenair"] == [
        "Plenaire start"
    ]


def _retimed(haarlem: Event, day: str, start: str, end: str) -> Event:
    """Haarlem with only the opening, moved to `day` and running start-end."""
    tz = ZoneInfo(haarlem.timezone)
    begin = datetime.fromisoformat(f"{day}T{start}").replace(tzinfo=tz)
    finish = datetime.fromisoformat(f"{day}T{end}").replace(tzinfo=tz)
    opening = dataclasses.replace(haarlem.session("opening-plenair"), start=begin, end=finish)
    return dataclasses.replace(haarlem, sessions=(opening,))


@pytest.mark.parametrize(
    ("day", "expected"),
    [("2023-03-26", "02:00"), ("2023-10-29", "04:00"), ("2023-02-10", "03:00")],  # spring, autumn, none
)
def test_frab_duration_is_the_real_length_on_nights_the_clocks_change(
    haarlem: Event, day: str, expected: str
) -> None:
    event = _retimed(haarlem, day, "01:00", "04:00")

    (entry,) = _events(frab_json(event))

    assert entry["duration"] == expected


def test_frab_room_names_stay_unique_when_a_room_is_named_like_a_renamed_one(haarlem: Event) -> None:
    rooms = (
        dataclasses.replace(haarlem.rooms[0], id="aa", name="Foyer (foyer-2)"),
        dataclasses.replace(haarlem.rooms[1], id="foyer-1", name="Foyer"),
        dataclasses.replace(haarlem.rooms[2], id="foyer-2", name="Foyer"),
    )
    event = dataclasses.replace(haarlem, rooms=rooms, sessions=())

    names = [room["name"] for room in frab_json(event)["schedule"]["conference"]["rooms"]]

    assert names == ["Foyer (foyer-2)", "Foyer", "Foyer (foyer-2, 2)"]
