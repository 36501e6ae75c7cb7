"""Every rule of `rules.RULES`, one by one: a tiny plan that breaks only that rule is rejected by the
checker and forbidden by the slot model (the model with that plan fixed has no solution), and a tiny day
that has no plan because of that rule is explained by the rule's name and its sessions.

A rule added to `RULES` without a case here fails `test_rule_has_a_case`. The days are those of
`test_rules.py` (two rounds, zaal-1 seats 40 and is accessible, zaal-2 seats 20, the foyer is shared).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from ortools.sat.python import cp_model
from test_rules import _session, edited, load, view_of

from netwerkdag.core.event import Event
from netwerkdag.core.interests import derive_interests
from netwerkdag.scheduling.explain import reasons
from netwerkdag.scheduling.instance import Day, compile_day
from netwerkdag.scheduling.model import Options, SlotModel
from netwerkdag.scheduling.plan import Place, apply, placements
from netwerkdag.scheduling.rules import RULES, check_plan


@dataclass(frozen=True)
class Case:
    #: The plan that breaks only the rule, and the plan it came from (for pins), from a folder.
    plan: Callable[[Path], tuple[Event, Event | None]]
    #: A day that has no plan because of the rule.
    day: Callable[[Path], Event]
    #: The sessions its explanation names.
    sessions: tuple[str, ...]


def _alone(changes: dict[str, dict[str, Any]]) -> Callable[[Path], tuple[Event, Event | None]]:
    return lambda tmp: (load(tmp / "plan", edited(**changes)), None)


def _day(sessions: list[dict[str, Any]], **kwargs: Any) -> Callable[[Path], Event]:
    return lambda tmp: load(tmp / "day", sessions, **kwargs)


def _moved_pinned(tmp: Path) -> tuple[Event, Event | None]:
    reference = load(tmp / "plan", edited(sb={"pin": "block"}))
    return apply(reference, {"sb": Place("ronde-2", "zaal-2")}), reference


GAST_LATE = {"gast": [{"start": "11:05", "end": "12:00"}]}
ANNA = [{"person": "anna", "role": "chair"}]
ANNA_SPEAKS = [{"person": "anna", "role": "speaker"}]

CASES: dict[str, Case] = {
    "room-double-booked": Case(
        _alone({"sb": {"room": "zaal-1"}}),
        _day([_session(s, g, "ronde-1", "zaal-1", 10, pin="room") for s, g in
              (("sa", "wonen"), ("sb", "werk"), ("sc", "zorg"))]),
        ("sa", "sb", "sc"),
    ),
    "person-double-booked": Case(
        _alone({"sa": {"participants": ANNA}, "sb": {"participants": ANNA_SPEAKS}}),
        _day(edited(sa={"participants": ANNA}, sb={"participants": ANNA}, sc={"participants": ANNA})),
        ("sa", "sb", "sc"),
    ),
    "person-unavailable": Case(
        lambda tmp: (
            load(tmp / "plan", edited(sa={"participants": [{"person": "gast", "role": "guest"}]}),
                 availability=GAST_LATE),
            None,
        ),
        _day(edited(sa={"participants": [{"person": "gast", "role": "guest"}]}),
             availability={"gast": [{"start": "12:30", "end": "13:00"}]}),
        ("sa",),
    ),
    "room-capacity": Case(
        _alone({"sa": {"expected_attendance": 41}}),
        _day(edited(sa={"expected_attendance": 50})),
        ("sa",),
    ),
    "room-features": Case(
        _alone({"sb": {"requires": ["accessible"]}}),
        _day(edited(sb={"requires": ["beamer"]})),
        ("sb",),
    ),
    "session-order": Case(
        _alone({"sa": {"after": ["sc"]}}),
        _day(edited(sa={"pin": "block", "after": ["sb"]})),
        ("sb", "sa"),
    ),
    "not-parallel": Case(
        _alone({"sa": {"not_parallel_with": ["sb"]}}),
        _day(edited(sa={"pin": "block", "not_parallel_with": ["sb"]}, sb={"pin": "block"})),
        ("sa", "sb"),
    ),
    "topic-runs": Case(
        _alone({"sa": {"topic": "tt"}, "sb": {"topic": "tt"}}),
        _day(edited(sa={"topic": "tt"}, sb={"topic": "tt"}, sc={"topic": "tt"})),
        ("sa", "sb", "sc"),
    ),
    "pinned": Case(
        _moved_pinned,
        _day(edited(sa={"pin": "room", "room": "zaal-2"})),
        ("sa",),
    ),
}  # fmt: skip

RULE_NAMES = [rule.name for rule in RULES]


def fixed_at(day: Day, plan: dict[str, Place]) -> Day:
    """`day` with every session it places allowed only the slot and the room `plan` gives it."""
    slot_index = {b.id: t for t, b in enumerate(day.slots)}
    items = tuple(
        dataclasses.replace(
            item,
            slots=tuple(t for t in item.slots if t == slot_index[plan[item.id].block]),
            rooms=item.rooms & {plan[item.id].room},
        )
        for item in day.items
    )
    return dataclasses.replace(day, items=items)


def model_allows(day: Day) -> bool:
    built = SlotModel(day, Options(time_limit=5.0, workers=1), objective=False)
    if built.empty:
        return False
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 5.0
    status = solver.solve(built.model)
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.INFEASIBLE)
    return status != cp_model.INFEASIBLE


def case_of(rule: str) -> Case:
    case = CASES.get(rule)
    if case is None:
        pytest.fail(f"add a case for rule {rule} to CASES in {__file__}")
    return case


@pytest.mark.parametrize("rule", RULE_NAMES)
def test_rule_has_a_case(rule: str) -> None:
    case_of(rule)


def test_cases_are_rules() -> None:
    assert sorted(CASES) == sorted(RULE_NAMES)


@pytest.mark.parametrize("rule", RULE_NAMES)
def test_rule_broken_alone_is_rejected_by_the_checker(tmp_path: Path, rule: str) -> None:
    plan, reference = case_of(rule).plan(tmp_path)

    found = check_plan(view_of(plan, reference=reference))

    assert [v.rule for v in found] == [rule]


@pytest.mark.parametrize("rule", RULE_NAMES)
def test_rule_broken_alone_is_forbidden_by_the_model(tmp_path: Path, rule: str) -> None:
    plan, reference = case_of(rule).plan(tmp_path)
    day = compile_day(reference or plan, derive_interests(plan))

    assert not model_allows(fixed_at(day, placements(plan)))


def test_the_model_allows_the_sound_plan_fixed(tmp_path: Path) -> None:
    event = load(tmp_path)  # the control: the base day breaks no rule
    day = compile_day(event, derive_interests(event))

    assert model_allows(fixed_at(day, placements(event)))


@pytest.mark.parametrize("rule", RULE_NAMES)
def test_day_without_a_plan_is_explained_by_the_rule(tmp_path: Path, rule: str) -> None:
    case = case_of(rule)
    event = case.day(tmp_path)
    day = compile_day(event, derive_interests(event))

    found = reasons(day, Options(time_limit=5.0, workers=1))

    named = [r for r in found if r.rule == rule]
    assert named, [str(r) for r in found]
    assert set(case.sessions) <= {s for r in named for s in r.sessions}
    assert all(f"'{s}'" in " ".join(str(r) for r in named) for s in case.sessions)
