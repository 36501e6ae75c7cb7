"""The allocation's report and the waiting lists it leaves, on tiny instances."""

from __future__ import annotations

from netwerkdag.scheduling.allocation import Offer, Problem, Result, Status, lottery_order, solve
from netwerkdag.scheduling.allocation_report import report, waiting_lists

OFFERS = (
    Offer("a", "r1", "a", 1),
    Offer("b", "r1", "b", 3),
    Offer("c", "r2", "c", 1),
    Offer("d", "r2", "d", 3),
)


def result_of(allocation: dict[str, frozenset[str]], *, lottery: tuple[str, ...] = ()) -> Result:
    seats = sum(len(s) for s in allocation.values())
    return Result(Status.OPTIMAL, allocation, 0, 0, seats, seats, 0.1, lottery=lottery)


def test_report_per_person_organisation_and_rank() -> None:
    p = Problem(
        OFFERS,
        {"ann": {"a": 1, "b": 2, "c": 1}, "bob": {"a": 1, "c": 2}, "cor": {"b": 1}},
        required={"dirk": frozenset({"d"})},
        organisation={"ann": "almere", "bob": "almere", "cor": "breda", "dirk": "delft"},
    )
    r = report(
        p, result_of({"ann": frozenset({"a", "c"}), "cor": frozenset({"b"}), "dirk": frozenset({"d"})})
    )
    lines = {line.person: line for line in r.people}
    assert [(s.session, s.rank) for s in lines["ann"].seats] == [("a", 1), ("c", 1)]
    assert lines["bob"].seats == ()
    assert lines["bob"].asked == 2
    assert [(s.session, s.rank) for s in lines["dirk"].seats] == [("d", None)]
    assert dict(r.rank_distribution) == {1: 3}
    orgs = {o.organisation: o for o in r.organisations}
    assert (
        orgs["almere"].people,
        orgs["almere"].asked,
        orgs["almere"].seats,
        orgs["almere"].wanted_seats,
    ) == (
        2,
        4,
        2,
        2,
    )
    assert "delft" not in orgs  # a part is not an ask
    assert r.organisations_without_wanted_seat == ()
    data = r.as_json()
    assert data["rank_distribution"] == {"1": 3}
    assert data["organisations"][0]["organisation"] == "almere"


def test_an_organisation_without_a_wanted_seat_is_named() -> None:
    p = Problem(OFFERS, {"ann": {"a": 1}, "bob": {"a": 1}}, organisation={"ann": "almere", "bob": "breda"})
    r = report(p, result_of({"ann": frozenset({"a"})}))
    assert r.organisations_without_wanted_seat == ("breda",)


def test_waiting_lists_in_rank_order_then_the_draw() -> None:
    # "a" (1 seat) went to ann. bob ranked it 1st, cor 2nd, dirk 1st: dirk and bob (both rank 1, in the
    # draw's order) before cor. eve holds "b", which she ranked above "a": she does not wait for "a".
    p = Problem(
        OFFERS,
        {
            "ann": {"a": 1},
            "bob": {"a": 1, "b": 2},
            "cor": {"b": 1, "a": 2},
            "dirk": {"a": 1},
            "eve": {"b": 1, "a": 2},
        },
    )
    draw = ("dirk", "eve", "cor", "bob", "ann")
    given = {"ann": frozenset({"a"}), "bob": frozenset({"b"}), "eve": frozenset({"b"})}
    lists = waiting_lists(p, result_of(given, lottery=draw))
    # cor holds nothing in r1 and ranked "b" 1st, but "b" is not full: cor waits for "a" only.
    assert lists == {"a": ("dirk", "bob", "cor")}


def test_no_waiting_for_another_run_of_a_topic_held_or_instead_of_a_part() -> None:
    offers = (Offer("w1", "r1", "wonen", 1), Offer("w2", "r2", "wonen", 1), Offer("z2", "r2", "zorg", 5))
    p = Problem(
        offers,
        {"ann": {"w1": 1, "w2": 1}, "bob": {"w1": 1, "w2": 1, "z2": 2}, "cor": {"w2": 1}},
        required={"cor": frozenset({"z2"})},
    )
    # bob holds w1 (wonen): he does not wait for w2. cor has a part in z2: he does not wait for w2.
    lists = waiting_lists(
        p, result_of({"ann": frozenset({"w2"}), "bob": frozenset({"w1"}), "cor": frozenset({"z2"})})
    )
    assert lists == {}


def test_the_solvers_waiting_lists_follow_the_lottery() -> None:
    offers = (Offer("a", "r1", "a", 1), Offer("b", "r1", "b", 5))
    p = Problem(offers, {name: {"a": 1, "b": 2} for name in ("ann", "bob", "cor")})
    result = solve(p, time_limit=5, lottery_seed=3)
    drawn = lottery_order(["ann", "bob", "cor"], 3)
    assert result.allocation[drawn[0]] == {"a"}
    assert waiting_lists(p, result) == {"a": drawn[1:]}


def test_nobody_waits_for_two_runs_of_one_topic() -> None:
    offers = (Offer("t1", "r1", "t", 1), Offer("t2", "r2", "t", 1))
    p = Problem(offers, {name: {"t1": 1, "t2": 1} for name in ("ann", "bob", "cor")})
    lists = waiting_lists(p, result_of({"ann": frozenset({"t1"}), "bob": frozenset({"t2"})}))
    assert lists == {"t1": ("cor",)}
