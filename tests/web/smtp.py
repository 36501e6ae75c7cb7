"""A mail server on loopback for the tests and the web benchmark (aiosmtpd): it keeps every message it
accepted, in order, and can be told how to answer the next DATA commands (a temporary 451, a refusal
550) or to stall before it answers, as a real server may.

    with Sink() as sink:
        env = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(sink.port), "EMAIL_USE_TLS": "0"}
        ...
        sink.wait_for(3)
        assert len(sink.message_ids()) == 3
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Received:
    to: list[str]
    data: bytes
    at: float

    @property
    def message(self) -> Message:
        return message_from_bytes(self.data)


@dataclass
class _Handler:
    received: list[Received] = field(default_factory=list)
    #: Answers for the next DATA commands, first first; "250" (accept) once they are used up.
    answers: list[str] = field(default_factory=list)
    #: Seconds to wait before answering a DATA command (the message counts as accepted only after).
    stall_s: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    stalling: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import asyncio

        with self.lock:
            answer = self.answers.pop(0) if self.answers else "250 OK"
        if self.stall_s:
            self.stalling.set()
            await asyncio.sleep(self.stall_s)
        if answer.startswith("250"):
            with self.lock:
                self.received.append(Received(list(envelope.rcpt_tos), bytes(envelope.content), time.time()))
        return answer


class Sink:
    def __init__(self) -> None:
        from tests.web.live import free_port

        self.handler = _Handler()
        self._port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self._port)

    def __enter__(self) -> Sink:
        self.controller.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.controller.stop()

    @property
    def port(self) -> int:
        return self._port

    def env(self) -> dict[str, str]:
        """The settings that point netwerkdag at this server."""
        return {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(self.port), "EMAIL_USE_TLS": "0"}

    def answer(self, *answers: str) -> None:
        with self.handler.lock:
            self.handler.answers.extend(answers)

    def stall(self, seconds: float) -> None:
        self.handler.stall_s = seconds

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def message_ids(self) -> Counter[str]:
        """How often each Message-ID arrived."""
        return Counter(str(r.message["Message-ID"]) for r in self.received)

    def wait_for(self, count: int, timeout_s: float = 60) -> list[Received]:
        """Wait until `count` messages arrived (fails after `timeout_s`)."""
        deadline = time.monotonic() + timeout_s
        while len(self.received) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.received)} of {count} mails arrived in {timeout_s} s")
            time.sleep(0.1)
        return self.received
