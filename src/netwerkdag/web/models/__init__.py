"""The tables of the web app, one file per concept; import them from here."""

from netwerkdag.web.models.audit import AuditEntry, RateLimit
from netwerkdag.web.models.events import (
    OPT_IN_SLOTS,
    Event,
    Organiser,
    ProgrammeVersion,
    SchedulingRun,
    Seats,
    SlotKey,
    document_digest,
)
from netwerkdag.web.models.feedback import Feedback, SessionFeedback
from netwerkdag.web.models.invitees import Attendance, Invitation, Invitee, Registration, WaitingEntry
from netwerkdag.web.models.meetings import (
    MAX_ASKED_PER_REQUEST,
    MAX_OPEN_REQUESTS,
    MEETING_MINUTES,
    MeetingAnswer,
    MeetingBlock,
    MeetingPlacement,
    MeetingRequest,
    MeetingRun,
    NetworkingConsent,
)
from netwerkdag.web.models.rankings import (
    MAX_CHOICES,
    AllocationRun,
    Purpose,
    RankedChoice,
    Ranking,
    RegistrationMode,
)
from netwerkdag.web.models.work import DailyRun, OutgoingMail, WorkerProcess

__all__ = [
    "MAX_ASKED_PER_REQUEST",
    "MAX_CHOICES",
    "MAX_OPEN_REQUESTS",
    "MEETING_MINUTES",
    "OPT_IN_SLOTS",
    "AllocationRun",
    "Attendance",
    "AuditEntry",
    "DailyRun",
    "Event",
    "Feedback",
    "Invitation",
    "Invitee",
    "MeetingAnswer",
    "MeetingBlock",
    "MeetingPlacement",
    "MeetingRequest",
    "MeetingRun",
    "NetworkingConsent",
    "Organiser",
    "OutgoingMail",
    "ProgrammeVersion",
    "Purpose",
    "RankedChoice",
    "Ranking",
    "RateLimit",
    "Registration",
    "RegistrationMode",
    "SchedulingRun",
    "Seats",
    "SessionFeedback",
    "SlotKey",
    "WaitingEntry",
    "WorkerProcess",
    "document_digest",
]
