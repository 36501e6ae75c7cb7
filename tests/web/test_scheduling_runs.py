"""The scheduler from the web app: started in the background, its progress readable from the database,
its plan accepted into the draft or rejected; registrations count as interests."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from tests.web.conftest import MakeInvitee

from netwerkdag.core.interests import Reason
from netwerkdag.web import models
from netwerkdag.web.services import registration, scheduling
from netwerkdag.web.services.programme import draft_event

pytestmark = pytest.mark.django_db(transaction=True)


def _finished(run_id: int, within_s: float = 60) -> models.SchedulingRun:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        run = models.SchedulingRun.objects.get(pk=run_id)
        if run.status not in ("queued", "running"):
            return run
        time.sleep(0.2)
    raise AssertionError("the run did not finish")


def test_a_run_in_the_background_then_accepted(organiser: Client, day: models.Event) -> None:
    response = organiser.post("/organisatie/g40-haarlem-2023/schedule/", {"time_limit": "5"})
    assert response.status_code == 303
    run_url = response["Location"]
    run_id = int(run_url.rstrip("/").rsplit("/", 1)[1])
    progress = organiser.get(run_url + "progress.json").json()
    assert progress["status"] in ("queued", "running", "done")
    run = _finished(run_id)

    assert run.status == "done", run.message
    assert run.result["status"] == "optimal"  # the Haarlem day is proven optimal in well under a second
    assert run.result["objective"] >= run.result["bound"]
    page = organiser.get(run_url).content.decode()
    assert "Het plan overnemen als concept" in page

    assert organiser.post(run_url + "decision/", {"decision": "accept"}).status_code == 303
    day.refresh_from_db()
    assert day.document == run.plan_document
    assert models.SchedulingRun.objects.get(pk=run_id).status == "accepted"
    assert models.AuditEntry.objects.filter(action="schedule-accept").exists()


def test_a_rejected_plan_leaves_the_draft(organiser: Client, day: models.Event) -> None:
    before = day.document
    run = scheduling.start(day, 3)
    run = _finished(run.pk)
    organiser.post(f"/organisatie/g40-haarlem-2023/schedule/{run.pk}/decision/", {"decision": "reject"})
    day.refresh_from_db()
    assert day.document == before
    assert models.SchedulingRun.objects.get(pk=run.pk).status == "rejected"


def test_a_plan_for_an_older_draft_cannot_be_accepted(day: models.Event) -> None:
    run = _finished(scheduling.start(day, 3).pk)
    models.Event.objects.filter(pk=day.pk).update(document=day.document + "\n# edited meanwhile\n")
    with pytest.raises(scheduling.StaleDraft):
        scheduling.accept(run)


def test_registrations_count_as_interests(day: models.Event, make_invitee: MakeInvitee) -> None:
    outsider, _ = make_invitee()
    member, _ = make_invitee(person_id="cathalijne-dortmans")
    registration.choose(outsider, "ronde-2", "thema-veiligheid")
    registration.choose(member, "ronde-2", "thema-woningmarkt")
    found = {(i.person, i.session, i.reason) for i in scheduling.registered_interests(day, draft_event(day))}
    assert found == {
        (f"invitee-{outsider.pk}", "thema-veiligheid", Reason.REGISTERED),
        ("cathalijne-dortmans", "thema-woningmarkt", Reason.REGISTERED),
    }
