"""A generated G40 day of meetings: 300 people, 600 requested meetings, 12 tables; placed, then re-placed.

    .venv/bin/python benchmarks/meetings/g40_day.py                # seed 1, 10 s per solve, 2 workers
    .venv/bin/python benchmarks/meetings/g40_day.py --seed 2 --time-limit 60 --keep /tmp/g40

**The day** (seeded, `generate(seed)`): the Haarlem example (`examples/g40-haarlem-2023`) as it is, its 271
people (network.yaml and population.yaml), plus 29 fictional advisers of member cities (`extra.yaml`, a
further people file: portfolios and groups drawn from the network's own) so that 300 people come; its
networking space with **12 tables** of 4 seats instead of 8 (open 09:30-16:00, step 15, transfer 5). The
folder is written to a temporary directory and read by the ordinary loader (`--keep DIR` keeps it, with
`requests.csv` and `registrations.csv` for `netwerkdag meetings`).

- **Registrations** (busy): each person registers for the plenary opening with probability 0.9, and for
  each of the four parallel rounds with probability 0.7 for one session of it: a session of one of their
  theme groups or their pillar when the round has one (probability 0.8), else any session of the round (the
  networking room itself aside). People with a part in a session (chairs, the state secretary) are busy in
  it too, as the event file says.
- **Requests**: 600 meetings of 15 (60 %) or 30 minutes (40 %). The one who asks is drawn at random; the
  other is someone with a portfolio of theirs in another city (60 %), else someone of one of their theme
  groups in another organisation (25 %), else anyone of another organisation; one meeting in ten has a third
  person (again by portfolio, from a third organisation when there is one). No two meetings have the same
  people. The order asked is the order drawn.

**Measured** (`netwerkdag.scheduling.meetings.solve`, 2 workers): the first placement (placed, the proven
bound, status, `wall_s`; targets: placed == bound, proven, under 10 s), checked by `meetings.check`. Then
two changes, each re-placed with the first plan as `announced`, counting announced meetings moved (another
table or time, or dropped) against those announced (target: under 5 %):

- **withdrawals**: 10 people (seeded, among those with a placed meeting) withdraw from the day. A meeting
  they asked for goes; in a meeting someone else asked for, they leave it and it goes on when at least two
  people remain (the web app's rule: the one who asked and one who accepted), else it goes. The meetings
  that go are not counted as moved (they no longer exist); the announced meetings that remain are the base;
- **extra session** (harder): 10 people (seeded, among those with a placed meeting during a parallel round
  they are free in) register for a session of that round, so that the new busy time covers that meeting:
  each of these at least has to move.

Writes `benchmarks/results/meetings-g40-<date>.json` (or `--out`) and prints the figures.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from netwerkdag.core.event import Event
from netwerkdag.core.network import Person
from netwerkdag.core.sessions import SessionKind
from netwerkdag.files.load import load_event
from netwerkdag.scheduling.meetings import (
    Meeting,
    MeetingProblem,
    Placement,
    Result,
    check,
    problem_of,
    solve,
)

__all__ = ["Day", "extra_session", "generate", "main", "replace", "withdraw"]

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "g40-haarlem-2023"
PEOPLE = 300
MEETINGS = 600
TABLES = 12
ROUNDS = ("ronde-1", "ronde-2", "ronde-3", "ronde-4")
OPENING = "opening-plenair"


@dataclass(frozen=True)
class Day:
    seed: int
    event: Event
    meetings: tuple[Meeting, ...]
    registrations: dict[str, tuple[str, ...]]  # person -> sessions
    folder: Path

    def problem(self, announced: Mapping[str, Placement] | None = None) -> MeetingProblem:
        return problem_of(self.event, self.meetings, self.registrations, announced=announced)


def _extra_people(rng: random.Random, event_people: Sequence[Person], count: int) -> list[dict[str, Any]]:
    """`count` fictional advisers of member cities, with portfolios and groups of the network's people."""
    with_city = [p for p in event_people if p.organisation and p.portfolios]
    first = [
        "Anouk",
        "Bram",
        "Cor",
        "Daan",
        "Eline",
        "Fenna",
        "Gijs",
        "Hanna",
        "Iris",
        "Joost",
        "Kim",
        "Lotte",
    ]
    last = ["Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters"]
    people = []
    for n in range(1, count + 1):
        model = rng.choice(with_city)  # an adviser of the same city and field as someone in the network
        people.append(
            {
                "id": f"{model.organisation}-adviseur-{n}",
                "name": f"{rng.choice(first)} {rng.choice(last)}",
                "role": "adviseur",
                "organisation": model.organisation,
                "portfolios": list(model.portfolios[:2]),
                "groups": list(model.groups),
            }
        )
    return people


def _write_folder(folder: Path, extra: list[dict[str, Any]]) -> None:
    for name in ("network.yaml", "population.yaml"):
        shutil.copy(EXAMPLE / name, folder / name)
    event = (EXAMPLE / "event.yaml").read_text(encoding="utf-8")
    if event.count("      tables: 8\n") != 1:
        raise ValueError("the example's networking space no longer says `tables: 8`")
    (folder / "event.yaml").write_text(
        event.replace("      tables: 8\n", f"      tables: {TABLES}\n"), "utf-8"
    )
    network = (folder / "network.yaml").read_text(encoding="utf-8")
    if network.count("people_files: [population.yaml]") != 1:
        raise ValueError("the example's network no longer says `people_files: [population.yaml]`")
    (folder / "network.yaml").write_text(
        network.replace("people_files: [population.yaml]", "people_files: [population.yaml, extra.yaml]"),
        "utf-8",
    )
    header = "# Generated by benchmarks/meetings/g40_day.py: fictional advisers.\n"
    (folder / "extra.yaml").write_text(header + yaml.safe_dump({"people": extra}, sort_keys=False), "utf-8")


def generate(seed: int = 1, folder: Path | None = None) -> Day:
    """The seeded day of the module's docstring, its event folder written to `folder` (default: a new
    temporary directory)."""
    rng = random.Random(seed)
    base = load_event(EXAMPLE)
    network_people = list(base.network.people)
    target = Path(folder) if folder is not None else Path(tempfile.mkdtemp(prefix="g40-day-"))
    target.mkdir(parents=True, exist_ok=True)
    _write_folder(target, _extra_people(rng, network_people, PEOPLE - len(network_people)))
    event = load_event(target)
    people = list(event.network.people)
    if len(people) != PEOPLE:
        raise ValueError(f"{len(people)} people, expected {PEOPLE}")

    registrations: dict[str, tuple[str, ...]] = {}
    by_round = {
        r: [s for s in event.sessions if s.block == r and s.kind != SessionKind.NETWORKING] for r in ROUNDS
    }
    for p in people:
        network = event.network
        pillars = {network.group(g).pillar for g in p.groups if network.has_group(g)} - {None}
        chosen = [OPENING] if rng.random() < 0.9 else []
        for r in ROUNDS:
            if rng.random() >= 0.7:
                continue
            own = [s for s in by_round[r] if s.group in p.groups or (s.pillar and s.pillar in pillars)]
            pool = own if own and rng.random() < 0.8 else by_round[r]
            chosen.append(rng.choice(pool).id)
        registrations[p.id] = tuple(chosen)

    by_portfolio: dict[str, list[Person]] = {}
    by_group: dict[str, list[Person]] = {}
    for p in people:
        for portfolio in p.portfolios:
            by_portfolio.setdefault(portfolio, []).append(p)
        for group in p.groups:
            by_group.setdefault(group, []).append(p)

    def partner(asker: Person, taken: set[str], orgs: set[str | None]) -> Person:
        draw = rng.random()
        pool: list[Person] = []
        if draw < 0.6:
            pool = [q for f in asker.portfolios for q in by_portfolio.get(f, ())]
        elif draw < 0.85:
            pool = [q for g in asker.groups for q in by_group.get(g, ())]
        pool = [q for q in pool if q.id not in taken and q.organisation not in orgs]
        if not pool:
            pool = [q for q in people if q.id not in taken and q.organisation not in orgs] or [
                q for q in people if q.id not in taken
            ]
        return rng.choice(pool)

    meetings: list[Meeting] = []
    seen: set[frozenset[str]] = set()
    while len(meetings) < MEETINGS:
        asker = rng.choice(people)
        other = partner(asker, {asker.id}, {asker.organisation})
        group = [asker, other]
        if rng.random() < 0.1:
            group.append(partner(asker, {asker.id, other.id}, {asker.organisation, other.organisation}))
        key = frozenset(q.id for q in group)
        if key in seen:
            continue
        seen.add(key)
        minutes = 15 if rng.random() < 0.6 else 30
        n = len(meetings) + 1
        meetings.append(Meeting(f"g-{n}", tuple(q.id for q in group), minutes, order=n))
    day = Day(seed, event, tuple(meetings), registrations, target)
    _write_inputs(day)
    return day


def _write_inputs(day: Day) -> None:
    with (day.folder / "requests.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["meeting", "person", "minutes"])
        for m in day.meetings:
            writer.writerows((m.id, p, m.minutes) for p in m.people)
    with (day.folder / "registrations.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["person", "session"])
        for person, sessions in day.registrations.items():
            writer.writerows((person, s) for s in sessions)


def withdraw(
    day: Day, plan: Sequence[Placement], rng: random.Random, count: int = 10
) -> tuple[Day, list[str]]:
    """`count` people with a placed meeting withdraw (see the docstring): the changed day and who."""
    placed = {p.meeting for p in plan}
    candidates = sorted({person for m in day.meetings if m.id in placed for person in m.people})
    gone = set(rng.sample(candidates, count))
    meetings = []
    for m in day.meetings:
        if m.people[0] in gone:
            continue
        left = tuple(p for p in m.people if p not in gone)
        if len(left) >= 2:
            meetings.append(Meeting(m.id, left, m.minutes, m.order, m.subject))
    registrations = {p: s for p, s in day.registrations.items() if p not in gone}
    return Day(day.seed, day.event, tuple(meetings), registrations, day.folder), sorted(gone)


def extra_session(
    day: Day, plan: Sequence[Placement], rng: random.Random, count: int = 10
) -> tuple[Day, list[tuple[str, str, str]]]:
    """`count` people register for a session of a round in which one of their placed meetings lies (see the
    docstring): the changed day and (person, session, meeting) of each."""
    people = {m.id: m.people for m in day.meetings}
    rounds = {r: day.event.block(r) for r in ROUNDS}
    options: list[tuple[str, str, str]] = []  # (person, round, meeting)
    for p in sorted(plan, key=lambda p: p.meeting):
        for r, block in rounds.items():
            if p.start < block.end and block.start < p.end:
                for person in people[p.meeting]:
                    if not any(day.event.session(s).block == r for s in day.registrations.get(person, ())):
                        options.append((person, r, p.meeting))
    chosen: dict[str, tuple[str, str, str]] = {}
    for person, r, meeting in rng.sample(options, len(options)):
        if person not in chosen:
            chosen[person] = (person, r, meeting)
        if len(chosen) == count:
            break
    registrations = dict(day.registrations)
    changes = []
    for person, r, meeting in chosen.values():
        session = rng.choice(
            [s for s in day.event.sessions if s.block == r and s.kind != SessionKind.NETWORKING]
        )
        registrations[person] = (*registrations.get(person, ()), session.id)
        changes.append((person, session.id, meeting))
    return Day(day.seed, day.event, day.meetings, registrations, day.folder), changes


def summary(problem: MeetingProblem, result: Result) -> dict[str, Any]:
    broken = check(problem, result.placements)
    return {
        "status": str(result.status),
        "placed": result.placed,
        "bound": result.bound,
        "proven": result.placed == result.bound and str(result.status) == "optimal",
        "wall_s": round(result.wall_s, 3),
        "moved": result.moved,
        "broken": Counter(b.rule for b in broken),
        "unplaced_reasons": Counter(u.reason for u in result.unplaced),
        "stages": result.as_json().get("stages", []),
    }


def replace(day: Day, first: Result, time_limit: float, workers: int) -> dict[str, Any]:
    """Re-place `day` with `first`'s plan announced: the summary and the moves counted independently."""
    known = {m.id for m in day.meetings}
    announced = {p.meeting: p for p in first.placements if p.meeting in known}
    problem = day.problem(announced)
    result = solve(problem, time_limit=time_limit, workers=workers)
    now = {p.meeting: p for p in result.placements}
    moved = sum(1 for m, p in announced.items() if now.get(m) != p)
    dropped = sum(1 for m in announced if m not in now)
    out = summary(problem, result)
    out.update(
        announced=len(announced),
        moved_counted=moved,
        dropped=dropped,
        moved_share=round(moved / len(announced), 4) if announced else 0.0,
        target_met=bool(announced) and moved / len(announced) < 0.05,
    )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A generated G40 day of meetings (see the docstring).")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per solve (default 10)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", help="write the day's folder here (default: a temporary one, removed)")
    parser.add_argument("--out", help="JSON file (default benchmarks/results/meetings-g40-<date>.json)")
    args = parser.parse_args(argv)
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="g40-day-"))
    try:
        day = generate(args.seed, folder)
        rng = random.Random(args.seed * 1000 + 7)
        problem = day.problem()
        load_before = round(os.getloadavg()[0], 2)
        first = solve(problem, time_limit=args.time_limit, workers=args.workers)
        figures: dict[str, Any] = {
            "people": len(day.event.network.people),
            "meetings": len(day.meetings),
            "three_person_meetings": sum(len(m.people) == 3 for m in day.meetings),
            "minutes": Counter(m.minutes for m in day.meetings),
            "tables": len(problem.space.tables),
            "registrations": sum(len(s) for s in day.registrations.values()),
            "load_before": load_before,
            "first": summary(problem, first),
        }
        less, gone = withdraw(day, first.placements, rng)
        figures["withdrawals"] = {"people": gone, "meetings_left": len(less.meetings)}
        figures["withdrawals"].update(replace(less, first, args.time_limit, args.workers))
        busier, changes = extra_session(day, first.placements, rng)
        figures["extra_session"] = {"changes": [list(c) for c in changes]}
        figures["extra_session"].update(replace(busier, first, args.time_limit, args.workers))
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    document = {
        "benchmark": "a generated G40 day of meetings (benchmarks/meetings/g40_day.py)",
        "date": dt.date.today().isoformat(),
        "seed": args.seed,
        "time_limit_s": args.time_limit,
        "workers": args.workers,
        "nproc": os.cpu_count(),
        **figures,
    }
    out = (
        Path(args.out)
        if args.out
        else ROOT / "benchmarks" / "results" / f"meetings-g40-{dt.date.today()}.json"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    f = figures
    print(
        f"first: {f['first']['placed']} placed of {f['meetings']}, bound {f['first']['bound']}, "
        f"{f['first']['status']}, {f['first']['wall_s']} s, broken {dict(f['first']['broken'])}"
    )
    for key in ("withdrawals", "extra_session"):
        r = f[key]
        print(
            f"{key}: {r['placed']} placed, bound {r['bound']}, {r['status']}, {r['wall_s']} s; moved "
            f"{r['moved_counted']} of {r['announced']} announced ({100 * r['moved_share']:.1f} %, dropped "
            f"{r['dropped']}), broken {dict(r['broken'])}"
        )
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
