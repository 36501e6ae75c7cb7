"""The allocation mode (issue 19) in the web app: the organiser's settings, the person's ranking (saved
whole or refused whole), no seat of a parallel round first come, first served before the allocation,
the allocation queued only after the ranking deadline, and applied by a worker in one transaction:
registrations within the seats, people with a part in their sessions, waiting lists in rank order, one
mail per person, the report; a run that finds nothing changes nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail as django_mail
from django.test import Client
from django.utils import timezone
from tests.web.conftest import MakeInvitee, run_tasks, set_capacity
from tests.web.live import live_database, postgres_database

from netwerkdag.scheduling import allocation as alloc
from netwerkdag.scheduling import allocation_report
from netwerkdag.web import models
from netwerkdag.web.services import allocation, registration
from netwerkdag.web.services.programme import published_event

pytestmark = pytest.mark.django_db(transaction=True)

ZORG, KETEN, SLIMME, EUROPA = (
    "thema-zorg-jeugd-onderwijs",
    "thema-sterke-keten",
    "thema-slimme-verstedelijking",
    "thema-europa",
)


def _allocation_mode(event: models.Event, **changes: object) -> None:
    values: dict[str, object] = {
        "mode": "allocation",
        "ranking_deadline": timezone.now() + timedelta(days=1),
    }
    values.update(changes)
    allocation.save_settings(event, allocation.Settings(**values))  # type: ignore[arg-type]


def _deadline_passes(event: models.Event) -> None:
    models.Event.objects.filter(pk=event.pk).update(ranking_deadline=timezone.now() - timedelta(minutes=1))
    event.refresh_from_db()


def _ranked(invitee: models.Invitee) -> dict[str, int]:
    return allocation.ranking_of(invitee)


# --- settings -----------------------------------------------------------------------------------------------


def test_rank_costs_and_seed_are_read_or_refused() -> None:
    assert allocation.read_rank_costs("") == ()
    assert allocation.read_rank_costs("0, 1,3") == (0, 1, 3)
    with pytest.raises(allocation.Refused, match="low to high"):
        allocation.read_rank_costs("3,1")
    with pytest.raises(allocation.Refused, match="whole number"):
        allocation.read_rank_costs("0,een")
    with pytest.raises(allocation.Refused, match="whole number"):
        allocation.read_rank_costs("0,²")  # a digit to str.isdigit, not to int()
    with pytest.raises(allocation.Refused, match="at most"):
        allocation.read_rank_costs(",".join(["1"] * (allocation.MAX_RANK_COSTS + 1)))
    assert allocation.read_seed("") is None
    assert allocation.read_seed(" 42 ") == 42
    with pytest.raises(allocation.Refused):
        allocation.read_seed("-1")
    with pytest.raises(allocation.Refused):
        allocation.read_seed("1234567890")
    with pytest.raises(allocation.Refused):
        allocation.read_seed("²")
    choices = (allocation.Choice("a", ("a",)),)
    with pytest.raises(allocation.Refused, match="whole number"):
        allocation.read_ranks({"rank-a": "¹"}, choices)


def test_the_organiser_saves_the_settings(organiser: Client, day: models.Event) -> None:
    response = organiser.post(
        "/organisatie/g40-haarlem-2023/toewijzing/",
        {
            "action": "settings",
            "mode": "allocation",
            "ranking_deadline": (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "rank_costs": "0,2,5",
            "empty_organisations_first": "yes",
            "seed": "",
        },
    )
    assert response.status_code == 303
    day.refresh_from_db()
    assert day.registration_mode == "allocation"
    assert day.ranking_deadline is not None
    assert day.ranking_deadline > timezone.now()
    assert day.allocation_settings == {
        "rank_costs": [0, 2, 5],
        "empty_organisations_first": True,
        "seed": None,
    }
    assert models.AuditEntry.objects.filter(action="allocation-settings").exists()
    page = organiser.get("/organisatie/g40-haarlem-2023/toewijzing/").content.decode()
    assert "Vraag tegenover plaatsen per sessie" in page  # the demand table, in Dutch by default


def test_settings_that_cannot_hold_are_refused_whole(
    organiser: Client, day: models.Event, make_invitee: MakeInvitee
) -> None:
    with pytest.raises(allocation.Refused, match="ranking deadline"):
        allocation.save_settings(day, allocation.Settings("allocation", None))
    assert day.registration_deadline is not None
    with pytest.raises(allocation.Refused, match="before registration closes"):
        allocation.save_settings(day, allocation.Settings("allocation", day.registration_deadline))
    person, _ = make_invitee()
    registration.choose(person, "ronde-1", "pijler-sociaal")
    with pytest.raises(allocation.Refused, match="taken already"):
        _allocation_mode(day)
    # Through the page: the rank costs wrong, nothing saved, the reason said.
    response = organiser.post(
        "/organisatie/g40-haarlem-2023/toewijzing/",
        {"action": "settings", "mode": "first-come", "rank_costs": "5,1"},
        follow=True,
    )
    assert "Een slechtere rang kan niet minder kosten" in response.content.decode()
    day.refresh_from_db()
    assert day.registration_mode == "first-come"
    assert day.allocation_settings == {}


# --- ranking ------------------------------------------------------------------------------------------------


def test_a_ranking_is_saved_whole_with_equal_ranks(day: models.Event, make_invitee: MakeInvitee) -> None:
    _allocation_mode(day)
    person, _ = make_invitee()
    allocation.save_ranking(person, {"pijler-sociaal": 1, ZORG: 1, KETEN: 2})
    assert _ranked(person) == {"pijler-sociaal": 1, ZORG: 1, KETEN: 2}
    person.refresh_from_db()
    assert person.attending == "yes"  # ranking says one comes
    allocation.save_ranking(person, {KETEN: 1})
    assert _ranked(person) == {KETEN: 1}
    with pytest.raises(allocation.Refused, match="cannot be ranked"):
        allocation.save_ranking(person, {ZORG: 1, "lunch-gezamenlijk": 2})
    with pytest.raises(allocation.Refused, match="whole number"):
        allocation.save_ranking(person, {ZORG: 0})
    assert _ranked(person) == {KETEN: 1}  # nothing of a refused ranking was saved
    allocation.save_ranking(person, {})
    assert not models.Ranking.objects.filter(invitee=person).exists()


def test_a_ranking_is_refused_after_the_deadline_when_declined_or_withdrawn(
    day: models.Event, make_invitee: MakeInvitee
) -> None:
    _allocation_mode(day)
    no, _ = make_invitee(attending="no")
    with pytest.raises(allocation.Refused, match="will not come"):
        allocation.save_ranking(no, {ZORG: 1})
    gone, _ = make_invitee(withdrawn_at=timezone.now())
    with pytest.raises(allocation.Refused, match="withdrawn"):
        allocation.save_ranking(gone, {ZORG: 1})
    late, _ = make_invitee()
    _deadline_passes(day)
    late.event.refresh_from_db()
    with pytest.raises(allocation.Refused, match="deadline has passed"):
        allocation.save_ranking(late, {ZORG: 1})
    assert not models.RankedChoice.objects.exists()


def test_the_ranking_page_saves_and_refuses(day: models.Event, make_invitee: MakeInvitee) -> None:
    _allocation_mode(day)
    person, token = make_invitee()
    client = Client()
    url = f"/uitnodiging/{token}/voorkeuren/"
    page = client.get(url).content.decode()
    assert f'name="rank-{ZORG}"' in page
    assert "Rang 1 (het liefst)" in page
    response = client.post(url, {f"rank-{ZORG}": "1", f"rank-{KETEN}": "2", "rank-pijler-sociaal": ""})
    assert response.status_code == 303
    assert _ranked(person) == {ZORG: 1, KETEN: 2}
    response = client.post(url, {f"rank-{ZORG}": "99"})
    assert response.status_code == 400
    assert _ranked(person) == {ZORG: 1, KETEN: 2}
    # The registration page links to it and offers no seat of a parallel round.
    page = client.get(f"/uitnodiging/{token}/").content.decode()
    assert url in page
    assert 'name="ronde-1"' not in page


def test_no_ranking_on_a_day_first_come(day: models.Event, make_invitee: MakeInvitee) -> None:
    person, token = make_invitee()
    client = Client()
    page = client.get(f"/uitnodiging/{token}/voorkeuren/").content.decode()
    assert "niet op voorkeur verdeeld" in page
    assert 'name="rank-' not in page
    response = client.post(f"/uitnodiging/{token}/voorkeuren/", {f"rank-{ZORG}": "1"})
    assert response.status_code == 400
    assert not _ranked(person)


# --- registration before the allocation ---------------------------------------------------------------------


def test_no_seat_of_a_parallel_round_first_come_before_the_allocation(
    day: models.Event, make_invitee: MakeInvitee
) -> None:
    _allocation_mode(day)
    person, token = make_invitee()
    with pytest.raises(registration.ByAllocation):
        registration.choose(person, "ronde-1", "pijler-sociaal")
    # A part one joins or not (lunch) is still taken as always.
    lunch = registration.choose(person, "session:lunch-gezamenlijk", "lunch-gezamenlijk")
    assert lunch.outcome == "registered"
    # A forged form: refused whole (409), the lunch of the same answer not given up either.
    response = Client().post(
        f"/uitnodiging/{token}/", {"action": "save", "attending": "yes", "ronde-1": "pijler-sociaal"}
    )
    assert response.status_code == 409
    assert list(models.Registration.objects.filter(invitee=person).values_list("slot", flat=True)) == [
        "session:lunch-gezamenlijk"
    ]
    assert models.Seats.objects.get(event=day, session_id="pijler-sociaal").taken == 0


# --- starting -----------------------------------------------------------------------------------------------


def test_start_is_refused_before_the_deadline_in_first_come_and_twice(day: models.Event) -> None:
    with pytest.raises(allocation.Refused, match="first come"):
        allocation.start(day)
    _allocation_mode(day)
    with pytest.raises(allocation.Refused, match="after it"):
        allocation.start(day)
    _deadline_passes(day)
    run = allocation.start(day)
    assert run.status == "queued"
    assert 0 <= run.options["seed"] <= allocation.MAX_SEED
    day.refresh_from_db()
    assert day.allocation_settings["seed"] == run.options["seed"]  # drawn and kept with the event
    with pytest.raises(allocation.Refused, match="running"):
        allocation.start(day)


# --- applying -----------------------------------------------------------------------------------------------


def _contested_day(day: models.Event, make_invitee: MakeInvitee) -> dict[str, models.Invitee]:
    """Round 3 made short: one seat in ZORG and one in KETEN. A and B want ZORG most, C and D KETEN; E
    wants EUROPA (round 4) most and ZORG second; Karin chairs a round-2 session and ranks round 4 only;
    F and G both want the veiligheid session, whose three people with a part are not invitees."""
    _allocation_mode(day, seed=7)
    set_capacity(day, ZORG, 1)
    set_capacity(day, KETEN, 1)
    set_capacity(day, "thema-veiligheid", 4)
    people = {}
    for name in "ABCDEFG":
        people[name], _ = make_invitee(name=f"Persoon {name}", organisation=f"Gemeente {name}")
    people["karin"], _ = make_invitee(name="Karin Schrederhof", person_id="karin-schrederhof")
    rank = allocation.save_ranking
    for n in "AB":
        rank(people[n], {ZORG: 1, KETEN: 2, SLIMME: 3})
    for n in "CD":
        rank(people[n], {KETEN: 1, ZORG: 2, SLIMME: 3})
    rank(people["E"], {EUROPA: 1, ZORG: 2, SLIMME: 3})
    rank(people["karin"], {EUROPA: 1})
    for n in "FG":
        rank(people[n], {"thema-veiligheid": 1, "thema-mkb-vernieuwing": 2})
    _deadline_passes(day)
    return people


def _sessions(invitee: models.Invitee) -> set[str]:
    return set(
        models.Registration.objects.filter(invitee=invitee).values_list("seats__session_id", flat=True)
    )


def test_the_allocation_is_applied_in_one_go(day: models.Event, make_invitee: MakeInvitee) -> None:
    people = _contested_day(day, make_invitee)
    run = allocation.start(day)
    assert run.options["seed"] == 7
    django_mail.outbox.clear()
    assert models.AllocationRun.objects.get(pk=run.pk).status == "queued"  # nothing runs in the request
    run_tasks()
    run.refresh_from_db()
    assert run.status == "done", run.message
    day.refresh_from_db()
    assert day.allocated_at is not None

    # Never more people than seats; every seat counted.
    for row in models.Seats.objects.filter(event=day):
        held = models.Registration.objects.filter(seats=row).count()
        assert row.taken == held, row.session_id
        assert row.capacity is None or held <= row.capacity, row.session_id
    # Round 3: one of A and B in ZORG, one of C and D in KETEN, the others in their third choice.
    round3 = {n: _sessions(people[n]) & {ZORG, KETEN, SLIMME} for n in "ABCD"}
    assert sorted(map(sorted, round3.values())) == sorted([[ZORG], [SLIMME], [KETEN], [SLIMME]])
    assert _sessions(people["E"]) == {EUROPA, SLIMME}
    # The chair holds her session, though she ranked round 4 only.
    assert _sessions(people["karin"]) == {"thema-woningmarkt", EUROPA}
    # Three of the four veiligheid seats stay for the people with a part: one of F and G gets it.
    leef = [n for n in "FG" if "thema-veiligheid" in _sessions(people[n])]
    assert len(leef) == 1
    assert run.report["kept_for_parts"]["thema-veiligheid"] == 3

    # The waiting lists in rank order: for ZORG the one of A and B without it (rank 1), then E (rank 2).
    loser = next(n for n in "AB" if ZORG not in round3[n])
    zorg_list = list(
        models.WaitingEntry.objects.filter(seats__session_id=ZORG)
        .order_by("created_at", "id")
        .values_list("invitee__name", flat=True)
    )
    assert zorg_list == [f"Persoon {loser}", "Persoon E"]
    # As the report module defines them, from the same problem and result.
    core = published_event(day)
    assert core is not None
    taking = allocation.taking_part(day, core)
    assert set(taking.invitees) >= {f"invitee-{p.pk}" for n, p in people.items() if n != "karin"}

    # One mail per person who ranked, with the programme, sent by the worker.
    mails = models.OutgoingMail.objects.filter(event=day, kind="confirmation", context__allocated=True)
    assert mails.count() == len(people)
    run_tasks()
    subjects = {m.subject for m in django_mail.outbox}
    assert subjects == {f"Uw plaatsen: {day.title}"}
    e_mail = next(m for m in django_mail.outbox if m.to == [people["E"].email])
    assert "nummer 2 op de wachtlijst" in e_mail.body

    # The report's figures.
    report = run.report
    assert report["status"] == "optimal"
    assert report["seed"] == 7
    assert report["assigned"] == sum(len(p["seats"]) for p in report["people"])
    assert report["rank_distribution"]["1"] >= 5
    assert report["gap"] == 0


def test_after_the_allocation_free_seats_go_first_come_and_lists_promote(
    day: models.Event, make_invitee: MakeInvitee
) -> None:
    people = _contested_day(day, make_invitee)
    allocation.start(day)
    run_tasks()
    winner = next(n for n in "AB" if ZORG in _sessions(people[n]))
    loser = "B" if winner == "A" else "A"
    # The winner gives ZORG up: the first on its list gets it.
    registration.choose(people[winner], "ronde-3", None)
    assert ZORG in _sessions(people[loser])
    # A latecomer takes a free seat first come, first served.
    late, _ = make_invitee(name="Laatkomer")
    assert registration.choose(late, "ronde-1", "pijler-sociaal").outcome == "registered"
    # And nobody ranks any more.
    with pytest.raises(allocation.Refused, match="allocated"):
        allocation.save_ranking(late, {ZORG: 1})


def test_the_report_page_and_the_csv(organiser: Client, day: models.Event, make_invitee: MakeInvitee) -> None:
    people = _contested_day(day, make_invitee)
    response = organiser.post("/organisatie/g40-haarlem-2023/toewijzing/", {"action": "allocate"})
    assert response.status_code == 303
    assert not models.AllocationRun.objects.exists()  # not without the confirmation ticked
    organiser.post("/organisatie/g40-haarlem-2023/toewijzing/", {"action": "allocate", "confirm": "yes"})
    page = organiser.get("/organisatie/g40-haarlem-2023/toewijzing/").content.decode()
    assert "wacht op een worker" in page or "staat klaar" in page
    run_tasks()
    page = organiser.get("/organisatie/g40-haarlem-2023/toewijzing/").content.decode()
    assert "Persoon E" in page
    assert "Gemeente E" in page
    assert "Bewezen grens" in page
    assert ">7<" in page
    assert "Wachtlijsten" in page
    # Someone with a part who is no invitee, by their name in the network.
    assert "Joeri Vig" in page
    assert "joeri-vig" not in page
    csv = organiser.get("/organisatie/g40-haarlem-2023/toewijzing.csv").content.decode()
    assert csv.splitlines()[0] == "person,name,session,title"
    assert f"invitee-{people['E'].pk},Persoon E,{EUROPA}," in csv


def test_a_run_that_finds_nothing_changes_nothing(day: models.Event, make_invitee: MakeInvitee) -> None:
    """The three people with a part in the veiligheid session need three seats; with two, no
    allocation keeps every rule."""
    _allocation_mode(day)
    set_capacity(day, "thema-veiligheid", 2)
    person, _ = make_invitee()
    allocation.save_ranking(person, {ZORG: 1})
    _deadline_passes(day)
    run = allocation.start(day)
    run_tasks()
    run.refresh_from_db()
    assert run.status == "failed"
    assert run.message == "infeasible"
    day.refresh_from_db()
    assert day.allocated_at is None
    assert not models.Registration.objects.exists()
    assert not models.WaitingEntry.objects.exists()
    assert not models.OutgoingMail.objects.filter(context__allocated=True).exists()
    # The organiser may change the rooms and try again.
    set_capacity(day, "thema-veiligheid", 35)
    assert allocation.start(day).status == "queued"


def test_applying_matches_the_report_modules_waiting_lists(
    day: models.Event, make_invitee: MakeInvitee
) -> None:
    """The waiting lists written are those `allocation_report.waiting_lists` gives for the problem the
    run solved, in their order."""
    _contested_day(day, make_invitee)
    core = published_event(day)
    assert core is not None
    problem = allocation.problem_for(day, core, allocation.taking_part(day, core))
    result = alloc.solve(problem, (), lottery_seed=7)
    expected = allocation_report.waiting_lists(problem, result)
    allocation.start(day)
    run_tasks()
    found: dict[str, list[str]] = {}
    for entry in models.WaitingEntry.objects.order_by("created_at", "id").select_related("invitee", "seats"):
        found.setdefault(entry.seats.session_id, []).append(
            allocation.person_key(entry.invitee_id, entry.invitee.person_id)
        )
    assert found == {s: list(people) for s, people in expected.items() if people}


# --- on PostgreSQL ----------------------------------------------------------------------------------------

#: Run in the environment of a database of its own (tests/web/live.py): the contested day's rankings, the
#: allocation started and executed as the worker would; prints the outcome as JSON.
_ON_DATABASE = """
import json, sys, django
django.setup()
from datetime import timedelta
from django.utils import timezone
from netwerkdag.web import models
from netwerkdag.web.services import allocation
event = models.Event.objects.get(slug="g40-haarlem-2023")
for session in ("thema-zorg-jeugd-onderwijs", "thema-sterke-keten"):
    models.Seats.objects.filter(event=event, session_id=session).update(capacity=3)
allocation.save_settings(event, allocation.Settings(
    "allocation", timezone.now() + timedelta(days=1), (0, 1, 3), True, 11))
people = list(models.Invitee.objects.filter(event=event).order_by("pk"))
for n, person in enumerate(people):
    first, second = ("thema-zorg-jeugd-onderwijs", "thema-sterke-keten")[:: 1 if n % 3 else -1]
    allocation.save_ranking(person, {first: 1, second: 2, "thema-europa": 1})
models.Event.objects.filter(pk=event.pk).update(ranking_deadline=timezone.now() - timedelta(minutes=1))
event.refresh_from_db()
run = allocation.start(event)
outcome = allocation.execute(run.pk)
run.refresh_from_db()
print(json.dumps({
    "outcome": outcome,
    "message": run.message,
    "seats": [
        [r.session_id, r.capacity, r.taken, r.registrations.count()]
        for r in models.Seats.objects.filter(event=event)
    ],
    "waiting": models.WaitingEntry.objects.count(),
    "mails": models.OutgoingMail.objects.filter(context__allocated=True).count(),
    "people": len(people),
}))
"""


def test_the_allocation_is_applied_on_postgresql(tmp_path: Path) -> None:
    with postgres_database() as url, live_database(tmp_path, url) as db:
        db.run("setup", "pijler-sociaal", "40", "0", "12")
        result = subprocess.run(
            [sys.executable, "-c", _ON_DATABASE], env=db.env, capture_output=True, text=True, check=False
        )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["outcome"] == "done", found["message"]
    for session, capacity, taken, held in found["seats"]:
        assert taken == held, session
        assert capacity is None or held <= capacity, session
    by_session = {s: held for s, _, _, held in found["seats"]}
    assert by_session["thema-zorg-jeugd-onderwijs"] == 3
    assert by_session["thema-sterke-keten"] == 3
    assert by_session["thema-europa"] == 12
    # Twelve want a round-3 seat, six are given: six wait, one place each.
    assert found["waiting"] == 6
    assert found["mails"] == found["people"] == 12


def test_a_run_whose_worker_stopped_is_started_again_once(day: models.Event) -> None:
    from netwerkdag.web import tasks

    _allocation_mode(day)
    _deadline_passes(day)
    run = allocation.start(day)
    models.AllocationRun.objects.filter(pk=run.pk).update(status="running", attempts=1)
    tasks.recover(tasks.run_allocation.module_path, [run.pk])
    run.refresh_from_db()
    assert run.status == "queued"
    models.AllocationRun.objects.filter(pk=run.pk).update(status="running", attempts=allocation.MAX_ATTEMPTS)
    allocation.recover(run.pk)
    run.refresh_from_db()
    assert run.status == "failed"
    assert "stopped" in run.message
    day.refresh_from_db()
    assert day.allocated_at is None


def test_a_speaker_who_declined_leaves_a_seat_and_one_who_comes_gets_it(
    day: models.Event, make_invitee: MakeInvitee
) -> None:
    """Veiligheid has three people with a part and three seats: a speaker who said no frees one seat for
    someone who ranked it; a speaker who is an invitee and comes is registered for it."""
    _allocation_mode(day)
    set_capacity(day, "thema-veiligheid", 3)
    make_invitee(name="Joeri Vig", person_id="joeri-vig", attending="no")
    mike, _ = make_invitee(name="Mike Vrolijk", person_id="mike-vrolijk")
    fan, _ = make_invitee(name="Liefhebber")
    allocation.save_ranking(fan, {"thema-veiligheid": 1})
    _deadline_passes(day)
    allocation.start(day)
    run_tasks()
    assert _sessions(fan) == {"thema-veiligheid"}
    assert _sessions(mike) == {"thema-veiligheid"}
    row = models.Seats.objects.get(event=day, session_id="thema-veiligheid")
    assert row.taken == 2  # the guest who is no invitee keeps the third seat free


# --- found in review ---------------------------------------------------------------------------------------


def test_someone_who_declines_while_the_solver_runs_gets_no_seat_and_no_mail(
    day: models.Event, make_invitee: MakeInvitee, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = _contested_day(day, make_invitee)
    core = published_event(day)
    assert core is not None
    before = allocation.taking_part(day, core)  # read before E says no, as a long solve would have
    models.Invitee.objects.filter(pk=people["E"].pk).update(attending=models.Attendance.NO)
    monkeypatch.setattr(allocation, "taking_part", lambda event, core: before)
    allocation.start(day)
    django_mail.outbox.clear()
    run_tasks()
    assert models.AllocationRun.objects.get(event=day).status == "done"
    assert not models.Registration.objects.filter(invitee=people["E"]).exclude(models.OPT_IN_SLOTS).exists()
    assert not models.WaitingEntry.objects.filter(invitee=people["E"]).exists()
    assert not models.OutgoingMail.objects.filter(invitee=people["E"], context__allocated=True).exists()
    assert models.OutgoingMail.objects.filter(invitee=people["A"], context__allocated=True).exists()


def test_no_allocation_once_registration_has_closed(day: models.Event, make_invitee: MakeInvitee) -> None:
    _contested_day(day, make_invitee)
    day.registration_deadline = timezone.now() - timedelta(minutes=1)
    day.save()
    with pytest.raises(allocation.Refused, match="Registration has closed"):
        allocation.start(day)


def test_a_withdrawal_and_the_anonymisation_take_people_out_of_the_report(
    day: models.Event, make_invitee: MakeInvitee, settings
) -> None:  # type: ignore[no-untyped-def]
    from netwerkdag.web.services import privacy

    people = _contested_day(day, make_invitee)
    allocation.start(day)
    run_tasks()
    run = models.AllocationRun.objects.get(event=day)
    key = allocation.person_key(people["A"].pk, people["A"].person_id)
    assert key in {p["person"] for p in run.report["people"]}
    privacy.withdraw(people["A"])
    run.refresh_from_db()
    assert key not in {p["person"] for p in run.report["people"]}
    assert key not in run.report["lottery"]
    assert run.report["people"]
    settings.NETWERKDAG_RETENTION_DAYS = 90
    day.starts_at = timezone.now() - timedelta(days=100)
    day.ends_at = day.starts_at + timedelta(hours=8)
    day.registration_deadline = day.starts_at
    day.save()
    privacy.anonymise_past_events()
    run.refresh_from_db()
    assert run.report["people"] == []
    assert run.report["lottery"] == []
    assert run.report["assigned"] > 0  # the figures stay
