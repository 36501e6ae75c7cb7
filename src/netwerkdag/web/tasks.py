"""The background tasks, run by `netwerkdag worker` (django-tasks, database backend). Each names the id
of a row that holds the work (a mail, a scheduler run) and calls the service that does it; a task's
arguments never hold personal data or a secret.

Queues: ``mail`` (mail, quick), ``scheduling`` (scheduler runs, up to minutes each) and ``default``
(the daily jobs), so that a long scheduler run never holds up a confirmation.

`recover` is what happens to a task whose worker stopped while running it (web/worker.py finds them).
"""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task(queue_name="mail")
def deliver_mail(mail_id: int) -> str:
    from netwerkdag.web.services import mail

    return mail.deliver(mail_id)


@task(queue_name="scheduling")
def run_scheduler(run_id: int) -> str:
    from netwerkdag.web.services import scheduling

    return scheduling.execute(run_id)


@task(queue_name="scheduling")
def run_allocation(run_id: int) -> str:
    from netwerkdag.web.services import allocation

    return allocation.execute(run_id)


@task(queue_name="scheduling")
def run_meetings(run_id: int) -> str:
    from netwerkdag.web.services import meetings

    return meetings.execute(run_id)


@task(queue_name="default")
def daily_job(job: str) -> str:
    from netwerkdag.web.services import daily

    return daily.run(job)


def recover(task_path: str, args: list[Any]) -> None:
    """Pick up the work of a task lost with its worker: a mail or a run is given to the service that
    knows its state; a daily job (which can run twice without harm) is queued again."""
    from netwerkdag.web.services import mail, scheduling

    if task_path == deliver_mail.module_path:
        mail.recover(int(args[0]))
    elif task_path == run_scheduler.module_path:
        scheduling.recover(int(args[0]))
    elif task_path == run_allocation.module_path:
        from netwerkdag.web.services import allocation

        allocation.recover(int(args[0]))
    elif task_path == run_meetings.module_path:
        from netwerkdag.web.services import meetings

        meetings.recover(int(args[0]))
    elif task_path == daily_job.module_path:
        daily_job.enqueue(str(args[0]))
