"""The scores of the evaluation (core/feedback.py): shown only from MIN_ANSWERS answers on."""

from __future__ import annotations

import pytest

from netwerkdag.core.feedback import MIN_ANSWERS, Score, is_score, score


def test_score_below_min_answers_gives_the_count_only() -> None:
    assert MIN_ANSWERS == 5
    assert score([5, 5, 1, 4]) == Score(4, None, None)
    assert not score([5, 5, 1, 4]).shown


def test_score_of_no_answers_is_zero_without_mean() -> None:
    assert score([]) == Score(0, None, None)


def test_score_from_min_answers_gives_mean_and_spread() -> None:
    found = score([5, 4, 4, 2, 5])

    assert found == Score(5, 4.0, (0, 1, 0, 2, 2))
    assert found.shown


def test_score_reads_any_iterable_once() -> None:
    assert score(iter([1, 2, 3, 4, 5, 5])) == Score(6, 20 / 6, (1, 1, 1, 1, 2))


@pytest.mark.parametrize("wrong", [0, 6, -1, True, 2.5, "3", None])
def test_score_refuses_a_value_outside_one_to_five(wrong: object) -> None:
    with pytest.raises(ValueError, match="a score is a whole number from 1 to 5"):
        score([3, wrong])  # type: ignore[list-item]


def test_is_score_accepts_exactly_one_to_five() -> None:
    assert [v for v in range(-1, 8) if is_score(v)] == [1, 2, 3, 4, 5]
    assert not is_score(True)
