"""The allocation's rules on tiny instances: for each rule one allocation that keeps it and one that breaks
it, judged by `check`, which uses the same rule objects the solver posts; and the solver's answers."""

from __future__ import annotations

import pytest

from netwerkdag.scheduling.allocation import (
    Capacity,
    Offer,
    OnePerRound,
    OneRunPerTopic,
    Problem,
    Required,
    Status,
    Wanted,
    check,
    cost_of,
    rank_cost,
    solve,
)

# Two rounds; topic "wonen" runs in both (w1, w2), "zorg" only in round 1, "werk" only in round 2 (one seat).
OFFERS = (
    Offer("w1", "r1", "wonen", 2),
    Offer("z1", "r1", "zorg", 2),
    Offer("w2", "r2", "wonen", 2),
    Offer("k2", "r2", "werk", 1),
)


def problem(**changes: object) -> Problem:
    ranks = {
        "ann": {"w1": 1, "w2": 1, "z1": 2, "k2": 3},
        "bob": {"w1": 2, "w2": 2, "k2": 1},
        "cor": {"k2": 1, "z1": 2},
    }
    values: dict[str, object] = {"offers": OFFERS, "ranks": ranks}
    values.update(changes)
    return Problem(**values)  # type: ignore[arg-type]


def broken(rule: object, p: Problem, allocation: dict[str, frozenset[str]]) -> list[str]:
    return [b.rule for b in rule.check(p, allocation)]  # type: ignore[attr-defined]


def test_capacity() -> None:
    p = problem()
    assert broken(Capacity(), p, {"bob": frozenset({"k2"})}) == []
    assert broken(Capacity(), p, {"bob": frozenset({"k2"}), "cor": frozenset({"k2"})}) == ["capacity"]


def test_one_per_round() -> None:
    p = problem()
    assert broken(OnePerRound(), p, {"ann": frozenset({"w1", "k2"})}) == []
    assert broken(OnePerRound(), p, {"ann": frozenset({"w1", "z1"})}) == ["one-per-round"]


def test_one_run_per_topic() -> None:
    p = problem()
    assert broken(OneRunPerTopic(), p, {"ann": frozenset({"z1", "w2"})}) == []
    assert broken(OneRunPerTopic(), p, {"ann": frozenset({"w1", "w2"})}) == ["one-run-per-topic"]


def test_required() -> None:
    p = problem(required={"dirk": frozenset({"z1"})})
    assert broken(Required(), p, {"dirk": frozenset({"z1"})}) == []
    assert broken(Required(), p, {}) == ["required"]


def test_wanted_and_available_rounds() -> None:
    p = problem(available={"ann": frozenset({"w1", "z1"})})
    assert broken(Wanted(), p, {"ann": frozenset({"z1"}), "cor": frozenset({"k2"})}) == []
    assert broken(Wanted(), p, {"cor": frozenset({"w1"})}) == ["wanted"]
    assert broken(Wanted(), p, {"ann": frozenset({"w2"})}) == ["wanted"]


def test_asks_count_rounds_and_distinct_topics() -> None:
    p = problem()
    assert p.asks("ann") == 2
    assert p.asks("bob") == 2  # wonen in r1 and werk in r2
    assert problem(ranks={"eva": {"w1": 1, "w2": 1}}).asks("eva") == 1  # one topic, two runs


def test_rank_costs() -> None:
    assert rank_cost(3, ()) == 2
    assert rank_cost(3, (0, 0, 5)) == 5
    assert rank_cost(9, (0, 1, 4)) == 4


def test_the_solver_keeps_every_rule_and_finds_the_least_cost() -> None:
    p = problem()
    result = solve(p, time_limit=5)
    assert result.status is Status.OPTIMAL
    assert check(p, result.allocation) == []
    # werk (round 2) has one seat and both bob and cor need it to fill two rounds with distinct topics
    # (bob's choices in round 2 are wonen, which he takes in round 1, or werk; cor has only werk): one of
    # the six seats asked for cannot be given. Of the allocations with five seats, the least cost is 3:
    # ann zorg (rank 2) and wonen, bob werk and wonen (rank 2), cor zorg (rank 2), or equal.
    assert result.assigned == 5
    assert result.unassigned == 1
    assert result.objective == cost_of(p, result.allocation, ()) == 3
    assert result.gap == 0.0


def test_when_seats_are_short_the_most_seats_are_given_first() -> None:
    short = tuple(Offer(o.session, o.round, o.topic, 0 if o.session == "w2" else o.capacity) for o in OFFERS)
    p = problem(offers=short)
    result = solve(p, time_limit=5)
    assert result.status is Status.OPTIMAL
    assert check(p, result.allocation) == []
    # Round 2 has one seat (werk) for three people who each want one there.
    assert result.assigned == result.asked - 2


def test_a_part_in_a_session_wins_over_ranks() -> None:
    p = problem(required={"cor": frozenset({"z1"})}, ranks={"cor": {"k2": 1}})
    result = solve(p, time_limit=5)
    assert "z1" in result.allocation["cor"]
    assert check(p, result.allocation) == []


@pytest.mark.parametrize("capacity", [0, 1])
def test_required_beyond_the_seats_is_no_allocation(capacity: int) -> None:
    offers = (Offer("z1", "r1", "zorg", capacity),)
    p = Problem(offers, {}, {"a": frozenset({"z1"}), "b": frozenset({"z1"})})
    assert solve(p, time_limit=5).status is Status.INFEASIBLE
