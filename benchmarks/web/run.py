"""Load benchmark of the web app: the production server (`netwerkdag serve`: gunicorn, gthread workers) on
loopback, against an SQLite file and against PostgreSQL, driven by locust (benchmarks/web/locustfile.py).

Targets (issues 4 and 15), measured here and never asserted in a test:

1. throughput: the programme page (/g40-haarlem-2023/) and schedule.json each answer at least 300
   requests/s on 2 cores;
2. registration: 300 invitees register within 5 minutes, 50 of them in the first 10 seconds, with a p95
   latency under 300 ms, 0 errors and 0 "database is locked" in the server log, on SQLite and PostgreSQL;
   with a worker (`netwerkdag worker`) beside the server sending every confirmation (with its PDF and
   .ics) to a mail server on loopback (aiosmtpd, tests/web/smtp.py): each delivered exactly once.

Commands (from the repository root; locust is in the `bench` group:
`UV_PROJECT_ENVIRONMENT=.venv .bootstrap/bin/uv sync --frozen --group bench`):

    export NETWERKDAG_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres  # for PostgreSQL
    .venv/bin/python benchmarks/web/run.py                          # both backends, both scenarios
    .venv/bin/python benchmarks/web/run.py --backend sqlite --scenario throughput --duration 30 --users 32
    .venv/bin/python benchmarks/web/run.py --backend postgresql --scenario registration
    .venv/bin/python benchmarks/web/run.py --quick --out /tmp/web-quick.json   # smoke run, about 2 minutes

For each backend a fresh server is started (tests/web/live.py: a new SQLite file, or a new PostgreSQL
database made from the admin URL in $NETWERKDAG_TEST_DATABASE_URL or --postgres-url) and the Haarlem day is
prepared with its real capacities and one invitation link per invitee. Then:

- throughput: for each of the two pages, after a warm-up, --users locust users (default 32) ask for it
  again and again without think time for --duration seconds (default 30; 5 with --quick). The figure is
  answered requests per second over the run, with latency under that saturating load;
- registration: 300 distinct invitees, each a locust user with its own link, used once. 50 open their
  page at seeded random moments in the first 10 s, the other 250 from then until 10 s before the end of the
  5 minutes; each thinks 2-8 s (seeded) after the GET and then POSTs one seeded random session per round
  and yes to every opt-in the form offers (lunch, the board meeting during lunch, the closing drinks: all
  venue-wide). 303 is registered, 409 ("is vol") is a full session, a clean answer counted apart;
  5xx, connection errors and any other answer are errors. --quick: 60 invitees, 20 of them in the first
  10 s, in 30 s.

Latencies are exact (nearest-rank percentiles over every request, not locust's rounded buckets); locust's
own totals (its --json-file) are kept in the JSON beside them. Each run also counts "database is locked" and
"Traceback" lines and 5xx answers in its part of the server log, and the CPU time used by the server
(gunicorn processes), by locust and by the whole machine, because the load generator shares the 2 cores
with the server. A full run takes about 13 minutes (each backend: about 1 min throughput, 5 min
registration, plus start-up); run nothing else on the machine meanwhile.

Writes JSON (--out, default benchmarks/results/web-<date>.json, never overwriting an earlier run of the
day) with the machine, the git commit and the exact command line, and prints a table. The figures and
the command that produced them belong in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import math
import os
import platform
import random
import re
import shlex
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.web.live import LiveServer, live_server, throwaway_database
from tests.web.smtp import Sink

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
LOCUSTFILE = HERE / "locustfile.py"
LOCUST = Path(sys.executable).parent / "locust"
POSTGRES_ENV = "NETWERKDAG_TEST_DATABASE_URL"
PLAN_ENV = "NETWERKDAG_BENCH_PLAN"  # read by locustfile.py
SAMPLES_ENV = "NETWERKDAG_BENCH_SAMPLES"  # written by locustfile.py
SERVER_PID_ENV = "NETWERKDAG_BENCH_SERVER_PID"  # the server whose CPU time locustfile.py measures

EVENT = "g40-haarlem-2023"
#: `live.py setup` sets one session's capacity; this is the example's own (Zaal 2, 40 seats).
SETUP_SESSION, SETUP_CAPACITY = "pijler-sociaal", 40
THROUGHPUT_PAGES = {  # phase: (locust user class, path)
    "programme": ("ProgrammePage", f"/{EVENT}/"),
    "schedule.json": ("ScheduleJson", f"/{EVENT}/schedule.json"),
}
TARGET_RPS = 300.0
TARGET_P95_MS = 300.0
WARM_UP_REQUESTS = 20
#: How long the worker may take, after the last registration, to deliver the last confirmation.
MAIL_DRAIN_TIMEOUT_S = 600.0
SPAWN_RATE_MAX = 100.0  # locust warns above 100 users/s
#: Inputs of the invitee form that are not a choice of session.
NOT_SLOTS = {"attending", "language", "consent", "confirm"}
CHOICE_INPUT = re.compile(r'<input type="(?:radio|checkbox)" name="([^"]+)" value="([^"]*)"')

console = Console(width=None if sys.stdout.isatty() else 170)


@dataclass(frozen=True)
class Shape:
    """Who arrives when in the registration scenario."""

    invitees: int
    burst: int  # of them, starting in the first `burst_window_s`
    burst_window_s: float
    window_s: float  # everyone's POST falls inside it
    think_s: tuple[float, float]
    seed: int


FULL = Shape(invitees=300, burst=50, burst_window_s=10, window_s=300, think_s=(2, 8), seed=1)
QUICK = Shape(invitees=60, burst=20, burst_window_s=10, window_s=30, think_s=(2, 8), seed=1)


# --- the machine ---------------------------------------------------------------------------------------


def git(*args: str) -> str:
    result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S607
    return result.stdout.strip()


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def machine() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cpus": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "packages": {p: version(p) for p in ("django", "gunicorn", "psycopg", "locust")},
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def cores(cpu_s: dict[str, float]) -> dict[str, float | None]:
    """CPU seconds over a run (locustfile.py measures them from its start to its end) as cores in use;
    "other" is the machine's busy time that neither the server nor locust used (PostgreSQL, the rest of
    the machine)."""
    wall = cpu_s.get("wall") or 0.0
    if wall <= 0:
        return {"server": None, "locust": None, "other": None, "machine": None}
    server, locust, machine = cpu_s.get("server", 0.0), cpu_s.get("locust", 0.0), cpu_s.get("machine", 0.0)
    return {
        "server": round(server / wall, 2),
        "locust": round(locust / wall, 2),
        "other": round(max(0.0, machine - server - locust) / wall, 2),
        "machine": round(machine / wall, 2),
    }


# --- the server and its database -------------------------------------------------------------------------


def postgres_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url, connect_timeout=5) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "unknown"


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - our own loopback server
        return str(response.read().decode("utf-8"))


def warm_up(server: LiveServer, path: str) -> None:
    """Every worker process has loaded its code and the published programme before we measure."""
    for _ in range(WARM_UP_REQUESTS):
        fetch(server.url + path)


def offered_choices(page: str) -> dict[str, list[str]]:
    """The slots of the invitee form and the sessions each offers (opt-in slots offer "yes")."""
    offered: dict[str, list[str]] = {}
    for name, value in CHOICE_INPUT.findall(page):
        if name not in NOT_SLOTS and value:
            offered.setdefault(name, []).append(value)
    return offered


def log_size(log: Path) -> int:
    return log.stat().st_size if log.exists() else 0


def log_counts(log: Path, start: int = 0) -> dict[str, int]:
    """What the server logged from byte `start` on: lock errors, tracebacks, 5xx answers (access log)."""
    with log.open("rb") as handle:
        handle.seek(start)
        lines = handle.read().decode("utf-8", errors="replace").splitlines()
    return {
        "database_is_locked": sum("database is locked" in line for line in lines),
        "traceback": sum("Traceback" in line for line in lines),
        "http_5xx": sum(re.search(r'" 5\d\d ', line) is not None for line in lines),
    }


# --- locust --------------------------------------------------------------------------------------------


@dataclass
class LocustRun:
    samples: list[list[Any]]
    meta: dict[str, Any]
    locust: list[dict[str, Any]]
    cpu_warnings: int
    output: Path


def run_locust(
    server: LiveServer,
    workdir: Path,
    label: str,
    user_class: str,
    *,
    users: int,
    run_time_s: float,
    plan: Path | None = None,
) -> LocustRun:
    samples = workdir / f"{label}-samples.json"
    output = workdir / f"{label}-locust.log"
    env = {**os.environ, SAMPLES_ENV: str(samples), SERVER_PID_ENV: str(server.process.pid)}
    if plan is not None:
        env[PLAN_ENV] = str(plan)
    command = [
        str(LOCUST), "-f", str(LOCUSTFILE), "--headless", "--host", server.url,
        "--users", str(users), "--spawn-rate", f"{min(float(users), SPAWN_RATE_MAX):g}",
        "--run-time", f"{math.ceil(run_time_s)}s", "--stop-timeout", "5",
        "--json-file", str(workdir / f"{label}-locust"), "--only-summary", "--exit-code-on-error", "0",
        user_class,
    ]  # fmt: skip
    with output.open("wb") as sink:
        code = subprocess.run(command, env=env, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT, check=False)
    text = output.read_text(errors="replace")
    if code.returncode != 0 or not samples.exists():
        tail = "\n".join(text.splitlines()[-40:])
        raise RuntimeError(f"locust failed (exit {code.returncode}): {shlex.join(command)}\n{tail}")
    data = json.loads(samples.read_text())
    stats = workdir / f"{label}-locust.json"
    entries = json.loads(stats.read_text()) if stats.exists() else []
    samples_list = data.pop("samples")
    return LocustRun(
        samples_list, data, [own_figures(e) for e in entries], text.count("CPU usage above"), output
    )


def own_figures(entry: dict[str, Any]) -> dict[str, Any]:
    """Locust's own totals for one request name (--json-file), to compare with ours."""
    requests = int(entry.get("num_requests") or 0)
    span = float(entry.get("last_request_timestamp") or 0) - float(entry.get("start_time") or 0)
    return {
        "method": entry.get("method"),
        "name": entry.get("name"),
        "requests": requests,
        "failures": entry.get("num_failures"),
        "rps": round(requests / span, 1) if span > 0 else None,
        "mean_ms": round(float(entry.get("total_response_time") or 0) / requests, 1) if requests else None,
        "max_ms": entry.get("max_response_time"),
    }


# --- figures -------------------------------------------------------------------------------------------


def percentile(ordered: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of sorted values."""
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def latency(values_ms: Sequence[float]) -> dict[str, float | None]:
    if not values_ms:
        return {"median": None, "p95": None, "p99": None, "max": None, "mean": None}
    ordered = sorted(values_ms)
    return {
        "median": round(statistics.median(ordered), 1),
        "p95": round(percentile(ordered, 95), 1),
        "p99": round(percentile(ordered, 99), 1),
        "max": round(ordered[-1], 1),
        "mean": round(statistics.fmean(ordered), 1),
    }


def request_figures(samples: Sequence[Sequence[Any]]) -> dict[str, Any]:
    """Count, rate, latency, errors and statuses of one kind of request. A sample is
    (method, name, start s, latency ms, status, error)."""
    if not samples:
        return {"requests": 0, "rps": None, "latency_ms": latency([]), "errors": 0, "status": {}}
    first = min(float(s[2]) for s in samples)
    last = max(float(s[2]) + float(s[3]) / 1000 for s in samples)
    errors = Counter(str(s[5]) for s in samples if s[5])
    return {
        "requests": len(samples),
        "rps": round(len(samples) / max(last - first, 1e-9), 1),
        "span_s": round(last - first, 2),
        "latency_ms": latency([float(s[3]) for s in samples]),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors.most_common(5)),
        "status": {str(k): v for k, v in sorted(Counter(int(s[4]) for s in samples).items())},
    }


def throughput_result(run: LocustRun, phase: str, path: str, log: dict[str, int]) -> dict[str, Any]:
    figures = request_figures(run.samples)
    met = (
        figures["rps"] is not None
        and figures["rps"] >= TARGET_RPS
        and figures["errors"] == 0
        and log["traceback"] == 0
    )
    return {
        "scenario": "throughput",
        "phase": phase,
        "path": path,
        **figures,
        "server_log": log,
        "cpu_cores": cores(run.meta.get("cpu_s", {})),
        "cpu_s": {k: round(v, 2) for k, v in run.meta.get("cpu_s", {}).items()},
        "locust_cpu_warnings": run.cpu_warnings,
        "locust": run.locust,
        "target": f">= {TARGET_RPS:g} requests/s, 0 errors",
        "met": met,
    }


def process_cpu_s(pid: int) -> float:
    """CPU seconds used so far by a process and its children (the worker and its scheduling process)."""
    try:
        process = psutil.Process(pid)
        total = sum(process.cpu_times()[:2])
        for child in process.children(recursive=True):
            total += sum(child.cpu_times()[:2])
    except psutil.NoSuchProcess:
        return 0.0
    return float(total)


def mail_delivery(server: LiveServer, sink: Sink, expected: int) -> dict[str, Any]:
    """Wait until the worker has delivered `expected` confirmations (or the outbox holds nothing more to
    send), then count what the mail server received: each Message-ID once, none failed."""
    deadline = time.monotonic() + MAIL_DRAIN_TIMEOUT_S
    while True:
        mails = json.loads(server.run("state"))["mails"]
        pending = sum(m["status"] in ("queued", "sending") for m in mails)
        if (len(sink.received) >= expected and pending == 0) or time.monotonic() > deadline:
            break
        time.sleep(1)
    received = sink.received
    ids = sink.message_ids()
    statuses = Counter(m["status"] for m in mails)
    # From the registration that queued it (in its transaction) to the mail server's 250.
    lags_s = [m["sent_at"] - m["queued_at"] for m in mails if m["sent_at"] is not None]
    return {
        "expected": expected,
        "delivered": len(received),
        "distinct_message_ids": len(ids),
        "duplicates": sum(n - 1 for n in ids.values()),
        "outbox": dict(statuses),
        "with_pdf_and_ics": sum(
            {"application/pdf", "text/calendar"} <= {p.get_content_type() for p in r.message.walk()}
            for r in received
        ),
        "delivery_s": {
            k: (v if v is None else round(v / 1000, 2))
            for k, v in latency([lag * 1000 for lag in lags_s]).items()
        },
        "met": len(received) == expected == len(ids) and statuses.get("failed", 0) == 0,
    }


def registration_result(run: LocustRun, shape: Shape, log: dict[str, int]) -> dict[str, Any]:
    gets = [s for s in run.samples if s[0] == "GET"]
    posts = [s for s in run.samples if s[0] == "POST"]
    registered = [s for s in posts if int(s[4]) == 303 and not s[5]]
    full = [s for s in posts if int(s[4]) == 409 and not s[5]]
    get_figures, post_figures = request_figures(gets), request_figures(posts)
    errors = get_figures["errors"] + post_figures["errors"]
    post_p95, get_p95 = post_figures["latency_ms"]["p95"], get_figures["latency_ms"]["p95"]
    ends = [float(s[2]) + float(s[3]) / 1000 for s in posts]
    met = (
        run.meta.get("done") == shape.invitees
        and len(posts) == shape.invitees
        and bool(ends)
        and max(ends) <= shape.window_s
        and post_p95 is not None
        and post_p95 < TARGET_P95_MS
        and get_p95 is not None
        and get_p95 < TARGET_P95_MS
        and errors == 0
        and log["database_is_locked"] == 0
    )
    return {
        "scenario": "registration",
        "shape": shape.__dict__,
        "invitees_planned": run.meta.get("planned"),
        "invitees_started": run.meta.get("started"),
        "invitees_done": run.meta.get("done"),
        "started_in_burst_window": sum(float(s[2]) < shape.burst_window_s for s in gets),
        "last_post_answered_s": round(max(ends), 2) if ends else None,
        "post": {
            **post_figures,
            "registered_303": len(registered),
            "full_409": len(full),
            "other": len(posts) - len(registered) - len(full),
            "latency_ms_303": latency([float(s[3]) for s in registered]),
            "latency_ms_409": latency([float(s[3]) for s in full]),
        },
        "get": get_figures,
        "errors": errors,
        "server_log": log,
        "cpu_cores": cores(run.meta.get("cpu_s", {})),
        "cpu_s": {k: round(v, 2) for k, v in run.meta.get("cpu_s", {}).items()},
        "locust_cpu_warnings": run.cpu_warnings,
        "locust": run.locust,
        "target": f"all {shape.invitees} answered (303 or 409) within {shape.window_s:g} s, p95 < "
        f"{TARGET_P95_MS:g} ms (GET and POST), 0 errors, 0 'database is locked'",
        "met": met,
    }


# --- the scenarios ---------------------------------------------------------------------------------------


def make_plan(tokens: Sequence[str], offered: dict[str, list[str]], shape: Shape) -> list[dict[str, Any]]:
    """Who opens their link when, how long they think, what they choose; seeded."""
    rng = random.Random(shape.seed)
    last_start = shape.window_s - shape.think_s[1] - 2  # the last POST is still answered in the window
    if shape.burst > shape.invitees or last_start <= shape.burst_window_s:
        raise SystemExit(f"error: no room for this registration shape: {shape}")
    starts = sorted(rng.uniform(0, shape.burst_window_s) for _ in range(shape.burst))
    starts += sorted(
        rng.uniform(shape.burst_window_s, last_start) for _ in range(shape.invitees - shape.burst)
    )
    journeys = []
    for token, start in zip(tokens, starts, strict=True):
        form = {"action": "save", "attending": "yes"}
        for slot, sessions in offered.items():
            form[slot] = rng.choice(sessions)
        think = rng.uniform(*shape.think_s)
        journeys.append({"token": token, "at": round(start, 3), "think": round(think, 3), "form": form})
    return journeys


def run_backend(
    backend: str, database_url: str | None, args: argparse.Namespace, shape: Shape, workdir: Path
) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    data_dir = workdir / backend
    data_dir.mkdir(parents=True, exist_ok=True)
    console.print(f"[bold]{backend}[/]: starting the server, a worker and a mail server in {data_dir}")
    with Sink() as sink, live_server(data_dir, database_url, **sink.env()) as server:
        background = server.worker()
        try:
            results += _scenarios(backend, database_url, args, shape, workdir, server, sink, background.pid)
        finally:
            background.terminate()
            background.wait(timeout=60)
    return results


def _scenarios(
    backend: str,
    database_url: str | None,
    args: argparse.Namespace,
    shape: Shape,
    workdir: Path,
    server: LiveServer,
    sink: Sink,
    worker_pid: int,
) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    workers = len(psutil.Process(server.process.pid).children(recursive=True))
    started = time.monotonic()
    setup = json.loads(server.run("setup", SETUP_SESSION, str(SETUP_CAPACITY), "0", str(shape.invitees + 1)))
    tokens: list[str] = setup["tokens"]
    probe = tokens.pop()  # only for reading the form; the measured links stay unopened
    offered = offered_choices(fetch(f"{server.url}/uitnodiging/{probe}/"))
    console.print(
        f"  {shape.invitees + 1} invitees set up in {time.monotonic() - started:.1f} s; "
        f"{workers} worker processes; the form offers "
        + ", ".join(f"{slot} ({len(sessions)})" for slot, sessions in offered.items())
    )
    database = postgres_version(database_url) if database_url else f"SQLite {sqlite3.sqlite_version}"
    common = {"backend": backend, "database": database, "server_workers": workers}
    if args.scenario in ("throughput", "all"):
        for phase, (user_class, path) in THROUGHPUT_PAGES.items():
            warm_up(server, path)
            offset = log_size(server.log)
            console.print(f"  throughput {phase}: {args.users} users for {args.duration:g} s")
            run = run_locust(
                server,
                workdir,
                f"{backend}-throughput-{phase.replace('.', '-')}",
                user_class,
                users=args.users,
                run_time_s=args.duration,
            )
            time.sleep(0.5)  # the last access-log lines
            result = throughput_result(run, phase, path, log_counts(server.log, offset))
            result.update(common, users=args.users, duration_s=args.duration)
            results.append(result)
            _progress(result)
    if args.scenario in ("registration", "all"):
        plan = workdir / f"{backend}-plan.json"
        journeys = make_plan(tokens, offered, shape)
        plan.write_text(json.dumps({"shape": shape.__dict__, "journeys": journeys}, indent=1))
        offset = log_size(server.log)
        console.print(
            f"  registration: {shape.invitees} invitees, {shape.burst} in the first "
            f"{shape.burst_window_s:g} s, within {shape.window_s:g} s"
        )
        worker_cpu = process_cpu_s(worker_pid)
        run = run_locust(
            server,
            workdir,
            f"{backend}-registration",
            "Invitee",
            users=shape.invitees,
            run_time_s=shape.window_s + 60,
            plan=plan,
        )
        time.sleep(0.5)
        result = registration_result(run, shape, log_counts(server.log, offset))
        console.print(f"  waiting for the worker to deliver {result['post']['registered_303']} confirmations")
        mail = mail_delivery(server, sink, result["post"]["registered_303"])
        mail["worker_cpu_s"] = round(process_cpu_s(worker_pid) - worker_cpu, 1)
        mail["worker_log"] = log_counts(server.log.with_name("worker.log"))
        result.update(common, offered=offered, mail=mail, met=result["met"] and mail["met"])
        results.append(result)
        _progress(result)
    return results


def _progress(result: dict[str, Any]) -> None:
    if result["scenario"] == "throughput":
        p95 = result["latency_ms"]["p95"]
        console.print(
            f"    {result['requests']} requests, {result['rps']} req/s, p95 {p95} ms, "
            f"{result['errors']} errors; cores: {result['cpu_cores']}"
        )
    else:
        post, window = result["post"], result["shape"]["burst_window_s"]
        console.print(
            f"    {result['invitees_done']}/{result['invitees_planned']} done, "
            f"{result['started_in_burst_window']} started in the first {window:g} s, "
            f"last POST answered at {result['last_post_answered_s']} s; POST 303 {post['registered_303']}, "
            f"409 {post['full_409']}, other {post['other']}; p95 POST {post['latency_ms']['p95']} ms, "
            f"GET {result['get']['latency_ms']['p95']} ms; {result['errors']} errors; "
            f"cores: {result['cpu_cores']}"
        )
        mail = result["mail"]
        console.print(
            f"    mail: {mail['delivered']}/{mail['expected']} confirmations delivered "
            f"({mail['distinct_message_ids']} distinct, {mail['duplicates']} duplicates, "
            f"{mail['with_pdf_and_ics']} with PDF and .ics), outbox {mail['outbox']}; from registration "
            f"to delivery median {mail['delivery_s']['median']} s, p95 {mail['delivery_s']['p95']} s, max "
            f"{mail['delivery_s']['max']} s; worker CPU {mail['worker_cpu_s']} s"
        )


# --- output --------------------------------------------------------------------------------------------


def _ms(value: float | None, spec: str = ",.1f") -> str:
    return "" if value is None else format(value, spec)


def summary_table(results: Sequence[dict[str, Any]]) -> Table:
    table = Table(
        title="netwerkdag web load benchmark (latencies in ms)",
        title_justify="left",
        caption=f"targets: throughput >= {TARGET_RPS:g} req/s per page with 0 errors; registration: "
        f"everyone answered within the window, p95 < {TARGET_P95_MS:g} ms for GET and POST, 0 errors, "
        "0 'database is locked', every confirmation delivered once (mail: delivered/expected). "
        "locked/tb: 'database is locked' and Traceback lines in the server log; cores: CPU used by the "
        "server / locust / everything else on the machine",
        caption_justify="left",
    )
    for name in [
        "backend", "scenario", "request", "n", "req/s", "median", "p95", "p99", "max", "errors",
        "303/409/other", "mail", "locked/tb", "cores", "met",
    ]:  # fmt: skip
        table.add_column(
            name, justify="left" if name in ("backend", "scenario", "request", "met") else "right"
        )
    for r in results:
        log = f"{r['server_log']['database_is_locked']}/{r['server_log']['traceback']}"
        cpu = "/".join(_ms(r["cpu_cores"][k], ".2f") for k in ("server", "locust", "other"))
        met = "yes" if r["met"] else "NO"
        if r["scenario"] == "throughput":
            lat = r["latency_ms"]
            table.add_row(
                r["backend"], "throughput", r["phase"], str(r["requests"]), f"{r['rps']:,.1f}",
                _ms(lat["median"]), _ms(lat["p95"]), _ms(lat["p99"]), _ms(lat["max"]), str(r["errors"]),
                "", "", log, cpu, met,
            )  # fmt: skip
            continue
        for label, part in (("GET page", r["get"]), ("POST register", r["post"])):
            lat = part["latency_ms"]
            is_post = "registered_303" in part
            outcome = f"{part['registered_303']}/{part['full_409']}/{part['other']}" if is_post else ""
            m = r["mail"]
            mail = f"{m['delivered']}/{m['expected']} ({m['duplicates']} dup)" if is_post else ""
            table.add_row(
                r["backend"], "registration", label, str(part["requests"]),
                "" if part["rps"] is None else f"{part['rps']:,.2f}",
                _ms(lat["median"]), _ms(lat["p95"]), _ms(lat["p99"]), _ms(lat["max"]), str(part["errors"]),
                outcome, mail, log if is_post else "", cpu if is_post else "", met if is_post else "",
            )  # fmt: skip
    return table


def default_out() -> Path:
    base = ROOT / "benchmarks" / "results" / f"web-{dt.date.today().isoformat()}"
    for suffix in ["", *"bcdefghijklmnopqrstuvwxyz"]:
        candidate = base.with_name(f"{base.name}{suffix}.json")
        if not candidate.exists():
            return candidate
    raise SystemExit(f"error: too many results for today next to {base}; pass --out")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Load benchmark of the web app (issue 4): throughput of the public pages and "
        "300 invitees registering, on SQLite and PostgreSQL."
    )
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--scenario", choices=["throughput", "registration", "all"], default="all")
    parser.add_argument("--duration", type=float, help="seconds per throughput page (30; 5 with --quick)")
    parser.add_argument("--users", type=int, default=32, help="concurrent locust users for throughput")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke run: {QUICK.invitees} invitees in {QUICK.window_s:g} s, throughput 5 s per page",
    )
    parser.add_argument("--invitees", type=int, help="registration: invitees (300; 60 with --quick)")
    parser.add_argument("--burst", type=int, help="registration: of them, in the first 10 s (50; 20)")
    parser.add_argument("--window", type=float, help="registration: seconds for all of them (300; 30)")
    parser.add_argument("--seed", type=int, default=1, help="arrival times, think times and choices")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(POSTGRES_ENV),
        help=f"admin URL to create a throwaway database (default: ${POSTGRES_ENV})",
    )
    parser.add_argument("--out", type=Path, default=None, help="JSON results (default: benchmarks/results/…)")
    parser.add_argument(
        "--logs", type=Path, default=None, help="keep server logs, plans and locust output in this folder"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    base = QUICK if args.quick else FULL
    shape = Shape(
        invitees=args.invitees or base.invitees,
        burst=args.burst if args.burst is not None else min(base.burst, args.invitees or base.invitees),
        burst_window_s=base.burst_window_s,
        window_s=args.window or base.window_s,
        think_s=base.think_s,
        seed=args.seed,
    )
    args.duration = args.duration or (5.0 if args.quick else 30.0)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends and not args.postgres_url:
        console.print(f"error: PostgreSQL needs an admin URL: set {POSTGRES_ENV} or pass --postgres-url")
        return 2
    if not LOCUST.exists():
        console.print(
            f"error: {LOCUST} is missing; install the bench group: "
            "UV_PROJECT_ENVIRONMENT=.venv .bootstrap/bin/uv sync --frozen --group bench"
        )
        return 2
    out = args.out or default_out()
    info = machine()
    command = shlex.join([os.path.relpath(sys.executable, Path.cwd()), *sys.argv])
    results: list[dict[str, Any]] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="netwerkdag-web-bench-") as scratch:
        workdir = args.logs or Path(scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        for backend in backends:
            if backend == "postgresql":
                with throwaway_database(args.postgres_url, "netwerkdag_bench") as url:
                    results += run_backend(backend, url, args, shape, workdir)
            else:
                results += run_backend(backend, None, args, shape, workdir)
    document = {
        "benchmark": "web load (issues 4 and 15)",
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": command,
        "commit": git("rev-parse", "--short", "HEAD"),
        "uncommitted_changes": bool(git("status", "--porcelain", "--untracked-files=no")),
        "machine": info,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "wall_s": round(time.monotonic() - started, 1),
        "settings": {
            "server": "netwerkdag serve: gunicorn gthread, default workers x 8 threads, loopback",
            "worker": "netwerkdag worker (mail and default; a second process for scheduling), SMTP to "
            "aiosmtpd on loopback",
            "quick": args.quick,
            "throughput": {"users": args.users, "duration_s": args.duration, "warm_up": WARM_UP_REQUESTS},
            "registration": shape.__dict__,
            "percentiles": "nearest rank over every request",
        },
        "targets": {
            "throughput_rps": TARGET_RPS,
            "registration": f"p95 < {TARGET_P95_MS:g} ms, 0 errors, 0 'database is locked', every "
            "confirmation delivered once",
        },
        "runs": results,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    console.print(summary_table(results))
    dirty = " (with uncommitted changes)" if document["uncommitted_changes"] else ""
    load = f"{info['load_average_at_start']} -> {document['load_average_at_end']}"
    console.print(
        f"commit {document['commit']}{dirty}, {info['cpus']} CPUs, load average {load}; "
        f"{document['wall_s']} s; wrote {out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
