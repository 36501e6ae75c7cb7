"""The tables of the web app, one file per concept; import them from here."""

from netwerkdag.web.models.audit import AuditEntry, RateLimit
from netwerkdag.web.models.events import Event, Organiser, ProgrammeVersion, SchedulingRun, Seats
from netwerkdag.web.models.invitees import Attendance, Invitation, Invitee, Registration, WaitingEntry
from netwerkdag.web.models.work import DailyRun, OutgoingMail, WorkerProcess

__all__ = [
    "Attendance",
    "AuditEntry",
    "DailyRun",
    "Event",
    "Invitation",
    "Invitee",
    "Organiser",
    "OutgoingMail",
    "ProgrammeVersion",
    "RateLimit",
    "Registration",
    "SchedulingRun",
    "Seats",
    "WaitingEntry",
    "WorkerProcess",
]
