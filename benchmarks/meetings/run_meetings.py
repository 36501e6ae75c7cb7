"""Meeting placement on Timefold's meeting-scheduling data: ours and Timefold, in one run, refereed alike.

    .venv/bin/python benchmarks/meetings/run_meetings.py          # 3 instances, 10 s and 60 s, both solvers
    .venv/bin/python benchmarks/meetings/run_meetings.py --instances 50meetings-160timegrains-5rooms \\
        --limits 10 --timefold-modes all optional --out /tmp/m.json

For each instance of `benchmarks/data/timefold-meetingscheduling` (converted by `convert_meetings.py` into
a temporary folder: the event file and the requests, as the command line reads them):

- **ours**: `netwerkdag.scheduling.meetings.solve` on the converted problem, 2 workers, seed 0, at each
  limit, in this process one run after the other; `wall_s` is what it reports (building the model and every
  stage of the objective);
- **Timefold**: `peer_timefold_meetings.py` in a subprocess per run (`--mode all` by default: Timefold
  places every meeting, as its own model does; `optional` lets it leave meetings out); its `wall_s` is the
  whole call inside that process (JVM start, translating the model, solving), as it reports it.

Every placement is judged by `meetings_referee.judge` (our rules by `meetings.check`, and Timefold's hard
rules counted on its grain numbers). Writes `benchmarks/results/meetings-<date>.json` (or `--out`) with the
machine, the commit and the 1-minute load before each run, and prints a table. Without the `peers` group
(or without java) the Timefold rows say why and the rest runs.

The goal (issue 20): every instance a valid plan, at least as good as Timefold's 60-s result, within 10 s.
"At least as good" reads here: at least as many meetings placed in a valid plan as Timefold's 60-s run places
without a broken rule (`clean`), and valid.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from convert_meetings import DATA, INSTANCES, ROOT, convert, read_timefold, write_conversion
from meetings_referee import judge, load_converted, timefold_placement

from netwerkdag.scheduling.meetings import solve

PEER = Path(__file__).resolve().parent / "peer_timefold_meetings.py"


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def version(package: str) -> str | None:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return None

    java = (
        subprocess.run(["java", "-version"], capture_output=True, text=True, check=False)  # noqa: S607
        if _has_java()
        else None
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "ortools": version("ortools"),
        "timefold": version("timefold"),
        "java": java.stderr.splitlines()[0] if java and java.stderr else None,
    }


def _has_java() -> bool:
    from shutil import which

    return which("java") is not None


def commit() -> dict[str, Any]:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S607
        return done.stdout.strip()

    return {
        "head": git("rev-parse", "--short", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--", "src")),
    }


def load() -> float:
    return round(os.getloadavg()[0], 2)


def run_ours(folder: Path, conversion: Any, limit: float) -> dict[str, Any]:
    problem = load_converted(folder)
    before = load()
    result = solve(problem, time_limit=limit, workers=2, seed=0)
    cells = {p.meeting: (p.table, p.start) for p in result.placements}
    verdict = judge(problem, conversion, cells)
    return {
        "solver": "netwerkdag",
        "limit_s": limit,
        "load_before": before,
        "status": str(result.status),
        "placed": result.placed,
        "bound": result.bound,
        "wall_s": round(result.wall_s, 3),
        "stages": result.as_json().get("stages", []),
        "referee": verdict.as_json(),
        "placement": {m: [t, s.isoformat()] for m, (t, s) in sorted(cells.items())},
    }


def run_timefold(source: Path, folder: Path, conversion: Any, limit: float, mode: str) -> dict[str, Any]:
    problem = load_converted(folder)
    before = load()
    command = [sys.executable, str(PEER), str(source), "--time-limit", str(limit), "--mode", mode]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=limit * 3 + 120)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {
            "solver": "timefold",
            "mode": mode,
            "limit_s": limit,
            "status": "not run",
            "note": reason[:500],
        }
    out = json.loads(lines[-1])
    cells = timefold_placement(conversion, {m: (t, int(g)) for m, (t, g) in out["placement"].items()})
    verdict = judge(problem, conversion, cells)
    return {
        "solver": "timefold",
        "mode": mode,
        "limit_s": limit,
        "load_before": before,
        "status": out["status"],
        "score": out["score"],
        "wall_s": out["wall_s"],
        "note": out["note"],
        "referee": verdict.as_json(),
        "placement": out["placement"],
    }


def _peer_missing() -> str | None:
    try:
        import timefold.solver  # noqa: F401
    except ImportError:
        return "the peers group is not installed (uv sync --group peers)"
    return None if _has_java() else "no java on PATH"


def summary_rows(results: list[dict[str, Any]]) -> list[str]:
    rows = [
        "| instance | solver | limit | placed | clean | valid | status / score | wall s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        ref = r.get("referee", {})
        what = r["solver"] + (f" ({r['mode']})" if "mode" in r else "")
        state = r.get("status", "")
        if r["solver"] == "netwerkdag":
            state += f", bound {r['bound']}"
        elif "score" in r:
            state += f", {r['score']}"
        else:
            state += f": {r.get('note', '')}"
        broken = {**ref.get("ours_broken", {}), **ref.get("timefold_broken", {})}
        valid = (
            "yes"
            if ref.get("valid")
            else ("no: " + ", ".join(f"{k} {v}" for k, v in broken.items()) if ref else "-")
        )
        rows.append(
            f"| {r['instance']} | {what} | {r['limit_s']:g} s | {ref.get('placed', '-')} "
            f"| {ref.get('clean', '-')} "
            f"| {valid} | {state} | {r.get('wall_s', '-')} |"
        )
    return rows


def goal(results: list[dict[str, Any]], instances: Sequence[str]) -> dict[str, Any]:
    """Per instance: ours at 10 s valid and placing at least Timefold's 60-s clean count (all mode)."""
    verdicts = {}
    for name in instances:
        ours = next(
            (
                r
                for r in results
                if r["instance"] == name and r["solver"] == "netwerkdag" and r["limit_s"] == 10
            ),
            None,
        )
        peer = next(
            (
                r
                for r in results
                if r["instance"] == name
                and r["solver"] == "timefold"
                and r["limit_s"] == 60
                and r.get("mode") == "all"
            ),
            None,
        )
        if ours is None or peer is None or "referee" not in peer:
            verdicts[name] = {"met": None, "why": "not measured (ours at 10 s and Timefold at 60 s needed)"}
            continue
        o, p = ours["referee"], peer["referee"]
        met = o["valid"] and ours["wall_s"] <= 10.5 and o["placed"] >= p["clean"]
        verdicts[name] = {
            "met": met,
            "ours_placed_10s": o["placed"],
            "ours_valid": o["valid"],
            "ours_wall_s": ours["wall_s"],
            "timefold_clean_60s": p["clean"],
            "timefold_valid_60s": p["valid"],
        }
    return verdicts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Meeting placement: ours against Timefold (see the docstring)."
    )
    parser.add_argument(
        "--instances", nargs="+", default=list(INSTANCES), help="file stems in the data folder"
    )
    parser.add_argument(
        "--limits", nargs="+", type=float, default=[10.0, 60.0], help="seconds (default 10 60)"
    )
    parser.add_argument("--timefold-modes", nargs="*", default=["all"], choices=["all", "optional"])
    parser.add_argument("--out", help="JSON file (default benchmarks/results/meetings-<date>.json)")
    args = parser.parse_args(argv)
    missing = _peer_missing() if args.timefold_modes else None
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="meetings-") as tmp:
        for name in args.instances:
            source = DATA / f"{name}.json"
            conversion = convert(read_timefold(source))
            folder = Path(tmp) / name
            write_conversion(conversion, folder)
            for limit in args.limits:
                row = run_ours(folder, conversion, limit)
                results.append({"instance": name, **row})
                print(summary_rows([results[-1]])[-1], flush=True)
            for mode in args.timefold_modes:
                for limit in args.limits:
                    if missing:
                        row = {
                            "solver": "timefold",
                            "mode": mode,
                            "limit_s": limit,
                            "status": "not run",
                            "note": missing,
                        }
                    else:
                        row = run_timefold(source, folder, conversion, limit, mode)
                    results.append({"instance": name, **row})
                    print(summary_rows([results[-1]])[-1], flush=True)
    verdicts = goal(results, args.instances)
    document = {
        "benchmark": "meeting placement on Timefold's meeting-scheduling data "
        "(benchmarks/meetings/run_meetings.py)",
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "commit": commit(),
        "goal": verdicts,
        "results": results,
    }
    out = (
        Path(args.out)
        if args.out
        else ROOT / "benchmarks" / "results" / f"meetings-{dt.date.today().isoformat()}.json"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print("\n".join(summary_rows(results)))
    for name, v in verdicts.items():
        print(f"goal {name}: {v}")
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
