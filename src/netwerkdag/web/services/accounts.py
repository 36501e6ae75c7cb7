"""Organiser accounts: made by e-mail address (the address is the user name), given events to organise,
and sent a one-time link to set their password. The link is Django's password-reset token, made from the
account's current state when the mail is written (or the command prints it): it works once, for
PASSWORD_RESET_TIMEOUT, and is never stored or logged."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from netwerkdag.web import models
from netwerkdag.web.i18n import N_, Refusal
from netwerkdag.web.services import mail

#: The address is also the user name, which Django keeps in 150 characters.
MAX_EMAIL = 150


class AccountProblem(Refusal):
    """An address that cannot be used, or an account that does not exist."""


def _clean(email: str) -> str:
    email = email.strip()
    try:
        if len(email) > MAX_EMAIL:
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError:
        raise AccountProblem(N_("'%(email)s' is not an e-mail address"), email=email[:80]) from None
    return email


def find(email: str) -> Any:
    """The account with this address (or this user name); AccountProblem when there is none."""
    email = email.strip()
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first() or User.objects.filter(username=email).first()
    if user is None:
        raise AccountProblem(N_("There is no account for %(email)s."), email=email[:80])
    return user


def add_organiser(
    email: str, event: models.Event | None = None, *, may_add_events: bool = False, send_link: bool = True
) -> tuple[Any, bool]:
    """The account of `email`, made if needed (without a usable password), organising `event`; with
    `may_add_events` it may import new events. A new account gets a mail with a link to set its password
    when `send_link`. Returns (user, whether it is new)."""
    email = _clean(email)
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        created = user is None
        if user is None:
            user = User.objects.create_user(email, email=email)  # no password: it cannot log in yet
        if event is not None:
            models.Organiser.objects.get_or_create(event=event, user=user)
        if may_add_events:
            user.user_permissions.add(
                Permission.objects.get(codename="add_event", content_type__app_label="web")
            )
        if created and send_link:
            mail.queue(models.OutgoingMail.Kind.ORGANISER, user=user, event=event)
    return user, created


def send_password_link(email: str) -> Any:
    """Mail the account of `email` a link to set a new password (one waiting at a time)."""
    user = find(email)
    with transaction.atomic():
        mail.queue(models.OutgoingMail.Kind.ORGANISER, user=user)
    return user


def password_link(email: str) -> str:
    """A link for the account of `email` to set a new password, to hand over in person."""
    return mail.password_link(find(email))
