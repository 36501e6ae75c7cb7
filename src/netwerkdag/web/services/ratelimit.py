"""A fixed-window counter in the database, shared by every app server."""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from netwerkdag.web import models


def over_limit(key: str, limit: int, window_s: int) -> bool:
    """Whether `key` has already been counted `limit` times in the current window (no count added)."""
    row = models.RateLimit.objects.filter(key=key).first()
    if row is None or row.window_start <= timezone.now() - timedelta(seconds=window_s):
        return False
    return row.count >= limit


def count(key: str, window_s: int) -> None:
    """Count one more for `key`, starting a new window when the old one has passed."""
    now = timezone.now()
    with transaction.atomic():
        fresh = models.RateLimit.objects.filter(key=key, window_start__gt=now - timedelta(seconds=window_s))
        if fresh.update(count=F("count") + 1):
            return
        try:
            with transaction.atomic():
                models.RateLimit.objects.update_or_create(key=key, defaults={"window_start": now, "count": 1})
        except IntegrityError:  # another server created it a moment ago
            models.RateLimit.objects.filter(key=key).update(count=F("count") + 1)
