"""Run for real: behind a proxy, against hostile input, with secrets kept out of the logs.

The client's address is read from X-Forwarded-For only behind a proxy we trust; guessing links and
passwords is held to its limit however many requests arrive at once (a real server on SQLite and on
PostgreSQL, "behind" a proxy at 127.0.0.1); large bodies are refused before they are read; no token reaches
a log; the data files are private; someone who declined takes no seat; foreign ids are 404; and `serve`
refuses to start without a mail server.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import partial
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from tests.web.conftest import MakeInvitee, seats_of, set_capacity
from tests.web.live import LiveServer, live_server, postgres_database
from tests.web.smtp import Received, Sink

from netwerkdag.web import models
from netwerkdag.web.client import client_address, parse_networks
from netwerkdag.web.logs import redact
from netwerkdag.web.services import programme

# One worker runs this module (make test: --dist loadgroup): its live servers are set up once.
pytestmark = pytest.mark.xdist_group("test_hostile")
SLUG = "g40-haarlem-2023"
SESSION = "pijler-sociaal"
PASSWORD = "een-lang-wachtwoord-42"  # noqa: S105 - the test organiser's
TOKEN_ATTEMPTS, LOGIN_ATTEMPTS = 20, 10  # the defaults of NETWERKDAG_TOKEN_ATTEMPTS, _LOGIN_ATTEMPTS
LOGIN = "/organisatie/login/"
ADMIN_LOGIN = "/beheer/login/"


def _link(token: str, page: str = "") -> str:
    """The address of a personal link (or of one of its pages)."""
    return f"/uitnodiging/{token}/{page}"


# --- 1. the client's address ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "peer", "forwarded", "client"),
    [
        pytest.param("", "203.0.113.7", "198.51.100.9", "203.0.113.7", id="no-proxies-header-ignored"),
        pytest.param("10.0.0.1", "10.0.0.1", "198.51.100.9", "198.51.100.9", id="trusted-peer"),
        pytest.param("10.0.0.1", "10.0.0.1", "192.0.2.66, 198.51.100.9", "198.51.100.9", id="forged-left"),
        pytest.param(
            "10.0.0.1", "10.0.0.1", "10.0.0.1, 198.51.100.9", "198.51.100.9", id="forged-proxy-left"
        ),
        pytest.param(
            "10.0.0.0/8", "10.0.0.1", "192.0.2.66, 198.51.100.9, 10.1.2.3", "198.51.100.9", id="proxy-chain"
        ),
        pytest.param("10.0.0.1", "203.0.113.7", "198.51.100.9", "203.0.113.7", id="untrusted-peer"),
        pytest.param("10.0.0.1", "10.0.0.2", "198.51.100.9", "10.0.0.2", id="neighbour-of-proxy"),
        pytest.param("10.0.0.0/30", "10.0.0.4", "198.51.100.9", "10.0.0.4", id="outside-network"),
        pytest.param(
            "2001:db8::/32",
            "2001:db8::1",
            "192.0.2.66, 2a00:1450::7, 2001:db8:ff::2",
            "2a00:1450::7",
            id="ipv6",
        ),
        pytest.param(
            "2001:db8::/32", "2001:db8::1", "198.51.100.9", "198.51.100.9", id="ipv6-proxy-ipv4-client"
        ),
        pytest.param("10.0.0.0/8", "::ffff:10.0.0.1", "198.51.100.9", "198.51.100.9", id="ipv4-mapped-peer"),
        pytest.param("10.0.0.1", "10.0.0.1", "2A00:1450:0:0::7", "2a00:1450::7", id="ipv6-normalised"),
        pytest.param("10.0.0.1", "10.0.0.1", "<script>, 198.51.100.9 ", "198.51.100.9", id="garbage-left"),
        # Only our proxy writes the right end: garbage there stops the walk at the proxy.
        pytest.param("10.0.0.1", "10.0.0.1", "198.51.100.9, garbage", "10.0.0.1", id="garbage-right"),
        pytest.param("10.0.0.1", "10.0.0.1", "999.1.1.1", "10.0.0.1", id="not-an-address"),
        pytest.param("10.0.0.1", "10.0.0.1", "", "10.0.0.1", id="empty-header"),
        pytest.param("10.0.0.1", "10.0.0.1", None, "10.0.0.1", id="no-header"),
        pytest.param("10.0.0.1", "", "198.51.100.9", "unknown", id="no-peer"),
        pytest.param("10.0.0.1", "10.0.0.1", "198.51.100.9:4711", "198.51.100.9", id="hop-with-port"),
        pytest.param("10.0.0.1", "10.0.0.1", "[2001:db8::7]:443", "2001:db8::7", id="ipv6-hop-with-port"),
    ],
)
def test_the_client_address(
    proxies: str, peer: str, forwarded: str | None, client: str, settings: Any
) -> None:
    settings.TRUSTED_PROXIES = parse_networks(proxies)
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    request = RequestFactory().get("/", REMOTE_ADDR=peer, **headers)
    assert client_address(request) == client


def test_limits_count_an_ipv6_client_by_its_64_network(settings: Any) -> None:
    """One subscriber holds a whole /64: walking through its addresses must not escape a limit."""
    from netwerkdag.web.client import client_key

    settings.TRUSTED_PROXIES = ()
    one = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2::7")
    other = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    elsewhere = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:3::7")
    assert client_key(one) == client_key(other) == "2001:db8:1:2::/64"
    assert client_key(elsewhere) != client_key(one)
    assert client_key(RequestFactory().get("/", REMOTE_ADDR="198.51.100.9")) == "198.51.100.9"


def test_a_trusted_proxy_setting_that_is_not_an_address_is_refused() -> None:
    with pytest.raises(ValueError, match=r"'proxy\.example' is not an address"):
        parse_networks("10.0.0.1, proxy.example")


# --- 2. guessing links and passwords, against a real server behind a "proxy" at 127.0.0.1 ------------------


@dataclass
class Answer:
    status: int
    body: str
    headers: dict[str, str]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Visitor:
    """One browser behind the proxy: its own cookies and address (X-Forwarded-For), no redirects followed."""

    def __init__(self, base: str, address: str | None = None) -> None:
        self.base, self.address = base, address
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken" and c.value)

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        return self._open(path, None, headers or {})

    def post(self, path: str, form: dict[str, str], *, csrf: bool = True) -> Answer:
        data = {**form, "csrfmiddlewaretoken": self.csrf()} if csrf else form
        return self._open(path, urllib.parse.urlencode(data).encode(), {"Referer": self.base + path})

    def _open(self, path: str, data: bytes | None, headers: dict[str, str]) -> Answer:
        if self.address:
            headers = {"X-Forwarded-For": self.address, **headers}
        request = urllib.request.Request(self.base + path, data=data, headers=headers)  # noqa: S310 - loopback
        try:
            with self.opener.open(request, timeout=60) as response:
                return Answer(
                    response.status, response.read().decode(errors="replace"), dict(response.headers)
                )
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read().decode(errors="replace"), dict(error.headers))


def at_once(calls: Sequence[Callable[[], Answer]]) -> list[Answer]:
    """Run every call in a thread of its own, all released at the same moment."""
    start = threading.Barrier(len(calls))
    answers: list[Answer | None] = [None] * len(calls)

    def run(i: int) -> None:
        start.wait(timeout=60)
        answers[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(t.is_alive() for t in threads), "a request did not finish"
    return [a for a in answers if a is not None]


def guess() -> str:
    return secrets.token_urlsafe(32)


@dataclass
class Limited:
    server: LiveServer
    tokens: list[str]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def limited(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Limited]:
    """A live server behind a trusted proxy (127.0.0.1) with two invitees and an organiser; the tests that
    share it each play clients of their own addresses, so their windows never meet."""
    with ExitStack() as stack:
        url = stack.enter_context(postgres_database()) if request.param == "postgresql" else None
        tmp = tmp_path_factory.mktemp(request.param)
        server = stack.enter_context(live_server(tmp, url, NETWERKDAG_TRUSTED_PROXIES="127.0.0.1"))
        tokens = json.loads(server.run("setup", SESSION, "40", "0", "2"))["tokens"]
        server.run("organiser", "olga", PASSWORD)
        yield Limited(server, tokens)
        assert "Traceback" not in server.log.read_text()


def test_a_client_guessing_links_is_stopped_and_nobody_else(limited: Limited) -> None:
    a = Visitor(limited.server.url, "203.0.113.7")
    answers = [a.get(_link(guess())) for _ in range(25)]
    assert [x.status for x in answers] == [404] * TOKEN_ATTEMPTS + [429] * 5
    assert answers[-1].headers["Retry-After"] == "600"
    assert Visitor(limited.server.url, "198.51.100.9").get(_link(limited.tokens[0])).status == 200
    assert a.get(_link(limited.tokens[1])).status == 429  # A has used up its window


def test_parallel_guesses_are_held_to_the_limit(limited: Limited) -> None:
    calls = [partial(Visitor(limited.server.url, "192.0.2.15").get, _link(guess())) for _ in range(150)]
    statuses = Counter(a.status for a in at_once(calls))
    assert statuses == {404: TOKEN_ATTEMPTS, 429: 150 - TOKEN_ATTEMPTS}


def test_parallel_wrong_passwords_make_ten_guesses(limited: Limited) -> None:
    visitors = [Visitor(limited.server.url, "192.0.2.25") for _ in range(40)]
    assert all(v.get(LOGIN).status == 200 for v in visitors)
    forms = [{"username": "olga", "password": f"fout-{i}"} for i in range(40)]
    answers = at_once([partial(v.post, LOGIN, f) for v, f in zip(visitors, forms, strict=True)])
    assert Counter(a.status for a in answers) == {200: LOGIN_ATTEMPTS, 429: 40 - LOGIN_ATTEMPTS}
    assert all('name="password"' in a.body for a in answers if a.status == 200)  # the form again: a try
    right = {"username": "olga", "password": PASSWORD}
    other = Visitor(limited.server.url, "198.51.100.25")
    other.get(LOGIN)
    assert other.post(LOGIN, right).status == 302
    same = visitors[0]
    assert same.post(LOGIN, right).status == 429  # the guesser's window is full, even for the password


def test_the_admin_log_in_is_limited_too(limited: Limited) -> None:
    admin = Visitor(limited.server.url, "192.0.2.35")
    assert admin.get(ADMIN_LOGIN).status == 200
    statuses = [
        admin.post(ADMIN_LOGIN, {"username": "olga", "password": f"fout-{i}", "next": "/beheer/"}).status
        for i in range(LOGIN_ATTEMPTS + 1)
    ]
    assert statuses == [200] * LOGIN_ATTEMPTS + [429]


def test_log_ins_that_succeed_are_given_back(db: None, settings: Any) -> None:
    """In process, with a fast hasher: a log-in that succeeds gives its place in the window back."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User.objects.create_user("olga", password=PASSWORD)

    def log_in(password: str) -> int:
        response = Client(REMOTE_ADDR="192.0.2.44").post(LOGIN, {"username": "olga", "password": password})
        return int(response.status_code)

    assert [log_in(PASSWORD) for _ in range(LOGIN_ATTEMPTS + 2)] == [302] * (LOGIN_ATTEMPTS + 2)
    assert [log_in("fout") for _ in range(LOGIN_ATTEMPTS + 1)] == [200] * LOGIN_ATTEMPTS + [429]


# --- 3. request bodies ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["application/x-www-form-urlencoded", "multipart/form-data; boundary=b"])
def test_a_huge_announced_body_is_refused_before_it_is_sent(limited: Limited, kind: str) -> None:
    host, port = urllib.parse.urlsplit(limited.server.url).netloc.split(":")
    visitor = Visitor(limited.server.url, "192.0.2.45")
    visitor.get(LOGIN)  # with the CSRF cookie, Django's CSRF check would read the form (the body)
    head = (
        f"POST {LOGIN} HTTP/1.1\r\nHost: {host}:{port}\r\nX-Forwarded-For: 192.0.2.45\r\n"
        f"Cookie: csrftoken={visitor.csrf()}\r\n"
        f"Content-Type: {kind}\r\nContent-Length: {300 * 1024 * 1024}\r\n\r\n"
    )
    answer = b""
    # A server that waited for the body would never answer: the socket's timeout fails the test.
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(head.encode() + b"--b\r\nContent-Disposition: form-data; name=")
        while b"\r\n\r\n" not in answer:
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]


def test_organisers_upload_large_files_and_strangers_send_small_forms(
    day: models.Event, organiser: Client, client: Client, haarlem_text: str
) -> None:
    padding = "".join(f"# {'x' * 1000}\n" for _ in range(1100))  # over 1 MB: more than a plain form takes
    upload = SimpleUploadedFile("event.yaml", (haarlem_text + padding).encode())
    response = organiser.post(f"/organisatie/{SLUG}/event-file/", {"file": upload})
    assert response.status_code == 303
    assert models.AuditEntry.objects.filter(action="import-event").exists()  # imported, not just answered
    # The same organiser's form of that size to a page without an upload is too large.
    assert organiser.post(f"/organisatie/{SLUG}/deadline/", {"deadline": padding}).status_code == 413
    response = client.post(LOGIN, {"username": "x" * 100_000, "password": "y"})
    assert response.status_code == 413
    assert "Te groot" in response.content.decode()
    assert not models.RateLimit.objects.exists()  # the log-in view never ran


# --- 4 and 5. secrets out of the logs; private files ------------------------------------------------------

INVITATION = re.compile(r"/uitnodiging/([A-Za-z0-9_-]{20,})/")
#: The pages of a personal link.
PAGES = ("", "programma.ics", "programma.pdf", "mijn-gegevens.json")
PASSWORD_LINK = re.compile(r"/organisatie/wachtwoord/([A-Za-z0-9_-]+)/([A-Za-z0-9]+-[A-Za-z0-9]+)/")
#: The data directory (".") and the files in it that hold personal data or the key, with their modes.
PRIVATE = {
    ".": 0o700,
    "netwerkdag.sqlite3": 0o600,
    "netwerkdag.sqlite3-wal": 0o600,
    "netwerkdag.sqlite3-shm": 0o600,
    "secret_key": 0o600,
}


@dataclass
class Logged:
    secrets: set[str] = field(default_factory=set)
    statuses: dict[str, int] = field(default_factory=dict)
    modes: dict[str, int] = field(default_factory=dict)
    server_log: str = ""
    worker_log: str = ""


SAMPLE = "AbCdEf_-0123456789abcdefghijklmnopqrstuvwxy"  # a token's shape: 43 URL-safe characters


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        (
            f'"GET /uitnodiging/{SAMPLE}/programma.pdf HTTP/1.1" 200',
            '"GET /uitnodiging/[redacted]/programma.pdf',
        ),
        (f"GET /uitnodiging%2F{SAMPLE}/ HTTP/1.1", "GET /uitnodiging%2F[redacted]/ HTTP/1.1"),
        (f"GET /uitnodiging//{SAMPLE}/ HTTP/1.1", "GET /uitnodiging//[redacted]/ HTTP/1.1"),
        (f"GET /uitnodiging/{SAMPLE[:5]}%66{SAMPLE[6:]}/ HTTP/1.1", "GET /uitnodiging/[redacted]/ HTTP/1.1"),
        (
            f"?url=https%3A%2F%2Fh%2Fuitnodiging%2F{SAMPLE}%2F&x=1",
            "?url=https%3A%2F%2Fh%2Fuitnodiging%2F[redacted]%2F&x=1",
        ),
        (f"?u=h%252Fuitnodiging%252F{SAMPLE}%252F", "?u=h%252Fuitnodiging%252F[redacted]%252F"),
        (f"Not Found: /uitnodiging/{SAMPLE}?lang=en", "Not Found: /uitnodiging/[redacted]?lang=en"),
        (f"/organisatie/wachtwoord/MQ/{SAMPLE[:30]}-x/ x", "/organisatie/wachtwoord/MQ/[redacted]/ x"),
        (
            f"/organisatie%2Fwachtwoord%2FMQ%2F{SAMPLE[:30]}%2F",
            "/organisatie%2Fwachtwoord%2FMQ%2F[redacted]%2F",
        ),
    ],
)
def test_redact(line: str, kept: str) -> None:
    """Each way a secret address is written in a log line (the server decodes the first four to the page)."""
    assert redact(line).startswith(kept)


def _mail_texts(received: list[Received]) -> str:
    texts = []
    for mail in received:
        for part in mail.message.walk():
            if part.get_content_maintype() == "text":
                payload = part.get_payload(decode=True)
                assert isinstance(payload, bytes)
                texts.append(payload.decode(part.get_content_charset() or "utf-8"))
    return "\n".join(texts)


def _set_password(visitor: Visitor, link: tuple[str, str], found: Logged, name: str) -> None:
    """Open a set-password link (Django moves its token into the session and redirects); set the password."""
    uid, token = link
    first = visitor.get(f"/organisatie/wachtwoord/{uid}/{token}/")
    found.statuses[f"{name} link"] = first.status
    form = urllib.parse.urlsplit(first.headers.get("Location", "/")).path
    found.statuses[f"{name} form"] = visitor.get(form).status
    new = {"new_password1": "nog-een-lang-wachtwoord-7", "new_password2": "nog-een-lang-wachtwoord-7"}
    found.statuses[f"{name} set"] = visitor.post(form, new).status


def _open_pages(visitor: Visitor, tokens: list[str], found: Logged) -> None:
    """Every page of the first link, the first page of the others."""
    paths = [_link(tokens[0], suffix) for suffix in PAGES[1:]]
    paths += [_link(t) for t in tokens]
    statuses = {visitor.get(path).status for path in paths}
    found.statuses[f"pages of {len(tokens)} links"] = min(statuses) if len(statuses) == 1 else 0


def _invite(server: LiveServer, sink: Sink, people: list[int]) -> str:
    """Organiser olga sends these people their invitations and adds a colleague; the worker mails them.
    Returns the text of the mails."""
    olga = Visitor(server.url, "198.51.100.20")
    olga.get(LOGIN)
    assert olga.post(LOGIN, {"username": "olga", "password": PASSWORD}).status == 302
    for person in people:
        assert olga.post(f"/organisatie/{SLUG}/invitations/", {"invitee": str(person)}).status == 303
    assert olga.post(f"/organisatie/{SLUG}/organisers/", {"email": "collega@example.invalid"}).status == 303
    return _mail_texts(sink.wait_for(len(people) + 1))


def _scenario(tmp: Path, sink: Sink, found: Logged) -> None:
    tmp.chmod(0o755)  # the server must narrow it
    with live_server(tmp, None, NETWERKDAG_TRUSTED_PROXIES="127.0.0.1", **sink.env()) as server:
        worker = server.worker()  # it starts while the day is set up
        try:
            tokens = json.loads(server.run("setup", SESSION, "40", "0", "2"))["tokens"]
            server.run("organiser", "olga", PASSWORD)
            people = json.loads(server.run("mailable", "3"))["ids"]
            printed = PASSWORD_LINK.search(server.run("password-link", "nieuw@example.invalid"))
            assert printed
            made = (printed.group(1), printed.group(2))
            person = Visitor(server.url, "203.0.113.30")
            _open_pages(person, tokens, found)
            mailed = _invite(server, sink, people)
        finally:
            worker.terminate()
            worker.wait(timeout=60)
        invited = sorted(set(INVITATION.findall(mailed)))
        assert len(invited) == len(people), mailed
        (emailed,) = set(PASSWORD_LINK.findall(mailed))
        unknown = [guess() for _ in range(3)]
        found.secrets |= {*tokens, *invited, *unknown, made[1], emailed[1]}

        _open_pages(person, invited, found)
        token = invited[0]
        found.statuses["no slash"] = person.get(f"/uitnodiging/{token}").status
        found.statuses["encoded slash"] = person.get(f"/uitnodiging%2F{token}/").status
        letter = f"/uitnodiging/{token[:5]}%{ord(token[5]):02X}{token[6:]}/"
        found.statuses["encoded letter"] = person.get(letter).status
        # A link wrapper's address (a mail scanner's, a redirector's) with the link in it, as a Referer.
        once = "https://wrapper.example/?url=" + urllib.parse.quote(f"{server.url}{_link(token)}", safe="")
        found.statuses["wrapped referrer"] = person.get("/", {"Referer": once}).status
        twice = "https://other.example/?u=" + urllib.parse.quote(once, safe="")
        found.statuses["wrapped twice"] = person.get("/", {"Referer": twice}).status
        found.statuses["login next"] = person.get(f"{LOGIN}?next=/uitnodiging/{token}/").status
        form = {"action": "save", "attending": "yes"}
        found.statuses["register"] = person.post(_link(token), form).status  # Referer: the link
        stranger = Visitor(server.url, "203.0.113.31")  # no CSRF cookie, no token in the form
        found.statuses["no csrf"] = stranger.post(_link(invited[1]), form, csrf=False).status
        found.statuses["unknown"] = max(person.get(_link(t)).status for t in unknown)
        forged = {"Host": "forged-host.example"}
        found.statuses["forged host"] = person.get(_link(invited[2]), forged).status
        _set_password(Visitor(server.url, "203.0.113.32"), made, found, "printed")
        _set_password(Visitor(server.url, "203.0.113.33"), emailed, found, "mailed")
        found.modes = {name: (tmp / name).stat().st_mode & 0o777 for name in PRIVATE}
        log = server.log
    found.server_log = log.read_text()
    found.worker_log = log.with_name("worker.log").read_text()


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> Logged:
    """One day of a server and a worker (which mails to a loopback server), with every kind of link opened;
    the logs are read after both stopped."""
    found = Logged()
    with Sink() as sink:
        _scenario(tmp_path_factory.mktemp("logged"), sink, found)
    return found


def test_every_step_of_the_day_answered_as_it_should(logged: Logged) -> None:
    expected = {
        "pages of 2 links": 200, "pages of 3 links": 200, "no slash": 301, "encoded slash": 200,
        "encoded letter": 200, "wrapped referrer": 200, "wrapped twice": 200, "login next": 200,
        "register": 303, "no csrf": 403, "unknown": 404, "forged host": 400,
        "printed link": 302, "printed form": 200, "printed set": 302,
        "mailed link": 302, "mailed form": 200, "mailed set": 302,
    }  # fmt: skip
    assert logged.statuses == expected


def _pieces(secret: str, size: int = 12) -> set[str]:
    """Every run of `size` characters of `secret`: a token cut by a percent-escape still shows."""
    return {secret[i : i + size] for i in range(len(secret) - size + 1)}


def test_no_secret_reaches_a_log(logged: Logged) -> None:
    assert len(logged.secrets) >= 2 + 3 + 3 + 2
    for name, text in (("server.log", logged.server_log), ("worker.log", logged.worker_log)):
        shown = sorted(p for s in logged.secrets for p in _pieces(s) if p in text)
        assert not shown, f"{name} shows secrets: {shown[:5]}"


def test_the_logs_say_what_happened(logged: Logged) -> None:
    """So that the test above is not vacuous: the lines that would carry the secrets are there."""
    log = logged.server_log
    assert "[redacted]" in log
    assert re.search(r'"GET /uitnodiging/\[redacted\]/ HTTP/1\.1" 200', log)
    assert re.search(r'"GET /uitnodiging/\[redacted\]/ HTTP/1\.1" 404', log)
    assert "Not Found: /uitnodiging/[redacted]/" in log
    assert re.search(r"Forbidden \(CSRF .*\): /uitnodiging/\[redacted\]/", log)
    assert re.search(r'"GET /organisatie/wachtwoord/[A-Za-z0-9_-]+/\[redacted\]/ HTTP/1\.1" 302', log)
    assert "deliver" in logged.worker_log  # the worker logged its mail tasks


def test_a_forged_host_is_one_line_without_traceback(logged: Logged) -> None:
    lines = [line for line in logged.server_log.splitlines() if "Invalid HTTP_HOST header" in line]
    assert len(lines) == 1
    assert "forged-host.example" in lines[0]
    assert "Traceback" not in logged.server_log + logged.worker_log


def test_the_data_files_are_private(logged: Logged) -> None:
    """Looked at while the server ran (SQLite keeps its -wal and -shm files only while it is open); the data
    directory was 0755 before the server started."""
    assert logged.modes == PRIVATE


# --- 6. someone who declined -----------------------------------------------------------------------------

DECLINED = "U heeft laten weten dat u niet komt"


def test_someone_who_declined_takes_no_seat_until_they_say_they_come(
    day: models.Event, make_invitee: MakeInvitee, client: Client
) -> None:
    person, token = make_invitee()
    url = _link(token)
    slot = seats_of(day, SESSION).slot
    assert client.post(url, {"action": "save", "attending": "no"}).status_code == 303
    tries = [
        {"action": "wait", "slot": slot, "session": SESSION},  # a session with seats left
        {"action": "save", slot: SESSION},  # attending left out
        {"action": "save", "attending": "maybe", slot: SESSION},
    ]
    for form in tries:
        response = client.post(url, form)
        assert response.status_code == 409, form
        assert DECLINED in response.content.decode()
    set_capacity(day, SESSION, 0)
    response = client.post(url, {"action": "wait", "slot": slot, "session": SESSION})  # a full one
    assert response.status_code == 409
    assert not models.Registration.objects.filter(invitee=person).exists()
    assert not models.WaitingEntry.objects.filter(invitee=person).exists()
    person.refresh_from_db()
    assert person.attending == "no"

    set_capacity(day, SESSION, 40)
    assert client.post(url, {"action": "save", "attending": "yes", slot: SESSION}).status_code == 303
    assert models.Registration.objects.filter(invitee=person, seats__session_id=SESSION).exists()
    person.refresh_from_db()
    assert person.attending == "yes"


# --- 7. ids that are not the event's invitee's ---------------------------------------------------------


@pytest.mark.parametrize("view", ["link", "check-in", "invitations"])
@pytest.mark.parametrize("value", ["abc", "-1", "", "1.0", " 7", "²", "9" * 30, "other-event", "own"])
def test_an_id_that_is_not_one_of_the_events_invitees_is_404(
    view: str, value: str, organiser: Client, make_invitee: MakeInvitee, haarlem_text: str
) -> None:
    own, _ = make_invitee()
    if value == "other-event":
        other = programme.import_event(haarlem_text.replace(f"slug: {SLUG}", "slug: andere-dag"), "x.yaml")
        value = str(make_invitee(event=other)[0].pk)
    expected = 404
    if value == "own":  # the control: the same request with an id of the event's own works
        value, expected = str(own.pk), 303
    response = organiser.post(
        f"/organisatie/{SLUG}/{view}/", {"invitee": value, "do": "send", "present": "yes"}
    )
    assert response.status_code == expected


@pytest.mark.parametrize("query", ["²", "9" * 30, "-1", "abc"])
def test_the_check_in_search_takes_any_text(query: str, organiser: Client, day: models.Event) -> None:
    response = organiser.get(f"/organisatie/{SLUG}/check-in/", {"q": query})
    assert response.status_code == 200


# --- 8. no mail server, no start ---------------------------------------------------------------------------


def _netwerkdag(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "DATABASE_URL", "NETWERKDAG_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "netwerkdag.cli", *args],
        env={**clean, "NO_COLOR": "1", "COLUMNS": "200", **env},
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip


#: A database that cannot be reached: a command that got past the mail check stops there, never serving.
NOWHERE = "postgres://nobody@127.0.0.1:1/none"


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_without_a_mail_server_it_refuses_to_start(command: str, tmp_path: Path) -> None:
    result = _netwerkdag(command, "--data-dir", str(tmp_path), DATABASE_URL=NOWHERE)
    said = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 1, said
    assert "EMAIL_HOST" in said
    assert "--mail console" in said
    assert "database" not in said
    assert "Traceback" not in said


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_with_mail_on_the_console_it_gets_past_that_check(command: str, tmp_path: Path) -> None:
    result = _netwerkdag(command, "--data-dir", str(tmp_path), "--mail", "console", DATABASE_URL=NOWHERE)
    said = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 1, said
    assert "cannot use the database" in said
    assert "EMAIL_HOST" not in said
    assert "Traceback" not in said
