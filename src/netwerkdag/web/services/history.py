"""Earlier network days loaded from files into the database, as if they had been run in the app: the demo's
history (examples/g40-haarlem-2023/history, made by tools/make_demo_history.py), so that the reach pages
show trends from the first run.

A history folder holds one event file per day (beside the network files they name) and three tables, each
a CSV whose first row is its header, all people by their network id and sessions by their id in the day's
event file (an empty session: the day itself):

- `registrations.csv` (`event,person,session`): the seats people held;
- `attendance.csv` (`event,person,session`): the people present (any row of theirs that day);
- `feedback.csv` (`event,person,session,score,comment,next_theme`): the evaluations.

What a day becomes: the event imported and published as `netwerkdag demo` does it, an invitee for every
person of its network (with a fictional address, `<person>@example.invalid`), a `Registration` per seat
held with `Seats.taken` counted from them (more than a room seats is refused: the database never
overbooks), `attending="yes"` and a `responded_at` for everyone registered, `checked_in_at` during the
walk-in for everyone present, and the feedback as `Feedback` and `SessionFeedback`. The web app knows of a
day only its check-ins and seats, so a person present is taken to have attended the sessions they held a
seat in and the plenary (`feedback.attended_sessions`); an evaluation of another session is refused.

Each day is one transaction. A day is matched by its slug, and a day whose invitees were already checked
in is left as it is: loading twice changes nothing and duplicates nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.db import transaction

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.core.problems import Location, NetwerkdagError, Problem
from netwerkdag.core.sessions import SessionKind
from netwerkdag.files.dump import dump_event
from netwerkdag.files.load import load_event
from netwerkdag.files.spreadsheet import read_table
from netwerkdag.web import models
from netwerkdag.web.services import invitees, programme

#: The network's files beside the event files: every other `.yaml` in the folder is a day.
NETWORK_FILES = frozenset({"network.yaml", "population.yaml"})
PEOPLE = ("event", "person", "session")
FEEDBACK = ("event", "person", "session", "score", "comment", "next_theme")


@dataclass(frozen=True, slots=True)
class Answer:
    """One row of feedback.csv: the day's (`session` empty) or a session's."""

    person: str
    session: str
    score: int | None
    comment: str
    next_theme: str


@dataclass(slots=True)
class Day:
    """What the tables say of one day."""

    registered: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    present: set[str] = field(default_factory=set)
    answers: list[Answer] = field(default_factory=list)


def load_history(folder: Path) -> list[models.Event]:
    """Load every day of `folder` (in date order) that is not loaded yet; returns all of its days' events,
    loaded now or before. A file or table with a problem raises `NetwerkdagError` before anything is
    stored: the event files are checked as `netwerkdag validate` checks them, every row of the tables
    against them (file, row and column in each problem)."""
    files = sorted(p for p in folder.glob("*.yaml") if p.name not in NETWORK_FILES)
    cores = sorted((load_event(path) for path in files), key=lambda c: (c.start_date, c.slug))
    days = _read_tables(folder, cores)
    return [_load_day(core, days[core.slug]) for core in cores]


# --- the tables -----------------------------------------------------------------------------------------


def _problem(file: Path, row: int, column: int, message: str, hint: str) -> Problem:
    return Problem("bad-history-row", message, (), hint, Location(str(file), row, column))


def _rows(path: Path, header: tuple[str, ...]) -> list[tuple[int, list[str]]]:
    """The data rows of a table with this header, each with its row number (the header is row 1)."""
    table = read_table(path.read_bytes(), str(path))
    if not table or tuple(c.strip().lower() for c in table[0]) != header:
        raise NetwerkdagError(
            _problem(path, 1, 1, f"the header is not {','.join(header)}", "make it the first row")
        )
    width = len(header)
    return [(n, [*row, *[""] * width][:width]) for n, row in enumerate(table[1:], start=2) if any(row)]


def _read_tables(folder: Path, cores: list[CoreEvent]) -> dict[str, Day]:
    """The three tables by day, every row checked against the days' event files."""
    by_slug = {core.slug: core for core in cores}
    days = {slug: Day() for slug in by_slug}
    problems: list[Problem] = []

    def known(path: Path, number: int, row: list[str], *, session_needed: bool) -> CoreEvent | None:
        slug, person, session = row[0], row[1], row[2]
        core = by_slug.get(slug)
        if core is None:
            problems.append(_problem(path, number, 1, f"no event file has the slug '{slug}'", "check it"))
        elif not core.network.has_person(person):
            problems.append(_problem(path, number, 2, f"'{person}' is not in the network", "check it"))
        elif (session and not core.has_session(session)) or (session_needed and not session):
            problems.append(
                _problem(path, number, 3, f"'{slug}' has no session '{session}'", "name one of its sessions")
            )
        else:
            return core
        return None

    registrations = folder / "registrations.csv"
    for number, row in _rows(registrations, PEOPLE):
        if known(registrations, number, row, session_needed=True):
            days[row[0]].registered[row[1]].append(row[2])
    attendance = folder / "attendance.csv"
    for number, row in _rows(attendance, PEOPLE):
        if known(attendance, number, row, session_needed=False):
            days[row[0]].present.add(row[1])
    feedback = folder / "feedback.csv"
    for number, row in _rows(feedback, FEEDBACK):
        if not known(feedback, number, row, session_needed=False):
            continue
        score = row[3].strip()
        if score and score not in ("1", "2", "3", "4", "5"):
            problems.append(_problem(feedback, number, 4, f"the score '{score}' is not 1 to 5", "use 1 to 5"))
            continue
        days[row[0]].answers.append(Answer(row[1], row[2], int(score) if score else None, row[4], row[5]))
    if problems:
        raise NetwerkdagError(problems)
    return days


# --- a day into the database ------------------------------------------------------------------------------


def _refused(core: CoreEvent, message: str, hint: str) -> NetwerkdagError:
    return NetwerkdagError(Problem("bad-history", f"{core.slug}: {message}", (), hint))


def _load_day(core: CoreEvent, day: Day) -> models.Event:
    """One day in one transaction (see the module's docstring); a day already checked in is returned
    as it is."""
    with transaction.atomic():
        found = models.Event.objects.select_for_update().filter(slug=core.slug).first()
        if found is not None and found.invitees.filter(checked_in_at__isnull=False).exists():
            return found
        event = programme.import_event(dump_event(core), f"{core.slug}.yaml")
        programme.publish(event)
        invitees.invitees_from_network(event, core)
        people = {i.person_id: i for i in models.Invitee.objects.filter(event=event).exclude(person_id="")}
        for person in people.values():
            if not person.email:
                person.email = f"{person.person_id}@example.invalid"  # fictional, as in the demo
        _register(core, event, people, day)
        _check_in(event, people, day)
        models.Invitee.objects.bulk_update(
            list(people.values()), ["email", "attending", "responded_at", "checked_in_at"]
        )
        _evaluate(core, event, people, day)
    return event


def _register(core: CoreEvent, event: models.Event, people: dict[str, models.Invitee], day: Day) -> None:
    """A seat per row of registrations.csv, `Seats.taken` counted from the seats held; everyone registered
    answered "yes" one to four weeks before the day."""
    seats = {s.session_id: s for s in models.Seats.objects.select_for_update().filter(event=event)}
    held = set(models.Registration.objects.filter(seats__event=event).values_list("invitee_id", "slot"))
    made = []
    for n, person_id in enumerate(sorted(day.registered)):
        person = people[person_id]
        person.attending = models.Attendance.YES
        person.responded_at = event.starts_at - timedelta(days=7 + n % 21, minutes=37 * n % 600)
        for session_id in day.registered[person_id]:
            row = seats.get(session_id)
            if row is None:
                raise _refused(core, f"'{session_id}' takes no registrations", "register for another")
            if (person.pk, row.slot) in held:
                continue
            held.add((person.pk, row.slot))
            made.append(models.Registration(invitee=person, seats=row, slot=row.slot))
    models.Registration.objects.bulk_create(made)
    for registration in made:  # the time the answer was given, not the time of loading
        registration.created_at = registration.invitee.responded_at
    models.Registration.objects.bulk_update(made, ["created_at"])
    for row in seats.values():
        taken = models.Registration.objects.filter(seats=row).count()
        if row.capacity is not None and taken > row.capacity:
            raise _refused(
                core,
                f"{taken} registered for '{row.session_id}', whose room seats {row.capacity}",
                "regenerate the history: a room is never overbooked",
            )
        models.Seats.objects.filter(pk=row.pk).update(taken=taken)


def _check_in(event: models.Event, people: dict[str, models.Invitee], day: Day) -> None:
    """Everyone present checked in during the first half hour of the day."""
    for n, person_id in enumerate(sorted(day.present)):
        people[person_id].checked_in_at = event.starts_at + timedelta(minutes=n % 30, seconds=17 * n % 60)


def _evaluate(core: CoreEvent, event: models.Event, people: dict[str, models.Invitee], day: Day) -> None:
    """The evaluations, given in the week after the day by people present, on sessions they attended."""
    seats = set(models.Seats.objects.filter(event=event).values_list("session_id", flat=True))
    plenaries = {s.id for s in core.sessions if s.id not in seats and s.kind is SessionKind.PLENARY}
    answered = set(models.Feedback.objects.filter(invitee__event=event).values_list("invitee_id", flat=True))
    by_person: dict[str, list[Answer]] = defaultdict(list)
    for answer in day.answers:
        by_person[answer.person].append(answer)
    sessions = []
    for n, (person_id, answers) in enumerate(sorted(by_person.items())):
        person = people[person_id]
        if person.pk in answered:
            continue
        if person_id not in day.present:
            raise _refused(core, f"'{person_id}' gave feedback but was not there", "leave the row out")
        attended = plenaries | set(day.registered.get(person_id, []))
        whole = [a for a in answers if not a.session]
        given = whole[0] if whole else Answer(person_id, "", None, "", "")
        feedback = models.Feedback.objects.create(
            invitee=person, day_score=given.score, day_comment=given.comment, next_theme=given.next_theme
        )
        when = event.ends_at + timedelta(days=1 + n % 6, hours=n % 5)
        models.Feedback.objects.filter(pk=feedback.pk).update(created_at=when, updated_at=when)
        for answer in answers:
            if not answer.session:
                continue
            if answer.session not in attended:
                raise _refused(
                    core, f"'{person_id}' evaluated '{answer.session}' without attending it", "leave it out"
                )
            sessions.append(
                models.SessionFeedback(
                    feedback=feedback, session_id=answer.session, score=answer.score, comment=answer.comment
                )
            )
    models.SessionFeedback.objects.bulk_create(sessions)
