"""The background work (web/services/mail.py, web/worker.py, web/services/workers.py, web/services/daily.py).

In-process, against a mail server on loopback (tests/web/smtp.py): a temporary refusal is tried again
later, a refusal fails at once with its reason on the organisers' page and can be sent again, the last
attempt gives up, a mail whose worker stopped after handing it over is never sent again, and no mail is
ever sent twice, however often it is delivered, recovered, resent or asked for.

As processes, against a database of their own (tests/web/live.py) with real `netwerkdag worker`
processes: two workers never take the same task (SQLite's exclusive transaction, PostgreSQL's SKIP
LOCKED), a worker killed in the middle of a mail or a scheduler run leaves its work failed or done again
by another worker, never lost or sent twice, and the daily jobs start once a day however many workers run.
"""

from __future__ import annotations

import html
import json
import os
import re
import signal
import subprocess
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.core import mail as outbox
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from tests.web.conftest import MakeInvitee, run_tasks
from tests.web.live import LiveServer, free_port, live_database, postgres_database
from tests.web.smtp import Sink

from netwerkdag.web import models, tasks
from netwerkdag.web.services import mail, workers

Kind = models.OutgoingMail.Kind
EVENT_PAGE = "/organisatie/g40-haarlem-2023/"
DELIVER = tasks.deliver_mail.module_path
SCHEDULE = tasks.run_scheduler.module_path
DAILY = tasks.daily_job.module_path


# --- in-process: one mail at a time, run by `run_tasks` ---------------------------------------------------


@pytest.fixture
def sink(settings: Any) -> Iterator[Sink]:
    """The mail server on loopback, and Django's SMTP backend pointed at it."""
    with Sink() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 10
        yield server


def _message_id(mail_row: models.OutgoingMail) -> str:
    return f"<{mail_row.uid}@{django_settings.MESSAGE_ID_DOMAIN}>"


def _invitation(make_invitee: MakeInvitee) -> models.OutgoingMail:
    person, _ = make_invitee()
    queued = mail.queue(Kind.INVITATION, invitee=person)
    assert queued is not None
    return queued


def _fresh(row: models.OutgoingMail) -> models.OutgoingMail:
    return models.OutgoingMail.objects.get(pk=row.pk)


def _deliver_tasks(row: models.OutgoingMail) -> list[DBTaskResult]:
    return [t for t in DBTaskResult.objects.filter(task_path=DELIVER) if t.args_kwargs["args"] == [row.pk]]


@pytest.mark.django_db
def test_a_temporary_refusal_is_tried_again_later_and_then_sent_once(
    day: models.Event, make_invitee: MakeInvitee, sink: Sink
) -> None:
    """A 451 puts the mail back in the queue with the reason and a task that waits at least 30 s; when
    that task runs, the mail is sent once."""
    queued = _invitation(make_invitee)
    sink.answer("451 4.7.1 Greylisted, please try again later")
    before = timezone.now()
    assert run_tasks() == 1  # the retry is not ready yet

    row = _fresh(queued)
    assert (row.status, row.attempts) == ("queued", 1)
    assert "451" in row.last_error
    assert "Greylisted" in row.last_error
    (retry,) = [t for t in _deliver_tasks(row) if t.status == "READY"]
    assert retry.run_after >= before + timedelta(seconds=30)
    assert not sink.received

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())  # its time has come
    assert run_tasks() == 1
    row = _fresh(queued)
    assert (row.status, row.attempts) == ("sent", 2)
    assert sink.message_ids() == Counter({_message_id(row): 1})
    assert run_tasks() == 0


@pytest.mark.django_db
def test_a_connection_that_breaks_during_the_hand_over_is_never_sent_again(
    day: models.Event, make_invitee: MakeInvitee, sink: Sink, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Connected, then the line drops while the message is being handed over, without an answer: the
    server may have taken it, so the mail is failed for a person to look at, with no retry."""
    import smtplib

    def drop(*args: object, **kwargs: object) -> None:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(smtplib.SMTP, "sendmail", drop)
    queued = _invitation(make_invitee)
    assert run_tasks() == 1
    row = _fresh(queued)
    assert (row.status, row.attempts) == ("failed", 1)
    assert "it may have arrived" in row.last_error
    assert row.handed_over_at is not None
    assert [t.status for t in _deliver_tasks(row)] == ["SUCCESSFUL"]  # and no task to try again


@pytest.mark.django_db
def test_an_unreachable_mail_server_is_tried_again_later(
    day: models.Event, make_invitee: MakeInvitee, sink: Sink, settings: Any
) -> None:
    """Nobody listening at the mail server's address is a temporary failure, not a refusal."""
    settings.EMAIL_PORT = free_port()  # nothing listens there
    queued = _invitation(make_invitee)
    assert run_tasks() == 1
    row = _fresh(queued)
    assert row.status == "queued"
    assert "refused" in row.last_error  # [Errno 111] Connection refused
    settings.EMAIL_PORT = sink.port
    DBTaskResult.objects.filter(task_path=DELIVER, status="READY").update(run_after=timezone.now())
    assert run_tasks() == 1
    assert _fresh(queued).status == "sent"
    assert sink.message_ids() == Counter({_message_id(row): 1})


class _RecipientRefusingServer:
    """A mail server that answers the first RCPT TO with `answer` (450: greylisting; 550: no such
    address), then accepts."""

    def __init__(self, answer: str) -> None:
        self.answers = [answer]
        self.received: list[bytes] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.answers:
            return self.answers.pop()
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(bytes(envelope.content))
        return "250 OK"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answer", "status"),
    [("450 4.2.0 Recipient address rejected: Greylisted", "queued"), ("550 5.1.1 User unknown", "failed")],
)
def test_a_refused_address_is_tried_again_later_only_when_the_refusal_is_temporary(
    day: models.Event, make_invitee: MakeInvitee, settings: Any, answer: str, status: str
) -> None:
    """A 4xx to RCPT TO (greylisting) is tried again later and then sent once; a 5xx fails at once."""
    server = _RecipientRefusingServer(answer)
    controller = Controller(server, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
        queued = _invitation(make_invitee)
        assert run_tasks() == 1
        row = _fresh(queued)
        assert (row.status, row.attempts) == (status, 1)
        assert "refused the address" in row.last_error
        DBTaskResult.objects.filter(task_path=DELIVER, status="READY").update(run_after=timezone.now())
        assert run_tasks() == (1 if status == "queued" else 0)
    finally:
        controller.stop()
    assert _fresh(queued).status == ("sent" if status == "queued" else "failed")
    assert len(server.received) == (1 if status == "queued" else 0)


@pytest.mark.django_db
def test_a_refusal_fails_at_once_shows_on_the_event_page_and_is_sent_again_once(
    day: models.Event, make_invitee: MakeInvitee, organiser: Client, sink: Sink
) -> None:
    """A 550 marks the mail failed with the reason, which the organisers see; "send again" queues it once
    however often it is pressed, and never sends a mail that went out already."""
    delivered = _invitation(make_invitee)
    assert run_tasks() == 1
    refused = _invitation(make_invitee)
    sink.answer("550 5.1.1 No such mailbox here")
    assert run_tasks() == 1

    row = _fresh(refused)
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error == "the mail server answered 550 5.1.1 No such mailbox here"
    assert not [t for t in _deliver_tasks(row) if t.status == "READY"]  # no retry of a refusal
    page = html.unescape(organiser.get(EVENT_PAGE).content.decode())
    assert "550 5.1.1 No such mailbox here" in page
    assert row.invitee is not None
    assert row.invitee.name in page

    for _ in range(2):  # pressed twice before a worker got to it
        response = organiser.post(EVENT_PAGE + "mail/resend/")
        assert response.status_code == 303
    assert _fresh(refused).status == "queued"
    assert run_tasks() == 1
    assert _fresh(refused).status == "sent"
    assert "No such mailbox here" not in html.unescape(organiser.get(EVENT_PAGE).content.decode())

    organiser.post(EVENT_PAGE + "mail/resend/")  # nothing failed: nothing is sent
    assert run_tasks() == 0
    assert sink.message_ids() == Counter({_message_id(_fresh(delivered)): 1, _message_id(row): 1})


@pytest.mark.django_db
def test_the_last_temporary_failure_gives_up(
    day: models.Event, make_invitee: MakeInvitee, sink: Sink, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After NETWERKDAG_MAIL_ATTEMPTS temporary failures the mail is failed, saying how often it was
    tried, and no further attempt is queued."""
    settings.NETWERKDAG_MAIL_ATTEMPTS = 3
    monkeypatch.setattr(mail, "FIRST_RETRY_S", 0)  # every retry at once
    queued = _invitation(make_invitee)
    sink.answer("451 busy", "452 still busy", "421 going away")
    assert run_tasks() == 3
    row = _fresh(queued)
    assert (row.status, row.attempts) == ("failed", 3)
    assert row.last_error.endswith("(after 3 attempts)")
    assert "421" in row.last_error
    assert len(_deliver_tasks(row)) == 3
    assert not sink.received


def _taken_by_a_worker(row: models.OutgoingMail, *, handed_over: bool, beating: bool) -> DBTaskResult:
    """As if a worker took the mail's task and claimed the mail (and handed it to the mail server, or not)
    long enough ago to be lost, and still beats, or stopped beating as long ago."""
    lost_s = django_settings.NETWERKDAG_WORKER_LOST_S
    now = timezone.now()
    beat_s_ago = 0 if beating else 2 * lost_s
    (task,) = _deliver_tasks(row)
    task.claim("worker-1")
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=now - timedelta(seconds=2 * lost_s))
    models.OutgoingMail.objects.filter(pk=row.pk).update(
        status="sending", attempts=1, handed_over_at=now if handed_over else None
    )
    models.WorkerProcess.objects.create(
        worker_id="worker-1", host="elders", pid=1, queues="mail", beat_at=now - timedelta(seconds=beat_s_ago)
    )
    return task


@pytest.mark.django_db
def test_a_mail_handed_over_by_a_worker_that_stopped_is_failed_not_sent_again(
    day: models.Event, make_invitee: MakeInvitee, organiser: Client, sink: Sink
) -> None:
    """The worker stopped after giving the mail to the mail server: it may have arrived, so it is marked
    failed for a person to look at, and nothing sends it by itself."""
    queued = _invitation(make_invitee)
    task = _taken_by_a_worker(queued, handed_over=True, beating=False)
    assert workers.recover_lost() == 1

    task.refresh_from_db()
    assert (task.status, task.exception_class_path) == ("FAILED", workers.LOST)
    row = _fresh(queued)
    assert row.status == "failed"
    assert "may have arrived" in row.last_error
    assert "may have arrived" in organiser.get(EVENT_PAGE).content.decode()
    assert run_tasks() == 0
    assert workers.recover_lost() == 0  # recovered once
    assert not sink.received


@pytest.mark.django_db
def test_a_mail_not_yet_handed_over_by_a_worker_that_stopped_is_sent_once(
    day: models.Event, make_invitee: MakeInvitee, sink: Sink
) -> None:
    """The worker stopped before giving the mail to the mail server: it is queued again and sent once."""
    queued = _invitation(make_invitee)
    _taken_by_a_worker(queued, handed_over=False, beating=False)
    assert workers.recover_lost() == 1
    assert _fresh(queued).status == "queued"
    assert run_tasks() == 1
    assert workers.recover_lost() == 0
    assert run_tasks() == 0
    row = _fresh(queued)
    assert (row.status, row.attempts) == ("sent", 2)
    assert sink.message_ids() == Counter({_message_id(row): 1})


@pytest.mark.django_db
def test_the_task_of_a_worker_that_still_beats_is_left_alone(
    day: models.Event, make_invitee: MakeInvitee, sink: Sink
) -> None:
    """A long task of a worker that still beats is not lost: nothing is recovered or sent."""
    queued = _invitation(make_invitee)
    task = _taken_by_a_worker(queued, handed_over=True, beating=True)
    assert workers.recover_lost() == 0
    task.refresh_from_db()
    assert task.status == "RUNNING"
    assert _fresh(queued).status == "sending"
    assert run_tasks() == 0
    assert not sink.received


@pytest.mark.django_db
def test_a_sent_mail_delivered_again_sends_nothing(
    day: models.Event, make_invitee: MakeInvitee, sink: Sink
) -> None:
    """A second delivery of a sent mail (a task run twice, a stray task) sends nothing."""
    queued = _invitation(make_invitee)
    assert run_tasks() == 1
    assert mail.deliver(queued.pk).startswith("not queued")
    tasks.deliver_mail.enqueue(queued.pk)
    assert run_tasks() == 1
    row = _fresh(queued)
    assert (row.status, row.attempts) == ("sent", 1)
    assert sink.message_ids() == Counter({_message_id(row): 1})


@pytest.mark.django_db
def test_a_worker_whose_mail_was_taken_over_does_not_send_it(
    day: models.Event, make_invitee: MakeInvitee, sink: Sink, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While one worker writes a mail, it is recovered and sent by another (the first was thought lost);
    the first, going on, finds the attempt is no longer its own and sends nothing."""
    queued = _invitation(make_invitee)
    compose = mail._compose
    taken_over: list[str] = []

    def compose_while_taken_over(row: models.OutgoingMail) -> mail.Composed:
        if not taken_over:  # the first worker, while it writes: another worker takes over
            taken_over.append("yes")
            mail.recover(row.pk)
            assert mail.deliver(row.pk) == "sent"
        return compose(row)

    monkeypatch.setattr(mail, "_compose", compose_while_taken_over)
    assert mail.deliver(queued.pk) == "taken over by another worker"
    row = _fresh(queued)
    assert (row.status, row.attempts) == ("sent", 2)
    assert sink.message_ids() == Counter({_message_id(row): 1})


@pytest.mark.django_db
def test_sending_invitations_twice_invites_each_person_once(
    day: models.Event, make_invitee: MakeInvitee, organiser: Client
) -> None:
    """Pressing "send invitations" twice, and again after they went out, invites each person once."""
    people = [make_invitee()[0] for _ in range(3)]
    for _ in range(2):
        assert organiser.post(EVENT_PAGE + "invitations/").status_code == 303
    assert models.OutgoingMail.objects.filter(kind=Kind.INVITATION).count() == 3
    assert not outbox.outbox  # a worker sends them
    assert run_tasks() == 3
    organiser.post(EVENT_PAGE + "invitations/")
    assert run_tasks() == 0
    assert Counter(m.to[0] for m in outbox.outbox) == Counter({p.email: 1 for p in people})


# --- as processes: a database of its own, real workers, a mail server on loopback ------------------------

#: Heartbeats every second, so that a stopped worker is found within seconds.
BEAT = {"NETWERKDAG_WORKER_BEAT_S": "1"}
#: What the worker that recovers the work of a killed one is told: silent for 2 s is stopped.
LOST = {"NETWERKDAG_WORKER_LOST_S": "2"}
MAILS = 60


@contextmanager
def _database(backend: str, tmp: Path, **env: str) -> Iterator[LiveServer]:
    """A live server's database (the server itself is not needed: nothing here makes a web request)."""
    if backend == "postgresql":
        with postgres_database() as url, live_database(tmp, url, **BEAT, **env) as server:
            yield server
    else:
        with live_database(tmp, None, **BEAT, **env) as server:
            yield server


@contextmanager
def _worker(server: LiveServer, name: str, *args: str, **env: str) -> Iterator[subprocess.Popen[bytes]]:
    """`netwerkdag worker` with `args`, its output in `name`.log; stopped at the end (if not killed)."""
    process = server.worker(*args, log=server.log.with_name(f"{name}.log"), **env)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _state(server: LiveServer, *wait: str) -> dict[str, Any]:
    """The background work in the server's database (after waiting, with the live.py wait command)."""
    return json.loads(server.run(*wait) if wait else server.run("state"))


def _log(server: LiveServer, name: str) -> str:
    return server.log.with_name(f"{name}.log").read_text()


def _started(log: str) -> Counter[str]:
    """How often the worker of this log started each task (django-tasks logs each start)."""
    return Counter(re.findall(r"Task id=([0-9a-f-]+) path=\S+ state=RUNNING", log))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_workers_never_take_the_same_task(backend: str, tmp_path: Path) -> None:
    """60 mails queued at once for two mail workers already waiting: each task is started by exactly one
    of them, both do some, and every Message-ID arrives once. The two, started together, also start each
    of the day's jobs once."""
    with Sink() as sink, _database(backend, tmp_path, **sink.env()) as server:
        sink.stall(0.05)  # each mail takes a moment, as on a real server: the two overlap
        with _worker(server, "first", "--queue", "mail"), _worker(server, "second", "--queue", "mail"):
            _state(server, "wait-workers", "60", "2", "mail")
            server.run("mail-invitees", str(MAILS))
            state = _state(server, "wait-mails", "120", "sent,failed")
        logs = {name: _log(server, name) for name in ("first", "second")}

    assert Counter(m["status"] for m in state["mails"]) == {"sent": MAILS}
    assert sink.message_ids() == Counter({m["message_id"]: 1 for m in state["mails"]})
    delivered = [t for t in state["tasks"] if t["path"] == DELIVER]
    assert len(delivered) == MAILS
    assert all(t["status"] == "SUCCESSFUL" and t["return_value"] == "sent" for t in delivered)
    assert all(len(t["worker_ids"]) == 1 for t in delivered)
    by_worker = Counter(t["worker_ids"][0] for t in delivered)
    assert len(by_worker) == 2, by_worker  # both took some
    started = _started(logs["first"]) + _started(logs["second"])
    assert started == Counter({t["id"]: 1 for t in delivered})  # each started once, by one worker
    assert all(_started(log) for log in logs.values())
    for log in logs.values():
        assert "Traceback" not in log
        assert "database is locked" not in log
    today = state["daily"][0][1]
    assert state["daily"] == [["forget", today], ["reminders", today], ["tidy", today]]
    daily = [t for t in state["tasks"] if t["path"] == DAILY]  # left for a worker of the default queue
    assert sorted(t["args"][0] for t in daily) == ["forget", "reminders", "tidy"]


def test_a_worker_killed_while_handing_over_a_mail_leaves_it_failed_not_sent_twice(tmp_path: Path) -> None:
    """kill -9 of a worker while the mail server takes the message: another worker finds the worker lost,
    marks its task failed and the mail failed ("may have arrived"); the mail arrives at most once."""
    with Sink() as sink, _database("sqlite", tmp_path, **sink.env()) as server:
        sink.stall(10)
        (mail_id,) = json.loads(server.run("mail-invitees", "1"))["mails"]
        with _worker(server, "killed", "--queue", "mail") as killed:
            assert sink.handler.stalling.wait(60), _log(server, "killed")
            killed.kill()
            killed.wait()
        sink.stall(0)
        with _worker(server, "rescuer", "--queue", "mail", **LOST):
            after = _state(server, "wait-mails", "60", "sent,failed")
        rescuer = _log(server, "rescuer")

    (row,) = after["mails"]
    assert (row["id"], row["status"], row["attempts"], row["handed_over"]) == (mail_id, "failed", 1, True)
    assert "may have arrived" in row["last_error"]
    (task,) = [t for t in after["tasks"] if t["path"] == DELIVER]  # and not queued again
    assert (task["status"], task["exception"]) == ("FAILED", workers.LOST)
    assert "recovered 1 task(s)" in rescuer
    assert not _started(rescuer)
    # The killed transfer never completed (the Sink drops a message whose sender went away), so a copy
    # here could only be a second sending.
    assert not sink.received


def test_a_worker_killed_during_a_scheduler_run_leaves_it_to_another(tmp_path: Path) -> None:
    """kill -9 of the worker in the middle of a scheduler run (the solver at work): another worker finds
    it lost and runs it again; the run ends done, after two attempts."""
    with _database("sqlite", tmp_path) as server:
        run_id = json.loads(server.run("big-run", "4"))["run"]
        with _worker(server, "killed", "--queue", "scheduling") as killed:
            running = _state(server, "wait-run", "60", "running", "progress")
            killed.kill()
            killed.wait()
        with _worker(server, "rescuer", "--queue", "scheduling", **LOST):
            state = _state(server, "wait-run", "120", "done,failed")
        rescuer = _log(server, "rescuer")

    assert running["runs"][-1]["attempts"] == 1
    (run,) = state["runs"]
    assert run["id"] == run_id
    assert (run["status"], run["attempts"]) == ("done", 2), run["message"]
    first, second = [t for t in state["tasks"] if t["path"] == SCHEDULE]
    assert (first["status"], first["exception"]) == ("FAILED", workers.LOST)
    assert (second["status"], second["return_value"]) == ("SUCCESSFUL", "done")
    assert first["worker_ids"] != second["worker_ids"]
    assert "recovered 1 task(s)" in rescuer


def test_two_full_workers_run_the_daily_jobs_once_and_restart_their_scheduler_process(
    tmp_path: Path,
) -> None:
    """Two full workers (each with its process for the scheduler: four processes that look for the day's
    jobs at once) run each daily job once. And when a worker's scheduler process dies, the worker starts
    it again."""
    with _database("sqlite", tmp_path) as server:
        with _worker(server, "first"), _worker(server, "second"):
            workers_up = _state(server, "wait-workers", "60", "4")
            state = _state(server, "wait-tasks", "60", DAILY, "3")
            scheduler = next(w for w in workers_up["workers"] if w["queues"] == "scheduling")
            os.kill(scheduler["pid"], signal.SIGKILL)
            restarted = _state(server, "wait-workers", "60", "5")
        logs = _log(server, "first") + _log(server, "second")

    today = state["daily"][0][1]
    assert sorted(state["daily"]) == [["forget", today], ["reminders", today], ["tidy", today]]
    daily = [t for t in state["tasks"] if t["path"] == DAILY]
    assert sorted(t["args"][0] for t in daily) == ["forget", "reminders", "tidy"]
    assert all(t["status"] == "SUCCESSFUL" for t in daily)
    assert all(len(t["worker_ids"]) == 1 for t in daily)
    assert sum(_started(logs).values()) == 3
    new = [w for w in restarted["workers"] if w["queues"] == "scheduling" and w["pid"] != scheduler["pid"]]
    assert len(new) == 2  # the other worker's, and the one started again
    assert "starting it again" in logs
