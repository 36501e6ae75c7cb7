"""netwerkdag's own deployment checks, run with Django's (`manage.py check --deploy`, and
`netwerkdag check-deploy`, which fails on any warning): what a secretariat must set before real people
get links, and files only this account may read.

Each message names the setting and what to do (docs/deploy.md has the whole setup).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

from netwerkdag.web.datadir import DIRECTORY_MODE, FILE_MODE, too_open


def _warn(id_: str, message: str, hint: str) -> CheckMessage:
    return Warning(message, hint=hint, id=f"netwerkdag.{id_}")


@register(Tags.security, deploy=True)
def check_addresses(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    found = []
    if not settings.BASE_URL.startswith("https://"):
        found.append(
            _warn(
                "W001",
                f"NETWERKDAG_BASE_URL is {settings.BASE_URL}: personal links would travel unencrypted",
                "set NETWERKDAG_BASE_URL=https://your.address and serve it behind a proxy with TLS",
            )
        )
    if not settings.SECURE:
        found.append(
            _warn(
                "W002",
                "NETWERKDAG_SECURE is not set",
                "set NETWERKDAG_SECURE=1 behind HTTPS (secure cookies, HSTS)",
            )
        )
    elif not settings.TRUSTED_PROXIES:
        found.append(
            _warn(
                "W003",
                "NETWERKDAG_TRUSTED_PROXIES is empty while serving behind HTTPS: every visitor would seem to "
                "come from the proxy's address, and one client's failed attempts would block all",
                "set NETWERKDAG_TRUSTED_PROXIES to the address of your reverse proxy (e.g. 127.0.0.1)",
            )
        )
    return found


@register(Tags.security, deploy=True)
def check_mail(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if getattr(settings, "EMAIL_HOST", "") and settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"):
        return []
    return [
        _warn(
            "W004",
            "no mail server is set: invitations and confirmations cannot be sent",
            "set EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD (and NETWERKDAG_FROM_EMAIL)",
        )
    ]


@register(Tags.security, deploy=True)
def check_secret_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if "DATABASE_URL" in os.environ and "NETWERKDAG_SECRET_KEY" not in os.environ:
        return [
            _warn(
                "W005",
                "with DATABASE_URL the app may run on several servers, but the signing key is generated "
                "into this server's data directory",
                "set the same NETWERKDAG_SECRET_KEY on every server and worker",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_file_modes(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    data: Path = settings.DATA_DIR
    found = []
    if too_open(data, DIRECTORY_MODE):
        found.append(
            _warn("W006", f"the data directory {data} can be read by other accounts", f"chmod 700 {data}")
        )
    files = [data / "secret_key"]
    sqlite = getattr(settings, "SQLITE_PATH", None)
    if sqlite is not None:
        path = Path(sqlite)
        files += [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    for path in files:
        if path.exists() and too_open(path, FILE_MODE):
            found.append(_warn("W007", f"{path} can be read by other accounts", f"chmod 600 {path}"))
    return found
