"""The scheduler's pages: before a run, the draft's conflicts (by the scheduler's own report, as `netwerkdag
check` counts them) and the choice per session of what may move; pins written into the draft hold in the
plan, a round kept together stays together; after the run, the draft against the plan with the people
already registered whom it would move, in words of the page's language."""

from __future__ import annotations

import dataclasses
import re

import pytest
from django.test import Client
from tests.web.conftest import MakeInvitee, run_tasks

from netwerkdag.core.sessions import Pin
from netwerkdag.scheduling import report
from netwerkdag.web import models
from netwerkdag.web.services import plans, registration, scheduling
from netwerkdag.web.services.editing import draft_revision
from netwerkdag.web.services.programme import draft_event, event_from_document

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = "/organisatie/g40-haarlem-2023/schedule/"
PILLARS = ("pijler-sociaal", "pijler-fysiek", "pijler-economie-werk")


def _text(html: bytes) -> str:
    """The words of a page, without its tags, spaces collapsed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).replace(" ,", ",")


def _run(organiser: Client, form: dict[str, str]) -> models.SchedulingRun:
    """Post the page's form (with the draft's revision, as the page sends it), let a worker do the run,
    return it finished."""
    revision = draft_revision(models.Event.objects.get(slug="g40-haarlem-2023").document)
    response = organiser.post(PAGE, {"time_limit": "5", "revision": revision, **form})
    assert response.status_code == 303, response.content
    run_id = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
    run_tasks()
    run = models.SchedulingRun.objects.get(pk=run_id)
    assert run.status == "done", run.message
    return run


def _blocks(run: models.SchedulingRun) -> dict[str, tuple[str | None, str | None]]:
    plan = event_from_document(run.plan_document)
    return {s.id: (s.block, s.room) for s in plan.sessions}


def test_the_page_lists_the_current_conflicts(organiser: Client, day: models.Event) -> None:
    core = draft_event(day)
    found = report.conflicts(core, scheduling.interests_for(day, core))
    page = _text(organiser.get(PAGE).content)

    total = report.weighted(found)
    assert total > 1000  # the hand-made Haarlem programme (docs/scheduling.md: 1128)
    assert f"Conflicten (gewogen) {total:,}".replace(",", ".") in page
    assert f"Mensen met een conflict {len({c.person for c in found})}" in page
    # The heaviest pair, as "X mensen willen zowel A als B, in dezelfde ronde: Ronde N · time".
    weights: dict[tuple[str, str], int] = {}
    for c in found:
        weights[(c.first, c.second)] = weights.get((c.first, c.second), 0) + c.weight
    first, second = max(weights, key=lambda p: weights[p])
    people = len({c.person for c in found if (c.first, c.second) == (first, second)})
    a, b = core.session(first), core.session(second)
    round_number = [x.id for x in core.blocks if x.kind.value == "parallel"].index(a.block) + 1
    assert (
        f"{people} mensen willen zowel {a.title} als {b.title}, in dezelfde ronde: Ronde {round_number} · "
        f"{a.start.hour}.{a.start.minute:02d}-"
    ) in page
    # The room the hand-made programme overfills.
    assert "Te kleine zalen 1" in page
    assert "Zorg, Jeugd en Onderwijs verwacht 44 mensen (met de marge); Zaal 5 heeft 30 plaatsen." in page
    # Each session that may move has its three choices; the state secretary's conversation is fixed.
    assert page.count("mag verschuiven blijft in deze ronde blijft waar ze is") == 16
    assert "Blijft staan volgens het evenementbestand: Gesprek met staatssecretaris" in page
    assert not re.search(r"\d{4}-\d{2}-\d{2}", page)


def test_a_pinned_session_stays_where_it_is(organiser: Client, day: models.Event) -> None:
    free = _run(organiser, {})
    before = {s.id: (s.block, s.room) for s in draft_event(day).sessions}
    moved = [s for s in free.result["moved"] if s not in PILLARS]
    assert moved, "the plan moves nothing: nothing to pin"
    kept, in_round = moved[0], moved[1]
    assert _blocks(free)[kept] != before[kept]

    run = _run(
        organiser,
        {
            "pins": "1",
            f"pin-{kept}": "both",
            f"pin-{in_round}": "block",
            "pin-gesprek-staatssecretaris": "free",  # not offered: the file keeps it, the form cannot free it
        },
    )
    plan = _blocks(run)
    assert plan[kept] == before[kept]
    assert plan[in_round][0] == before[in_round][0]
    assert plan["gesprek-staatssecretaris"] == before["gesprek-staatssecretaris"]
    # The choices are in the draft's event file, and the page shows them chosen.
    draft = draft_event(models.Event.objects.get(pk=day.pk))
    assert draft.session(kept).pin is Pin.BOTH
    assert draft.session(in_round).pin is Pin.BLOCK
    assert draft.session("gesprek-staatssecretaris").pin is Pin.BOTH
    html = organiser.get(PAGE).content.decode()
    assert re.search(rf'id="pin-{kept}-both"[^>]*checked', html)
    assert re.search(rf'id="pin-{in_round}-block"[^>]*checked', html)
    audit = models.AuditEntry.objects.filter(action="schedule").order_by("-pk").first()
    assert audit is not None
    assert audit.detail["pins"] == {kept: "both", in_round: "block"}


def test_keeping_the_pillar_round_together(organiser: Client, day: models.Event) -> None:
    free = _blocks(_run(organiser, {}))
    assert len({free[p][0] for p in PILLARS}) > 1  # issue 16: left free, the plan splits the pillar round

    run = _run(organiser, {"pins": "1", "together-ronde-1": "1"})
    assert {_blocks(run)[p][0] for p in PILLARS} == {"ronde-1"}
    draft = draft_event(models.Event.objects.get(pk=day.pk))
    assert {draft.session(p).pin for p in PILLARS} == {Pin.BLOCK}
    assert draft.session("thema-woningmarkt").pin is Pin.FREE  # other rounds untouched
    # The page shows the round as kept together.
    assert re.search(r'id="together-ronde-1"[^>]*checked', organiser.get(PAGE).content.decode())


def test_a_run_from_the_event_page_leaves_the_pins(organiser: Client, day: models.Event) -> None:
    before = day.document
    response = organiser.post(PAGE, {"time_limit": "5"})
    assert response.status_code == 303
    day.refresh_from_db()
    assert day.document == before


def test_the_run_page_compares_now_and_the_proposal(
    organiser: Client, day: models.Event, make_invitee: MakeInvitee
) -> None:
    # People registered in every parallel session, two in each pillar meeting.
    core = draft_event(day)
    for session in core.sessions:
        if session.block and session.block.startswith("ronde-") and session.kind.value != "networking":
            for _ in range(2 if session.id in PILLARS else 1):
                person, _ = make_invitee()
                registration.choose(person, session.block, session.id)
    run = _run(organiser, {})
    page = _text(organiser.get(f"{PAGE}{run.pk}/").content)

    comparison = scheduling.compare(run)
    assert comparison is not None
    # The proposal's conflicts are the run's objective; now's are the draft's by the report's count.
    assert comparison.proposal.figures.weighted == run.result["objective"]
    source = event_from_document(run.source_document)
    assert comparison.now.figures.weighted == report.weighted(
        report.conflicts(source, scheduling.interests_for(day, source))
    )

    def dutch(n: int) -> str:
        return f"{n:,}".replace(",", ".")

    now, proposal = comparison.now.figures, comparison.proposal.figures
    assert f"Nu Voorstel Conflicten (gewogen) {dutch(now.weighted)} {dutch(proposal.weighted)}" in page
    assert f"Mensen met een conflict {now.people} {proposal.people}" in page
    assert f"Te kleine zalen {len(now.too_small)} 0" in page
    # Registered people moved: those registered for a session whose time or room changes.
    plan = event_from_document(run.plan_document)
    moved = {
        s.id
        for s in plan.sessions
        if (s.start, s.room) != (source.session(s.id).start, source.session(s.id).room)
    }
    assert set(run.result["moved"]) == moved
    people = set(
        models.Registration.objects.filter(seats__session_id__in=moved).values_list("invitee_id", flat=True)
    )
    assert comparison.moves.people == len(people) > 0
    assert f"Verplaatste ingeschrevenen – {len(people)}" in page
    assert f"{len(people)} mensen die zich al hebben ingeschreven, zouden verschuiven." in page
    for m in comparison.moves.with_registrations:
        count = models.Registration.objects.filter(seats__session_id=m.session).count()
        noun = "persoon" if count == 1 else "personen"
        assert f"{m.title}: {count} {noun} ({m.before} → {m.after})" in page
    # In words, the way Dutch writes times; no ISO dates, no raw status.
    assert "Status optimaal: geen plan heeft minder conflicten" in page
    assert re.search(r"Ronde \d · \d{1,2}\.\d{2}-\d{1,2}\.\d{2}", page)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", page)
    assert not re.search(r"\boptimal\b|\bProposal\b|\bRound\b", page)
    assert "Het plan overnemen als concept" in page

    english = _text(organiser.get(f"{PAGE}{run.pk}/?lang=en").content)
    assert "Status optimal: no plan has fewer conflicts" in english
    assert f"Now Proposal Conflicts (weighted) {now.weighted:,} {proposal.weighted:,}" in english
    assert not re.search(r"\boptimaal\b|\bVoorstel\b|\bRonde\b|\bverschuiven\b", english)


def test_who_would_be_moved_and_who_would_then_have_two_sessions_at_once(
    day: models.Event, make_invitee: MakeInvitee
) -> None:
    before = draft_event(day)
    round_two = before.block("ronde-2")
    sociaal = dataclasses.replace(
        before.session("pijler-sociaal"), block="ronde-2", start=round_two.start, end=round_two.end
    )
    after = dataclasses.replace(
        before, sessions=tuple(sociaal if s.id == sociaal.id else s for s in before.sessions)
    )
    both, _ = make_invitee()  # pillar meeting and a round-2 session: then two sessions at once
    registration.choose(both, "ronde-1", "pijler-sociaal")
    registration.choose(both, "ronde-2", "thema-woningmarkt")
    only, _ = make_invitee()
    registration.choose(only, "ronde-1", "pijler-sociaal")
    elsewhere, _ = make_invitee()
    registration.choose(elsewhere, "ronde-1", "pijler-fysiek")

    moves = plans.moved_registrations(day, before, after)
    assert (moves.people, moves.double) == (2, 1)
    assert [(m.session, m.registered) for m in moves.moves] == [("pijler-sociaal", 2)]
    assert moves.moves[0].before == "Ronde 1 · 10.30-11.30 · Zaal 2"
    assert moves.moves[0].after == "Ronde 2 · 11.40-12.40 · Zaal 2"


def test_a_pin_that_breaks_a_rule_fails_the_run_in_words(organiser: Client, day: models.Event) -> None:
    # Zorg, Jeugd en Onderwijs kept in Zaal 5 (30 seats) while 44 are expected: no plan.
    response = organiser.post(
        PAGE,
        {
            "time_limit": "5",
            "pins": "1",
            "pin-thema-zorg-jeugd-onderwijs": "both",
            "revision": draft_revision(day.document),
        },
    )
    run_id = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
    run_tasks()
    run = models.SchedulingRun.objects.get(pk=run_id)
    assert run.status == "failed"
    assert run.result["status"] == "infeasible"
    page = _text(organiser.get(f"{PAGE}{run.pk}/").content)
    assert (
        "De planner heeft geen plan gevonden. Status: onmogelijk: geen plan houdt zich aan elke regel."
        in page
    )
    assert "Uitleg van de planner (in het Engels)" in page
