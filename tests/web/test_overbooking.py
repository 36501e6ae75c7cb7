"""No seat is ever given twice: many people at once for the last seats of a session, against a real
server (gunicorn, several processes) on an SQLite file and on PostgreSQL. A control run with the lock
switched off must overbook, which shows that the test can fail."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from tests.web.live import Answer, Browser, LiveServer, csrf_token, live_server, postgres_database

SESSION = "pijler-sociaal"
CAPACITY = 40
LAST = 5
PEOPLE = 50


def race(server: LiveServer, forms: list[tuple[str, dict[str, str]]]) -> list[Answer]:
    """Each browser opens its page, then all submit at the same moment."""
    browsers = [Browser(server.url) for _ in forms]
    ready = []
    for browser, (path, form) in zip(browsers, forms, strict=True):
        page = browser.request(path)
        assert page.status == 200, page.body[:300]
        ready.append({**form, "csrfmiddlewaretoken": csrf_token(page.body)})
    answers: list[Answer | None] = [None] * len(forms)
    start = threading.Barrier(len(forms))

    def submit(i: int) -> None:
        start.wait()
        answers[i] = browsers[i].request(forms[i][0], ready[i])

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(len(forms))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(a is not None for a in answers)
    return [a for a in answers if a is not None]


@contextmanager
def day_on(backend: str, tmp: Path, **extra: str) -> Iterator[tuple[LiveServer, list[str], str]]:
    if backend == "postgresql":
        with postgres_database() as url, live_server(tmp, url, **extra) as server:
            yield _prepared(server)
    else:
        with live_server(tmp, None, **extra) as server:
            yield _prepared(server)


def _prepared(server: LiveServer) -> tuple[LiveServer, list[str], str]:
    setup = json.loads(server.run("setup", SESSION, str(CAPACITY), str(CAPACITY - LAST), str(PEOPLE)))
    return server, setup["tokens"], setup["slot"]


def _register_all(server: LiveServer, tokens: list[str], slot: str) -> list[Answer]:
    form = {"action": "save", "attending": "yes", slot: SESSION}
    return race(server, [(f"/uitnodiging/{t}/", form) for t in tokens])


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_exactly_the_last_seats_are_given(backend: str, tmp_path: Path) -> None:
    with day_on(backend, tmp_path) as (server, tokens, slot):
        answers = _register_all(server, tokens, slot)
        counts = json.loads(server.run("counts", SESSION))
        log = server.log.read_text()

    statuses = Counter(a.status for a in answers)
    assert statuses == {303: LAST, 409: PEOPLE - LAST}
    refused = [a.body for a in answers if a.status == 409]
    assert all("is vol" in body and "Op de wachtlijst" in body for body in refused)
    assert counts == {"capacity": CAPACITY, "taken": CAPACITY, "registrations": CAPACITY}
    assert "database is locked" not in log
    assert "Traceback" not in log


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_without_the_lock_the_same_race_overbooks(backend: str, tmp_path: Path) -> None:
    with day_on(backend, tmp_path, NETWERKDAG_SEAT_LOCK="0") as (server, tokens, slot):
        _register_all(server, tokens, slot)
        counts = json.loads(server.run("counts", SESSION))
    assert counts["registrations"] > CAPACITY


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_parallel_double_submits_hold_one_session_per_slot(backend: str, tmp_path: Path) -> None:
    """One person submits twenty different choices for the same round at once."""
    with day_on(backend, tmp_path) as (server, tokens, slot):
        choices = ["pijler-sociaal", "pijler-fysiek", "pijler-economie-werk"]
        forms = [
            (f"/uitnodiging/{tokens[0]}/", {"action": "save", "attending": "yes", slot: choices[i % 3]})
            for i in range(20)
        ]
        answers = race(server, forms)
        held = json.loads(server.run("slot-counts", slot))
        log = server.log.read_text()
    assert all(a.status < 500 for a in answers), log[-3000:]
    assert held["per_person"].count(1) == len(held["per_person"])  # nobody holds two
    assert held["taken"] == CAPACITY - LAST + 1  # the holders, and this one person once
    assert "Traceback" not in log
