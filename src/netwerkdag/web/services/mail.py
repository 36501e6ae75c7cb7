"""Mail to invitees, in their own language, through Django's mail backend (the console in the demo, SMTP
by settings). Each mail is plain text with an HTML alternative; the confirmation carries the personal
programme as an .ics file."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from netwerkdag.web import i18n, models


def _send(
    invitee: models.Invitee,
    subject: str,
    template: str,
    context: dict[str, object],
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> bool:
    """Send one mail; False when the invitee has no address (nothing is sent, nothing fails)."""
    if not invitee.email:
        return False
    context = {"invitee": invitee, "event": invitee.event, **context}
    text = render_to_string(f"web/mail/{template}.txt", context)
    html = render_to_string(f"web/mail/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [invitee.email])
    message.attach_alternative(html, "text/html")
    for name, data, mime in attachments or []:
        message.attach(name, data, mime)
    message.send()
    return True


def send_invitation(invitee: models.Invitee, link: str) -> bool:
    with i18n.language(invitee.language):
        subject = i18n.gettext("Invitation: %(title)s", title=invitee.event.title)
        return _send(invitee, subject, "invitation", {"link": link})


def send_confirmation(invitee: models.Invitee, link: str, programme: object, ics: bytes) -> bool:
    with i18n.language(invitee.language):
        subject = i18n.gettext("Your programme: %(title)s", title=invitee.event.title)
        return _send(
            invitee,
            subject,
            "confirmation",
            {"link": link, "programme": programme},
            [(f"{invitee.event.slug}.ics", ics, "text/calendar")],
        )


def send_promoted(invitee_id: int, seats_id: int) -> bool:
    invitee = models.Invitee.objects.select_related("event").get(pk=invitee_id)
    seats = models.Seats.objects.get(pk=seats_id)
    with i18n.language(invitee.language):
        subject = i18n.gettext("A place for you: %(title)s", title=seats.title)
        return _send(invitee, subject, "promoted", {"seats": seats})


def send_programme_changed(invitee: models.Invitee, changes: list[dict[str, str]]) -> bool:
    with i18n.language(invitee.language):
        subject = i18n.gettext("The programme has changed: %(title)s", title=invitee.event.title)
        return _send(invitee, subject, "changed", {"changes": changes})
