"""Placing the accepted meetings of the networking room from the web app (issue 20): a worker's run
builds the problem from the database, places the meetings, writes the placements, its report and one
mail per person of a new or moved meeting in one transaction; a re-run moves nothing needlessly, a failed
run changes nothing, a meeting that can no longer be placed is reported with why and its people are told;
the meetings show in the personal programme (page, PDF, .ics), on the badges and on the organiser's page,
which only the event's organisers open. Requests and answers are made through the models here (the pages
where people ask and answer are services/networking.py's)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
import yaml
from django.contrib.auth.models import User
from django.core import mail as django_mail
from django.test import Client
from django.utils import timezone
from tests.web.conftest import MakeInvitee, run_tasks

from netwerkdag.scheduling import meetings as solver
from netwerkdag.web import models
from netwerkdag.web.services import badges, meetings, programme, registration
from netwerkdag.web.services.personal import personal_ical, personal_pdf, personal_programme

pytestmark = pytest.mark.django_db(transaction=True)

Kind = models.OutgoingMail.Kind
PAGE = "/organisatie/g40-haarlem-2023/netwerktafels/"
PRINT = "/organisatie/g40-haarlem-2023/netwerktafels/afdrukken/"
#: The Haarlem example's tables, open from the first round on (so that every meeting overlaps a session
#: some of its people could register for).
TABLES = {
    "id": "netwerktafels",
    "name": "Netwerktafels in de hal",
    "tables": 8,
    "seats": 4,
    "open": [{"start": "10:30", "end": "16:00"}],
    "step": 15,
    "transfer": 5,
}
#: A session per part of the day to register someone for, with its slot.
SESSIONS = [
    ("ronde-1", "pijler-sociaal"),
    ("ronde-2", "thema-mkb-vernieuwing"),
    ("session:lunch-gezamenlijk", "lunch-gezamenlijk"),
    ("ronde-3", "thema-sterke-keten"),
    ("ronde-4", "thema-europa"),
]


def with_tables(event: models.Event, space: dict[str, Any] | None = None) -> models.Event:
    """The event's programme published again with the networking space `space` (default TABLES)."""
    data = yaml.safe_load(event.document)
    data["event"]["networking"] = [space or TABLES]
    event.document = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    event.save()
    programme.publish(event)
    return event


@pytest.fixture
def tables(day: models.Event) -> models.Event:
    return with_tables(day)


def ask(
    requester: models.Invitee,
    others: list[models.Invitee],
    *,
    minutes: int = 30,
    subject: str = "Wonen",
    accepted: bool = True,
) -> models.MeetingRequest:
    request = models.MeetingRequest.objects.create(
        event=requester.event, requester=requester, subject=subject, minutes=minutes
    )
    for other in others:
        models.MeetingAnswer.objects.create(
            request=request,
            invitee=other,
            answer="accepted" if accepted else "pending",
            answered_at=timezone.now() if accepted else None,
        )
    return request


def people(make_invitee: MakeInvitee, n: int) -> list[models.Invitee]:
    return [make_invitee(name=f"Deelnemer {chr(65 + i)}", attending="yes")[0] for i in range(n)]


def place(event: models.Event) -> models.MeetingRun:
    """A placement queued and done by a worker, as the organiser's button does it."""
    run = meetings.start(event)
    assert models.MeetingRun.objects.get(pk=run.pk).status == "queued"  # nothing runs in the request
    run_tasks()
    run.refresh_from_db()
    return run


def queued(event: models.Event) -> models.MeetingRun:
    """The placement a change queued by itself (after the organisers' first one)."""
    return models.MeetingRun.objects.get(event=event, status="queued")


def placed_again(event: models.Event) -> models.MeetingRun:
    """The placement a change queued by itself, done by a worker."""
    run = queued(event)
    run_tasks()
    run.refresh_from_db()
    return run


def placements(event: models.Event) -> dict[int, tuple[str, datetime, datetime, datetime | None]]:
    return {
        p.request_id: (p.table, p.start, p.end, p.announced_at)
        for p in models.MeetingPlacement.objects.filter(request__event=event)
    }


def placed_mails(**filters: Any) -> list[models.OutgoingMail]:
    return list(models.OutgoingMail.objects.filter(kind=Kind.MEETING_PLACED, **filters).order_by("pk"))


def busy_windows(invitee: models.Invitee) -> list[tuple[datetime, datetime]]:
    core = programme.published_event(invitee.event)
    assert core is not None
    return [
        (core.session(s).start, core.session(s).end)
        for s in models.Registration.objects.filter(invitee=invitee).values_list(
            "seats__session_id", flat=True
        )
    ]


def overlapping_session(event: models.Event, start: datetime, end: datetime) -> tuple[str, str]:
    """A session (slot, id) of SESSIONS within five minutes of [start, end)."""
    core = programme.published_event(event)
    assert core is not None
    gap = timedelta(minutes=5)
    for slot, session_id in SESSIONS:
        s = core.session(session_id)
        if s.start < end + gap and start - gap < s.end:
            return slot, session_id
    raise AssertionError(f"no session near {start}-{end}")


# --- the run end to end ------------------------------------------------------------------------------------


def test_a_run_places_the_accepted_meetings_and_tells_their_people(
    tables: models.Event, make_invitee: MakeInvitee, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, c, d, e = people(make_invitee, 5)
    registration.choose(b, "ronde-1", "pijler-sociaal")
    registration.choose(b, "ronde-2", "thema-mkb-vernieuwing")
    housing = ask(a, [b], subject="Wonen in de regio")
    energy = ask(c, [d, a], minutes=15, subject="Energie")
    pending = ask(e, [a], accepted=False)  # nobody accepted yet: not placed
    cancelled = ask(e, [c])
    models.MeetingRequest.objects.filter(pk=cancelled.pk).update(cancelled_at=timezone.now())
    django_mail.outbox.clear()

    run = place(tables)
    assert run.status == "done", run.message
    found = placements(tables)
    assert set(found) == {housing.pk, energy.pk}
    assert pending.pk not in found
    assert cancelled.pk not in found
    # Nobody is in a session then, with five minutes to walk; nobody in two meetings at once.
    gap = timedelta(minutes=5)
    for request, person_list in ((housing, [a, b]), (energy, [c, d, a])):
        table, start, end, announced = found[request.pk]
        assert announced is not None
        assert table.startswith("tafel-")
        assert end - start == timedelta(minutes=request.minutes)
        for person in person_list:
            for s, e_ in busy_windows(person):
                assert end + gap <= s or e_ + gap <= start, (person.name, start, s)
    (_, s1, e1, _), (_, s2, e2, _) = found[housing.pk], found[energy.pk]
    assert e1 <= s2 or e2 <= s1  # A is in both

    # The report: the solver's result, nothing unplaced.
    assert run.report["status"] == "optimal"
    assert run.report["placed"] == run.report["bound"] == 2
    assert run.report["unplaced_meetings"] == []
    assert run.report["space"] == "netwerktafels"

    # One mail per person per meeting, written in the run's transaction, sent by a worker in Dutch.
    assert sorted(m.invitee.name for m in placed_mails()) == sorted(
        ["Deelnemer A", "Deelnemer B", "Deelnemer C", "Deelnemer D", "Deelnemer A"]
    )
    run_tasks()
    sent = [m for m in django_mail.outbox if "gesprek" in m.subject]
    assert len(sent) == 5
    to_b = next(m for m in sent if m.to == [b.email])
    assert to_b.subject == f"Een tafel en een tijd voor uw gesprek: {tables.title}"
    assert "Wonen in de regio" in to_b.body
    assert "Deelnemer A" in to_b.body
    assert "Netwerktafels in de hal" in to_b.body
    table_name = "Tafel " + found[housing.pk][0].removeprefix("tafel-")
    assert table_name in to_b.body

    # The personal programme: the page's lines, the PDF, the .ics.
    core = programme.published_event(tables)
    assert core is not None
    lines = [
        line for line in personal_programme(core, a, "nl").lines if line.session_id.startswith("meeting-")
    ]
    expected = [
        "Gesprek met Deelnemer B: Wonen in de regio",
        "Gesprek met Deelnemer C en Deelnemer D: Energie",
    ]
    assert [line.title for line in lines] == (expected if s1 < s2 else expected[::-1])
    assert all(line.place.startswith("Netwerktafels in de hal, Tafel ") for line in lines)
    english = personal_programme(core, b, "en").lines
    assert any(line.title == "Meeting with Deelnemer A: Wonen in de regio" for line in english)
    ics = personal_ical(core, a, "nl").decode()
    assert ics.count("BEGIN:VEVENT") == len(personal_programme(core, a, "nl").lines)
    assert f"UID:meeting-{housing.pk}@g40-haarlem-2023.netwerkdag" in ics
    assert f"LOCATION:Netwerktafels in de hal\\, {table_name}" in ics
    assert personal_pdf(core, a, "nl").startswith(b"%PDF")
    # Someone without meetings has none; the one who did not accept has none of theirs.
    assert not [
        line for line in personal_programme(core, e, "nl").lines if line.session_id.startswith("meeting-")
    ]

    # The badge's first meeting: A's earlier one.
    first = meetings.first_meetings(tables, [a.pk, e.pk])
    assert set(first) == {a.pk}
    assert first[a.pk][0] == min(s1, s2)
    sheets: list[str] = []
    monkeypatch.setattr(badges, "accessible_pdf", lambda html: sheets.append(html) or b"%PDF")
    badges.badges_pdf(tables, [a, e])
    first_time = min(s1, s2).astimezone(core.tz)
    assert f"Eerste gesprek: {first_time.hour}.{first_time.minute:02d}, Tafel " in sheets[0]
    assert sheets[0].count("Eerste gesprek") == 1  # E has none


def test_the_problem_holds_registrations_parts_and_what_was_announced(
    tables: models.Event, make_invitee: MakeInvitee
) -> None:
    """People by their person id in the network (busy in the sessions they have a part in), else
    invitee:<pk>; announced placements passed to the solver, so that it moves as few as it can."""
    karin, _ = make_invitee(name="Karin Schrederhof", person_id="karin-schrederhof", attending="yes")
    gone, _ = make_invitee(name="Weg", attending="yes")
    no, _ = make_invitee(name="Nee", attending="no")
    x, y = people(make_invitee, 2)
    registration.choose(x, "ronde-3", "thema-sterke-keten")
    first = ask(karin, [x])
    ask(x, [gone])
    ask(y, [no])
    models.Invitee.objects.filter(pk=gone.pk).update(withdrawn_at=timezone.now())
    core = programme.published_event(tables)
    assert core is not None
    space = meetings.space_of(core)
    assert space is not None
    built = meetings.build(tables, core, space)
    assert [m.id for m in built.problem.meetings] == [str(first.pk)]  # nobody left to meet in the others
    assert built.problem.meetings[0].people == ("karin-schrederhof", f"invitee:{x.pk}")
    assert {b.what for b in built.problem.busy["karin-schrederhof"]} == {"thema-woningmarkt"}  # she chairs
    assert {b.what for b in built.problem.busy[f"invitee:{x.pk}"]} == {"thema-sterke-keten"}
    assert built.problem.announced == {}
    place(tables)
    built = meetings.build(tables, core, space)
    table, start, end, _ = placements(tables)[first.pk]
    assert built.problem.announced == {str(first.pk): solver.Placement(str(first.pk), table, start, end)}


def test_a_rerun_after_a_cancelled_registration_moves_nothing(
    tables: models.Event, make_invitee: MakeInvitee
) -> None:
    group = people(make_invitee, 8)
    for person in group:
        for slot, session in SESSIONS[:2]:
            registration.choose(person, slot, session)
    for i in range(0, 8, 2):
        ask(group[i], [group[i + 1]])
        ask(group[i], [group[(i + 3) % 8]], minutes=15, subject="Vervolg")
    run = place(tables)
    assert run.status == "done", run.message
    before = placements(tables)
    assert len(before) == 8
    mails_before = len(placed_mails())
    # Someone gives up a round: a re-run keeps every meeting where it is, and mails nobody.
    registration.choose(group[0], "ronde-1", None)
    again = placed_again(tables)
    assert again.status == "done", again.message
    assert again.report["moved"] == 0
    assert placements(tables) == before  # the same tables, times and moments of announcement
    assert len(placed_mails()) == mails_before


def test_a_meeting_that_must_move_moves_alone_and_its_people_are_told(
    tables: models.Event, make_invitee: MakeInvitee
) -> None:
    a, b, c, d = people(make_invitee, 4)
    moving = ask(a, [b])
    staying = ask(c, [d])
    place(tables)
    before = placements(tables)
    # B registers for a session at the time of their meeting: it must move, the other one need not.
    slot, session = overlapping_session(tables, before[moving.pk][1], before[moving.pk][2])
    django_mail.outbox.clear()
    registration.choose(b, slot, session)
    run = placed_again(tables)
    assert run.status == "done", run.message
    after = placements(tables)
    assert after[staying.pk] == before[staying.pk]
    assert after[moving.pk][:3] != before[moving.pk][:3]
    assert run.report["moved"] == 1
    moved = placed_mails(context__change="moved")
    assert sorted(m.invitee_id for m in moved) == [a.pk, b.pk]
    assert moved[0].context["before"]["start"] == before[moving.pk][1].isoformat()
    assert not placed_mails(invitee__in=[c, d], context__change="moved")
    run_tasks()
    to_a = next(m for m in django_mail.outbox if m.to == [a.email])
    assert to_a.subject == f"Uw gesprek is verplaatst: {tables.title}"
    assert "Het was:" in to_a.body


def test_a_failed_run_changes_nothing(
    tables: models.Event, make_invitee: MakeInvitee, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, c, d = people(make_invitee, 4)
    moving = ask(a, [b])
    ask(c, [d])
    place(tables)
    before = placements(tables)
    mails_before = [m.pk for m in placed_mails()]
    slot, session = overlapping_session(tables, before[moving.pk][1], before[moving.pk][2])
    registration.choose(b, slot, session)
    ask(a, [c], subject="Nieuw")

    # Writing the second mail fails: the placements written before it are rolled back with it.
    calls: list[int] = []
    real_queue = meetings.mail.queue

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the outbox is broken")
        return real_queue(*args, **kwargs)

    monkeypatch.setattr(meetings.mail, "queue", failing)
    run = queued(tables)  # the seat B took queued it
    with pytest.raises(RuntimeError):
        meetings.execute(run.pk)
    run.refresh_from_db()
    assert run.status == "failed"
    assert "RuntimeError" in run.message
    assert placements(tables) == before
    assert [m.pk for m in placed_mails()] == mails_before
    monkeypatch.setattr(meetings.mail, "queue", real_queue)

    # A solver that finds nothing in time: failed with the reason, nothing changed.
    def nothing(problem: solver.MeetingProblem, **_: Any) -> solver.Result:
        return solver.Result(solver.Status.UNKNOWN, (), (), 0, 0, 0, 0.1)

    monkeypatch.setattr(meetings.solver, "solve", nothing)
    run = meetings.start(tables)
    assert meetings.execute(run.pk) == "failed"
    run.refresh_from_db()
    assert run.message == "unknown"
    assert placements(tables) == before
    assert [m.pk for m in placed_mails()] == mails_before
    assert meetings.start(tables).status == "queued"  # and the organiser may place again


def test_a_meeting_that_can_no_longer_be_placed_is_reported_and_its_people_told(
    tables: models.Event, make_invitee: MakeInvitee, organiser: Client
) -> None:
    a, b, c, d, e = people(make_invitee, 5)
    big = ask(a, [b, c, d], subject="Samen")
    place(tables)
    assert big.pk in placements(tables)
    # A fifth accepts: no table seats five.
    models.MeetingAnswer.objects.create(request=big, invitee=e, answer="accepted", answered_at=timezone.now())
    run = place(tables)
    assert run.status == "done", run.message
    assert big.pk not in placements(tables)
    [unplaced] = run.report["unplaced_meetings"]
    assert unplaced["meeting"] == str(big.pk)
    assert unplaced["reason"] == "no-table"
    told = placed_mails(context__change="unplaced")
    assert sorted(m.invitee_id for m in told) == sorted([a.pk, b.pk, c.pk, d.pk])  # not E, never told
    page = organiser.get(PAGE).content.decode()
    assert "Geen tafel heeft plaats voor alle 5." in page
    assert "Samen" in page
    run_tasks()
    to_b = next(m for m in django_mail.outbox if m.to == [b.email] and "niet meer" in m.subject)
    assert to_b.subject == f"Uw gesprek kan niet meer doorgaan: {tables.title}"


def test_who_is_busy_when_is_said_in_words(
    tables: models.Event, make_invitee: MakeInvitee, organiser: Client
) -> None:
    """The state secretary is there only 15.00-15.45, in his own conversation: no common time."""
    eric, _ = make_invitee(name="Eric van der Burg", person_id="eric-van-der-burg", attending="yes")
    x = people(make_invitee, 1)[0]
    ask(x, [eric], subject="Asiel")
    run = place(tables)
    [unplaced] = run.report["unplaced_meetings"]
    assert unplaced["reason"] == "no-common-time"
    page = organiser.get(PAGE).content.decode()
    assert "Ze zijn nooit allemaal vrij en aanwezig terwijl de tafels open zijn." in page
    assert "Eric van der Burg: niet op de dag aanwezig, 10.30-15.00" in page
    assert "Eric van der Burg: Gesprek met staatssecretaris Eric van der Burg, 15.00-15.45" in page
    english = organiser.get(PAGE + "?lang=en").content.decode()
    assert "They are never all free and present while the tables are open." in english
    assert "Eric van der Burg: not at the event, 10:30-15:00" in english


def test_a_withdrawal_takes_the_meeting_out_and_tells_the_others(
    tables: models.Event, make_invitee: MakeInvitee
) -> None:
    a, b = people(make_invitee, 2)
    request = ask(a, [b])
    place(tables)
    models.Invitee.objects.filter(pk=b.pk).update(withdrawn_at=timezone.now())
    run = place(tables)
    assert run.status == "done"
    assert request.pk not in placements(tables)
    assert [m.invitee_id for m in placed_mails(context__change="unplaced")] == [a.pk]
    core = programme.published_event(tables)
    assert core is not None
    assert not meetings.meeting_lines(core, a, "nl")


def test_a_meeting_changed_while_the_solver_ran_waits_for_the_next_run(
    tables: models.Event, make_invitee: MakeInvitee, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, c = people(make_invitee, 3)
    request = ask(a, [b])
    real_solve = meetings.solver.solve

    def meanwhile(problem: solver.MeetingProblem, **options: Any) -> solver.Result:
        result = real_solve(problem, **options)
        # C accepts while the solver runs: the plan did not look at C's sessions.
        models.MeetingAnswer.objects.create(
            request=request, invitee=c, answer="accepted", answered_at=timezone.now()
        )
        return result

    monkeypatch.setattr(meetings.solver, "solve", meanwhile)
    run = meetings.start(tables)
    meetings.execute(run.pk)
    run.refresh_from_db()
    assert run.status == "done"
    assert run.report["again"] is True
    assert request.pk not in placements(tables)
    assert not placed_mails()
    monkeypatch.setattr(meetings.solver, "solve", real_solve)
    follow = models.MeetingRun.objects.get(event=tables, status="queued")
    run_tasks()
    follow.refresh_from_db()
    assert follow.status == "done"
    assert request.pk in placements(tables)
    assert sorted(m.invitee_id for m in placed_mails()) == sorted([a.pk, b.pk, c.pk])


# --- the organiser's page --------------------------------------------------------------------------------


def test_the_organiser_places_and_sees_the_plan(
    tables: models.Event, make_invitee: MakeInvitee, organiser: Client
) -> None:
    a, b, c, d = people(make_invitee, 4)
    ask(a, [b], subject="Woningbouw <script>")
    ask(c, [d], subject="Bereikbaarheid")
    page = organiser.get(PAGE).content.decode()
    assert "Nog geen gesprek geplaatst." in page
    response = organiser.post(PAGE, {"action": "place"})
    assert response.status_code == 303
    assert models.AuditEntry.objects.filter(action="place-meetings").exists()
    page = organiser.get(PAGE).content.decode()
    assert "wacht op een worker" in page or "staat klaar" in page
    assert organiser.post(PAGE, {"action": "place"}, follow=True).status_code == 200
    assert models.MeetingRun.objects.count() == 1  # one at a time
    run_tasks()
    page = organiser.get(PAGE).content.decode()
    assert "Tafelindeling" in page
    assert "Deelnemer A, Deelnemer B" in page
    assert "Woningbouw &lt;script&gt;" in page  # subjects escaped, shown to organisers
    assert "Woningbouw <script>" not in page
    sign = organiser.get(PRINT).content.decode()
    assert "Deelnemer A, Deelnemer B" in sign
    assert "Woningbouw" not in sign
    assert "Bereikbaarheid" not in sign
    assert "Tafel 1" in sign
    event_page = organiser.get("/organisatie/g40-haarlem-2023/").content.decode()
    assert PAGE in event_page


def test_without_a_networking_space_nothing_is_queued(day: models.Event, organiser: Client) -> None:
    core = programme.published_event(day)
    if core is not None and core.networking:  # the example's tables, where the file keeps them: taken out
        data = yaml.safe_load(day.document)
        data["event"].pop("networking", None)
        day.document = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        day.save()
        programme.publish(day)
    with pytest.raises(meetings.Refused, match="networking space"):
        meetings.start(day)
    response = organiser.post(PAGE, {"action": "place"}, follow=True)
    assert "geen netwerkruimte" in response.content.decode()
    assert not models.MeetingRun.objects.exists()


def test_only_the_events_organisers_open_the_pages(
    tables: models.Event, organiser: Client, csrf_client: Client
) -> None:
    for url in (PAGE, PRINT):
        assert organiser.get(url).status_code == 200
        anonymous = Client().get(url)
        assert anonymous.status_code == 302
        assert "/organisatie/login/" in anonymous["Location"]
    other = User.objects.create(username="otto")
    stranger = Client()
    stranger.force_login(other)
    for url in (PAGE, PRINT):
        assert stranger.get(url).status_code == 404
    assert stranger.post(PAGE, {"action": "place"}).status_code == 404
    assert Client().post(PAGE, {"action": "place"}).status_code == 302
    # Without the CSRF token, the organiser's own POST is refused.
    csrf_client.force_login(User.objects.get(username="olga"))
    assert csrf_client.post(PAGE, {"action": "place"}).status_code == 403
    assert not models.MeetingRun.objects.exists()


def test_a_run_whose_worker_stopped_is_started_again_once(tables: models.Event) -> None:
    from netwerkdag.web import tasks

    run = meetings.start(tables)
    models.MeetingRun.objects.filter(pk=run.pk).update(status="running", attempts=1)
    tasks.recover(tasks.run_meetings.module_path, [run.pk])
    run.refresh_from_db()
    assert run.status == "queued"
    models.MeetingRun.objects.filter(pk=run.pk).update(status="running", attempts=meetings.MAX_ATTEMPTS)
    meetings.recover(run.pk)
    run.refresh_from_db()
    assert run.status == "failed"
    assert run.message == "stopped"


# --- after the review --------------------------------------------------------------------------------------


def test_a_person_id_that_reads_like_an_invitee_is_someone_else(
    tables: models.Event, make_invitee: MakeInvitee
) -> None:
    """A person id may be "invitee-5" (lowercase letters, digits, hyphens): it is not invitee 5."""
    x = people(make_invitee, 1)[0]
    y, _ = make_invitee(name="Yvonne Netwerk", person_id=f"invitee-{x.pk}", attending="yes")
    ask(x, [y])
    core = programme.published_event(tables)
    assert core is not None
    space = meetings.space_of(core)
    assert space is not None
    built = meetings.build(tables, core, space)
    [meeting] = built.problem.meetings
    assert meeting.people == (f"invitee:{x.pk}", f"invitee-{x.pk}")
    by_key = meetings.names_by_key(tables)
    assert by_key[f"invitee:{x.pk}"] == "Deelnemer A"
    assert by_key[f"invitee-{x.pk}"] == "Yvonne Netwerk"
    run = place(tables)
    assert run.status == "done", run.message
    assert run.report["placed"] == 1


def test_answers_before_the_first_placement_queue_nothing(
    tables: models.Event, make_invitee: MakeInvitee, organiser: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = people(make_invitee, 2)
    ask(a, [b])
    assert meetings.queue_placement(tables) is None
    assert not models.MeetingRun.objects.exists()
    # A run that failed is no placement either.
    failing = models.MeetingRun.objects.create(event=tables, status="failed", message="unknown")
    assert meetings.queue_placement(tables) is None
    assert list(models.MeetingRun.objects.all()) == [failing]
    page = organiser.get(PAGE).content.decode()
    assert "Na de eerste plaatsing worden wijzigingen vanzelf geplaatst" in page
    english = organiser.get(PAGE + "?lang=en").content.decode()
    assert "After the first placement, changes are placed automatically" in english
    # Once the organiser placed, a change queues a run, one at a time.
    assert place(tables).status == "done"
    queued = meetings.queue_placement(tables)
    assert queued is not None
    assert queued.status == "queued"
    assert meetings.queue_placement(tables) is None
    run_tasks()
    queued.refresh_from_db()
    assert queued.status == "done"


def test_the_problem_reads_who_comes_once(
    tables: models.Event, make_invitee: MakeInvitee, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone withdraws while the problem is built: the meetings and their keys agree all the same."""
    a, b = people(make_invitee, 2)
    request = ask(a, [b])
    real_coming = meetings._coming
    calls: list[int] = []

    def coming_then_withdraw(event: models.Event) -> dict[int, str]:
        found = real_coming(event)
        calls.append(1)
        models.Invitee.objects.filter(pk=b.pk).update(withdrawn_at=timezone.now())
        return found

    monkeypatch.setattr(meetings, "_coming", coming_then_withdraw)
    core = programme.published_event(tables)
    assert core is not None
    space = meetings.space_of(core)
    assert space is not None
    built = meetings.build(tables, core, space)
    assert len(calls) == 1
    assert [m.id for m in built.problem.meetings] == [str(request.pk)]
    assert built.problem.meetings[0].people == (f"invitee:{a.pk}", f"invitee:{b.pk}")


def test_a_cancelled_meeting_that_was_announced_tells_who_was_told(
    tables: models.Event, make_invitee: MakeInvitee
) -> None:
    a, b, c, d = people(make_invitee, 4)
    request = ask(a, [b, c], subject="Groen in de wijk")
    place(tables)
    assert request.pk in placements(tables)
    before = placements(tables)[request.pk]
    # D is asked later and never answers; C withdraws; then A calls the request off.
    models.MeetingAnswer.objects.create(request=request, invitee=d, answer="pending")
    models.Invitee.objects.filter(pk=c.pk).update(withdrawn_at=timezone.now())
    models.MeetingRequest.objects.filter(pk=request.pk).update(cancelled_at=timezone.now())
    django_mail.outbox.clear()
    run = place(tables)
    assert run.status == "done", run.message
    assert request.pk not in placements(tables)
    told = placed_mails(context__change="unplaced")
    assert sorted(m.invitee_id for m in told) == sorted([a.pk, b.pk])  # not C (withdrew), not D (never told)
    assert told[0].context["before"]["start"] == before[1].isoformat()
    run_tasks()
    to_b = next(m for m in django_mail.outbox if m.to == [b.email])
    assert to_b.subject == f"Uw gesprek kan niet meer doorgaan: {tables.title}"
    assert "Uw gesprek met Deelnemer A over “Groen in de wijk” is ingetrokken" in to_b.body
    assert "Het was:" in to_b.body
    to_a = next(m for m in django_mail.outbox if m.to == [a.email])
    assert "Uw gesprek met Deelnemer B over “Groen in de wijk” is ingetrokken" in to_a.body
    assert "Deelnemer C" not in to_a.body
    # A second run tells nobody again.
    count = len(placed_mails())
    assert place(tables).status == "done"
    assert len(placed_mails()) == count


def test_a_search_that_finds_nothing_says_so_with_advice(
    tables: models.Event, make_invitee: MakeInvitee, organiser: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = people(make_invitee, 2)
    ask(a, [b])

    def nothing(problem: solver.MeetingProblem, **_: Any) -> solver.Result:
        return solver.Result(solver.Status.UNKNOWN, (), (), 0, 1, 0, 10.0)

    monkeypatch.setattr(meetings.solver, "solve", nothing)
    run = place(tables)
    assert run.status == "failed"
    assert not placements(tables)
    page = organiser.get(PAGE).content.decode()
    assert "De laatste plaatsing heeft niets veranderd." in page
    assert (
        "Binnen de tijdslimiet is geen plaatsing gevonden; er is niets veranderd. Plaats de gesprekken "
        "opnieuw: een nieuwe zoektocht kan er wel een vinden." in page
    )
    english = organiser.get(PAGE + "?lang=en").content.decode()
    assert (
        "No placement was found within the time limit; nothing was changed. Place the meetings again: "
        "another search may find one." in english
    )
    assert 'name="action" value="place"' in page  # the button is there to place again


def test_a_meeting_longer_than_every_opening_is_said_in_words(
    day: models.Event, make_invitee: MakeInvitee, organiser: Client
) -> None:
    short = {**TABLES, "open": [{"start": "10:30", "end": "10:45"}]}
    tables = with_tables(day, short)
    a, b = people(make_invitee, 2)
    ask(a, [b], minutes=30, subject="Lang verhaal")
    run = place(tables)
    assert run.status == "done", run.message
    [unplaced] = run.report["unplaced_meetings"]
    assert unplaced["reason"] == "too-long"
    page = organiser.get(PAGE).content.decode()
    assert "Het gesprek duurt langer dan elke periode waarin de tafels open zijn." in page
    english = organiser.get(PAGE + "?lang=en").content.decode()
    assert "The meeting is longer than every time the tables are open." in english


def test_a_new_session_over_a_meeting_moves_it_after_the_first_placement(
    tables: models.Event, make_invitee: MakeInvitee
) -> None:
    """Taking a seat in a session that lies over one's meeting queues a placement, which moves it."""
    a, b = people(make_invitee, 2)
    request = ask(a, [b])
    assert place(tables).status == "done"
    row = models.MeetingPlacement.objects.get(request=request)
    core = programme.published_event(tables)
    assert core is not None
    session = core.session("pijler-sociaal")
    # As if it had been announced in the middle of the first round (wherever the solver put it).
    row.start, row.end = session.start + timedelta(minutes=15), session.start + timedelta(minutes=30)
    row.save()
    assert not models.MeetingRun.objects.filter(status="queued").exists()
    registration.choose(b, "ronde-1", session.id)
    queued = models.MeetingRun.objects.get(status="queued")
    run_tasks()
    queued.refresh_from_db()
    assert queued.status == "done", queued.message
    row.refresh_from_db()
    gap = timedelta(minutes=5)
    assert not (row.start < session.end + gap and session.start - gap < row.end)
