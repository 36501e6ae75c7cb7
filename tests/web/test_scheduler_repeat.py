"""The scheduler page's choice to repeat popular sessions (`scheduling/repeat.py`): ticked, a session
expected to draw more than the largest room seats gets a second run in the plan, with its topic, and the
run's page says so in Dutch; not ticked, nothing is repeated and the run says no room is large enough."""

from __future__ import annotations

import dataclasses
import re

import pytest
from django.test import Client
from tests.web.conftest import run_tasks

from netwerkdag.files.dump import dump_event
from netwerkdag.web import models
from netwerkdag.web.services.editing import draft_revision
from netwerkdag.web.services.programme import draft_event, event_from_document

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = "/organisatie/g40-haarlem-2023/schedule/"
POPULAR = "thema-woningmarkt"


def _popular(day: models.Event) -> None:
    """The draft with 300 expected at the housing market's meeting (the Gravenzaal, 180, is the largest)."""
    core = draft_event(day)
    sessions = tuple(
        dataclasses.replace(s, expected_attendance=300) if s.id == POPULAR else s for s in core.sessions
    )
    day.document = dump_event(dataclasses.replace(core, sessions=sessions))
    day.save()


def _run(organiser: Client, form: dict[str, str]) -> models.SchedulingRun:
    revision = draft_revision(models.Event.objects.get(slug="g40-haarlem-2023").document)
    response = organiser.post(PAGE, {"time_limit": "5", "revision": revision, **form})
    assert response.status_code == 303, response.content
    run_id = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
    run_tasks()
    return models.SchedulingRun.objects.get(pk=run_id)


def test_the_page_offers_the_choice(organiser: Client, day: models.Event) -> None:
    html = organiser.get(PAGE).content.decode()

    assert re.search(r'<input type="checkbox" id="repeat_popular" name="repeat_popular" value="1">', html)
    assert "Laat een sessie twee keer of vaker draaien" in html


def test_a_popular_session_gets_a_second_run(organiser: Client, day: models.Event) -> None:
    _popular(day)

    run = _run(organiser, {"repeat_popular": "1"})

    assert run.status == "done", run.message
    assert run.options == {"repeat_popular": True}
    assert run.result["repeated"][0]["runs"] == [POPULAR, f"{POPULAR}-2"]
    plan = event_from_document(run.plan_document)
    first, second = plan.session(POPULAR), plan.session(f"{POPULAR}-2")
    assert first.topic == second.topic == POPULAR
    assert first.block != second.block
    page = re.sub(r"\s+", " ", organiser.get(f"{PAGE}{run.pk}/").content.decode())
    assert "Sessies die meer dan eens draaien" in page
    assert (
        f"{POPULAR} draait 2 keer ({POPULAR}, {POPULAR}-2): 300 mensen verwacht, en de grootste zaal die "
        "ervoor geschikt is heeft 180 plaatsen."
    ) in page


def test_without_the_choice_nothing_is_repeated(organiser: Client, day: models.Event) -> None:
    _popular(day)

    run = _run(organiser, {})

    assert run.options == {"repeat_popular": False}
    assert run.status == "failed"
    assert "no room seats that many" in run.message
    assert "repeated" not in run.result
