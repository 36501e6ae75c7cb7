"""A generated G40 day: first come, first served in random arrival orders against our allocation.

    .venv/bin/python benchmarks/allocation/g40_fcfs.py                   # seed 1, 200 arrival orders
    .venv/bin/python benchmarks/allocation/g40_fcfs.py --seed 2 --orders 50 --scenario focused

**The day** (seeded, `generate(seed)`): the 41 member cities of the bundled network
(`examples/g40-haarlem-2023/network.yaml`, `member: true`) send 300 people: 2 each, the other 218 spread
by a seeded lognormal weight per city (a few large delegations, many small ones). Three parallel rounds
of 6 sessions each, every session its own topic, rooms of 60, 50, 40, 40, 30 and 20 seats (240 a round
for 300 people: as on a real day, not everyone fits a workshop they want). Each session has a seeded
popularity (lognormal); a person ranks 1 or 2 sessions in each round they want to attend (each round with
probability 0.9, at least one), drawn by popularity, and orders all of them by drawing again by
popularity: their rank 1 is the first drawn. **Two sessions are asked for by twice their seats**: the
40-seat session of round 1 and the 30-seat session of round 2 are rank 1 of exactly 80 and 60 people
(disjoint; nobody else ranks them first, though others may rank them lower).

Two scenarios (`SCENARIOS`, both run by default): **day** as above; **focused**, the same day where a
person wants each round with probability 0.5 (at least one) and ranks one session in it, so that a
person whose sessions are full has nothing else to fall back on (the hot session's askers rank it alone
in its round). The second is where organisations can end up without any seat they wanted.

**First come, first served** (`fcfs`): people arrive one by one in a random order (`--orders` orders,
seeded); a person arriving takes, round by round, their best-ranked session of that round that still has
a free seat (and whose topic they do not hold yet); nothing in a round where all theirs are full.

**Allocation** (`allocation.solve`, 2 workers): the default rank costs (rank - 1), with the lottery seed
the day's seed; and the same with `empty_organisations_first=True` (organisations without any wanted
seat first, then the most seats, ...). Each person's organisation is their city.

The metrics of both come from `scheduling.allocation_report.report` (the definitions the command line and
the web app use): seats given, the rank distribution, the organisations without any seat they wanted;
for first come, first served the mean, the standard deviation and the range over the arrival orders. The
time to allocate is `Result.wall_s` (building the model and CP-SAT). Writes
`benchmarks/results/allocation-g40-<date>.json` and prints a table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import slalom

from netwerkdag.scheduling import allocation
from netwerkdag.scheduling.allocation_report import report

__all__ = ["Day", "fcfs", "generate", "main", "metrics", "summarise"]

ROOT = slalom.ROOT
NETWORK = ROOT / "examples" / "g40-haarlem-2023" / "network.yaml"
PEOPLE = 300
MIN_PER_CITY = 2
ROUNDS = 3
CAPACITIES = (60, 50, 40, 40, 30, 20)
#: (round, index of its room in CAPACITIES) of the two sessions asked for by twice their seats.
HOT = ((1, 2), (2, 4))
#: Scenarios: how many sessions a person ranks in a round they want, and how likely they want a round.
SCENARIOS: dict[str, dict[str, Any]] = {
    "day": {"per_round": (1, 2), "attend": 0.9},
    "focused": {"per_round": (1,), "attend": 0.5},
}


@dataclass(frozen=True)
class Day:
    """A generated day: its allocation problem (offers, ranks, organisations) and its seed."""

    seed: int
    problem: allocation.Problem
    scenario: str = "day"

    @property
    def hot(self) -> tuple[str, ...]:
        return tuple(session_id(r, i) for r, i in HOT)


def session_id(round_no: int, room: int) -> str:
    return f"r{round_no}-s{room + 1}"


def member_cities(path: Path = NETWORK) -> list[str]:
    """The ids of the network's member organisations, in file order."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [o["id"] for o in data["organisations"] if o.get("member")]


def _weighted_order(rng: random.Random, items: Sequence[str], weight: Mapping[str, float]) -> list[str]:
    """`items` in an order drawn by weight without replacement (Efraimidis-Spirakis keys)."""
    return sorted(items, key=lambda s: rng.random() ** (1.0 / weight[s]), reverse=True)


def generate(seed: int = 1, people: int = PEOPLE, scenario: str = "day") -> Day:
    """The seeded G40 day of the module's docstring, in one of the SCENARIOS."""
    per_round: tuple[int, ...] = SCENARIOS[scenario]["per_round"]
    attend: float = SCENARIOS[scenario]["attend"]
    rng = random.Random(seed)
    cities = member_cities()
    size = Counter(dict.fromkeys(cities, MIN_PER_CITY))
    weight = {c: rng.lognormvariate(0.0, 0.8) for c in cities}
    size.update(
        rng.choices(cities, weights=[weight[c] for c in cities], k=people - MIN_PER_CITY * len(cities))
    )
    persons = [f"{c}-{k + 1}" for c in cities for k in range(size[c])]
    organisation = {p: p.rsplit("-", 1)[0] for p in persons}
    offers = tuple(
        allocation.Offer(session_id(r, i), f"round-{r}", session_id(r, i), cap)
        for r in range(1, ROUNDS + 1)
        for i, cap in enumerate(CAPACITIES)
    )
    popularity = {o.session: rng.lognormvariate(0.0, 0.7) for o in offers}
    hot = [session_id(r, i) for r, i in HOT]
    by_round = {r: [o.session for o in offers if o.round == f"round-{r}"] for r in range(1, ROUNDS + 1)}
    shuffled = persons[:]
    rng.shuffle(shuffled)
    first: dict[str, str] = {}
    start = 0
    for h in hot:
        wanted = 2 * CAPACITIES[next(i for r, i in HOT if session_id(r, i) == h)]
        first.update(dict.fromkeys(shuffled[start : start + wanted], h))
        start += wanted
    ranks: dict[str, dict[str, int]] = {}
    for person in persons:
        rounds = [r for r in range(1, ROUNDS + 1) if rng.random() < attend] or [rng.randint(1, ROUNDS)]
        chosen: list[str] = []
        for r in rounds:
            chosen += _weighted_order(rng, by_round[r], popularity)[: rng.choice(per_round)]
        if person in first and first[person] not in chosen:
            hot_round = next(o.round for o in offers if o.session == first[person])
            if len(per_round) == 1 and per_round[0] == 1:  # one session a round: the hot one is it
                chosen = [s for s in chosen if next(o.round for o in offers if o.session == s) != hot_round]
            chosen.append(first[person])
        order = _weighted_order(rng, chosen, popularity)
        if person in first:
            order.remove(first[person])
            order.insert(0, first[person])
        elif order[0] in hot:
            # Nobody else ranks a hot session first: their best other choice moves up; one who chose
            # nothing else takes the most popular other session of that round instead.
            others = [s for s in order if s not in hot]
            if others:
                order.remove(others[0])
                order.insert(0, others[0])
            else:
                round_of = next(o.round for o in offers if o.session == order[0])
                order = [
                    max(
                        (o.session for o in offers if o.round == round_of and o.session not in hot),
                        key=popularity.__getitem__,
                    )
                ]
        ranks[person] = {s: k for k, s in enumerate(order, start=1)}
    problem = allocation.Problem(offers, ranks, organisation=organisation)
    return Day(seed, problem, scenario)


def fcfs(problem: allocation.Problem, arrival: Sequence[str]) -> dict[str, frozenset[str]]:
    """First come, first served: each person in `arrival` order takes, round by round (in the order of
    the offers), their best-ranked session of the round with a free seat whose topic they do not hold
    yet; ties in rank go to the session that comes first."""
    free = {o.session: o.capacity for o in problem.offers}
    rounds = list(dict.fromkeys(o.round for o in problem.offers))
    position = {o.session: i for i, o in enumerate(problem.offers)}
    given: dict[str, frozenset[str]] = {}
    for person in arrival:
        ranked = problem.ranks.get(person, {})
        held: list[str] = []
        topics: set[str] = set()
        for r in rounds:
            options = sorted(
                (s for s in ranked if problem.offer(s).round == r), key=lambda s: (ranked[s], position[s])
            )
            for s in options:
                cap = free[s]
                if (cap is None or cap > 0) and problem.offer(s).topic not in topics:
                    if cap is not None:
                        free[s] = cap - 1
                    held.append(s)
                    topics.add(problem.offer(s).topic)
                    break
        if held:
            given[person] = frozenset(held)
    return given


def as_result(
    problem: allocation.Problem, given: Mapping[str, frozenset[str]], wall_s: float
) -> allocation.Result:
    """An allocation not made by `solve`, wrapped so that `report` can judge it by the same definitions."""
    return allocation.Result(
        allocation.Status.FEASIBLE,
        given,
        allocation.cost_of(problem, given, ()),
        None,
        sum(problem.asks(p) for p in problem.people),
        sum(len(s) for s in given.values()),
        wall_s,
    )


def metrics(problem: allocation.Problem, result: allocation.Result, hot: Sequence[str]) -> dict[str, Any]:
    """What the comparison reports of one allocation, from `allocation_report.report`."""
    made = report(problem, result).as_json()
    holders = Counter(s for ss in result.allocation.values() for s in ss)
    return {
        "asked": made["asked"],
        "assigned": made["assigned"],
        "unassigned": made["unassigned"],
        "rank_cost": made["objective"],
        "rank_distribution": made["rank_distribution"],
        "organisations_without_wanted_seat": len(made["organisations_without_wanted_seat"]),
        "people_without_a_seat": sum(1 for p in made["people"] if not p["seats"]),
        "hot_sessions_filled": {s: holders[s] for s in hot},
        "hot_sessions_organisations_left_out": {s: _left_out(problem, result.allocation, s) for s in hot},
        "broken": len(allocation.check(problem, result.allocation)),
    }


def _left_out(problem: allocation.Problem, given: Mapping[str, frozenset[str]], session: str) -> int:
    """How many organisations that asked for `session` (someone of theirs ranked it) hold no seat in it:
    what the fairness stage between organisations minimises. Computed here, not by the report."""
    asked = {
        problem.organisation[p]
        for p, r in problem.ranks.items()
        if session in r and p in problem.organisation
    }
    seated = {
        problem.organisation[p] for p, ss in given.items() if session in ss and p in problem.organisation
    }
    return len(asked - seated)


def summarise(values: Sequence[float]) -> dict[str, float]:
    return {
        "mean": round(statistics.fmean(values), 2),
        "sd": round(statistics.pstdev(values), 2),
        "min": min(values),
        "max": max(values),
    }


def _rank_share(distribution: Mapping[str, int], rank: str) -> int:
    return int(distribution.get(rank, 0))


def run(seed: int, orders: int, time_limit_s: float, scenario: str = "day") -> dict[str, Any]:
    day = generate(seed, scenario=scenario)
    problem = day.problem
    rng = random.Random(f"arrivals-{seed}")
    fcfs_runs = []
    for _ in range(orders):
        arrival = list(problem.people)
        rng.shuffle(arrival)
        fcfs_runs.append(metrics(problem, as_result(problem, fcfs(problem, arrival), 0.0), day.hot))
    ranks = sorted({r for m in fcfs_runs for r in m["rank_distribution"]}, key=int)
    fcfs_summary: dict[str, Any] = {
        key: summarise([m[key] for m in fcfs_runs])
        for key in (
            "assigned",
            "unassigned",
            "rank_cost",
            "organisations_without_wanted_seat",
            "people_without_a_seat",
        )
    }
    fcfs_summary["rank_distribution"] = {
        r: summarise([_rank_share(m["rank_distribution"], r) for m in fcfs_runs]) for r in ranks
    }
    fcfs_summary["broken"] = max(m["broken"] for m in fcfs_runs)
    fcfs_summary["hot_sessions_organisations_left_out"] = {
        s: summarise([m["hot_sessions_organisations_left_out"][s] for m in fcfs_runs]) for s in day.hot
    }
    ours = {}
    for name, first in (("allocation", False), ("allocation, organisations first", True)):
        result = allocation.solve(
            problem,
            (),
            time_limit=time_limit_s,
            workers=2,
            empty_organisations_first=first,
            lottery_seed=seed,
        )
        ours[name] = {
            "status": result.status.value,
            "wall_s": round(result.wall_s, 3),
            "bound": result.bound,
            "gap": result.gap,
            "stages": [
                {"measure": s.measure.value, "value": s.value, "bound": s.bound, "proven": s.proven}
                for s in result.stages
            ],
            **metrics(problem, result, day.hot),
        }
    organisations = Counter(problem.organisation.values())
    return {
        "scenario": scenario,
        **SCENARIOS[scenario],
        "seed": seed,
        "people": len(problem.people),
        "organisations": len(organisations),
        "organisation_sizes": dict(sorted(Counter(organisations.values()).items())),
        "sessions": len(problem.offers),
        "seats_per_round": sum(CAPACITIES),
        "hot_sessions": {
            s: {
                "seats": problem.offer(s).capacity,
                "organisations_asking": len(
                    {
                        problem.organisation[p]
                        for p, r in problem.ranks.items()
                        if s in r and p in problem.organisation
                    }
                ),
                "rank_1": sum(1 for r in problem.ranks.values() if r.get(s) == 1),
                "ranked": sum(1 for r in problem.ranks.values() if s in r),
            }
            for s in day.hot
        },
        "choices": sum(len(r) for r in problem.ranks.values()),
        "orders": orders,
        "fcfs": fcfs_summary,
        "ours": ours,
    }


def _print_table(row: Mapping[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"G40 {row['scenario']} (seed {row['seed']}): {row['people']} people of "
        f"{row['organisations']} cities, "
        f"3 rounds x 6 sessions, {row['seats_per_round']} seats a round; "
        f"first come first served over {row['orders']} arrival orders against allocation"
    )
    for column in (
        "",
        "seats given",
        "rank 1",
        "rank 2",
        "rank 3+",
        "rank cost",
        "cities without a wanted seat",
        "cities left out of the hot sessions",
        "people without a seat",
        "time",
    ):
        table.add_column(column)
    f = row["fcfs"]
    dist = f["rank_distribution"]

    def spread(s: Mapping[str, float]) -> str:
        return f"{s['mean']:g} ± {s['sd']:g} ({s['min']:g}-{s['max']:g})"

    rank3 = [sum(dist[r]["mean"] for r in dist if int(r) >= 3)]
    table.add_row(
        "first come, first served",
        spread(f["assigned"]),
        spread(dist.get("1", {"mean": 0, "sd": 0, "min": 0, "max": 0})),
        spread(dist.get("2", {"mean": 0, "sd": 0, "min": 0, "max": 0})),
        f"{rank3[0]:.2f} (mean)",
        spread(f["rank_cost"]),
        spread(f["organisations_without_wanted_seat"]),
        " + ".join(spread(v) for v in f["hot_sessions_organisations_left_out"].values()),
        spread(f["people_without_a_seat"]),
        "-",
    )
    for name, o in row["ours"].items():
        d = o["rank_distribution"]
        table.add_row(
            name,
            str(o["assigned"]),
            str(d.get("1", 0)),
            str(d.get("2", 0)),
            str(sum(v for r, v in d.items() if int(r) >= 3)),
            str(o["rank_cost"]),
            str(o["organisations_without_wanted_seat"]),
            " + ".join(str(v) for v in o["hot_sessions_organisations_left_out"].values()),
            str(o["people_without_a_seat"]),
            f"{o['wall_s']} s ({o['status']})",
        )
    Console(width=200).print(table)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--scenario", choices=tuple(SCENARIOS), action="append")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    if not 1 <= args.orders <= 100_000:
        parser.error("--orders must be from 1 to 100000")
    date = dt.date.today().isoformat()
    machine = slalom.machine()
    rows = [run(args.seed, args.orders, args.time_limit, s) for s in args.scenario or SCENARIOS]
    result = {
        "benchmark": "allocation-g40-fcfs",
        "date": date,
        "commit": slalom.git("rev-parse", "HEAD"),
        "dirty": bool(slalom.git("status", "--porcelain", "--untracked-files=no")),
        "machine": machine,
        "time_limit_s": args.time_limit,
        "metrics_from": "netwerkdag.scheduling.allocation_report.report",
        "scenarios": rows,
    }
    for row in rows:
        _print_table(row)
    out = args.out or ROOT / "benchmarks" / "results" / f"allocation-g40-{date}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
