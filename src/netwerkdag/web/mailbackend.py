"""The mail backend when no mail server is set up: every mail fails with a reason the organisers see on
their page (and `serve` and `worker` refuse to start this way unless told `--mail console`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class MailNotConfigured(Exception):
    pass


class NoMailServer(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[Any]) -> int:
        raise MailNotConfigured("no mail server is set up (EMAIL_HOST); nothing was sent")
