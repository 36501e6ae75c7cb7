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
            ("bad-number", "event.rooms[0].capacity", 17, 44, "'capacity' must be greater than 0, not 0", ""),
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
            ("empty-text", "event.title", 13, 10, "'title' is empty", "write some text, or remove the line"),
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
                "write a value after the colon, or remove the line",
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
