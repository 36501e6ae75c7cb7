"""Placing the accepted meetings of the networking room (issue 20) from the web app, and where they show.

An organiser queues a `MeetingRun` (`start`, one queued or running per event: the model's constraint); a
worker runs it (`execute`, the ``scheduling`` queue, its life through services/runs.py). The run builds the
problem from the database (`build`): every accepted meeting (a request not called off, its requester and
those who accepted, all still coming: neither withdrawn nor anonymised nor said no) as a
`scheduling.meetings.Meeting` (id: the request's pk, order: when it was asked), each person by a stable key
(their person id in the network, else ``invitee:<pk>``, which no person id can be), busy in the sessions
they registered for and, for people of the network, those they have a part in (`problem_of`); the
published programme (the draft before anything is published) and its first networking space; the
placements people were told of as `announced`, so that a re-placement moves as few of them as it can.

The solver's plan is applied in one transaction (`_apply`): placements created, moved or deleted, the
run's report (`Result.as_json()`: the unplaced with their reasons and who is busy when), a
``meeting-placed`` mail to each person of a new or moved meeting (and to those told of a meeting that
can no longer be placed or was called off), and `announced_at` set. A run that fails changes nothing. A
meeting that changed while the solver ran (someone accepted, called off, withdrew) is left as it was, and
another run is queued for it in the same transaction. After the organiser's first placement, changes
queue runs by themselves (`queue_placement`).

The report holds person keys and session ids, never names or subjects: the pages put today's names to
them, so someone who withdrew or was anonymised is no longer named.

Where the meetings show: the personal programme (`meeting_lines`, used by services/personal.py for the
page, the PDF, the mails and the .ics), the organiser's table plan (`table_plan`, with subjects; the sign
for the room without them), and the badges (`first_meetings`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.core.networking import NetworkingSpace
from netwerkdag.core.problems import NetwerkdagError
from netwerkdag.publish.i18n import format_day, format_time, format_time_range, translations
from netwerkdag.scheduling import meetings as solver
from netwerkdag.web import models, tasks
from netwerkdag.web.i18n import N_, Refusal
from netwerkdag.web.services import mail, runs
from netwerkdag.web.services.programme import draft_event, published_event

Status = models.MeetingRun.Status
Answer = models.MeetingAnswer.Answer
Kind = models.OutgoingMail.Kind
ACTIVE = (Status.QUEUED, Status.RUNNING)
MAX_ATTEMPTS = runs.MAX_ATTEMPTS
#: How long the solver may search (a G40 day of 600 meetings is proven in a few seconds).
TIME_LIMIT_S = 10.0
#: What a mail about a placement tells: a new table and time, a moved one, or none any more.
NEW, MOVED, UNPLACED = "new", "moved", "unplaced"


class Refused(Refusal):
    """The placement cannot start now; nothing changed."""


def person_key(invitee_id: int, person_id: str) -> str:
    """Who an invitee is to the solver: their person id in the network, else ``invitee:<pk>`` (a person id
    has lowercase letters, digits and hyphens only, so no person id is ever such a key: "invitee-5" may be
    someone's id)."""
    return person_id or f"invitee:{invitee_id}"


def programme_of(event: models.Event) -> CoreEvent | None:
    """The programme meetings are placed in: the published one, else the draft (None when the draft has
    problems)."""
    core = published_event(event)
    if core is not None:
        return core
    try:
        return draft_event(event)
    except NetwerkdagError:
        return None


def space_of(core: CoreEvent | None) -> NetworkingSpace | None:
    """The networking space meetings are placed in: the event's first (None without one)."""
    return core.networking[0] if core is not None and core.networking else None


# --- the accepted meetings ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Accepted:
    """A meeting that takes place: its request, and the invitees in it (the requester first, then those
    who accepted and still come)."""

    request: int
    subject: str
    minutes: int
    people: tuple[int, ...]


def _coming(event: models.Event) -> dict[int, str]:
    """The event's invitees who still come (not withdrawn, not anonymised, not said no): pk -> key."""
    rows = (
        models.Invitee.objects.filter(event=event, withdrawn_at__isnull=True, anonymised_at__isnull=True)
        .exclude(attending=models.Attendance.NO)
        .values_list("pk", "person_id")
    )
    return {pk: person_key(pk, person_id) for pk, person_id in rows}


@dataclass(frozen=True, slots=True)
class Group:
    """The invitees of a request who still come (the requester first when they do, then those who accepted,
    in the order they were asked), and whether its meeting takes place: the requester and at least one
    who accepted still come."""

    people: tuple[int, ...]
    on: bool


def _people_of(
    event: models.Event, request_ids: Iterable[int] | None = None, coming: Mapping[int, str] | None = None
) -> dict[int, Group]:
    """Per request of the event not called off (all, or those of `request_ids`), its `Group`; `coming`:
    who still comes (`_coming`), read here when not given."""
    coming = _coming(event) if coming is None else coming
    requests = models.MeetingRequest.objects.filter(event=event, cancelled_at__isnull=True)
    answers = models.MeetingAnswer.objects.filter(
        request__event=event, request__cancelled_at__isnull=True, answer=Answer.ACCEPTED
    )
    if request_ids is not None:
        wanted = list(request_ids)
        requests = requests.filter(pk__in=wanted)
        answers = answers.filter(request_id__in=wanted)
    accepted: dict[int, list[int]] = defaultdict(list)
    for request_id, invitee_id in answers.order_by("request_id", "pk").values_list(
        "request_id", "invitee_id"
    ):
        if invitee_id in coming:
            accepted[request_id].append(invitee_id)
    found: dict[int, Group] = {}
    for request_id, requester in requests.values_list("pk", "requester_id"):
        others = tuple(i for i in dict.fromkeys(accepted[request_id]) if i != requester)
        if requester in coming:
            found[request_id] = Group((requester, *others), bool(others))
        else:
            found[request_id] = Group(others, False)
    return found


def _called_off(
    event: models.Event, request_ids: Iterable[int], coming: Mapping[int, str] | None = None
) -> dict[int, tuple[int, ...]]:
    """Per request of `request_ids` that was called off, the people its meeting had when it was: the
    requester first, then those who accepted (the answers stay as they were), those of them who still come
    (`coming`, read here when not given)."""
    coming = _coming(event) if coming is None else coming
    requests = models.MeetingRequest.objects.filter(
        event=event, cancelled_at__isnull=False, pk__in=list(request_ids)
    )
    accepted: dict[int, list[int]] = defaultdict(list)
    for request_id, invitee_id in (
        models.MeetingAnswer.objects.filter(request__in=requests, answer=Answer.ACCEPTED)
        .order_by("request_id", "pk")
        .values_list("request_id", "invitee_id")
    ):
        accepted[request_id].append(invitee_id)
    return {
        pk: tuple(i for i in dict.fromkeys((requester, *accepted[pk])) if i in coming)
        for pk, requester in requests.values_list("pk", "requester_id")
    }


def accepted_meetings(event: models.Event, coming: Mapping[int, str] | None = None) -> list[Accepted]:
    """The meetings that take place, in the order they were asked: a request not called off whose
    requester and at least one who accepted still come (`coming`, read here when not given)."""
    groups = _people_of(event, coming=coming)
    found = []
    for pk, subject, minutes in (
        models.MeetingRequest.objects.filter(event=event, cancelled_at__isnull=True)
        .order_by("created_at", "pk")
        .values_list("pk", "subject", "minutes")
    ):
        group = groups.get(pk)
        if group is not None and group.on:
            found.append(Accepted(pk, subject, minutes, group.people))
    return found


@dataclass(frozen=True)
class Built:
    """A run's problem and what it was built from: the meetings (by request pk), the key of each invitee
    in them, and the space."""

    problem: solver.MeetingProblem
    meetings: Mapping[int, Accepted]
    keys: Mapping[int, str]
    space: NetworkingSpace


def build(event: models.Event, core: CoreEvent, space: NetworkingSpace) -> Built:
    """The placing problem of the event's accepted meetings as the database holds them now. Who still
    comes is read once: the meetings and their people's keys come from the same reading, even when someone
    withdraws meanwhile."""
    coming = _coming(event)
    accepted = accepted_meetings(event, coming)
    keys = {i: coming[i] for m in accepted for i in m.people}
    meetings = [
        solver.Meeting(str(m.request), tuple(keys[i] for i in m.people), m.minutes, order, m.subject)
        for order, m in enumerate(accepted)
    ]
    registrations: dict[str, set[str]] = defaultdict(set)
    for invitee_id, session_id in models.Registration.objects.filter(
        invitee_id__in=list(keys), seats__event=event
    ).values_list("invitee_id", "seats__session_id"):
        if core.has_session(session_id):  # a session the organisers removed since holds nobody
            registrations[keys[invitee_id]].add(session_id)
    tables = {t.id for t in space.tables}
    placed = {m.request for m in accepted}
    announced = {
        str(p.request_id): solver.Placement(str(p.request_id), p.table, p.start, p.end)
        for p in models.MeetingPlacement.objects.filter(
            request__event=event, announced_at__isnull=False, space=space.id, table__in=list(tables)
        )
        if p.request_id in placed
    }
    problem = solver.problem_of(core, meetings, registrations, space=space.id, announced=announced)
    return Built(problem, {m.request: m for m in accepted}, keys, space)


# --- the run ------------------------------------------------------------------------------------------------


def start(event: models.Event, user: object | None = None) -> models.MeetingRun:
    """Queue a placement of the event's accepted meetings for a worker. Refused (`Refused`) without a
    programme that can be read or without a networking space, and while a placement runs."""
    core = programme_of(event)
    if core is None:
        raise Refused(N_("The programme has problems: fix the draft before placing meetings."))
    if space_of(core) is None:
        raise Refused(
            N_("The event file has no networking space: add one (networking: tables and open times) first.")
        )
    try:
        with transaction.atomic():
            if models.MeetingRun.objects.filter(event=event, status__in=ACTIVE).exists():
                raise Refused(N_("A placement is running; wait for its result."))
            run = models.MeetingRun.objects.create(
                event=event,
                options={"time_limit": TIME_LIMIT_S},
                started_by=user if getattr(user, "pk", None) else None,
            )
            tasks.run_meetings.enqueue(run.pk)
    except IntegrityError:  # another request queued one a moment ago
        raise Refused(N_("A placement is running; wait for its result.")) from None
    return run


def queue_placement(event: models.Event) -> models.MeetingRun | None:
    """Queue a placement after a change to the meetings (an accepted request, a cancellation, a
    withdrawal), once the organiser has placed the meetings at least once (a run of the event is done):
    before that, people's answers start nothing by themselves, and the organiser chooses when the first
    placement is made and mailed. None when nothing was queued: no placement done yet, one queued or
    running already, or nothing can be placed. For the caller's transaction; never in the way of the
    change that asks for it."""
    if not models.MeetingRun.objects.filter(event=event, status=Status.DONE).exists():
        return None
    core = programme_of(event)
    if space_of(core) is None:
        return None
    try:
        with transaction.atomic():
            if models.MeetingRun.objects.filter(event=event, status__in=ACTIVE).exists():
                return None
            run = models.MeetingRun.objects.create(event=event, options={"time_limit": TIME_LIMIT_S})
            tasks.run_meetings.enqueue(run.pk)
    except IntegrityError:
        return None
    return run


def execute(run_id: int) -> str:
    """Run a queued placement (the worker's task); returns its outcome (services/runs.py)."""
    return runs.execute(models.MeetingRun, run_id, _execute, _failed)


def recover(run_id: int) -> None:
    """The worker running this placement stopped: start it again, or after MAX_ATTEMPTS mark it failed.
    (Applying is one transaction: a worker that stopped applied all of it or nothing.)"""
    runs.recover(models.MeetingRun, run_id, tasks.run_meetings, _failed, "stopped")


def _failed(run: models.MeetingRun, message: str) -> None:
    runs.finish(run, Status.FAILED, message=message)


#: Why a run changed nothing, for the organiser (translated by the page).
FAILURE_WORDS = {
    "no-programme": N_("The programme has problems: fix the draft before placing meetings."),
    "no-space": N_(
        "The event file has no networking space: add one (networking: tables and open times) first."
    ),
    "unknown": N_(
        "No placement was found within the time limit; nothing was changed. Place the meetings again:"
        " another search may find one."
    ),
    "broken": N_("The placement found breaks a rule; nothing was changed."),
    "stopped": N_("The worker running it stopped twice; place the meetings again."),
}


def _execute(run: models.MeetingRun) -> None:
    event = run.event
    core = programme_of(event)
    if core is None:
        runs.finish(run, Status.FAILED, message="no-programme")
        return
    space = space_of(core)
    if space is None:
        runs.finish(run, Status.FAILED, message="no-space")
        return
    built = build(event, core, space)
    limit = float(run.options.get("time_limit", TIME_LIMIT_S))
    result = solver.solve(built.problem, time_limit=limit, workers=2, seed=0)
    if result.status is solver.Status.UNKNOWN:
        runs.finish(run, Status.FAILED, report=result.as_json(), message="unknown")
        return
    if solver.check(built.problem, result.placements):
        runs.finish(run, Status.FAILED, message="broken")
        return
    report = {**result.as_json(), "space": space.id, "meetings": len(built.meetings)}
    _apply(run, event, core, built, result, report)


def _apply(
    run: models.MeetingRun,
    event: models.Event,
    core: CoreEvent,
    built: Built,
    result: solver.Result,
    report: dict[str, Any],
) -> None:
    """The plan written in one transaction, with its mails; meetings that changed while the solver ran
    are left as they are and placed by another run, queued here."""
    now = timezone.now()
    space = built.space
    nobody = Group((), False)
    with transaction.atomic():
        models.Event.objects.select_for_update().get(pk=event.pk)  # one writer of the placements at a time
        groups = _people_of(event)
        existing = {
            p.request_id: p
            for p in models.MeetingPlacement.objects.select_for_update().filter(request__event=event)
        }
        told = _told(event)
        plan = {int(p.meeting): p for p in result.placements}
        # The meetings called off whose placement people were told of: their people as they were.
        called_off = _called_off(event, [r for r, row in existing.items() if row.announced_at is not None])

        def changed(request_id: int) -> bool:
            """The meeting takes place now with someone the solver did not see (asked or accepted since)."""
            group = groups.get(request_id, nobody)
            seen = built.meetings.get(request_id)
            return group.on and (seen is None or not set(group.people) <= set(seen.people))

        again = any(changed(request_id) for request_id in groups)
        for request_id, placement in sorted(plan.items()):
            group = groups.get(request_id, nobody)
            if not group.on or changed(request_id):
                continue  # called off or changed meanwhile: below, or the next run
            row = existing.pop(request_id, None)
            before = _where(row) if row is not None and row.announced_at is not None else None
            if row is None:
                row = models.MeetingPlacement(request_id=request_id)
            target = (space.id, placement.table, placement.start, placement.end)
            moved = (row.space, row.table, row.start, row.end) != target
            row.run = run
            row.space, row.table, row.start, row.end = target
            where = _where(row)
            for invitee_id in group.people:
                last = told.get((invitee_id, request_id))
                if (
                    last is not None
                    and last.get("change") != UNPLACED
                    and _same_place(last) == _same_place(where)
                ):
                    continue  # told of this table and time already
                knew = last is not None and last.get("change") != UNPLACED and before is not None
                if knew:
                    _tell(invitee_id, request_id, MOVED, core, where, before)
                else:
                    _tell(invitee_id, request_id, NEW, core, where, None)
            if moved or row.announced_at is None:
                row.announced_at = now
            row.save()
        # The placements of meetings not placed now, called off, or with nobody left to meet.
        for request_id, row in existing.items():
            if changed(request_id):
                continue  # left as it is for the next run
            if row.announced_at is not None:
                if request_id in called_off:
                    who = called_off[request_id]
                else:
                    who = groups.get(request_id, nobody).people
                for invitee_id in who:
                    last = told.get((invitee_id, request_id))
                    if last is not None and last.get("change") != UNPLACED:
                        _tell(invitee_id, request_id, UNPLACED, core, None, _where(row))
            row.delete()
        report["again"] = again
        runs.finish(run, Status.DONE, report=report)
        if again:
            follow = models.MeetingRun.objects.create(event=event, options=dict(run.options))
            tasks.run_meetings.enqueue(follow.pk)


def _where(row: models.MeetingPlacement) -> dict[str, str]:
    return {
        "space": row.space,
        "table": row.table,
        "start": row.start.isoformat(),
        "end": row.end.isoformat(),
    }


def _same_place(context: Mapping[str, Any]) -> tuple[str, str, str, str]:
    where = context.get("where") or context
    return (
        str(where.get("space", "")),
        str(where.get("table", "")),
        _instant(where.get("start")),
        _instant(where.get("end")),
    )


def _instant(text: object) -> str:
    """An ISO moment in UTC (the same moment reads the same whatever zone wrote it)."""
    if not isinstance(text, str) or not text:
        return ""
    return datetime.fromisoformat(text).astimezone(UTC).isoformat()


def _told(event: models.Event) -> dict[tuple[int, int], dict[str, Any]]:
    """What each person was told last of each meeting: (invitee pk, request pk) -> the last mail's context."""
    found: dict[tuple[int, int], dict[str, Any]] = {}
    for invitee_id, context in (
        models.OutgoingMail.objects.filter(event=event, kind=Kind.MEETING_PLACED)
        .order_by("created_at", "pk")
        .values_list("invitee_id", "context")
    ):
        if invitee_id is not None and isinstance(context, dict) and "request" in context:
            found[(invitee_id, int(context["request"]))] = context
    return found


def _tell(
    invitee_id: int,
    request_id: int,
    change: str,
    core: CoreEvent,
    where: Mapping[str, str] | None,
    before: Mapping[str, str] | None,
) -> None:
    invitee = models.Invitee.objects.select_related("event").get(pk=invitee_id)
    mail.queue(
        Kind.MEETING_PLACED,
        invitee=invitee,
        context={
            "request": request_id,
            "change": change,
            "where": _named(core, where),
            "before": _named(core, before),
        },
    )


def _named(core: CoreEvent, where: Mapping[str, str] | None) -> dict[str, str] | None:
    """A placement's ids with the names the event file gives them (kept in the mail's context, so that the
    mail says what the change was even when the file changes before it is sent)."""
    if where is None:
        return None
    space_name, table_name = names_of_place(core, where["space"], where["table"])
    return {**where, "space_name": space_name, "table_name": table_name}


def names_of_place(core: CoreEvent | None, space_id: str, table_id: str) -> tuple[str, str]:
    """The space's and the table's names (their ids when the event file no longer has them)."""
    if core is None:
        return space_id, table_id
    for space in core.networking:
        if space.id == space_id:
            table = next((t for t in space.tables if t.id == table_id), None)
            return space.name, table.name if table is not None else table_id
    return space_id, table_id


def latest_run(event: models.Event) -> models.MeetingRun | None:
    return models.MeetingRun.objects.filter(event=event).order_by("-created_at", "-pk").first()


def latest_done(event: models.Event) -> models.MeetingRun | None:
    return (
        models.MeetingRun.objects.filter(event=event, status=Status.DONE)
        .order_by("-created_at", "-pk")
        .first()
    )


# --- names --------------------------------------------------------------------------------------------------


def names_by_key(event: models.Event) -> dict[str, str]:
    """Today's names of the event's invitees by person key (the anonymised have none)."""
    found: dict[str, str] = {}
    for pk, person_id, name in models.Invitee.objects.filter(
        event=event, anonymised_at__isnull=True
    ).values_list("pk", "person_id", "name"):
        found[person_key(pk, person_id)] = name
    return found


def _names(event: models.Event) -> dict[int, str]:
    return dict(
        models.Invitee.objects.filter(event=event, anonymised_at__isnull=True).values_list("pk", "name")
    )


# --- the organiser's page -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Counts:
    requests: int
    accepted: int
    placed: int
    unplaced: int


def counts(event: models.Event, report: Mapping[str, Any] | None) -> Counts:
    """Requests not called off, meetings that take place, placed (now) and unplaced (at the last run)."""
    requests = models.MeetingRequest.objects.filter(event=event, cancelled_at__isnull=True).count()
    accepted = accepted_meetings(event)
    taking_place = {m.request for m in accepted}
    placed = models.MeetingPlacement.objects.filter(request_id__in=list(taking_place)).count()
    unplaced = sum(
        1 for u in (report or {}).get("unplaced_meetings", []) if int(u.get("meeting", 0)) in taking_place
    )
    return Counts(requests, len(accepted), placed, unplaced)


@dataclass(frozen=True, slots=True)
class UnplacedLine:
    """A meeting the last run could not place: who, on what, why, and who was busy when (in words)."""

    people: tuple[str, ...]
    subject: str
    minutes: int
    reason: str
    busy: tuple[str, ...]


#: Why a meeting has no table and time, in words (translated by the page).
REASON_WORDS = {
    "no-table": N_("No table seats all %(n)s of them."),
    "no-common-time": N_("They are never all free and present while the tables are open."),
    "taken": N_("Whenever they are all free, the tables or they themselves are taken by other meetings."),
    "too-long": N_("The meeting is longer than every time the tables are open."),
}


def unplaced_lines(
    event: models.Event, core: CoreEvent | None, report: Mapping[str, Any], lang: str
) -> list[UnplacedLine]:
    """The last run's unplaced meetings that still take place, with today's names, in `lang`."""
    _ = translations(lang).gettext
    meetings = {m.request: m for m in accepted_meetings(event)}
    subjects = dict(models.MeetingRequest.objects.filter(pk__in=list(meetings)).values_list("pk", "subject"))
    names = _names(event)
    by_key = names_by_key(event)
    zone = core.tz if core is not None else None
    found = []
    for u in report.get("unplaced_meetings", []):
        request_id = int(u.get("meeting", 0))
        meeting = meetings.get(request_id)
        if meeting is None:
            continue
        reason = str(u.get("reason", ""))
        words = REASON_WORDS.get(reason, REASON_WORDS["taken"])
        busy = []
        for b in u.get("busy", [])[:20]:
            start, end = datetime.fromisoformat(b["start"]), datetime.fromisoformat(b["end"])
            if zone is not None:
                start, end = start.astimezone(zone), end.astimezone(zone)
            what = str(b.get("what", ""))
            if what == "unavailable":
                doing = _("not at the event")
            elif what.startswith("meeting"):
                doing = _("another meeting")
            elif core is not None and core.has_session(what):
                doing = core.session(what).title
            else:
                doing = what
            who = by_key.get(str(b.get("person", "")), _("someone who withdrew"))
            busy.append(f"{who}: {doing}, {format_time_range(start, end, lang)}")
        found.append(
            UnplacedLine(
                tuple(names.get(i, "") for i in meeting.people),
                subjects.get(request_id, ""),
                meeting.minutes,
                _(words) % {"n": len(meeting.people)} if "%(n)s" in words else _(words),
                tuple(busy),
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of the table plan: a meeting starting here (`rows` rows tall), a row a meeting above
    covers (`covered`), or a free table (no people)."""

    people: tuple[str, ...] = ()
    subject: str = ""
    time: str = ""
    rows: int = 1
    covered: bool = False


@dataclass(frozen=True, slots=True)
class Row:
    time: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class SpacePlan:
    """The table plan of one networking space: the tables as columns, the grid's starts as rows (from the
    first meeting to the last), and how many meetings it holds."""

    id: str
    name: str
    room: str
    day: str
    tables: tuple[str, ...]
    rows: tuple[Row, ...]
    meetings: int


def _grid(space: NetworkingSpace) -> list[datetime]:
    return list(space.starts(space.step_minutes))


def table_plan(event: models.Event, core: CoreEvent | None, lang: str) -> list[SpacePlan]:
    """The placed meetings that take place, per space, as a grid of times and tables."""
    if core is None:
        return []
    taking_place = _people_of(event)
    names = _names(event)
    placements = [
        p
        for p in models.MeetingPlacement.objects.filter(request__event=event).select_related("request")
        if p.request_id in taking_place and taking_place[p.request_id].on
    ]
    plans = []
    for space in core.networking:
        here = [p for p in placements if p.space == space.id]
        if not here:
            continue
        grid = _grid(space)
        first = min(p.start for p in here)
        last = max(p.end for p in here)
        times = [t for t in grid if first <= t < last]
        days = {t.astimezone(core.tz).date() for t in times}
        rows = []
        for t in times:
            cells = []
            for table in space.tables:
                p = next((p for p in here if p.table == table.id and p.start <= t < p.end), None)
                if p is None:
                    cells.append(Cell())
                elif p.start < t and t != times[0]:
                    cells.append(Cell(covered=True))
                else:
                    rows_here = sum(1 for u in times if t <= u < p.end)
                    start, end = p.start.astimezone(core.tz), p.end.astimezone(core.tz)
                    cells.append(
                        Cell(
                            tuple(names.get(i, "") for i in taking_place[p.request_id].people),
                            p.request.subject,
                            format_time_range(start, end, lang),
                            max(1, rows_here),
                        )
                    )
            local = t.astimezone(core.tz)
            label = format_time(local, lang)
            if len(days) > 1:
                label = f"{format_day(local.date(), lang)} {label}"
            rows.append(Row(label, tuple(cells)))
        room = core.room(space.room).name if space.room and core.has_room(space.room) else ""
        plans.append(
            SpacePlan(
                space.id,
                space.name,
                room,
                format_day(first.astimezone(core.tz).date(), lang),
                tuple(t.name for t in space.tables),
                tuple(rows),
                len(here),
            )
        )
    return plans


# --- the person's meetings ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MeetingLine:
    """A placed meeting in a person's programme: when, where, with whom, on what."""

    request: int
    start: datetime
    end: datetime
    time: str
    space: str
    table: str
    others: tuple[str, ...]
    subject: str

    @property
    def place(self) -> str:
        """ "Netwerktafels in de hal, Tafel 3": the space, then the table."""
        return f"{self.space}, {self.table}"

    def title(self, lang: str) -> str:
        """ "Gesprek met Anna de Vries en Piet Jansen: wonen"."""
        _ = translations(lang).gettext
        return _("Meeting with %(people)s: %(subject)s") % {
            "people": people_text(self.others, lang),
            "subject": self.subject,
        }


def people_text(names: Sequence[str], lang: str) -> str:
    """ "A", "A en B", "A, B en C" (", and" in English without the serial comma)."""
    _ = translations(lang).gettext
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def meeting_lines(core: CoreEvent, invitee: models.Invitee, lang: str) -> list[MeetingLine]:
    """The person's placed meetings in time order (none once they withdrew or said no)."""
    if invitee.withdrawn_at is not None or invitee.anonymised_at is not None:
        return []
    mine = models.MeetingRequest.objects.filter(event_id=invitee.event_id, cancelled_at__isnull=True).filter(
        Q(requester=invitee) | Q(answers__invitee=invitee, answers__answer=Answer.ACCEPTED)
    )
    request_ids = set(mine.values_list("pk", flat=True))
    if not request_ids:
        return []
    people = _people_of(invitee.event, request_ids)
    names = _names(invitee.event)
    found = []
    for p in (
        models.MeetingPlacement.objects.filter(request_id__in=list(request_ids))
        .select_related("request")
        .order_by("start", "table")
    ):
        group = people.get(p.request_id)
        if group is None or not group.on or invitee.pk not in group.people:
            continue
        here = group.people
        space, table = names_of_place(core, p.space, p.table)
        start, end = p.start.astimezone(core.tz), p.end.astimezone(core.tz)
        found.append(
            MeetingLine(
                p.request_id,
                start,
                end,
                format_time_range(start, end, lang),
                space,
                table,
                tuple(names.get(i, "") for i in here if i != invitee.pk),
                p.request.subject,
            )
        )
    return found


def first_meetings(event: models.Event, invitee_ids: Iterable[int]) -> dict[int, tuple[datetime, str]]:
    """Per invitee, their first placed meeting: its start (in the event's zone) and its table's name."""
    wanted = set(invitee_ids)
    core = programme_of(event)
    if core is None or not wanted:
        return {}
    people = _people_of(event)
    found: dict[int, tuple[datetime, str]] = {}
    for p in models.MeetingPlacement.objects.filter(request__event=event).order_by("start", "table"):
        group = people.get(p.request_id)
        if group is None or not group.on:
            continue
        for invitee_id in group.people:
            if invitee_id in wanted and invitee_id not in found:
                found[invitee_id] = (p.start.astimezone(core.tz), names_of_place(core, p.space, p.table)[1])
    return found


def with_meetings(calendar: bytes, core: CoreEvent, lines: Sequence[MeetingLine], lang: str) -> bytes:
    """The personal .ics with one VEVENT per meeting (location "space, table"), in the event's zone."""
    if not lines:
        return calendar
    from icalendar import Calendar
    from icalendar import Event as VEvent

    cal = Calendar.from_ical(calendar)
    stamp = timezone.now().replace(microsecond=0)
    _ = translations(lang).gettext
    for line in lines:
        entry = VEvent()
        entry.add("uid", f"meeting-{line.request}@{core.slug}.netwerkdag")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", line.start.astimezone(core.tz))
        entry.add("dtend", line.end.astimezone(core.tz))
        entry.add("summary", line.title(lang))
        entry.add("location", line.place)
        entry.add(
            "description",
            _("With %(people)s. Subject: %(subject)s")
            % {
                "people": people_text(line.others, lang),
                "subject": line.subject,
            },
        )
        cal.add_component(entry)
    data: bytes = cal.to_ical()
    return data


# --- the mail -----------------------------------------------------------------------------------------------


def mail_context(mail_row: models.OutgoingMail, invitee: models.Invitee, lang: str) -> dict[str, Any] | None:
    """What a ``meeting-placed`` mail says, in `lang`: None when the meeting is gone (the request deleted)."""
    context = mail_row.context or {}
    request = models.MeetingRequest.objects.filter(pk=context.get("request"), event=invitee.event).first()
    if request is None:
        return None
    core = programme_of(invitee.event)
    zone = core.tz if core is not None else timezone.get_current_timezone()
    if request.cancelled_at is not None:  # called off: the people it had
        people = _called_off(invitee.event, [request.pk]).get(request.pk, ())
    else:
        group = _people_of(invitee.event, [request.pk]).get(request.pk)
        people = group.people if group else ()
    names = _names(invitee.event)
    others = [names.get(i, "") for i in people if i != invitee.pk]

    def when(where: Mapping[str, str] | None) -> dict[str, str] | None:
        if not where:
            return None
        start = datetime.fromisoformat(where["start"]).astimezone(zone)
        end = datetime.fromisoformat(where["end"]).astimezone(zone)
        return {
            "day": format_day(start.date(), lang),
            "time": format_time_range(start, end, lang),
            "space": where.get("space_name", where.get("space", "")),
            "table": where.get("table_name", where.get("table", "")),
        }

    return {
        "invitee": invitee,
        "event": invitee.event,
        "change": context.get("change", NEW),
        "cancelled": request.cancelled_at is not None,
        "subject": request.subject,
        "minutes": request.minutes,
        "others": people_text(others, lang),
        "where": when(context.get("where")),
        "before": when(context.get("before")),
    }
