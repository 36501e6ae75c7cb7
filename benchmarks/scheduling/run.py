"""Run our CP-SAT scheduler and its peers side by side on generated instances, and referee every result.

    .venv/bin/python benchmarks/scheduling/run.py                     # S M L, seed 1, limits 10 and 60 s
    .venv/bin/python benchmarks/scheduling/run.py --sizes S M --seeds 1 2 3 --limits 10 \\
        --peers conference-scheduler timefold --out benchmarks/results/scheduling-2026-11-29.json --plot

For every size, seed and time limit:

1. the instance is generated (generate.py) into a temporary folder: `instance.json` and `event/` with
   `interests.csv`;
2. **ours**: `.venv/bin/netwerkdag schedule <event> --interests <csv> --time-limit T --workers W --seed S
   --json -o <plan>` in a subprocess. Its JSON line (`status, objective, conflicts, bound, gap, wall_s,
   moved`) is recorded, and the plan folder is read back with `netwerkdag.files.load.load_event`;
   `--ours-cmd` replaces `.venv/bin/netwerkdag` (a stub, another checkout). A missing `schedule` command
   is reported as "not available", not as a failure of the run;
3. **peers**: `peer_conference_scheduler.solve` and `peer_timefold.solve` (`solve(instance,
   time_limit_s, seed) -> PeerResult`), each in a subprocess of this script so that a crash or a hang
   stays contained; a peer named in `--peers` whose package is not installed stops the run before it
   starts (exit 2), unless `--allow-missing-peers` records it as skipped with a note;
4. the **referee** (instance.py) re-scores every placement: `hard_violations` (valid or not) and
   `conflicts` (the objective: weighted pairs of wanted talks in one slot). The solvers' own figures are
   kept beside it.

Wall time is measured around each subprocess (`process_s`, including start-up such as the JVM) besides
what the solver reports (`wall_s`). Peak memory is the subprocess's maximum resident set size
(`os.wait4`). Runs are sequential, so solvers do not compete for cores; ours uses `--workers` threads
(default 2), the peers what they use.

Prints a table (Rich) and writes JSON (`--out`, default benchmarks/results/scheduling-<date>.json).
`--plot [SVG]` also draws wall time and objective against size (default docs/img/scheduling-benchmark.svg).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import importlib.util
import json
import math
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from html import escape
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import SIZES, generate, write_generated
from instance import Instance, PeerResult, conflicts, hard_violations, pair_weights, read_instance
from to_event import initial_placement, write_event

from netwerkdag.core.problems import NetwerkdagError
from netwerkdag.files.load import load_event

__all__ = ["PEERS", "RunRecord", "main", "run_ours", "run_peer", "write_svg"]

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OURS = ROOT / ".venv" / "bin" / "netwerkdag"
DEFAULT_PLOT = ROOT / "docs" / "img" / "scheduling-benchmark.svg"
#: Peer name on the command line -> module beside this file.
PEERS = {"conference-scheduler": "peer_conference_scheduler", "timefold": "peer_timefold"}
#: The package each peer needs: a peer named in --peers without it stops the run before it starts (a run
#: of an hour whose table says "skipped" for the peer it was meant to compare against helps nobody).
PEER_PACKAGES = {"conference-scheduler": ("conference_scheduler", "pulp"), "timefold": ("timefold",)}
PEER_WORKER = "--peer-worker"


@dataclass
class RunRecord:
    """One solver on one instance with one time limit, as reported and as refereed."""

    size: str
    seed: int  # the instance's
    limit_s: float
    solver: str
    status: str  # the solver's status, or "not available" / "skipped" / "error" / "timeout"
    valid: bool | None = None  # the referee's verdict on the placement; None without a placement
    objective: int | None = None  # the referee's conflicts of a complete placement
    reported_objective: int | None = None
    bound: float | None = None
    gap: float | None = None
    moved: int | None = None
    wall_s: float | None = None  # as the solver reports it
    process_s: float | None = None  # measured around the subprocess
    peak_rss_mb: float | None = None
    violations: list[str] = field(default_factory=list)
    note: str = ""
    search_seed: int | None = None  # ours: the seed of the search, when not the instance's


@dataclass(frozen=True)
class _Process:
    returncode: int | None  # None when killed at the deadline
    stdout: str
    stderr: str
    seconds: float
    peak_rss_mb: float


def _run_measured(command: Sequence[str], *, timeout_s: float, cwd: Path | None = None) -> _Process:
    """Run `command`, kill it after `timeout_s`, and return its output, wall time and peak RSS.

    The child is reaped with `os.wait4`, which gives that child's own resource usage (ru_maxrss, in KiB on
    Linux), unlike `getrusage(RUSAGE_CHILDREN)`, which is the maximum over all children so far.
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, cwd=cwd, text=True)
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            child.kill()

        timer = threading.Timer(timeout_s, kill)
        timer.start()
        try:
            _pid, status, usage = os.wait4(child.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return _Process(
            None if killed.is_set() else child.returncode,
            out.read(),
            err.read(),
            seconds,
            usage.ru_maxrss / 1024,
        )


def _last_json_line(text: str) -> dict[str, Any] | None:
    for line in reversed(text.strip().splitlines()):
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            return value
    return None


def _referee(record: RunRecord, instance: Instance, placement: Mapping[str, tuple[str, str]]) -> None:
    violations = hard_violations(instance, placement)
    record.valid = not violations
    record.violations = violations[:10]
    if len(placement) == len(instance.talks):
        record.objective = conflicts(instance, {t: cell[0] for t, cell in placement.items()})
    if record.reported_objective is not None and record.objective not in (None, record.reported_objective):
        mismatch = f"reported objective {record.reported_objective} != refereed {record.objective}"
        record.note = f"{mismatch}; {record.note}" if record.note else mismatch


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def run_ours(
    instance: Instance,
    folder: Path,
    record: RunRecord,
    *,
    command: Sequence[str],
    workers: int,
) -> RunRecord:
    """Schedule `folder/event` with our command line and referee the plan it writes."""
    search_seed = record.seed if record.search_seed is None else record.search_seed
    plan = folder / f"plan-{record.limit_s:g}s-seed-{search_seed}"
    event = folder / "event"
    argv = [
        *command,
        "schedule",
        str(event),
        "--interests",
        str(event / "interests.csv"),
        "--time-limit",
        f"{record.limit_s:g}",
        "--workers",
        str(workers),
        "--seed",
        str(search_seed),
        "--json",
        "-o",
        str(plan),
    ]
    try:
        process = _run_measured(argv, timeout_s=2 * record.limit_s + 60)
    except OSError as exc:
        record.status, record.note = "not available", f"cannot run {command[0]}: {exc.strerror or exc}"
        return record
    record.process_s, record.peak_rss_mb = round(process.seconds, 3), round(process.peak_rss_mb, 1)
    if process.returncode is None:
        record.status, record.note = "timeout", f"killed after {2 * record.limit_s + 60:g} s"
        return record
    if process.returncode == 2 and "No such command" in process.stderr + process.stdout:
        record.status, record.note = "not available", "this netwerkdag has no `schedule` command yet"
        return record
    reported = _last_json_line(process.stdout)
    if reported is None:
        record.status = "error"
        record.note = f"exit {process.returncode}, no JSON line; {_tail(process.stderr or process.stdout)}"
        return record
    record.status = str(reported.get("status", "unknown"))
    objective = reported.get("objective", reported.get("conflicts"))
    record.reported_objective = int(objective) if isinstance(objective, int | float) else None
    record.bound, record.gap = _number(reported.get("bound")), _number(reported.get("gap"))
    record.wall_s = _number(reported.get("wall_s"))
    moved = reported.get("moved")
    record.moved = int(moved) if isinstance(moved, int) else None
    if (plan / "event.yaml").is_file():
        try:
            placement = _placement_of_plan(plan, instance)
        except Exception as exc:  # a plan the loader refuses is a result to report, not a crash
            record.note = f"plan did not load: {_tail(str(exc))}"
        else:
            _referee(record, instance, placement)
    else:
        record.note = f"no plan written (exit {process.returncode})"
    return record


def _placement_of_plan(plan: Path, instance: Instance) -> dict[str, tuple[str, str]]:
    try:
        event = load_event(plan)
    except NetwerkdagError as exc:
        problems = getattr(exc, "problems", ())
        raise ValueError(
            "; ".join(str(getattr(p, "message", p)) for p in list(problems)[:3]) or str(exc)
        ) from None
    talks = {t.id for t in instance.talks}
    return {
        s.id: (s.block, s.room)
        for s in event.sessions
        if s.id in talks and s.block is not None and s.room is not None
    }


def _tail(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else "…" + text[-limit:]


def run_peer(name: str, instance_path: Path, record: RunRecord) -> RunRecord:
    """Run peer `name` in a subprocess of this script and referee its placement."""
    module = PEERS[name]
    if not (Path(__file__).resolve().parent / f"{module}.py").is_file():
        record.status, record.note = "skipped", f"{module}.py is not there"
        return record
    argv = [
        sys.executable,
        str(Path(__file__).resolve()),
        PEER_WORKER,
        module,
        str(instance_path),
        f"{record.limit_s:g}",
        str(record.seed),
    ]
    process = _run_measured(argv, timeout_s=2 * record.limit_s + 120)
    record.process_s, record.peak_rss_mb = round(process.seconds, 3), round(process.peak_rss_mb, 1)
    if process.returncode is None:
        record.status, record.note = "timeout", f"killed after {2 * record.limit_s + 120:g} s"
        return record
    reported = _last_json_line(process.stdout)
    if reported is None:
        record.status, record.note = "error", f"exit {process.returncode}; {_tail(process.stderr)}"
        return record
    if reported.get("skipped"):
        record.status, record.note = "skipped", str(reported["skipped"])
        return record
    record.status = str(reported["status"])
    record.reported_objective = reported.get("objective")
    record.wall_s = _number(reported.get("wall_s"))
    record.note = str(reported.get("note", ""))
    placement = {talk: (cell[0], cell[1]) for talk, cell in reported.get("placement", {}).items()}
    if placement:
        _referee(record, read_instance(instance_path), placement)
    return record


def _peer_worker(module_name: str, instance_path: str, limit: str, seed: str) -> int:
    """In the child: import the peer, solve, print the PeerResult as one JSON line."""
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:  # the peer's package (conference_scheduler, timefold) is not installed
        print(json.dumps({"skipped": f"cannot import {module_name}: {exc}"}))
        return 0
    result: PeerResult = module.solve(read_instance(instance_path), float(limit), int(seed))
    data = asdict(result)
    data["placement"] = {talk: list(cell) for talk, cell in result.placement.items()}
    print(json.dumps(data))
    return 0


# ---------------------------------------------------------------------------------------------------------
# Output


def _table(records: Sequence[RunRecord]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Scheduling benchmark (objective: weighted conflicts, refereed; lower is better)")
    for column in ("size", "seed", "limit s", "solver", "status", "valid", "objective", "bound", "wall s"):
        table.add_column(column, justify="right" if column not in ("solver", "status") else "left")
    table.add_column("peak MB", justify="right")
    table.add_column("note", overflow="ellipsis", max_width=60, no_wrap=True)

    def show(value: object) -> str:
        if value is None:
            return "–"
        if isinstance(value, float):
            return f"{value:.2f}"
        return str(value)

    for r in records:
        valid = {True: "yes", False: f"no ({len(r.violations)})", None: "–"}[r.valid]
        table.add_row(
            r.size,
            str(r.seed),
            f"{r.limit_s:g}",
            r.solver if r.search_seed in (None, r.seed) else f"{r.solver}, search seed {r.search_seed}",
            r.status,
            valid,
            show(r.objective),
            show(r.bound),
            show(r.wall_s if r.wall_s is not None else r.process_s),
            show(r.peak_rss_mb),
            r.note,
        )
    # Wide enough for every column when the output is a file or a pipe (Rich assumes 80 there).
    Console(width=None if sys.stdout.isatty() else 180).print(table)


def write_svg(records: Sequence[RunRecord], path: Path, sizes: Sequence[str]) -> None:
    """Two panels, wall time and objective against size (log scales), one line per solver and limit.

    Each point is the mean over seeds of the valid runs only; a run without a valid placement is left out.
    Hand-written SVG: no plotting library is a dependency of the project.
    """
    series: dict[str, dict[str, list[tuple[float, float]]]] = defaultdict(lambda: defaultdict(list))
    for r in records:
        if r.valid and r.objective is not None:
            seconds = r.wall_s if r.wall_s is not None else r.process_s
            series[f"{r.solver} {r.limit_s:g} s"][r.size].append((seconds or 0.0, float(r.objective)))
    width, height, margin = 860, 380, 60
    panel_w = (width - 3 * margin) / 2
    top, bottom = 40.0, float(height - margin)
    colours = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 40 + 18 * len(series)}" '
        'font-family="sans-serif" font-size="12">',
        '<rect width="100%" height="100%" fill="white"/>',
    ]

    for panel, (title, index, floor) in enumerate(
        (("wall time (s, log scale)", 0, 0.01), ("objective: weighted conflicts (log scale)", 1, 1.0))
    ):
        left = margin + panel * (panel_w + margin)
        values = [max(p[index], floor) for s in series.values() for ps in s.values() for p in ps] or [floor]
        low = math.floor(math.log10(min(values)))
        high = max(math.ceil(math.log10(max(values))), low + 1)

        def y(
            value: float, floor: float = floor, low: int = low, high: int = high, span: float = bottom - top
        ) -> float:
            # Values below the floor (0 conflicts, a stub's instant answer) sit on the floor.
            share = (math.log10(max(value, floor)) - low) / (high - low)
            return top + span - share * span

        def x(size_index: int, left: float = left) -> float:
            return left + (size_index + 0.5) * panel_w / max(len(sizes), 1)

        parts.append(f'<text x="{left}" y="24" font-weight="bold">{escape(title)}</text>')
        parts.append(f'<line x1="{left}" y1="{bottom}" x2="{left + panel_w}" y2="{bottom}" stroke="black"/>')
        parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="black"/>')
        for exponent in range(low, high + 1):
            ty = y(10.0**exponent)
            label = (
                f"≤{10.0**exponent:g}"
                if exponent == low and 10.0**exponent <= floor
                else f"{10.0**exponent:g}"
            )
            parts.append(f'<line x1="{left - 4}" y1="{ty:.1f}" x2="{left}" y2="{ty:.1f}" stroke="black"/>')
            parts.append(f'<text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end">{escape(label)}</text>')
        for i, size in enumerate(sizes):
            parts.append(f'<text x="{x(i):.1f}" y="{bottom + 18}" text-anchor="middle">{escape(size)}</text>')
        for colour, (_label, by_size) in zip(colours * 4, sorted(series.items()), strict=False):
            points = [
                (x(i), y(sum(p[index] for p in by_size[s]) / len(by_size[s])))
                for i, s in enumerate(sizes)
                if by_size.get(s)
            ]
            if len(points) > 1:
                path_d = " ".join(
                    f"{'M' if k == 0 else 'L'}{px:.1f},{py:.1f}" for k, (px, py) in enumerate(points)
                )
                parts.append(f'<path d="{path_d}" fill="none" stroke="{colour}" stroke-width="2"/>')
            parts.extend(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{colour}"/>' for px, py in points
            )
    for k, (colour, label) in enumerate(zip(colours * 4, sorted(series), strict=False)):
        ly = height + 10 + 18 * k
        parts.append(f'<rect x="{margin}" y="{ly}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{margin + 18}" y="{ly + 10}">{escape(label)} (mean of valid runs)</text>')
    parts.append("</svg>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")


def _instance_facts(size: str, seed: int, instance: Instance, folder: Path) -> dict[str, Any]:
    weights = pair_weights(instance)
    start, _left = initial_placement(instance)
    return {
        "size": size,
        "seed": seed,
        "name": instance.name,
        "talks": len(instance.talks),
        "rooms": len(instance.rooms),
        "slots": len(instance.slots),
        "people": len(instance.wants),
        "wanted_pairs": len(weights),
        "total_pair_weight": sum(weights.values()),
        "initial_plan_conflicts": conflicts(instance, {t: c[0] for t, c in start.items()}, weights=weights),
        "folder": str(folder),
    }


def main(argv: Sequence[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    if args_in[:1] == [PEER_WORKER]:
        return _peer_worker(*args_in[1:5])
    parser = argparse.ArgumentParser(description="Benchmark our scheduler and its peers side by side.")
    parser.add_argument("--sizes", nargs="*", choices=sorted(SIZES), default=["S", "M", "L"])
    parser.add_argument(
        "--instances",
        nargs="*",
        type=Path,
        default=[],
        help="instance.json files to run besides the sizes (e.g. converted Timefold data)",
    )
    parser.add_argument(
        "--seeds", nargs="+", type=int, default=[1], help="instance seeds, e.g. --seeds 1 2 3"
    )
    parser.add_argument(
        "--search-seeds",
        nargs="+",
        type=int,
        default=None,
        help="seeds of our search on each instance (default: the instance's seed); how much one run varies",
    )
    parser.add_argument("--peers", nargs="*", choices=sorted(PEERS), default=sorted(PEERS))
    parser.add_argument(
        "--limits", nargs="+", type=float, default=[10.0, 60.0], help="time limits in seconds"
    )
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers for ours")
    parser.add_argument(
        "--ours-cmd", default=str(DEFAULT_OURS), help="our command line (default: %(default)s)"
    )
    parser.add_argument("--no-ours", action="store_true", help="run only the peers")
    parser.add_argument(
        "--allow-missing-peers",
        action="store_true",
        help="record a peer in --peers whose package is not installed as skipped, instead of stopping",
    )
    parser.add_argument("--out", type=Path, default=None, help="JSON results (default: benchmarks/results/…)")
    parser.add_argument("--plot", nargs="?", type=Path, const=DEFAULT_PLOT, default=None, metavar="SVG")
    parser.add_argument("--keep", type=Path, default=None, help="keep instances and plans in this folder")
    args = parser.parse_args(args_in)

    today = dt.date.today().isoformat()
    out = args.out or ROOT / "benchmarks" / "results" / f"scheduling-{today}.json"
    ours = shlex.split(args.ours_cmd)
    missing = [p for p in args.peers if any(importlib.util.find_spec(m) is None for m in PEER_PACKAGES[p])]
    if missing and not args.allow_missing_peers:
        print(
            f"error: peers not installed: {', '.join(missing)}. Install them with "
            "`UV_PROJECT_ENVIRONMENT=.venv .bootstrap/bin/uv sync --frozen --group peers`, "
            "or pass --allow-missing-peers to record them as skipped.",
            file=sys.stderr,
        )
        return 2
    records: list[RunRecord] = []
    facts: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="netwerkdag-bench-") as scratch:
        base = args.keep or Path(scratch)
        todo: list[tuple[str, int, Path, Instance]] = []
        for size in args.sizes:
            for seed in args.seeds:
                folder = base / f"{size}-seed-{seed}"
                generated = generate(size, seed)
                write_generated(generated, folder)
                todo.append((size, seed, folder, generated.instance))
        for path in args.instances:
            given = read_instance(path)
            for seed in args.seeds:
                folder = base / f"{given.name}-seed-{seed}"
                folder.mkdir(parents=True, exist_ok=True)
                (folder / "instance.json").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
                write_event(given, folder / "event")
                todo.append((given.name, seed, folder, given))
        for size, seed, folder, instance in todo:
            facts.append(_instance_facts(size, seed, instance, folder))
            for limit in args.limits:
                for search_seed in [] if args.no_ours else args.search_seeds or [seed]:
                    record = RunRecord(size, seed, limit, "ours (cp-sat)", "unknown", search_seed=search_seed)
                    records.append(run_ours(instance, folder, record, command=ours, workers=args.workers))
                    _progress(records[-1])
                for peer in args.peers:
                    record = RunRecord(size, seed, limit, peer, "unknown")
                    records.append(run_peer(peer, folder / "instance.json", record))
                    _progress(records[-1])
    _table(records)
    result = {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
        },
        "config": {
            "sizes": args.sizes,
            "instances": [str(p) for p in args.instances],
            "seeds": args.seeds,
            "search_seeds": args.search_seeds,
            "limits_s": args.limits,
            "peers": args.peers,
            "workers": args.workers,
            "ours_cmd": None if args.no_ours else args.ours_cmd,
        },
        "objective": "conflicts: sum over people and pairs of wanted talks in one slot of min(w_a, w_b)",
        "instances": facts,
        "runs": [asdict(r) for r in records],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    if args.plot is not None:
        write_svg(records, args.plot, args.sizes)
        print(f"wrote {args.plot}")
    return 0


def _progress(record: RunRecord) -> None:
    print(
        f"  {record.size} seed {record.seed} {record.limit_s:g}s {record.solver}"
        f"{'' if record.search_seed in (None, record.seed) else f' (search seed {record.search_seed})'}"
        f": {record.status}"
        f"{'' if record.objective is None else f', objective {record.objective}'}"
        f"{'' if record.valid is not False else ', INVALID'}",
        file=sys.stderr,
        flush=True,
    )


if __name__ == "__main__":
    raise SystemExit(main())
