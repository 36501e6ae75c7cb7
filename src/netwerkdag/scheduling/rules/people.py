"""The rules about people with a part (chair, speaker, guest, host, moderator): in one session at a time
(`person-double-booked`), and there while it runs (`person-unavailable`, their availability windows).

The counting proof of both: the sessions a person has a part in need as many rounds, and the rounds
those sessions may take, less the ones where the person is not there or has a fixed part, may be fewer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from netwerkdag.core.sessions import Session
from netwerkdag.core.timegrid import Window
from netwerkdag.scheduling.instance import present_people
from netwerkdag.scheduling.rules.base import (
    Instance,
    PlanView,
    Reason,
    Rule,
    SlotModel,
    Violation,
    hhmm,
    part_words,
    person_words,
    slot_words,
    slots_words,
)

if TYPE_CHECKING:
    from netwerkdag.scheduling.instance import Day, Item


def _fixed_parts(day: Day, person: str, t: int, window: Window) -> list[Session]:
    """The fixed sessions in slot t where `person` has a part while `window` runs."""
    return [f for f in day.fixed_in_slot[t] if person in present_people(f) and f.window.overlaps(window)]


def _available(day: Day, person: str, window: Window) -> bool:
    windows = day.event.availability.get(person)
    return windows is None or any(w.contains(window.start, window.end) for w in windows)


def _availability_words(day: Day, person: str) -> str:
    return ", ".join(hhmm(w) for w in day.event.availability.get(person, ()))


class PersonDoubleBooked(Rule):
    name = "person-double-booked"
    summary = "a chair, speaker, guest, host or moderator is in one session at a time"

    def check(self, view: PlanView) -> list[Violation]:
        return [
            Violation(self.name, c.problem.message, c.sessions, (c.person,) if c.person else ())
            for c in view.clashes.overlaps
            if c.code == self.name
        ]

    def restrict_slots(self, m: SlotModel) -> None:
        day = m.day
        for item in day.items:
            for person in sorted(set(present_people(item.session))):
                for t, window in m.windows[item.id].items():
                    for fixed in _fixed_parts(day, person, t, window):
                        m.forbid(item.id, (t,), m.guard(self, (fixed.id, item.id), (person,), slots=(t,)))

    def post(self, m: SlotModel) -> None:
        by_person: dict[str, list[str]] = {}
        for item in m.day.items:
            for person in set(present_people(item.session)):
                by_person.setdefault(person, []).append(item.id)
        for person, ids in by_person.items():
            for k, a in enumerate(ids):
                for b in ids[k + 1 :]:
                    m.apart_in(a, b, m.guard(self, (a, b), (person,)))

    def prove(self, day: Day) -> list[Reason]:
        return [r for r in _person_proofs(day) if r.rule == self.name]

    def describe(self, instance: Instance, day: Day) -> str:
        (person,) = instance.people
        first, second = (day.event.session(s) for s in instance.sessions)
        who = person_words(day, person)
        if instance.slots:  # `first` is fixed
            return (
                f"{who} is {part_words(first, person)}, fixed at {hhmm(first)}, and "
                f"{part_words(second, person)}: "
                f"'{second.id}' cannot take {slot_words(day, instance.slots[0])}"
            )
        return (
            f"{who} is {part_words(first, person)} and {part_words(second, person)}: "
            "they cannot be in both at the same time"
        )


class PersonUnavailable(Rule):
    name = "person-unavailable"
    summary = "a person with a part in a session is there while it runs (their availability windows)"

    def check(self, view: PlanView) -> list[Violation]:
        return [
            Violation(self.name, c.problem.message, c.sessions, (c.person,) if c.person else ())
            for c in view.clashes.unavailable
        ]

    def restrict_slots(self, m: SlotModel) -> None:
        day = m.day
        for item in day.items:
            for person in sorted(set(present_people(item.session))):
                if person not in day.event.availability:
                    continue
                away = tuple(t for t, w in m.windows[item.id].items() if not _available(day, person, w))
                if away:
                    m.forbid(item.id, away, m.guard(self, (item.id,), (person,), slots=away))

    def prove(self, day: Day) -> list[Reason]:
        return [r for r in _person_proofs(day) if r.rule == self.name]

    def describe(self, instance: Instance, day: Day) -> str:
        (person,) = instance.people
        (session,) = instance.sessions
        part = part_words(day.event.session(session), person)
        return f"{person_words(day, person)}, {part}, is there only {_availability_words(day, person)}"


@dataclass(frozen=True, slots=True)
class _Rounds:
    """The rounds a person's sessions may take, those left for the person, and why the others are not."""

    items: tuple[Item, ...]
    usable: frozenset[int]
    lost: dict[int, str]
    fixed: bool  # whether a fixed part took one of them


def _rounds_of(day: Day, person: str, items: tuple[Item, ...]) -> _Rounds:
    usable: set[int] = set()
    lost: dict[int, str] = {}
    fixed = False
    for item in items:
        for t in item.slots:
            window = item.windows[t]
            busy = _fixed_parts(day, person, t, window)
            if busy:
                fixed = True
                parts = ", ".join(f"{part_words(f, person)}, fixed at {hhmm(f)}" for f in busy)
                lost.setdefault(t, f"in {slot_words(day, t)} they are {parts}")
            elif not _available(day, person, window):
                lost.setdefault(t, f"in {slot_words(day, t)} they are not there")
            else:
                usable.add(t)
    return _Rounds(items, frozenset(usable), {t: w for t, w in lost.items() if t not in usable}, fixed)


def _one_at_a_time(day: Day, rounds: _Rounds) -> bool:
    """Whether two of the sessions in one usable round always overlap (so each needs a round of its own)."""
    for t in rounds.usable:
        windows = [i.windows[t] for i in rounds.items if t in i.windows]
        if windows and max(w.start for w in windows) >= min(w.end for w in windows):
            return False
    return True


def _person_proofs(day: Day) -> list[Reason]:
    by_person: dict[str, list[Item]] = {}
    for item in day.items:
        for person in sorted(set(present_people(item.session))):
            by_person.setdefault(person, []).append(item)
    found = []
    for person, items in sorted(by_person.items()):
        rounds = _rounds_of(day, person, tuple(items))
        if len(items) <= len(rounds.usable) or not _one_at_a_time(day, rounds):
            continue
        who = person_words(day, person)
        by_part: dict[str, list[str]] = {}
        for i in items:
            by_part.setdefault(part_words(i.session, person).split(" of ")[0], []).append(f"'{i.id}'")
        parts = " and ".join(f"{part} of {', '.join(ids)}" for part, ids in by_part.items())
        lost = "; ".join(rounds.lost[t] for t in sorted(rounds.lost))
        ids = tuple(i.id for i in items)
        if len(items) == 1 and not rounds.fixed:
            sentence = (
                f"{who} is {parts} and is there only {_availability_words(day, person)}, when "
                f"'{items[0].id}' cannot run: {lost}"
            )
            found.append(Reason(PersonUnavailable.name, sentence, ids, (person,)))
            continue
        if rounds.usable:
            sentence = (
                f"{who} is {parts}: {len(items)} sessions, one at a time, and the rounds they may take "
                f"leave {len(rounds.usable)} for them ({slots_words(day, sorted(rounds.usable))})"
            )
        else:
            they = "it" if len(items) == 1 else "they"
            sentence = f"{who} is {parts}, but can be in none of the rounds {they} may take"
        sentence += f": {lost}" if lost else ""
        found.append(Reason(PersonDoubleBooked.name, sentence, ids, (person,)))
    return found
