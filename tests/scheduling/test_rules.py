"""The hard rules of a plan (`scheduling.rules`): each rule's check, kept and broken, on a tiny hand-built
day, with the sessions, people and rooms each violation names, and `netwerkdag check` on the command line.
That each rule is also posted by the slot model and named by explanations: `test_rule_list.py`.

The tiny day: two parallel rounds (10:00-11:00 and 11:05-12:00) around a transfer, three rooms (zaal-1
seats 40 and is accessible, zaal-2 seats 20, the foyer seats 10 and is shared), three theme-group meetings
whose seats are set with `expected_attendance`, and a network of one pillar, three groups and three people.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from netwerkdag.core.event import Event
from netwerkdag.core.interests import derive_interests
from netwerkdag.files.load import load_event
from netwerkdag.scheduling.instance import seats_needed
from netwerkdag.scheduling.plan import Place, apply
from netwerkdag.scheduling.rules import RULES, PlanView, Violation, base, check_plan

NETWORK: dict[str, Any] = {
    "id": "testnet",
    "name": "Testnetwerk",
    "pillars": [{"id": "sociaal", "name": "Sociaal", "chair": "anna"}],
    "groups": [
        {"id": "wonen", "name": "Wonen", "pillar": "sociaal", "chair": "anna"},
        {"id": "werk", "name": "Werk", "pillar": "sociaal", "chair": "bert"},
        {"id": "zorg", "name": "Zorg", "pillar": "sociaal"},
    ],
    "people": [
        {"id": "anna", "name": "Anna de Vries", "role": "wethouder", "groups": ["wonen"]},
        {"id": "bert", "name": "Bert Jansen", "role": "wethouder", "groups": ["werk"]},
        {"id": "gast", "name": "Gerda Gast", "role": "staatssecretaris"},
    ],
}

ROOMS: list[dict[str, Any]] = [
    {"id": "zaal-1", "name": "Zaal 1", "capacity": 40, "features": ["accessible"]},
    {"id": "zaal-2", "name": "Zaal 2", "capacity": 20},
    {"id": "foyer", "name": "Foyer", "capacity": 10, "shared": True},
]

BLOCKS: list[dict[str, Any]] = [
    {"id": "ronde-1", "kind": "parallel", "start": "10:00", "end": "11:00"},
    {"id": "wissel", "kind": "transfer", "start": "11:00", "end": "11:05"},
    {"id": "ronde-2", "kind": "parallel", "start": "11:05", "end": "12:00"},
]


if TYPE_CHECKING:
    from tests.conftest import RunCli


def _session(sid: str, group: str, block: str, room: str, seats: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": sid,
        "kind": "theme-group-meeting",
        "title": f"Themagroep {group}",
        "group": group,
        "block": block,
        "room": room,
        "expected_attendance": seats,
        **extra,
    }


def base_sessions() -> list[dict[str, Any]]:
    """sa and sb run in the first round, sc in the second; every one fits its room."""
    return [
        _session("sa", "wonen", "ronde-1", "zaal-1", 30),
        _session("sb", "werk", "ronde-1", "zaal-2", 15),
        _session("sc", "zorg", "ronde-2", "zaal-1", 10),
    ]


def write_event(
    folder: Path,
    sessions: list[dict[str, Any]] | None = None,
    *,
    availability: dict[str, Any] | None = None,
    scheduling: dict[str, Any] | None = None,
) -> Path:
    """Write a one-file event (the network inline) into `folder` and return the file's path."""
    event: dict[str, Any] = {
        "slug": "testdag",
        "title": "Testdag",
        "date": "2023-02-10",
        "venue": {"name": "Stadhuis"},
        "rooms": copy.deepcopy(ROOMS),
        "blocks": copy.deepcopy(BLOCKS),
        "sessions": base_sessions() if sessions is None else sessions,
    }
    if availability is not None:
        event["availability"] = availability
    if scheduling is not None:
        event["scheduling"] = scheduling
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "event.yaml"
    path.write_text(
        yaml.safe_dump({"network": copy.deepcopy(NETWORK), "event": event}, sort_keys=False), encoding="utf-8"
    )
    return path


def load(folder: Path, sessions: list[dict[str, Any]] | None = None, **kwargs: Any) -> Event:
    return load_event(write_event(folder, sessions, **kwargs), plan_rules=False)


def view_of(event: Event, reference: Event | None = None) -> PlanView:
    return PlanView(event, seats_needed(event, derive_interests(event)), reference)


def violations_of(rule: str, view: PlanView) -> list[Violation]:
    return [v for v in check_plan(view) if v.rule == rule]


def edited(**changes: dict[str, Any]) -> list[dict[str, Any]]:
    """The base sessions with the fields of some replaced: ``edited(sb={"room": "zaal-1"})``."""
    sessions = base_sessions()
    for s in sessions:
        s.update(changes.get(s["id"], {}))
    return sessions


# --- the rule names --------------------------------------------------------------------------------------


def test_rule_names_are_unique() -> None:
    names = [r.name for r in RULES]

    assert len(names) == len(set(names))


def test_every_rule_documents_itself() -> None:
    assert all(rule.summary and rule.summary == rule.summary.strip() for rule in RULES)


def test_base_day_breaks_no_rule(tmp_path: Path) -> None:
    event = load(tmp_path)

    assert check_plan(view_of(event, reference=event)) == []


def test_check_reads_the_clashes_of_the_core_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    event = load(tmp_path, edited(sb={"room": "zaal-1"}))
    calls: list[Event] = []
    real = base.plan_clashes

    def counted(plan: Event) -> Any:
        calls.append(plan)
        return real(plan)

    monkeypatch.setattr(base, "plan_clashes", counted)

    check_plan(view_of(event))

    assert calls == [event]


# --- room-double-booked -----------------------------------------------------------------------------------


def test_room_double_booked_kept_in_shared_room_and_when_combined(tmp_path: Path) -> None:
    shared = load(
        tmp_path / "shared", edited(sa={"room": "foyer", "expected_attendance": 5}, sb={"room": "foyer"})
    )
    combined = load(
        tmp_path / "combined",
        edited(sa={"combined_with": ["sb"]}, sb={"room": "zaal-1", "expected_attendance": 5}),
    )

    assert violations_of("room-double-booked", view_of(shared)) == []
    assert violations_of("room-double-booked", view_of(combined)) == []


def test_room_double_booked_broken(tmp_path: Path) -> None:
    event = load(tmp_path, edited(sb={"room": "zaal-1"}))

    (v,) = violations_of("room-double-booked", view_of(event))

    assert v.sessions == ("sa", "sb")
    assert v.people == ()
    assert v.rooms == ("zaal-1",)
    assert "'sa'" in v.message
    assert "'sb'" in v.message


# --- person-double-booked ---------------------------------------------------------------------------------


def test_person_double_booked_kept(tmp_path: Path) -> None:
    # anna chairs sa in the first round and sc in the second; as a contact she may be listed in sb too
    event = load(
        tmp_path,
        edited(
            sa={"participants": [{"person": "anna", "role": "chair"}]},
            sb={"participants": [{"person": "anna", "role": "contact"}]},
            sc={"participants": [{"person": "anna", "role": "chair"}]},
        ),
    )

    assert violations_of("person-double-booked", view_of(event)) == []


def test_person_double_booked_broken(tmp_path: Path) -> None:
    event = load(
        tmp_path,
        edited(
            sa={"participants": [{"person": "anna", "role": "chair"}]},
            sb={"participants": [{"person": "anna", "role": "speaker"}]},
        ),
    )

    (v,) = violations_of("person-double-booked", view_of(event))

    assert v.people == ("anna",)
    assert v.sessions == ("sa", "sb")


# --- person-unavailable -----------------------------------------------------------------------------------


def test_person_unavailable_kept(tmp_path: Path) -> None:
    event = load(
        tmp_path,
        edited(sc={"participants": [{"person": "gast", "role": "guest"}]}),
        availability={"gast": [{"start": "11:05", "end": "12:00"}]},
    )

    assert violations_of("person-unavailable", view_of(event)) == []


def test_person_unavailable_broken(tmp_path: Path) -> None:
    event = load(
        tmp_path,
        edited(sa={"participants": [{"person": "gast", "role": "guest"}]}),
        availability={"gast": [{"start": "11:05", "end": "12:00"}]},
    )

    (v,) = violations_of("person-unavailable", view_of(event))

    assert v.people == ("gast",)
    assert v.sessions == ("sa",)


def test_person_unavailable_on_an_event_of_two_days_says_which_day(tmp_path: Path) -> None:
    path = write_event(
        tmp_path,
        edited(sc={"participants": [{"person": "gast", "role": "guest"}]}),
        availability={"gast": [{"date": "2023-02-10", "start": "10:00", "end": "11:00"}]},
    )
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["event"]["end_date"] = "2023-02-11"
    document["event"]["blocks"][2]["date"] = "2023-02-11"  # ronde-2 on the second day, at 11:05
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    event = load_event(path, plan_rules=False)

    (v,) = violations_of("person-unavailable", view_of(event))

    assert v.sessions == ("sc",)
    assert "available only 2023-02-10 10:00-11:00" in v.message
    assert "runs 2023-02-11 11:05-12:00" in v.message


# --- room-capacity ----------------------------------------------------------------------------------------


def test_room_capacity_kept_when_exactly_full_and_in_a_shared_room(tmp_path: Path) -> None:
    event = load(
        tmp_path, edited(sa={"expected_attendance": 40}, sb={"room": "foyer", "expected_attendance": 99})
    )
    view = view_of(event)

    assert view.seats["sa"] == 40
    assert violations_of("room-capacity", view) == []


def test_room_capacity_broken(tmp_path: Path) -> None:
    event = load(tmp_path, edited(sa={"expected_attendance": 41}))

    (v,) = violations_of("room-capacity", view_of(event))

    assert v.sessions == ("sa",)
    assert v.people == ()
    assert v.rooms == ("zaal-1",)
    assert "41" in v.message
    assert "'zaal-1'" in v.message


def test_room_capacity_judges_the_seats_it_is_given(tmp_path: Path) -> None:
    event = load(tmp_path)

    seats = {"sa": 30, "sb": 21, "sc": 10}
    (v,) = violations_of("room-capacity", PlanView(event, seats))

    assert v.sessions == ("sb",)


@pytest.mark.parametrize(("margin", "seats"), [(0.0, 1), (0.5, 2), (2.0, 3)])
def test_room_capacity_estimate_adds_the_margin(tmp_path: Path, margin: float, seats: int) -> None:
    # without expected_attendance the seats are estimated from interests: anna chairs wonen and must come
    # (1.0 expected), plus the margin, rounded up
    sessions = base_sessions()
    del sessions[0]["expected_attendance"]
    event = load(tmp_path, sessions, scheduling={"capacity_margin": margin})

    assert view_of(event).seats["sa"] == seats


# --- room-features ----------------------------------------------------------------------------------------


def test_room_features_kept(tmp_path: Path) -> None:
    event = load(tmp_path, edited(sa={"requires": ["accessible"]}))

    assert violations_of("room-features", view_of(event)) == []


def test_room_features_broken(tmp_path: Path) -> None:
    event = load(tmp_path, edited(sb={"requires": ["accessible", "beamer"]}))

    (v,) = violations_of("room-features", view_of(event))

    assert v.sessions == ("sb",)
    assert v.people == ()
    assert "accessible, beamer" in v.message
    assert "'zaal-2'" in v.message


# --- session-order ----------------------------------------------------------------------------------------


def test_session_order_kept_in_a_later_round_and_right_after(tmp_path: Path) -> None:
    later = load(tmp_path / "later", edited(sc={"after": ["sa"]}))
    # sb starts at 10:30, the moment sa ends: that is after, not during
    right_after = load(
        tmp_path / "right", edited(sa={"end": "10:30"}, sb={"start": "10:30", "after": ["sa"]})
    )

    assert violations_of("session-order", view_of(later)) == []
    assert violations_of("session-order", view_of(right_after)) == []


def test_session_order_broken(tmp_path: Path) -> None:
    event = load(tmp_path, edited(sa={"after": ["sc"]}))

    (v,) = violations_of("session-order", view_of(event))

    assert v.sessions == ("sc", "sa")
    assert v.people == ()


def test_session_order_broken_in_the_same_round(tmp_path: Path) -> None:
    event = load(tmp_path, edited(sb={"after": ["sa"]}))

    (v,) = violations_of("session-order", view_of(event))

    assert v.sessions == ("sa", "sb")


# --- not-parallel -----------------------------------------------------------------------------------------


def test_not_parallel_kept_in_other_rounds_and_back_to_back(tmp_path: Path) -> None:
    apart = load(tmp_path / "apart", edited(sa={"not_parallel_with": ["sc"]}))
    back_to_back = load(
        tmp_path / "back", edited(sa={"end": "10:30", "not_parallel_with": ["sb"]}, sb={"start": "10:30"})
    )

    assert violations_of("not-parallel", view_of(apart)) == []
    assert violations_of("not-parallel", view_of(back_to_back)) == []


def test_not_parallel_broken(tmp_path: Path) -> None:
    event = load(tmp_path, edited(sa={"not_parallel_with": ["sb"]}))

    (v,) = violations_of("not-parallel", view_of(event))

    assert v.sessions == ("sa", "sb")
    assert v.people == ()


# --- pinned -----------------------------------------------------------------------------------------------

PINS = {"sa": True, "sb": "block", "sc": "room"}


@pytest.fixture
def pinned_day(tmp_path: Path) -> Event:
    return load(tmp_path, edited(**{sid: {"pin": pin} for sid, pin in PINS.items()}))


@pytest.mark.parametrize(
    "moves",
    [
        pytest.param({}, id="nothing-moves"),
        pytest.param({"sb": Place("ronde-1", "foyer")}, id="block-pin-changes-room"),
        pytest.param({"sc": Place("ronde-1", "zaal-1")}, id="room-pin-changes-block"),
    ],
)
def test_pinned_kept(pinned_day: Event, moves: dict[str, Place]) -> None:
    plan = apply(pinned_day, moves)

    assert violations_of("pinned", view_of(plan, reference=pinned_day)) == []


def test_pinned_free_session_may_move(tmp_path: Path) -> None:
    event = load(tmp_path)
    plan = apply(event, {"sa": Place("ronde-2", "zaal-2")})

    assert violations_of("pinned", view_of(plan, reference=event)) == []


@pytest.mark.parametrize(
    ("session", "place"),
    [
        pytest.param("sa", Place("ronde-2", "zaal-2"), id="both-pin-moves"),
        pytest.param("sa", Place("ronde-1", "foyer"), id="both-pin-changes-room"),
        pytest.param("sb", Place("ronde-2", "zaal-2"), id="block-pin-changes-block"),
        pytest.param("sc", Place("ronde-2", "zaal-2"), id="room-pin-changes-room"),
    ],
)
def test_pinned_broken(pinned_day: Event, session: str, place: Place) -> None:
    plan = apply(pinned_day, {session: place})

    (v,) = violations_of("pinned", view_of(plan, reference=pinned_day))

    assert v.sessions == (session,)
    assert v.people == ()
    assert f"{place.block}/{place.room}" in v.message


def test_pinned_without_reference_holds(pinned_day: Event) -> None:
    plan = apply(pinned_day, {"sa": Place("ronde-2", "zaal-2")})

    assert violations_of("pinned", view_of(plan)) == []


# --- netwerkdag check -------------------------------------------------------------------------------------


def test_check_haarlem_json(run_cli: RunCli, haarlem_path: Path) -> None:
    result = run_cli("check", str(haarlem_path), "--json")

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    document = json.loads(result.stdout)
    assert {"hard_violations", "conflicts"} <= document.keys()
    assert isinstance(document["conflicts"], int)
    assert [(v["rule"], v["sessions"]) for v in document["hard_violations"]] == [
        ("room-capacity", ["thema-zorg-jeugd-onderwijs"])
    ]
    assert "'zaal-5'" in document["hard_violations"][0]["message"]


@pytest.mark.parametrize(
    ("rule", "changes"),
    [
        pytest.param("room-double-booked", {"sb": {"room": "zaal-1"}}, id="room-double-booked"),
    ],
)
def test_check_names_the_broken_rule(
    run_cli: RunCli, tmp_path: Path, rule: str, changes: dict[str, dict[str, Any]]
) -> None:
    path = write_event(tmp_path, edited(**changes))

    result = run_cli("check", str(path))

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert rule in result.stdout


def test_check_sound_tiny_day_exits_0(run_cli: RunCli, tmp_path: Path) -> None:
    path = write_event(tmp_path)

    result = run_cli("check", str(path), "--json")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["hard_violations"] == []
