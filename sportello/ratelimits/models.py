"""The counters behind rate limits, in a table of their own.

They enforce security rules (ASVS 5.0 V6.3.1: limits on sign-in and codes), so nothing
may throw them away before they expire: a cache culls entries when it is full (Django's
database cache drops a third of its rows past MAX_ENTRIES), which an attacker can force
by touching many other keys. Each row is read and written under a row lock, so
concurrent attempts are all counted.
"""

from django.db import models


class Counter(models.Model):
    """Attempts counted against one identity (an account, an address, a token) in one
    scope, and until when the next attempt must wait."""

    key = models.CharField(max_length=100, unique=True)
    count = models.PositiveIntegerField(default=0)
    blocked_until = models.DateTimeField(null=True, blank=True)
    # The counter is forgotten after this (a window after the last attempt).
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
