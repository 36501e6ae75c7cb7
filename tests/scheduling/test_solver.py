"""The solver: its plans pass the checker, infeasible days are explained, repairs move only what must move,
and on the Haarlem population it does no worse than the hand-made programme."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netwerkdag.core.event import Event
from netwerkdag.core.interests import Interest, Interests, Reason, derive_interests
from netwerkdag.core.timegrid import Window
from netwerkdag.files.load import load_event
from netwerkdag.scheduling.explain import NOT_PROVEN
from netwerkdag.scheduling.model import Options
from netwerkdag.scheduling.plan import Place, placements
from netwerkdag.scheduling.report import conflicts, weighted
from netwerkdag.scheduling.rules import PlanView, check_plan
from netwerkdag.scheduling.solve import schedule

if TYPE_CHECKING:
    from tests.conftest import RunCli

SLOT_TIMES = (("10:00", "11:00"), ("11:15", "12:15"), ("13:00", "14:00"), ("15:00", "16:00"))


def tiny_event(
    tmp: Path,
    *,
    rooms: list[dict[str, Any]],
    sessions: list[dict[str, Any]],
    slots: int = 2,
    people: list[dict[str, Any]] | None = None,
    availability: dict[str, Any] | None = None,
) -> Path:
    """A one-day event with `slots` parallel rounds, as a folder; sessions are theme-group meetings."""
    folder = tmp / f"event-{len(list(tmp.iterdir()))}"
    folder.mkdir()
    network = {
        "id": "net",
        "name": "Net",
        "organisations": [{"id": "stad", "name": "Stad", "member": True}],
        "groups": [{"id": f"g{i}", "name": f"Groep {i}"} for i in range(12)],
        "people": people or [],
    }
    blocks = [
        {"id": f"r{t + 1}", "kind": "parallel", "start": SLOT_TIMES[t][0], "end": SLOT_TIMES[t][1]}
        for t in range(slots)
    ]
    full_sessions = [
        {"kind": "theme-group-meeting", "title": s["id"], "group": f"g{i}", **s}
        for i, s in enumerate(sessions)
    ]
    event = {
        "network": "network.yaml",
        "event": {
            "slug": "klein",
            "title": "Klein",
            "date": "2026-03-10",
            "venue": {"name": "Stadhuis"},
            "rooms": rooms,
            "blocks": blocks,
            "availability": availability or {},
            "sessions": full_sessions,
        },
    }
    (folder / "network.yaml").write_text(yaml.safe_dump(network, sort_keys=False), encoding="utf-8")
    (folder / "event.yaml").write_text(yaml.safe_dump(event, sort_keys=False), encoding="utf-8")
    return folder


def wants(*rows: tuple[str, str, int]) -> Interests:
    return Interests(tuple(Interest(p, s, w, Reason.FILE) for p, s, w in rows))


def run(event: Event, interests: Interests, **options: Any) -> Any:
    return schedule(event, interests, Options(time_limit=options.pop("time_limit", 5.0), **options))


# --- infeasible days are explained ------------------------------------------------------------------------


def test_guest_only_there_when_the_only_big_room_is_pinned_is_explained(tmp_path: Path) -> None:
    folder = tiny_event(
        tmp_path,
        slots=4,
        rooms=[
            {"id": "grote-zaal", "name": "Grote zaal", "capacity": 180},
            {"id": "zaal-2", "name": "Zaal 2", "capacity": 40},
        ],
        people=[{"id": "gast", "name": "Gast", "role": "staatssecretaris"}],
        availability={"gast": [{"start": "15:00", "end": "15:45"}]},
        sessions=[
            {"id": "gesprek", "block": "r1", "room": "grote-zaal", "end": "10:45", "pin": False,
             "expected_attendance": 120, "participants": [{"person": "gast", "role": "guest"}]},
            {"id": "vaste-zitting", "block": "r4", "room": "grote-zaal", "pin": True},
        ],
    )  # fmt: skip
    event = load_event(folder, plan_rules=False)

    result = run(event, Interests())

    assert result.status == "infeasible"
    assert sorted(result.explanation) == [
        "person-unavailable: 'gast' (Gast), guest of 'gesprek', is there only 15:00-15:45",
        "room-capacity: 'gesprek' expects 120 people, so it needs a room that seats them: grote-zaal (180)",
        "room-double-booked: 'vaste-zitting' holds grote-zaal during r4 (15:00-16:00)",
        "room-double-booked: one session at a time in each of the rooms grote-zaal (180), and 'gesprek' can "
        "only use those",
    ]


def pinned_chair_day(tmp_path: Path, pin: bool | str) -> Event:
    """One round; p0 chairs s0 (pinned: `pin`) and speaks in s1, which may move; two rooms."""
    folder = tiny_event(
        tmp_path,
        slots=1,
        rooms=[{"id": f"zaal-{k}", "name": f"Zaal {k}", "capacity": 30} for k in (1, 2)],
        people=[{"id": "p0", "name": "Piet Pot", "role": "wethouder"}],
        sessions=[
            {"id": "s0", "block": "r1", "room": "zaal-1", "pin": pin,
             "participants": [{"person": "p0", "role": "chair"}]},
            {"id": "s1", "block": "r1", "room": "zaal-2",
             "participants": [{"person": "p0", "role": "speaker"}]},
        ],
    )  # fmt: skip
    return load_event(folder, plan_rules=False)


def test_pinned_chair_who_speaks_in_a_movable_session_is_explained_as_their_clash(tmp_path: Path) -> None:
    result = run(pinned_chair_day(tmp_path, True), Interests())

    assert result.status == "infeasible"
    assert result.explanation == (
        "person-double-booked: 'p0' (Piet Pot) is speaker of 's1', but can be in none of the rounds it may "
        "take: in r1 (10:00-11:00) they are chair of 's0', fixed at 10:00-11:00",
    )


def test_chair_of_a_session_pinned_to_the_round_is_explained_as_their_clash(tmp_path: Path) -> None:
    result = run(pinned_chair_day(tmp_path, "block"), Interests())

    assert result.status == "infeasible"
    assert result.explanation == (
        "person-double-booked: 'p0' (Piet Pot) is chair of 's0' and speaker of 's1': 2 sessions, one at a "
        "time, and the rounds they may take leave 1 for them (r1 (10:00-11:00))",
    )


def test_infeasible_schedule_cli_prints_the_clashing_rules_and_exits_1(
    tmp_path: Path, run_cli: RunCli
) -> None:
    folder = tiny_event(
        tmp_path,
        slots=1,
        rooms=[{"id": "zaal", "name": "Zaal", "capacity": 20}],
        sessions=[{"id": "groot", "block": "r1", "room": "zaal", "expected_attendance": 50}],
    )

    result = run_cli("schedule", str(folder), "--time-limit", "2")

    assert result.returncode == 1
    assert "These rules clash" in result.stdout
    assert "room-capacity: 'groot' expects 50 people, and no room seats that many" in result.stdout
    assert "Traceback" not in result.stderr


# --- repair moves only what must move ---------------------------------------------------------------------


def four_sessions(tmp_path: Path, **extra: Any) -> Path:
    return tiny_event(
        tmp_path,
        rooms=[{"id": f"z{i}", "name": f"Zaal {i}", "capacity": 30} for i in (1, 2, 3)],
        people=[{"id": "spreker", "name": "Spreker", "role": "wethouder"}],
        sessions=[
            {"id": "s1", "block": "r1", "room": "z1",
             "participants": [{"person": "spreker", "role": "speaker"}]},
            {"id": "s2", "block": "r1", "room": "z2"},
            {"id": "s3", "block": "r2", "room": "z1"},
            {"id": "s4", "block": "r2", "room": "z2"},
        ],
        **extra,
    )  # fmt: skip


# Everyone who wants s1 also wants s3, so solving from scratch would happily reshuffle.
INTERESTS = wants(
    ("a", "s1", 3), ("a", "s2", 3), ("b", "s3", 3), ("b", "s4", 3), ("c", "s1", 1), ("c", "s4", 1)
)


def test_repair_after_a_room_is_removed_moves_only_the_sessions_in_it(tmp_path: Path) -> None:
    event = load_event(four_sessions(tmp_path), plan_rules=False)
    previous = placements(event)
    without_z2 = dataclasses.replace(event, rooms=tuple(r for r in event.rooms if r.id != "z2"))

    result = run(without_z2, INTERESTS, repair_from=previous)

    assert result.status == "optimal"
    assert sorted(result.moved) == ["s2", "s4"]
    after = placements(result.event)
    # Both had to leave z2; they also swap rounds, which spares person a a conflict (s1 and s2).
    assert (after["s2"], after["s4"]) == (Place("r2", "z3"), Place("r1", "z3"))
    assert (after["s1"], after["s3"]) == (previous["s1"], previous["s3"])
    assert check_plan(PlanView(result.event, result.seats)) == []


def test_repair_after_a_speaker_becomes_unavailable_moves_only_their_session(tmp_path: Path) -> None:
    event = load_event(four_sessions(tmp_path), plan_rules=False)
    previous = placements(event)
    late = Window(event.block("r2").start, event.block("r2").end)
    changed = dataclasses.replace(event, availability=MappingProxyType({"spreker": (late,)}))

    result = run(changed, INTERESTS, repair_from=previous)

    assert result.moved == ("s1",)
    assert placements(result.event)["s1"] == Place("r2", "z3")


# --- every plan the solver returns passes the checker ------------------------------------------------------


@st.composite
def small_days(
    draw: st.DrawFn,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int, list[tuple[str, str, int]]]:
    slots = draw(st.integers(1, 3))
    capacities = draw(st.lists(st.integers(10, 60), min_size=1, max_size=3))
    rooms = [{"id": f"z{i}", "name": f"Zaal {i}", "capacity": c} for i, c in enumerate(capacities)]
    count = draw(st.integers(1, slots * len(rooms)))
    sessions = []
    for k in range(count):
        t, r = divmod(k, len(rooms))
        session: dict[str, Any] = {"id": f"s{k}", "block": f"r{t + 1}", "room": f"z{r}"}
        session["expected_attendance"] = draw(st.integers(0, max(capacities)))
        if draw(st.booleans()):
            session["participants"] = [{"person": f"p{draw(st.integers(0, 2))}", "role": "chair"}]
        pin = draw(st.sampled_from([None, None, True, "block", "room"]))
        if pin is not None:
            session["pin"] = pin
        sessions.append(session)
    rows = draw(
        st.lists(
            st.tuples(st.sampled_from(["a", "b", "c", "d"]), st.sampled_from([s["id"] for s in sessions]),
                      st.sampled_from([1, 3, 10])),
            max_size=12,
        )
    )  # fmt: skip
    return rooms, sessions, slots, rows


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(day=small_days())
def test_every_plan_the_solver_returns_passes_the_checker(tmp_path: Path, day: Any) -> None:
    rooms, sessions, slots, rows = day
    people = [{"id": f"p{i}", "name": f"Persoon {i}", "role": "wethouder"} for i in range(3)]
    event = load_event(
        tiny_event(tmp_path, rooms=rooms, sessions=sessions, slots=slots, people=people), plan_rules=False
    )
    interests = derive_interests(event).merged_with(wants(*rows).items)

    result = run(event, interests, time_limit=3.0)

    if result.status in ("optimal", "feasible"):
        assert check_plan(PlanView(result.event, result.seats, reference=event)) == []
        assert result.objective == weighted(conflicts(result.event, interests))
        assert result.bound is not None
        assert result.bound <= result.objective
    else:
        assert result.status == "infeasible"
        assert result.explanation
        assert NOT_PROVEN not in result.explanation


# --- the Haarlem day --------------------------------------------------------------------------------------


def test_haarlem_plan_has_no_more_conflicts_than_the_hand_made_programme(haarlem_path: Path) -> None:
    event = load_event(haarlem_path, plan_rules=False)
    interests = derive_interests(event)
    hand_made = weighted(conflicts(event, interests))

    result = run(event, interests, time_limit=5.0)

    assert result.status in ("optimal", "feasible")
    assert result.objective <= hand_made
    assert result.bound is not None
    assert 0 < result.bound <= result.objective
    assert check_plan(PlanView(result.event, result.seats, reference=event)) == []
    pinned = [s.id for s in event.sessions if s.pin.value == "both"]
    assert all(result.event.session(s) == event.session(s) for s in pinned)


def test_schedule_cli_writes_the_plan_into_a_copy_of_the_folder(
    haarlem_path: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    out = tmp_path / "plan"

    result = run_cli("schedule", str(haarlem_path), "-o", str(out), "--time-limit", "3", "--json")
    checked = run_cli("check", str(out), "--json")

    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert set(summary) == {
        "status", "objective", "conflicts", "bound", "gap", "wall_s", "moved", "explanation", "violations"
    }  # fmt: skip
    assert json.loads(checked.stdout) == {"hard_violations": [], "conflicts": summary["objective"]}
    before = (haarlem_path / "event.yaml").read_text(encoding="utf-8").splitlines()
    after = (out / "event.yaml").read_text(encoding="utf-8").splitlines()
    changed = [b for a, b in zip(before, after, strict=True) if a != b]
    assert changed
    assert all(line.strip().startswith(("block:", "room:")) for line in changed)
    assert (out / "population.yaml").read_bytes() == (haarlem_path / "population.yaml").read_bytes()
