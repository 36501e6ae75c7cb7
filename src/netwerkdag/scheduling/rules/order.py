"""The rules about time between sessions: a session starts after the sessions in its `after` list end
(`session-order`), and sessions in `not_parallel_with` do not overlap (`not-parallel`).

Against a session outside the slot model (fixed, or placed elsewhere while a neighbourhood is solved) a
rule leaves slots out; between two sessions of the model it is a constraint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netwerkdag.scheduling.rules.base import Instance, PlanView, Rule, SlotModel, Violation, hhmm

if TYPE_CHECKING:
    from netwerkdag.scheduling.instance import Day


class SessionOrder(Rule):
    name = "session-order"
    summary = "a session starts after the sessions in its `after` list end"

    def check(self, view: PlanView) -> list[Violation]:
        event, found = view.event, []
        for s in event.sessions:
            for before in s.after:
                if not event.has_session(before):
                    continue
                other = event.session(before)
                if s.start < other.end:
                    message = f"'{s.id}' ({hhmm(s)}) must start after '{before}' ({hhmm(other)}) ends"
                    found.append(Violation(self.name, message, (before, s.id)))
        return found

    def restrict_slots(self, m: SlotModel) -> None:
        event = m.day.event
        for later in event.sessions:
            for before in later.after:
                if not event.has_session(before) or (later.id in m.items) == (before in m.items):
                    continue  # both outside the model, or both in it (`post`)
                g = m.guard(self, (before, later.id))
                if later.id in m.items:
                    end = m.window_of(before).end
                    m.forbid(later.id, [t for t, w in m.windows[later.id].items() if w.start < end], g)
                else:
                    start = m.window_of(later.id).start
                    m.forbid(before, [t for t, w in m.windows[before].items() if start < w.end], g)

    def post(self, m: SlotModel) -> None:
        for item in m.day.items:
            for before in item.session.after:
                if before not in m.items:
                    continue
                start = sum(m.minutes(m.windows[item.id][t]) * m.x[(item.id, t)] for t in m.allowed[item.id])
                end = sum(
                    m.minutes(m.windows[before][t], end=True) * m.x[(before, t)] for t in m.allowed[before]
                )
                m.enforce(m.model.add(start >= end), m.guard(self, (before, item.id)))
                m.order.append((item.id, before))

    def describe(self, instance: Instance, day: Day) -> str:
        before, later = instance.sessions
        return f"'{later}' must start after '{before}' ends"


class NotParallel(Rule):
    name = "not-parallel"
    summary = "sessions in `not_parallel_with` do not overlap in time"

    def check(self, view: PlanView) -> list[Violation]:
        event, found = view.event, []
        for s in event.sessions:
            for other_id in s.not_parallel_with:
                if not event.has_session(other_id):
                    continue
                other = event.session(other_id)
                if s.window.overlaps(other.window):
                    message = (
                        f"'{s.id}' ({hhmm(s)}) and '{other_id}' ({hhmm(other)}) must not run at the same time"
                    )
                    found.append(Violation(self.name, message, (s.id, other_id)))
        return found

    def restrict_slots(self, m: SlotModel) -> None:
        event = m.day.event
        for s in event.sessions:
            for other in s.not_parallel_with:
                if not event.has_session(other) or (s.id in m.items) == (other in m.items):
                    continue
                item, fixed = (s.id, other) if s.id in m.items else (other, s.id)
                held = m.window_of(fixed)
                away = [t for t, w in m.windows[item].items() if w.overlaps(held)]
                m.forbid(item, away, m.guard(self, (s.id, other)))

    def post(self, m: SlotModel) -> None:
        for item in m.day.items:
            for other in item.session.not_parallel_with:
                if other in m.items:
                    m.apart_in(item.id, other, m.guard(self, (item.id, other)))

    def describe(self, instance: Instance, day: Day) -> str:
        a, b = instance.sessions
        return f"'{a}' and '{b}' must not run at the same time"
