"""Locust users for the web benchmark. Run benchmarks/web/run.py, which starts the server, prepares the
day and runs locust on this file with one of these user classes:

- ``ProgrammePage`` and ``ScheduleJson``: throughput of the public programme page and of its
  schedule.json; each user asks again as soon as it has its answer (no think time).
- ``Invitee``: one invitee per user, following the plan in the JSON file named by $NETWERKDAG_BENCH_PLAN
  (written by run.py): at its start time the invitee opens the personal page, thinks, posts their choices
  once and is done. Locust stops when every invitee is done (or at --run-time, whichever comes first).

Every request is recorded (start, latency, status, error) and written as JSON to the file named by
$NETWERKDAG_BENCH_SAMPLES when locust quits, so that run.py computes exact percentiles and tells 303
(registered) and 409 (a chosen session is full: a clean answer) from errors (5xx, connection errors, any
other answer). A 409 is marked a success for locust, so locust's own failure count is the error count.
The file also holds the CPU seconds used from the start of the test to its end by locust, by the server
(the process tree of $NETWERKDAG_BENCH_SERVER_PID) and by the whole machine.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gevent
import psutil
from locust import FastHttpUser, HttpUser, constant, events, task
from locust.env import Environment
from locust.exception import StopUser

EVENT = "g40-haarlem-2023"
PLAN_ENV = "NETWERKDAG_BENCH_PLAN"
SAMPLES_ENV = "NETWERKDAG_BENCH_SAMPLES"
SERVER_PID_ENV = "NETWERKDAG_BENCH_SERVER_PID"
INVITEE_NAME = "/uitnodiging/[token]/"
FULL_TEXT = "is vol"  # the 409 page names the full session: "… is vol"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

#: One request: method, name, start (s after the test started), latency (ms), HTTP status (0 when there
#: was no answer), error ("" when locust counted it a success).
Sample = tuple[str, str, float, float, int, str]


@dataclass
class Record:
    wall0: float = field(default_factory=time.time)
    mono0: float = field(default_factory=time.monotonic)
    samples: list[Sample] = field(default_factory=list)
    started: int = 0
    done: int = 0
    cpu_start: dict[str, float] = field(default_factory=dict)
    cpu_end: dict[str, float] = field(default_factory=dict)


RECORD = Record()
_plan: list[dict[str, Any]] = []
_next_journey = itertools.count()


@events.init.add_listener
def _load_plan(environment: Environment, **_: Any) -> None:
    path = os.environ.get(PLAN_ENV)
    if path:
        _plan.extend(json.loads(Path(path).read_text())["journeys"])


def _cpu_seconds() -> dict[str, float]:
    """Wall clock and CPU seconds so far: this process, the server's process tree, every core."""
    machine = psutil.cpu_times()
    seconds = {
        "wall": time.monotonic(),
        "locust": time.process_time(),
        "machine": sum(machine) - machine.idle - getattr(machine, "iowait", 0.0),
    }
    pid = os.environ.get(SERVER_PID_ENV)
    if pid:
        server = psutil.Process(int(pid))
        seconds["server"] = 0.0
        for process in [server, *server.children(recursive=True)]:
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            seconds["server"] += times.user + times.system
    return seconds


@events.test_start.add_listener
def _start(environment: Environment, **_: Any) -> None:
    RECORD.cpu_start = _cpu_seconds()
    RECORD.wall0, RECORD.mono0 = time.time(), time.monotonic()
    if Invitee in environment.user_classes:
        gevent.spawn(_quit_when_all_done, environment)


def _quit_when_all_done(environment: Environment) -> None:
    while RECORD.done < len(_plan):
        gevent.sleep(0.25)
    assert environment.runner is not None
    environment.runner.quit()


@events.test_stopping.add_listener
def _stopping(environment: Environment, **_: Any) -> None:
    RECORD.cpu_end = _cpu_seconds()


@events.request.add_listener
def _record(
    request_type: str,
    name: str,
    response_time: float,
    response: Any = None,
    exception: BaseException | None = None,
    start_time: float | None = None,
    **_: Any,
) -> None:
    status = int(getattr(response, "status_code", 0) or 0)
    started = (start_time if start_time is not None else time.time()) - RECORD.wall0
    error = "" if exception is None else f"{type(exception).__name__}: {exception}"[:300]
    RECORD.samples.append(
        (request_type, name, round(started, 4), round(float(response_time), 3), status, error)
    )


@events.quitting.add_listener
def _write_samples(environment: Environment, **_: Any) -> None:
    path = os.environ.get(SAMPLES_ENV)
    if not path:
        return
    data = {
        "wall0": RECORD.wall0,
        "planned": len(_plan),
        "started": RECORD.started,
        "done": RECORD.done,
        "cpu_s": {k: v - RECORD.cpu_start[k] for k, v in RECORD.cpu_end.items() if k in RECORD.cpu_start},
        "samples": RECORD.samples,
    }
    Path(path).write_text(json.dumps(data))


def _cause(response: Any) -> str:
    """The connection error behind a response without an answer (status 0), if any."""
    error = getattr(response, "error", None)
    return f" ({type(error).__name__}: {error})" if error else ""


class ProgrammePage(FastHttpUser):
    wait_time = constant(0)

    @task
    def programme(self) -> None:
        self.client.get(f"/{EVENT}/", name=f"/{EVENT}/")


class ScheduleJson(FastHttpUser):
    wait_time = constant(0)

    @task
    def schedule(self) -> None:
        self.client.get(f"/{EVENT}/schedule.json", name=f"/{EVENT}/schedule.json")


class Invitee(HttpUser):
    """One person from the plan: open the link at the planned moment, think, register, done."""

    wait_time = constant(0)

    def on_start(self) -> None:
        index = next(_next_journey)
        if index >= len(_plan):
            raise StopUser()
        self.journey = _plan[index]

    @task
    def register(self) -> None:
        try:
            self._journey()
        finally:
            RECORD.done += 1
        raise StopUser()

    def _journey(self) -> None:
        journey = self.journey
        gevent.sleep(max(0.0, RECORD.mono0 + float(journey["at"]) - time.monotonic()))
        RECORD.started += 1
        path = f"/uitnodiging/{journey['token']}/"
        with self.client.get(path, name=INVITEE_NAME, catch_response=True) as page:
            found = CSRF_INPUT.search(page.text or "") if page.status_code == 200 else None
            if found is None:
                page.failure(f"HTTP {page.status_code} without the form{_cause(page)}")
                return
            page.success()
        gevent.sleep(float(journey["think"]))
        form = {**journey["form"], "csrfmiddlewaretoken": found.group(1)}
        with self.client.post(
            path, data=form, name=INVITEE_NAME, allow_redirects=False, catch_response=True
        ) as answer:
            if answer.status_code == 303 or (answer.status_code == 409 and FULL_TEXT in (answer.text or "")):
                answer.success()
            else:
                answer.failure(f"HTTP {answer.status_code}{_cause(answer)}")
