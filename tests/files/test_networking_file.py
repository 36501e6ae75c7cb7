"""The `networking:` part of an event file: tables as a number or one by one, open times (by default the
day's session blocks), and its mistakes located in the file."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from netwerkdag.core.problems import NetwerkdagError
from netwerkdag.files.load import event_from_source
from netwerkdag.files.yaml_source import parse_yaml

SOUND = (
    (Path(__file__).parent / "broken" / "unknown-room" / "event.yaml")
    .read_text("utf-8")
    .replace("zaal-9", "zaal-1")
)


def with_networking(text: str) -> str:
    return SOUND.replace("  sessions:\n", text + "  sessions:\n", 1)


def codes(text: str) -> list[tuple[str, str, int]]:
    with pytest.raises(NetwerkdagError) as raised:
        event_from_source(parse_yaml(with_networking(text), "e.yaml"))
    return [(p.code, p.field, p.location.line) for p in raised.value.problems if p.location is not None]


def test_tables_by_number_open_all_day_by_default() -> None:
    event = event_from_source(
        parse_yaml(
            with_networking("  networking:\n    - {id: hal, name: Hal, tables: 3, seats: 2}\n"), "e.yaml"
        )
    )
    (space,) = event.networking
    assert [t.id for t in space.tables] == ["tafel-1", "tafel-2", "tafel-3"]
    assert {t.seats for t in space.tables} == {2}
    assert [(w.start.time(), w.end.time()) for w in space.open] == [(time(10, 0), time(12, 0))]
    assert space.step_minutes == 15
    assert space.transfer_minutes == 5


def test_tables_one_by_one_with_windows() -> None:
    event = event_from_source(
        parse_yaml(
            with_networking(
                "  networking:\n"
                "    - id: hal\n"
                "      name: Hal\n"
                "      room: zaal-2\n"
                "      tables: [{id: rond, seats: 6}, {id: hoog, name: Statafel, seats: 2}]\n"
                '      open: [{start: "10:00", end: "10:30"}]\n'
                "      step: 10\n"
            ),
            "e.yaml",
        )
    )
    (space,) = event.networking
    assert [(t.id, t.name, t.seats) for t in space.tables] == [
        ("rond", "Tafel 1", 6),
        ("hoog", "Statafel", 2),
    ]
    assert [s.strftime("%H:%M") for s in space.starts(15)] == ["10:00", "10:10"]


def test_mistakes_are_located() -> None:
    found = codes(
        "  networking:\n"
        "    - id: hal\n"
        "      name: Hal\n"
        "      room: zolder\n"
        "      tables: [{id: t1, seats: 4}, {id: t1, seats: 4}]\n"
        '      open: [{start: "10:00", end: "10:05"}]\n'
    )
    assert ("unknown-room", "event.networking[0].room", 26) in found
    assert ("duplicate-id", "event.networking[0].tables[1].id", 27) in found
    assert ("window-too-short", "event.networking[0].open[0].end", 28) in found


def test_no_tables_is_refused() -> None:
    found = codes("  networking:\n    - {id: hal, name: Hal, tables: 0}\n")
    assert found
    assert found[0][1].startswith("event.networking[0]")


def test_dumping_keeps_the_tables() -> None:
    from netwerkdag.files.dump import dump_event

    event = event_from_source(
        parse_yaml(
            with_networking(
                "  networking:\n"
                "    - {id: hal, name: Hal, tables: 2, seats: 3, transfer: 0}\n"
                "    - {id: tuin, name: Tuin, tables: [{id: bank, seats: 2}], step: 30}\n"
            ),
            "e.yaml",
        )
    )
    again = event_from_source(parse_yaml(dump_event(event), "again.yaml"))
    assert again.networking == event.networking
    assert again.networking[0].transfer_minutes == 0
