"""The rule about the runs of one meeting (`Session.topic`, see `scheduling/topics.py`): runs of one
topic never share a block and never overlap in time (`topic-runs`), so that anyone can attend one run
and still be free for the others' rounds.

Against a run outside the slot model (fixed, or placed elsewhere while a neighbourhood is solved) the
rule leaves slots out; between two runs of the model it is a constraint per shared slot, recorded as
`apart` for the annealing. Counting proves a day has no plan when a topic has more runs than the rounds
they may take.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netwerkdag.scheduling.rules.base import (
    Instance,
    PlanView,
    Reason,
    Rule,
    SlotModel,
    Violation,
    hhmm,
    quoted,
    slot_words,
    slots_words,
)
from netwerkdag.scheduling.topics import runs_by_topic

if TYPE_CHECKING:
    from netwerkdag.scheduling.instance import Day


class TopicRuns(Rule):
    name = "topic-runs"
    summary = "runs of one topic (`topic`) never share a block and never overlap in time"

    def check(self, view: PlanView) -> list[Violation]:
        event, found = view.event, []
        for topic, ids in runs_by_topic(event).items():
            for k, a in enumerate(ids):
                for b in ids[k + 1 :]:
                    sa, sb = event.session(a), event.session(b)
                    same_block = sa.block is not None and sa.block == sb.block
                    if same_block or sa.window.overlaps(sb.window):
                        where = f"both in block '{sa.block}'" if same_block else "at the same time"
                        message = (
                            f"'{a}' ({hhmm(sa)}) and '{b}' ({hhmm(sb)}) are runs of topic '{topic}' {where}: "
                            "runs of one topic take different rounds"
                        )
                        found.append(Violation(self.name, message, (a, b)))
        return found

    def restrict_slots(self, m: SlotModel) -> None:
        day = m.day
        event = day.event
        for ids in runs_by_topic(event).values():
            for item_id in ids:
                if item_id not in m.items:
                    continue
                for other in ids:
                    if other == item_id or other in m.items:
                        continue
                    held = m.window_of(other)
                    away = tuple(
                        t
                        for t, w in m.windows[item_id].items()
                        if w.overlaps(held) or day.slots[t].window.overlaps(held)
                    )
                    if away:
                        m.forbid(item_id, away, m.guard(self, (other, item_id), slots=away))

    def post(self, m: SlotModel) -> None:
        for ids in runs_by_topic(m.day.event).values():
            inside = [i for i in ids if i in m.items]
            for k, a in enumerate(inside):
                for b in inside[k + 1 :]:
                    guard = m.guard(self, (a, b))
                    for t in sorted(set(m.allowed[a]) & set(m.allowed[b])):
                        m.enforce(m.model.add_at_most_one([m.x[(a, t)], m.x[(b, t)]]), guard)
                        m.apart.append((a, b, t))

    def prove(self, day: Day) -> list[Reason]:
        """A topic whose runs in the parallel rounds need more rounds than they may take, less the rounds
        its fixed runs hold."""
        items = {i.id: i for i in day.items}
        found = []
        for topic, ids in sorted(runs_by_topic(day.event).items()):
            moving = [items[i] for i in ids if i in items]
            if len(moving) < 2:
                continue
            held = {t for t in range(len(day.slots)) for f in day.fixed_in_slot[t] if f.id in ids}
            rounds = sorted({t for i in moving for t in i.slots} - held)
            if len(moving) > len(rounds):
                sentence = (
                    f"topic '{topic}' has {len(moving)} runs to place ({quoted([i.id for i in moving])}), "
                    f"one per round, and they may take {len(rounds)} rounds ({slots_words(day, rounds)})"
                )
                found.append(Reason(self.name, sentence, tuple(i.id for i in moving)))
        return found

    def describe(self, instance: Instance, day: Day) -> str:
        a, b = instance.sessions
        if instance.slots:  # `a` is outside the model
            return (
                f"'{a}' and '{b}' are runs of one topic: '{b}' cannot take "
                f"{', '.join(slot_words(day, t) for t in instance.slots)}, where '{a}' runs"
            )
        return f"'{a}' and '{b}' are runs of one topic: they cannot take the same round"
