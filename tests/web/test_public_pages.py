"""The public pages: the programme with its places left, session pages, and the exports at stable
addresses, equal to what the command line writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from tests.web.conftest import MakeInvitee, set_capacity
from typer.testing import CliRunner

from netwerkdag.cli.app import app
from netwerkdag.web import models
from netwerkdag.web.services import registration

pytestmark = pytest.mark.django_db


def test_schedule_json_equals_the_cli_export(day: models.Event, client: Client, haarlem_path: Path) -> None:
    cli = CliRunner().invoke(app, ["export", str(haarlem_path), "--format", "frab-json"])
    assert cli.exit_code == 0
    web = client.get("/g40-haarlem-2023/schedule.json")
    assert web.status_code == 200
    assert web["Content-Type"].startswith("application/json")
    assert web.content == cli.stdout_bytes


def test_schedule_xml_equals_the_cli_export(day: models.Event, client: Client, haarlem_path: Path) -> None:
    cli = CliRunner().invoke(app, ["export", str(haarlem_path), "--format", "frab-xml"])
    assert client.get("/g40-haarlem-2023/schedule.xml").content == cli.stdout_bytes


def test_programme_shows_places_left(day: models.Event, make_invitee: MakeInvitee, client: Client) -> None:
    set_capacity(day, "pijler-sociaal", 4)
    set_capacity(day, "pijler-fysiek", 1)
    registration.choose(make_invitee()[0], "ronde-1", "pijler-sociaal")
    registration.choose(make_invitee()[0], "ronde-1", "pijler-fysiek")
    page = client.get("/g40-haarlem-2023/").content.decode()
    assert "Plenaire start" in page  # the grid
    assert "nog 3 plaatsen" in page
    assert '<span class="seats seats-full">vol</span>' in page
    session = client.get("/g40-haarlem-2023/sessie/pijler-sociaal/").content.decode()
    assert "Cathalijne Dortmans" in session
    assert "nog 3 plaatsen" in session


def test_calendar_and_booklet(day: models.Event, client: Client) -> None:
    ics = client.get("/g40-haarlem-2023/schedule.ics")
    assert ics.content.startswith(b"BEGIN:VCALENDAR")
    booklet = client.get("/g40-haarlem-2023/programma.pdf")
    assert booklet["Content-Type"] == "application/pdf"
    assert booklet.content.startswith(b"%PDF")


def test_unknown_or_unpublished_is_404(db: None, client: Client, haarlem_text: str) -> None:
    from netwerkdag.web.services import programme

    programme.import_event(haarlem_text, "event.yaml")  # a draft only
    assert client.get("/g40-haarlem-2023/").status_code == 404
    assert client.get("/g40-haarlem-2023/schedule.json").status_code == 404
    assert client.get("/nothing-here/").status_code == 404


def test_headers_of_public_pages(day: models.Event, client: Client) -> None:
    response = client.get("/g40-haarlem-2023/")
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "style-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Language"] == "nl"


def test_the_page_has_no_inline_style_or_script(day: models.Event, client: Client) -> None:
    """The CSP forbids inline styles and scripts, so the pages must not need them."""
    for url in ("/g40-haarlem-2023/", "/g40-haarlem-2023/sessie/pijler-sociaal/", "/"):
        page = client.get(url).content.decode()
        assert "<style" not in page
        assert "style=" not in page
        assert "<script" not in page


def test_places_left_are_current_on_every_load(
    day: models.Event, make_invitee: MakeInvitee, client: Client
) -> None:
    """The programme page is kept per version and places left; a registration changes what it shows."""
    set_capacity(day, "thema-veiligheid", 3)
    assert "nog 3 plaatsen" in client.get("/g40-haarlem-2023/").content.decode()
    assert "nog 3 plaatsen" in client.get("/g40-haarlem-2023/").content.decode()  # the same page again
    registration.choose(make_invitee()[0], "ronde-2", "thema-veiligheid")
    page = client.get("/g40-haarlem-2023/").content.decode()
    assert "nog 2 plaatsen" in page
    assert "nog 3 plaatsen" not in page
    english = client.get("/g40-haarlem-2023/?lang=en").content.decode()
    assert "2 places left" in english
