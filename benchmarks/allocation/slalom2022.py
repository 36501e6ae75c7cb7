"""Slalom symposium 2022: ranked topic choices of in-person and virtual attendees, allocated with our
`solve` under the author's costs, beside the author's published assignments.

    .venv/bin/python benchmarks/allocation/slalom2022.py                    # all three instances
    .venv/bin/python benchmarks/allocation/slalom2022.py --convert hybrid OUT   # only write the folder

The data (`benchmarks/data/slalom-symposium/`, see its README and `slalom.py`): 483 survey rows, 56 not
attending, 427 attending (279 in person, 148 virtually), each ranking up to 13 of 15 topic names. The
author's notebook `SolutionNotebook_VIP_FullConstraint.ipynb` (arms3/ConferenceScheduling, commit
36f583f) drops two topics and merges two pairs, fills and re-ranks (`slalom.read_instance(2022)`): 11
topics, ranks 1..11, each topic run in each of 3 rounds, a room of 45, every attendee in exactly one run
per round and never twice in one topic. Its objective: the sum over everyone's three runs of the cost of
the rank, costs 0,0,0,4,10,11,12,...,18 for ranks 1, 2, 3, ... (rank 1 to 3 free).

The notebook solves three models; this script converts each one our model can hold into an event folder
(`event.yaml`, `network.yaml` with no people, `preferences.csv`) and solves it in this process
(`problem_of` + `solve`, the same code as `netwerkdag allocate`), then judges our allocation and the
author's by `allocation.check` and `cost_of`:

- **open**: the plain instance of `slalom.convert(2022)`: every attendee may join every run and counts
  against its 45 seats. Not one of the author's models (it ignores who is virtual); kept as the simplest
  reading of the data.
- **hybrid** (the author's final model, which wrote the published `conference_schedule_2022.csv`,
  objective 8 proven with CBC): every run is hybrid; its 45 seats count in-person attendees only; 11 runs
  (listed in `CLOSED_TO_VIRTUAL`, picked by hand by the author) take no virtual attendees; every run must
  have at least 15 in-person attendees. Our event: each run is two sessions in its round with one `topic`,
  `<topic>-r<n>` in a room of 45 and `<topic>-r<n>-online` in one shared room `online` with a seat for
  every virtual attendee (148, never short); an in-person attendee ranks the in-person sessions by id, a
  virtual one the online sessions of the runs open to them. One run per topic holds across the two
  (they share the topic). **Left out: the minimum of 15 in person per run** (our model has no lower
  bound on a session's attendance), so our optimum is a lower bound for the author's; whether our
  allocation happens to meet the minimum is reported (`runs_under_15`).
- **fixed-modes** (the notebook's second model, objective 1068 proven with CBC): each run is either in
  person or virtual, as the notebook's first model chose (`VIRTUAL_RUNS`, its printed `s_sol`); in-person
  attendees only in in-person runs (45 seats), virtual attendees only in virtual runs (no cap). Expressed
  exactly: an in-person run is `<topic>-r<n>` in its room, a virtual run `<topic>-r<n>-online` in the
  online room, and each attendee ranks only the runs of their mode. The author's
  `conference_schedule_2022_virtual_sessions.csv` (written by an earlier run; the notebook does not say
  of which model) is judged against it.

Not expressible, so not run: the notebook's first model, where the solver also chooses each run's mode
(1076, CBC 5 minutes, not proven). Our sessions have no mode to choose; a session is what the event file
says.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import slalom

from netwerkdag.files.load import load_event
from netwerkdag.files.preferences_csv import read_preferences
from netwerkdag.scheduling import allocation

__all__ = [
    "CLOSED_TO_VIRTUAL",
    "VARIANTS",
    "VIRTUAL_RUNS",
    "convert",
    "judge",
    "main",
    "published_allocation",
    "virtual_people",
]

ROOT = slalom.ROOT
YEAR = 2022
VARIANTS = ("open", "hybrid", "fixed-modes")
COSTS = slalom.COST_VECTORS[YEAR]["notebook"]
VIRTUAL = "Yes, I will attend virtually"
#: The hybrid model's runs without virtual attendees: (topic index in sorted order, round 1..3), from the
#: notebook's `(t == 3 and s in [1,2]) or (t == 4 and s in [0,1]) or ...` (s counted from 0).
CLOSED_TO_VIRTUAL = frozenset(
    {(3, 2), (3, 3), (4, 1), (4, 2), (0, 1), (10, 2), (1, 2), (1, 3), (5, 1), (9, 3), (8, 3)}
)
#: The fixed-modes model's virtual runs: the notebook's `s_sol` (rows the sorted topics, columns rounds).
VIRTUAL_RUNS = (
    (1, 0, 0),
    (1, 0, 0),
    (1, 0, 0),
    (0, 1, 0),
    (0, 1, 0),
    (0, 1, 0),
    (0, 0, 1),
    (0, 0, 0),
    (0, 1, 0),
    (0, 0, 1),
    (0, 0, 1),
)
#: The hybrid model's minimum of in-person attendees per run (left out of ours, reported).
MIN_IN_PERSON = 15
#: Published objectives of the notebook, per instance.
PUBLISHED = {"hybrid": 8, "fixed-modes": 1068}


def virtual_people() -> dict[str, bool]:
    """Person id (`p<row>` of the survey) -> whether they attend virtually; only those attending."""
    body = slalom._rows("selections_2022.csv")[1:]
    return {f"p{i}": row[0] == VIRTUAL for i, row in enumerate(body) if row[0] != slalom.NOT_ATTENDING_2022}


def online(session: str) -> str:
    return f"{session}-online"


def _runs(variant: str, instance: slalom.Instance) -> list[tuple[int, str, int, str]]:
    """(topic index, topic id, round, mode) of every session of the variant; mode `room` or `online`."""
    found = []
    for n in range(1, slalom.ROUNDS + 1):
        for i, topic in enumerate(instance.ids):
            if variant == "fixed-modes":
                found.append((i, topic, n, "online" if VIRTUAL_RUNS[i][n - 1] else "room"))
                continue
            found.append((i, topic, n, "room"))
            if variant == "hybrid" and (i, n) not in CLOSED_TO_VIRTUAL:
                found.append((i, topic, n, "online"))
    return found


def _session(topic: str, n: int, mode: str) -> str:
    base = slalom.session_id(topic, n)
    return online(base) if mode == "online" else base


def convert(variant: str, folder: Path) -> Path:
    """Write the variant's event folder into `folder` (made if missing); return the path of event.yaml."""
    if variant not in VARIANTS:
        raise ValueError(f"no variant {variant!r}; one of {', '.join(VARIANTS)}")
    instance = slalom.read_instance(YEAR)
    if variant == "open":
        return slalom.convert(YEAR, folder)
    modes = virtual_people()
    folder.mkdir(parents=True, exist_ok=True)
    rooms: list[dict[str, Any]] = [
        {"id": f"room-{i}", "name": f"Room {i}", "capacity": cap}
        for i, cap in enumerate(instance.caps, start=1)
    ]
    rooms.append({"id": "online", "name": "Online", "capacity": sum(modes.values()), "shared": True})
    blocks = [
        {"id": f"round-{n}", "kind": "parallel", "start": slalom._Quoted(a), "end": slalom._Quoted(b)}
        for n, (a, b) in enumerate(slalom.ROUND_TIMES, start=1)
    ]
    runs = _runs(variant, instance)
    sessions = [
        {
            "id": _session(topic, n, mode),
            "kind": "guest-conversation",
            "title": instance.names[i].strip() + (" (online)" if mode == "online" else ""),
            "block": f"round-{n}",
            "room": "online" if mode == "online" else f"room-{i + 1}",
            "topic": topic,
            "audience": [{}],
        }
        for i, topic, n, mode in runs
    ]
    event = {
        "network": "network.yaml",
        "event": {
            "slug": f"slalom-symposium-2022-{variant}",
            "title": f"Slalom Seattle symposium 2022, {variant} (benchmark)",
            "date": slalom._Quoted("2022-06-01"),
            "timezone": "America/Los_Angeles",
            "language": "en",
            "venue": {"name": "Placeholder venue"},
            "rooms": rooms,
            "blocks": blocks,
            "sessions": sessions,
        },
    }
    header = (
        f"# Converted by benchmarks/allocation/slalom2022.py ({variant})"
        " from benchmarks/data/slalom-symposium.\n"
        "# Topics, ranks, modes and caps are the data's and the notebook's; date, times, venue and room\n"
        "# names are placeholders.\n"
    )
    path = folder / "event.yaml"
    path.write_text(header + yaml.safe_dump(event, sort_keys=False, allow_unicode=True, width=110))
    network = {"id": "slalom", "name": "Slalom symposium attendees (outside attendees only)"}
    (folder / "network.yaml").write_text(yaml.safe_dump(network, sort_keys=False))
    with (folder / "preferences.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["person", "choice", "rank"])
        for person, ranks in instance.ranks.items():
            mode = "online" if modes[person] else "room"
            for _, topic, n, run_mode in runs:
                if run_mode == mode:
                    writer.writerow([person, _session(topic, n, mode), ranks[topic]])
    return path


def published_allocation(variant: str) -> dict[str, frozenset[str]]:
    """The author's assignment of the variant as our sessions: the published hybrid plan for `hybrid` and
    `open`, the `..._virtual_sessions.csv` plan for `fixed-modes`; a virtual attendee's run is the online
    session (in `open` there is none: the plain session)."""
    instance = slalom.read_instance(YEAR)
    by_name = dict(zip(instance.names, instance.ids, strict=True))
    name = (
        "conference_schedule_2022_virtual_sessions.csv"
        if variant == "fixed-modes"
        else "conference_schedule_2022.csv"
    )
    body = slalom._rows(name)[1:]
    if len(body) != len(instance.ranks):
        raise ValueError(f"{name}: {len(body)} rows for {len(instance.ranks)} people")
    found = {}
    for row in body:
        person = f"p{int(row[0])}"
        virtual = row[slalom.ROUNDS + 1] == "True"
        mode = "online" if virtual and variant != "open" else "room"
        found[person] = frozenset(
            _session(by_name[cell], n, mode) for n, cell in enumerate(row[1 : slalom.ROUNDS + 1], start=1)
        )
    return found


def judge(
    problem: allocation.Problem, given: Mapping[str, frozenset[str]], costs: Sequence[int]
) -> dict[str, Any]:
    """An allocation judged by our rules (`allocation.check`) and scored by `cost_of`; seats in sessions the
    instance does not have are counted apart (`not_offered`) and left out of the rest."""
    offered = {o.session for o in problem.offers}
    not_offered = sum(1 for sessions in given.values() for s in sessions if s not in offered)
    kept = {p: frozenset(s for s in sessions if s in offered) for p, sessions in given.items()}
    broken = allocation.check(problem, kept)
    ranks: Counter[int] = Counter(
        problem.ranks[p][s] for p, ss in kept.items() for s in ss if s in problem.ranks.get(p, {})
    )
    in_person: Counter[str] = Counter(s for ss in kept.values() for s in ss if not s.endswith("-online"))
    rooms = [o.session for o in problem.offers if not o.session.endswith("-online")]
    per_rule: Counter[str] = Counter(b.rule for b in broken)
    return {
        "cost": allocation.cost_of(problem, kept, costs),
        "seats": sum(len(s) for s in kept.values()),
        "not_offered": not_offered,
        "broken": dict(sorted(per_rule.items())),
        "valid": not broken and not not_offered,
        "ranks_got": {str(r): ranks[r] for r in sorted(ranks)},
        "runs_under_15": sum(1 for s in rooms if in_person[s] < MIN_IN_PERSON),
        "largest_in_person": max((in_person[s] for s in rooms), default=0),
    }


def run(variant: str, *, time_limit_s: float, folder: Path) -> dict[str, Any]:
    """Convert, load, solve in this process, judge ours and the author's."""
    event_path = convert(variant, folder / variant)
    event = load_event(event_path)
    offers = allocation.offers_of(event)
    choices = frozenset(o.session for o in offers) | frozenset(o.topic for o in offers)
    wanted = read_preferences(event_path.parent / "preferences.csv", choices)
    problem = allocation.problem_of(event, wanted)
    result = allocation.solve(problem, COSTS, time_limit=time_limit_s, workers=2)
    return {
        "variant": variant,
        "people": len(problem.people),
        "sessions": len(offers),
        "preference_rows": len(wanted),
        "ours": {
            "status": result.status.value,
            "objective": result.objective,
            "bound": result.bound,
            "gap": result.gap,
            "wall_s": round(result.wall_s, 3),
            "asked": result.asked,
            "assigned": result.assigned,
            "unassigned": result.unassigned,
        },
        "checked": judge(problem, result.allocation, COSTS),
        "published_objective": PUBLISHED.get(variant),
        "published_plan": judge(problem, published_allocation(variant), COSTS),
    }


def _print_table(rows: Sequence[Mapping[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Slalom 2022: 427 people (148 virtual), 11 topics x 3 rounds, costs 0,0,0,4,10..18")
    for column in (
        "instance",
        "status",
        "ours",
        "bound",
        "wall_s",
        "checked",
        "author's objective",
        "author's plan",
    ):
        table.add_column(column)
    for row in rows:
        ours, checked, plan = row["ours"], row["checked"], row["published_plan"]
        plan_text = f"{plan['cost']} {'valid' if plan['valid'] else 'INVALID ' + json.dumps(plan['broken'])}"
        if plan["not_offered"]:
            plan_text += f", {plan['not_offered']} seats in runs not offered"
        table.add_row(
            row["variant"],
            ours["status"],
            str(ours["objective"]),
            str(ours["bound"]),
            str(ours["wall_s"]),
            f"{checked['cost']} {'valid' if checked['valid'] else 'INVALID'}",
            str(row["published_objective"] or "-"),
            plan_text,
        )
    Console(width=170).print(table)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--convert", nargs=2, metavar=("VARIANT", "FOLDER"), help="only write the folder")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    if args.convert:
        print(convert(args.convert[0], Path(args.convert[1])))
        return 0
    date = dt.date.today().isoformat()
    machine = slalom.machine()
    with tempfile.TemporaryDirectory(prefix="slalom2022-") as tmp:
        rows = [run(v, time_limit_s=args.time_limit, folder=Path(tmp)) for v in VARIANTS]
    report = {
        "benchmark": "allocation-slalom2022",
        "date": date,
        "commit": slalom.git("rev-parse", "HEAD"),
        "dirty": bool(slalom.git("status", "--porcelain", "--untracked-files=no")),
        "machine": machine,
        "time_limit_s": args.time_limit,
        "costs": list(COSTS),
        "runs": rows,
    }
    _print_table(rows)
    out = args.out or ROOT / "benchmarks" / "results" / f"allocation-slalom2022-{date}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
