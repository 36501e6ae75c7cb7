"""The web app from the command line: `serve`, `worker`, `demo`, `forget`, `organiser`, `check-deploy`."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from netwerkdag.cli.common import EXIT_USER_ERROR, app, err, guarded, out, user_errors
from netwerkdag.core.problems import NetwerkdagError, Problem


class Mail(StrEnum):
    smtp = "smtp"
    console = "console"


HostOption = Annotated[str, typer.Option("--host", help="Address to listen on.")]
PortOption = Annotated[int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)]
DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Where the SQLite database and the secret key live (default: $NETWERKDAG_DATA_DIR or "
        "./netwerkdag-data). Ignored for the database when DATABASE_URL is set.",
        show_default=False,
    ),
]
MailOption = Annotated[
    Mail,
    typer.Option(
        "--mail",
        help="smtp: send through the mail server of EMAIL_HOST (required unless console). console: print "
        "every mail, personal links included, on the console: for trying out only.",
        case_sensitive=False,
    ),
]
EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "g40-haarlem-2023"
#: Four earlier, fictional days of the same network (tools/make_demo_history.py), for the reach pages.
HISTORY = EXAMPLE / "history"
DEMO_USER = "organisator"
DEMO_LINKS = 5
DEMO_OPEN_DAYS = 30
#: How long the demo keeps personal data after a day (its history is fictional; see `demo`).
DEMO_RETENTION_DAYS = 10 * 366

organiser_app = typer.Typer(help="Organiser accounts.", no_args_is_help=True)
app.add_typer(organiser_app, name="organiser")


def _problem(code: str, message: str, hint: str) -> NetwerkdagError:
    return NetwerkdagError(Problem(code, message, (), hint))


def _choose_mail(mail: Mail) -> None:
    """Tell the settings which mail this process may send; refuse SMTP without a mail server."""
    if mail is Mail.smtp and not os.environ.get("EMAIL_HOST"):
        with user_errors():
            raise _problem(
                "no-mail-server",
                "no mail server is set (EMAIL_HOST): invitations and confirmations could not be sent",
                "set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD), or pass "
                "--mail console to print every mail on the console (for trying out only)",
            )
    os.environ["NETWERKDAG_MAIL"] = mail.value


def start_web(
    data_dir: Path | None, host: str = "127.0.0.1", port: int = 8000, *, migrate: bool = True
) -> None:
    """Configure Django for this machine (and migrate). Links are built from NETWERKDAG_BASE_URL, which
    defaults to the address served here."""
    os.environ.setdefault("NETWERKDAG_BASE_URL", f"http://{host}:{port}")
    if data_dir is not None:
        os.environ["NETWERKDAG_DATA_DIR"] = str(data_dir)
    from netwerkdag.web.server import configure, prepare

    def start() -> None:
        from django.core.exceptions import ImproperlyConfigured

        try:
            configure()
            if migrate:
                prepare()
        except ImproperlyConfigured as exc:
            raise _problem("bad-setting", str(exc), "correct the setting in the environment") from None
        except OSError as exc:  # the data directory cannot be made or written
            raise _problem(
                "cannot-start",
                f"cannot use the data directory: {exc}",
                "choose a folder you can write to with --data-dir",
            ) from None
        except Exception as exc:
            from django.db import DatabaseError

            if not isinstance(exc, DatabaseError):
                raise
            raise _problem(
                "database-unreachable",
                "cannot use the database: " + " ".join(str(exc).split()),
                "check DATABASE_URL (postgres://user@host:5432/name), or unset it to use SQLite",
            ) from None

    guarded(start)


@app.command()
def serve(
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    data_dir: DataDirOption = None,
    workers: Annotated[int | None, typer.Option("--workers", help="Worker processes.", min=1)] = None,
    mail: MailOption = Mail.smtp,
) -> None:
    """Serve the web app with a production server (gunicorn); the database is migrated first. Mail and
    scheduler runs are done by `netwerkdag worker`, which must run beside it."""
    _choose_mail(mail)
    start_web(data_dir, host, port)
    from netwerkdag.web.server import serve as run

    err.print(f"netwerkdag serves http://{host}:{port}/  (stop with Ctrl+C)")
    run(host, port, workers=workers)


@app.command()
def worker(
    data_dir: DataDirOption = None,
    queue: Annotated[
        str | None,
        typer.Option(
            "--queue",
            help="Serve only these queues (comma separated: mail, default, scheduling). Without it, this "
            "process serves mail and default and starts a second one for scheduling.",
            show_default=False,
        ),
    ] = None,
    mail: MailOption = Mail.smtp,
    parent_pid: Annotated[int | None, typer.Option("--parent-pid", hidden=True)] = None,
) -> None:
    """Run the background work: mail, scheduler runs, the daily jobs (forget, reminders). Run one or more
    beside `serve`, on any machine that reaches the database; stop with Ctrl+C (after the task at hand)."""
    queues = [q.strip() for q in queue.split(",") if q.strip()] if queue else []
    _choose_mail(mail)
    start_web(data_dir, migrate=parent_pid is None)
    from netwerkdag.web.worker import ALL_QUEUES, run

    unknown = [q for q in queues if q not in ALL_QUEUES]
    if unknown:
        with user_errors():
            raise _problem("unknown-queue", f"unknown queue {unknown[0]}", "use: " + ", ".join(ALL_QUEUES))

    err.print(f"netwerkdag worker: {', '.join(queues) if queues else 'every queue'}  (stop with Ctrl+C)")
    run(queues, parent_pid=parent_pid)


def _spawn_worker(data_dir: Path | None) -> subprocess.Popen[bytes]:
    """A worker beside the demo's server (it stops when the demo does)."""
    command = [sys.executable, "-m", "netwerkdag.cli", "worker", "--mail", "console"]
    command += ["--parent-pid", str(os.getpid())]
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    return subprocess.Popen(command)  # noqa: S603 - our own command, no shell


@app.command()
def demo(
    port: PortOption = 8000,
    data_dir: DataDirOption = None,
    host: HostOption = "127.0.0.1",
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Set up the demo, then stop.")] = False,
) -> None:
    """Set up the Haarlem example (database, programme, population, an organiser, invitations), with four
    earlier fictional days of the same network before it (registrations, check-ins, feedback), and serve
    it with a worker; mail is printed on the console. Running it again updates the same data and
    duplicates nothing."""
    _choose_mail(Mail.console)
    # The history's days ended years ago: with the usual 90 days the worker's daily `forget` would
    # anonymise them at once. Their people are fictional; the demo keeps them (unless told otherwise) so
    # that the reach pages can tell newcomers from returners.
    os.environ.setdefault("NETWERKDAG_RETENTION_DAYS", str(DEMO_RETENTION_DAYS))
    start_web(data_dir, host, port)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from netwerkdag.files.dump import dump_event
    from netwerkdag.files.load import load_event
    from netwerkdag.web import models
    from netwerkdag.web.services import history, invitations, invitees, programme

    User = get_user_model()
    user = User.objects.filter(username=DEMO_USER).first()
    password = None
    if user is None:
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(DEMO_USER, password=password)
    for day in guarded(lambda: history.load_history(HISTORY)):
        models.Organiser.objects.get_or_create(event=day, user=user)
        present = models.Invitee.objects.filter(event=day, checked_in_at__isnull=False).count()
        out.print(f"{day.title} {timezone.localdate(day.starts_at).isoformat()}: {present} aanwezig")
    core = guarded(lambda: load_event(EXAMPLE))
    event = guarded(lambda: programme.import_event(dump_event(core), "event.yaml"))
    version = programme.publish(event)
    if event.registration_deadline is None or event.registration_deadline < timezone.now():
        # The example took place in 2023; the demo keeps registration open as for a rehearsal.
        event.registration_deadline = timezone.now() + timedelta(days=DEMO_OPEN_DAYS)
        event.save(update_fields=["registration_deadline"])
    added = invitees.invitees_from_network(event, core)
    with transaction.atomic():
        for person in models.Invitee.objects.filter(event=event, email="").exclude(person_id=""):
            person.email = f"{person.person_id}@example.invalid"  # fictional: the demo mails to the console
            person.save(update_fields=["email"])
    models.Organiser.objects.get_or_create(event=event, user=user)
    base = settings.BASE_URL
    count = models.Invitee.objects.filter(event=event).count()
    out.print(
        f"{event.title}: programme version {version.number}, {count} invitees ({added} new), "
        f"database {settings.DATABASES['default']['NAME']}"
    )
    out.print(f"Programme:  {base}/{event.slug}/")
    out.print(
        f"Reach:      {base}/organisatie/bereik/  (the four earlier days; personal data kept "
        f"{settings.NETWERKDAG_RETENTION_DAYS} days in the demo)"
    )
    out.print(f"Organiser:  {base}/organisatie/  user '{DEMO_USER}'", end="")
    out.print(f", password '{password}' (shown once)" if password else " (password shown at the first run)")
    out.print("Invitation links (new each run; earlier demo links stop working):")
    people = models.Invitee.objects.filter(event=event, role="wethouder").order_by("person_id")[:DEMO_LINKS]
    if not people:
        people = models.Invitee.objects.filter(event=event).order_by("person_id")[:DEMO_LINKS]
    for person in people:
        token = invitations.invite(person)
        link = invitations.link(token)
        out.print(f"  {person.name} ({person.organisation}): {link}")
    if no_serve:
        return
    from netwerkdag.web.server import serve as run

    background = _spawn_worker(data_dir)
    err.print(f"netwerkdag serves {base}/ with a worker; mail appears here  (stop with Ctrl+C)")
    try:
        run(host, port)
    finally:
        background.send_signal(signal.SIGTERM)
        background.wait(timeout=60)


@app.command()
def forget(data_dir: DataDirOption = None) -> None:
    """Delete past events' dietary and accessibility wishes, and anonymise the invitees of events that
    ended more than the retention period ago. A worker does this daily by itself."""
    start_web(data_dir)
    from django.conf import settings

    from netwerkdag.web.services.privacy import anonymise_past_events, delete_wishes_of_past_events

    wishes = delete_wishes_of_past_events()
    count = anonymise_past_events()
    out.print(
        f"wishes deleted for {wishes} people; {count} people anonymised "
        f"(retention {settings.NETWERKDAG_RETENTION_DAYS} days after an event)"
    )


@app.command("check-deploy")
def check_deploy(data_dir: DataDirOption = None) -> None:
    """Check the settings for production: Django's deployment checks and netwerkdag's (an https address,
    a mail server, trusted proxies behind HTTPS, private files, a worker running). Exit 1 with each
    problem and what to do."""
    start_web(data_dir, migrate=False)
    from django.core.checks import WARNING, run_checks

    from netwerkdag.web.services.workers import live_workers

    found = [
        m for m in run_checks(include_deployment_checks=True) if m.level >= WARNING and not m.is_silenced()
    ]
    lines = [f"{m.id}: {m.msg}" + (f"\n    → {m.hint}" if m.hint else "") for m in found]
    if not _migrated():
        lines.append(
            "netwerkdag.W008: the database is not up to date\n    → run netwerkdag serve once, or migrate"
        )
    elif not live_workers():
        lines.append(
            "netwerkdag.W009: no worker is running: mail and scheduler runs would wait\n"
            "    → start netwerkdag worker (docs/deploy.md has a systemd unit)"
        )
    for line in lines:
        err.print(line)
    if lines:
        raise typer.Exit(EXIT_USER_ERROR)
    out.print("check-deploy: no problems found")


def _migrated() -> bool:
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        return not executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return False


EventOption = Annotated[
    str | None,
    typer.Option("--event", help="The slug of an event the account organises.", show_default=False),
]
PrintLinkOption = Annotated[
    bool,
    typer.Option(
        "--print-link",
        help="Print the one-time link to set the password here (once), instead of mailing it.",
    ),
]


@organiser_app.command("add")
def organiser_add(
    email: Annotated[str, typer.Argument(help="The organiser's e-mail address (also the log-in name).")],
    event: EventOption = None,
    may_add_events: Annotated[
        bool, typer.Option("--may-add-events", help="The account may import new events.")
    ] = False,
    print_link: PrintLinkOption = False,
    data_dir: DataDirOption = None,
) -> None:
    """Make an organiser account (or give an existing one an event) and send it a link to set its password."""
    start_web(data_dir)
    from netwerkdag.web import models
    from netwerkdag.web.services import accounts

    def add() -> None:
        found = None
        if event is not None:
            found = models.Event.objects.filter(slug=event).first()
            if found is None:
                slugs = ", ".join(models.Event.objects.values_list("slug", flat=True)[:20]) or "none yet"
                raise _problem("unknown-event", f"there is no event '{event}'", f"use one of: {slugs}")
        try:
            user, created = accounts.add_organiser(
                email, found, may_add_events=may_add_events, send_link=not print_link
            )
        except accounts.AccountProblem as problem:
            raise _problem("bad-account", str(problem), "give the organiser's e-mail address") from None
        what = "made" if created else "already there"
        out.print(f"account {user.email}: {what}" + (f"; organises {found.slug}" if found else ""))
        if print_link:
            out.print(f"link to set the password (works once): {accounts.password_link(user.email)}")
        elif created:
            out.print("a link to set the password is being mailed (by netwerkdag worker)")

    guarded(add)


@organiser_app.command("reset-password")
def organiser_reset_password(
    email: Annotated[str, typer.Argument(help="The organiser's e-mail address or log-in name.")],
    print_link: PrintLinkOption = False,
    data_dir: DataDirOption = None,
) -> None:
    """Send an organiser a one-time link to set a new password (or print it with --print-link)."""
    start_web(data_dir)
    from netwerkdag.web.services import accounts

    def reset() -> None:
        try:
            if print_link:
                out.print(f"link to set the password (works once): {accounts.password_link(email)}")
            else:
                user = accounts.send_password_link(email)
                out.print(
                    f"a link to set the password is being mailed to {user.email} (by netwerkdag worker)"
                )
        except accounts.AccountProblem as problem:
            raise _problem(
                "no-account", str(problem), "check the address, or add the account first"
            ) from None

    guarded(reset)
