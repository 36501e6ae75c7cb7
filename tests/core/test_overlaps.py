"""The sweep that finds overlapping sessions gives exactly the pairs a comparison of every pair gives."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import combinations
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from netwerkdag.core.invariants import _overlapping_pairs
from netwerkdag.core.sessions import Session, SessionKind

BASE = datetime(2023, 2, 10, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))

intervals = st.lists(
    st.tuples(st.integers(0, 48), st.integers(1, 12)),  # start and length in quarters of an hour
    max_size=25,
)


def sessions_from(spans: list[tuple[int, int]]) -> list[tuple[int, Session]]:
    return [
        (
            index,
            Session(
                id=f"s-{index}",
                kind=SessionKind.SOCIAL,
                title="x",
                start=BASE + timedelta(minutes=15 * start),
                end=BASE + timedelta(minutes=15 * (start + length)),
            ),
        )
        for index, (start, length) in enumerate(spans)
    ]


@given(intervals)
def test_overlapping_pairs_equal_the_pairs_that_overlap(spans: list[tuple[int, int]]) -> None:
    sessions = sessions_from(spans)
    expected = [(a, b) for a, b in combinations(sessions, 2) if a[1].window.overlaps(b[1].window)]

    assert _overlapping_pairs(sessions) == expected


def test_overlapping_pairs_leave_out_sessions_that_only_touch() -> None:
    sessions = sessions_from([(0, 4), (4, 4), (2, 4)])  # 9:00-10:00, 10:00-11:00, 9:30-10:30

    pairs = [(a[0], b[0]) for a, b in _overlapping_pairs(sessions)]

    assert pairs == [(0, 2), (1, 2)]
