"""The G40 first-come-first-served benchmark: the simulation on tiny instances, and the generated day as
the docstring describes it (41 cities, 300 people, two sessions asked for first by twice their seats)."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from netwerkdag.scheduling import allocation

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "benchmarks" / "allocation"))

import g40_fcfs  # noqa: E402


def one_seat() -> allocation.Problem:
    offers = (allocation.Offer("s", "r1", "s", 1),)
    return allocation.Problem(offers, {p: {"s": 1} for p in ("a", "b", "c")})


def test_the_first_arrival_gets_the_only_seat() -> None:
    problem = one_seat()

    assert g40_fcfs.fcfs(problem, ["b", "a", "c"]) == {"b": frozenset({"s"})}
    assert g40_fcfs.fcfs(problem, ["c", "b", "a"]) == {"c": frozenset({"s"})}


def test_a_late_arrival_takes_the_best_ranked_session_left_in_each_round() -> None:
    offers = (
        allocation.Offer("r1-a", "r1", "r1-a", 1),
        allocation.Offer("r1-b", "r1", "r1-b", 5),
        allocation.Offer("r2-a", "r2", "r2-a", 1),
    )
    ranks = {"early": {"r1-a": 1, "r2-a": 2}, "late": {"r1-a": 1, "r1-b": 3, "r2-a": 2}}
    problem = allocation.Problem(offers, ranks)

    given = g40_fcfs.fcfs(problem, ["early", "late"])

    assert given == {"early": frozenset({"r1-a", "r2-a"}), "late": frozenset({"r1-b"})}
    assert allocation.check(problem, given) == []


def test_fcfs_takes_one_run_of_a_topic() -> None:
    offers = (allocation.Offer("t-r1", "r1", "t", 5), allocation.Offer("t-r2", "r2", "t", 5))
    problem = allocation.Problem(offers, {"p": {"t-r1": 1, "t-r2": 1}})

    assert g40_fcfs.fcfs(problem, ["p"]) == {"p": frozenset({"t-r1"})}


def test_metrics_come_from_the_report() -> None:
    problem = allocation.Problem(
        (allocation.Offer("s", "r1", "s", 1),),
        {"a": {"s": 1}, "b": {"s": 2}},
        organisation={"a": "x", "b": "y"},
    )
    given = g40_fcfs.fcfs(problem, ["a", "b"])

    found = g40_fcfs.metrics(problem, g40_fcfs.as_result(problem, given, 0.0), ["s"])

    assert found["assigned"] == 1
    assert found["unassigned"] == 1
    assert found["rank_distribution"] == {"1": 1}
    assert found["organisations_without_wanted_seat"] == 1
    assert found["hot_sessions_filled"] == {"s": 1}


@pytest.fixture(scope="module")
def day() -> g40_fcfs.Day:
    return g40_fcfs.generate(1)


def test_generated_day_has_41_cities_and_300_people(day: g40_fcfs.Day) -> None:
    sizes = Counter(day.problem.organisation.values())

    assert len(g40_fcfs.member_cities()) == 41
    assert len(sizes) == 41
    assert sum(sizes.values()) == len(day.problem.people) == 300
    assert min(sizes.values()) >= g40_fcfs.MIN_PER_CITY
    assert len(day.problem.offers) == 18


def test_two_sessions_are_asked_first_by_twice_their_seats(day: g40_fcfs.Day) -> None:
    problem = day.problem
    firsts = Counter(s for ranks in problem.ranks.values() for s, r in ranks.items() if r == 1)

    for hot in day.hot:
        assert firsts[hot] == 2 * problem.offer(hot).capacity  # type: ignore[operator]
    assert all(firsts[o.session] < 2 * o.capacity for o in problem.offers if o.session not in day.hot)  # type: ignore[operator]
    assert all(sorted(r.values()) == list(range(1, len(r) + 1)) for r in problem.ranks.values())


def test_generation_is_seeded(day: g40_fcfs.Day) -> None:
    assert g40_fcfs.generate(1).problem.ranks == day.problem.ranks
    assert g40_fcfs.generate(2).problem.ranks != day.problem.ranks
