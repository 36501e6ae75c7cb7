"""Timefold's meeting-scheduling data as copied, converted and refereed (benchmarks/meetings)."""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

MEETINGS = Path(__file__).resolve().parents[2] / "benchmarks" / "meetings"
if str(MEETINGS) not in sys.path:
    sys.path.insert(0, str(MEETINGS))

from convert_meetings import DATA, Conversion, convert, read_timefold, write_conversion  # noqa: E402
from meetings_referee import judge, load_converted, read_requests  # noqa: E402

from netwerkdag.files.load import load_event  # noqa: E402
from netwerkdag.scheduling.meetings import MeetingProblem  # noqa: E402

FIFTY = DATA / "50meetings-160timegrains-5rooms.json"
SHA256 = {
    "50meetings-160timegrains-5rooms.json": (
        "e35215e8206bb140e3ff7926fd0db46ef97b093e39d0ff1ac0c402b2e66da101"
    ),
    "100meetings-320timegrains-5rooms.json": (
        "aaf3e04503e8a10c1ae90509cf030716444110a687df3421d36cc206b1e581d9"
    ),
    "200meetings-640timegrains-5rooms.json": (
        "ce33e1694f4db8fdeaa9cabb8413a5edaa4fdfc9b89b01ca064e5bc8644f05ab"
    ),
}
ZONE = ZoneInfo("Europe/Amsterdam")


def test_the_files_are_byte_identical_to_the_source_and_carry_the_licence() -> None:
    for name, digest in SHA256.items():
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == digest
    assert "Apache License" in (DATA / "LICENSE.timefold-solver-benchmarks.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def fifty(tmp_path_factory: pytest.TempPathFactory) -> tuple[Conversion, MeetingProblem, Path]:
    conversion = convert(read_timefold(FIFTY))
    folder = tmp_path_factory.mktemp("fifty")
    write_conversion(conversion, folder)
    return conversion, load_converted(folder), folder


def test_the_fifty_instance_converts_with_its_counts(fifty: tuple[Conversion, MeetingProblem, Path]) -> None:
    conversion, problem, folder = fifty
    report = conversion.report
    assert (report["meetings"], report["persons"], report["tables"], report["days"]) == (50, 40, 5, 5)
    assert report["required_attendances"] == 315
    assert report["preferred_attendances"] == report["seat_holders"] == 224
    # Each day's grains run 08:00-12:00 and 13:00-18:00 (the fifth day only the morning): 9 windows.
    assert report["open_windows"] == 9
    assert len(problem.meetings) == 50
    assert [(t.id, t.name, t.seats) for t in problem.space.tables] == [
        ("r-1", "R 1", 30),
        ("r-2", "R 2", 20),
        ("r-3", "R 3", 16),
        ("r-4", "R 4", 14),
        ("r-5", "R 5", 12),
    ]
    assert problem.space.transfer_minutes == 0
    assert problem.space.step_minutes == 15
    first_day = sorted((w.start, w.end) for w in problem.space.open)[:2]
    assert first_day == [
        (dt.datetime(2026, 1, 1, 8, 0, tzinfo=ZONE), dt.datetime(2026, 1, 1, 12, 0, tzinfo=ZONE)),
        (dt.datetime(2026, 1, 1, 13, 0, tzinfo=ZONE), dt.datetime(2026, 1, 1, 18, 0, tzinfo=ZONE)),
    ]
    # The event file is one the loader accepts, with the persons and the seat holders as people.
    event = load_event(folder / "event.yaml")
    assert len(event.network.people) == 40 + 224
    # Meeting 0: 45 minutes, Dan Li (23) asks Amy Jones (30); three preferred attendees hold a seat each.
    m0 = read_requests(folder / "requests.csv")[0]
    assert (m0.id, m0.minutes, m0.people[:2]) == ("m-0", 45, ("p-23", "p-30"))
    assert m0.people[2:] == ("seat-m0-1", "seat-m0-2", "seat-m0-3")
    assert sum(len(m.people) for m in problem.meetings) == 315 + 224


def test_only_the_required_count_with_seats_required() -> None:
    conversion = convert(read_timefold(FIFTY), seats="required")
    assert conversion.report["seat_holders"] == 0
    assert len(conversion.requests) == 315
    assert not any(person.startswith("seat-") for _, person, _ in conversion.requests)


def _start(day: int, hhmm: str) -> dt.datetime:
    hour, minute = map(int, hhmm.split(":"))
    return dt.datetime(2026, 1, day, hour, minute, tzinfo=ZONE)


def test_the_referee_passes_a_clean_placement_and_finds_each_planted_violation(
    fifty: tuple[Conversion, MeetingProblem, Path],
) -> None:
    conversion, problem, _ = fifty
    tf = {f"m-{m.id}": m for m in conversion.instance.meetings}
    size = {m.id: len(m.people) for m in problem.meetings}
    # Two meetings that share a required person, both of 1 to 3 grains and at most 12 people.
    small = [k for k, m in tf.items() if m.grains <= 3 and size[k] <= 12]
    a, b = next((x, y) for x in small for y in small if x < y and set(tf[x].required) & set(tf[y].required))

    clean = judge(problem, conversion, {a: ("r-1", _start(1, "08:00")), b: ("r-1", _start(1, "09:00"))})
    assert clean.valid
    assert clean.placed == clean.clean == 2
    assert clean.timefold_hard == 0

    # The same person in two meetings at once, at two tables.
    both = judge(problem, conversion, {a: ("r-1", _start(1, "08:00")), b: ("r-2", _start(1, "08:00"))})
    assert both.ours["one-meeting-at-a-time"] >= 1
    assert both.timefold["required attendance conflict"] >= 1
    assert both.clean == 0
    assert not both.valid

    # Two meetings at one table at once.
    table = judge(problem, conversion, {a: ("r-3", _start(2, "10:00")), b: ("r-3", _start(2, "10:00"))})
    assert table.ours["table-capacity"] >= 1
    assert table.timefold["room conflict"] == 1

    # A meeting larger than its table: the largest needs more than R 5's 12 seats.
    big = max(size, key=lambda k: size[k])
    seats = judge(problem, conversion, {big: ("r-5", _start(1, "13:00"))})
    assert seats.ours["table-capacity"] == 1
    assert seats.timefold["required room capacity"] == 1
    assert seats.timefold_hard == size[big] - 12

    # Across the lunch gap: Timefold's grain numbers allow it, our open windows do not.
    three = next(k for k, m in tf.items() if m.grains == 3 and size[k] <= 30)
    lunch = judge(problem, conversion, {three: ("r-1", _start(1, "11:45"))})
    assert lunch.ours["open"] == 1
    assert not lunch.timefold
    # Past the end of a day: both.
    late = judge(problem, conversion, {three: ("r-1", _start(1, "17:45"))})
    assert late.ours["open"] == 1
    assert late.timefold["start and end on same day"] == 1
