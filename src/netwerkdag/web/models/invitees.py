"""Invitees, their personal links, their seats and their places on waiting lists.

A link's token is never stored: `Invitation.token_hash` is its SHA-256 (the token has 256 random bits, so
a slow hash adds nothing). `Registration` holds one seat; the database allows one per person per slot
(`one_session_per_slot`), so two parallel double submits cannot both land.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from netwerkdag.web.models.events import Event, Seats


class Attendance(models.TextChoices):
    UNKNOWN = "unknown"
    YES = "yes"
    NO = "no"


class Invitee(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitees")
    #: The person's id in the event's network, when they are in it.
    person_id = models.CharField(max_length=100, blank=True, default="")
    # Texts as long as the event file allows (files/schema.py: Text, 500), so that an invitee made from
    # the network never fails on a length the file accepted; an imported list is checked against these.
    name = models.CharField(max_length=500)
    email = models.EmailField(blank=True, default="")
    organisation = models.CharField(max_length=500, blank=True, default="")
    role = models.CharField(max_length=500, blank=True, default="")
    function = models.CharField(max_length=500, blank=True, default="")
    language = models.CharField(max_length=2, default="nl", choices=[("nl", "Nederlands"), ("en", "English")])
    attending = models.CharField(max_length=10, choices=Attendance.choices, default=Attendance.UNKNOWN)
    dietary = models.TextField(blank=True, default="")
    accessibility = models.TextField(blank=True, default="")
    #: When the person consented to our keeping their dietary and accessibility wishes (special-category
    #: data); without consent those fields stay empty.
    special_consent_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    #: What anonymisation keeps of who the person was in the network, so that the network still learns
    #: from the day (reach per organisation, role, theme group, portfolio) once the name and the person's
    #: id are gone: {"organisation": an organisation id or None, "role", "groups": [...], "portfolios":
    #: [...]}, taken from the event's network when the data are erased (services/privacy.py); {} before,
    #: and for people who were not in the network. Never a name or a person's id.
    reach_profile = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person_id"], condition=~Q(person_id=""), name="one_invitee_per_person"
            ),
            models.UniqueConstraint(
                fields=["event", "email"], condition=~Q(email=""), name="one_invitee_per_email"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    invitee = models.ForeignKey(Invitee, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"invitation of {self.invitee}"


class Registration(models.Model):
    invitee = models.ForeignKey(Invitee, on_delete=models.CASCADE, related_name="registrations")
    seats = models.ForeignKey(Seats, on_delete=models.PROTECT, related_name="registrations")
    #: Copied from `seats.slot` so that the database can hold one registration per person per slot.
    slot = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["invitee", "slot"]
        constraints = [
            models.UniqueConstraint(fields=["invitee", "slot"], name="one_session_per_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.invitee} → {self.seats.session_id}"


class WaitingEntry(models.Model):
    """A place on a full session's waiting list; one per person per slot, first come first served."""

    invitee = models.ForeignKey(Invitee, on_delete=models.CASCADE, related_name="waiting")
    seats = models.ForeignKey(Seats, on_delete=models.CASCADE, related_name="waiting")
    slot = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["invitee", "slot"], name="one_waiting_place_per_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.invitee} waits for {self.seats.session_id}"
