"""The interest poll (issue 19): before the programme is fixed, invitees say which planned sessions they
want, and which parts of the day they can attend; their answers become interests for the scheduler.

- **Open, closed.** An organiser opens the poll with a closing time in the future and before the day
  starts (`open_poll`); it is open from `Event.poll_opened_at` until `Event.poll_closes_at`; closing it
  (`close_poll`) sets that time to now. Opening it again keeps the answers.
- **What a person sees** (`options`, `parts`): the sessions of the draft's parallel rounds
  (`scheduling.allocation.offers_of`: not the parts that span the venue, not the networking room), one
  *choice* per topic (sessions that share a `topic` are runs of one meeting; a session without a topic is
  a choice of its own, by its id, as in the allocation's preferences), with title and description but no
  times or rooms: those are what the poll helps to decide. The *parts of the day* are the parallel rounds.
- **An answer** (`save_answer`): per choice a rank (1 is most wanted, equal ranks allowed, at most the
  number of choices) or "marked" (wanted, no rank), at most `MAX_CHOICES`; and the parts the person can
  attend (all of them is stored as None). Saved in one transaction; a bad answer is refused whole
  (`PollProblem`), as is any answer while the poll is not open or from a person who withdrew
  (`PollClosed`).
- **Interests for the scheduler** (`add_poll_interests`, used by `services.scheduling.interests_for`):
  every run of a chosen session gets an interest of `Reason.POLL` with the weight of its rank
  (`poll_weight`): rank 1 weighs 8, between WANTS (3) and MUST (10), each rank below one less, never
  below WANTS (rank 6 and lower weigh 3); marked weighs WANTS. An interest the network or a registration
  gives the same person and session stays when it weighs more (a part in the session, MUST, is never
  lowered by the poll). The person is the network's id, or `invitee-<id>` for someone outside it.
- **Parts of the day** are not rules for the scheduler: the event file's availability binds only people
  with a part in a session, as a hard rule, and a poll answer must never make a plan impossible; the
  pair-conflict objective has no per-person times. They tell the organiser how many can come to each
  round, and, per session, how many of those who want it can come at its planned time (`demand`).
- **Demand** (`demand`): per choice the people who want it, by rank, the weighted demand (the sum of the
  weights above) against its seats: the capacity of the room of each run in the draft, the largest room
  for a run without one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.core.interests import WANTS, Interest, Interests, Reason
from netwerkdag.core.problems import NetwerkdagError
from netwerkdag.core.timegrid import Block, BlockKind
from netwerkdag.scheduling.allocation import choices_of, offers_of
from netwerkdag.web import models
from netwerkdag.web.i18n import N_, Refusal
from netwerkdag.web.services.programme import draft_event, published_event

MAX_CHOICES = models.MAX_CHOICES
#: The weight of rank 1: more than WANTS, less than MUST (a part in the session).
TOP_WEIGHT = 8


class PollProblem(Refusal):
    """An answer the person must correct; nothing was saved."""


class PollClosed(Exception):
    """The poll is not open (not yet, or no more), or the person withdrew: nothing was saved."""


class NotOpenable(PollProblem):
    """The organiser's closing time cannot be used."""


def poll_weight(rank: int | None) -> int:
    """The weight of a poll answer for the scheduler: rank 1 weighs TOP_WEIGHT (8), each rank below one
    less, never below WANTS (3); marked without a rank (None) weighs WANTS."""
    if rank is None:
        return WANTS
    return max(WANTS, TOP_WEIGHT - (rank - 1))


# --- open and closed --------------------------------------------------------------------------------------


def is_open(event: models.Event, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        event.anonymised_at is None
        and event.poll_opened_at is not None
        and event.poll_closes_at is not None
        and event.poll_opened_at <= now < event.poll_closes_at
    )


def has_closed(event: models.Event, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        event.poll_opened_at is not None and event.poll_closes_at is not None and event.poll_closes_at <= now
    )


def open_poll(event: models.Event, closes_at: datetime, *, now: datetime | None = None) -> None:
    """Open the poll until `closes_at` (also: move the closing time of an open poll, or open a closed poll
    again; answers are kept). Raises `NotOpenable` for a time not in the future or not before the day."""
    now = now or timezone.now()
    if closes_at <= now:
        raise NotOpenable(N_("The poll must close in the future."))
    if closes_at > event.starts_at:
        raise NotOpenable(N_("The poll must close before the day starts."))
    opened = event.poll_opened_at if is_open(event, now=now) else now
    models.Event.objects.filter(pk=event.pk).update(
        poll_opened_at=opened, poll_closes_at=closes_at, updated_at=now
    )
    event.poll_opened_at, event.poll_closes_at = opened, closes_at


def close_poll(event: models.Event, *, now: datetime | None = None) -> bool:
    """Close an open poll now; False when it was not open (nothing changes)."""
    now = now or timezone.now()
    if not is_open(event, now=now):
        return False
    models.Event.objects.filter(pk=event.pk).update(poll_closes_at=now, updated_at=now)
    event.poll_closes_at = now
    return True


# --- what the poll offers ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Option:
    """One choice of the poll: a topic (its runs) or a single session (`choice` is then its id). Title
    and description are those of its first run; `seats` the capacity of all runs' rooms."""

    choice: str
    title: str
    subtitle: str | None
    description: str
    sessions: tuple[str, ...]
    rounds: tuple[str, ...]
    seats: int

    @property
    def runs(self) -> int:
        return len(self.sessions)


def poll_event(event: models.Event) -> CoreEvent | None:
    """The programme the poll shows: the draft, or while it has problems the published programme; None
    without either."""
    try:
        return draft_event(event)
    except NetwerkdagError:
        return published_event(event)


def options(core: CoreEvent) -> tuple[Option, ...]:
    """The choices of the poll, in programme order (by their first run)."""
    largest = max((r.capacity for r in core.rooms), default=0)
    offers = offers_of(core)
    by_session = {o.session: o for o in offers}
    found = []
    for choice in choices_of(offers):
        runs = [by_session[s] for s in choice.sessions]
        first = core.session(choice.sessions[0])
        found.append(
            Option(
                choice.id,
                first.title,
                first.subtitle,
                first.description,
                choice.sessions,
                tuple(o.round for o in runs),
                sum(o.capacity if o.capacity is not None else largest for o in runs),
            )
        )
    return tuple(found)


def parts(core: CoreEvent) -> tuple[Block, ...]:
    """The parts of the day a person may say they can attend: the parallel rounds."""
    return tuple(b for b in core.blocks if b.kind is BlockKind.PARALLEL)


# --- one person's answer -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Answer:
    """What a person says: per choice a rank (None: marked, wanted without a rank), and the ids of the
    parts they can attend (None: all)."""

    ranks: Mapping[str, int | None]
    parts: frozenset[str] | None = None


def read_rank(text: str) -> tuple[bool, int | None]:
    """A rank as the form sends it: "" (not chosen), "want" (chosen, marked without a rank) or a whole
    number (chosen with that rank), as (chosen, rank). Raises `PollProblem` for anything else."""
    text = text.strip()
    if not text:
        return False, None
    if text == "want":
        return True, None
    if not (text.isascii() and text.isdigit()) or len(text) > 4:
        raise PollProblem(N_("A rank must be a whole number from 1 up."))
    return True, int(text)


def saved(invitee: models.Invitee) -> Answer | None:
    """The person's saved answer; None before they answered."""
    ranking = models.Ranking.objects.filter(invitee=invitee, purpose=models.Purpose.POLL).first()
    if ranking is None:
        return None
    ranks = {c.choice: c.rank for c in ranking.choices.all()}
    available = ranking.available_blocks
    return Answer(ranks, None if available is None else frozenset(available))


def check(core: CoreEvent, answer: Answer) -> Answer:
    """The answer checked against the poll's choices and parts; all parts ticked becomes None. Raises
    `PollProblem` with the first thing wrong."""
    offered = {o.choice: o for o in options(core)}
    if len(answer.ranks) > MAX_CHOICES:
        raise PollProblem(N_("Choose at most %(n)s sessions."), n=MAX_CHOICES)
    for choice, rank in answer.ranks.items():
        if choice not in offered:
            raise PollProblem(N_("That session is not in the poll; please choose again."))
        if rank is not None and not 1 <= rank <= len(offered):
            raise PollProblem(N_("A rank must be from 1 to %(n)s."), n=len(offered))
    all_parts = {b.id for b in parts(core)}
    chosen = answer.parts
    if chosen is not None:
        if not chosen <= all_parts:
            raise PollProblem(N_("That part of the day is not in the poll; please choose again."))
        if not chosen:
            raise PollProblem(N_("Tick at least one part of the day you can attend."))
        if chosen == all_parts:
            chosen = None
    return Answer(dict(answer.ranks), chosen)


def save_answer(invitee: models.Invitee, answer: Answer, *, now: datetime | None = None) -> None:
    """Save the person's answer in one transaction, replacing the one before. Raises `PollClosed` when the
    poll is not open or the person withdrew, `PollProblem` for an answer to correct; nothing is saved
    then."""
    event = models.Event.objects.get(pk=invitee.event_id)
    if not is_open(event, now=now) or invitee.withdrawn_at is not None:
        raise PollClosed
    core = poll_event(event)
    if core is None:
        raise PollClosed
    checked = check(core, answer)
    with transaction.atomic():
        # The person's row locked first: their parallel submits take turns.
        person = models.Invitee.objects.select_for_update().get(pk=invitee.pk)
        if person.withdrawn_at is not None:
            raise PollClosed
        ranking, _ = models.Ranking.objects.get_or_create(invitee=person, purpose=models.Purpose.POLL)
        ranking.available_blocks = None if checked.parts is None else sorted(checked.parts)
        ranking.save()
        ranking.choices.all().delete()
        models.RankedChoice.objects.bulk_create(
            models.RankedChoice(ranking=ranking, choice=choice, rank=rank)
            for choice, rank in sorted(checked.ranks.items())
        )


# --- what the answers say ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Response:
    """One person's answer as the organiser's figures use it (no name)."""

    number: int
    person: str
    ranks: Mapping[str, int | None]
    parts: frozenset[str] | None


def responses(event: models.Event) -> list[Response]:
    """The answers of the people who have neither withdrawn nor said they will not come, numbered in the
    order they were first saved."""
    rankings = (
        models.Ranking.objects.filter(
            invitee__event=event, purpose=models.Purpose.POLL, invitee__withdrawn_at__isnull=True
        )
        .exclude(invitee__attending=models.Attendance.NO)
        .select_related("invitee")
        .prefetch_related("choices")
        .order_by("pk")
    )
    found = []
    for number, ranking in enumerate(rankings, start=1):
        invitee = ranking.invitee
        available = ranking.available_blocks
        found.append(
            Response(
                number,
                invitee.person_id or f"invitee-{invitee.pk}",
                {c.choice: c.rank for c in ranking.choices.all()},
                None if available is None else frozenset(available),
            )
        )
    return found


def poll_interests(core: CoreEvent, answers: Iterable[Response]) -> list[Interest]:
    """The interests the answers give: every run of each choice still in the programme, weighed by rank
    (`poll_weight`)."""
    runs = {o.choice: o.sessions for o in options(core)}
    found = []
    for response in answers:
        for choice, rank in response.ranks.items():
            for session in runs.get(choice, ()):
                found.append(Interest(response.person, session, poll_weight(rank), Reason.POLL))
    return found


def add_poll_interests(event: models.Event, core: CoreEvent, interests: Interests) -> Interests:
    """`interests` with the poll's added; where both name one person and session, the heavier stays."""
    held = {(i.person, i.session): i.weight for i in interests.items}
    stronger = [
        i for i in poll_interests(core, responses(event)) if i.weight > held.get((i.person, i.session), 0)
    ]
    return interests.merged_with(stronger)


@dataclass(frozen=True, slots=True)
class Demand:
    """What the poll says of one choice: how many want it, by rank (`by_rank[0]` rank 1, `by_rank[1]`
    rank 2, `by_rank[2]` rank 3; `lower` the ranks below, `marked` those without a rank), the weighted
    demand, its seats, and how many of those who want it can come at its planned time."""

    option: Option
    people: int
    by_rank: tuple[int, int, int]
    lower: int
    marked: int
    weighted: int
    can_come: int

    @property
    def over(self) -> bool:
        """More people want it than it has seats."""
        return self.people > self.option.seats


@dataclass(frozen=True, slots=True)
class PartCount:
    block: Block
    people: int


@dataclass(frozen=True, slots=True)
class Summary:
    answers: int
    demand: tuple[Demand, ...]
    parts: tuple[PartCount, ...]


def demand(event: models.Event, core: CoreEvent) -> Summary:
    """The demand per choice (most wanted first, by weighted demand) and how many can come per part."""
    answers = responses(event)
    rows = []
    for option in options(core):
        ranks = [r.ranks[option.choice] for r in answers if option.choice in r.ranks]
        can_come = sum(
            1
            for r in answers
            if option.choice in r.ranks and (r.parts is None or r.parts.intersection(option.rounds))
        )
        rows.append(
            Demand(
                option,
                len(ranks),
                (ranks.count(1), ranks.count(2), ranks.count(3)),
                sum(1 for k in ranks if k is not None and k > 3),
                ranks.count(None),
                sum(poll_weight(k) for k in ranks),
                can_come,
            )
        )
    rows.sort(key=lambda d: (-d.weighted, -d.people, d.option.title))
    counts = tuple(
        PartCount(b, sum(1 for r in answers if r.parts is None or b.id in r.parts)) for b in parts(core)
    )
    return Summary(len(answers), tuple(rows), counts)


def answers_table(event: models.Event, core: CoreEvent) -> list[list[str]]:
    """The answers without names, one row per choice of each answer: `answer` (a number), `choice`,
    `title`, `rank` (empty: marked), `weight`, `parts` (the round ids the person can attend, or `all`)."""
    titles = {o.choice: o.title for o in options(core)}
    rows = [["answer", "choice", "title", "rank", "weight", "parts"]]
    for response in responses(event):
        parts_text = "all" if response.parts is None else " ".join(sorted(response.parts))
        if not response.ranks:  # only the parts of the day
            rows.append([str(response.number), "", "", "", "", parts_text])
        for choice, rank in sorted(response.ranks.items(), key=lambda kv: (kv[1] is None, kv[1] or 0, kv[0])):
            rows.append(
                [
                    str(response.number),
                    choice,
                    titles.get(choice, ""),
                    "" if rank is None else str(rank),
                    str(poll_weight(rank)),
                    parts_text,
                ]
            )
    return rows
