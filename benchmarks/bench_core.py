"""Benchmark the core: validate and publish the Haarlem example, and a generated three-day event.

Targets (issue 2, 2 cores): Haarlem validate + render HTML + PDF under 3 s wall in total; a three-day
event with 30 rooms and 600 sessions validates in under 1 s and renders HTML in under 5 s.

Each figure is the median of --repeat runs in one process after one warm-up run, plus the cold wall time
of the real CLI commands as a user runs them (interpreter start and imports included).

    .venv/bin/python benchmarks/bench_core.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from generate_event import write_event
from netwerkdag.files.load import load_event
from netwerkdag.publish.html import render_html
from netwerkdag.publish.pdf import render_pdf

ROOT = Path(__file__).resolve().parent.parent
HAARLEM = ROOT / "examples" / "g40-haarlem-2023"
CLI = Path(sys.executable).parent / "netwerkdag"


def median_seconds(func: Callable[[], object], repeat: int) -> float:
    func()  # warm-up: imports, template compilation, font loading
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cli_seconds(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([str(CLI), *args], check=True, capture_output=True)
    return time.perf_counter() - start


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.machine()}"
    return f"{system}, {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description="netwerkdag core benchmarks")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    rows: list[tuple[str, float, float]] = []
    haarlem = load_event(HAARLEM)
    t_validate = median_seconds(lambda: load_event(HAARLEM), args.repeat)
    t_html = median_seconds(lambda: render_html(haarlem, lang="nl"), args.repeat)
    t_pdf = median_seconds(lambda: render_pdf(haarlem, lang="nl"), args.repeat)
    rows += [
        ("Haarlem: validate", t_validate, 0),
        ("Haarlem: render HTML", t_html, 0),
        ("Haarlem: render PDF", t_pdf, 0),
        ("Haarlem: validate + HTML + PDF", t_validate + t_html + t_pdf, 3.0),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        cold = cli_seconds("validate", str(HAARLEM)) + cli_seconds("render", str(HAARLEM), "--out", tmp)
        rows.append(("Haarlem: `validate` + `render` CLI, cold processes", cold, 3.0))

        big = write_event(Path(tmp) / "big", days=3, rooms=30, sessions=600, seed=1)
        big_event = load_event(big)
        rows.append(
            (
                "3 days, 30 rooms, 600 sessions: validate",
                median_seconds(lambda: load_event(big), args.repeat),
                1.0,
            )
        )
        rows.append(
            (
                "3 days, 30 rooms, 600 sessions: render HTML",
                median_seconds(lambda: render_html(big_event), args.repeat),
                5.0,
            )
        )
        rows.append(
            ("3 days, 30 rooms, 600 sessions: `validate` CLI, cold", cli_seconds("validate", str(big)), 1.0)
        )

    print(f"machine: {machine()}")
    print(f"median of {args.repeat} runs after a warm-up (CLI rows: one cold run)\n")
    print("| measurement | seconds | target | met |")
    print("|---|---:|---:|---|")
    for name, seconds, target in rows:
        met = ("yes" if seconds < target else "NO") if target else ""
        print(f"| {name} | {seconds:.3f} | {f'< {target:g}' if target else ''} | {met} |")


if __name__ == "__main__":
    main()
