"""The evaluation after a day: what a person may answer, saving it, and what organisers see of it.

After the event has ended (`has_ended`: `Event.ends_at`, or a later registration deadline), the personal
link opens the evaluation instead of the registration: a score (1-5) and a comment per session the person
attended, the same for the day as a whole, and a theme for next time. A person who was not at the day is
asked only for a theme. Organisers see per session how many answered, and the mean only from
`core.feedback.MIN_ANSWERS` answers on; the comments without names, sorted by their text so that their order
tells nothing about who wrote them.

The answers follow the retention rules of `netwerkdag forget` (services/privacy.py): a withdrawal deletes
them; the anonymisation after the retention period erases their texts and keeps the scores. Until then
the person's link opens the evaluation, also when it expired after the day (`find_after_event`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from netwerkdag.core.event import Event as CoreEvent
from netwerkdag.core.feedback import Score, is_score, score
from netwerkdag.core.sessions import Session, SessionKind
from netwerkdag.web import models
from netwerkdag.web.i18n import N_, Refusal
from netwerkdag.web.models.feedback import MAX_TEXT
from netwerkdag.web.services import invitations
from netwerkdag.web.services.programme import published_event


class FeedbackProblem(Refusal):
    """An answer the person must correct; nothing was saved."""


class FeedbackClosed(Exception):
    """The evaluation is not open for this person: the event has not ended, or their data are erased."""


# --- who attended what -----------------------------------------------------------------------------------


def was_there(invitee: models.Invitee) -> bool:
    """Whether the person was at the day: checked in; or, when nobody of the event was checked in at all
    (the organisers did not use check-in), having answered "yes"."""
    if invitee.checked_in_at is not None:
        return True
    anyone = models.Invitee.objects.filter(event_id=invitee.event_id, checked_in_at__isnull=False).exists()
    return not anyone and invitee.attending == models.Attendance.YES


def _in_programme_order(core: CoreEvent) -> list[Session]:
    return sorted(core.sessions, key=lambda s: (s.start, s.id))


def attended_sessions(invitee: models.Invitee, core_event: CoreEvent) -> list[str]:
    """The ids of the sessions the person attended, in programme order (start, then id).

    The rule: the person was at the day (`was_there`: checked in; but when nobody of the event was checked
    in at all, having answered "yes" counts, since the organisers did not use check-in), and either held a
    seat (a `Registration`) in the session, or the session takes no registrations (it has no `Seats` row)
    and is a plenary (`SessionKind.PLENARY`). Sessions that are not in `core_event` are left out. Nobody
    attends a walk-in, the networking room or anything else without seats and outside the plenary: who
    was there is not known.
    """
    if not was_there(invitee):
        return []
    held = set(
        models.Registration.objects.filter(invitee=invitee).values_list("seats__session_id", flat=True)
    )
    with_seats = set(
        models.Seats.objects.filter(event_id=invitee.event_id).values_list("session_id", flat=True)
    )
    return [
        s.id
        for s in _in_programme_order(core_event)
        if s.id in held or (s.id not in with_seats and s.kind is SessionKind.PLENARY)
    ]


def evaluated_sessions(event: models.Event, core_event: CoreEvent) -> list[Session]:
    """The sessions anyone can have attended by the rule of `attended_sessions`, in programme order: those
    that take registrations and the plenaries without."""
    with_seats = set(models.Seats.objects.filter(event=event).values_list("session_id", flat=True))
    return [s for s in _in_programme_order(core_event) if s.id in with_seats or s.kind is SessionKind.PLENARY]


# --- when the evaluation is open -------------------------------------------------------------------------


def _last_use(event: models.Event) -> datetime:
    """The event's end, or its registration deadline when that is later (as `invitations.invite` and
    `privacy.anonymise_past_events` count)."""
    return max(event.ends_at, event.registration_deadline or event.ends_at)


def has_ended(event: models.Event, *, now: datetime | None = None) -> bool:
    """Whether the event is over: from then on the personal link opens the evaluation. A registration
    deadline after the end keeps the registration open until then (the demo and the tests take a past
    day and open it again that way; an organiser who sets one means it)."""
    return _last_use(event) < (now or timezone.now())


def _last_day(event: models.Event) -> datetime:
    """Until when the event's personal links may open the evaluation: the retention period after
    `_last_use`, when `netwerkdag forget` anonymises the event's people."""
    return _last_use(event) + timedelta(days=settings.NETWERKDAG_RETENTION_DAYS)


def find_after_event(token: str, *, now: datetime | None = None) -> models.Invitation | None:
    """The invitation behind `token` when it expired but its event has ended and its data are kept: a link
    is valid for `NETWERKDAG_INVITATION_DAYS` from when it was sent, which may end on the day itself, while
    the evaluation needs it until the data are anonymised. None for a revoked link, a person whose data
    were erased (withdrawn, anonymised), an event not over or anonymised, or after the retention period."""
    if not token or len(token) > 100:
        return None
    now = now or timezone.now()
    invitation = (
        models.Invitation.objects.select_related("invitee", "invitee__event")
        .filter(token_hash=invitations.token_hash(token), revoked_at__isnull=True)
        .first()
    )
    if invitation is None or invitation.invitee.anonymised_at is not None:
        return None
    event = invitation.invitee.event
    if event.anonymised_at is not None or not has_ended(event, now=now) or now >= _last_day(event):
        return None
    return invitation


# --- the person's answer ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Answer:
    """A score (None: not given) and a comment, on a session or on the day."""

    score: int | None = None
    comment: str = ""

    @property
    def empty(self) -> bool:
        return self.score is None and not self.comment


@dataclass(frozen=True, slots=True)
class Answers:
    """What a person says on the evaluation form: an `Answer` per session id, one on the day, and a theme
    for next time. Sessions left out are not answered (an answer saved before on them is removed)."""

    sessions: Mapping[str, Answer] = field(default_factory=lambda: MappingProxyType({}))
    day: Answer = Answer()
    next_theme: str = ""


def read_score(text: str) -> int | None:
    """A score as a form sends it: "" for none, else a whole number 1 to 5 (FeedbackProblem otherwise)."""
    text = text.strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit() and len(text) == 1 and is_score(int(text))):
        raise FeedbackProblem(N_("A score is a whole number from 1 to 5; nothing was saved."))
    return int(text)


def clean_text(text: str) -> str:
    """A comment as it is kept: line breaks as \\n, other control characters (a NUL, which PostgreSQL
    refuses) as spaces, outer white space trimmed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c if c.isprintable() or c == "\n" else " " for c in text).strip()


def _check_text(text: str) -> None:
    if len(text) > MAX_TEXT:
        raise FeedbackProblem(
            N_("A comment may be at most %(max)s characters long; one has %(n)s. Nothing was saved."),
            max=MAX_TEXT,
            n=len(text),
        )


def _check(answers: Answers, attended: list[str], there: bool) -> None:
    """Refuse an answer the person may not give: a session they did not attend, a score out of 1..5, a
    text too long, a judgement of a day they were not at."""
    if set(answers.sessions) - set(attended):
        raise FeedbackProblem(N_("You can only give feedback on sessions you attended; nothing was saved."))
    if not there and not answers.day.empty:
        raise FeedbackProblem(N_("You were not at the day, so you cannot judge it; nothing was saved."))
    for answer in (*answers.sessions.values(), answers.day):
        if answer.score is not None and not is_score(answer.score):
            raise FeedbackProblem(N_("A score is a whole number from 1 to 5; nothing was saved."))
        _check_text(answer.comment)
    _check_text(answers.next_theme)


def save(
    invitee: models.Invitee,
    answers: Answers,
    *,
    core: CoreEvent | None = None,
    now: datetime | None = None,
) -> models.Feedback:
    """Save the person's evaluation whole, in one transaction: the person's row locked (two submits of the
    same person take turns), the answer checked (`_check`; a `FeedbackProblem` saves nothing), their
    `Feedback` written, and per session they attended its answer written, or removed when empty. Saving
    again replaces the earlier answer. Raises `FeedbackClosed` before the event has ended and once the
    person's data are erased. `core` is the published programme (read when not given)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = models.Invitee.objects.select_for_update(of=("self",)).select_related("event")
        person = locked.get(pk=invitee.pk)
        if not has_ended(person.event, now=now):
            raise FeedbackClosed("the event has not ended yet")
        if person.anonymised_at is not None:
            raise FeedbackClosed("the person's data are erased")
        core = core or published_event(person.event)
        if core is None:
            raise FeedbackClosed("the event has no published programme")
        attended = attended_sessions(person, core)
        _check(answers, attended, was_there(person))
        feedback, _ = models.Feedback.objects.update_or_create(
            invitee=person,
            defaults={
                "day_score": answers.day.score,
                "day_comment": answers.day.comment,
                "next_theme": answers.next_theme,
            },
        )
        kept = []
        for session_id in attended:
            answer = answers.sessions.get(session_id)
            if answer is None or answer.empty:
                continue
            models.SessionFeedback.objects.update_or_create(
                feedback=feedback,
                session_id=session_id,
                defaults={"score": answer.score, "comment": answer.comment},
            )
            kept.append(session_id)
        models.SessionFeedback.objects.filter(feedback=feedback).exclude(session_id__in=kept).delete()
    return feedback


def saved(invitee: models.Invitee) -> Answers | None:
    """The person's saved evaluation, None when they have not answered."""
    feedback = models.Feedback.objects.filter(invitee=invitee).first()
    if feedback is None:
        return None
    return Answers(
        MappingProxyType({s.session_id: Answer(s.score, s.comment) for s in feedback.sessions.all()}),
        Answer(feedback.day_score, feedback.day_comment),
        feedback.next_theme,
    )


# --- what organisers see ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SessionSummary:
    session_id: str
    title: str
    score: Score
    #: The comments, without names, in the order of their text.
    comments: tuple[str, ...]

    @property
    def answered(self) -> bool:
        """Whether anyone scored or commented on the session (the event page lists only these)."""
        return self.score.count > 0 or bool(self.comments)


@dataclass(frozen=True, slots=True)
class Summary:
    """The evaluation of one event: per session in programme order, the day, the themes for next time,
    and how many people answered at all. No names, no person's id: nothing links an answer to a person."""

    sessions: tuple[SessionSummary, ...]
    day: Score
    day_comments: tuple[str, ...]
    themes: tuple[str, ...]
    people: int

    @property
    def comments(self) -> bool:
        return bool(self.day_comments or any(s.comments for s in self.sessions))


def _sorted_texts(texts: list[str]) -> tuple[str, ...]:
    """The non-empty texts ordered by their text (ignoring case), so that the order says nothing of when
    or by whom they were written."""
    return tuple(sorted((t for t in texts if t), key=lambda t: (t.casefold(), t)))


def summary(event: models.Event, core: CoreEvent | None) -> Summary:
    """What organisers see of the evaluation of `event`: per session that anyone can have attended
    (`evaluated_sessions`; none without a published programme `core`) its `Score` (a mean only from
    `MIN_ANSWERS` answers) and comments; the day's score and comments; the themes for next time."""
    answers = models.Feedback.objects.filter(invitee__event=event)
    day = answers.values_list("day_score", "day_comment", "next_theme")
    per_session: dict[str, tuple[list[int], list[str]]] = defaultdict(lambda: ([], []))
    rows = models.SessionFeedback.objects.filter(feedback__invitee__event=event)
    for session_id, value, comment in rows.values_list("session_id", "score", "comment"):
        scores, comments = per_session[session_id]
        if value is not None:
            scores.append(value)
        comments.append(comment)
    sessions = tuple(
        SessionSummary(
            s.id,
            s.title,
            score(per_session[s.id][0]),
            _sorted_texts(per_session[s.id][1]),
        )
        for s in (evaluated_sessions(event, core) if core is not None else [])
    )
    day_rows = list(day)
    return Summary(
        sessions,
        score(v for v, _, _ in day_rows if v is not None),
        _sorted_texts([c for _, c, _ in day_rows]),
        _sorted_texts([t for _, _, t in day_rows]),
        len(day_rows),
    )


FEEDBACK_HEADER = ["session", "title", "answers", "mean"]


def feedback_rows(found: Summary) -> list[list[str]]:
    """The scores as rows for CSV and XLSX: per session, then the day (session empty): how many answered
    and the mean, empty below `MIN_ANSWERS`. No names, no comments."""

    def mean(s: Score) -> str:
        return "" if s.mean is None else f"{s.mean:.2f}"

    rows = [[s.session_id, s.title, str(s.score.count), mean(s.score)] for s in found.sessions]
    rows.append(["", "the day as a whole", str(found.day.count), mean(found.day)])
    return rows
