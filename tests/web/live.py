"""A real server for the tests that need one: `netwerkdag serve` (gunicorn, several processes) on a
database of its own, SQLite file or PostgreSQL, with the Haarlem day and invitees set up by `setup`.

Run as a script (``python tests/web/live.py setup …``) it prepares that database in a process of its
own, so that the test process's Django (in-memory SQLite) is never pointed at it.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

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
        deadline = time.monotonic() + 60
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
        person = models.Invitee.objects.create(event=event, name=f"Gast {n}")
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


if __name__ == "__main__":
    import django

    django.setup()
    command, *args = sys.argv[1:]
    if command == "migrate":
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
    elif command == "setup":
        _setup(args[0], int(args[1]), int(args[2]), int(args[3]))
    elif command == "organiser":
        _organiser(args[0], args[1])
    elif command == "counts":
        _counts(args[0])
    elif command == "slot-counts":
        _slot_counts(args[0])
    else:
        raise SystemExit(f"unknown command {command}")
