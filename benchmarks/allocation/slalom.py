"""The Slalom symposium benchmark: ranked topic choices allocated to three rounds, against the author's
published assignment.

    .venv/bin/python benchmarks/allocation/slalom.py                       # 2019, both cost vectors
    .venv/bin/python benchmarks/allocation/slalom.py --convert 2019 OUT     # only write the event folder
    .venv/bin/python benchmarks/allocation/slalom.py --published 2022       # only score the author's plan

The data (`benchmarks/data/slalom-symposium/`, MIT as first published, arms3/ConferenceScheduling) are
the real, anonymous answers to Slalom Seattle's symposium survey: every row one attendee, the columns
their topics in order of preference. `conference_schedule*.csv` is the author's assignment (a row per
attendee, in the same order, the topic of each of three sessions), made with OR-Tools/CBC in the
author's notebook `SolutionNotebook.ipynb`.

**2019.** 578 attendees rank 7 topics; each topic runs once in each of 3 rounds and every attendee goes
to 3 different topics. Caps per topic, in the order of the topic names sorted as Python sorts strings
(the notebook's `np.unique`): 85, 85, 85, 85, 90, 80, 75. The converter writes:

- `event.yaml`: 3 parallel blocks (`round-1..3`), 7 rooms (one per topic, with its cap; rooms belong to
  a block, so the same 7 serve every round) and 21 sessions of kind `guest-conversation`, `topic: <id>`,
  the topic id being the slug of its name. Date, times, venue and room names are not in the data: they
  are placeholders, marked so in the file;
- `network.yaml`: a network with no people. The attendees are outside the network, which `allocate`
  allows;
- `preferences.csv` (`person,choice,rank`): person `p<row>` (p0..p577, the row of both CSV files),
  choice the topic id, rank its column (1 = most wanted). 182 rows are incomplete (173 empty, 9 with
  1 to 4 topics). As the notebook does, every topic a person left out gets the rank after the last one
  they gave (so an empty row ranks all 7 topics 1: anything suits them); equal ranks are allowed. That
  is the rule that makes the published optimum 0 under the costs 0,0,0,2,3,4,5.

The objective is the notebook's: the sum over everyone's three topics of the cost of its rank. The
published values are 0 with costs 0,0,0,2,3,4,5 (the notebook's optimum) and 1214 with cost = rank-1
(proved optimal with CP-SAT, see benchmarks-data/README.md of the project's shared data).

**2022.** The notebook `SolutionNotebook_VIP_FullConstraint.ipynb` drops the 56 people who said they
would not come (427 remain: 279 in person, 148 virtual; ids `p<row>` keep the survey's row, as the
author's assignment does), drops two topics (MIDL Earth, Customer Data
Platforms), merges Starbucks Experimentation Program into Modern Portfolio Management and Introduction
to the Seattle Sustainability Team into ESG 101 (the better of the two columns counts, but only when
the person ranked the topic merged into: the notebook's `min` of a missing value and a number is
missing), fills a topic left out with the column after the person's last, and then ranks each person's
columns (pandas `rank(method='min')`), so ranks run 1..11 without gaps. That leaves 11 topics, each run
in each of 3 rounds in a room of 45; `convert(2022, ...)` writes that plain instance ("open": everyone
may join every run, and every attendee counts against the 45). The in-person and virtual attendees of
2022, the author's hybrid sessions and the 1068 model with fixed virtual runs are converted and solved
by `benchmarks/allocation/slalom2022.py`, which says what of them our model expresses.

Run (2019): `netwerkdag allocate` in a subprocess with `--json`, for each cost vector, the wall clock of
the whole command measured here beside the `wall_s` it reports; its output CSV is judged again by this
script (capacity, one session per round, one run per topic, the same cost), as is the published plan.
Prints a table and writes JSON (`--out`, default benchmarks/results/allocation-slalom-<date>.json) with
the machine and the commit.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.metadata
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "COST_VECTORS",
    "DATA",
    "Assignment",
    "Instance",
    "convert",
    "judge",
    "main",
    "published",
    "published_assignment",
    "read_instance",
    "slug",
]

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "benchmarks" / "data" / "slalom-symposium"
DEFAULT_OURS = ROOT / ".venv" / "bin" / "netwerkdag"
ROUNDS = 3
#: Placeholder times of the three rounds (the data have none).
ROUND_TIMES = (("13:00", "13:50"), ("14:00", "14:50"), ("15:00", "15:50"))
#: The 2019 caps of the notebook, for the topics sorted by name.
CAPS_2019 = (85, 85, 85, 85, 90, 80, 75)
#: The 2022 cap of every run (the notebook's, before its virtual sessions).
CAP_2022 = 45
#: 2022: topics the notebook drops, and merges (the first into the second, the better rank counting).
DROPPED_2022 = (
    "MIDL Earth - Digitized ",
    "Customer Data Platforms:  The Innovative intersection of Martech, Machine Learning, and Customer Data",
)
MERGED_2022 = (
    ("Starbucks Experimentation Program", "Modern Portfolio Management"),
    ("Introduction to the Seattle Sustainability Team", "ESG 101"),
)
NOT_ATTENDING_2022 = "No, I will not attend"
#: Cost vectors per year, by name: the cost of rank r is the r-th value.
COST_VECTORS: dict[int, dict[str, tuple[int, ...]]] = {
    2019: {"notebook": (0, 0, 0, 2, 3, 4, 5), "rank-1": (0, 1, 2, 3, 4, 5, 6)},
    2022: {"notebook": (0, 0, 0, 4, 10, 11, 12, 13, 14, 15, 16, 17, 18), "rank-1": tuple(range(13))},
}
#: Targets from issue 19 (2019, 2 cores): the proven optimum and the time to prove it.
TARGETS = {"notebook": (0, 1.0), "rank-1": (1214, 2.0)}
#: Longest topic id, so that a session id (`<topic>-r1`) stays within the 80 characters of an id.
MAX_TOPIC_ID = 60


@dataclass(frozen=True)
class Instance:
    """One year's allocation problem: topics (names sorted as the notebook sorts them, with their ids and
    caps) and every person's rank of every topic."""

    year: int
    names: tuple[str, ...]
    ids: tuple[str, ...]
    caps: tuple[int, ...]
    #: person id -> topic id -> rank (1 = most wanted; equal ranks allowed).
    ranks: Mapping[str, Mapping[str, int]]


#: person id -> one topic id per round (None: the round left empty).
Assignment = Mapping[str, Sequence[str | None]]


def slug(name: str) -> str:
    """An id from a topic name: ascii lowercase, runs of anything else one hyphen, at most MAX_TOPIC_ID
    characters (cut at a hyphen)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if len(text) > MAX_TOPIC_ID:
        text = text[: MAX_TOPIC_ID + 1].rsplit("-", 1)[0]
    return text


def _rows(name: str) -> list[list[str]]:
    with (DATA / name).open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def _filled(choices: Mapping[str, int], names: Sequence[str]) -> dict[str, int]:
    """The notebook's fill and ranking: a topic left out gets the column after the person's last (1 if
    none given), then every column becomes its rank among the person's (pandas `rank(method='min')`: 1 +
    how many are smaller), so that ranks have no gaps where a dropped topic was. In 2019 (nothing
    dropped) the second step changes nothing."""
    after = max(choices.values(), default=0) + 1
    columns = {n: choices.get(n, after) for n in names}
    return {n: 1 + sum(1 for other in columns.values() if other < c) for n, c in columns.items()}


def read_instance(year: int) -> Instance:
    """Read a year's selections as the notebook prepares them (see the module docstring)."""
    if year == 2019:
        body = _rows("selections.csv")[1:]
        people = [(f"p{i}", row) for i, row in enumerate(body)]
    elif year == 2022:
        body = _rows("selections_2022.csv")[1:]
        people = [(f"p{i}", row[1:]) for i, row in enumerate(body) if row[0] != NOT_ATTENDING_2022]
    else:
        raise ValueError(f"no Slalom data for {year}")
    chosen = [{name: column for column, name in enumerate(row, start=1) if name} for _, row in people]
    if year == 2022:
        for choices in chosen:
            for name in DROPPED_2022:
                choices.pop(name, None)
            for merged, into in MERGED_2022:
                # The notebook's `min(x[into], x[merged])` is Python's min, which returns its first
                # argument when that is NaN: a person who ranked only the merged topic ranks neither.
                other = choices.pop(merged, None)
                if into in choices and other is not None:
                    choices[into] = min(choices[into], other)
    names = tuple(sorted({name for choices in chosen for name in choices}))
    ids = tuple(slug(n) for n in names)
    if len(set(ids)) != len(ids):
        raise ValueError(f"two topics share an id: {ids}")
    caps = CAPS_2019 if year == 2019 else (CAP_2022,) * len(names)
    if len(caps) != len(names):
        raise ValueError(f"{len(names)} topics but {len(caps)} caps")
    by_name = dict(zip(names, ids, strict=True))
    ranks = {
        person: {by_name[n]: r for n, r in _filled(choices, names).items()}
        for (person, _), choices in zip(people, chosen, strict=True)
    }
    return Instance(year=year, names=names, ids=ids, caps=caps, ranks=ranks)


def session_id(topic: str, round_no: int) -> str:
    return f"{topic}-r{round_no}"


class _Quoted(str):
    """A string YAML writes in quotes (times and dates, which other YAML tools read as numbers)."""


yaml.SafeDumper.add_representer(
    _Quoted, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
)


def convert(year: int, folder: Path) -> Path:
    """Write the year's event folder (`event.yaml`, `network.yaml`, `preferences.csv`) into `folder`
    (made if missing) and return the path of `event.yaml`."""
    instance = read_instance(year)
    folder.mkdir(parents=True, exist_ok=True)
    rooms = [
        {"id": f"room-{i}", "name": f"Room {i}", "capacity": cap}
        for i, cap in enumerate(instance.caps, start=1)
    ]
    blocks = [
        {"id": f"round-{n}", "kind": "parallel", "start": _Quoted(start), "end": _Quoted(end)}
        for n, (start, end) in enumerate(ROUND_TIMES, start=1)
    ]
    sessions = [
        {
            "id": session_id(topic, n),
            "kind": "guest-conversation",
            "title": name.strip(),
            "block": f"round-{n}",
            "room": f"room-{i}",
            "topic": topic,
            "audience": [{}],
        }
        for n in range(1, ROUNDS + 1)
        for i, (name, topic) in enumerate(zip(instance.names, instance.ids, strict=True), start=1)
    ]
    event = {
        "network": "network.yaml",
        "event": {
            "slug": f"slalom-symposium-{year}",
            "title": f"Slalom Seattle symposium {year} (benchmark)",
            "date": _Quoted(f"{year}-06-01"),
            "timezone": "America/Los_Angeles",
            "language": "en",
            "venue": {"name": "Placeholder venue"},
            "rooms": rooms,
            "blocks": blocks,
            "sessions": sessions,
        },
    }
    network = {"id": "slalom", "name": "Slalom symposium attendees (outside attendees only)"}
    header = (
        f"# Converted by benchmarks/allocation/slalom.py from benchmarks/data/slalom-symposium ({year}).\n"
        "# Topics, ranks and caps are the data's; the date, times, venue and room names are placeholders.\n"
    )
    path = folder / "event.yaml"
    path.write_text(header + yaml.safe_dump(event, sort_keys=False, allow_unicode=True, width=110))
    (folder / "network.yaml").write_text(yaml.safe_dump(network, sort_keys=False))
    with (folder / "preferences.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["person", "choice", "rank"])
        for person, ranks in instance.ranks.items():
            for topic in instance.ids:
                writer.writerow([person, topic, ranks[topic]])
    return path


def published_assignment(year: int) -> Assignment:
    """The author's assignment, by our person ids: the topic id of each round (rows in survey order)."""
    instance = read_instance(year)
    by_name = dict(zip(instance.names, instance.ids, strict=True))
    name = "conference_schedule.csv" if year == 2019 else "conference_schedule_2022.csv"
    body = _rows(name)[1:]
    if len(body) != len(instance.ranks):
        raise ValueError(f"{name}: {len(body)} rows for {len(instance.ranks)} people")
    return {
        f"p{int(row[0])}": [by_name[cell] if cell else None for cell in row[1 : ROUNDS + 1]] for row in body
    }


def assignment_from_csv(path: Path, instance: Instance) -> Assignment:
    """Read an `allocate` output (`person,session`) back as topics per round; a session id names its
    topic and round as `convert` wrote them."""
    sessions = {session_id(t, n): (t, n) for t in instance.ids for n in range(1, ROUNDS + 1)}
    rounds: dict[str, list[str | None]] = {p: [None] * ROUNDS for p in instance.ranks}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            topic, n = sessions[row["session"]]
            if rounds[row["person"]][n - 1] is not None:
                raise ValueError(f"{row['person']} has two sessions in round {n}")
            rounds[row["person"]][n - 1] = topic
    return rounds


def judge(instance: Instance, assignment: Assignment, costs: Sequence[int]) -> dict[str, Any]:
    """Check an assignment against the rules (capacity per run, one run per topic per person; one session
    per round holds by its shape) and score it: the sum of the costs of the ranks of what everyone got.
    Rounds left empty are counted, not costed."""
    load: Counter[tuple[str, int]] = Counter()
    repeats = 0
    empty = 0
    cost = 0
    got: Counter[int] = Counter()
    for person, topics in assignment.items():
        taken = [t for t in topics if t is not None]
        empty += len(topics) - len(taken)
        repeats += len(taken) - len(set(taken))
        for n, topic in enumerate(topics, start=1):
            if topic is None:
                continue
            load[topic, n] += 1
            rank = instance.ranks[person][topic]
            got[rank] += 1
            cost += costs[rank - 1]
    caps = dict(zip(instance.ids, instance.caps, strict=True))
    over = {session_id(t, n): k - caps[t] for (t, n), k in load.items() if k > caps[t]}
    return {
        "cost": cost,
        "people": len(assignment),
        "empty_rounds": empty,
        "repeated_topics": repeats,
        "over_capacity": dict(sorted(over.items())),
        "valid": not over and not repeats,
        "ranks_got": {str(r): got[r] for r in sorted(got)},
    }


def published(year: int) -> dict[str, dict[str, Any]]:
    """The author's assignment judged and scored with each of the year's cost vectors."""
    instance = read_instance(year)
    assignment = published_assignment(year)
    return {name: judge(instance, assignment, costs) for name, costs in COST_VECTORS[year].items()}


def run_ours(
    command: Sequence[str], event: Path, costs: Sequence[int], *, time_limit_s: float, out: Path
) -> dict[str, Any]:
    """`allocate` in a subprocess; its JSON line, the wall clock of the whole command, and its exit."""
    args = [
        *command,
        "allocate",
        str(event),
        "--preferences",
        str(event.parent / "preferences.csv"),
        "--rank-costs",
        ",".join(str(c) for c in costs),
        "--time-limit",
        str(time_limit_s),
        "-o",
        str(out),
        "--json",
    ]
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, check=False, cwd=ROOT)
    process_s = time.perf_counter() - start
    result: dict[str, Any] = {"exit": done.returncode, "process_s": round(process_s, 3)}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode == 0 and lines:
        result.update(json.loads(lines[-1]))
    else:
        result["error"] = (done.stderr or done.stdout).strip()[-2000:]
    return result


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S607
    return done.stdout.strip()


def machine() -> dict[str, Any]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        ortools: str | None = importlib.metadata.version("ortools")
    except importlib.metadata.PackageNotFoundError:
        ortools = None
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "ortools": ortools,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _print_table(rows: Sequence[Mapping[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Slalom 2019: 578 people, 7 topics x 3 rounds")
    for column in (
        "costs",
        "status",
        "ours",
        "bound",
        "wall_s",
        "process_s",
        "checked",
        "published",
        "target",
    ):
        table.add_column(column)
    for row in rows:
        ours = row["ours"]
        checked = row.get("checked") or {}
        target_cost, target_s = TARGETS[row["name"]]
        table.add_row(
            f"{row['name']} ({','.join(map(str, row['costs']))})",
            str(ours.get("status", f"exit {ours['exit']}")),
            str(ours.get("objective", "-")),
            str(ours.get("bound", "-")),
            str(ours.get("wall_s", "-")),
            str(ours["process_s"]),
            f"{checked['cost']} {'valid' if checked['valid'] else 'INVALID'}" if checked else "-",
            str(row["published"]["cost"]),
            f"{target_cost} proven < {target_s:g} s",
        )
    Console(width=160).print(table)


def run_2019(command: Sequence[str], *, time_limit_s: float) -> list[dict[str, Any]]:
    """Convert 2019, allocate with each cost vector, judge our output and the published plan."""
    instance = read_instance(2019)
    scored = published(2019)
    rows = []
    with tempfile.TemporaryDirectory(prefix="slalom-") as tmp:
        event = convert(2019, Path(tmp) / "event")
        for name, costs in COST_VECTORS[2019].items():
            out = Path(tmp) / f"{name}.csv"
            ours = run_ours(command, event, costs, time_limit_s=time_limit_s, out=out)
            checked = judge(instance, assignment_from_csv(out, instance), costs) if out.exists() else None
            rows.append(
                {
                    "name": name,
                    "costs": list(costs),
                    "ours": ours,
                    "checked": checked,
                    "published": scored[name],
                }
            )
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--convert", nargs=2, metavar=("YEAR", "FOLDER"), help="only write the event folder")
    parser.add_argument("--published", type=int, metavar="YEAR", help="only judge the author's assignment")
    parser.add_argument("--ours-cmd", default=str(DEFAULT_OURS), help="the netwerkdag command (shell words)")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    if args.convert:
        print(convert(int(args.convert[0]), Path(args.convert[1])))
        return 0
    if args.published:
        print(json.dumps(published(args.published), indent=2))
        return 0
    command = args.ours_cmd.split()
    if not Path(command[0]).exists():
        command = [sys.executable, "-m", "netwerkdag.cli"]
    report = {
        "benchmark": "allocation-slalom",
        "date": dt.date.today().isoformat(),
        "commit": git("rev-parse", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "machine": machine(),
        "time_limit_s": args.time_limit,
        "command": command,
        "runs": run_2019(command, time_limit_s=args.time_limit),
        "published_2022": published(2022),
    }
    _print_table(report["runs"])
    out = args.out or ROOT / "benchmarks" / "results" / f"allocation-slalom-{report['date']}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
