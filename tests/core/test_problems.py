"""Problems: the dotted field name, the one-line text, and the exception that carries them."""

from __future__ import annotations

from netwerkdag.core.problems import Location, NetwerkdagError, Problem


def test_field_joins_names_with_dots_and_indexes_in_brackets() -> None:
    problem = Problem(
        "unknown-room", "unknown room 'zaal-9'", ("event", "sessions", 3, "participants", 0, "person")
    )

    assert problem.field == "event.sessions[3].participants[0].person"


def test_str_reads_location_field_message_and_hint() -> None:
    problem = Problem(
        "unknown-room", "unknown room 'zaal-9'", ("event", "sessions", 0, "room"), "use one of: zaal-1"
    ).located(Location("event.yaml", 24, 77))

    assert (
        str(problem) == "event.yaml:24:77: event.sessions[0].room: unknown room 'zaal-9' (use one of: zaal-1)"
    )


def test_located_keeps_every_other_field() -> None:
    problem = Problem(
        "unknown-field", "unknown field 'titel'", ("event", "titel"), "did you mean 'title'?", at_key=True
    )

    located = problem.located(Location("event.yaml", 3, 3))

    assert located == Problem(
        "unknown-field",
        "unknown field 'titel'",
        ("event", "titel"),
        "did you mean 'title'?",
        Location("event.yaml", 3, 3),
        at_key=True,
    )


def test_error_carries_one_or_many_problems() -> None:
    one = Problem("empty-file", "the event file is empty")
    two = Problem("file-not-found", "no such file: x.yaml", (), "check the path")

    assert NetwerkdagError(one).problems == [one]
    assert NetwerkdagError([one, two]).problems == [one, two]
    assert (
        str(NetwerkdagError([one, two])) == "the event file is empty; no such file: x.yaml (check the path)"
    )
