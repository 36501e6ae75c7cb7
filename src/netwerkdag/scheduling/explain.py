"""Why a day has no plan: the rules that cannot hold together, by name, in sentences.

First counting: each rule's `prove` (more sessions that can only use some rooms than those rooms offer
in their rounds; a person's sessions against the rounds they can be in). What counting proves is said at
once, without a search. Otherwise the slot model is built to explain (`SlotModel(explaining=True)`):
every instance of every rule of `rules.RULES` is enforced by a literal of its own, and CP-SAT, asked to
solve under all of them as assumptions, returns a set that suffices for infeasibility; dropping them one
by one while the rest stays infeasible leaves a minimal set, which each rule words.
"""

from __future__ import annotations

import dataclasses

from ortools.sat.python import cp_model

from netwerkdag.scheduling.instance import Day
from netwerkdag.scheduling.model import Options, SlotModel
from netwerkdag.scheduling.rules import BY_NAME, RULES, Instance, Reason

#: Seconds for each solve while shrinking the set; a day that needs more is explained less tightly.
PROBE_SECONDS = 2.0

#: What an explanation says when the rules were not proven to clash in the time it had.
NOT_PROVEN = "no plan was found in time, but the rules were not proven to clash; try a longer --time-limit"


def prove(day: Day) -> list[Reason]:
    """What counting alone proves about the day: reasons it has no plan (empty when it proves nothing)."""
    too_long = [i for i in day.items if not i.windows]
    if too_long:
        return [
            Reason("", f"'{i.id}' fits in no parallel slot: it is longer than every slot", (i.id,))
            for i in too_long
        ]
    return [reason for rule in RULES for reason in rule.prove(day)]


def reasons(day: Day, options: Options) -> list[Reason]:
    """A minimal set of clashing rule instances of a day without a plan, as reasons; counting first."""
    proven = prove(day)
    if proven:
        return proven
    built = SlotModel(
        day,
        dataclasses.replace(options, workers=1, symmetry_breaking=False, repair_from=None),
        explaining=True,
        objective=False,
    )
    guards = list(built.guards.items())
    found = _core(built.model, [g for _, g in guards], max(PROBE_SECONDS, options.time_limit))
    if found is None:
        return [Reason("", NOT_PROVEN)]
    by_index = {literal.Index(): (instance, literal) for instance, literal in guards}
    core = [by_index[i] for i in found if i in by_index]
    for entry in list(core):
        trial = [e for e in core if e is not entry]
        if _core(built.model, [g for _, g in trial], PROBE_SECONDS) is not None:
            core = trial
    order = {rule.name: k for k, rule in enumerate(RULES)}
    instances: list[Instance] = sorted(
        (i for i, _ in core), key=lambda i: (order[i.rule], i.sessions, i.people)
    )
    return [BY_NAME[i.rule].reason(i, day) for i in instances] or [
        Reason("", "the sessions outnumber the free rooms in the parallel slots")
    ]


def explain(day: Day, options: Options) -> list[str]:
    """The sentences of `reasons`, each starting with its rule's name."""
    return [str(reason) for reason in reasons(day, options)]


def _core(model: cp_model.CpModel, assumed: list[cp_model.IntVar], seconds: float) -> list[int] | None:
    """The indexes of assumptions that suffice for infeasibility, or None when it was not proven."""
    model.clear_assumptions()
    model.add_assumptions(assumed)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 1  # sufficient assumptions need the core-based search of one worker
    if solver.solve(model) != cp_model.INFEASIBLE:
        return None
    return list(solver.sufficient_assumptions_for_infeasibility())
