"""The scheduler from the web app: queued for a worker, its progress readable from the database, its plan
accepted into the draft or rejected; one run per event at a time and a limit for the site; a run whose
worker stopped is started again once, then failed; registrations count as interests."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.web.conftest import MakeInvitee, run_tasks

from netwerkdag.core.interests import Reason
from netwerkdag.web import models
from netwerkdag.web.services import registration, scheduling
from netwerkdag.web.services.programme import draft_event

pytestmark = pytest.mark.django_db(transaction=True)


def _finished(run_id: int) -> models.SchedulingRun:
    """The run after a worker did the work queued."""
    assert models.SchedulingRun.objects.get(pk=run_id).status == "queued"  # nothing runs in the request
    run_tasks()
    return models.SchedulingRun.objects.get(pk=run_id)


def test_a_run_in_the_background_then_accepted(organiser: Client, day: models.Event) -> None:
    response = organiser.post("/organisatie/g40-haarlem-2023/schedule/", {"time_limit": "5"})
    assert response.status_code == 303
    run_url = response["Location"]
    run_id = int(run_url.rstrip("/").rsplit("/", 1)[1])
    progress = organiser.get(run_url + "progress.json").json()
    assert progress["status"] == "queued"
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


def test_one_run_per_event_at_a_time(organiser: Client, day: models.Event) -> None:
    first = scheduling.start(day, 3)
    with pytest.raises(scheduling.Busy, match="already going"):
        scheduling.start(day, 3)
    response = organiser.post("/organisatie/g40-haarlem-2023/schedule/", {"time_limit": "5"}, follow=True)
    assert "al bezig" in response.content.decode()
    assert models.SchedulingRun.objects.filter(event=day).count() == 1
    _finished(first.pk)
    assert scheduling.start(day, 3).status == "queued"  # once it ended, the next may start


def test_the_site_takes_a_limited_number_of_runs(
    day: models.Event, haarlem_text: str, settings: object
) -> None:
    from netwerkdag.web.services import programme

    settings.NETWERKDAG_SCHEDULER_RUNS = 2  # type: ignore[attr-defined]
    events = [
        programme.import_event(haarlem_text.replace("slug: g40-haarlem-2023", f"slug: dag-{n}"), "e.yaml")
        for n in range(3)
    ]
    scheduling.start(events[0], 3)
    scheduling.start(events[1], 3)
    with pytest.raises(scheduling.Busy, match="busy with other events"):
        scheduling.start(events[2], 3)


def test_a_run_whose_worker_stopped_is_started_again_once(day: models.Event) -> None:
    run = scheduling.start(day, 3)
    # A worker took it and stopped: running, one attempt made.
    models.SchedulingRun.objects.filter(pk=run.pk).update(status="running", attempts=1)
    scheduling.recover(run.pk)
    assert _finished(run.pk).status == "done"

    second = scheduling.start(day, 3)
    models.SchedulingRun.objects.filter(pk=second.pk).update(status="running", attempts=2)
    scheduling.recover(second.pk)
    second.refresh_from_db()
    assert second.status == "failed"
    assert "stopped" in second.message
