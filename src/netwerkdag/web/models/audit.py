"""What the app records about its own use: organisers' exports and changes, and rate-limit counters."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One organiser action on personal data or the programme (an export, an import, a publication)."""

    at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    event = models.ForeignKey("web.Event", null=True, blank=True, on_delete=models.CASCADE)
    action = models.CharField(max_length=60)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action}"


class RateLimit(models.Model):
    """A counter per key (such as failed token look-ups per address) within a fixed window. It lives in the
    database, so that several app servers count together."""

    key = models.CharField(max_length=200, unique=True)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
