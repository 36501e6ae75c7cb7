"""The organisers' flows: importing an event file and invitees (all or nothing, errors by row and
column), publishing with a list of changes and mail to those concerned, invitations built from the
configured address, exports that are logged, check-in and badges."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook
from tests.web.conftest import MakeInvitee, run_tasks

from netwerkdag.web import models
from netwerkdag.web.services import registration
from netwerkdag.web.services.editing import draft_revision

pytestmark = pytest.mark.django_db


def _upload(name: str, data: bytes | str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data.encode("utf-8") if isinstance(data, str) else data)


def test_a_broken_event_file_is_refused_with_its_line(
    organiser: Client, day: models.Event, haarlem_text: str
) -> None:
    broken = haarlem_text.replace("capacity: 40", "capacity: veertig", 1)
    response = organiser.post(
        "/organisatie/g40-haarlem-2023/event-file/", {"file": _upload("dag.yaml", broken)}
    )
    assert response.status_code == 400
    text = response.content.decode()
    line = broken.splitlines().index(next(ln for ln in broken.splitlines() if "veertig" in ln)) + 1
    assert re.search(rf"dag\.yaml:{line}:\d+", text)
    day.refresh_from_db()
    assert "veertig" not in day.document


def test_publishing_a_change_lists_it_and_tells_those_concerned(
    organiser: Client, day: models.Event, make_invitee: MakeInvitee, haarlem_text: str
) -> None:
    person, _ = make_invitee()
    other, _ = make_invitee()
    registration.choose(person, "ronde-1", "pijler-sociaal")
    registration.choose(other, "ronde-1", "pijler-fysiek")
    moved = haarlem_text.replace("room: zaal-2\n    pillar: sociaal", "room: gravenzaal\n    pillar: sociaal")
    assert moved != haarlem_text
    assert (
        organiser.post(
            "/organisatie/g40-haarlem-2023/event-file/", {"file": _upload("e.yaml", moved)}
        ).status_code
        == 303
    )
    mail.outbox.clear()
    assert organiser.post("/organisatie/g40-haarlem-2023/publish/").status_code == 303
    assert not mail.outbox
    run_tasks()

    version = day.versions.order_by("-number").first()
    assert version is not None
    assert version.number == 2
    assert [(c["session"], c["what"]) for c in version.changes] == [("pijler-sociaal", "moved")]
    assert [m.to for m in mail.outbox] == [[person.email]]
    body = mail.outbox[0].body
    # The change in words, in the person's language: the day and times as the programme writes them.
    assert "Pijlerbijeenkomst Sociaal: vrijdag 10 februari 2023, 10.30-11.30, Zaal 2 →" in body
    assert "Gravenzaal" in body
    assert "2023-02-10" not in body


def test_invitees_from_csv_all_or_nothing(organiser: Client, day: models.Event) -> None:
    bad = "naam,e-mail,gemeente\nAnna,anna@example.invalid,Haarlem\n,geen-adres,Leiden\n"
    response = organiser.post(
        "/organisatie/g40-haarlem-2023/invitees/", {"file": _upload("lijst.csv", bad.encode())}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "lijst.csv:3:1" in text  # the empty name: row 3, column 1
    assert "lijst.csv:3:2" in text  # the address: row 3, column 2
    assert not models.Invitee.objects.filter(event=day).exists()

    good = "naam;e-mail;gemeente;taal\nAnna;anna@example.invalid;Haarlem;en\nBas;;Leiden;\n"
    response = organiser.post(
        "/organisatie/g40-haarlem-2023/invitees/", {"file": _upload("lijst.csv", good.encode())}
    )
    assert response.status_code == 303
    people = {p.name: (p.organisation, p.language) for p in models.Invitee.objects.filter(event=day)}
    assert people == {"Anna": ("Haarlem", "en"), "Bas": ("Leiden", "nl")}


def test_invitees_from_xlsx(organiser: Client, day: models.Event) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["name", "email", "language"])
    sheet.append(["Carla", "carla@example.invalid", "xx"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = organiser.post(
        "/organisatie/g40-haarlem-2023/invitees/", {"file": _upload("lijst.xlsx", buffer.getvalue())}
    )
    assert response.status_code == 400
    assert "lijst.xlsx:2:3" in response.content.decode()


def test_invitations_use_the_configured_address_not_the_host_header(
    organiser: Client, day: models.Event, make_invitee: MakeInvitee, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.ALLOWED_HOSTS = ["*"]
    settings.BASE_URL = "https://netwerkdag.example.org"
    models.Invitee.objects.create(event=day, name="Dirk", email="dirk@example.invalid")
    mail.outbox.clear()
    response = organiser.post("/organisatie/g40-haarlem-2023/invitations/", HTTP_HOST="evil.example")
    assert response.status_code == 303
    run_tasks()
    (message,) = mail.outbox
    assert "https://netwerkdag.example.org/uitnodiging/" in message.body
    assert "evil.example" not in message.body
    token = re.search(r"/uitnodiging/([A-Za-z0-9_-]+)/", message.body).group(1)  # type: ignore[union-attr]
    assert len(token) >= 43  # 256 bits in URL-safe base64
    stored = models.Invitation.objects.get(invitee__name="Dirk")
    assert token not in stored.token_hash
    assert stored.sent_at is not None


def test_exports_are_logged(organiser: Client, day: models.Event, make_invitee: MakeInvitee) -> None:
    person, _ = make_invitee(name="=HYPERLINK(1)")
    registration.choose(person, "ronde-1", "pijler-sociaal")
    csv_text = organiser.get("/organisatie/g40-haarlem-2023/export/invitees.csv").content.decode()
    assert "'=HYPERLINK(1)" in csv_text  # inert in a spreadsheet
    xlsx = organiser.get("/organisatie/g40-haarlem-2023/export/attendance.xlsx")
    assert xlsx.content.startswith(b"PK")
    logged = list(models.AuditEntry.objects.filter(action="export").values_list("detail", flat=True))
    assert {(d["what"], d["format"]) for d in logged} == {("invitees", "csv"), ("attendance", "xlsx")}


def test_check_in_and_badges(organiser: Client, day: models.Event, make_invitee: MakeInvitee) -> None:
    person, _ = make_invitee(name="Eva Jansen")
    page = organiser.get("/organisatie/g40-haarlem-2023/check-in/?q=Eva").content.decode()
    assert "Eva Jansen" in page
    organiser.post("/organisatie/g40-haarlem-2023/check-in/", {"invitee": person.pk, "present": "yes"})
    person.refresh_from_db()
    assert person.checked_in_at is not None
    badges = organiser.get("/organisatie/g40-haarlem-2023/badges.pdf")
    assert badges.content.startswith(b"%PDF")


def test_dashboard_shows_attendance_catering_and_waiting(
    organiser: Client, day: models.Event, make_invitee: MakeInvitee
) -> None:
    models.Seats.objects.filter(event=day, session_id="pijler-sociaal").update(capacity=1)
    first, _ = make_invitee(name="Fien")
    second, _ = make_invitee(name="Gijs")
    registration.choose(first, "ronde-1", "pijler-sociaal")
    registration.wait_for(second, "ronde-1", "pijler-sociaal")
    models.Invitee.objects.filter(pk=first.pk).update(attending="yes", dietary="halal")
    page = organiser.get("/organisatie/g40-haarlem-2023/").content.decode()
    assert "halal" in page
    assert "Gijs" in page  # on the waiting list


def test_production_settings_pass_the_deploy_check(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {
        **os.environ,
        "NETWERKDAG_DATA_DIR": str(tmp_path),
        "NETWERKDAG_SECURE": "1",
        "NETWERKDAG_SECRET_KEY": "k" * 10 + "-a-long-random-looking-secret-for-the-check-0123456789",
        "NETWERKDAG_BASE_URL": "https://netwerkdag.example.org",
        "NETWERKDAG_TRUSTED_PROXIES": "127.0.0.1",
        "EMAIL_HOST": "smtp.example.invalid",
        "DJANGO_SETTINGS_MODULE": "netwerkdag.web.settings",
    }
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_editing_rooms_and_sessions_in_the_browser(organiser: Client, day: models.Event) -> None:
    form = {
        "room-zaal-2-capacity": "25",
        "room-zaal-2-name": "Zaal Twee",
        "session-pijler-sociaal-room": "gravenzaal",
        "revision": draft_revision(day.document),
    }
    response = organiser.post("/organisatie/g40-haarlem-2023/sessions/", form)
    assert response.status_code == 303
    from netwerkdag.web.services.programme import draft_event

    draft = draft_event(models.Event.objects.get(pk=day.pk))
    assert (draft.room("zaal-2").name, draft.room("zaal-2").capacity) == ("Zaal Twee", 25)
    assert draft.session("pijler-sociaal").room == "gravenzaal"


def test_an_edit_that_breaks_a_rule_saves_nothing(organiser: Client, day: models.Event) -> None:
    before = day.document
    # Two sessions of round 1 in one room.
    form = {
        "session-pijler-sociaal-room": "zaal-3",
        "session-pijler-fysiek-room": "zaal-3",
        "room-zaal-4-capacity": "12",
        "revision": draft_revision(day.document),
    }
    response = organiser.post("/organisatie/g40-haarlem-2023/sessions/", form)
    assert response.status_code == 400
    assert (
        "pijler-fysiek" in response.content.decode()
        or "Pijlerbijeenkomst Fysiek" in response.content.decode()
    )
    day.refresh_from_db()
    assert day.document == before


def test_the_registration_deadline(organiser: Client, day: models.Event, make_invitee: MakeInvitee) -> None:
    person, _ = make_invitee()
    assert (
        organiser.post(
            "/organisatie/g40-haarlem-2023/deadline/", {"deadline": "2020-01-01T12:00"}
        ).status_code
        == 303
    )
    day.refresh_from_db()
    assert day.registration_deadline is not None
    assert day.registration_deadline.year == 2020
    person.refresh_from_db()
    with pytest.raises(registration.RegistrationClosed):
        registration.choose(person, "ronde-1", "pijler-sociaal")


def test_a_link_is_revoked_or_replaced(
    organiser: Client, day: models.Event, make_invitee: MakeInvitee
) -> None:
    person, token = make_invitee()
    assert Client().get(f"/uitnodiging/{token}/").status_code == 200
    organiser.post("/organisatie/g40-haarlem-2023/link/", {"invitee": person.pk, "do": "send"})
    run_tasks()
    assert Client().get(f"/uitnodiging/{token}/").status_code == 404  # the old link stopped
    new = re.search(r"/uitnodiging/([A-Za-z0-9_-]+)/", mail.outbox[-1].body).group(1)  # type: ignore[union-attr]
    assert Client().get(f"/uitnodiging/{new}/").status_code == 200
    organiser.post("/organisatie/g40-haarlem-2023/link/", {"invitee": person.pk, "do": "revoke"})
    assert Client().get(f"/uitnodiging/{new}/").status_code == 404


def test_catering_counts_the_parts_people_join(
    organiser: Client, day: models.Event, make_invitee: MakeInvitee
) -> None:
    lunch, drinks = models.SlotKey.part("lunch-gezamenlijk"), models.SlotKey.part("borrel-afsluiting")
    for _ in range(3):
        registration.choose(make_invitee()[0], str(lunch), lunch.id)
    registration.choose(make_invitee()[0], str(drinks), drinks.id)
    page = organiser.get("/organisatie/g40-haarlem-2023/").content.decode()
    assert re.search(r"<dt>Lunch</dt> <dd>3</dd>", page)
    assert re.search(r"<dt>Borrel</dt> <dd>1</dd>", page)


def test_creating_an_event_takes_the_permission(day: models.Event, haarlem_text: str) -> None:
    from django.contrib.auth.models import Permission, User

    user = User.objects.create(username="planner")
    client = Client()
    client.force_login(user)
    other = haarlem_text.replace("slug: g40-haarlem-2023", "slug: nieuwe-dag")
    assert client.post("/organisatie/new/", {"file": _upload("n.yaml", other)}).status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="add_event"))
    client.force_login(User.objects.get(pk=user.pk))
    assert client.post("/organisatie/new/", {"file": _upload("n.yaml", other)}).status_code == 303
    assert models.Organiser.objects.filter(event__slug="nieuwe-dag", user=user).exists()


def test_failed_logins_are_limited(db: None, client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import User

    User.objects.create_user("olaf", password="een-goed-wachtwoord-123")  # noqa: S106 - a test account
    settings.NETWERKDAG_LOGIN_ATTEMPTS = 3
    statuses = [
        client.post("/organisatie/login/", {"username": "olaf", "password": "fout"}).status_code
        for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    right = client.post("/organisatie/login/", {"username": "olaf", "password": "een-goed-wachtwoord-123"})
    assert right.status_code == 429  # also the right password waits for the window


def test_send_invitations_skips_exactly_those_invited(
    organiser: Client, day: models.Event, make_invitee: MakeInvitee
) -> None:
    """Invited: an invitation queued, being sent or sent, or a link marked sent. Not: a failed invitation,
    even beside another mail that was sent."""
    failed, _ = make_invitee(name="Mislukt")
    models.OutgoingMail.objects.create(kind="invitation", status="failed", invitee=failed, event=day)
    models.OutgoingMail.objects.create(kind="confirmation", status="sent", invitee=failed, event=day)
    sent, _ = make_invitee(name="Al gestuurd")
    models.OutgoingMail.objects.create(kind="invitation", status="sent", invitee=sent, event=day)
    linked, _ = make_invitee(name="Link verstuurd")  # invited before the outbox existed
    models.Invitation.objects.filter(invitee=linked).update(sent_at=timezone.now())
    make_invitee(name="Nooit")

    organiser.post("/organisatie/g40-haarlem-2023/invitations/")

    queued = models.OutgoingMail.objects.filter(kind="invitation", status="queued")
    assert set(queued.values_list("invitee__name", flat=True)) == {"Mislukt", "Nooit"}
