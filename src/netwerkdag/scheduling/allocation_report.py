"""What an allocation gave, and the waiting lists it leaves (issue 19).

`report` answers the organiser's questions: per person the ranks they got, per organisation the seats
against what its people asked for, the rank distribution, the organisations left without any seat they
wanted, and the solver's proven bound and gap. `waiting_lists` turns the demand left over into waiting
lists in rank order. Both read a `Problem` and a `Result` only, so the command line and the web app
report by one definition.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from netwerkdag.scheduling.allocation import Problem, Result


@dataclass(frozen=True, slots=True)
class Seat:
    """A seat given: its session, and the rank the person gave it (None: a part they have in it)."""

    session: str
    rank: int | None


@dataclass(frozen=True, slots=True)
class PersonLine:
    person: str
    organisation: str | None
    asked: int
    seats: tuple[Seat, ...]

    @property
    def wanted(self) -> int:
        return sum(1 for s in self.seats if s.rank is not None)


@dataclass(frozen=True, slots=True)
class OrganisationLine:
    """An organisation whose people asked: how many of them, the seats they asked for, the seats they
    hold (parts included) and the wanted seats among those."""

    organisation: str
    people: int
    asked: int
    seats: int
    wanted_seats: int


@dataclass(frozen=True, slots=True)
class AllocationReport:
    result: Result
    people: tuple[PersonLine, ...]
    organisations: tuple[OrganisationLine, ...]
    #: Wanted seats given per rank.
    rank_distribution: Mapping[int, int]

    @property
    def organisations_without_wanted_seat(self) -> tuple[str, ...]:
        return tuple(o.organisation for o in self.organisations if o.wanted_seats == 0)

    def as_json(self) -> dict[str, Any]:
        r = self.result
        return {
            "status": r.status.value,
            "objective": r.objective,
            "bound": r.bound,
            "gap": r.gap,
            "wall_s": round(r.wall_s, 3),
            "asked": r.asked,
            "assigned": r.assigned,
            "unassigned": r.unassigned,
            "seed": r.seed,
            "lottery": list(r.lottery),
            "stages": [
                {"measure": s.measure.value, "value": s.value, "bound": s.bound, "proven": s.proven}
                for s in r.stages
            ],
            "rank_distribution": {str(rank): n for rank, n in sorted(self.rank_distribution.items())},
            "people": [
                {
                    "person": p.person,
                    "organisation": p.organisation,
                    "asked": p.asked,
                    "seats": [{"session": s.session, "rank": s.rank} for s in p.seats],
                }
                for p in self.people
            ],
            "organisations": [
                {
                    "organisation": o.organisation,
                    "people": o.people,
                    "asked": o.asked,
                    "seats": o.seats,
                    "wanted_seats": o.wanted_seats,
                }
                for o in self.organisations
            ],
            "organisations_without_wanted_seat": list(self.organisations_without_wanted_seat),
        }


def report(problem: Problem, result: Result) -> AllocationReport:
    """The report of `result`, an allocation of `problem`."""
    order = {o.session: i for i, o in enumerate(problem.offers)}
    people = []
    ranks: Counter[int] = Counter()
    for person in problem.people:
        held = sorted(result.allocation.get(person, frozenset()), key=lambda s: order[s])
        seats = tuple(Seat(s, problem.ranks[person][s] if problem.wants(person, s) else None) for s in held)
        ranks.update(s.rank for s in seats if s.rank is not None)
        people.append(PersonLine(person, problem.organisation.get(person), problem.asks(person), seats))
    by_person = {p.person: p for p in people}
    organisations = []
    for org, members in problem.organisations().items():
        lines = [by_person[p] for p in members]
        organisations.append(
            OrganisationLine(
                org,
                len(lines),
                sum(p.asked for p in lines),
                sum(len(p.seats) for p in lines),
                sum(p.wanted for p in lines),
            )
        )
    return AllocationReport(result, tuple(people), tuple(organisations), dict(sorted(ranks.items())))


def waiting_lists(problem: Problem, result: Result) -> dict[str, tuple[str, ...]]:
    """The demand left over, as waiting lists in rank order: in each round a person waits for their
    best-ranked session that is full, that they can attend, that is better than what they hold in that
    round (nothing, or a session they ranked lower; never instead of a part they have), and whose topic
    they neither hold nor already wait for in another round; one session per round, as the web's
    waiting lists allow. Each list
    is ordered by the rank its people gave the session, then by the lottery's draw (when there was one),
    then by person id."""
    holders: Counter[str] = Counter(s for sessions in result.allocation.values() for s in sessions)
    full = {o.session for o in problem.offers if o.capacity is not None and holders[o.session] >= o.capacity}
    order = {o.session: i for i, o in enumerate(problem.offers)}
    drawn = {p: i for i, p in enumerate(result.lottery)}
    waiting: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for person in problem.people:
        held = result.allocation.get(person, frozenset())
        held_in_round = {problem.offer(s).round: s for s in held}
        awaited: set[str] = set()  # the topics the person already waits for, in an earlier round
        for round_id in sorted({problem.offer(s).round for s in problem.ranks.get(person, {})}):
            current = held_in_round.get(round_id)
            if current is not None and not problem.wants(person, current):
                continue
            bar = problem.ranks[person][current] if current is not None else None
            topics = {problem.offer(s).topic for s in held if s != current}
            candidates = [
                s
                for s, rank in problem.ranks[person].items()
                if problem.offer(s).round == round_id
                and s in full
                and s not in held
                and problem.can_attend(person, s)
                and problem.offer(s).topic not in topics
                and problem.offer(s).topic not in awaited
                and (bar is None or rank < bar)
            ]
            if candidates:
                best = min(candidates, key=lambda s: (problem.ranks[person][s], order[s]))
                awaited.add(problem.offer(best).topic)
                rank = problem.ranks[person][best]
                waiting[best].append((rank, drawn.get(person, len(drawn)), person))
    return {
        s: tuple(p for _, _, p in sorted(entries))
        for s, entries in sorted(waiting.items(), key=lambda item: order[item[0]])
    }
