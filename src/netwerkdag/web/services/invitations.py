"""Personal invitation links: a token of 256 bits from `secrets`, stored only as its SHA-256, with an
expiry, revocable. Links are built from the configured base URL, never from the request's Host header."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from netwerkdag.web import models

TOKEN_BYTES = 32


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invite(invitee: models.Invitee, *, now: datetime | None = None) -> str:
    """A new personal link token for `invitee` (earlier links are revoked). The token is returned once and
    never stored."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    expires = now + timedelta(days=settings.NETWERKDAG_INVITATION_DAYS)
    event = invitee.event
    last_use = max(event.ends_at, event.registration_deadline or event.ends_at)
    expires = min(expires, last_use + timedelta(days=settings.NETWERKDAG_RETENTION_DAYS))
    with transaction.atomic():
        models.Invitation.objects.filter(invitee=invitee, revoked_at__isnull=True).update(revoked_at=now)
        models.Invitation.objects.create(invitee=invitee, token_hash=token_hash(token), expires_at=expires)
    return token


def mark_sent(token: str, *, now: datetime | None = None) -> None:
    """Record that the invitation carrying `token` was handed to the mail server."""
    models.Invitation.objects.filter(token_hash=token_hash(token)).update(sent_at=now or timezone.now())


def queue_invitation(invitee: models.Invitee) -> bool:
    """Queue an invitation mail for `invitee`; False when there is nobody to mail (no address,
    anonymised) or one is waiting already. The link is made when the worker sends it (`invite`, which
    revokes the earlier links) and marked sent once the mail server took it (`mark_sent`): a link exists
    only in the mail that carries it."""
    # Imported here: mail composes invitations with `invite` and `mark_sent`, so it imports this module.
    from netwerkdag.web.services import mail

    if invitee.anonymised_at is not None:
        return False
    return mail.queue(models.OutgoingMail.Kind.INVITATION, invitee=invitee) is not None


def queue_invitations(event: models.Event) -> int:
    """Queue an invitation for every invitee of `event` with an address who has none queued, being sent
    or sent, and no link marked sent (from before the outbox), in one transaction; returns how many.
    Asking twice adds nothing."""
    done = (
        models.OutgoingMail.Status.QUEUED,
        models.OutgoingMail.Status.SENDING,
        models.OutgoingMail.Status.SENT,
    )
    invited = models.OutgoingMail.objects.filter(kind=models.OutgoingMail.Kind.INVITATION, status__in=done)
    people = (
        models.Invitee.objects.filter(event=event, anonymised_at__isnull=True)
        .exclude(email="")
        # One subquery (two conditions on `mails__` in exclude() may match two different mails).
        .exclude(pk__in=invited.values("invitee_id"))
        .exclude(invitations__sent_at__isnull=False)
        .select_related("event")
        .order_by("pk")
    )
    with transaction.atomic():
        return sum(queue_invitation(person) for person in people)


def link(token: str) -> str:
    return settings.BASE_URL + reverse("web:invitee", kwargs={"token": token})


def find(token: str, *, now: datetime | None = None) -> models.Invitation | None:
    """The valid invitation behind `token`, or None (unknown, expired, revoked or withdrawn)."""
    if not token or len(token) > 100:
        return None
    now = now or timezone.now()
    invitation = (
        models.Invitation.objects.select_related("invitee", "invitee__event")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if invitation is None or invitation.invitee.anonymised_at is not None:
        return None
    return invitation


def revoke(invitee: models.Invitee) -> int:
    return models.Invitation.objects.filter(invitee=invitee, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
