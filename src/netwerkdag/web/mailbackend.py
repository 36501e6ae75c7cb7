"""Mail backends of our own: the console of the demo (and of `--mail console`), which shows each mail as
a person would read it (its text, the names of its attachments) instead of the raw MIME with a PDF in
base64; and the backend when no mail server is set up, which fails every mail with a reason the
organisers see on their page (`serve` and `worker` refuse to start this way unless told
`--mail console`)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class MailNotConfigured(Exception):
    pass


class NoMailServer(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[Any]) -> int:
        raise MailNotConfigured("no mail server is set up (EMAIL_HOST); nothing was sent")


class ReadableConsole(BaseEmailBackend):
    _lock = threading.Lock()

    def send_messages(self, email_messages: Sequence[Any]) -> int:
        with self._lock:
            for message in email_messages:
                lines = [
                    "-" * 79,
                    f"To: {', '.join(message.to)}",
                    f"Subject: {message.subject}",
                    f"Message-ID: {message.extra_headers.get('Message-ID', '')}",
                    "",
                    message.body.rstrip(),
                ]
                for name, content, mimetype in message.attachments:
                    size = len(content.encode() if isinstance(content, str) else content)
                    lines.append(f"[attachment: {name} ({mimetype}, {size:,} bytes)]")
                sys.stdout.write("\n".join(lines) + "\n")
            sys.stdout.flush()
        return len(email_messages)
