"""Who may open what: every URL of the app, from the resolver, times five roles, each with its expected
status. A new URL without an entry here fails the test. Invitee A can neither see nor change B's data."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from tests.web.conftest import MakeInvitee

from netwerkdag.web import models
from netwerkdag.web.services import programme

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "invitee_a", "invitee_b", "organiser", "other_organiser")
LOGIN = 302  # sent to the login page
ALL_200 = dict.fromkeys(ROLES, 200)


@dataclass(frozen=True)
class Entry:
    method: str
    expected: dict[str, int]


def organiser_only(ok: int) -> dict[str, int]:
    return {
        "anonymous": LOGIN,
        "invitee_a": LOGIN,
        "invitee_b": LOGIN,
        "organiser": ok,
        "other_organiser": 404,
    }


def logged_in(ok: int) -> dict[str, int]:
    return {
        "anonymous": LOGIN,
        "invitee_a": LOGIN,
        "invitee_b": LOGIN,
        "organiser": ok,
        "other_organiser": ok,
    }


# Invitee pages take the role's own token; roles without one use a token that does not exist (404).
OWN_TOKEN = {"anonymous": 404, "invitee_a": 200, "invitee_b": 200, "organiser": 404, "other_organiser": 404}

MATRIX: dict[str, Entry] = {
    "web:home": Entry("GET", ALL_200),
    "web:programme": Entry("GET", ALL_200),
    "web:session": Entry("GET", ALL_200),
    "web:schedule-json": Entry("GET", ALL_200),
    "web:schedule-xml": Entry("GET", ALL_200),
    "web:schedule-ics": Entry("GET", ALL_200),
    "web:booklet": Entry("GET", ALL_200),
    "web:login": Entry("GET", {**dict.fromkeys(ROLES, 200), "organiser": 302, "other_organiser": 302}),
    "web:logout": Entry("POST", dict.fromkeys(ROLES, 302)),
    "web:organiser-home": Entry("GET", logged_in(200)),
    # Creating events takes the permission web.add_event, which no organiser here has.
    "web:organiser-new-event": Entry("GET", logged_in(403)),
    "web:organiser-new-day": Entry("GET", logged_in(403)),
    "web:organiser-event": Entry("GET", organiser_only(200)),
    "web:organiser-publish": Entry("POST", organiser_only(303)),
    "web:organiser-import-file": Entry("GET", organiser_only(200)),
    "web:organiser-draft": Entry("GET", organiser_only(200)),
    "web:organiser-invitees": Entry("GET", organiser_only(200)),
    "web:organiser-send-invitations": Entry("POST", organiser_only(303)),
    # Without an invitee in the form: 404 for the organiser too.
    "web:organiser-link": Entry("POST", organiser_only(404)),
    "web:organiser-export": Entry("GET", organiser_only(200)),
    "web:organiser-check-in": Entry("GET", organiser_only(200)),
    "web:organiser-badges": Entry("GET", organiser_only(200)),
    "web:organiser-sessions": Entry("GET", organiser_only(200)),
    "web:organiser-deadline": Entry("POST", organiser_only(303)),
    # The interest poll: its page (a POST opens or closes it: in STATE_CHANGING below), its answers as CSV.
    "web:organiser-poll": Entry("GET", organiser_only(200)),
    "web:organiser-poll-export": Entry("GET", organiser_only(200)),
    # The allocation mode: its page (a POST saves the settings or allocates: in STATE_CHANGING), the seats
    # as CSV.
    "web:organiser-allocation": Entry("GET", organiser_only(200)),
    "web:organiser-allocation-csv": Entry("GET", organiser_only(200)),
    # The networking tables: the counts and the table plan (a POST places: in STATE_CHANGING), the sign.
    "web:organiser-meetings": Entry("GET", organiser_only(200)),
    "web:organiser-meetings-print": Entry("GET", organiser_only(200)),
    # The page before a run (a POST starts one: in STATE_CHANGING below).
    "web:organiser-schedule": Entry("GET", organiser_only(200)),
    "web:organiser-schedule-run": Entry("GET", organiser_only(200)),
    "web:organiser-schedule-progress": Entry("GET", organiser_only(200)),
    "web:organiser-schedule-decide": Entry("POST", organiser_only(303)),
    "web:organiser-resend-mail": Entry("POST", organiser_only(303)),
    # Without an address in the form: a message on the event page.
    "web:organiser-add-organiser": Entry("POST", organiser_only(303)),
    # Reach over the network days a user organises: none has ended here, so the pages say so (200), and a
    # day's workbook, of a day that does not count, is 404; adding invitees names no event here (404).
    "web:organiser-reach": Entry("GET", logged_in(200)),
    "web:organiser-reach-export": Entry("GET", logged_in(200)),
    "web:organiser-reach-invite": Entry("POST", logged_in(404)),
    "web:organiser-reach-day": Entry("GET", organiser_only(200)),
    "web:organiser-reach-day-export": Entry("GET", organiser_only(404)),
    # A link that is not valid: the page says so, to anyone.
    "web:set-password": Entry("GET", ALL_200),
    "web:invitee": Entry("GET", OWN_TOKEN),
    "web:invitee-ics": Entry("GET", OWN_TOKEN),
    "web:invitee-pdf": Entry("GET", OWN_TOKEN),
    "web:invitee-data": Entry("GET", OWN_TOKEN),
    "web:invitee-withdraw": Entry("POST", {**OWN_TOKEN, "invitee_a": 303, "invitee_b": 303}),
    # The poll page says whether a poll is open (none is here).
    "web:invitee-poll": Entry("GET", OWN_TOKEN),
    # The ranking page says the day's seats are not given by ranking (this day is first come).
    "web:invitee-ranking": Entry("GET", OWN_TOKEN),
    # The networking room: joining (a POST joins or leaves), the directory (the joining page to someone
    # not in it), asking, one's meetings.
    "web:invitee-networking-consent": Entry("GET", OWN_TOKEN),
    "web:invitee-networking": Entry("GET", OWN_TOKEN),
    "web:invitee-networking-ask": Entry("GET", OWN_TOKEN),
    "web:invitee-meetings": Entry("GET", OWN_TOKEN),
    # The Django admin: staff only; no organiser is staff.
    "admin:index": Entry("GET", dict.fromkeys(ROLES, 302)),
}


def _urls(
    patterns: list[URLPattern | URLResolver], prefix: str = "", params: frozenset[str] = frozenset()
) -> dict[str, frozenset[str]]:
    """Every URL name of the app, with the parameters its address takes (those of the includes too)."""
    found: dict[str, frozenset[str]] = {}
    for p in patterns:
        own = params | frozenset(p.pattern.converters)
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                found["admin:index"] = frozenset()  # Django's own pages, all behind its staff login
                continue
            namespace = f"{prefix}{p.namespace}:" if p.namespace else prefix
            found |= _urls(p.url_patterns, namespace, own)
        elif p.name:
            found[prefix + p.name] = own
    return found


URLS = _urls(get_resolver().url_patterns)


def test_every_url_has_an_entry() -> None:
    assert set(URLS) == set(MATRIX)


@pytest.fixture
def world(day: models.Event, make_invitee: MakeInvitee, haarlem_text: str) -> dict[str, object]:
    other = programme.import_event(
        haarlem_text.replace("slug: g40-haarlem-2023", "slug: andere-dag"), "x.yaml"
    )
    programme.publish(other)
    alice = User.objects.create(username="alice")
    bob = User.objects.create(username="bob")
    models.Organiser.objects.create(event=day, user=alice)
    models.Organiser.objects.create(event=other, user=bob)
    a, token_a = make_invitee(name="Anna Aalbers")
    b, token_b = make_invitee(name="Bert Bakker", dietary="notenallergie B")
    run = models.SchedulingRun.objects.create(
        event=day, time_limit=1, source_document=day.document, plan_document=day.document, status="done"
    )
    return {
        "run": run.pk,
        "day": day,
        "alice": alice,
        "bob": bob,
        "a": a,
        "b": b,
        "token_a": token_a,
        "token_b": token_b,
    }


def _client(role: str, world: dict[str, object]) -> tuple[Client, str]:
    client = Client()
    if role == "organiser":
        client.force_login(world["alice"])
    elif role == "other_organiser":
        client.force_login(world["bob"])
    token = {"invitee_a": world["token_a"], "invitee_b": world["token_b"]}.get(role, "no-such-token-123")
    return client, str(token)


def _kwargs(name: str, token: str, run_id: int = 1) -> dict[str, str]:
    values = {
        "slug": "g40-haarlem-2023",
        "session_id": "pijler-sociaal",
        "token": token,
        "what": "attendance",
        "fmt": "csv",
        "run_id": str(run_id),
        "uidb64": "MQ",
    }
    return {key: values[key] for key in URLS[name]}


@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_status(name: str, role: str, world: dict[str, object]) -> None:
    client, token = _client(role, world)
    entry = MATRIX[name]
    url = reverse(name, kwargs=_kwargs(name, token, int(str(world["run"]))))
    response = client.post(url) if entry.method == "POST" else client.get(url)
    assert response.status_code == entry.expected[role], url
    if (
        response.status_code == LOGIN
        and role in ("anonymous", "invitee_a", "invitee_b")
        and name != "web:logout"
    ):
        assert "/login/" in response["Location"]


def test_invitee_a_sees_and_changes_only_their_own_data(world: dict[str, object]) -> None:
    client = Client()
    token_a, b = world["token_a"], world["b"]
    assert isinstance(b, models.Invitee)
    page = client.get(f"/uitnodiging/{token_a}/").content.decode()
    data = client.get(f"/uitnodiging/{token_a}/mijn-gegevens.json").content.decode()
    assert "Anna Aalbers" in page
    assert "Bert Bakker" not in page + data
    assert "notenallergie" not in page + data
    # A form that names B's id changes A's registration, never B's.
    client.post(
        f"/uitnodiging/{token_a}/",
        {"action": "save", "attending": "yes", "ronde-1": "pijler-sociaal", "invitee": b.pk},
    )
    assert not models.Registration.objects.filter(invitee=b).exists()
    assert models.Registration.objects.filter(invitee=world["a"]).count() == 1
    client.post(f"/uitnodiging/{token_a}/afmelden/", {"confirm": "yes", "invitee": b.pk})
    b.refresh_from_db()
    assert b.name == "Bert Bakker"
    assert (
        json.loads(client.get(f"/uitnodiging/{world['token_b']}/mijn-gegevens.json").content)["name"]
        == "Bert Bakker"
    )


#: Views that change something on POST, with the role allowed to.
STATE_CHANGING = {
    "web:logout": "organiser",
    "web:organiser-new-event": "organiser",
    "web:organiser-new-day": "organiser",
    "web:organiser-publish": "organiser",
    "web:organiser-import-file": "organiser",
    "web:organiser-invitees": "organiser",
    "web:organiser-send-invitations": "organiser",
    "web:organiser-link": "organiser",
    "web:organiser-check-in": "organiser",
    "web:organiser-sessions": "organiser",
    "web:organiser-deadline": "organiser",
    "web:organiser-poll": "organiser",
    "web:organiser-allocation": "organiser",
    "web:organiser-schedule": "organiser",
    "web:organiser-schedule-decide": "organiser",
    "web:organiser-meetings": "organiser",
    "web:organiser-resend-mail": "organiser",
    "web:organiser-add-organiser": "organiser",
    "web:organiser-reach-invite": "organiser",
    "web:set-password": "anonymous",
    "web:invitee": "invitee_a",
    "web:invitee-withdraw": "invitee_a",
    "web:invitee-poll": "invitee_a",
    "web:invitee-ranking": "invitee_a",
    "web:invitee-networking-consent": "invitee_a",
    "web:invitee-networking-ask": "invitee_a",
    "web:invitee-meetings": "invitee_a",
    "web:login": "anonymous",
}


def test_every_view_that_takes_a_post_is_listed() -> None:
    """Each view says which methods it allows (OPTIONS answers with an Allow header); every one that
    allows POST must be in the CSRF test below."""
    takes_post = set()
    for name in URLS:
        if name == "admin:index":
            continue
        response = Client().options(reverse(name, kwargs=_kwargs(name, "t")))
        if "POST" in response.get("Allow", ""):
            takes_post.add(name)
    # Django's set-password view shows its page for any method until the link is valid, so OPTIONS
    # cannot tell; it is a form view that takes POST.
    takes_post.add("web:set-password")
    assert takes_post == set(STATE_CHANGING)


@pytest.mark.parametrize("name", sorted(STATE_CHANGING))
def test_a_post_without_csrf_token_is_refused(name: str, world: dict[str, object]) -> None:
    client, token = _client(STATE_CHANGING[name], world)
    client.handler.enforce_csrf_checks = True
    before = (
        models.Registration.objects.count(),
        models.ProgrammeVersion.objects.count(),
        models.Invitee.objects.count(),
    )
    url = reverse(name, kwargs=_kwargs(name, token, int(str(world["run"]))))
    response = client.post(url, {"action": "save", "attending": "no"})
    assert response.status_code == 403
    after = (
        models.Registration.objects.count(),
        models.ProgrammeVersion.objects.count(),
        models.Invitee.objects.count(),
    )
    assert after == before
