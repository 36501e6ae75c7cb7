"""The demo's history loaded into the database: every day holds the numbers of the committed tables (people
present, seats held, seats taken, evaluations), loading again changes nothing, and a table that does not
fit its days is refused before anything is stored."""

from __future__ import annotations

import csv
import shutil
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from netwerkdag.core.problems import NetwerkdagError
from netwerkdag.web import models
from netwerkdag.web.services import feedback, programme
from netwerkdag.web.services.history import load_history

HISTORY = Path(__file__).resolve().parent.parent.parent / "examples" / "g40-haarlem-2023" / "history"


def rows(name: str, folder: Path = HISTORY) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def snapshot() -> dict[str, object]:
    """Everything loading writes, as comparable values."""
    return {
        "events": sorted(models.Event.objects.values_list("slug", "document")),
        "versions": models.ProgrammeVersion.objects.count(),
        "invitees": sorted(
            models.Invitee.objects.values_list(
                "event__slug", "person_id", "email", "attending", "responded_at", "checked_in_at"
            )
        ),
        "registrations": sorted(
            models.Registration.objects.values_list("invitee_id", "seats_id", "slot", "created_at")
        ),
        "seats": sorted(models.Seats.objects.values_list("event__slug", "session_id", "capacity", "taken")),
        "feedback": sorted(
            models.Feedback.objects.values_list("invitee_id", "day_score", "day_comment", "next_theme")
        ),
        "session_feedback": sorted(
            models.SessionFeedback.objects.values_list("feedback_id", "session_id", "score", "comment")
        ),
    }


@pytest.mark.django_db
def test_history_loaded_holds_the_numbers_of_the_tables() -> None:
    events = load_history(HISTORY)

    attendance, registrations, answers = (
        rows("attendance.csv"),
        rows("registrations.csv"),
        rows("feedback.csv"),
    )
    assert [e.slug for e in events] == [
        "g40-zwolle-2021",
        "g40-eindhoven-2022",
        "g40-leeuwarden-2022",
        "g40-nijmegen-2022",
    ]
    for event in events:
        slug = event.slug
        people = models.Invitee.objects.filter(event=event)
        present = {r["person"] for r in attendance if r["event"] == slug}
        registered = [r for r in registrations if r["event"] == slug]
        held = models.Registration.objects.filter(seats__event=event)
        rated = [r for r in answers if r["event"] == slug]
        per_session = Counter(r["session"] for r in registered)

        assert event.published is not None
        assert event.published.number == 1
        assert people.count() == 271
        assert set(people.exclude(email__endswith="@example.invalid").values_list("email", flat=True)) == {
            "noor.van.dijk@example.org",
            "ruben.smit@example.org",
        }
        assert set(people.filter(checked_in_at__isnull=False).values_list("person_id", flat=True)) == present
        assert set(people.filter(attending="yes").values_list("person_id", flat=True)) == {
            r["person"] for r in registered
        }
        assert sorted(held.values_list("invitee__person_id", "seats__session_id")) == sorted(
            (r["person"], r["session"]) for r in registered
        )
        assert {s.session_id: s.taken for s in models.Seats.objects.filter(event=event) if s.taken} == dict(
            per_session
        )
        assert all(
            s.capacity is None or s.taken <= s.capacity for s in models.Seats.objects.filter(event=event)
        )
        assert sorted(
            models.Feedback.objects.filter(invitee__event=event).values_list(
                "invitee__person_id", "day_score", "day_comment", "next_theme"
            )
        ) == sorted(
            (r["person"], int(r["score"]), r["comment"], r["next_theme"]) for r in rated if not r["session"]
        )
        assert sorted(
            models.SessionFeedback.objects.filter(feedback__invitee__event=event).values_list(
                "feedback__invitee__person_id", "session_id", "score", "comment"
            )
        ) == sorted((r["person"], r["session"], int(r["score"]), r["comment"]) for r in rated if r["session"])
        checked_in = people.filter(checked_in_at__isnull=False).values_list("checked_in_at", flat=True)
        assert all(event.starts_at <= t < event.ends_at for t in checked_in)
        responded = people.filter(attending="yes").values_list("responded_at", flat=True)
        assert all(t is not None and t < event.starts_at for t in responded)


@pytest.mark.django_db
def test_history_attended_sessions_are_what_the_evaluation_rule_finds() -> None:
    events = load_history(HISTORY)

    expected: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in rows("attendance.csv"):
        if r["session"]:
            expected[(r["event"], r["person"])].add(r["session"])
    for event in events:
        core = programme.draft_event(event)
        people = models.Invitee.objects.filter(event=event, checked_in_at__isnull=False).order_by("person_id")
        for person in people[:25]:
            assert set(feedback.attended_sessions(person, core)) == expected[(event.slug, person.person_id)]


@pytest.mark.django_db
def test_history_loaded_twice_changes_nothing() -> None:
    first = load_history(HISTORY)
    before = snapshot()

    again = load_history(HISTORY)

    assert [e.pk for e in again] == [e.pk for e in first]
    assert snapshot() == before


@pytest.mark.django_db
def test_history_a_row_that_does_not_fit_is_refused_before_anything_is_stored(tmp_path: Path) -> None:
    folder = tmp_path / "history"
    shutil.copytree(HISTORY, folder)
    lines = (folder / "attendance.csv").read_text("utf-8").splitlines()
    lines.insert(3, "g40-zwolle-2021,niemand-bekend,")
    (folder / "attendance.csv").write_text("\n".join(lines) + "\n", "utf-8")

    with pytest.raises(NetwerkdagError) as raised:
        load_history(folder)

    problem = raised.value.problems[0]
    assert problem.message == "'niemand-bekend' is not in the network"
    assert (problem.location.line, problem.location.column) == (4, 2)
    assert models.Event.objects.count() == 0


@pytest.mark.django_db
def test_history_more_registrations_than_seats_are_refused_and_the_day_is_not_stored(tmp_path: Path) -> None:
    folder = tmp_path / "history"
    shutil.copytree(HISTORY, folder)
    day = folder / "g40-nijmegen-2022.yaml"
    day.write_text(day.read_text("utf-8").replace("capacity: 50}", "capacity: 5}"), "utf-8")

    with pytest.raises(NetwerkdagError) as raised:
        load_history(folder)

    assert "whose room seats 5" in raised.value.problems[0].message
    assert list(models.Event.objects.order_by("starts_at").values_list("slug", flat=True)) == [
        "g40-zwolle-2021",
        "g40-eindhoven-2022",
        "g40-leeuwarden-2022",
    ]
    assert models.Registration.objects.filter(seats__event__slug="g40-nijmegen-2022").count() == 0
