"""The allocation mode of an event (issue 19): people rank the sessions of the parallel rounds until a
deadline, then a worker gives the seats by those rankings (scheduling/allocation.py) and applies them.

Per event, `Event.registration_mode` says how the seats of the parallel rounds are given: first come,
first served (services/registration.py), or by allocation. In allocation mode, until the allocation is
applied, nobody takes a seat of a parallel round (the registration service refuses it); people save a
`Ranking` instead (`save_ranking`), until `Event.ranking_deadline`. After the deadline an organiser
queues an `AllocationRun` (`start`); a worker runs it (`execute`, the ``scheduling`` queue): the problem
is built from the published programme and the rankings, solved, and applied in one transaction:
registrations through the `Seats` rows (never more than their capacity: a conditional update per row,
backed by the database's `never_overbooked`), the leftover demand as waiting lists in rank order, the
event marked allocated, the run's report, and one mail per person with their programme. A run that
finds no allocation, or fails, changes nothing and says why. From then on the free seats go first come,
first served again, and the waiting lists promote as they always do.

Who takes part: every invitee who did not decline or withdraw, keyed by their person id in the network,
else ``invitee-<pk>``. Their organisation is the network's, else the organisation they gave as invitee
(people with neither take no part in the fairness between organisations). People with a part in a
session (chair, speaker, ...) get it whatever they ranked and count against its seats: an invitee with a
part gets a registration for it; someone with a part who is not an invitee keeps their seat in the room
too (the allocation leaves it free, and the run's report counts it), unless they are an invitee who
declined or withdrew. A seat someone already holds in a parallel round (taken before the mode was
switched) is kept and counts the same way.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.core.preferences import Preference
from netwerkdag.scheduling import allocation as alloc
from netwerkdag.scheduling import allocation_report
from netwerkdag.web import models, tasks
from netwerkdag.web.i18n import N_, Refusal
from netwerkdag.web.services import dashboard, mail, registration, runs
from netwerkdag.web.services.programme import published_event

Status = models.AllocationRun.Status
Kind = models.OutgoingMail.Kind
Mode = models.RegistrationMode
ACTIVE = (Status.QUEUED, Status.RUNNING)
MAX_ATTEMPTS = runs.MAX_ATTEMPTS
#: How long the solver may search (the Slalom days, larger than any network day, are proven in 1 to 2 s).
TIME_LIMIT_S = 30.0
#: The most rank costs the organiser may give (one per rank), and the largest cost of one rank.
MAX_RANK_COSTS = models.MAX_CHOICES
MAX_RANK_COST = 10_000
#: Lottery seeds are whole numbers from 0 to this (drawn with `secrets` when the organiser gives none).
MAX_SEED = 999_999_999
#: The longest settings text read (the rank costs).
MAX_TEXT = 2_000


class Refused(Refusal):
    """What the organiser or the invitee asked cannot be done; nothing changed."""


# --- the organiser's settings ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Settings:
    """What the organiser sets: the mode, the ranking deadline, the rank costs (empty: rank - 1), whether
    the organisations without any wanted seat are minimised first, and the lottery's seed (None: drawn
    when the allocation starts)."""

    mode: str
    ranking_deadline: datetime | None
    rank_costs: tuple[int, ...] = ()
    empty_organisations_first: bool = False
    seed: int | None = None


def settings_of(event: models.Event) -> Settings:
    stored = event.allocation_settings or {}
    seed = stored.get("seed")
    return Settings(
        event.registration_mode,
        event.ranking_deadline,
        tuple(int(c) for c in stored.get("rank_costs", ())),
        bool(stored.get("empty_organisations_first", False)),
        int(seed) if seed is not None else None,
    )


def read_rank_costs(text: str) -> tuple[int, ...]:
    """ "0, 1, 3" as the costs of ranks 1, 2, 3; empty: the default (rank - 1). Raises `Refused`."""
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise Refused(N_("Give at most %(n)s rank costs."), n=MAX_RANK_COSTS)
    if not text:
        return ()
    parts = [p.strip() for p in re.split(r"[,;\s]+", text) if p.strip()]
    if len(parts) > MAX_RANK_COSTS:
        raise Refused(N_("Give at most %(n)s rank costs."), n=MAX_RANK_COSTS)
    costs = []
    for part in parts:
        if not (part.isascii() and part.isdigit()) or int(part) > MAX_RANK_COST:
            raise Refused(
                N_("Each rank cost is a whole number from 0 to %(max)s; “%(value)s” is not."),
                max=MAX_RANK_COST,
                value=part[:20],
            )
        costs.append(int(part))
    if any(b < a for a, b in pairwise(costs)):
        raise Refused(N_("A worse rank cannot cost less than a better one: give the costs from low to high."))
    return tuple(costs)


def read_seed(text: str) -> int | None:
    """A lottery seed as typed; empty: None (one is drawn when the allocation starts)."""
    text = text.strip()
    if not text:
        return None
    if len(text) > 9 or not (text.isascii() and text.isdigit()):
        raise Refused(N_("The lottery seed is a whole number from 0 to %(max)s."), max=MAX_SEED)
    return int(text)


def _round_slots(event: models.Event) -> Q:
    """The seat rows of the event's parallel rounds (not the parts one joins or not)."""
    return Q(event=event) & ~models.OPT_IN_SLOTS


def save_settings(event: models.Event, new: Settings, *, now: datetime | None = None) -> None:
    """Save the organiser's settings. Refused (`Refused`, nothing saved) once the seats are allocated or
    while an allocation runs; allocation mode needs a ranking deadline before registration closes; and an
    event switches to allocation mode only while nobody holds a seat of a parallel round."""
    now = now or timezone.now()
    if new.mode not in Mode.values:
        raise Refused(N_("Choose how the seats are given."))
    with transaction.atomic():
        current = models.Event.objects.select_for_update().get(pk=event.pk)
        if current.allocated_at is not None:
            raise Refused(N_("The seats are allocated already; the settings can no longer change."))
        if models.AllocationRun.objects.filter(event=event, status__in=ACTIVE).exists():
            raise Refused(N_("An allocation is running; wait for its result."))
        if new.mode == Mode.ALLOCATION:
            if new.ranking_deadline is None:
                raise Refused(N_("Give the ranking deadline: until when people rank their choices."))
            if new.ranking_deadline >= (current.registration_deadline or current.starts_at):
                raise Refused(
                    N_("The ranking deadline must be before registration closes (allocate while it is open).")
                )
            if current.registration_mode != Mode.ALLOCATION:
                held = models.Registration.objects.filter(seats__event=event, seats__active=True).exclude(
                    models.OPT_IN_SLOTS
                )
                if held.exists():
                    raise Refused(
                        N_(
                            "%(n)s seats of parallel rounds are taken already (first come, first served): "
                            "the allocation mode can only be chosen before anyone takes one."
                        ),
                        n=held.count(),
                    )
        if new.seed is not None and not 0 <= new.seed <= MAX_SEED:
            raise Refused(N_("The lottery seed is a whole number from 0 to %(max)s."), max=MAX_SEED)
        current.registration_mode = new.mode
        current.ranking_deadline = new.ranking_deadline
        current.allocation_settings = {
            "rank_costs": list(new.rank_costs),
            "empty_organisations_first": new.empty_organisations_first,
            "seed": new.seed,
        }
        current.save(
            update_fields=["registration_mode", "ranking_deadline", "allocation_settings", "updated_at"]
        )
    for name in ("registration_mode", "ranking_deadline", "allocation_settings"):
        setattr(event, name, getattr(current, name))


def before_allocation(event: models.Event) -> bool:
    """In allocation mode and not yet allocated: nobody may take a seat of a parallel round."""
    return event.registration_mode == Mode.ALLOCATION and event.allocated_at is None


def deadline_passed(event: models.Event, *, now: datetime | None = None) -> bool:
    return event.ranking_deadline is not None and (now or timezone.now()) >= event.ranking_deadline


def deadline_text(event: models.Event, core: CoreEvent | None, lang: str) -> str:
    """The ranking deadline in the event's time zone, in words ("" without one)."""
    if event.ranking_deadline is None:
        return ""
    return dashboard.moment_text(event.ranking_deadline, dashboard.event_zone(core), lang)


# --- what people rank ----------------------------------------------------------------------------------


Choice = alloc.Choice


def choices_of(core: CoreEvent) -> tuple[Choice, ...]:
    """The choices of the published programme, in programme order (`scheduling.allocation.choices_of`)."""
    return alloc.choices_of(alloc.offers_of(core))


def ranking_of(invitee: models.Invitee) -> dict[str, int]:
    """The person's saved ranks by choice."""
    return dict(
        models.RankedChoice.objects.filter(
            ranking__invitee=invitee, ranking__purpose=models.Purpose.ALLOCATION, rank__isnull=False
        ).values_list("choice", "rank")
    )


def ranking_closed_reason(invitee: models.Invitee, *, now: datetime | None = None) -> str | None:
    """Why the person cannot change their ranking now (English, in the catalogue), or None."""
    event = invitee.event
    if event.registration_mode != Mode.ALLOCATION:
        return N_("The seats of this day are not given by ranking.")
    if invitee.withdrawn_at is not None or invitee.anonymised_at is not None:
        return N_("You have withdrawn; nothing can be changed.")
    if event.allocated_at is not None:
        return N_("The seats are allocated; the ranking is closed.")
    if deadline_passed(event, now=now):
        return N_("The ranking deadline has passed; nothing was changed.")
    if invitee.attending == models.Attendance.NO:
        return N_("You told us you will not come. Say on your registration page that you will come first.")
    return None


def read_ranks(values: Mapping[str, str], choices: Sequence[Choice]) -> dict[str, int]:
    """The form's ranks (`rank-<choice>`: "" for not wanted, else a whole number) for the choices
    offered; raises `Refused` for a rank that is not a number from 1 to the number of choices."""
    top = max(1, min(len(choices), models.MAX_CHOICES))
    ranks: dict[str, int] = {}
    for c in choices:
        text = values.get(f"rank-{c.id}", "").strip()
        if not text:
            continue
        if len(text) > 3 or not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= top:
            raise Refused(N_("A rank is a whole number from 1 to %(n)s; nothing was saved."), n=top)
        ranks[c.id] = int(text)
    return ranks


def save_ranking(invitee: models.Invitee, ranks: Mapping[str, int], *, now: datetime | None = None) -> None:
    """Save the person's ranking whole (an empty one removes it), in one transaction with their row
    locked. Every choice must be one of the published programme's (`choices_of`), each rank a whole
    number from 1 to `MAX_CHOICES`; equal ranks are allowed. Refused (`Refused`, nothing saved) after the
    ranking deadline, after the allocation, when the person withdrew or said they will not come. Saving
    a ranking says the person comes (their answer is set to yes)."""
    core = published_event(invitee.event)
    if core is None:
        raise Refused(N_("The programme is not published yet."))
    if len(ranks) > models.MAX_CHOICES:
        raise Refused(N_("Rank at most %(n)s choices; nothing was saved."), n=models.MAX_CHOICES)
    known = {c.id for c in choices_of(core)}
    for choice, rank in ranks.items():
        if choice not in known:
            raise Refused(N_("That session cannot be ranked; please rank again."))
        if not isinstance(rank, int) or not 1 <= rank <= models.MAX_CHOICES:
            raise Refused(
                N_("A rank is a whole number from 1 to %(n)s; nothing was saved."), n=models.MAX_CHOICES
            )
    with transaction.atomic():
        locked = models.Invitee.objects.select_for_update().select_related("event").get(pk=invitee.pk)
        reason = ranking_closed_reason(locked, now=now)
        if reason is not None:
            raise Refused(reason)
        ranking, _ = models.Ranking.objects.get_or_create(invitee=locked, purpose=models.Purpose.ALLOCATION)
        ranking.choices.all().delete()
        if not ranks:
            ranking.delete()
            return
        models.RankedChoice.objects.bulk_create(
            models.RankedChoice(ranking=ranking, choice=c, rank=r) for c, r in sorted(ranks.items())
        )
        ranking.save(update_fields=["saved_at"])
        if locked.attending != models.Attendance.YES:
            models.Invitee.objects.filter(pk=locked.pk).update(
                attending=models.Attendance.YES, responded_at=timezone.now()
            )
    invitee.refresh_from_db()


# --- demand before the allocation ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Demand:
    """Per session of a parallel round: its seats, how many ranked it (or its topic) and how many of
    those gave it rank 1."""

    session: str
    round: str
    capacity: int | None
    asks: int
    first: int


def demand(event: models.Event, core: CoreEvent) -> tuple[int, list[Demand]]:
    """How many people ranked something, and per session the asks against its seats."""
    choices = choices_of(core)
    sessions_of = {c.id: c.sessions for c in choices}
    rows = models.RankedChoice.objects.filter(
        ranking__invitee__event=event,
        ranking__purpose=models.Purpose.ALLOCATION,
        ranking__invitee__withdrawn_at__isnull=True,
        rank__isnull=False,
    ).exclude(ranking__invitee__attending=models.Attendance.NO)
    people: set[int] = set()
    best: dict[tuple[int, str], int] = {}
    for invitee_id, choice, rank in rows.values_list("ranking__invitee_id", "choice", "rank"):
        people.add(invitee_id)
        for s in sessions_of.get(choice, ()):
            best[(invitee_id, s)] = min(rank, best.get((invitee_id, s), rank))
    asks: dict[str, int] = defaultdict(int)
    first: dict[str, int] = defaultdict(int)
    for (_, s), rank in best.items():
        asks[s] += 1
        first[s] += rank == 1
    capacity = dict(
        models.Seats.objects.filter(event=event, active=True).values_list("session_id", "capacity")
    )
    found = [
        Demand(o.session, o.round, capacity.get(o.session, o.capacity), asks[o.session], first[o.session])
        for o in alloc.offers_of(core)
    ]
    return len(people), found


# --- running it -----------------------------------------------------------------------------------------


def start(
    event: models.Event, user: object | None = None, *, now: datetime | None = None
) -> models.AllocationRun:
    """Queue the allocation for a worker. Refused (`Refused`) unless the event is in allocation mode, its
    programme published, the ranking deadline passed and nothing allocated yet, or when a run is going.
    The lottery's seed is the organiser's, else drawn here with `secrets`, and kept with the event."""
    if event.registration_mode != Mode.ALLOCATION:
        raise Refused(
            N_("This day gives its seats first come, first served; choose the allocation mode first.")
        )
    if event.allocated_at is not None:
        raise Refused(N_("The seats are allocated already."))
    if not deadline_passed(event, now=now):
        raise Refused(N_("People may rank until the ranking deadline; allocate after it."))
    if not registration.is_open(event, now=now):
        raise Refused(N_("Registration has closed: seats can no longer be allocated."))
    if published_event(event) is None:
        raise Refused(N_("The programme is not published yet."))
    chosen = settings_of(event)
    seed = chosen.seed if chosen.seed is not None else secrets.randbelow(MAX_SEED + 1)
    options = {
        "rank_costs": list(chosen.rank_costs),
        "empty_organisations_first": chosen.empty_organisations_first,
        "seed": seed,
        "time_limit": TIME_LIMIT_S,
    }
    try:
        with transaction.atomic():
            if models.AllocationRun.objects.filter(event=event, status__in=ACTIVE).exists():
                raise Refused(N_("An allocation is running; wait for its result."))
            models.Event.objects.filter(pk=event.pk).update(
                allocation_settings={**(event.allocation_settings or {}), "seed": seed}
            )
            run = models.AllocationRun.objects.create(
                event=event, options=options, started_by=user if getattr(user, "pk", None) else None
            )
            tasks.run_allocation.enqueue(run.pk)
    except IntegrityError:  # another request queued one a moment ago
        raise Refused(N_("An allocation is running; wait for its result.")) from None
    event.allocation_settings = {**(event.allocation_settings or {}), "seed": seed}
    return run


def execute(run_id: int) -> str:
    """Run a queued allocation (the worker's task); returns its outcome (services/runs.py)."""
    return runs.execute(models.AllocationRun, run_id, _execute, _failed)


def recover(run_id: int) -> None:
    """The worker running this allocation stopped: start it again, or after MAX_ATTEMPTS mark it failed.
    (Applying is one transaction: a worker that stopped applied all of it or nothing.)"""
    runs.recover(models.AllocationRun, run_id, tasks.run_allocation, _failed, "stopped")


def _failed(run: models.AllocationRun, message: str) -> None:
    runs.finish(run, Status.FAILED, message=message)


def person_key(invitee_id: int, person_id: str) -> str:
    """Who an invitee is in the allocation: their person id in the network, else ``invitee-<pk>``."""
    return person_id or f"invitee-{invitee_id}"


@dataclass(frozen=True, slots=True)
class Taking:
    """The people an allocation is for: invitees by key, their rankings, organisations and held seats."""

    invitees: Mapping[str, int]
    preferences: tuple[Preference, ...]
    organisations: Mapping[str, str]
    #: The organisation keys of invitees outside the network, with the name they gave.
    organisation_names: Mapping[str, str]
    held: Mapping[str, frozenset[str]]
    #: People with a part who will not come (an invitee who declined or withdrew).
    absent: frozenset[str]


def _organisation_key(text: str) -> str:
    return "~" + " ".join(text.split()).casefold()


def taking_part(event: models.Event, core: CoreEvent) -> Taking:
    """The invitees that take part (neither declined nor withdrawn), read from the database."""
    rows = models.Invitee.objects.filter(event=event, anonymised_at__isnull=True)
    invitees: dict[str, int] = {}
    absent: set[str] = set()
    organisations: dict[str, str] = {}
    names: dict[str, str] = {}
    for pk, person_id, organisation, attending, withdrawn in rows.values_list(
        "pk", "person_id", "organisation", "attending", "withdrawn_at"
    ):
        key = person_key(pk, person_id)
        if attending == models.Attendance.NO or withdrawn is not None:
            absent.add(key)
            continue
        invitees[key] = pk
        network_org = (
            core.network.person(person_id).organisation if core.network.has_person(person_id) else None
        )
        if network_org is None and organisation.strip():
            organisations[key] = _organisation_key(organisation)
            names.setdefault(organisations[key], " ".join(organisation.split()))
    key_of = {pk: key for key, pk in invitees.items()}
    preferences = tuple(
        Preference(key_of[invitee_id], choice, rank)
        for invitee_id, choice, rank in models.RankedChoice.objects.filter(
            ranking__invitee_id__in=list(invitees.values()),
            ranking__purpose=models.Purpose.ALLOCATION,
            rank__isnull=False,
        )
        .order_by("ranking__invitee_id", "rank", "choice")
        .values_list("ranking__invitee_id", "choice", "rank")
    )
    held: dict[str, set[str]] = defaultdict(set)
    for invitee_id, session_id in (
        models.Registration.objects.filter(seats__event=event)
        .exclude(models.OPT_IN_SLOTS)
        .values_list("invitee_id", "seats__session_id")
    ):
        if invitee_id in key_of:
            held[key_of[invitee_id]].add(session_id)
    return Taking(
        invitees,
        preferences,
        organisations,
        names,
        {k: frozenset(v) for k, v in held.items()},
        frozenset(absent - set(invitees)),
    )


def problem_for(event: models.Event, core: CoreEvent, taking: Taking) -> alloc.Problem:
    """The allocation problem of the published programme and the rankings: the seats as the `Seats` rows
    hold them, the parts of people who will not come left out, the seats already held kept."""
    problem = alloc.problem_of(core, taking.preferences, organisations=taking.organisations)
    held_by: dict[str, int] = defaultdict(int)
    for sessions in taking.held.values():
        for s in sessions:
            held_by[s] += 1
    # A row's seats, less those held by people who take no part (their seats stay theirs).
    capacity = {
        session_id: None if cap is None else max(0, cap - (taken - held_by[session_id]))
        for session_id, cap, taken in models.Seats.objects.filter(event=event, active=True).values_list(
            "session_id", "capacity", "taken"
        )
    }
    offers = tuple(
        dataclasses.replace(o, capacity=capacity[o.session]) if o.session in capacity else o
        for o in problem.offers
    )
    offered = {o.session for o in offers}
    required: dict[str, frozenset[str]] = {
        p: s for p, s in problem.required.items() if p not in taking.absent
    }
    for person, sessions in taking.held.items():
        required[person] = required.get(person, frozenset()) | (sessions & offered)
    return dataclasses.replace(problem, offers=offers, required=required)


#: Why a run found no allocation, for the organiser (translated by the page).
FAILURE_WORDS = {
    "infeasible": N_(
        "No allocation keeps every rule: the people with a part in a session (and the seats already "
        "held) need more seats than its room has."
    ),
    "unknown": N_("No allocation was found within the time limit."),
    "not-published": N_("The programme is not published."),
    "allocated": N_("The seats were allocated already."),
    "overbooked": N_("A session would get more people than seats; nothing was changed."),
    "broken": N_("The allocation found breaks a rule; nothing was changed."),
    "stopped": N_("The worker running it stopped twice; allocate again."),
    "closed": N_("Registration has closed: seats can no longer be allocated."),
}


def _execute(run: models.AllocationRun) -> None:
    event = run.event
    core = published_event(event)
    if core is None:
        runs.finish(run, Status.FAILED, message="not-published")
        return
    options = run.options
    rank_costs = tuple(int(c) for c in options.get("rank_costs", ()))
    taking = taking_part(event, core)
    problem = problem_for(event, core, taking)
    result = alloc.solve(
        problem,
        rank_costs,
        time_limit=float(options.get("time_limit", TIME_LIMIT_S)),
        workers=2,
        seed=0,
        empty_organisations_first=bool(options.get("empty_organisations_first", False)),
        lottery_seed=int(options.get("seed", 0)),
    )
    if result.status not in (alloc.Status.OPTIMAL, alloc.Status.FEASIBLE):
        runs.finish(run, Status.FAILED, report={"status": str(result.status)}, message=str(result.status))
        return
    if alloc.check(problem, result.allocation):
        runs.finish(run, Status.FAILED, message="broken")
        return
    report = allocation_report.report(problem, result).as_json()
    waiting = allocation_report.waiting_lists(problem, result)
    report["kept_for_parts"] = {s: n for s, n in _parts_without_invitation(problem, taking).items() if n}
    report["organisation_names"] = dict(taking.organisation_names)
    try:
        with transaction.atomic():
            locked = models.Event.objects.select_for_update().get(pk=event.pk)
            if locked.allocated_at is not None:
                raise _Stop("allocated")
            if not registration.is_open(locked):
                raise _Stop("closed")
            still = _apply(event, taking, result.allocation, waiting)
            models.Event.objects.filter(pk=event.pk).update(allocated_at=timezone.now())
            runs.finish(run, Status.DONE, report=report)
            for key in sorted(problem.ranks):
                if taking.invitees.get(key) in still:
                    person = models.Invitee.objects.select_related("event").get(pk=taking.invitees[key])
                    mail.queue(
                        models.OutgoingMail.Kind.CONFIRMATION, invitee=person, context={"allocated": True}
                    )
    except _Stop as stop:
        runs.finish(run, Status.FAILED, message=stop.reason)


class _Stop(Exception):
    """Applying stopped: everything of it is rolled back; `reason` is a key of FAILURE_WORDS."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def _parts_without_invitation(problem: alloc.Problem, taking: Taking) -> dict[str, int]:
    """Per session, the seats kept for people with a part in it who are not invitees."""
    found: dict[str, int] = defaultdict(int)
    for person, sessions in problem.required.items():
        if person not in taking.invitees:
            for s in sessions:
                found[s] += 1
    return dict(found)


def _apply(
    event: models.Event,
    taking: Taking,
    allocation: Mapping[str, frozenset[str]],
    waiting: Mapping[str, Sequence[str]],
) -> set[int]:
    """The allocation written, inside the caller's transaction: a registration per seat given to an
    invitee who still takes part (the seats already held are left as they are), each `Seats` row's count
    raised only while it stays within its capacity, then the waiting lists in their order. Returns the
    invitees who still take part."""
    rows = {
        r.session_id: r
        for r in models.Seats.objects.select_for_update().filter(event=event, active=True).order_by("pk")
    }
    # Who still takes part now, under their row locks: someone who declined or withdrew while the
    # solver ran gets no seat, no place in line and no mail (their seat stays free).
    still = set(
        models.Invitee.objects.select_for_update()
        .filter(pk__in=list(taking.invitees.values()), withdrawn_at__isnull=True, anonymised_at__isnull=True)
        .exclude(attending=models.Attendance.NO)
        .values_list("pk", flat=True)
    )
    new: dict[str, list[int]] = defaultdict(list)
    for key, sessions in sorted(allocation.items()):
        invitee_id = taking.invitees.get(key)
        if invitee_id is None:
            continue  # someone with a part who is not an invitee: their seat stays free in the room
        if invitee_id not in still:
            continue
        for s in sorted(sessions - taking.held.get(key, frozenset())):
            new[s].append(invitee_id)
    for session_id, people in sorted(new.items()):
        row = rows[session_id]
        fits = Q(capacity__isnull=True) | Q(taken__lte=F("capacity") - len(people))
        if not models.Seats.objects.filter(fits, pk=row.pk).update(taken=F("taken") + len(people)):
            raise _Stop("overbooked")
        models.Registration.objects.bulk_create(
            models.Registration(invitee_id=i, seats=row, slot=row.slot) for i in people
        )
    for session_id, queue in sorted(waiting.items()):
        row = rows[session_id]
        for key in queue:
            if (invitee_id := taking.invitees.get(key)) is not None and invitee_id in still:
                # One at a time: the list's order is the order they are written in (created_at, id).
                models.WaitingEntry.objects.create(invitee_id=invitee_id, seats=row, slot=row.slot)
    return still


# --- after it ----------------------------------------------------------------------------------------------


def forget_in_reports(event_id: int, keys: Iterable[str] | None = None) -> None:
    """Take people out of the event's allocation reports (services/privacy.py): the people with these
    person keys (a withdrawal), or everyone (anonymisation). Their lines and their places in the draw go;
    the figures (seats, ranks, organisations, bounds) stay."""
    gone = None if keys is None else set(keys)
    for run in models.AllocationRun.objects.filter(event_id=event_id).exclude(report={}):
        report = dict(run.report)
        report["people"] = (
            [] if gone is None else [p for p in report.get("people", []) if p.get("person") not in gone]
        )
        report["lottery"] = [] if gone is None else [p for p in report.get("lottery", []) if p not in gone]
        models.AllocationRun.objects.filter(pk=run.pk).update(report=report)


def latest_run(event: models.Event) -> models.AllocationRun | None:
    return models.AllocationRun.objects.filter(event=event).order_by("-created_at", "-pk").first()


def waiting_places(invitee: models.Invitee) -> list[tuple[str, int]]:
    """The sessions the person waits for, with their place in line (for their page and their mail)."""
    return [
        (entry.seats.title, registration.place_in_line(entry))
        for entry in models.WaitingEntry.objects.filter(invitee=invitee)
        .select_related("seats")
        .order_by("slot")
    ]


def allocation_rows(event: models.Event) -> list[tuple[str, str, str, str]]:
    """The seats of the parallel rounds as they are now: (person key, name, session id, title), for the
    CSV export."""
    rows = (
        models.Registration.objects.filter(seats__event=event, seats__active=True)
        .exclude(models.OPT_IN_SLOTS)
        .select_related("invitee", "seats")
        .order_by("invitee__name", "seats__slot")
    )
    return [
        (person_key(r.invitee_id, r.invitee.person_id), r.invitee.name, r.seats.session_id, r.seats.title)
        for r in rows
    ]


def names_of(event: models.Event, keys: Iterable[str]) -> dict[str, str]:
    """The invitees' names by person key (for the organiser's report); anonymised people have none."""
    wanted = set(keys)
    found = {}
    for pk, person_id, name, anonymised in models.Invitee.objects.filter(event=event).values_list(
        "pk", "person_id", "name", "anonymised_at"
    ):
        key = person_key(pk, person_id)
        if key in wanted and anonymised is None:
            found[key] = name
    return found
