"""The time grid's own rules: when an all-day session runs, and which wall-clock times exist."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from netwerkdag.core.timegrid import Block, BlockKind, Window, exists_on_clock, session_span, skipped_span

TZ = ZoneInfo("Europe/Amsterdam")
DAY = date(2023, 2, 10)
NEXT_DAY = date(2023, 2, 11)


def at(hhmm: str, day: date = DAY) -> datetime:
    hours, minutes = hhmm.split(":")
    return datetime(day.year, day.month, day.day, int(hours), int(minutes), tzinfo=TZ)


def block(id: str, kind: BlockKind, start: str, end: str, day: date = DAY) -> Block:
    return Block(id, kind, at(start, day), at(end, day))


def test_session_span_runs_from_first_to_last_session_block_without_transfers() -> None:
    blocks = [
        block("wissel-0", BlockKind.TRANSFER, "09:25", "09:30"),
        block("inloop", BlockKind.WALK_IN, "09:30", "10:00"),
        block("wissel-1", BlockKind.TRANSFER, "10:00", "10:05"),
        block("ronde-1", BlockKind.PARALLEL, "10:05", "11:00"),
        block("wissel-2", BlockKind.TRANSFER, "11:00", "11:10"),
        block("morgen", BlockKind.PARALLEL, "08:00", "18:00", NEXT_DAY),
    ]

    assert session_span(blocks, DAY, TZ) == Window(at("09:30"), at("11:00"))


def test_session_span_of_a_day_of_transfers_only_takes_them_all() -> None:
    blocks = [
        block("wissel-1", BlockKind.TRANSFER, "10:00", "10:05"),
        block("wissel-2", BlockKind.TRANSFER, "11:00", "11:05"),
    ]

    assert session_span(blocks, DAY, TZ) == Window(at("10:00"), at("11:05"))


def test_session_span_of_a_day_without_blocks_is_the_whole_day() -> None:
    blocks = [block("ronde-1", BlockKind.PARALLEL, "10:00", "11:00")]

    assert session_span(blocks, NEXT_DAY, TZ) == Window(at("00:00", NEXT_DAY), at("23:59", NEXT_DAY))


def test_exists_on_clock_is_false_only_in_the_skipped_hour() -> None:
    spring = date(2023, 3, 26)
    autumn = date(2023, 10, 29)

    assert [exists_on_clock(at(t, spring)) for t in ("01:59", "02:00", "02:59", "03:00")] == [
        True,
        False,
        False,
        True,
    ]
    assert [exists_on_clock(at(t, autumn)) for t in ("01:59", "02:00", "02:30", "03:00")] == [
        True,
        True,
        True,
        True,
    ]


def test_skipped_span_gives_the_hour_the_clocks_skip() -> None:
    spring = date(2023, 3, 26)

    assert skipped_span(at("02:30", spring)) == (at("02:00", spring), at("03:00", spring))


def test_skipped_span_of_a_skipped_day() -> None:
    # Samoa moved across the date line: 30 December 2011 did not happen there.
    apia = ZoneInfo("Pacific/Apia")

    first, after = skipped_span(datetime(2011, 12, 30, 12, 0, tzinfo=apia))

    assert (first, after) == (
        datetime(2011, 12, 30, 0, 0, tzinfo=apia),
        datetime(2011, 12, 31, 0, 0, tzinfo=apia),
    )
