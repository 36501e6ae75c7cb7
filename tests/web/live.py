"""A real server for the tests that need one: `netwerkdag serve` (gunicorn, several processes) on a
database of its own, SQLite file or PostgreSQL, with the Haarlem day and invitees set up by `setup`.

Run as a script (``python tests/web/live.py setup …``) it prepares that database in a process of its
own, so that the test process's Django (in-memory SQLite) is never pointed at it.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_ENV = "NETWERKDAG_TEST_DATABASE_URL"


def postgres_admin_url() -> str:
    """The PostgreSQL to test against; skips (or fails under CI) with the reason when there is none."""
    url = os.environ.get(POSTGRES_ENV)
    reason = None
    if not url:
        reason = f"{POSTGRES_ENV} is not set (e.g. postgres://postgres@127.0.0.1:5432/postgres)"
    else:
        try:
            import psycopg

            psycopg.connect(url, connect_timeout=3).close()
        except Exception as exc:  # any failure to connect means: no PostgreSQL here
            reason = f"PostgreSQL at {url} is not reachable: {exc}"
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs PostgreSQL: {reason}")
        pytest.skip(reason)
    assert url is not None
    return url


@contextmanager
def throwaway_database(admin_url: str, prefix: str = "netwerkdag_test") -> Iterator[str]:
    """A new, empty PostgreSQL database made from `admin_url`, dropped afterwards; yields its URL."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = admin_url.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_database() -> AbstractContextManager[str]:
    """A throwaway database on the test PostgreSQL (skipped, or failed under CI, without one)."""
    return throwaway_database(postgres_admin_url())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    log: Path

    def worker(self, *args: str, log: Path | None = None, **env: str) -> subprocess.Popen[bytes]:
        """Start `netwerkdag worker` (with `args`) on the server's database; its output goes to `log`
        (default: worker.log beside the server's). The caller stops it (terminate, or kill for a crash)."""
        target = log or self.log.with_name("worker.log")
        mail = "smtp" if "EMAIL_HOST" in {**self.env, **env} else "console"
        with target.open("ab") as sink:
            return subprocess.Popen(
                [sys.executable, "-m", "netwerkdag.cli", "worker", "--mail", mail, *args],
                env={**self.env, **env}, stdout=sink, stderr=subprocess.STDOUT,
            )  # fmt: skip

    def run(self, *args: str) -> str:
        """Run this file as a script against the server's database; returns its standard output."""
        result = subprocess.run(
            [sys.executable, __file__, *args], env=self.env, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
        return result.stdout


def server_env(tmp: Path, database_url: str | None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        NETWERKDAG_DATA_DIR=str(tmp),
        DJANGO_SETTINGS_MODULE="netwerkdag.web.settings",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


@contextmanager
def live_server(tmp: Path, database_url: str | None = None, **extra: str) -> Iterator[LiveServer]:
    port = free_port()
    env = server_env(tmp, database_url, NETWERKDAG_BASE_URL=f"http://127.0.0.1:{port}", **extra)
    subprocess.run([sys.executable, __file__, "migrate"], env=env, check=True, capture_output=True)
    log = tmp / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "netwerkdag.cli", "serve", "--port", str(port), "--data-dir", str(tmp),
             "--mail", "smtp" if "EMAIL_HOST" in env else "console"],
            env=env, stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = LiveServer(f"http://127.0.0.1:{port}", env, process, log)
    try:
        deadline = time.monotonic() + 180  # a loaded machine (two test workers, a worker each) starts slowly
        while True:
            try:
                urllib.request.urlopen(server.url + "/", timeout=2).close()  # noqa: S310 - our own loopback server
                break
            except (urllib.error.URLError, OSError):  # refused, reset or timed out while it starts
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start:\n{log.read_text()}") from None
                time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def live_database(tmp: Path, database_url: str | None = None, **extra: str) -> Iterator[LiveServer]:
    """What `live_server` prepares, without the server: the database migrated and the environment for
    `run` and `worker`, for tests of the background work, which make no web requests (a server costs
    seconds to start and stop). `url` is empty and `process` is the finished migration."""
    env = server_env(tmp, database_url, NETWERKDAG_BASE_URL=f"http://127.0.0.1:{free_port()}", **extra)
    migrate = subprocess.Popen(
        [sys.executable, __file__, "migrate"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    output, _ = migrate.communicate(timeout=120)
    assert migrate.returncode == 0, output.decode()
    yield LiveServer("", env, migrate, tmp / "server.log")


# --- run as a script, in the server's environment ----------------------------------------------------------


def _setup(session: str, capacity: int, taken: int, invitees: int) -> None:
    """The Haarlem day published and open; `session` with `capacity` seats of which `taken` are held;
    `invitees` more people with links. Prints {"tokens": [...]} as JSON."""
    from datetime import timedelta

    from django.utils import timezone

    from netwerkdag.files.dump import dump_event
    from netwerkdag.files.load import load_event
    from netwerkdag.web import models
    from netwerkdag.web.services import invitations, programme, registration

    event = programme.import_event(dump_event(load_event(ROOT / "examples" / "g40-haarlem-2023")), "e.yaml")
    programme.publish(event)
    event.registration_deadline = timezone.now() + timedelta(days=30)
    event.save()
    seats = models.Seats.objects.get(event=event, session_id=session)
    seats.capacity = capacity
    seats.save()
    for n in range(taken):
        holder = models.Invitee.objects.create(event=event, name=f"Houder {n}")
        assert registration.choose(holder, seats.slot, session).outcome is registration.Outcome.REGISTERED
    tokens = []
    for n in range(invitees):
        person = models.Invitee.objects.create(
            event=event, name=f"Gast {n}", email=f"gast{n}@example.invalid"
        )
        tokens.append(invitations.invite(person))
    print(json.dumps({"tokens": tokens, "slot": seats.slot}))


def _counts(session: str) -> None:
    """Prints the session's seats as the database holds them: capacity, taken, registrations."""
    from netwerkdag.web import models

    seats = models.Seats.objects.get(session_id=session)
    print(
        json.dumps(
            {"capacity": seats.capacity, "taken": seats.taken, "registrations": seats.registrations.count()}
        )
    )


def _slot_counts(slot: str) -> None:
    """Prints, per invitee, how many registrations they hold in `slot`, and the seats taken there."""
    from django.db.models import Count, Sum

    from netwerkdag.web import models

    per_person = list(
        models.Registration.objects.filter(slot=slot)
        .values("invitee_id")
        .annotate(n=Count("id"))
        .values_list("n", flat=True)
    )
    taken = models.Seats.objects.filter(slot=slot).aggregate(total=Sum("taken"))["total"]
    print(json.dumps({"per_person": per_person, "taken": taken}))


def _organiser(username: str, password: str) -> None:
    """An organiser of the Haarlem day who logs in with a password."""
    from django.contrib.auth.models import User

    from netwerkdag.web import models

    user = User.objects.create_user(username, password=password)
    models.Organiser.objects.create(event=models.Event.objects.get(slug="g40-haarlem-2023"), user=user)


def _history(username: str) -> None:
    """The demo's four earlier days (examples/.../history) with `username` as their organiser; prints a
    personal link's token of someone present on the last of them (whose link opens the evaluation)."""
    from django.contrib.auth.models import User

    from netwerkdag.web import models
    from netwerkdag.web.services import history, invitations

    days = history.load_history(ROOT / "examples" / "g40-haarlem-2023" / "history")
    user = User.objects.get(username=username)
    for event in days:
        models.Organiser.objects.get_or_create(event=event, user=user)
    present = models.Invitee.objects.filter(
        event=days[-1], checked_in_at__isnull=False, registrations__isnull=False
    )
    print(json.dumps({"token": invitations.invite(present.order_by("person_id").first())}))


def _full_day(username: str) -> None:
    """The day as organisers meet it: the network's people invited (271), some answers, and `username`
    allowed to make new events."""
    from django.contrib.auth.models import Permission, User

    from netwerkdag.web import models
    from netwerkdag.web.services import invitees, programme, registration

    event = models.Event.objects.get(slug="g40-haarlem-2023")
    invitees.invitees_from_network(event, programme.draft_event(event))
    user = User.objects.get(username=username)
    user.user_permissions.add(Permission.objects.get(codename="add_event", content_type__app_label="web"))
    people = list(models.Invitee.objects.filter(event=event).exclude(person_id="").order_by("pk"))
    for number, person in enumerate(people[:40]):
        if number % 5 == 4:
            registration.decline(person)
        else:
            rounds = {"ronde-1": ("pijler-fysiek", "pijler-economie-werk")[number % 2]}
            registration.register(person, registration.Answers(rounds))


def _mailable(count: int) -> None:
    """`count` more people of the Haarlem day with an e-mail address and no link yet (an invitation sent
    by a worker makes theirs). Prints {"ids": [...]}."""
    from netwerkdag.web import models

    event = models.Event.objects.get(slug="g40-haarlem-2023")
    ids = [
        models.Invitee.objects.create(event=event, name=f"Lezer {n}", email=f"lezer{n}@example.invalid").pk
        for n in range(count)
    ]
    print(json.dumps({"ids": ids}))


def _password_link(email: str) -> None:
    """An account for `email` organising the Haarlem day, and its link to set a password (printed, as
    `netwerkdag organiser add --print-link` does)."""
    from netwerkdag.web import models
    from netwerkdag.web.services import accounts

    accounts.add_organiser(email, models.Event.objects.get(slug="g40-haarlem-2023"), send_link=False)
    print(accounts.password_link(email))


# --- background work: queue it, look at it, wait for it (tests/web/test_worker.py) --------------------------


def _mail_invitees(count: int) -> None:
    """`count` new invitees of the Haarlem day (imported first if need be, open for registration) with an
    address, each with an invitation queued, all in one transaction (as "send invitations" does). Prints
    {"mails": [ids]}."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from netwerkdag.files.dump import dump_event
    from netwerkdag.files.load import load_event
    from netwerkdag.web import models
    from netwerkdag.web.services import mail, programme

    event = models.Event.objects.filter(slug="g40-haarlem-2023").first()
    if event is None:
        event = programme.import_event(
            dump_event(load_event(ROOT / "examples" / "g40-haarlem-2023")), "e.yaml"
        )
        # Open, so that the daily job that forgets past events leaves its people alone.
        event.registration_deadline = timezone.now() + timedelta(days=30)
        event.save()
    ids = []
    with transaction.atomic():
        for n in range(count):
            person = models.Invitee.objects.create(
                event=event, name=f"Post {n}", email=f"post{n}@example.invalid"
            )
            queued = mail.queue(models.OutgoingMail.Kind.INVITATION, invitee=person)
            assert queued is not None
            ids.append(queued.pk)
    print(json.dumps({"mails": ids}))


def _state() -> dict[str, Any]:
    """The background work as the database holds it: mails, tasks, scheduler runs, workers, daily runs."""
    from django.conf import settings
    from django_tasks_db.models import DBTaskResult

    from netwerkdag.web import models

    return {
        "mails": [
            {
                "id": m.pk,
                "message_id": f"<{m.uid}@{settings.MESSAGE_ID_DOMAIN}>",
                "status": m.status,
                "attempts": m.attempts,
                "last_error": m.last_error,
                "handed_over": m.handed_over_at is not None,
                "queued_at": m.created_at.timestamp(),
                "sent_at": m.sent_at.timestamp() if m.sent_at else None,
            }
            for m in models.OutgoingMail.objects.order_by("pk")
        ],
        "tasks": [
            {
                "id": str(t.pk),
                "path": t.task_path,
                "args": t.args_kwargs.get("args", []),
                "status": t.status,
                "worker_ids": t.worker_ids,
                "return_value": t.return_value,
                "exception": t.exception_class_path,
            }
            for t in DBTaskResult.objects.order_by("enqueued_at")
        ],
        "runs": [
            {
                "id": r.pk,
                "status": r.status,
                "attempts": r.attempts,
                "message": r.message,
                "progress": r.progress,
            }
            for r in models.SchedulingRun.objects.order_by("pk")
        ],
        "workers": [
            {"worker_id": w.worker_id, "pid": w.pid, "queues": w.queues}
            for w in models.WorkerProcess.objects.order_by("started_at")
        ],
        "daily": [[d.job, d.day.isoformat()] for d in models.DailyRun.objects.order_by("job", "day")],
    }


def _wait(timeout_s: float, what: str, done: Callable[[dict[str, Any]], bool]) -> None:
    """Look at the state every 0.2 s until `done` says so (prints it) or `timeout_s` passed (exit 1, with
    the state on standard error)."""
    deadline = time.monotonic() + timeout_s
    while True:
        state = _state()
        if done(state):
            print(json.dumps(state))
            return
        if time.monotonic() > deadline:
            sys.stderr.write(f"waited {timeout_s} s for {what}; the state:\n{json.dumps(state, indent=1)}\n")
            raise SystemExit(1)
        time.sleep(0.2)


def _big_run(time_limit: float) -> None:
    """A scheduler run that takes the whole of `time_limit` (the benchmark's M day: 120 talks, whose plan
    is not proven optimal in that time), queued for a worker. Prints {"run": id}."""
    import importlib

    from netwerkdag.files.dump import dump_event
    from netwerkdag.files.load import load_event
    from netwerkdag.web.services import programme, scheduling

    sys.path.insert(0, str(ROOT / "benchmarks" / "scheduling"))  # generate.py imports its neighbours
    generate = importlib.import_module("generate")
    folder = Path(os.environ["NETWERKDAG_DATA_DIR"]) / "bench-m"
    generate.write_generated(generate.generate("M", 1), folder)
    event = programme.import_event(dump_event(load_event(folder / "event")), "event.yaml")
    print(json.dumps({"run": scheduling.start(event, time_limit).pk}))


if __name__ == "__main__":
    import django

    django.setup()
    command, *args = sys.argv[1:]
    if command == "migrate":
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
    elif command == "setup":
        _setup(args[0], int(args[1]), int(args[2]), int(args[3]))
    elif command == "full-day":
        _full_day(args[0])
    elif command == "history":
        _history(args[0])
    elif command == "organiser":
        _organiser(args[0], args[1])
    elif command == "mailable":
        _mailable(int(args[0]))
    elif command == "password-link":
        _password_link(args[0])
    elif command == "counts":
        _counts(args[0])
    elif command == "slot-counts":
        _slot_counts(args[0])
    elif command == "mail-invitees":
        _mail_invitees(int(args[0]))
    elif command == "big-run":
        _big_run(float(args[0]))
    elif command == "state":
        print(json.dumps(_state()))
    elif command == "wait-mails":  # TIMEOUT STATUS[,STATUS]: until every mail has one of these states
        wanted = set(args[1].split(","))
        _wait(float(args[0]), f"mails {wanted}", lambda s: all(m["status"] in wanted for m in s["mails"]))
    elif command == "wait-run":  # TIMEOUT STATUS[,STATUS] [progress]: the last run has one (and progress)
        wanted = set(args[1].split(","))

        def run_is(s: dict[str, Any]) -> bool:
            last = s["runs"][-1] if s["runs"] else {}
            return last.get("status") in wanted and ("progress" not in args[2:] or bool(last["progress"]))

        _wait(float(args[0]), f"a run {wanted}", run_is)
    elif command == "wait-workers":  # TIMEOUT COUNT [QUEUE]: until COUNT workers (serving QUEUE) registered
        queue = args[2] if len(args) > 2 else ""
        _wait(
            float(args[0]),
            f"{args[1]} workers",
            lambda s: sum(queue in w["queues"] for w in s["workers"]) >= int(args[1]),
        )
    elif command == "wait-tasks":  # TIMEOUT PATH COUNT: until COUNT tasks of PATH finished, none waiting
        path, count = args[1], int(args[2])

        def finished(s: dict[str, Any]) -> bool:
            mine = [t for t in s["tasks"] if t["path"] == path]
            return len(mine) >= count and all(t["status"] in ("SUCCESSFUL", "FAILED") for t in mine)

        _wait(float(args[0]), f"{count} tasks {path}", finished)
    else:
        raise SystemExit(f"unknown command {command}")


# --- a browser without a browser: cookies, forms, no redirects followed -------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class Answer:
    status: int
    body: str


class Browser:
    """One person's browser against a live server: its own cookies, no redirects followed."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def request(self, path: str, form: dict[str, str] | None = None) -> Answer:
        data = None if form is None else urllib.parse.urlencode(form).encode()
        request = urllib.request.Request(self.base + path, data=data)  # noqa: S310 - our loopback server
        if form is not None:
            request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request, timeout=60) as response:
                return Answer(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read().decode())


def csrf_token(page: str) -> str:
    """The CSRF token of the form on a page."""
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, page[:500]
    return match.group(1)
