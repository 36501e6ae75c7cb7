"""Pydantic's errors as our problems (`files.format_errors`): one case per entry of the translation table,
each a small event document with one mistake, and the exact problem it must give (code, message, path,
hint). Whether a value is an id comes from the file format's `Id` type, never from its length limits."""

from __future__ import annotations

import copy
from typing import Any, get_args

import pytest
from pydantic import ValidationError
from pydantic_core.core_schema import ErrorType

from netwerkdag.core.problems import Path, Problem
from netwerkdag.files import format_errors, schema
from netwerkdag.files.format_errors import problems_from_pydantic

GOOD: dict[str, Any] = {
    "network": {
        "id": "g40",
        "name": "G40",
        "people": [{"id": "anna", "name": "Anna de Vries", "role": "wethouder"}],
    },
    "event": {
        "slug": "testdag",
        "title": "Testdag",
        "date": "2023-02-10",
        "venue": {"name": "Stadhuis"},
        "rooms": [{"id": "zaal-1", "name": "Zaal 1", "capacity": 40}],
        "blocks": [{"id": "ronde-1", "kind": "parallel", "start": "10:00", "end": "11:00"}],
        "sessions": [
            {"id": "overleg", "kind": "networking", "title": "Overleg", "block": "ronde-1", "room": "zaal-1"}
        ],
    },
}
#: Stands for a field taken out of the document.
GONE = object()
ID_RULE = "ids are lowercase letters, digits and single hyphens, 2 to 80 characters"
ONE_LINE = "write it on one line after the colon; put it in quotes if it holds ': ' or starts with [ or {"
PASTED = "remove it; it often comes along when text is pasted from another program"
DATES = "write dates as YYYY-MM-DD, e.g. 2023-02-10"
MAPPING = "write the fields as `key: value`, indented below this one"
#: The error types we raise ourselves (`schema`), beside Pydantic's own.
OUR_ERROR_TYPES = {
    "text_line_break",
    "text_control_character",
    "text_noncharacter",
    "date_out_of_range",
    "conflicting_fields",
}


def problems(path: Path, value: Any) -> list[Problem]:
    """The problems of the good document with the value at `path` replaced (or removed, with GONE)."""
    data = copy.deepcopy(GOOD)
    node: Any = data
    for part in path[:-1]:
        node = node[part]
    if value is GONE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    with pytest.raises(ValidationError) as caught:
        schema.EventFileIn.model_validate(data)
    return [p for error in caught.value.errors(include_url=False) for p in problems_from_pydantic(error)]


def kinds(path: Path, value: Any) -> list[str]:
    """The Pydantic error types behind the same change, to show which table entry a case reaches."""
    data = copy.deepcopy(GOOD)
    node: Any = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    with pytest.raises(ValidationError) as caught:
        schema.EventFileIn.model_validate(data)
    return [error["type"] for error in caught.value.errors(include_url=False)]


ROOM_ID = ("event", "rooms", 0, "id")
CAPACITY = ("event", "rooms", 0, "capacity")
MARGIN = ("event", "scheduling")

# (error type, change at, new value, the problem it must give)
CASES: list[tuple[str, Path, Any, Problem]] = [
    (
        "missing",
        ("event", "date"),
        GONE,
        Problem(
            "missing-field", "required field 'date' is missing", ("event", "date"), "add `date: YYYY-MM-DD`"
        ),
    ),
    (
        "missing",
        ("network",),
        GONE,
        Problem(
            "missing-field",
            "required field 'network' is missing",
            ("network",),
            "add `network: network.yaml` naming the network file, or the network inline",
        ),
    ),
    (
        "missing",
        ("event", "blocks", 0, "kind"),
        GONE,
        Problem(
            "missing-field",
            "required field 'kind' is missing",
            ("event", "blocks", 0, "kind"),
            "add `kind: ...` with one of: walk-in, plenary, parallel, transfer, meal, break, drinks",
        ),
    ),
    (
        "missing",
        ("event", "rooms"),
        GONE,
        Problem(
            "missing-field",
            "required field 'rooms' is missing",
            ("event", "rooms"),
            "add `rooms:` with its entries indented below it",
        ),
    ),
    (
        "missing",
        ROOM_ID,
        GONE,
        Problem("missing-field", "required field 'id' is missing", ROOM_ID, "add `id: ...`"),
    ),
    (
        "extra_forbidden",
        ("event", "titel"),
        "Testdag",
        Problem(
            "unknown-field", "unknown field 'titel'", ("event", "titel"), "did you mean 'title'?", at_key=True
        ),
    ),
    (
        "extra_forbidden",
        ("event", "venue", "zzz"),
        None,
        Problem(
            "unknown-field",
            "unknown field 'zzz'",
            ("event", "venue", "zzz"),
            "the fields here are: address, city, name",
            at_key=True,
        ),
    ),
    (
        "string_type",
        ("event", "title"),
        None,
        Problem("missing-value", "'title' has no value", ("event", "title"), "write a value after the colon"),
    ),
    (
        "string_type",
        ("event", "sessions", 0, "combined_with"),
        [None],
        Problem(
            "missing-value",
            "'combined_with' has no value",
            ("event", "sessions", 0, "combined_with", 0),
            "write a value, or remove the empty entry",
        ),
    ),
    (
        "text_line_break",
        ("event", "title"),
        "Test\ndag",
        Problem(
            "multi-line-text",
            "'title' holds a line break; it is one line of text",
            ("event", "title"),
            "write it on one line; only a description or introduction may have several lines (with `|`)",
        ),
    ),
    (
        "text_control_character",
        ("event", "title"),
        "Test\x01dag",
        Problem("bad-character", "'title' holds the control character U+0001", ("event", "title"), PASTED),
    ),
    (
        "text_noncharacter",
        ("event", "title"),
        "Test\ufffedag",
        Problem(
            "bad-character", "'title' holds U+FFFE, which is not a character", ("event", "title"), PASTED
        ),
    ),
    (
        "date_out_of_range",
        ("event", "date"),
        "1999-01-01",
        Problem(
            "bad-date",
            "'1999-01-01' is not a date between 2000 and 2100",
            ("event", "date"),
            "check the year: write dates as YYYY-MM-DD, e.g. 2023-02-10",
        ),
    ),
    (
        "date_from_datetime_parsing",
        ("event", "date"),
        "10-02-2023",
        Problem("bad-date", "'10-02-2023' is not a date", ("event", "date"), DATES),
    ),
    (
        "date_from_datetime_inexact",
        ("event", "date"),
        "2023-02-10T10:00",
        Problem("bad-date", "'2023-02-10T10:00' is not a date", ("event", "date"), DATES),
    ),
    (
        "date_type",
        ("event", "date"),
        [2023],
        Problem("bad-date", "a list is not a date", ("event", "date"), DATES),
    ),
    (
        "string_pattern_mismatch",
        ("event", "blocks", 0, "start"),
        "10.00",
        Problem(
            "bad-time",
            "'10.00' is not a time",
            ("event", "blocks", 0, "start"),
            "write times as HH:MM on the 24-hour clock, e.g. 09:30",
        ),
    ),
    (
        "string_pattern_mismatch",
        ROOM_ID,
        "Zaal 1",
        Problem("bad-id", "'Zaal 1' is not a valid id", ROOM_ID, f"{ID_RULE}: write 'zaal-1'"),
    ),
    (
        "string_pattern_mismatch",
        ("event", "availability"),
        {"Anna B": [{"start": "10:00", "end": "11:00"}]},
        Problem(
            "bad-id",
            "'Anna B' is not a valid id",
            ("event", "availability", "Anna B"),
            f"{ID_RULE}: write 'anna-b'",
            at_key=True,
        ),
    ),
    (
        "string_pattern_mismatch",
        ("network", "people", 0, "email"),
        "anna",
        Problem(
            "bad-email",
            "'anna' is not an e-mail address",
            ("network", "people", 0, "email"),
            "write it as name@example.nl",
        ),
    ),
    (
        "string_too_short",
        ROOM_ID,
        "z",
        Problem("bad-id", "'z' is not a valid id", ROOM_ID, f"{ID_RULE}, e.g. zaal-2"),
    ),
    (
        "string_too_short",
        ("event", "availability"),
        {"a": [{"start": "10:00", "end": "11:00"}]},
        Problem(
            "bad-id",
            "'a' is not a valid id",
            ("event", "availability", "a"),
            f"{ID_RULE}, e.g. zaal-2",
            at_key=True,
        ),
    ),
    (
        "string_too_short",
        ("event", "sessions", 0, "combined_with"),
        ["x"],
        Problem(
            "bad-id",
            "'x' is not a valid id",
            ("event", "sessions", 0, "combined_with", 0),
            f"{ID_RULE}, e.g. zaal-2",
        ),
    ),
    (
        "string_too_long",
        ROOM_ID,
        "z" * 81,
        Problem("bad-id", f"'{'z' * 60}...' is not a valid id", ROOM_ID, f"{ID_RULE}, e.g. zaal-2"),
    ),
    (
        "string_too_short",
        ("event", "title"),
        "  ",
        Problem("empty-text", "'title' is empty", ("event", "title"), "write some text"),
    ),
    (
        "string_too_short",
        ("event", "subtitle"),
        "",
        Problem(
            "empty-text", "'subtitle' is empty", ("event", "subtitle"), "write some text, or remove the line"
        ),
    ),
    (
        "string_too_short",
        ("event", "sessions", 0, "audience"),
        [{"roles": [""]}],
        Problem(
            "empty-text",
            "'roles' is empty",
            ("event", "sessions", 0, "audience", 0, "roles", 0),
            "write some text, or remove the empty entry",
        ),
    ),
    (
        "string_too_long",
        ("event", "title"),
        "x" * 501,
        Problem(
            "too-long",
            "'title' is longer than 500 characters",
            ("event", "title"),
            "shorten it to at most 500 characters",
        ),
    ),
    (
        "string_too_long",
        ("event", "introduction"),
        "x" * 20_001,
        Problem(
            "too-long",
            "'introduction' is longer than 20,000 characters",
            ("event", "introduction"),
            "shorten it to at most 20,000 characters",
        ),
    ),
    (
        "string_type",
        ("event", "title"),
        ["Testdag"],
        Problem("bad-type", "expected text, not a list", ("event", "title"), ONE_LINE),
    ),
    (
        "enum",
        ("event", "blocks", 0, "kind"),
        "paralel",
        Problem(
            "bad-choice",
            "'paralel' is not a valid kind",
            ("event", "blocks", 0, "kind"),
            "did you mean 'parallel'? use one of: walk-in, plenary, parallel, transfer, meal, break, drinks",
        ),
    ),
    (
        "literal_error",
        ("event", "language"),
        "de",
        Problem("bad-choice", "'de' is not a valid language", ("event", "language"), "use one of: nl, en"),
    ),
    (
        "bool_parsing",
        ("event", "rooms", 0, "shared"),
        "ja",
        Problem(
            "bad-bool", "'ja' is not true or false", ("event", "rooms", 0, "shared"), "write true or false"
        ),
    ),
    (
        "bool_type",
        ("event", "rooms", 0, "shared"),
        [1],
        Problem(
            "bad-bool", "a list is not true or false", ("event", "rooms", 0, "shared"), "write true or false"
        ),
    ),
    (
        "int_parsing",
        CAPACITY,
        "veel",
        Problem("bad-number", "'veel' is not a whole number", CAPACITY, "write a number, e.g. 40"),
    ),
    (
        "int_type",
        CAPACITY,
        [40],
        Problem("bad-number", "a list is not a whole number", CAPACITY, "write a number, e.g. 40"),
    ),
    (
        "int_from_float",
        CAPACITY,
        3.5,
        Problem("bad-number", "'3.5' is not a whole number", CAPACITY, "write a number, e.g. 40"),
    ),
    (
        "float_parsing",
        MARGIN,
        {"capacity_margin": "veel"},
        Problem(
            "bad-number", "'veel' is not a number", (*MARGIN, "capacity_margin"), "write a number, e.g. 0.1"
        ),
    ),
    (
        "float_type",
        MARGIN,
        {"capacity_margin": [0.1]},
        Problem(
            "bad-number", "a list is not a number", (*MARGIN, "capacity_margin"), "write a number, e.g. 0.1"
        ),
    ),
    (
        "finite_number",
        CAPACITY,
        float("inf"),
        Problem("bad-number", "'inf' is not a whole number", CAPACITY, "write a number, e.g. 40"),
    ),
    (
        "int_parsing_size",
        CAPACITY,
        "1" * 5_000,
        Problem(
            "bad-number", f"'{'1' * 60}...' is far too large a number", CAPACITY, "write a number, e.g. 40"
        ),
    ),
    (
        "greater_than",
        CAPACITY,
        0,
        Problem(
            "bad-number",
            "'capacity' must be greater than 0, not 0",
            CAPACITY,
            "write a whole number greater than 0",
        ),
    ),
    (
        "greater_than_equal",
        ("event", "sessions", 0, "expected_attendance"),
        -1,
        Problem(
            "bad-number",
            "'expected_attendance' must be at least 0, not -1",
            ("event", "sessions", 0, "expected_attendance"),
            "write a whole number at least 0",
        ),
    ),
    (
        "less_than_equal",
        CAPACITY,
        10**30,
        Problem(
            "bad-number",
            "'capacity' must be at most 100000, not 10000000000000000000...",
            CAPACITY,
            "write a whole number at most 100000",
        ),
    ),
    (
        "less_than_equal",
        MARGIN,
        {"capacity_margin": 7},
        Problem(
            "bad-number",
            "'capacity_margin' must be at most 5.0, not 7",
            (*MARGIN, "capacity_margin"),
            "write a number at most 5.0",
        ),
    ),
    (
        "model_type",
        ("event", "venue"),
        "Stadhuis",
        Problem(
            "bad-type", "expected a mapping (key: value lines), not 'Stadhuis'", ("event", "venue"), MAPPING
        ),
    ),
    (
        "dict_type",
        ("event", "availability"),
        ["anna"],
        Problem(
            "bad-type",
            "expected a mapping (key: value lines), not a list",
            ("event", "availability"),
            MAPPING,
        ),
    ),
    (
        "list_type",
        ("event", "rooms"),
        "zaal-1",
        Problem(
            "bad-type",
            "expected a list, not 'zaal-1'",
            ("event", "rooms"),
            "write each item on its own line starting with '- ', or as [a, b]",
        ),
    ),
    (
        "too_short",
        ("event", "rooms"),
        [],
        Problem("empty-list", "'rooms' needs at least 1 entry", ("event", "rooms"), "add an entry"),
    ),
    (
        "too_short",
        ("event", "availability"),
        {"anna": []},
        Problem(
            "empty-list",
            "'anna' needs at least 1 entry",
            ("event", "availability", "anna"),
            'add the windows in which the person is there, as [{start: "15:00", end: "15:45"}]',
        ),
    ),
    (
        "value_error",
        ("event", "timezone"),
        "Europe/Amsterdm",
        Problem(
            "bad-value",
            "unknown time zone 'Europe/Amsterdm'; did you mean 'Europe/Amsterdam'?",
            ("event", "timezone"),
        ),
    ),
    (
        "conflicting_fields",
        ("event", "sessions", 0, "all_day"),
        True,
        Problem(
            "conflicting-fields",
            "an all-day session has no block, but this one names block 'ronde-1'",
            ("event", "sessions", 0, "block"),
            "remove `block`, or remove `all_day` to hold the session in that block only",
        ),
    ),
]


@pytest.mark.parametrize(
    ("kind", "path", "value", "expected"),
    CASES,
    ids=[f"{kind}-{'.'.join(map(str, path))}" for kind, path, _value, _expected in CASES],
)
def test_each_error_type_reads_as_our_problem(kind: str, path: Path, value: Any, expected: Problem) -> None:
    if value is not GONE:
        assert kinds(path, value) == [kind]

    assert problems(path, value) == [expected]


# Error types that no value of the file format gives today (no field has an exclusive upper bound; a date
# written as text is parsed as a datetime first), as Pydantic words them.
MADE_UP: list[tuple[dict[str, Any], Problem]] = [
    (
        {
            "type": "less_than",
            "loc": CAPACITY,
            "msg": "Input should be less than 50",
            "input": 60,
            "ctx": {"lt": 50},
        },
        Problem(
            "bad-number",
            "'capacity' must be less than 50, not 60",
            CAPACITY,
            "write a whole number less than 50",
        ),
    ),
    (
        {
            "type": "date_parsing",
            "loc": ("event", "date"),
            "msg": "Input should be a valid date",
            "input": "x",
        },
        Problem("bad-date", "'x' is not a date", ("event", "date"), DATES),
    ),
]


@pytest.mark.parametrize(("error", "expected"), MADE_UP, ids=[error["type"] for error, _ in MADE_UP])
def test_error_types_the_format_does_not_give_yet(error: Any, expected: Problem) -> None:
    assert problems_from_pydantic(error) == [expected]


def test_a_union_with_choices_gives_one_problem_with_every_choice() -> None:
    pin = ("event", "sessions", 0, "pin")
    assert kinds(pin, "blok") == ["bool_parsing", "literal_error"]

    assert problems(pin, "blok") == [
        Problem(
            "bad-choice",
            "'blok' is not a valid pin",
            pin,
            "did you mean 'block'? use one of: true, false, block, room",
        )
    ]


def test_a_field_is_an_id_by_its_type_not_by_its_length_limits() -> None:
    # A text field held to an id's lengths is still text: it is the `Id` type that makes an id.
    error: Any = {
        "type": "string_too_long",
        "loc": ("event", "title"),
        "msg": "String should have at most 80 characters",
        "input": "x" * 81,
        "ctx": {"max_length": 80},
    }

    assert problems_from_pydantic(error) == [
        Problem(
            "too-long",
            "'title' is longer than 80 characters",
            ("event", "title"),
            "shorten it to at most 80 characters",
        )
    ]


def test_every_table_entry_has_a_case() -> None:
    covered = {kind for kind, _path, _value, _expected in CASES} | {error["type"] for error, _ in MADE_UP}

    assert set(format_errors.TRANSLATIONS) - covered == set()


def test_every_table_entry_is_an_error_type_pydantic_or_we_raise() -> None:
    known = set(get_args(ErrorType)) | OUR_ERROR_TYPES

    assert set(format_errors.TRANSLATIONS) - known == set()


def test_an_error_type_without_an_entry_keeps_pydantics_message() -> None:
    error: Any = {"type": "made_up", "loc": ("event", "title"), "msg": "Input is odd", "input": "Testdag"}

    assert problems_from_pydantic(error) == [
        Problem("bad-value", "Input is odd (got 'Testdag')", ("event", "title"))
    ]
