"""`netwerkdag worker`: the process that runs the background tasks (docs/decisions/0008-background-work.md).

Each worker process runs django-tasks' database worker (`db_worker`) on its queues and, beside it, a
thread that every few seconds writes the process's heartbeat (`WorkerProcess.beat_at`), and now and
then starts the daily jobs (web/services/daily.py) and recovers the tasks of workers that stopped
beating (web/services/workers.py). Two workers never take the same task: the database backend takes a task
with ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL and an exclusive transaction on SQLite.

Without ``--queue``, one process serves the ``mail`` and ``default`` queues and starts a second for
``scheduling``, which it restarts if it dies, so that a long scheduler run never holds up mail.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence

from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from netwerkdag.web import models
from netwerkdag.web.services import daily
from netwerkdag.web.services.workers import new_worker_id, recover_lost, register

log = logging.getLogger("netwerkdag.worker")

ALL_QUEUES = ("mail", "default", "scheduling")
#: What the first process serves when it starts a second one for the scheduler.
QUICK_QUEUES = ("mail", "default")
#: Seconds between looks for lost tasks, and between looks for daily jobs to start.
REAP_EVERY_S = 10.0
DAILY_EVERY_S = 60.0


class Companion(threading.Thread):
    """The heartbeat, the daily jobs and the recovery of lost tasks, beside the worker loop; and the
    second process, when this one started it."""

    def __init__(
        self, worker_id: str, queues: Sequence[str], parent_pid: int | None, child: ChildProcess | None
    ) -> None:
        super().__init__(name="netwerkdag-worker-companion", daemon=True)
        self.worker_id, self.queues = worker_id, queues
        self.parent_pid = parent_pid
        self.child = child
        self.stopping = threading.Event()
        # The first beat already looks for lost tasks and daily jobs.
        self._last_reap, self._last_daily = -REAP_EVERY_S, -DAILY_EVERY_S

    def run(self) -> None:
        clock = 0.0
        while not self.stopping.wait(settings.NETWERKDAG_WORKER_BEAT_S):
            clock += settings.NETWERKDAG_WORKER_BEAT_S
            if self.parent_pid is not None and os.getppid() != self.parent_pid:
                log.warning("the process that started this worker is gone; stopping")
                os.kill(os.getpid(), signal.SIGTERM)
                return
            if self.child is not None:
                self.child.keep_running()
            try:
                beat = models.WorkerProcess.objects.filter(worker_id=self.worker_id)
                if not beat.update(beat_at=timezone.now()):  # its row was tidied away: back again
                    register(self.worker_id, self.queues)
                if clock - self._last_reap >= REAP_EVERY_S:
                    self._last_reap = clock
                    recover_lost()
                if clock - self._last_daily >= DAILY_EVERY_S:
                    self._last_daily = clock
                    for job in daily.tick():
                        log.info("daily job %s started", job)
            except DatabaseError as exc:  # the database is away for a moment: try again at the next beat
                log.warning("worker companion: %s", exc)
            finally:
                close_old_connections()


class ChildProcess:
    """The second worker process (the scheduling queue), started again whenever it stops."""

    def __init__(self, queues: Sequence[str]) -> None:
        self.queues = tuple(queues)
        self.process: subprocess.Popen[bytes] | None = None
        self.stopped = False

    def start(self) -> None:
        command = [sys.executable, "-m", "netwerkdag.cli", "worker", "--queue", ",".join(self.queues)]
        # The mail this process was told to send (without it the second would refuse to start with
        # --mail console and no mail server, and be started again at every beat).
        command += ["--mail", settings.MAIL, "--parent-pid", str(os.getpid())]
        self.process = subprocess.Popen(command)  # noqa: S603 - our own command, no shell

    def keep_running(self) -> None:
        if not self.stopped and self.process is not None and self.process.poll() is not None:
            log.warning(
                "the %s worker stopped (exit %s); starting it again", self.queues, self.process.returncode
            )
            self.start()

    def stop(self) -> None:
        self.stopped = True
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def run(queues: Sequence[str] | None = None, *, parent_pid: int | None = None, verbosity: int = 1) -> None:
    """Serve `queues` until stopped (SIGTERM or Ctrl+C end it after the task at hand). Without queues:
    the quick ones here, and the scheduling queue in a second process."""
    child = None
    if not queues:
        queues = QUICK_QUEUES
        child = ChildProcess(("scheduling",))
        child.start()
    worker_id = new_worker_id()
    register(worker_id, queues)
    companion = Companion(worker_id, queues, parent_pid, child)
    companion.start()
    log.info("worker %s serves %s", worker_id, ", ".join(queues))
    try:
        call_command(
            "db_worker",
            queue_name=",".join(queues),
            worker_id=worker_id,
            interval=0.5,
            reload=False,
            startup_delay=False,
            verbosity=verbosity,
        )
    finally:
        companion.stopping.set()
        if child is not None:
            child.stop()
        models.WorkerProcess.objects.filter(worker_id=worker_id).delete()
