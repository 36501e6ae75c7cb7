"""Organiser accounts: made from the command line or by a co-organiser, with a one-time link to set the
password (mailed by a worker, or printed once); and `netwerkdag check-deploy`."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core import mail as outbox
from django.test import Client
from tests.web.conftest import run_tasks

from netwerkdag.web import models
from netwerkdag.web.services import accounts

pytestmark = pytest.mark.django_db
LINK = re.compile(r"https?://[^\s\"<>]+/organisatie/wachtwoord/[^\s\"<>]+/")


def _path(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def _set_password(link: str, password: str) -> tuple[int, Client]:
    """Open the link and set `password` as a browser would; returns the final status and the client."""
    client = Client()
    form = client.get(_path(link), follow=True)
    assert form.status_code == 200
    assert form["Referrer-Policy"] == "no-referrer"  # the address held a secret
    target = form.redirect_chain[-1][0] if form.redirect_chain else _path(link)
    done = client.post(target, {"new_password1": password, "new_password2": password})
    return done.status_code, client


def test_a_co_organiser_is_invited_from_the_event_page(organiser: Client, day: models.Event) -> None:
    response = organiser.post("/organisatie/g40-haarlem-2023/organisers/", {"email": "Nieuw@Example.invalid"})
    assert response.status_code == 303
    user = User.objects.get(email__iexact="nieuw@example.invalid")
    assert models.Organiser.objects.filter(event=day, user=user).exists()
    assert not user.has_usable_password()  # it cannot log in before the link is used
    assert not outbox.outbox  # the mail goes out from a worker
    run_tasks()
    (message,) = outbox.outbox
    assert message.to == [user.email]
    assert day.title in message.body
    link = LINK.search(message.body)
    assert link is not None

    status, _ = _set_password(link.group(0), "een lang en goed wachtwoord")
    assert status == 302
    assert Client().login(username=user.username, password="een lang en goed wachtwoord")  # noqa: S106
    # The link works once.
    again = Client().get(_path(link.group(0)), follow=True)
    assert "al gebruikt of verlopen" in again.content.decode()


def test_inviting_an_existing_account_or_a_bad_address(organiser: Client, day: models.Event) -> None:
    User.objects.create_user("bestaand@example.invalid", email="bestaand@example.invalid", password="x" * 14)
    organiser.post("/organisatie/g40-haarlem-2023/organisers/", {"email": "bestaand@example.invalid"})
    assert models.Organiser.objects.filter(event=day, user__email="bestaand@example.invalid").exists()
    assert run_tasks() == 0  # an account that has a password gets no link

    page = organiser.post("/organisatie/g40-haarlem-2023/organisers/", {"email": "geen adres"}, follow=True)
    assert "'geen adres' is geen e-mailadres" in html.unescape(page.content.decode())
    # A valid address longer than a user name may be (150): refused with a message, on any database.
    long = "a" * 64 + "@" + "b" * 80 + ".example"
    page = organiser.post("/organisatie/g40-haarlem-2023/organisers/", {"email": long}, follow=True)
    assert "is geen e-mailadres" in html.unescape(page.content.decode())
    assert User.objects.count() == 2  # olga and the existing account


def test_asking_twice_sends_one_link(day: models.Event) -> None:
    accounts.add_organiser("twee@example.invalid", day)
    accounts.send_password_link("twee@example.invalid")  # a second click while the first is waiting
    assert run_tasks() == 1
    assert len(outbox.outbox) == 1


def test_a_forged_or_stale_link_is_refused(day: models.Event) -> None:
    user, _ = accounts.add_organiser("derde@example.invalid", day, send_link=False)
    link = accounts.password_link("derde@example.invalid")
    forged = link.rstrip("/")[:-3] + "abc/"
    status, _ = _set_password(forged, "een lang en goed wachtwoord")
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert status == 200  # the page that says the link is not valid


def _cli(data: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("NETWERKDAG_", "EMAIL_", "DATABASE"))
    }
    environment.update({"NETWERKDAG_DATA_DIR": str(data), **env})
    return subprocess.run(
        [sys.executable, "-m", "netwerkdag.cli", *args],
        env=environment, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip


def test_organiser_commands(tmp_path: Path) -> None:
    made = _cli(tmp_path, "organiser", "add", "eerste@example.invalid", "--may-add-events", "--print-link")
    assert made.returncode == 0, made.stderr
    assert "account eerste@example.invalid: made" in made.stdout
    assert LINK.search(made.stdout)

    unknown = _cli(tmp_path, "organiser", "add", "x@example.invalid", "--event", "geen-dag")
    assert unknown.returncode == 1
    assert "there is no event 'geen-dag'" in unknown.stderr
    assert "Traceback" not in unknown.stderr

    missing = _cli(tmp_path, "organiser", "reset-password", "niemand@example.invalid")
    assert missing.returncode == 1
    assert "no account for niemand@example.invalid" in missing.stderr

    reset = _cli(tmp_path, "organiser", "reset-password", "eerste@example.invalid")
    assert reset.returncode == 0, reset.stderr
    assert "is being mailed" in reset.stdout
    assert not LINK.search(reset.stdout + reset.stderr)  # mailed, not printed


def test_check_deploy_names_each_problem(tmp_path: Path) -> None:
    os.chmod(tmp_path, 0o755)  # noqa: S103 - the problem under test
    result = _cli(tmp_path, "check-deploy", NETWERKDAG_BASE_URL="http://netwerkdag.example.org")
    assert result.returncode == 1
    for code in ("netwerkdag.W001", "netwerkdag.W002", "netwerkdag.W004", "netwerkdag.W008"):
        assert code in result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path.stat().st_mode & 0o777) == 0o700  # made private when the app started


def test_check_deploy_passes_when_everything_is_set(tmp_path: Path) -> None:
    env = {
        "NETWERKDAG_BASE_URL": "https://netwerkdag.example.org",
        "NETWERKDAG_SECURE": "1",
        "NETWERKDAG_TRUSTED_PROXIES": "127.0.0.1",
        "NETWERKDAG_SECRET_KEY": "k" * 10 + "-a-long-random-looking-secret-for-the-check-0123456789",
        "EMAIL_HOST": "smtp.example.invalid",
    }
    # A worker that beats now (as `netwerkdag worker` would), in the database the check reads.
    assert _cli(tmp_path, "forget", **env).returncode == 0  # makes and migrates the database
    no_worker = _cli(tmp_path, "check-deploy", **env)
    assert no_worker.returncode == 1
    assert "netwerkdag.W009: no worker is running" in no_worker.stderr
    import sqlite3

    with sqlite3.connect(tmp_path / "netwerkdag.sqlite3") as db:
        db.execute(
            "insert into web_workerprocess (worker_id, host, pid, queues, started_at, beat_at) "
            "values ('w', 'h', 1, 'mail', datetime('now'), strftime('%Y-%m-%d %H:%M:%f', 'now'))"
        )
    result = _cli(tmp_path, "check-deploy", **env)
    assert result.returncode == 0, result.stderr
    assert "no problems found" in result.stdout
