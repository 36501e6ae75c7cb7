"""Scores of the evaluation after a day, as organisers may see them.

A score is a whole number from 1 (poor) to 5 (very good). A group's mean and its spread over the five
values are shown only from `MIN_ANSWERS` answers on: below that, a mean or a count per value would let
an organiser who knows who was in a small session read a person's own score from it. How many answered
is always shown (it says no more than who came).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: Answers a group needs before its mean and spread are shown.
MIN_ANSWERS = 5
LOWEST = 1
HIGHEST = 5
#: The values a score may take, in order.
VALUES = tuple(range(LOWEST, HIGHEST + 1))


def is_score(value: object) -> bool:
    """Whether `value` is a valid score: an int (not a bool) from 1 to 5."""
    return isinstance(value, int) and not isinstance(value, bool) and LOWEST <= value <= HIGHEST


@dataclass(frozen=True, slots=True)
class Score:
    """The scores of one group (a session, the day): how many answered, and from `MIN_ANSWERS` on their
    mean and how many gave each value 1..5 (`spread[0]` the ones); both None for fewer answers."""

    count: int
    mean: float | None
    spread: tuple[int, ...] | None = None

    @property
    def shown(self) -> bool:
        """Whether the group is large enough for its mean to be shown."""
        return self.mean is not None


def score(values: Iterable[int]) -> Score:
    """The `Score` of `values`, each a score from 1 to 5; anything else raises ValueError (a score out of
    range is a caller's mistake here: forms and the database refuse it first)."""
    given = list(values)
    wrong = [v for v in given if not is_score(v)]
    if wrong:
        raise ValueError(f"a score is a whole number from {LOWEST} to {HIGHEST}, not {wrong[0]!r}")
    count = len(given)
    if count < MIN_ANSWERS:
        return Score(count, None, None)
    return Score(count, sum(given) / count, tuple(given.count(v) for v in VALUES))
