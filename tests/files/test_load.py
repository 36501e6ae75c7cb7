"""Format errors as the loader words them: what is wrong, where, and what would be right.

Each case changes one line of a small sound event (the corpus's ``unknown-room`` case with its room fixed)
and expects the exact problems.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from netwerkdag.core.problems import Location, NetwerkdagError
from netwerkdag.files.load import event_from_source, load_event
from netwerkdag.files.yaml_source import parse_yaml

SOUND = (
    (Path(__file__).parent / "broken" / "unknown-room" / "event.yaml")
    .read_text("utf-8")
    .replace("zaal-9", "zaal-1")
)
ROOM_0 = "{id: zaal-1, name: Zaal 1, capacity: 40}"


def problems_after(old: str, new: str) -> list[tuple[str, str, int, int, str, str]]:
    """(code, field, line, column, message, hint) of each problem once `old` is replaced by `new`."""
    assert old in SOUND
    with pytest.raises(NetwerkdagError) as raised:
        event_from_source(parse_yaml(SOUND.replace(old, new, 1), "e.yaml"))
    return [
        (p.code, p.field, p.location.line, p.location.column, p.message, p.hint)
        for p in raised.value.problems
        if p.location is not None
    ]


def test_sound_event_loads() -> None:
    event = event_from_source(parse_yaml(SOUND, "e.yaml"))

    assert [s.room for s in event.sessions] == ["zaal-1"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            ROOM_0,
            "{id: zaal-1, name: Zaal 1, capacity: 0}",
            (
                "bad-number",
                "event.rooms[0].capacity",
                17,
                44,
                "'capacity' must be greater than 0, not 0",
                "write a whole number greater than 0",
            ),
            id="capacity-zero",
        ),
        pytest.param(
            ROOM_0,
            "{id: zaal-1, name: Zaal 1, capacity: veertig}",
            (
                "bad-number",
                "event.rooms[0].capacity",
                17,
                44,
                "'veertig' is not a whole number",
                "write a number, e.g. 40",
            ),
            id="capacity-word",
        ),
        pytest.param(
            ROOM_0,
            "{id: zaal-1, name: Zaal 1, capacity: 40, shared: misschien}",
            (
                "bad-bool",
                "event.rooms[0].shared",
                17,
                56,
                "'misschien' is not true or false",
                "write true or false",
            ),
            id="bool",
        ),
        pytest.param(
            "  date: 2023-02-10\n",
            "  date: 2023-02-10\n  timezone: Europe/Amsterdm\n",
            (
                "bad-value",
                "event.timezone",
                15,
                13,
                "unknown time zone 'Europe/Amsterdm'; did you mean 'Europe/Amsterdam'?",
                "",
            ),
            id="timezone",
        ),
        pytest.param(
            "  date: 2023-02-10\n",
            "  date: 2023-02-10\n  language: de\n",
            ("bad-choice", "event.language", 15, 13, "'de' is not a valid language", "use one of: nl, en"),
            id="language",
        ),
        pytest.param(
            "title: Overleg,",
            "title: Overleg, participants: [{person: anna, role: chairman}],",
            (
                "bad-choice",
                "event.sessions[0].participants[0].role",
                24,
                91,
                "'chairman' is not a valid role",
                "did you mean 'chair'? "
                "use one of: chair, vice-chair, moderator, speaker, guest, host, contact",
            ),
            id="role",
        ),
        pytest.param(
            "  title: Testdag\n",
            "  title: '   '\n",
            ("empty-text", "event.title", 13, 10, "'title' is empty", "write some text"),
            id="blank-title",
        ),
        pytest.param(
            "  title: Testdag\n",
            "  title:\n",
            (
                "missing-value",
                "event.title",
                13,
                9,
                "'title' has no value",
                "write a value after the colon",
            ),
            id="no-title",
        ),
        pytest.param(
            "  title: Testdag\n",
            "  title: [Test, dag]\n",
            (
                "bad-type",
                "event.title",
                13,
                10,
                "expected text, not a list",
                "write it on one line after the colon; "
                "put it in quotes if it holds ': ' or starts with [ or {",
            ),
            id="title-list",
        ),
        pytest.param(
            "  venue: {name: Stadhuis}\n",
            "  venue: Stadhuis\n",
            (
                "bad-type",
                "event.venue",
                15,
                10,
                "expected a mapping (key: value lines), not 'Stadhuis'",
                "write the fields as `key: value`, indented below this one",
            ),
            id="venue-text",
        ),
        pytest.param(
            "  date: 2023-02-10\n",
            "  date: 2023-02-30\n",
            (
                "bad-date",
                "event.date",
                14,
                9,
                "'2023-02-30' is not a date",
                "write dates as YYYY-MM-DD, e.g. 2023-02-10",
            ),
            id="impossible-date",
        ),
        pytest.param(
            "  slug: testdag\n",
            "  slug: Test Dag!\n",
            (
                "bad-id",
                "event.slug",
                12,
                9,
                "'Test Dag!' is not a valid id",
                "ids are lowercase letters, digits and single hyphens, 2 to 80 characters: write 'test-dag'",
            ),
            id="id-with-capitals",
        ),
        pytest.param(
            "  slug: testdag\n",
            "  slug: t\n",
            (
                "bad-id",
                "event.slug",
                12,
                9,
                "'t' is not a valid id",
                "ids are lowercase letters, digits and single hyphens, 2 to 80 characters, e.g. zaal-2",
            ),
            id="id-too-short",
        ),
        pytest.param(
            "    - {id: anna, name: Anna de Vries, role: wethouder}",
            "    - {id: anna, name: Anna de Vries, role: wethouder, email: anna}",
            (
                "bad-email",
                "network.people[0].email",
                9,
                63,
                "'anna' is not an e-mail address",
                "write it as name@example.nl",
            ),
            id="email",
        ),
    ],
)
def test_format_error_is_worded_and_located(
    old: str, new: str, expected: tuple[str, str, int, int, str, str]
) -> None:
    assert problems_after(old, new) == [expected]


def test_empty_required_list_and_unknown_field_are_reported_together() -> None:
    problems = problems_after("  rooms:\n", "  rooms: []\n  old_rooms:\n")

    assert problems == [
        ("empty-list", "event.rooms", 16, 10, "'rooms' needs at least 1 entry", "add an entry"),
        ("unknown-field", "event.old_rooms", 17, 3, "unknown field 'old_rooms'", "did you mean 'rooms'?"),
    ]


def test_unknown_field_without_a_close_match_lists_the_fields() -> None:
    problems = problems_after("  venue: {name: Stadhuis}\n", "  venue: {name: Stadhuis, zaal: groot}\n")

    assert problems == [
        (
            "unknown-field",
            "event.venue.zaal",
            15,
            27,
            "unknown field 'zaal'",
            "the fields here are: address, city, name",
        )
    ]


def test_misspelt_network_key_is_reported_with_the_missing_network(tmp_path: Path) -> None:
    (tmp_path / "event.yaml").write_text(SOUND.replace("network:\n", "netwerk:\n", 1), encoding="utf-8")

    with pytest.raises(NetwerkdagError) as raised:
        load_event(tmp_path)

    assert [(p.code, p.field, p.location, p.hint) for p in raised.value.problems] == [
        (
            "missing-field",
            "network",
            Location(str(tmp_path / "event.yaml"), 1, 1),
            "add `network: network.yaml` naming the network file, or the network inline",
        ),
        (
            "unknown-field",
            "netwerk",
            Location(str(tmp_path / "event.yaml"), 1, 1),
            "did you mean 'network'?",
        ),
    ]


def test_event_ending_before_it_starts_is_not_reported_again_for_every_block() -> None:
    problems = problems_after("  date: 2023-02-10\n", "  date: 2023-02-10\n  end_date: 2023-02-09\n")

    assert [p[:2] for p in problems] == [("end-before-start", "event.end_date")]


# --- text: one line without control characters; Markdown without control characters but tab and newline ----

CONTROL_HINT = "remove it; it often comes along when text is pasted from another program"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            "  title: Testdag\n",
            "  title: |\n    Testdag\n    op twee regels\n",
            (
                "multi-line-text",
                "event.title",
                13,
                10,
                "'title' holds a line break; it is one line of text",
                "write it on one line; only a description or introduction may have several lines (with `|`)",
            ),
            id="title-block",
        ),
        pytest.param(
            "  title: Testdag\n",
            '  title: "Test\\r\\ndag"\n',
            (
                "multi-line-text",
                "event.title",
                13,
                10,
                "'title' holds a line break; it is one line of text",
                "write it on one line; only a description or introduction may have several lines (with `|`)",
            ),
            id="title-crlf-escape",
        ),
        pytest.param(
            "{id: zaal-1, name: Zaal 1, capacity: 40}",
            '{id: zaal-1, name: "Zaal\\e[31m 1", capacity: 40}',
            (
                "bad-character",
                "event.rooms[0].name",
                17,
                26,
                "'name' holds the control character U+001B",
                CONTROL_HINT,
            ),
            id="name-escape",
        ),
        pytest.param(
            "{id: zaal-1, name: Zaal 1, capacity: 40}",
            '{id: zaal-1, name: Zaal 1, capacity: 40, label: "Zaal\\tEen"}',
            (
                "bad-character",
                "event.rooms[0].label",
                17,
                55,
                "'label' holds the control character U+0009",
                CONTROL_HINT,
            ),
            id="label-tab",
        ),
        pytest.param(
            "{id: zaal-1, name: Zaal 1, capacity: 40}",
            '{id: zaal-1, name: "Zaal \\x851", capacity: 40}',
            (
                "multi-line-text",
                "event.rooms[0].name",
                17,
                26,
                "'name' holds a line break; it is one line of text",
                "write it on one line; only a description or introduction may have several lines (with `|`)",
            ),
            id="name-next-line",
        ),
        pytest.param(
            "    - {id: anna, name: Anna de Vries, role: wethouder}",
            '    - {id: anna, name: Anna de Vries, role: wethouder, email: "anna@\\x7fhaarlem.nl"}',
            (
                "bad-character",
                "network.people[0].email",
                9,
                63,
                "'email' holds the control character U+007F",
                CONTROL_HINT,
            ),
            id="email-delete",
        ),
        pytest.param(
            "title: Overleg,",
            'title: Overleg, description: "Eerst dit.\\n\\nDan \\x01dat.",',
            (
                "bad-character",
                "event.sessions[0].description",
                24,
                68,
                "'description' holds the control character U+0001",
                CONTROL_HINT,
            ),
            id="markdown-control",
        ),
        pytest.param(
            "title: Overleg,",
            'title: Overleg, description: "Eerst dit.\\r\\nDan dat.",',
            (
                "bad-character",
                "event.sessions[0].description",
                24,
                68,
                "'description' holds the control character U+000D",
                CONTROL_HINT,
            ),
            id="markdown-carriage-return",
        ),
        pytest.param(
            "title: Overleg,",
            'title: "Overleg \\uFFFF",',
            (
                "bad-character",
                "event.sessions[0].title",
                24,
                46,
                "'title' holds U+FFFF, which is not a character",
                CONTROL_HINT,
            ),
            id="noncharacter",
        ),
    ],
)
def test_text_with_line_breaks_or_control_characters_is_refused(
    old: str, new: str, expected: tuple[str, str, int, int, str, str]
) -> None:
    assert problems_after(old, new) == [expected]


def test_markdown_may_hold_line_breaks_and_tabs() -> None:
    text = SOUND.replace("title: Overleg,", 'title: Overleg, description: "Eerst dit.\\n\\n- a\\tb\\n- c",')

    event = event_from_source(parse_yaml(text, "e.yaml"))

    assert event.sessions[0].description == "Eerst dit.\n\n- a\tb\n- c"


# --- fields that exclude each other -------------------------------------------------------------------------


def test_every_conflict_of_a_session_is_reported_at_its_field() -> None:
    problems = problems_after(
        "title: Overleg, block: ronde-1, room: zaal-1}",
        "title: Overleg, block: ronde-1, room: zaal-1, all_day: true, venue_wide: true, date: 2023-02-10}",
    )

    assert problems == [
        (
            "conflicting-fields",
            "event.sessions[0].block",
            24,
            62,
            "an all-day session has no block, but this one names block 'ronde-1'",
            "remove `block`, or remove `all_day` to hold the session in that block only",
        ),
        (
            "conflicting-fields",
            "event.sessions[0].room",
            24,
            77,
            "a venue-wide session takes the whole venue, but this one names room 'zaal-1'",
            "remove `room`, or remove `venue_wide` to hold the session in that room only",
        ),
        (
            "conflicting-fields",
            "event.sessions[0].date",
            24,
            124,
            "a session in a block takes the block's date, but this one also names 2023-02-10",
            "remove `date` (it is only for all-day sessions); give the block its `date` instead",
        ),
    ]


def test_all_day_session_without_room_is_reported_at_all_day() -> None:
    problems = problems_after(
        "  sessions:\n",
        "  sessions:\n    - {id: netwerken, kind: networking, title: Netwerken, all_day: true}\n",
    )

    assert problems == [
        (
            "missing-room",
            "event.sessions[0].all_day",
            24,
            68,
            "an all-day session is open in one room, but this one names no room",
            "add `room: <room id>`; a part for the whole venue (venue_wide) takes a block",
        )
    ]


# --- hints say what would be right --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            "  title: Testdag\n",
            "  title: Testdag\n  introduction:\n",
            (
                "missing-value",
                "event.introduction",
                14,
                16,
                "'introduction' has no value",
                "write a value after the colon, or remove the line",
            ),
            id="optional-no-value",
        ),
        pytest.param(
            "  title: Testdag\n",
            "  title: Testdag\n  subtitle: '  '\n",
            (
                "empty-text",
                "event.subtitle",
                14,
                13,
                "'subtitle' is empty",
                "write some text, or remove the line",
            ),
            id="optional-blank",
        ),
        pytest.param(
            "{id: woningmarkt, name: Woningmarkt, pillar: sociaal}",
            "{id: woningmarkt, name: Woningmarkt, pillar: sociaal, portfolios: [wonen, ~]}",
            (
                "missing-value",
                "network.groups[0].portfolios[1]",
                7,
                81,
                "'portfolios' has no value",
                "write a value, or remove the empty entry",
            ),
            id="entry-no-value",
        ),
        pytest.param(
            "  title: Testdag\n",
            f"  title: {'x' * 501}\n",
            (
                "too-long",
                "event.title",
                13,
                10,
                "'title' is longer than 500 characters",
                "shorten it to at most 500 characters",
            ),
            id="too-long",
        ),
        pytest.param(
            ROOM_0,
            "{id: zaal-1, name: Zaal 1, capacity: 200000}",
            (
                "bad-number",
                "event.rooms[0].capacity",
                17,
                44,
                "'capacity' must be at most 100000, not 200000",
                "write a whole number at most 100000",
            ),
            id="capacity-too-large",
        ),
        pytest.param(
            ROOM_0,
            "{id: zaal-1, name: Zaal 1, capacity: " + "9" * 5000 + "}",
            (
                "bad-number",
                "event.rooms[0].capacity",
                17,
                44,
                f"'{'9' * 60}...' is far too large a number",
                "write a number, e.g. 40",
            ),
            id="capacity-thousands-of-digits",
        ),
        pytest.param(
            "  date: 2023-02-10\n",
            "  date: 0001-01-01\n",
            (
                "bad-date",
                "event.date",
                14,
                9,
                "'0001-01-01' is not a date between 2000 and 2100",
                "check the year: write dates as YYYY-MM-DD, e.g. 2023-02-10",
            ),
            id="year-1",
        ),
        pytest.param(
            "  sessions:\n",
            "  availability:\n    bram: []\n  sessions:\n",
            (
                "empty-list",
                "event.availability.bram",
                24,
                11,
                "'bram' needs at least 1 entry",
                'add the windows in which the person is there, as [{start: "15:00", end: "15:45"}]',
            ),
            id="availability-without-windows",
        ),
    ],
)
def test_hint_says_what_would_be_right(
    old: str, new: str, expected: tuple[str, str, int, int, str, str]
) -> None:
    assert problems_after(old, new) == [expected]
