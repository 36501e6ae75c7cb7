"""`netwerkdag serve`, `netwerkdag demo` and `netwerkdag forget`: the web app from the command line."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from netwerkdag.cli.app import app, err, guarded, out
from netwerkdag.core.problems import NetwerkdagError, Problem

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
EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "g40-haarlem-2023"
DEMO_USER = "organisator"
DEMO_LINKS = 5
DEMO_OPEN_DAYS = 30


def _start(data_dir: Path | None, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Configure Django for this machine and migrate. Links are built from NETWERKDAG_BASE_URL, which
    defaults to the address served here."""
    os.environ.setdefault("NETWERKDAG_BASE_URL", f"http://{host}:{port}")
    from netwerkdag.web.server import configure, prepare

    def start() -> None:
        try:
            configure(str(data_dir) if data_dir is not None else None)
            prepare()
        except OSError as exc:  # the data directory cannot be made or written
            raise NetwerkdagError(
                Problem(
                    "cannot-start",
                    f"cannot use the data directory: {exc}",
                    (),
                    "choose a folder you can write to with --data-dir",
                )
            ) from None
        except Exception as exc:
            from django.db import DatabaseError

            if not isinstance(exc, DatabaseError):
                raise
            raise NetwerkdagError(
                Problem(
                    "database-unreachable",
                    "cannot use the database: " + " ".join(str(exc).split()),
                    (),
                    "check DATABASE_URL (postgres://user@host:5432/name), or unset it to use SQLite",
                )
            ) from None

    guarded(start)


@app.command()
def serve(
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    data_dir: DataDirOption = None,
    workers: Annotated[int | None, typer.Option("--workers", help="Worker processes.", min=1)] = None,
) -> None:
    """Serve the web app with a production server (gunicorn); the database is migrated first."""
    _start(data_dir, host, port)
    from netwerkdag.web.server import serve as run

    err.print(f"netwerkdag serves http://{host}:{port}/  (stop with Ctrl+C)")
    run(host, port, workers=workers)


@app.command()
def demo(
    port: PortOption = 8000,
    data_dir: DataDirOption = None,
    host: HostOption = "127.0.0.1",
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Set up the demo, then stop.")] = False,
) -> None:
    """Set up the Haarlem example (database, programme, population, an organiser, invitations) and serve
    it. Running it again updates the same data and duplicates nothing."""
    _start(data_dir, host, port)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from netwerkdag.files.dump import dump_event
    from netwerkdag.files.load import load_event
    from netwerkdag.web import models
    from netwerkdag.web.services import invitations, invitees, programme

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
    User = get_user_model()
    user = User.objects.filter(username=DEMO_USER).first()
    password = None
    if user is None:
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(DEMO_USER, password=password)
    models.Organiser.objects.get_or_create(event=event, user=user)
    base = settings.BASE_URL
    count = models.Invitee.objects.filter(event=event).count()
    out.print(
        f"{event.title}: programme version {version.number}, {count} invitees ({added} new), "
        f"database {settings.DATABASES['default']['NAME']}"
    )
    out.print(f"Programme:  {base}/{event.slug}/")
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

    err.print(f"netwerkdag serves {base}/  (stop with Ctrl+C)")
    run(host, port)


@app.command()
def forget(data_dir: DataDirOption = None) -> None:
    """Anonymise the invitees of events that ended more than the retention period ago (run daily)."""
    _start(data_dir)
    from django.conf import settings

    from netwerkdag.web.services.privacy import anonymise_past_events

    count = anonymise_past_events()
    out.print(
        f"{count} people anonymised (retention {settings.NETWERKDAG_RETENTION_DAYS} days after an event)"
    )
