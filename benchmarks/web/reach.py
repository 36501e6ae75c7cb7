"""The reach benchmark (issue 18): the organisers' page "Bereik" and the board report for 10 network days
of 300 people each, from the production server, on SQLite and PostgreSQL.

Targets, measured here and never asserted in a test: the page /organisatie/bereik/ answers in under
300 ms and the board report /organisatie/bereik/bereik.pdf in under 5 s. No peer is named for them: no
event tool measures a network's reach over its days.

What it does:

1. Generates, seeded and in a temporary folder (nothing is committed), 10 fictional network days of the
   G40 (examples/g40-haarlem-2023): the example's population extended with generated advisers of the
   member cities (fictional names, no address; the loader gives each `<id>@example.invalid`), some 450
   people of whom exactly 330 register for each day and 300 come (30 no-shows); cities that stay away
   more often than not, as in the demo's history. Each day is an event file made by
   tools/make_demo_history.py's `_programme` (other hosts and dates, rooms large enough for 300: a hall of
   320 and five rooms of 50 to 80) with the tables `netwerkdag.web.services.history.load_history` reads
   (`registrations.csv`; `attendance.csv` with one row per person present, as the web app knows a day by
   check-ins and seats; `feedback.csv` by the tool's `_feedback`). Seats are given in registration order
   while a room has room, as in the tool: no room is overbooked, and not everyone has a seat in every
   round.
2. For each database: a fresh server (tests/web/live.py `live_server`: `netwerkdag serve`, gunicorn) on a
   new SQLite file, or on a new PostgreSQL database made on the server of $NETWERKDAG_TEST_DATABASE_URL and
   dropped afterwards (skipped with the reason when it is not reachable). The days are loaded with
   `load_history` in a process of their own, and an organiser of all 10 days is made; on PostgreSQL a
   VACUUM ANALYZE follows, as autovacuum would on a production server (the test server has it off).
3. Waits for a quiet machine (the 1-minute load under 1.0, looked at every 60 s, at most --wait minutes),
   logs in and times from the client, over loopback: the page (the first request after the start, cold,
   then the median of 10), the PDF (cold, then the median of 5), and for information the XLSX of every
   table, the page of the last day and its XLSX (cold, then the median of 5). Each answer is checked: 200,
   the page links all 10 days, the PDF starts with %PDF and has pages, the XLSX is a zip, the day page
   shows 300 present. A benchmark of an error page measures nothing: a wrong answer stops the run.
4. Times the parts in one process on the same database (`profile`, each the median of 5 calls): reading
   the 10 event documents (the first time), the database queries, each measure, the tables, the charts
   (the map, the trend lines, the meeting graph with networkx's spring layout), the page as a whole
   through Django's test client, the report's HTML and WeasyPrint; and keeps, of one page and one PDF
   under cProfile, the 15 functions with the most time of their own and the 15 netwerkdag functions with
   the most cumulative time.

    export NETWERKDAG_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres  # for PostgreSQL
    .venv/bin/python benchmarks/web/reach.py [--out benchmarks/results/reach-<date>.json]
        [--databases sqlite postgres] [--wait 15]

Writes JSON (default benchmarks/results/reach-<date>.json, never overwriting an earlier run of the day)
with the machine, the commit and what of src/ differed from it at the start and the end (others may be
editing while it runs), the load before and after each database's measurements, the figures, the
targets and whether they were met, and prints a table. The figures belong in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import hashlib
import importlib.metadata
import importlib.util
import io
import json
import os
import platform
import pstats
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.web.live import POSTGRES_ENV, live_server, throwaway_database  # noqa: E402

EXAMPLE = ROOT / "examples" / "g40-haarlem-2023"
SEED = 18
DAYS = 10
REGISTERED, PRESENT = 330, 300
#: Generated advisers per member city, on top of the example's burgemeester and wethouders.
ADVISERS = (3, 6)
#: The first day and the time between days (16 weeks: always a Friday, all long over).
FIRST_DAY, EVERY = dt.date(2022, 1, 14), dt.timedelta(weeks=16)
HOSTS = (
    "groningen", "tilburg", "almere", "breda", "apeldoorn",
    "enschede", "maastricht", "amersfoort", "dordrecht", "leiden",
)  # fmt: skip
TARGET_PAGE_MS, TARGET_PDF_S = 300.0, 5.0
PAGE_REPEAT, OTHER_REPEAT, PART_REPEAT = 10, 5, 5
USER = "meter"
PASSWORD = "een-lang-wachtwoord-voor-de-meting"  # noqa: S105 - a throwaway organiser of a throwaway server
QUIET_LOAD = 1.0
#: The measures `publish.reach.build` gathers, and the charts of `publish.reach.figures`, timed apart.
MEASURES = ("organisations", "newcomers", "feedback", "groups", "pillars", "meetings", "not_reached")
CHARTS = ("city_map", "trend_lines", "meeting_graph", "spring_layout", "_place_labels")
PAGE, PDF, XLSX = "/organisatie/bereik/", "/organisatie/bereik/bereik.pdf", "/organisatie/bereik/bereik.xlsx"


def git(*args: str) -> str:
    result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S607
    return result.stdout.strip()


def working_tree() -> dict[str, Any]:
    """What of src/ differs from the commit (others may be editing it while the benchmark runs): the files
    and the SHA-256 of the diff, so that two runs can be told to have measured the same code."""
    diff = git("diff", "HEAD", "--", "src")
    return {
        "modified": git("diff", "HEAD", "--name-only", "--", "src").splitlines(),
        "diff_sha256": hashlib.sha256(diff.encode()).hexdigest() if diff else None,
    }


def machine() -> dict[str, Any]:
    """What the figures were measured on (benchmarks/web/run.py's, without psutil: the bench group is not
    needed here)."""
    info = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("model name")), ""
    )
    memory = Path("/proc/meminfo").read_text().split()[1] if Path("/proc/meminfo").exists() else "0"

    def version(package: str) -> str | None:
        try:
            return importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            return None

    return {
        "platform": platform.platform(),
        "cpu": cpu or platform.processor() or "unknown",
        "cpus": os.cpu_count(),
        "memory_gib": round(int(memory) / 2**20, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "packages": {p: version(p) for p in ("django", "gunicorn", "psycopg", "weasyprint", "networkx")},
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _tool(name: str) -> ModuleType:
    """A script of tools/ as a module (tools/ is no package)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


# --- the days -----------------------------------------------------------------------------------------------


def advisers(
    network: dict[str, Any], population: list[dict[str, Any]], rng: random.Random
) -> list[dict[str, Any]]:
    """Fictional advisers of every member city, each with one or two portfolio domains and the theme groups
    those lead to (tools/generate_population.py's names, domains and rule)."""
    people_tool = _tool("generate_population")
    used = {p["name"] for p in [*network.get("people", []), *population]}
    made = []
    for city in (o["id"] for o in network["organisations"] if o.get("member")):
        for number in range(1, rng.randint(*ADVISERS) + 1):
            while (
                name := f"{rng.choice(people_tool.FIRST_NAMES)} {rng.choice(people_tool.SURNAMES)}"
            ) in used:
                pass
            used.add(name)
            portfolios = [p for domain in rng.sample(people_tool.DOMAINS, rng.randint(1, 2)) for p in domain]
            made.append(
                {
                    "id": f"{city}-adviseur-{number}",
                    "name": name,
                    "role": "beleidsadviseur",
                    "organisation": city,
                    "portfolios": portfolios,
                    "groups": people_tool._groups_for(portfolios, network["groups"]),
                }
            )
    return made


@dataclass(frozen=True, slots=True)
class Generated:
    people: int  # in the network, who may come
    registered: int
    present: int
    registrations: int  # seats held, over all days
    feedback_rows: int
    slugs: tuple[str, ...]


def generate(folder: Path, seed: int = SEED) -> Generated:
    """Write the 10 days into `folder` (see the module's docstring)."""
    history = _tool("make_demo_history")
    rng = random.Random(seed)
    network_text = (EXAMPLE / "network.yaml").read_text("utf-8")
    network = yaml.safe_load(network_text)
    population = yaml.safe_load((EXAMPLE / "population.yaml").read_text("utf-8"))["people"]
    population = [*population, *advisers(network, population, rng)]
    (folder / "network.yaml").write_text(network_text, "utf-8")
    (folder / "population.yaml").write_text(
        "# Generated by benchmarks/web/reach.py: fictional people.\n"
        + yaml.safe_dump({"people": population}, sort_keys=False, allow_unicode=True, width=110),
        "utf-8",
    )
    people = history._attendees(network, population)
    cities = sorted(o["id"] for o in network["organisations"] if o.get("member"))
    absent_often = set(rng.sample([c for c in cities if c not in HOSTS], history.OFTEN_ABSENT))
    rows: dict[str, list[tuple[object, ...]]] = {"registrations": [], "attendance": [], "feedback": []}
    slugs = []
    for number, host in enumerate(HOSTS):
        spec = history.DaySpec(
            host=host,
            day=FIRST_DAY + number * EVERY,
            rooms=(
                history.Room("raadzaal", "Raadzaal", 320),
                history.Room("zaal-1", "Zaal 1", 80),
                history.Room("zaal-2", "Zaal 2", 70),
                history.Room("zaal-3", "Zaal 3", 60),
                history.Room("zaal-4", "Zaal 4", 60),
                history.Room("zaal-5", "Zaal 5", 50),
            ),
            start="09:30",
            opening_minutes=30,
            round_minutes=60,
            lunch_minutes=60,
            board_at_lunch=number % 2 == 1,
        )
        event = history._programme(spec, network, population, rng)
        text = yaml.dump(
            {"network": "network.yaml", "event": event},
            Dumper=history._Dumper,
            sort_keys=False,
            allow_unicode=True,
            width=110,
            default_flow_style=None,
        )
        (folder / f"{event['slug']}.yaml").write_text(text, "utf-8")
        registered, present = _attend(history, event, network, people, absent_often, rng)
        slug = event["slug"]
        slugs.append(slug)
        for person in (p["id"] for p in people if p["id"] in registered):
            rows["registrations"] += [(slug, person, s) for s in registered[person]]
        # One row per person present: the database learns the sessions from the seats held (what the web
        # app knows of a day), and a row per session too (21,000 rows) would pass the 20,000 rows that
        # every table read by files/spreadsheet.py may have.
        rows["attendance"] += [(slug, person, "") for person in present]
        feedback = history._feedback(event, network, present, registered, rng)
        rows["feedback"] += [(slug, *row) for row in feedback]
    header = ("event", "person", "session")
    (folder / "registrations.csv").write_text(history._csv(header, rows["registrations"]), "utf-8")
    (folder / "attendance.csv").write_text(history._csv(header, rows["attendance"]), "utf-8")
    (folder / "feedback.csv").write_text(
        history._csv((*header, "score", "comment", "next_theme"), rows["feedback"]), "utf-8"
    )
    return Generated(
        people=len(people),
        registered=REGISTERED,
        present=PRESENT,
        registrations=len(rows["registrations"]),
        feedback_rows=len(rows["feedback"]),
        slugs=tuple(slugs),
    )


def _attend(
    history: ModuleType,
    event: dict[str, Any],
    network: dict[str, Any],
    people: list[dict[str, Any]],
    absent_often: set[str],
    rng: random.Random,
) -> tuple[dict[str, list[str]], list[str]]:
    """Who registered for what (exactly REGISTERED people) and who came (exactly PRESENT): the cities that
    come as in tools/make_demo_history.py, then seats in registration order while a room has room."""
    capacity = {r["id"]: r["capacity"] for r in event["rooms"]}
    sessions = event["sessions"]
    order = {s["id"]: n for n, s in enumerate(sessions)}
    by_round = {
        r: [s for s in sessions if s["block"] == r and s["kind"] != "networking"] for r in history.ROUNDS
    }
    parts = [s["id"] for s in sessions if s["block"] in ("lunch", "borrel")]
    coming = {
        city
        for city in (o["id"] for o in network["organisations"] if o.get("member"))
        if city == event["host"]
        or rng.random() < (history.OFTEN_ABSENT_PRESENT if city in absent_often else history.CITY_PRESENT)
    }
    candidates = [p for p in people if p["organisation"] in coming]
    if len(candidates) < REGISTERED:
        raise RuntimeError(f"{event['slug']}: {len(candidates)} people may come, {REGISTERED} needed")
    taken: Counter[str] = Counter()
    registered: dict[str, list[str]] = {}
    for person in rng.sample(candidates, REGISTERED):  # in the order they register
        groups = set(person.get("groups", []))
        pillars = history._pillars_of(person, network)
        chosen = []
        for round_id in history.ROUNDS:
            offered = [s for s in by_round[round_id] if taken[s["id"]] < capacity[s["room"]]]
            own = [s for s in offered if s.get("group") in groups or s.get("pillar") in pillars]
            if round_id == "ronde-1":
                own = [s for s in offered if s.get("pillar") in pillars]
            if own and rng.random() < 0.85:
                pick = rng.choice(own)
            elif offered and rng.random() < 0.45:
                pick = rng.choice(offered)
            else:
                continue
            taken[pick["id"]] += 1
            chosen.append(pick["id"])
        chosen += [p for p in parts if rng.random() < (0.9 if p.startswith("lunch") else 0.55)]
        registered[person["id"]] = sorted(chosen or parts[:1], key=order.__getitem__)
    no_shows = set(rng.sample(sorted(registered), REGISTERED - PRESENT))
    present = [p["id"] for p in people if p["id"] in registered and p["id"] not in no_shows]
    return registered, present


# --- the server's side: run as `reach.py load|profile` in the server's environment -------------------------


def _load(folder: Path) -> None:
    """The days into the database, and an organiser of all of them. Prints what was loaded as JSON."""
    from django.contrib.auth.models import User
    from django.db import connection

    from netwerkdag.web import models
    from netwerkdag.web.services.history import load_history

    started = time.perf_counter()
    events = load_history(folder)
    loaded = time.perf_counter() - started
    user = User.objects.create_user(USER, password=PASSWORD)
    models.Organiser.objects.bulk_create([models.Organiser(event=e, user=user) for e in events])
    if connection.vendor == "postgresql":
        # What autovacuum does on a production server soon after such a load (the test server has it
        # off): without it the planner guesses 1 invitee per event and reads past 4,600 dead rows.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(
        json.dumps(
            {
                "events": len(events),
                "seconds": round(loaded, 1),
                "invitees": models.Invitee.objects.count(),
                "checked_in": models.Invitee.objects.filter(checked_in_at__isnull=False).count(),
                "registrations": models.Registration.objects.count(),
                "session_feedback": models.SessionFeedback.objects.count(),
            }
        )
    )


def _clock(what: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, float]:
    """What `what(*args, **kwargs)` returns, and the median of the milliseconds it took over PART_REPEAT
    calls (one call is too noisy on a machine shared with others)."""
    took = []
    for _ in range(PART_REPEAT):
        started = time.perf_counter()
        value = what(*args, **kwargs)
        took.append((time.perf_counter() - started) * 1000)
    return value, statistics.median(took)


def _top(profile: cProfile.Profile, *, own: bool, count: int = 15) -> list[dict[str, Any]]:
    """The functions with the most time of their own (`own`), or the netwerkdag functions with the most
    cumulative time (Django's and the view's wrappers would fill a list of all), as data."""
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    rows = [
        (f"{Path(file).name}:{line}({name})", calls, tt, ct)
        for (file, line, name), (_, calls, tt, ct, _) in stats.items()
        if own or "/netwerkdag/" in file
    ]
    rows.sort(key=lambda row: -(row[2] if own else row[3]))
    return [
        {"function": f, "calls": calls, "own_ms": round(tt * 1000, 1), "cumulative_ms": round(ct * 1000, 1)}
        for f, calls, tt, ct in rows[:count]
    ]


def _cumulative_ms(profile: cProfile.Profile, names: tuple[str, ...]) -> dict[str, float]:
    """The cumulative time of each function named (the largest entry of that name)."""
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    found = dict.fromkeys(names, 0.0)
    for (_, _, name), (_, _, _, cumulative, _) in stats.items():
        if name in found:
            found[name] = max(found[name], round(cumulative * 1000, 1))
    return found


def _profile() -> None:
    """Where a request's time goes, timed in this process on the loaded database: the reading of the event
    documents the first time, everything else warm (the median of PART_REPEAT calls). Prints JSON."""
    from django.contrib.auth.models import User
    from django.test import Client

    from netwerkdag.core import reach
    from netwerkdag.publish import reach as published
    from netwerkdag.publish.pdf import accessible_pdf
    from netwerkdag.web.services import reach as stored

    user = User.objects.get(username=USER)
    events = stored.visible_events(user)
    started = time.perf_counter()
    known = stored.networks(events)  # parses the 10 documents, once per process
    read_ms = (time.perf_counter() - started) * 1000
    network = next(iter(known))
    parts: dict[str, float] = {"read 10 event documents (first time in a process)": read_ms}
    stored.network_days(events, network)  # warm: the queries prepared, the first allocations made
    found, parts["network_days: queries and Attendance"] = _clock(stored.network_days, events, network)
    report, parts["build: the measures"] = _clock(published.build, found.days)
    for name in MEASURES:
        window = {"last": published.DEFAULT_WINDOW} if name in ("organisations", "not_reached") else {}
        _, parts[f"  of which core.reach.{name}"] = _clock(getattr(reach, name), found.days, **window)
    _, parts["tables"] = _clock(published.tables, report, "nl")
    _, parts["summary"] = _clock(published.summary, report, "nl")
    _, parts["figures: the charts"] = _clock(published.figures, report, "nl")
    figures = cProfile.Profile()
    figures.runcall(published.figures, report, "nl")
    for name, ms in _cumulative_ms(figures, CHARTS).items():
        parts[f"  of which {name} (under cProfile, which slows it)"] = ms
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    client.get(PAGE)
    page, parts["the page through Django's test client"] = _clock(client.get, PAGE)
    assert page.status_code == 200, page.status_code
    page_profile = cProfile.Profile()
    page_profile.runcall(client.get, PAGE)
    html, parts["report_html: tables, charts, template"] = _clock(
        published.report_html, report, "nl", title="G40", made="vandaag"
    )
    pdf, parts["accessible_pdf: WeasyPrint"] = _clock(accessible_pdf, html)
    assert pdf.startswith(b"%PDF")
    pdf_profile = cProfile.Profile()
    pdf_profile.runcall(client.get, PDF)
    print(
        json.dumps(
            {
                "parts_ms": {k: round(v, 1) for k, v in parts.items()},
                "page_html_bytes": len(page.content),
                "report_html_bytes": len(html),
                "pdf_bytes": len(pdf),
                "page_own": _top(page_profile, own=True),
                "page_cumulative": _top(page_profile, own=False),
                "pdf_own": _top(pdf_profile, own=True),
                "pdf_cumulative": _top(pdf_profile, own=False),
            }
        )
    )


# --- the client's side --------------------------------------------------------------------------------------


class Organiser:
    """A logged-in browser: cookies, no redirects followed, answers as bytes."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = CookieJar()

        class Stay(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: object, **kwargs: object) -> None:
                return None

        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), Stay())

    def get(self, path: str, data: bytes | None = None) -> tuple[int, bytes, float]:
        """Status, body and the seconds from sending the request to the last byte of the answer."""
        headers = {"Referer": self.base + path, "Origin": self.base} if data is not None else {}
        request = urllib.request.Request(self.base + path, data=data, headers=headers)  # noqa: S310 - loopback
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=600) as response:
                body = response.read()
                return int(response.status), body, time.perf_counter() - started
        except urllib.error.HTTPError as error:
            return int(error.code), error.read(), time.perf_counter() - started

    def log_in(self) -> None:
        self.get("/organisatie/login/")
        token = next(c.value for c in self.jar if c.name == "csrftoken" and c.value)
        form = f"csrfmiddlewaretoken={token}&username={USER}&password={PASSWORD}".encode()
        status, _, _ = self.get("/organisatie/login/", data=form)
        if status != 302:
            raise SystemExit(f"error: the organiser could not log in ({status})")


def check_page(body: bytes, slugs: tuple[str, ...]) -> str | None:
    linked = set(re.findall(rb'href="/organisatie/([a-z0-9-]+)/bereik/"', body))
    missing = [s for s in slugs if s.encode() not in linked]
    return f"the page does not link the days {missing}" if missing else None


def check_pdf(body: bytes) -> str | None:
    if not body.startswith(b"%PDF"):
        return f"not a PDF: {body[:80]!r}"
    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(body)).pages)
    return None if pages >= 2 else f"the report has {pages} page(s)"


def check_xlsx(body: bytes) -> str | None:
    try:
        names = zipfile.ZipFile(io.BytesIO(body)).namelist()
    except zipfile.BadZipFile:
        return f"not an XLSX: {body[:80]!r}"
    return None if "xl/workbook.xml" in names else "no workbook in the zip"


def check_day(body: bytes) -> str | None:
    ok = f'<span class="tile-number">{PRESENT}</span>'.encode() in body
    return None if ok else f"the day page does not show {PRESENT} present"


def measure(
    organiser: Organiser, path: str, repeat: int, check: Callable[[bytes], str | None]
) -> dict[str, Any]:
    """The first request (cold) and `repeat` more (warm) to `path`, each answer checked."""
    samples, size = [], 0
    for _ in range(repeat + 1):
        status, body, seconds = organiser.get(path)
        problem = f"{status}" if status != 200 else check(body)
        if problem:
            raise SystemExit(f"error: {path} answered wrongly: {problem}")
        samples.append(seconds * 1000)
        size = len(body)
    warm = samples[1:]
    return {
        "path": path,
        "bytes": size,
        "cold_ms": round(samples[0], 1),
        "warm_median_ms": round(statistics.median(warm), 1),
        "warm_min_ms": round(min(warm), 1),
        "warm_max_ms": round(max(warm), 1),
        "samples_ms": [round(s, 1) for s in samples],
    }


def wait_quiet(limit_minutes: float) -> dict[str, Any]:
    """Wait until the 1-minute load is under QUIET_LOAD (looking every 60 s, at most `limit_minutes`)."""
    started = time.monotonic()
    while True:
        load = os.getloadavg()
        waited = time.monotonic() - started
        if load[0] < QUIET_LOAD or waited + 60 > limit_minutes * 60:
            return {
                "loadavg": [round(x, 2) for x in load],
                "quiet": load[0] < QUIET_LOAD,
                "waited_s": round(waited),
            }
        print(f"  load {load[0]:.2f}: waiting for a quiet machine", flush=True)
        time.sleep(60)


def _script(server_env: dict[str, str], *args: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, __file__, *args], env=server_env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"error: reach.py {args[0]} failed:\n{result.stderr[-4000:]}")
    loaded: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def run_database(
    database: str, folder: Path, scratch: Path, generated: Generated, wait_minutes: float
) -> dict[str, Any]:
    """One database: server, days loaded, measurements, the parts timed in-process."""
    with ExitStack() as stack:
        url, version = None, None
        if database == "postgres":
            admin = os.environ.get(POSTGRES_ENV, "")
            try:
                import psycopg

                with psycopg.connect(admin, connect_timeout=3) as connection:
                    version = connection.execute("SHOW server_version").fetchone()
            except Exception as exc:  # any failure to connect: no PostgreSQL here
                reason = f"PostgreSQL at {admin or f'${POSTGRES_ENV} (not set)'} is not reachable: {exc}"
                print(f"skipped postgres: {reason}")
                return {"database": database, "skipped": reason}
            url = stack.enter_context(throwaway_database(admin, prefix="netwerkdag_bench"))
        server = stack.enter_context(live_server(scratch / database, url))
        print(f"{database}: loading {DAYS} days", flush=True)
        loaded = _script(server.env, "load", str(folder))
        quiet = wait_quiet(wait_minutes)
        print(f"{database}: measuring (load {quiet['loadavg'][0]})", flush=True)
        organiser = Organiser(server.url)
        organiser.log_in()
        last_day = generated.slugs[-1]
        figures = {
            "page": measure(organiser, PAGE, PAGE_REPEAT, lambda b: check_page(b, generated.slugs)),
            "pdf": measure(organiser, PDF, OTHER_REPEAT, check_pdf),
            "xlsx": measure(organiser, XLSX, OTHER_REPEAT, check_xlsx),
            "day_page": measure(organiser, f"/organisatie/{last_day}/bereik/", OTHER_REPEAT, check_day),
            "day_xlsx": measure(organiser, f"/organisatie/{last_day}/bereik.xlsx", OTHER_REPEAT, check_xlsx),
        }
        load_after = [round(x, 2) for x in os.getloadavg()]
        print(f"{database}: timing the parts in-process", flush=True)
        parts = _script(server.env, "profile")
    return {
        "database": database,
        "server_version": version[0] if version else None,
        "loaded": loaded,
        "load_before": quiet,
        "load_after": load_after,
        "figures": figures,
        "met": {
            "page": figures["page"]["warm_median_ms"] < TARGET_PAGE_MS,
            "pdf": figures["pdf"]["warm_median_ms"] < TARGET_PDF_S * 1000,
        },
        "parts": parts,
    }


def default_out() -> Path:
    stem = f"reach-{dt.date.today().isoformat()}"
    for suffix in ["", *"bcdefghijklmnopqrstuvwxyz"]:
        path = ROOT / "benchmarks" / "results" / f"{stem}{suffix}.json"
        if not path.exists():
            return path
    raise SystemExit("error: too many runs today; pass --out")


def _ms(value: float) -> str:
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms"


def print_table(results: list[dict[str, Any]]) -> None:
    ran = [r for r in results if "figures" in r]
    print(f"\n{'measurement':28}" + "".join(f"{r['database']:>24}" for r in ran) + "   target")
    targets = {"page": f"< {TARGET_PAGE_MS:g} ms", "pdf": f"< {TARGET_PDF_S:g} s"}
    for key in ("page", "pdf", "xlsx", "day_page", "day_xlsx"):
        for label, field in (("cold", "cold_ms"), ("warm median", "warm_median_ms")):
            cells = "".join(f"{_ms(r['figures'][key][field]):>24}" for r in ran)
            target = targets.get(key, "") if field == "warm_median_ms" else ""
            print(f"{key + ' ' + label:28}{cells}   {target}")
    for r in ran:
        print(f"\n{r['database']}: parts in one process (ms)")
        for name, ms in r["parts"]["parts_ms"].items():
            print(f"  {name:58} {ms:9.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--databases", nargs="+", choices=("sqlite", "postgres"), default=["sqlite", "postgres"]
    )
    parser.add_argument(
        "--wait", type=float, default=15.0, help="minutes to wait at most for a quiet machine"
    )
    args = parser.parse_args(argv)
    out = args.out or default_out()
    started, tree_at_start = time.monotonic(), working_tree()
    with tempfile.TemporaryDirectory(prefix="netwerkdag-reach-") as scratch:
        folder = Path(scratch) / "days"
        folder.mkdir()
        generated = generate(folder)
        print(
            f"generated {DAYS} days of {PRESENT} present ({generated.people} people) in {folder}", flush=True
        )
        results = [run_database(d, folder, Path(scratch), generated, args.wait) for d in args.databases]
    document = {
        "benchmark": "reach page and board report (issue 18)",
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python", *sys.argv]),
        "commit": git("rev-parse", "--short", "HEAD"),
        "working_tree": {"at_start": tree_at_start, "at_end": working_tree()},
        "machine": machine(),
        "minutes": round((time.monotonic() - started) / 60, 1),
        "data": {
            "days": DAYS,
            "seed": SEED,
            "people_in_network": generated.people,
            "registered_per_day": generated.registered,
            "present_per_day": generated.present,
            "registrations": generated.registrations,
            "feedback_rows": generated.feedback_rows,
            "slugs": list(generated.slugs),
        },
        "targets": {"page_ms": TARGET_PAGE_MS, "pdf_s": TARGET_PDF_S, "peer": None},
        "runs": results,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print_table(results)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] in ("load", "profile"):
    import django

    django.setup()
    if sys.argv[1] == "load":
        _load(Path(sys.argv[2]))
    else:
        _profile()
elif __name__ == "__main__":
    sys.exit(main())
