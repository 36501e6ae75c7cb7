"""What a hard rule of a plan is, and what it works on.

A rule owns its name, a line of documentation, its check of a plan (`check`: violations with the
sessions, people and rooms they concern), the constraints it posts into the slot model (`confine_rooms`,
`restrict_slots`, `post`; the model records them as data too, which the local search reads), its sentence
for an instance of it in an explanation (`describe`), and the counting that proves a day has no plan
before any search (`prove`). The checker, the slot model and the explanation loop over one list,
`rules.RULES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar, Protocol

from ortools.sat.python import cp_model

from netwerkdag.core.event import Event
from netwerkdag.core.invariants import PlanClashes, plan_clashes
from netwerkdag.core.sessions import PRESENT_ROLES, Session
from netwerkdag.core.timegrid import Block, Window

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from netwerkdag.scheduling.instance import Day, Item


@dataclass(frozen=True, slots=True)
class Violation:
    """A rule broken by a plan: the rule's name, a sentence, and what it concerns, by id."""

    rule: str
    message: str
    sessions: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    rooms: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanView:
    """What a check looks at: the plan, the seats each session needs, and (for pins) the plan it came
    from; without one, the plan is its own reference and pins hold."""

    event: Event
    seats: Mapping[str, int]
    reference: Event | None = None

    @cached_property
    def clashes(self) -> PlanClashes:
        """The core's clashes of the plan, found once for all the rules that read them."""
        return plan_clashes(self.event)


@dataclass(frozen=True, slots=True)
class Instance:
    """One instance of a rule in the slot model: what it concerns (slots by index into `Day.slots`).
    When the model is built to explain a day, each instance is enforced by a literal of its own."""

    rule: str
    sessions: tuple[str, ...]
    people: tuple[str, ...] = ()
    slots: tuple[int, ...] = ()
    rooms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reason:
    """A sentence of an explanation: which rule, about which sessions and people."""

    rule: str
    sentence: str
    sessions: tuple[str, ...] = ()
    people: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.rule}: {self.sentence}" if self.rule else self.sentence


class SlotModel(Protocol):
    """What a rule uses of the slot model (`model.SlotModel`, which imports the rules)."""

    day: Day
    explaining: bool
    model: cp_model.CpModel
    x: dict[tuple[str, int], cp_model.IntVar]
    allowed: dict[str, list[int]]
    windows: dict[str, Mapping[int, Window]]
    rooms_of: dict[str, frozenset[str]]
    confinements: dict[str, list[tuple[frozenset[str], cp_model.IntVar]]]
    cuts: list[tuple[int, frozenset[str], int]]
    order: list[tuple[str, str]]
    apart: list[tuple[str, str, int]]

    @property
    def items(self) -> Mapping[str, Item]: ...

    def guard(
        self,
        rule: Rule,
        sessions: tuple[str, ...],
        people: tuple[str, ...] = (),
        slots: tuple[int, ...] = (),
        rooms: tuple[str, ...] = (),
    ) -> cp_model.IntVar | None: ...

    def enforce(self, constraint: cp_model.Constraint, guard: cp_model.IntVar | None) -> None: ...

    def confine(self, item_id: str, rooms: frozenset[str], guard: cp_model.IntVar | None) -> None: ...

    def forbid(self, item_id: str, slots: Iterable[int], guard: cp_model.IntVar | None) -> None: ...

    def window_of(self, session_id: str) -> Window: ...

    def minutes(self, window: Window, end: bool = False) -> int: ...

    def at_most(
        self, t: int, members: tuple[str, ...], limit: int, guard: cp_model.IntVar | None = None
    ) -> None: ...

    def apart_in(self, a: str, b: str, guard: cp_model.IntVar | None) -> None: ...


class Rule:
    """A hard rule of a plan; subclasses override what applies to them (see the module's docstring).

    The model calls, for every rule in turn: `confine_rooms` (the rooms each session may take), then
    `restrict_slots` (slots a session may not take, alone or beside the fixed parts), then, once the
    variables exist, `post` (constraints between the sessions it places)."""

    name: ClassVar[str]
    summary: ClassVar[str]

    def check(self, view: PlanView) -> list[Violation]:
        return []

    def confine_rooms(self, m: SlotModel) -> None:
        return None

    def restrict_slots(self, m: SlotModel) -> None:
        return None

    def post(self, m: SlotModel) -> None:
        return None

    def prove(self, day: Day) -> list[Reason]:
        """Reasons, found by counting alone, why the day has no plan (empty when counting proves nothing)."""
        return []

    def describe(self, instance: Instance, day: Day) -> str:
        return self.summary

    def reason(self, instance: Instance, day: Day) -> Reason:
        return Reason(self.name, self.describe(instance, day), instance.sessions, instance.people)


# --- words shared by the rules' sentences ------------------------------------------------------------------


def hhmm(window: Window | Session | Block) -> str:
    return f"{window.start:%H:%M}-{window.end:%H:%M}"


def slot_words(day: Day, t: int) -> str:
    """A slot as a reader finds it in the programme: its block id and its times."""
    block = day.slots[t]
    return f"{block.id} ({hhmm(block)})"


def slots_words(day: Day, slots: tuple[int, ...] | list[int]) -> str:
    return ", ".join(slot_words(day, t) for t in sorted(slots)) or "none"


def person_words(day: Day | Event, person: str) -> str:
    """'p0' (their name), or just 'p0' for someone the network does not know."""
    network = (day.event if not isinstance(day, Event) else day).network
    if network.has_person(person):
        return f"'{person}' ({network.person(person).name})"
    return f"'{person}'"


def part_words(session: Session, person: str) -> str:
    """The person's part in the session: 'chair of 's0'', 'speaker and host of 's1''."""
    roles = sorted(
        {p.role.value for p in session.participants if p.person == person and p.role in PRESENT_ROLES}
    )
    return f"{' and '.join(roles) or 'part'} of '{session.id}'"


def quoted(ids: tuple[str, ...] | list[str]) -> str:
    return ", ".join(f"'{i}'" for i in ids)
