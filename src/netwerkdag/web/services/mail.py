"""Mail: queued in the transaction of the change it tells of, sent by a worker (docs/decisions/
0008-background-work.md).

`queue` writes an `OutgoingMail` row and its task in the caller's transaction: the mail exists exactly
when the change does, and a worker sees it only after the commit. `deliver` (run by a worker) renders it
in the person's language at that moment, with its attachments (the confirmation carries the personal
programme as PDF and .ics), and hands it to the mail server. A temporary failure is tried again later
(back-off); a refusal, or the last attempt, marks it failed with the reason, which the organisers see
and may send again. A mail is never sent twice: a worker takes a row with a conditional update, and a
worker that stops after handing a mail to the server leaves it marked failed ("may have arrived"), not
queued again.

Personal links are not stored anywhere, so only the invitation carries one: it is made at sending time
(`invitations.invite`). The other mails point to the link in the invitation.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from netwerkdag.web import i18n, models, tasks
from netwerkdag.web.i18n import N_
from netwerkdag.web.mailbackend import MailNotConfigured
from netwerkdag.web.services import invitations
from netwerkdag.web.services.changes import place_text

Kind = models.OutgoingMail.Kind
Status = models.OutgoingMail.Status
#: What each kind of mail is called on the organisers' page.
KIND_NAMES = {
    Kind.INVITATION: N_("Invitation"),
    Kind.CONFIRMATION: N_("Confirmation"),
    Kind.PROMOTED: N_("A place from the waiting list"),
    Kind.CHANGED: N_("The programme changed"),
    Kind.REMINDER: N_("Reminder"),
    Kind.ORGANISER: N_("Organiser account"),
    Kind.MEETING_PLACED: N_("A table and a time for a meeting"),
    Kind.MEETING_REQUEST: N_("Meeting request"),
    Kind.MEETING_ANSWER: N_("Answer to a meeting request"),
}
#: Seconds before the second attempt; each later one waits four times longer (30 s, 2 min, 8 min, ...).
FIRST_RETRY_S = 30


class NothingToSend(Exception):
    """The person can no longer be mailed (withdrawn, anonymised, no address): the reason."""


def queue(
    kind: str,
    *,
    invitee: models.Invitee | None = None,
    user: Any = None,
    event: models.Event | None = None,
    context: dict[str, Any] | None = None,
) -> models.OutgoingMail | None:
    """Queue one mail in the caller's transaction; None when there is no address, or when a mail of a
    kind a person gets one at a time (an invitation, an account link) is already waiting, or when their
    one reminder was queued before."""
    if (invitee is not None and not invitee.email) or (user is not None and not user.email):
        return None
    try:
        with transaction.atomic():
            mail = models.OutgoingMail.objects.create(
                kind=kind,
                invitee=invitee,
                user=user,
                event=event or (invitee.event if invitee is not None else None),
                context=context or {},
            )
    except IntegrityError:
        return None
    tasks.deliver_mail.enqueue(mail.pk)
    return mail


@dataclass
class Composed:
    message: EmailMultiAlternatives
    #: Done once the mail server took the message (an invitation's link is marked sent).
    after: list[Callable[[], None]] = field(default_factory=list)


def deliver(mail_id: int) -> str:
    """Send one queued mail (the worker's task); returns what happened, for the task's result."""
    claimed = models.OutgoingMail.objects.filter(pk=mail_id, status=Status.QUEUED).update(
        status=Status.SENDING, attempts=F("attempts") + 1, handed_over_at=None
    )
    if not claimed:
        return "not queued (sent, failed or taken by another worker)"
    mail = models.OutgoingMail.objects.select_related("invitee", "invitee__event", "user", "event").get(
        pk=mail_id
    )
    try:
        composed = _compose(mail)
    except NothingToSend as reason:
        _fail(mail, str(reason))
        return f"failed: {reason}"
    except Exception as exc:  # a bug: the mail shows it failed, the task keeps the traceback
        _fail(mail, f"could not be written: {type(exc).__name__}")
        raise
    # Connecting (and logging in) first: a mail server that is down or refuses us is tried again later,
    # with nothing handed over yet.
    connection = composed.message.get_connection()
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as exc:
        return _later(mail, _reason(exc))
    try:
        # Only the worker that took this attempt hands it over (a recovered mail has a new attempt).
        mine = models.OutgoingMail.objects.filter(pk=mail.pk, status=Status.SENDING, attempts=mail.attempts)
        if not mine.update(handed_over_at=timezone.now()):
            return "taken over by another worker"
        return _hand_over(mail, composed, connection)
    finally:
        connection.close()


def _hand_over(mail: models.OutgoingMail, composed: Composed, connection: Any) -> str:
    """Give the message to the mail server. An answer with a code is definite: 4xx is tried again later,
    5xx fails. A connection that breaks without an answer is not: the server may have taken the
    message, so it is failed for a person to look at, never sent again by itself."""
    try:
        connection.send_messages([composed.message])
    except smtplib.SMTPRecipientsRefused as exc:
        codes = sorted({code for code, _ in exc.recipients.values()})
        if codes and all(400 <= code < 500 for code in codes):  # greylisting, a full mailbox: later
            return _later(mail, f"{_reason(exc)} for now ({codes[0]})")
        _fail(mail, _reason(exc))
        return "failed: refused"
    except MailNotConfigured as exc:
        _fail(mail, _reason(exc))
        return "failed: refused"
    except smtplib.SMTPResponseException as exc:
        if exc.smtp_code >= 500:
            _fail(mail, _reason(exc))
            return "failed: refused"
        return _later(mail, _reason(exc))
    except (smtplib.SMTPException, OSError) as exc:
        _fail(mail, f"the connection broke while handing it over ({_reason(exc)}): it may have arrived")
        return "failed: may have arrived"
    for step in composed.after:
        step()
    models.OutgoingMail.objects.filter(pk=mail.pk).update(status=Status.SENT, sent_at=timezone.now())
    return "sent"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "the mail server refused the address"
    if isinstance(exc, smtplib.SMTPResponseException):
        detail = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else ""
        return f"the mail server answered {exc.smtp_code} {detail}".strip()
    text = str(exc) or type(exc).__name__
    return text[:500]


def _fail(mail: models.OutgoingMail, reason: str) -> None:
    models.OutgoingMail.objects.filter(pk=mail.pk).update(status=Status.FAILED, last_error=reason)


def _later(mail: models.OutgoingMail, reason: str) -> str:
    """A temporary failure: queued again with a later attempt, or failed after the last one."""
    attempts = models.OutgoingMail.objects.values_list("attempts", flat=True).get(pk=mail.pk)
    if attempts >= settings.NETWERKDAG_MAIL_ATTEMPTS:
        _fail(mail, f"{reason} (after {attempts} attempts)")
        return "failed: gave up"
    delay = FIRST_RETRY_S * 4 ** (attempts - 1)
    with transaction.atomic():
        models.OutgoingMail.objects.filter(pk=mail.pk).update(
            status=Status.QUEUED, last_error=reason, handed_over_at=None
        )
        tasks.deliver_mail.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(mail.pk)
    return f"retry in {delay} s: {reason}"


def recover(mail_id: int) -> None:
    """The worker running this mail's task stopped. Before the hand-over it is queued again; after, it
    may have arrived, so it is marked failed for a person to look at."""
    with transaction.atomic():
        mail = models.OutgoingMail.objects.select_for_update().filter(pk=mail_id).first()
        if mail is None or mail.status not in (Status.QUEUED, Status.SENDING):
            return
        if mail.status == Status.SENDING and mail.handed_over_at is not None:
            _fail(mail, "the worker stopped while handing it to the mail server: it may have arrived")
            return
        models.OutgoingMail.objects.filter(pk=mail.pk).update(status=Status.QUEUED, handed_over_at=None)
        tasks.deliver_mail.enqueue(mail.pk)


def resend_failed(event: models.Event) -> int:
    """Queue the event's failed mails again (each once, however often this is asked); returns how many."""
    count = 0
    with transaction.atomic():
        for mail_id in models.OutgoingMail.objects.filter(event=event, status=Status.FAILED).values_list(
            "pk", flat=True
        ):
            again = models.OutgoingMail.objects.filter(pk=mail_id, status=Status.FAILED)
            if again.update(status=Status.QUEUED, attempts=0, last_error="", handed_over_at=None):
                tasks.deliver_mail.enqueue(mail_id)
                count += 1
    return count


@dataclass(frozen=True, slots=True)
class MailSummary:
    counts: dict[str, int]
    failed: list[models.OutgoingMail]
    kind_names: dict[str, str] = field(default_factory=lambda: dict(KIND_NAMES))


def summary(event: models.Event) -> MailSummary:
    """How many of the event's mails are in each state, and the failed ones with their reasons."""
    rows = models.OutgoingMail.objects.filter(event=event).values("status").annotate(n=Count("id"))
    counts: dict[str, int] = dict.fromkeys(Status.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    failed = list(
        models.OutgoingMail.objects.filter(event=event, status=Status.FAILED)
        .select_related("invitee", "user")
        .order_by("-created_at")[:50]
    )
    return MailSummary(counts, failed)


# --- composing -------------------------------------------------------------------------------------------


def _compose(mail: models.OutgoingMail) -> Composed:
    if mail.kind == Kind.ORGANISER:
        return _organiser_mail(mail)
    invitee = mail.invitee
    if invitee is None or invitee.anonymised_at is not None or invitee.withdrawn_at is not None:
        raise NothingToSend("the person withdrew or was anonymised")
    if not invitee.email:
        raise NothingToSend("the person has no e-mail address")
    with i18n.language(invitee.language):
        return _INVITEE_MAILS[mail.kind](mail, invitee)


def _message(
    mail: models.OutgoingMail, to: str, subject: str, template: str, context: dict[str, Any]
) -> EmailMultiAlternatives:
    text = render_to_string(f"web/mail/{template}.txt", context)
    html = render_to_string(f"web/mail/{template}.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [to],
        connection=get_connection(fail_silently=False),
        # The same mail keeps the same id, so that a mail program shows a duplicate once.
        headers={"Message-ID": f"<{mail.uid}@{settings.MESSAGE_ID_DOMAIN}>"},
    )
    message.attach_alternative(html, "text/html")
    return message


def _invitation(mail: models.OutgoingMail, invitee: models.Invitee) -> Composed:
    token = invitations.invite(invitee)
    subject = i18n.gettext("Invitation: %(title)s", title=invitee.event.title)
    context = {"invitee": invitee, "event": invitee.event, "link": invitations.link(token)}
    message = _message(mail, invitee.email, subject, "invitation", context)

    return Composed(message, [lambda: invitations.mark_sent(token)])


def _programme_mail(
    mail: models.OutgoingMail,
    invitee: models.Invitee,
    subject: str,
    template: str,
    extra: dict[str, Any] | None = None,
) -> Composed:
    """A mail with the person's programme in it and attached as PDF and .ics (confirmation, reminder)."""
    # Imported here: publishing (programme) queues mail, so mail cannot import it at the top.
    from netwerkdag.web.services.personal import personal_ical, personal_pdf, personal_programme
    from netwerkdag.web.services.programme import published_event

    core = published_event(invitee.event)
    if core is None:
        raise NothingToSend("the programme is not published")
    lang = i18n.current()
    context = {
        "invitee": invitee,
        "event": invitee.event,
        "programme": personal_programme(core, invitee, lang),
        **(extra or {}),
    }
    message = _message(mail, invitee.email, subject, template, context)
    slug = invitee.event.slug
    message.attach(f"{slug}.ics", personal_ical(core, invitee, lang), "text/calendar")
    message.attach(f"{slug}-programma.pdf", personal_pdf(core, invitee, lang), "application/pdf")
    return Composed(message)


def _confirmation(mail: models.OutgoingMail, invitee: models.Invitee) -> Composed:
    if mail.context.get("allocated"):  # the seats an allocation gave (services/allocation.py)
        from netwerkdag.web.services.allocation import waiting_places

        subject = i18n.gettext("Your seats: %(title)s", title=invitee.event.title)
        extra = {"waiting": waiting_places(invitee)}
        return _programme_mail(mail, invitee, subject, "allocated", extra)
    subject = i18n.gettext("Your programme: %(title)s", title=invitee.event.title)
    return _programme_mail(mail, invitee, subject, "confirmation")


def _reminder(mail: models.OutgoingMail, invitee: models.Invitee) -> Composed:
    if invitee.attending != models.Attendance.YES:
        raise NothingToSend("the person no longer comes")
    subject = i18n.gettext("Soon: %(title)s", title=invitee.event.title)
    return _programme_mail(mail, invitee, subject, "reminder")


def _promoted(mail: models.OutgoingMail, invitee: models.Invitee) -> Composed:
    seats = models.Seats.objects.filter(pk=mail.context.get("seats")).first()
    if seats is None:
        raise NothingToSend("the session is gone")
    subject = i18n.gettext("A place for you: %(title)s", title=seats.title)
    context = {"invitee": invitee, "event": invitee.event, "seats": seats}
    return Composed(_message(mail, invitee.email, subject, "promoted", context))


def _changed(mail: models.OutgoingMail, invitee: models.Invitee) -> Composed:
    subject = i18n.gettext("The programme has changed: %(title)s", title=invitee.event.title)
    lang = i18n.current()
    changes = [
        {**c, "before": place_text(c.get("before", ""), lang), "after": place_text(c.get("after", ""), lang)}
        for c in mail.context.get("changes", [])
    ]
    context = {"invitee": invitee, "event": invitee.event, "changes": changes}
    return Composed(_message(mail, invitee.email, subject, "changed", context))


def _one_line(text: str) -> str:
    """A name as a mail's subject may hold it (no line breaks)."""
    return " ".join(text.split())


def _meeting_request(mail: models.OutgoingMail, invitee: models.Invitee) -> Composed:
    """Someone asks the person for a meeting in the networking room (services/networking.py)."""
    request = (
        models.MeetingRequest.objects.select_related("requester")
        .filter(pk=mail.context.get("request"), event_id=invitee.event_id)
        .first()
    )
    if request is None or request.cancelled_at is not None:
        raise NothingToSend("the meeting request was called off")
    answers = list(request.answers.select_related("invitee").order_by("pk"))
    mine = next((a for a in answers if a.invitee_id == invitee.pk), None)
    if mine is None:
        raise NothingToSend("the person is no longer asked")
    if mine.answer != models.MeetingAnswer.Answer.PENDING:
        raise NothingToSend("the person answered before the mail went out")
    others = [a.invitee.name for a in answers if a.invitee_id != invitee.pk]
    subject = i18n.gettext("A meeting request from %(name)s", name=_one_line(request.requester.name))
    context = {"invitee": invitee, "event": invitee.event, "request": request, "others": others}
    return Composed(_message(mail, invitee.email, subject, "meeting_request", context))


def _meeting_answer(mail: models.OutgoingMail, invitee: models.Invitee) -> Composed:
    """Someone the person asked for a meeting answered (the answer as it was given); or, with
    ``cancelled`` in the context, the requester called off a meeting the person had accepted."""
    if mail.context.get("cancelled"):
        return _meeting_called_off(mail, invitee)
    request = models.MeetingRequest.objects.filter(pk=mail.context.get("request"), requester=invitee).first()
    answerer = models.Invitee.objects.filter(
        pk=mail.context.get("answerer"), event_id=invitee.event_id, anonymised_at__isnull=True
    ).first()
    if request is None or answerer is None:
        raise NothingToSend("the meeting request or the person who answered is gone")
    accepted = mail.context.get("answer") == models.MeetingAnswer.Answer.ACCEPTED
    name = _one_line(answerer.name)
    if accepted:
        subject = i18n.gettext("%(name)s accepts your meeting request", name=name)
    else:
        subject = i18n.gettext("%(name)s declines your meeting request", name=name)
    context = {"invitee": invitee, "event": invitee.event, "request": request, "answerer": answerer}
    context["accepted"] = accepted
    return Composed(_message(mail, invitee.email, subject, "meeting_answer", context))


def _meeting_called_off(mail: models.OutgoingMail, invitee: models.Invitee) -> Composed:
    """The requester called off a meeting the person had accepted (services/networking.py `cancel`)."""
    request = (
        models.MeetingRequest.objects.select_related("requester")
        .filter(pk=mail.context.get("request"), event_id=invitee.event_id, answers__invitee=invitee)
        .first()
    )
    if request is None or request.requester.anonymised_at is not None:
        raise NothingToSend("the meeting request is gone")
    subject = i18n.gettext("%(name)s called off your meeting", name=_one_line(request.requester.name))
    context = {"invitee": invitee, "event": invitee.event, "request": request, "answerer": request.requester}
    context.update(accepted=False, cancelled=True)
    return Composed(_message(mail, invitee.email, subject, "meeting_answer", context))


def _meeting_placed(mail: models.OutgoingMail, invitee: models.Invitee) -> Composed:
    """A meeting of the person has a table and a time, moved, or can no longer be placed
    (services/meetings.py); the mail's context holds the placement it tells of."""
    from netwerkdag.web.services import meetings

    context = meetings.mail_context(mail, invitee, i18n.current())
    if context is None:
        raise NothingToSend("the meeting request is gone")
    if context["change"] == meetings.UNPLACED:
        subject = i18n.gettext("Your meeting can no longer take place: %(title)s", title=invitee.event.title)
    elif context["change"] == meetings.MOVED:
        subject = i18n.gettext("Your meeting has moved: %(title)s", title=invitee.event.title)
    else:
        subject = i18n.gettext("A table and a time for your meeting: %(title)s", title=invitee.event.title)
    return Composed(_message(mail, invitee.email, subject, "meeting_placed", context))


_INVITEE_MAILS: dict[str, Callable[[models.OutgoingMail, models.Invitee], Composed]] = {
    Kind.INVITATION: _invitation,
    Kind.CONFIRMATION: _confirmation,
    Kind.REMINDER: _reminder,
    Kind.PROMOTED: _promoted,
    Kind.CHANGED: _changed,
    Kind.MEETING_PLACED: _meeting_placed,
    Kind.MEETING_REQUEST: _meeting_request,
    Kind.MEETING_ANSWER: _meeting_answer,
}


def _organiser_mail(mail: models.OutgoingMail) -> Composed:
    """A link to set the password of an organiser's account (a new account, or a forgotten password). The
    link is Django's password-reset token: made now from the account's state, valid once and for
    PASSWORD_RESET_TIMEOUT, never stored."""
    user = mail.user
    if user is None or not user.is_active or not user.email:
        raise NothingToSend("the account is gone or has no e-mail address")
    link = password_link(user)
    with i18n.language(settings.LANGUAGE_CODE):
        subject = i18n.gettext("Your organiser account on netwerkdag")
        context = {"user": user, "event": mail.event, "link": link}
        return Composed(_message(mail, user.email, subject, "organiser", context))


def password_link(user: Any) -> str:
    """A one-time link for `user` to set a password."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.BASE_URL + reverse("web:set-password", kwargs={"uidb64": uid, "token": token})
