"""The tables of the web app, one file per concept; import them from here."""

from netwerkdag.web.models.audit import AuditEntry, RateLimit
from netwerkdag.web.models.events import Event, Organiser, ProgrammeVersion, SchedulingRun, Seats
from netwerkdag.web.models.invitees import Invitation, Invitee, Registration, WaitingEntry

__all__ = [
    "AuditEntry",
    "Event",
    "Invitation",
    "Invitee",
    "Organiser",
    "ProgrammeVersion",
    "RateLimit",
    "Registration",
    "SchedulingRun",
    "Seats",
    "WaitingEntry",
]
