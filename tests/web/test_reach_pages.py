"""The reach pages on the demo's four earlier days (examples/.../history, loaded as `netwerkdag demo` does):
the numbers the web shows equal those of `netwerkdag reach` on the same days' files, one day's page, the
exports, who may see what, and the not-reached people added to a next day's invitees."""

from __future__ import annotations

import io
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from django.test import Client
from openpyxl import load_workbook

from netwerkdag.web import models
from netwerkdag.web.services import history
from netwerkdag.web.services import reach as stored

if TYPE_CHECKING:
    from tests.conftest import RunCli

HISTORY = Path(__file__).resolve().parents[2] / "examples" / "g40-haarlem-2023" / "history"
SLUGS = ("g40-zwolle-2021", "g40-eindhoven-2022", "g40-leeuwarden-2022", "g40-nijmegen-2022")


@pytest.fixture
def days(db: None) -> list[models.Event]:
    return history.load_history(HISTORY)


@pytest.fixture
def reader(days: list[models.Event]) -> Client:
    user = User.objects.create(username="rita")
    for event in days:
        models.Organiser.objects.create(event=event, user=user)
    client = Client()
    client.force_login(user)
    return client


class Tables(HTMLParser):
    """The cells of every table with an id, as text, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._table = dict(attrs).get("id")
            if self._table:
                self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._table and self._cell is not None:
            self.tables[self._table][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables_of(html: str) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


def test_the_web_shows_the_numbers_of_the_command_line(reader: Client, run_cli: RunCli) -> None:
    files = [str(HISTORY / f"{slug}.yaml") for slug in SLUGS]
    result = run_cli("reach", *files, "--attendance", str(HISTORY / "attendance.csv"), "--json")
    assert result.returncode == 0, result.stderr
    cli = json.loads(result.stdout)

    web = json.loads(reader.get("/organisatie/bereik/bereik.json").content)
    for key in ("id", "date", "people", "organisations", "member_organisations", "newcomers", "returners"):
        assert [e[key] for e in web["events"]] == [e[key] for e in cli["events"]], key
    assert web["organisations"] == cli["organisations"]
    assert web["groups"] == cli["groups"]
    assert web["pillars"] == cli["pillars"]
    assert web["meetings"] == cli["meetings"]
    assert web["not_reached"] == cli["not_reached"]

    page = reader.get("/organisatie/bereik/")
    assert page.status_code == 200
    shown = tables_of(page.content.decode())
    present = [row[3] for row in shown["table-days"][1:]]
    assert present == [str(e["people"]) for e in cli["events"]]
    organisations = {row[0]: row for row in shown["table-organisations"][1:]}
    assert organisations["Zwolle"][-1] == str(cli["organisations"]["zwolle"]["people"])
    groups = {row[0]: row for row in shown["table-groups"][1:]}
    assert groups["Woningmarkt"][1] == str(cli["groups"]["woningmarkt"]["members"])
    assert groups["Woningmarkt"][-2].startswith(f"{cli['groups']['woningmarkt']['reached']} (")


def test_the_history_counts_no_shows_and_feedback(reader: Client) -> None:
    web = json.loads(reader.get("/organisatie/bereik/bereik.json").content)
    registered = {}
    for line in (HISTORY / "registrations.csv").read_text("utf-8").splitlines()[1:]:
        event, person, _ = line.split(",")
        registered.setdefault(event, set()).add(person)
    present = {}
    for line in (HISTORY / "attendance.csv").read_text("utf-8").splitlines()[1:]:
        event, person, _ = line.split(",")
        present.setdefault(event, set()).add(person)
    for e in web["events"]:
        assert e["registered"] == len(registered[e["id"]])
        assert e["no_shows"] == len(registered[e["id"]] - present[e["id"]])
        assert e["day_score"]["answers"] > 0


def test_a_day_page_and_the_exports(reader: Client, days: list[models.Event]) -> None:
    page = reader.get(f"/organisatie/{SLUGS[-1]}/bereik/")
    assert page.status_code == 200
    shown = tables_of(page.content.decode())
    assert {"table-day-organisations", "table-day-groups", "table-day-sessions"} <= set(shown)
    book = load_workbook(io.BytesIO(reader.get(f"/organisatie/{SLUGS[-1]}/bereik.xlsx").content))
    assert len(book.sheetnames) == 3
    book = load_workbook(io.BytesIO(reader.get("/organisatie/bereik/bereik.xlsx").content))
    assert len(book.sheetnames) == 8
    assert book.worksheets[0].max_row == 1 + len(SLUGS)
    pdf = reader.get("/organisatie/bereik/bereik.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert reader.get("/organisatie/bereik/bereik.exe").status_code == 404


def test_only_ones_own_days_count_and_strangers_see_nothing(days: list[models.Event]) -> None:
    stranger = User.objects.create(username="sam")
    client = Client()
    client.force_login(stranger)
    assert client.get("/organisatie/bereik/").status_code == 404
    assert client.get(f"/organisatie/{SLUGS[0]}/bereik/").status_code == 404
    models.Organiser.objects.create(event=days[0], user=stranger)
    found = stored.network_days(stored.visible_events(stranger), "g40")
    assert [e.slug for e in found.events] == [SLUGS[0]]
    assert Client().get("/organisatie/bereik/").status_code == 302  # to the log-in


def test_not_reached_become_invitees_of_the_next_day(reader: Client, day: models.Event) -> None:
    user = User.objects.get(username="rita")
    models.Organiser.objects.create(event=day, user=user)
    csv = reader.get("/organisatie/bereik/bereik.csv?laatste=1").content.decode()
    rows = csv.strip().splitlines()
    assert rows[0] == "person,name,email,organisation,role,function"
    web = json.loads(reader.get("/organisatie/bereik/bereik.json?laatste=1").content)
    assert web["not_reached"]["organisations"], "the last day reached every member: nothing to test"
    models.Invitee.objects.filter(event=day).delete()
    answer = reader.post("/organisatie/bereik/uitnodigen/?laatste=1", {"event": day.slug})
    assert answer.status_code == 303
    added = set(models.Invitee.objects.filter(event=day).values_list("person_id", flat=True))
    assert added == {row.split(",")[0] for row in rows[1:]}
    assert reader.post("/organisatie/bereik/uitnodigen/", {"event": "nergens"}).status_code == 404


def test_anonymised_days_still_count_organisations_and_groups(
    reader: Client, days: list[models.Event]
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from netwerkdag.web.services import privacy

    before = json.loads(reader.get("/organisatie/bereik/bereik.json").content)
    privacy.anonymise_past_events(now=timezone.now() + timedelta(days=1))
    assert not models.Invitee.objects.filter(event__in=days).exclude(person_id="").exists()
    after = json.loads(reader.get("/organisatie/bereik/bereik.json").content)
    assert [e["people"] for e in after["events"]] == [e["people"] for e in before["events"]]
    assert [e["organisations"] for e in after["events"]] == [e["organisations"] for e in before["events"]]
    assert {g: v["per_day"] for g, v in after["groups"].items()} == {
        g: v["per_day"] for g, v in before["groups"].items()
    }
    # A pillar's chair and vice-chairs are members by their id: anonymised, they count through their
    # theme groups only.
    for pillar, v in after["pillars"].items():
        assert all(a <= b for a, b in zip(v["per_day"], before["pillars"][pillar]["per_day"], strict=True))
    # Who came back can no longer be told: everyone is new, and a group's members reached over all days
    # are those still known (none here).
    assert after["events"][-1]["returners"] == 0
    assert after["groups"]["woningmarkt"]["reached"] == 0
