"""`netwerkdag demo` (twice: nothing is duplicated) and `netwerkdag forget` (personal data anonymised a
set number of days after the event)."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from tests.web.conftest import MakeInvitee

from netwerkdag.web import models
from netwerkdag.web.services import privacy, registration


def _demo(data: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "NETWERKDAG_DATA_DIR")}
    result = subprocess.run(
        [sys.executable, "-m", "netwerkdag.cli", "demo", "--no-serve", "--data-dir", str(data)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


def _counts(data: Path) -> dict[str, int]:
    with sqlite3.connect(data / "netwerkdag.sqlite3") as db:
        tables = (
            "web_event",
            "web_invitee",
            "web_seats",
            "web_programmeversion",
            "auth_user",
            "web_organiser",
        )
        return {t: db.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}  # noqa: S608


def test_demo_twice_duplicates_nothing(tmp_path: Path) -> None:
    first = _demo(tmp_path)
    counts = _counts(tmp_path)
    second = _demo(tmp_path)

    assert _counts(tmp_path) == counts
    assert counts["web_event"] == 5  # Haarlem and the four days of its history
    assert counts["web_invitee"] > 250  # the population of the example
    assert re.search(r"password '[^']{12,}' \(shown once\)", first)
    assert "shown once" not in second
    links = re.findall(r"http://127\.0\.0\.1:8000/uitnodiging/([A-Za-z0-9_-]{43,})/", second)
    assert len(links) == 5
    with sqlite3.connect(tmp_path / "netwerkdag.sqlite3") as db:
        stored = [row[0] for row in db.execute("select token_hash from web_invitation")]
    assert not set(links) & set(stored)  # only hashes are stored


@pytest.mark.django_db
def test_forget_anonymises_after_the_retention_period(
    day: models.Event, make_invitee: MakeInvitee, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.NETWERKDAG_RETENTION_DAYS = 90
    person, _ = make_invitee(name="Hanna Visser", dietary="lactosevrij")
    registration.choose(person, "ronde-1", "pijler-sociaal")
    # The day and its deadline lie 91 days back.
    models.Event.objects.filter(pk=day.pk).update(
        ends_at=timezone.now() - timedelta(days=91), registration_deadline=timezone.now() - timedelta(days=92)
    )
    assert privacy.anonymise_past_events(now=timezone.now() - timedelta(days=2)) == 0  # 89 days: not yet
    assert privacy.anonymise_past_events() == 1
    person.refresh_from_db()
    assert (person.name, person.email, person.dietary) == ("—", "", "")
    assert person.organisation == "Gemeente Voorbeeld"  # what the network learns from stays
    assert models.Registration.objects.filter(invitee=person).count() == 1
    assert privacy.anonymise_past_events() == 0  # twice changes nothing


def _serve(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "NETWERKDAG_DATA_DIR")}
    environment.update(env)
    command = [sys.executable, "-m", "netwerkdag.cli", "serve", "--mail", "console"]
    command += ["--data-dir", str(tmp_path / "data")]
    return subprocess.run(command, env=environment, capture_output=True, text=True, check=False, timeout=60)


def test_serve_explains_an_unreachable_database(tmp_path: Path) -> None:
    result = _serve(tmp_path, DATABASE_URL="postgres://nobody@127.0.0.1:1/none")
    assert result.returncode == 1
    assert "cannot use the database" in result.stderr
    assert "check DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_explains_a_data_directory_it_cannot_make(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("a file where the folder should be")
    result = _serve(tmp_path)
    assert result.returncode == 1
    assert "cannot use the data directory" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.django_db
def test_wishes_are_deleted_once_the_event_is_over(day: models.Event, make_invitee: MakeInvitee) -> None:
    person, _ = make_invitee(
        dietary="notenallergie", accessibility="rolstoel", special_consent_at=timezone.now()
    )
    models.Event.objects.filter(pk=day.pk).update(ends_at=timezone.now() + timedelta(days=1))
    assert privacy.delete_wishes_of_past_events() == 0  # the day is still to come
    models.Event.objects.filter(pk=day.pk).update(ends_at=timezone.now() - timedelta(hours=1))
    assert privacy.delete_wishes_of_past_events() == 1
    person.refresh_from_db()
    assert (person.dietary, person.accessibility, person.special_consent_at) == ("", "", None)
    assert person.name.startswith("Test Persoon")  # the rest waits for the retention period


def test_the_demo_console_shows_mail_as_a_person_reads_it(capsys: pytest.CaptureFixture[str]) -> None:
    from django.core.mail import EmailMultiAlternatives

    from netwerkdag.web.mailbackend import ReadableConsole

    message = EmailMultiAlternatives(
        "Uw programma", "Beste Anna,\n\nUw inschrijving is opgeslagen.", "a@example.invalid",
        ["anna@example.invalid"], headers={"Message-ID": "<1@example.invalid>"},
    )  # fmt: skip
    message.attach_alternative("<p>Beste Anna,</p>", "text/html")
    message.attach("dag-programma.pdf", b"%PDF-1.7 " + bytes(5000), "application/pdf")
    assert ReadableConsole().send_messages([message]) == 1
    shown = capsys.readouterr().out
    assert "To: anna@example.invalid" in shown
    assert "Uw inschrijving is opgeslagen." in shown
    assert "[attachment: dag-programma.pdf (application/pdf, 5,009 bytes)]" in shown
    assert "base64" not in shown
    assert "<p>" not in shown
