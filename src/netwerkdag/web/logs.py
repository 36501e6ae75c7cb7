"""Logs without secrets: a personal link's token or a password link never reaches a log line, an access
log or an error mail. Each is replaced by ``[redacted]`` wherever it would appear (the request line, the
path, the referrer, a message, an error mail's request report).

A forged Host header and other client mistakes that Django reports as security events are logged as one
line, without the traceback that says nothing about our code.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.utils.log import AdminEmailHandler as DjangoAdminEmailHandler
from gunicorn.glogging import Logger as GunicornLogger

REDACTED = "[redacted]"
#: The addresses that carry a secret, and the part of each that is the secret. A slash may arrive
#: percent-encoded (the address still reaches the same page), or encoded once or twice inside another
#: address (a link wrapper's, in a Referer); a segment runs to the next slash, written or encoded, and
#: takes in any other percent sign (an escaped letter is decoded by the server into the same token).
_SLASH = r"(?:/|%(?:25)?2[fF])"
_SEGMENT = r"(?:[^/%\s\"'?#&]|%(?!(?:25)?2[fF]))+"
SECRET_ADDRESSES = (
    re.compile(rf"({_SLASH}uitnodiging{_SLASH}+){_SEGMENT}"),
    re.compile(rf"({_SLASH}organisatie{_SLASH}wachtwoord{_SLASH}{_SEGMENT}{_SLASH}){_SEGMENT}"),
)


def redact(text: str) -> str:
    for pattern in SECRET_ADDRESSES:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    return text


class RedactSecrets(logging.Filter):
    """Rewrites a record's message (and the exception text a handler would print) without secrets."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = redact(message), ()
        if record.name.startswith("django.security"):
            # A client's mistake (a forged Host, a bad session cookie): one line, no traceback.
            record.exc_info, record.exc_text = None, None
        elif record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


class AdminEmailHandler(DjangoAdminEmailHandler):
    """Django's error mail (only sent when ADMINS is set), with the request report redacted too."""

    def send_mail(self, subject: str, message: str, *args: Any, **kwargs: Any) -> None:
        html = kwargs.pop("html_message", None)
        super().send_mail(
            redact(subject), redact(message), *args, html_message=html and redact(html), **kwargs
        )


class AccessLogger(GunicornLogger):
    """gunicorn's logger with every value of an access-log line, and every error-log message, redacted."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        self.error_log.addFilter(RedactSecrets())

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        found = super().atoms(resp, req, environ, request_time)
        return {k: redact(v) if isinstance(v, str) else v for k, v in found.items()}
