"""Placing meetings at networking tables: each rule on a tiny instance, kept by the solver and found
broken by the check (one definition for both), the stages of the objective, re-placing with the fewest
moves, and why a meeting is left out."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from netwerkdag.core.networking import Busy, Meeting, NetworkingSpace, Placement, Table
from netwerkdag.core.timegrid import Window
from netwerkdag.scheduling.meetings import Measure, MeetingProblem, Status, check, solve

TZ = ZoneInfo("Europe/Amsterdam")


def at(hhmm: str) -> datetime:
    h, m = hhmm.split(":")
    return datetime(2023, 2, 10, int(h), int(m), tzinfo=TZ)


def space(
    tables: int = 1, seats: int = 4, open_: tuple[str, str] = ("10:00", "11:00"), transfer: int = 0
) -> NetworkingSpace:
    return NetworkingSpace(
        "hal",
        "Hal",
        tuple(Table(f"t{i}", f"Tafel {i}", seats) for i in range(1, tables + 1)),
        (Window(at(open_[0]), at(open_[1])),),
        step_minutes=15,
        transfer_minutes=transfer,
    )


def place(meeting: str, table: str, start: str, minutes: int = 15) -> Placement:
    return Placement(meeting, table, at(start), at(start) + timedelta(minutes=minutes))


def rules_broken(problem: MeetingProblem, plan: list[Placement]) -> set[str]:
    return {b.rule for b in check(problem, plan)}


def test_busy_a_person_in_a_session_is_not_in_a_meeting() -> None:
    problem = MeetingProblem(
        space(open_=("10:00", "10:30")),
        (Meeting("m", ("ann", "bob"), 15),),
        busy={"bob": (Busy(at("10:00"), at("10:15"), "pijler"),)},
    )
    assert rules_broken(problem, [place("m", "t1", "10:00")]) == {"busy"}
    assert rules_broken(problem, [place("m", "t1", "10:15")]) == set()
    result = solve(problem, time_limit=5)
    assert [(p.start, p.table) for p in result.placements] == [(at("10:15"), "t1")]
    assert check(problem, result.placements) == []


def test_transfer_time_before_and_after_a_session() -> None:
    problem = MeetingProblem(
        space(open_=("10:00", "11:00"), transfer=5),
        (Meeting("m", ("ann", "bob"), 15),),
        busy={"ann": (Busy(at("10:00"), at("10:15"), "opening"), Busy(at("10:45"), at("11:00"), "ronde"))},
    )
    # 10:15 follows the opening without the 5 minutes; 10:30-10:45 ends right where the round starts.
    assert rules_broken(problem, [place("m", "t1", "10:15")]) == {"transfer"}
    assert rules_broken(problem, [place("m", "t1", "10:30")]) == {"transfer"}
    without = MeetingProblem(space(open_=("10:00", "11:00")), problem.meetings, busy=problem.busy)
    assert rules_broken(without, [place("m", "t1", "10:30")]) == set()
    result = solve(problem, time_limit=5)
    assert result.placed == 0
    assert result.unplaced[0].reason == "no-common-time"
    assert {b[3] for b in result.unplaced[0].busy} == {"opening", "ronde"}
    assert solve(without, time_limit=5).placed == 1


def test_availability_only_while_everyone_is_there() -> None:
    problem = MeetingProblem(
        space(open_=("10:00", "11:00")),
        (Meeting("m", ("ann", "gast"), 30),),
        available={"gast": (Window(at("10:30"), at("11:00")),)},
    )
    assert rules_broken(problem, [place("m", "t1", "10:15", 30)]) == {"availability"}
    assert rules_broken(problem, [place("m", "t1", "10:30", 30)]) == set()
    result = solve(problem, time_limit=5)
    assert [p.start for p in result.placements] == [at("10:30")]


def test_table_capacity_seats_and_one_meeting_at_a_table() -> None:
    problem = MeetingProblem(
        NetworkingSpace(
            "hal",
            "Hal",
            (Table("klein", "Klein", 2), Table("groot", "Groot", 4)),
            (Window(at("10:00"), at("10:15")),),
        ),
        (Meeting("drie", ("a", "b", "c"), 15), Meeting("twee", ("d", "e"), 15)),
    )
    assert rules_broken(problem, [place("drie", "klein", "10:00")]) == {"table-capacity"}
    both_big = [place("drie", "groot", "10:00"), place("twee", "groot", "10:00")]
    assert rules_broken(problem, both_big) == {"table-capacity"}
    assert rules_broken(problem, [place("drie", "groot", "10:00"), place("twee", "klein", "10:00")]) == set()
    result = solve(problem, time_limit=5)
    assert {(p.meeting, p.table) for p in result.placements} == {("drie", "groot"), ("twee", "klein")}
    too_big = MeetingProblem(problem.space, (Meeting("vijf", ("a", "b", "c", "d", "e"), 15),))
    assert solve(too_big, time_limit=5).unplaced[0].reason == "no-table"


def test_one_meeting_per_person_at_a_time() -> None:
    problem = MeetingProblem(
        space(tables=2, open_=("10:00", "10:15")),
        (Meeting("m1", ("ann", "bob"), 15, order=0), Meeting("m2", ("ann", "cas"), 15, order=1)),
    )
    assert rules_broken(problem, [place("m1", "t1", "10:00"), place("m2", "t2", "10:00")]) == {
        "one-meeting-at-a-time"
    }
    result = solve(problem, time_limit=5)
    # Two tables but one slot: ann can take one meeting; the earlier request wins.
    assert [p.meeting for p in result.placements] == ["m1"]
    assert result.unplaced[0].meeting == "m2"
    assert result.unplaced[0].reason == "taken"
    assert result.bound == 1
    assert result.status is Status.OPTIMAL


def test_open_times_and_grid() -> None:
    problem = MeetingProblem(space(open_=("10:00", "10:30")), (Meeting("m", ("a", "b"), 30),))
    assert rules_broken(problem, [place("m", "t1", "10:05", 30)]) == {"open"}
    assert rules_broken(problem, [place("m", "t1", "10:15", 30)]) == {"open"}  # ends after closing
    assert rules_broken(problem, [place("m", "zolder", "10:00", 30)]) == {"open"}
    assert rules_broken(problem, [place("m", "t1", "10:00", 30)]) == set()


def test_most_meetings_placed_before_earlier_requests() -> None:
    # m0 (asked first, 30 min) would take the only slot both others need: two meetings beat one.
    problem = MeetingProblem(
        space(tables=1, open_=("10:00", "10:30")),
        (
            Meeting("m0", ("a", "b"), 30, order=0),
            Meeting("m1", ("c", "d"), 15, order=1),
            Meeting("m2", ("e", "f"), 15, order=2),
        ),
    )
    result = solve(problem, time_limit=5)
    assert {p.meeting for p in result.placements} == {"m1", "m2"}
    assert result.placed == result.bound == 2


def test_fewer_table_changes_for_people_with_several_meetings() -> None:
    problem = MeetingProblem(
        space(tables=3, open_=("10:00", "10:45")),
        (
            Meeting("m1", ("ann", "bob"), 15),
            Meeting("m2", ("ann", "cas"), 15),
            Meeting("m3", ("ann", "dirk"), 15),
        ),
    )
    result = solve(problem, time_limit=5)
    assert result.placed == 3
    assert len({p.table for p in result.placements}) == 1
    assert result.table_changes(problem) == 0
    assert result.stage(Measure.TABLES) is not None


def test_re_placing_moves_only_what_must_move() -> None:
    meetings = tuple(Meeting(f"m{i}", (f"p{i}", f"q{i}"), 15, order=i) for i in range(6))
    problem = MeetingProblem(space(tables=2, open_=("10:00", "11:00")), meetings)
    first = solve(problem, time_limit=5)
    assert first.placed == 6
    announced = {p.meeting: p for p in first.placements}
    # p0 now has a session over their meeting's time; a new meeting comes in.
    busy_at = announced["m0"].start
    changed = MeetingProblem(
        problem.space,
        (*meetings, Meeting("new", ("x", "y"), 15, order=9)),
        busy={"p0": (Busy(busy_at, busy_at + timedelta(minutes=15), "extra"),)},
        announced=announced,
    )
    again = solve(changed, time_limit=5)
    assert again.placed == 7
    assert again.moved == 1
    kept = {p.meeting: p for p in again.placements}
    assert all(kept[m] == p for m, p in announced.items() if m != "m0")
    assert check(changed, again.placements) == []


def test_an_announced_meeting_is_not_dropped_for_new_ones() -> None:
    old = Meeting("old", ("a", "b"), 30, order=0)
    problem = MeetingProblem(
        space(tables=1, open_=("10:00", "10:30")),
        (old, Meeting("n1", ("c", "d"), 15, order=1), Meeting("n2", ("e", "f"), 15, order=2)),
        announced={"old": place("old", "t1", "10:00", 30)},
    )
    result = solve(problem, time_limit=5)
    assert [p.meeting for p in result.placements] == ["old"]
    assert result.moved == 0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_days_give_valid_plans(seed: int) -> None:

    rng = random.Random(seed)  # noqa: S311 - a reproducible test day, no secret
    people = [f"p{i}" for i in range(30)]
    busy = {p: (Busy(at("10:30"), at("11:30"), "ronde-1"),) for p in people if rng.random() < 0.5}
    meetings = tuple(
        Meeting(f"m{i}", tuple(rng.sample(people, rng.choice((2, 2, 3)))), rng.choice((15, 30)), i)
        for i in range(40)
    )
    problem = MeetingProblem(space(tables=3, open_=("10:00", "12:00"), transfer=5), meetings, busy=busy)
    result = solve(problem, time_limit=5)
    assert check(problem, result.placements) == []
    assert result.placed + len(result.unplaced) == len(meetings)
    assert result.placed <= result.bound


def test_re_placing_keeps_announced_tables_when_other_times_allow() -> None:
    # Found by review: with the tables given after the times, m3 took 10:00 and pushed m1 to the other
    # table although m3 at 10:15 beside m2 moves nothing.
    problem = MeetingProblem(
        space(tables=2, open_=("10:00", "11:00")),
        (
            Meeting("m1", ("a", "b"), 15, order=0),
            Meeting("m2", ("c", "d"), 15, order=1),
            Meeting("m3", ("e", "f"), 30, order=2),
        ),
        announced={"m1": place("m1", "t1", "10:00"), "m2": place("m2", "t2", "10:15")},
    )
    for seed in range(3):
        result = solve(problem, time_limit=5, seed=seed)
        assert result.placed == 3
        assert result.moved == 0
        assert check(problem, result.placements) == []


def test_overlapping_openings_count_each_start_once() -> None:
    doubled = NetworkingSpace(
        "hal",
        "Hal",
        (Table("t1", "Tafel 1", 4),),
        (Window(at("10:00"), at("11:00")), Window(at("10:30"), at("11:30"))),
    )
    assert [s.strftime("%H:%M") for s in doubled.starts(15)].count("10:30") == 1
    meetings = tuple(Meeting(f"m{i}", (f"p{i}", f"q{i}"), 15, order=i) for i in range(3))
    only = {p: (Window(at("10:30"), at("10:45")),) for m in meetings for p in m.people}
    result = solve(MeetingProblem(doubled, meetings, available=only), time_limit=5)
    assert result.placed == 1
    assert check(MeetingProblem(doubled, meetings, available=only), result.placements) == []


def test_announced_times_in_another_zone_across_summer_time() -> None:
    # Found by review: moments from the database come in UTC; wall-clock arithmetic across the change
    # of 29 October 2023 put a kept meeting an hour off.
    def on(day: int, hhmm: str) -> datetime:
        h, m = hhmm.split(":")
        return datetime(2023, 10, day, int(h), int(m), tzinfo=TZ)

    two_days = NetworkingSpace(
        "hal",
        "Hal",
        (Table("groot", "Groot", 3), Table("klein", "Klein", 2)),
        (Window(on(28, "10:00"), on(28, "11:00")), Window(on(30, "10:00"), on(30, "12:00"))),
    )
    start = on(30, "10:00").astimezone(ZoneInfo("UTC"))
    told = Placement("m1", "groot", start, start + timedelta(minutes=15))
    problem = MeetingProblem(two_days, (Meeting("m1", ("a", "b", "c"), 15),), announced={"m1": told})
    result = solve(problem, time_limit=5)
    assert result.moved == 0
    assert result.placements[0].start == on(30, "10:00")


def test_a_meeting_longer_than_every_opening_says_so() -> None:
    problem = MeetingProblem(space(open_=("10:00", "10:30")), (Meeting("m", ("a", "b"), 45),))
    result = solve(problem, time_limit=5)
    assert result.unplaced[0].reason == "too-long"
    assert "as long as the meeting" in result.unplaced[0].message()


def test_nothing_found_in_time_claims_no_bound() -> None:
    meetings = tuple(Meeting(f"m{i}", (f"p{i % 40}", f"q{i % 37}"), 15, order=i) for i in range(400))
    problem = MeetingProblem(space(tables=4, open_=("09:00", "17:00")), meetings)
    result = solve(problem, time_limit=0.01)
    if result.status is Status.UNKNOWN:
        assert result.bound == len(meetings)
    assert result.placed <= result.bound


def test_a_large_re_placement_that_moves_a_table_says_it_is_unproven(monkeypatch: pytest.MonkeyPatch) -> None:
    # On a large day the tables are given after the times; a table move that stage `kept` could not see
    # must not be reported as optimal.
    import netwerkdag.scheduling.meetings as placing

    monkeypatch.setattr(placing, "SMALL_RE_PLACEMENT", 0)
    problem = MeetingProblem(
        space(tables=2, open_=("10:00", "11:00")),
        (
            Meeting("m1", ("a", "b"), 15, order=0),
            Meeting("m2", ("c", "d"), 15, order=1),
            Meeting("m3", ("e", "f"), 30, order=2),
        ),
        announced={"m1": place("m1", "t1", "10:00"), "m2": place("m2", "t2", "10:15")},
    )
    for seed in range(3):
        result = solve(problem, time_limit=5, seed=seed)
        assert check(problem, result.placements) == []
        kept = result.stage(Measure.KEPT)
        assert kept is not None
        assert kept.value == 2 - result.moved
        if result.moved:
            assert result.status is not Status.OPTIMAL
