"""Attempts counted per key (a client's address) in a fixed window, in the database so that every app
server counts together, and atomically: however many requests arrive at once, at most `limit` of them
are counted in a window.

`take` counts one attempt if the window has room, in one conditional update (the database applies it
to the row's latest value under the row's lock, as the seats are taken), and says whether it did.
Log-ins take before they try, and give back when they succeed, so that only failures use the window;
personal links take only when the token is unknown (a valid token costs no write).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from netwerkdag.web import models


def blocked(key: str, limit: int, window_s: int) -> bool:
    """Whether the window of `key` is full (nothing is counted)."""
    since = timezone.now() - timedelta(seconds=window_s)
    return models.RateLimit.objects.filter(key=key, window_start__gt=since, count__gte=limit).exists()


def take(key: str, limit: int, window_s: int) -> bool:
    """Count one attempt for `key` if its window has room; False when it is full."""
    now = timezone.now()
    since = now - timedelta(seconds=window_s)
    for _ in range(3):
        with transaction.atomic():
            room = models.RateLimit.objects.filter(key=key, window_start__gt=since, count__lt=limit)
            if room.update(count=F("count") + 1):
                return True
            # No row, a window that has passed, or a full one: decide under the row's lock.
            row = models.RateLimit.objects.select_for_update().filter(key=key).first()
            if row is not None:
                if row.window_start > since:
                    return False
                row.window_start, row.count = now, 1
                row.save(update_fields=["window_start", "count"])
                return True
            try:
                with transaction.atomic():
                    models.RateLimit.objects.create(key=key, window_start=now, count=1)
                return True
            except IntegrityError:  # another request created it a moment ago: count against it
                continue
    return False


def give_back(key: str) -> None:
    """Uncount one attempt (it succeeded)."""
    models.RateLimit.objects.filter(key=key, count__gt=0).update(count=F("count") - 1)


def prune(window_s: int) -> int:
    """Delete the counters whose window has passed; returns how many."""
    since = timezone.now() - timedelta(seconds=window_s)
    return models.RateLimit.objects.filter(window_start__lte=since).delete()[0]
