"""The evaluation after a day: one `Feedback` per invitee (the day as a whole, a theme for next time) with
a `SessionFeedback` per session they attended. Scores run from 1 to 5 (the database refuses others);
texts are checked against `MAX_TEXT` before saving. Anonymisation erases the texts and keeps the scores
(services/privacy.py); a withdrawal deletes the rows."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from netwerkdag.core.feedback import HIGHEST, LOWEST
from netwerkdag.web.models.invitees import Invitee

#: The longest comment or theme kept (the form says so, the service refuses longer).
MAX_TEXT = 2000


def _in_range(field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": LOWEST, f"{field}__lte": HIGHEST})


class Feedback(models.Model):
    invitee = models.OneToOneField(Invitee, on_delete=models.CASCADE, related_name="feedback")
    day_score = models.PositiveSmallIntegerField(null=True, blank=True)
    day_comment = models.TextField(blank=True, default="")
    next_theme = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=_in_range("day_score"), name="day_score_1_to_5")]

    def __str__(self) -> str:
        return f"feedback of {self.invitee}"


class SessionFeedback(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="sessions")
    session_id = models.CharField(max_length=100)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["feedback", "session_id"]
        constraints = [
            models.UniqueConstraint(fields=["feedback", "session_id"], name="one_answer_per_session"),
            models.CheckConstraint(condition=_in_range("score"), name="session_score_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.feedback.invitee} on {self.session_id}"
