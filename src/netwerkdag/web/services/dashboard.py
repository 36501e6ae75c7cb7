"""The organiser's event page at a glance: what needs attention, the answers, the answers over time, the
fill of each session against its capacity, the waiting lists, and every moment in the event's time zone,
written the way the reader's language writes it.

The answers over time are counted from `Invitee.responded_at`: the moment of each person's latest answer
(coming or not), so a person who changes their answer moves to the moment of the change. Seats
(`Registration.created_at`) are not charted: a person who swaps sessions gets a new row, and the fill per
session already shows the seats as they are now.

Pure queries and arithmetic; texts come from the catalogue in the language active at the call.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.core.problems import NetwerkdagError
from netwerkdag.publish.i18n import format_day, format_time, format_time_range
from netwerkdag.publish.labels import round_heading
from netwerkdag.web import i18n, models
from netwerkdag.web.i18n import N_
from netwerkdag.web.services import attendance, programme
from netwerkdag.web.services.changes import place_text
from netwerkdag.web.services.workers import live_workers

Status = models.SchedulingRun.Status

#: A scheduler run's status as the page says it.
RUN_STATUS = {
    Status.QUEUED: N_("queued, waiting for a worker"),
    Status.RUNNING: N_("searching for a plan"),
    Status.DONE: N_("plan ready, waiting for your decision"),
    Status.FAILED: N_("failed, no plan"),
    Status.ACCEPTED: N_("plan accepted into the draft"),
    Status.REJECTED: N_("plan rejected"),
}
#: What happened to a session between two published versions.
CHANGE_WORDS = {
    "moved": N_("moved"),
    "added": N_("added"),
    "removed": N_("removed"),
}
#: A chart this long at most (from the first answer to now, or to the last answer once the event began)
#: counts per hour, a longer one per day.
HOURLY_SPAN = timedelta(hours=48)

# --- times --------------------------------------------------------------------------------------------------


def event_zone(core: CoreEvent | None) -> ZoneInfo:
    """The event's time zone (from its programme), else the site's."""
    return core.tz if core is not None else ZoneInfo(settings.TIME_ZONE)


def moment_text(moment: datetime, zone: ZoneInfo, lang: str) -> str:
    """ "vrijdag 10 februari 2023 om 6.19" in Dutch, "Friday 10 February 2023 at 6:19" in English."""
    local = moment.astimezone(zone)
    return i18n.gettext(
        "%(day)s at %(time)s", day=format_day(local.date(), lang), time=format_time(local, lang)
    )


# --- what needs attention -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Attention:
    no_worker: bool
    #: The draft's problems (it cannot be published while there are any).
    draft_problems: tuple[str, ...]
    published: bool
    #: The draft differs from the published version (or nothing is published yet).
    unpublished: bool
    failed_mail: int
    #: Scheduler runs whose plan waits for an organiser to accept or reject it.
    plans_waiting: tuple[models.SchedulingRun, ...]

    @property
    def anything(self) -> bool:
        return bool(
            self.no_worker
            or self.draft_problems
            or self.unpublished
            or self.failed_mail
            or self.plans_waiting
        )


def attention(event: models.Event) -> Attention:
    problems: tuple[str, ...] = ()
    try:
        programme.draft_event(event)
    except NetwerkdagError as error:
        problems = tuple(str(p) for p in error.problems)
    version = event.published
    return Attention(
        no_worker=live_workers() == 0,
        draft_problems=problems,
        published=version is not None,
        unpublished=version is None or version.document != event.document,
        failed_mail=models.OutgoingMail.objects.filter(
            event=event, status=models.OutgoingMail.Status.FAILED
        ).count(),
        plans_waiting=tuple(event.scheduling_runs.filter(status=Status.DONE).order_by("-created_at")),
    )


# --- the answers --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Answers:
    coming: int
    not_coming: int
    not_yet: int

    @property
    def total(self) -> int:
        return self.coming + self.not_coming + self.not_yet

    def percent(self, n: int) -> int:
        return round(100 * n / self.total) if self.total else 0


def answers(event: models.Event) -> Answers:
    """The answers of the invitees who have not withdrawn."""
    people = models.Invitee.objects.filter(event=event, withdrawn_at__isnull=True)
    counts = dict(people.values_list("attending").annotate(n=Count("id")).values_list("attending", "n"))
    return Answers(
        counts.get(models.Attendance.YES, 0),
        counts.get(models.Attendance.NO, 0),
        counts.get(models.Attendance.UNKNOWN, 0),
    )


@dataclass(frozen=True, slots=True)
class Step:
    """One day (or hour) of the answers over time, its moments local in the event's zone."""

    start: datetime
    end: datetime
    coming: int
    not_coming: int
    #: All answers up to the end of this step.
    coming_total: int
    not_coming_total: int


@dataclass(frozen=True, slots=True)
class Timeline:
    hourly: bool
    steps: tuple[Step, ...]
    #: The moment the chart ends: now (or the event's start, once it started), or the last answer.
    until: datetime | None = None

    @property
    def changed(self) -> tuple[Step, ...]:
        """The steps in which someone answered (the rows of the table)."""
        return tuple(s for s in self.steps if s.coming or s.not_coming)

    @property
    def coming(self) -> int:
        return self.steps[-1].coming_total if self.steps else 0

    @property
    def not_coming(self) -> int:
        return self.steps[-1].not_coming_total if self.steps else 0


def _starts(first: datetime, until: datetime, zone: ZoneInfo, hourly: bool) -> list[datetime]:
    """The starts of the days (or hours) from the one holding `first` to the one holding `until`, each
    followed by the next start (so one more than there are steps)."""
    if hourly:
        start = first.astimezone(zone).replace(minute=0, second=0, microsecond=0)
        hour = timedelta(hours=1)
        starts = [start]
        while starts[-1] <= until:  # in UTC: a day of 23 or 25 hours counts each hour once
            starts.append((starts[-1].astimezone(UTC) + hour).astimezone(zone))
        return starts
    day = first.astimezone(zone).date()
    starts = [datetime.combine(day, time(), zone)]
    while starts[-1] <= until:
        day += timedelta(days=1)
        starts.append(datetime.combine(day, time(), zone))
    return starts


def timeline(event: models.Event, zone: ZoneInfo, *, now: datetime | None = None) -> Timeline:
    """The answers (coming, not coming) per day, or per hour when the chart spans two days at most, with
    their running totals."""
    rows = sorted(
        models.Invitee.objects.filter(
            event=event,
            withdrawn_at__isnull=True,
            responded_at__isnull=False,
            attending__in=[models.Attendance.YES, models.Attendance.NO],
        ).values_list("responded_at", "attending")
    )
    if not rows:
        return Timeline(False, ())
    now = now or timezone.now()
    first, last = rows[0][0], rows[-1][0]
    until = max(last, min(now, event.starts_at))
    hourly = until - first <= HOURLY_SPAN
    starts = _starts(first, until, zone, hourly)
    coming = [0] * (len(starts) - 1)
    declined = [0] * (len(starts) - 1)
    for moment, answer in rows:
        index = bisect_right(starts, moment) - 1
        if answer == models.Attendance.YES:
            coming[index] += 1
        else:
            declined[index] += 1
    steps = []
    total_coming = total_declined = 0
    for i, (start, end) in enumerate(pairwise(starts)):
        total_coming += coming[i]
        total_declined += declined[i]
        steps.append(Step(start, end, coming[i], declined[i], total_coming, total_declined))
    return Timeline(hourly, tuple(steps), until.astimezone(zone))


def step_text(step: Step, hourly: bool, lang: str) -> str:
    """A step as the table names it: "vrijdag 3 februari 2023" or "vrijdag 3 februari 2023, 14.00-15.00"."""
    if not hourly:
        return format_day(step.start.date(), lang)
    return f"{format_day(step.start.date(), lang)}, {format_time_range(step.start, step.end, lang)}"


# --- fill per session ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fill:
    session_id: str
    title: str
    #: None: no limit (a part that spans the venue).
    capacity: int | None
    taken: int
    waiting: int

    @property
    def full(self) -> bool:
        return self.capacity is not None and self.taken >= self.capacity

    @property
    def share(self) -> float:
        """The part of the capacity taken, 0 to 1 (0 without a limit)."""
        if not self.capacity:
            return 1.0 if self.capacity == 0 else 0.0
        return min(self.taken / self.capacity, 1.0)


@dataclass(frozen=True, slots=True)
class Round:
    """Sessions one chooses between (a parallel round), or the parts one joins or not."""

    label: str
    fills: tuple[Fill, ...]


def rounds(event: models.Event, core: CoreEvent | None, lang: str) -> list[Round]:
    """The sessions that take registrations, by round in programme order; the parts one joins (lunch,
    the board meeting, drinks) together after them, and sessions no longer in the programme last."""
    grouped: dict[str, list[Fill]] = {}
    labels: dict[str, str] = {}
    other = "~other"
    gone = "~gone"
    for count in attendance.session_counts(event, core):
        fill = Fill(count.session_id, count.title, count.capacity, count.taken, count.waiting)
        if core is None or not core.has_session(count.session_id):
            key = gone
            labels[key] = i18n.gettext("No longer in the programme")
        elif models.SlotKey.parse(count.slot).opt_in:
            key = other
            labels[key] = i18n.gettext("Parts one joins or not")
        else:
            key = count.slot
            if core.has_block(count.slot):
                block = core.block(count.slot)
                labels[key] = round_heading(core, block, lang)
            else:
                labels[key] = count.slot
        grouped.setdefault(key, []).append(fill)
    order = [k for k in grouped if k not in (other, gone)] + [k for k in (other, gone) if k in grouped]
    return [Round(labels[k], tuple(grouped[k])) for k in order]


# --- the programme's history --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChangeLine:
    title: str
    what: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class VersionLine:
    number: int
    when: str
    changes: tuple[ChangeLine, ...]


@dataclass(frozen=True, slots=True)
class RunLine:
    run: models.SchedulingRun
    when: str
    status: str


def run_status(status: str) -> str:
    return i18n.gettext(RUN_STATUS[Status(status)]) if status in Status.values else status


def versions(event: models.Event, zone: ZoneInfo, lang: str, limit: int = 10) -> list[VersionLine]:
    return [
        VersionLine(
            v.number,
            moment_text(v.published_at, zone, lang),
            tuple(
                ChangeLine(
                    c.get("title", ""),
                    i18n.gettext(CHANGE_WORDS[c["what"]]) if c.get("what") in CHANGE_WORDS else "",
                    place_text(c.get("before", ""), lang),
                    place_text(c.get("after", ""), lang),
                )
                for c in v.changes
            ),
        )
        for v in event.versions.order_by("-number")[:limit]
    ]


def runs(event: models.Event, zone: ZoneInfo, lang: str, limit: int = 5) -> list[RunLine]:
    return [
        RunLine(r, moment_text(r.created_at, zone, lang), run_status(r.status))
        for r in event.scheduling_runs.order_by("-created_at")[:limit]
    ]


# --- the page -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Dashboard:
    core: CoreEvent | None
    zone: ZoneInfo
    attention: Attention
    answers: Answers
    timeline: Timeline
    rounds: tuple[Round, ...]
    #: Places on waiting lists (a person waits for at most one session per round).
    waiting: int
    published: str
    #: Until when invitees may change their registration, in words.
    deadline: str
    versions: tuple[VersionLine, ...]
    runs: tuple[RunLine, ...]


def build(event: models.Event, lang: str, *, now: datetime | None = None) -> Dashboard:
    core = programme.published_event(event)
    zone = event_zone(core)
    version = event.published
    closes = event.registration_deadline or event.starts_at
    return Dashboard(
        core=core,
        zone=zone,
        attention=attention(event),
        answers=answers(event),
        timeline=timeline(event, zone, now=now),
        rounds=tuple(rounds(event, core, lang)),
        waiting=models.WaitingEntry.objects.filter(seats__event=event).count(),
        published="" if version is None else moment_text(version.published_at, zone, lang),
        deadline=moment_text(closes, zone, lang),
        versions=tuple(versions(event, zone, lang)),
        runs=tuple(runs(event, zone, lang)),
    )
