"""The invitee's pages through HTTP: opening a link changes nothing, a button does; CSRF; full sessions;
the personal programme as .ics and PDF; downloading and withdrawing."""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail
from django.test import Client
from icalendar import Calendar
from tests.web.conftest import MakeInvitee, run_tasks, seats_of, set_capacity

from netwerkdag.web import models

pytestmark = pytest.mark.django_db


def _url(token: str, suffix: str = "") -> str:
    return f"/uitnodiging/{token}/{suffix}"


def _csrf(client: Client, token: str) -> str:
    page = client.get(_url(token))
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert match, "the form carries a CSRF token"
    return match.group(1)


def test_opening_the_link_changes_nothing(
    day: models.Event, make_invitee: MakeInvitee, client: Client
) -> None:
    person, token = make_invitee()
    before = models.Invitee.objects.filter(pk=person.pk).values().get()
    for _ in range(3):  # a mail scanner, a preview, the person
        response = client.get(_url(token))
        assert response.status_code == 200
    assert models.Invitee.objects.filter(pk=person.pk).values().get() == before
    assert not models.Registration.objects.exists()
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


def test_registering_with_the_button(
    day: models.Event, make_invitee: MakeInvitee, csrf_client: Client
) -> None:
    person, token = make_invitee()
    form = {
        "csrfmiddlewaretoken": _csrf(csrf_client, token),
        "action": "save",
        "attending": "yes",
        "ronde-1": "pijler-sociaal",
        "ronde-2": "thema-woningmarkt",
        "ronde-3": "",
        "session:lunch-gezamenlijk": "yes",
        "dietary": "vegetarisch",
        "consent": "yes",
        "language": "nl",
    }
    response = csrf_client.post(_url(token), form)
    assert response.status_code == 303
    held = set(models.Registration.objects.filter(invitee=person).values_list("seats__session_id", flat=True))
    assert held == {"pijler-sociaal", "thema-woningmarkt", "lunch-gezamenlijk"}
    person.refresh_from_db()
    assert (person.attending, person.dietary) == ("yes", "vegetarisch")
    assert person.special_consent_at is not None
    assert not mail.outbox  # nothing is sent in the request: a worker sends it
    assert run_tasks() == 1
    (confirmation,) = mail.outbox
    assert confirmation.to == [person.email]
    assert "Pijlerbijeenkomst Sociaal" in confirmation.body
    names = [name for name, _, _ in confirmation.attachments]
    assert names == ["g40-haarlem-2023.ics", "g40-haarlem-2023-programma.pdf"]
    assert confirmation.attachments[1][1].startswith(b"%PDF")
    assert "Pijlerbijeenkomst Sociaal" in str(confirmation.attachments[0][1]).replace("\r\n ", "")
    assert token not in confirmation.body  # links are never stored, so only the invitation has one

    page = csrf_client.get(_url(token)).content.decode()
    assert "Pijlerbijeenkomst Sociaal" in page


def test_a_post_without_csrf_token_is_refused(
    day: models.Event, make_invitee: MakeInvitee, csrf_client: Client
) -> None:
    _, token = make_invitee()
    response = csrf_client.post(
        _url(token), {"action": "save", "attending": "yes", "ronde-1": "pijler-sociaal"}
    )
    assert response.status_code == 403
    assert not models.Registration.objects.exists()


def test_wishes_are_kept_only_with_consent(
    day: models.Event, make_invitee: MakeInvitee, client: Client
) -> None:
    person, token = make_invitee()
    response = client.post(_url(token), {"action": "save", "attending": "yes", "dietary": "glutenvrij"})
    assert response.status_code == 400
    person.refresh_from_db()
    assert person.dietary == ""


def test_a_full_session_offers_its_waiting_list(
    day: models.Event, make_invitee: MakeInvitee, client: Client
) -> None:
    set_capacity(day, "pijler-sociaal", 0)
    person, token = make_invitee()
    response = client.post(_url(token), {"action": "save", "attending": "yes", "ronde-1": "pijler-sociaal"})
    assert response.status_code == 409
    text = response.content.decode()
    assert "is vol" in text
    assert 'value="wait"' in text
    response = client.post(_url(token), {"action": "wait", "slot": "ronde-1", "session": "pijler-sociaal"})
    assert response.status_code == 303
    assert models.WaitingEntry.objects.filter(invitee=person, seats__session_id="pijler-sociaal").exists()
    assert "nummer 1" in client.get(_url(token)).content.decode()


def test_declining(day: models.Event, make_invitee: MakeInvitee, client: Client) -> None:
    person, token = make_invitee()
    client.post(_url(token), {"action": "save", "attending": "yes", "ronde-1": "pijler-sociaal"})
    client.post(_url(token), {"action": "save", "attending": "no"})
    assert seats_of(day, "pijler-sociaal").taken == 0
    person.refresh_from_db()
    assert person.attending == "no"


def test_personal_calendar_and_pdf(day: models.Event, make_invitee: MakeInvitee, client: Client) -> None:
    _, token = make_invitee()
    client.post(_url(token), {"action": "save", "attending": "yes", "ronde-2": "thema-veiligheid"})
    ics = client.get(_url(token, "programma.ics"))
    assert ics.status_code == 200
    summaries = {str(e["SUMMARY"]) for e in Calendar.from_ical(ics.content).walk("VEVENT")}
    assert "Veiligheid" in summaries
    assert "Woningmarkt" not in summaries  # a session of the same round not chosen
    assert "Plenaire start" in summaries  # for everyone
    pdf = client.get(_url(token, "programma.pdf"))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


def test_downloading_and_withdrawing(day: models.Event, make_invitee: MakeInvitee, client: Client) -> None:
    person, token = make_invitee(name="Anna de Vries")
    client.post(_url(token), {"action": "save", "attending": "yes", "ronde-1": "pijler-sociaal"})
    data = json.loads(client.get(_url(token, "mijn-gegevens.json")).content)
    assert data["name"] == "Anna de Vries"
    assert [r["session"] for r in data["registrations"]] == ["pijler-sociaal"]

    assert client.post(_url(token, "afmelden/"), {"confirm": "yes"}).status_code == 200
    person.refresh_from_db()
    assert (person.name, person.email) == ("—", "")
    assert person.withdrawn_at is not None
    assert seats_of(day, "pijler-sociaal").taken == 0
    assert client.get(_url(token)).status_code == 404  # the link is revoked


def test_an_unknown_token_is_404_and_guessing_is_rate_limited(db: None, client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.NETWERKDAG_TOKEN_ATTEMPTS = 5
    statuses = [client.get(_url(f"guess{n}")).status_code for n in range(7)]
    assert statuses == [404] * 5 + [429] * 2


def test_english_on_request(day: models.Event, make_invitee: MakeInvitee, client: Client) -> None:
    _, token = make_invitee()
    assert "Uw inschrijving" in client.get(_url(token)).content.decode()
    assert "Your registration" in client.get(_url(token) + "?lang=en").content.decode()
    assert "Your registration" in client.get(_url(token)).content.decode()  # remembered


def test_origin_null_passes_on_invitee_pages_with_the_csrf_token_only(
    day: models.Event, make_invitee: MakeInvitee, csrf_client: Client
) -> None:
    """Under Referrer-Policy: no-referrer a browser sends Origin: null; the CSRF token still decides."""
    _, token = make_invitee()
    form = {"action": "save", "attending": "yes", "ronde-1": "pijler-sociaal"}
    refused = csrf_client.post(_url(token), form, HTTP_ORIGIN="null")
    assert refused.status_code == 403
    assert "Het formulier is verlopen" in refused.content.decode()
    accepted = csrf_client.post(
        _url(token), {**form, "csrfmiddlewaretoken": _csrf(csrf_client, token)}, HTTP_ORIGIN="null"
    )
    assert accepted.status_code == 303
    assert accepted["Referrer-Policy"] == "no-referrer"


def test_origin_null_is_refused_elsewhere(day: models.Event, csrf_client: Client) -> None:
    from django.contrib.auth.models import User

    user = User.objects.create(username="org")
    models.Organiser.objects.create(event=day, user=user)
    csrf_client.force_login(user)
    page = csrf_client.get("/organisatie/g40-haarlem-2023/check-in/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    models.Event.objects.filter(pk=day.pk).update(document=day.document + "\n# a change to publish\n")
    publish = "/organisatie/g40-haarlem-2023/publish/"
    response = csrf_client.post(publish, {"csrfmiddlewaretoken": token}, HTTP_ORIGIN="null")
    assert response.status_code == 403
    assert not day.versions.filter(number=2).exists()
    # The same request from this site's own origin publishes: the refusal above was the origin's.
    response = csrf_client.post(publish, {"csrfmiddlewaretoken": token}, HTTP_ORIGIN="http://testserver")
    assert response.status_code == 303
    assert day.versions.filter(number=2).exists()
