"""The hard rules of a plan, one object each, in one list (`RULES`).

`netwerkdag check` runs each rule's check on any plan (the hand-made programme, or the solver's), the
slot model (`model.py`) posts each rule's constraints, the annealing reads them as data from the model,
and an explanation of a day without a plan (`explain.py`) names the instances of the rules that clash.
See `base.py` for what a rule owns. Where each rule lives: `rooms.py` (room-double-booked, room-capacity,
room-features), `people.py` (person-double-booked, person-unavailable), `order.py` (session-order,
not-parallel), `pinned.py` (pinned), `topics.py` (topic-runs).
"""

from __future__ import annotations

from netwerkdag.scheduling.rules.base import Instance, PlanView, Reason, Rule, Violation
from netwerkdag.scheduling.rules.order import NotParallel, SessionOrder
from netwerkdag.scheduling.rules.people import PersonDoubleBooked, PersonUnavailable
from netwerkdag.scheduling.rules.pinned import Pinned
from netwerkdag.scheduling.rules.rooms import RoomCapacity, RoomDoubleBooked, RoomFeatures
from netwerkdag.scheduling.rules.topics import TopicRuns

RULES: tuple[Rule, ...] = (
    RoomDoubleBooked(),
    PersonDoubleBooked(),
    PersonUnavailable(),
    RoomCapacity(),
    RoomFeatures(),
    SessionOrder(),
    NotParallel(),
    TopicRuns(),
    Pinned(),
)

BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES}


def check_plan(view: PlanView) -> list[Violation]:
    """Every rule's violations by `view`'s plan, rule by rule in the order of `RULES`."""
    return [v for rule in RULES for v in rule.check(view)]


__all__ = ["BY_NAME", "RULES", "Instance", "PlanView", "Reason", "Rule", "Violation", "check_plan"]
