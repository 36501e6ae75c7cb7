"""Every problem of a file in one run: format problems do not hide the rules between the sound parts.

Each case changes a small sound event (the corpus's ``unknown-room`` case with its room fixed) and expects
the exact problems, `file:line:column` each, and the notes on what could not be checked.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netwerkdag.core.problems import Location, NetwerkdagError
from netwerkdag.files.load import EventFileError, event_from_source, examine, load_event, read_event_source
from netwerkdag.files.yaml_source import SourceDocument, parse_yaml

BROKEN = Path(__file__).parent / "broken"
SOUND = (BROKEN / "unknown-room" / "event.yaml").read_text("utf-8").replace("zaal-9", "zaal-1")
SESSION = "    - {id: overleg, kind: networking, title: Overleg, block: ronde-1, room: zaal-1}\n"
ROOM_1 = "    - {id: zaal-1, name: Zaal 1, capacity: 40}\n"

Found = tuple[list[tuple[str, str, int, int]], tuple[str, ...]]


def found_in(text: str) -> Found:
    """(code, field, line, column) of each problem of `text`, and the notes."""
    with pytest.raises(EventFileError) as raised:
        event_from_source(parse_yaml(text, "e.yaml", partial=True))
    problems = [
        (p.code, p.field, p.location.line, p.location.column)
        for p in raised.value.problems
        if p.location is not None
    ]
    assert len(problems) == len(raised.value.problems), "every problem has its place"
    return problems, raised.value.notes


def edited(*changes: tuple[str, str]) -> str:
    text = SOUND
    for old, new in changes:
        assert old in text
        text = text.replace(old, new, 1)
    return text


def test_the_sound_event_has_no_problem() -> None:
    assert [s.id for s in event_from_source(parse_yaml(SOUND, "e.yaml")).sessions] == ["overleg"]


def test_bad_time_mistyped_field_unknown_pillar_and_room_overlap_in_one_run() -> None:
    path = BROKEN / "every-stage-at-once"
    file = str(path / "event.yaml")

    with pytest.raises(EventFileError) as raised:
        load_event(path)

    assert [(p.code, p.field, p.location) for p in raised.value.problems] == [
        ("bad-time", "event.blocks[2].start", Location(file, 23, 44)),
        ("missing-field", "event.sessions[1].title", Location(file, 26, 7)),
        ("unknown-field", "event.sessions[1].titel", Location(file, 26, 46)),
        ("room-double-booked", "event.sessions[2].room", Location(file, 27, 86)),
        ("unknown-pillar", "event.sessions[2].pillar", Location(file, 27, 102)),
    ]
    assert raised.value.notes == (
        "1 block with format problems (ronde-2) was not checked against the rules between the parts. "
        "The 2 sessions in it were not checked for their times and overlaps.",
        "1 session with format problems (wonen) was not checked for references, times and overlaps.",
    )


def test_problems_point_past_the_left_out_entries() -> None:
    # The first session is left out; the event holds the two others as its sessions 0 and 1.
    problems, _ = found_in(
        edited(
            (
                SESSION,
                "    - {id: kapot, kind: lunch, title: Kapot, block: ronde-1, room: zaal-2}\n"
                "    - {id: tweede, kind: networking, title: Tweede, block: ronde-2, room: zaal-1}\n"
                "    - {id: tweede, kind: networking, title: Tweede, block: ronde-2, room: zaal-9}\n",
            )
        )
    )

    assert problems == [
        ("bad-choice", "event.sessions[0].kind", 24, 25),
        ("duplicate-id", "event.sessions[2].id", 26, 12),
        ("unknown-room", "event.sessions[2].room", 26, 75),
    ]


def test_duplicate_message_names_the_first_entry_as_written() -> None:
    with pytest.raises(EventFileError) as raised:
        event_from_source(
            parse_yaml(
                edited(
                    (
                        ROOM_1,
                        "    - {id: zaal-0, name: Zaal 0, capacity: veel}\n"
                        + ROOM_1
                        + "    - {id: zaal-1, name: Zaal 1 bis, capacity: 40}\n",
                    )
                ),
                "e.yaml",
            )
        )

    duplicate = [p for p in raised.value.problems if p.code == "duplicate-id"]
    assert [(p.field, p.message) for p in duplicate] == [
        ("event.rooms[2].id", "room id 'zaal-1' is used twice (first at rooms[1])")
    ]


def test_a_left_out_room_is_defined_but_not_checked_for_overlaps() -> None:
    # Both sessions would share zaal-1, and anna chairs both: her clash does not depend on the room.
    chaired = "participants: [{person: anna, role: chair}]"
    day = "kind: networking, block: ronde-1, room: zaal-1"
    problems, notes = found_in(
        edited(
            (ROOM_1, "    - {id: zaal-1, name: Zaal 1, capacity: veertig, shared: true}\n"),
            (
                SESSION,
                f"    - {{id: een, title: Een, {day}, {chaired}}}\n"
                f"    - {{id: twee, title: Twee, {day}, {chaired}}}\n",
            ),
        )
    )

    assert problems == [
        ("bad-number", "event.rooms[0].capacity", 17, 44),
        ("person-double-booked", "event.sessions[1].participants[0].person", 25, 103),
    ]
    assert notes == (
        "1 room with format problems (zaal-1) was not checked against the rules between the parts. "
        "The 2 sessions in it were not checked for room overlaps.",
    )


def test_references_to_left_out_parts_are_not_unknown() -> None:
    problems, notes = found_in(
        edited(
            (
                "    - {id: anna, name: Anna de Vries, role: wethouder}",
                "    - {id: anna, name: Anna de Vries, role: wethouder, email: anna}",
            ),
            ("    - {id: woningmarkt, name: Woningmarkt, pillar: sociaal}", "    - {id: woningmarkt}"),
            (
                SESSION,
                "    - {id: kapot, kind: networking, title: Kapot, block: ronde-9, room: zaal-1, pin: ja}\n"
                "    - {id: goed, kind: networking, title: Goed, block: ronde-2, room: zaal-1,"
                " group: woningmarkt, participants: [{person: anna, role: chair}], after: [kapot]}\n",
            ),
        )
    )

    assert [code for code, *_ in problems] == ["missing-field", "bad-email", "bad-choice"]
    assert notes == (
        "1 group with format problems (woningmarkt) was not checked against the rules between the parts.",
        "1 person with format problems (anna) was not checked against the rules between the parts.",
        "1 session with format problems (kapot) was not checked for references, times and overlaps.",
    )


def test_a_group_whose_meeting_is_left_out_is_not_said_to_lack_one() -> None:
    problems, _ = found_in(
        edited(
            (
                SESSION,
                "    - {id: wonen, kind: meeting, title: Wonen, block: ronde-1, room: zaal-1,"
                " group: woningmarkt}\n",
            ),
            ("  sessions:\n", "  theme_groups:\n    - {group: woningmarkt, status: meets}\n  sessions:\n"),
        )
    )

    assert [code for code, *_ in problems] == ["bad-choice"]


def test_a_field_no_rule_reads_gets_a_stand_in_and_the_rules_still_run() -> None:
    problems, notes = found_in(
        edited(
            ("  title: Testdag\n", '  title: "Test\\ndag"\n  language: fr\n'),
            ("  venue: {name: Stadhuis}\n", "  venue: {naam: Stadhuis}\n"),
            ("room: zaal-1}", "room: zaal-9}"),
        )
    )

    assert problems == [
        ("multi-line-text", "event.title", 13, 10),
        ("bad-choice", "event.language", 14, 13),
        ("missing-field", "event.venue.name", 16, 10),
        ("unknown-field", "event.venue.naam", 16, 11),
        ("unknown-room", "event.sessions[0].room", 25, 77),
    ]
    assert notes == ()


def test_a_bad_date_gets_a_stand_in_and_only_the_clock_goes_unchecked() -> None:
    problems, notes = found_in(
        edited(("  date: 2023-02-10\n", "  date: 10-02-2023\n"), ("room: zaal-1}", "room: zaal-9}"))
    )

    assert problems == [("bad-date", "event.date", 14, 9), ("unknown-room", "event.sessions[0].room", 24, 77)]
    assert notes == (
        "The times were not checked for the hour that summer time skips: that needs event.date without "
        "format problems.",
    )


def test_a_bad_date_stops_the_rules_when_other_dates_are_compared_with_it() -> None:
    problems, notes = found_in(
        edited(
            ("  date: 2023-02-10\n", "  date: 10-02-2023\n"),
            ('start: "10:00", end: "11:00"}', 'start: "10:00", end: "11:00", date: 2023-02-10}'),
            ("room: zaal-1}", "room: zaal-9}"),
        )
    )

    assert problems == [("bad-date", "event.date", 14, 9)]
    assert notes == (
        "The rules between the parts (references, times, overlaps) were not checked: they need event.date "
        "without format problems.",
    )


def test_a_list_that_is_not_a_list_stops_the_rules_with_a_note() -> None:
    problems, notes = found_in(
        edited(
            ("  rooms:\n" + ROOM_1, "  rooms: zaal-1\n  old_rooms:\n" + ROOM_1),
            ("room: zaal-1}", "room: zaal-9}"),
        )
    )

    assert [code for code, *_ in problems] == ["bad-type", "unknown-field"]
    assert notes == (
        "The rules between the parts (references, times, overlaps) were not checked: they need event.rooms "
        "without format problems.",
    )


def test_when_every_block_is_left_out_the_references_are_still_checked() -> None:
    problems, notes = found_in(
        edited(
            ('start: "10:00", end: "11:00"}', 'start: "10.00", end: "11:00"}'),
            ('start: "11:00", end: "11:05"}', 'start: "11:00", end: "11.05"}'),
            ('start: "11:05", end: "12:00"}', 'start: "11:05", end: "12.00"}'),
            ("room: zaal-1}", "room: zaal-9}"),
        )
    )

    assert [code for code, *_ in problems] == ["bad-time", "bad-time", "bad-time", "unknown-room"]
    assert notes == (
        "3 blocks with format problems (ronde-1, wissel, ronde-2) were not checked against the rules between "
        "the parts. The session in them was not checked for its times and overlaps.",
    )


def test_a_left_out_availability_is_not_held_against_the_sessions() -> None:
    # Without the broken window bram would be unavailable for the session he chairs at 10:00.
    problems, notes = found_in(
        edited(
            ("  sessions:\n", '  availability:\n    bram: [{start: "15:00", end: "15.45"}]\n  sessions:\n'),
            ("room: zaal-1}", "room: zaal-1, participants: [{person: bram, role: chair}]}"),
        )
    )

    assert problems == [("bad-time", "event.availability.bram[0].end", 24, 34)]
    assert notes == (
        "The availability of 1 person (bram) has format problems: their sessions were not checked "
        "against it.",
    )


def test_yaml_structure_problems_are_reported_with_the_rules() -> None:
    problems, notes = found_in(
        edited(
            (
                SESSION,
                "    - {id: dubbel, kind: networking, title: Een, title: Twee, block: ronde-1}\n"
                "    - {id: label, kind: networking, title: !vet Label, block: ronde-2, room: zaal-1}\n"
                "    - {id: los, kind: networking, title: Los, block: ronde-2, room: zaal-9}\n",
            )
        )
    )

    # The tagged title is not reported again as a missing value: the tag is its problem.
    assert problems == [
        ("duplicate-key", "event.sessions[0].title", 24, 50),
        ("unsupported-tag", "event.sessions[1].title", 25, 44),
        ("unknown-room", "event.sessions[2].room", 26, 69),
    ]
    assert notes == (
        "2 sessions with format problems (dubbel, label) were not checked for references, times and "
        "overlaps.",
    )


def test_a_file_that_is_not_yaml_says_nothing_else_was_checked(tmp_path: Path) -> None:
    (tmp_path / "event.yaml").write_text(SOUND.replace("  title: Testdag\n", "  title: [Testdag\n"))

    with pytest.raises(EventFileError) as raised:
        load_event(tmp_path)

    assert [p.code for p in raised.value.problems] == ["yaml-syntax"]
    assert raised.value.notes == (
        "The format and the rules were not checked: they need every file of the event read first.",
    )


def test_an_event_file_with_nothing_to_check_has_no_note(tmp_path: Path) -> None:
    (tmp_path / "event.yaml").write_bytes("titel: Súdwest-Fryslân\n".encode("latin-1"))

    with pytest.raises(NetwerkdagError) as raised:
        load_event(tmp_path)

    assert [p.code for p in raised.value.problems] == ["not-utf8"]
    assert getattr(raised.value, "notes", ()) == ()


# --- a property: leaving out a broken part never makes another part look wrong -----------------------------

HAARLEM = read_event_source(Path(__file__).resolve().parents[2] / "examples" / "g40-haarlem-2023")
#: A format problem for an entry of each list of parts: the field it breaks, the value and the code.
BREAKS: dict[tuple[str, str], tuple[str, str, str]] = {
    ("network", "organisations"): ("name", "  ", "empty-text"),
    ("network", "pillars"): ("name", "  ", "empty-text"),
    ("network", "groups"): ("name", "  ", "empty-text"),
    ("network", "people"): ("email", "geen", "bad-email"),
    ("event", "rooms"): ("capacity", "veel", "bad-number"),
    ("event", "blocks"): ("start", "9.30", "bad-time"),
    ("event", "sessions"): ("kind", "lunch", "bad-choice"),
}


@st.composite
def broken_parts(draw: st.DrawFn) -> dict[tuple[str, str], set[int]]:
    """Some entries of some lists of parts of the Haarlem day, to break."""
    chosen = {}
    for where in draw(st.sets(st.sampled_from(sorted(BREAKS)), min_size=1)):
        size = len(HAARLEM.data[where[0]][where[1]])
        chosen[where] = draw(st.sets(st.integers(0, size - 1), min_size=1, max_size=min(size, 6)))
    return chosen


@settings(max_examples=60, deadline=None)
@given(broken_parts(), st.data())
def test_breaking_parts_of_a_sound_day_reports_those_parts_and_a_rule_broken_elsewhere(
    broken: dict[tuple[str, str], set[int]], choose: st.DataObject
) -> None:
    data = {top: dict(HAARLEM.data[top]) for top in ("network", "event")}
    expected = []
    for (top, name), indices in broken.items():
        field, value, code = BREAKS[(top, name)]
        data[top][name] = [
            {**entry, field: value} if i in indices else entry for i, entry in enumerate(data[top][name])
        ]
        expected += [(code, f"{top}.{name}[{i}].{field}") for i in indices]
    sessions = data["event"]["sessions"] = list(data["event"]["sessions"])
    left = broken.get(("event", "sessions"), set())
    sound = [i for i, s in enumerate(sessions) if i not in left and "room" in s]
    if sound:  # a rule broken in a session whose format is sound is found, at its place in the file
        i = choose.draw(st.sampled_from(sound))
        sessions[i] = {**sessions[i], "room": "zaal-9"}
        expected.append(("unknown-room", f"event.sessions[{i}].room"))

    found = examine(SourceDocument(data, HAARLEM.marks, HAARLEM.file, HAARLEM.keys))

    assert sorted((p.code, p.field) for p in found.problems) == sorted(expected)
    assert all(p.location is not None for p in found.problems)
    assert len(found.notes) == len(broken)
