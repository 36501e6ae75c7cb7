"""The production server: gunicorn with threaded workers, started from Python (never `runserver`).

Workers are processes that share nothing but the database, so the same setup runs behind a load balancer
on several machines. `prepare` migrates the database first, once, before the workers start.
"""

from __future__ import annotations

import os
from typing import Any

from gunicorn.app.base import BaseApplication


def configure() -> None:
    """Point Django at our settings and start it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netwerkdag.web.settings")
    import django

    django.setup()


def prepare() -> None:
    """Create or update the database tables."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


class Server(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from netwerkdag.web.wsgi import application

        return application


def default_workers() -> int:
    return max(2, min(os.cpu_count() or 2, 8))


def serve(host: str, port: int, *, workers: int | None = None, threads: int = 8, quiet: bool = False) -> None:
    options = {
        "bind": f"{host}:{port}",
        "workers": workers or default_workers(),
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 60,
        "graceful_timeout": 10,
        "accesslog": None if quiet else "-",
        "errorlog": "-",
        # Every access-log value and error message without personal links (web/logs.py).
        "logger_class": "netwerkdag.web.logs.AccessLogger",
        "loglevel": "warning",
        "proc_name": "netwerkdag",
        "preload_app": True,
    }
    Server(options).run()
