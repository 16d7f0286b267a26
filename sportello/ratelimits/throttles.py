"""Growing delays for repeated attempts (sign-in, codes, passwords, recovery, API calls).

After `free` attempts within a window, the next must wait `first_delay` seconds, and
each further one twice as long as the one before, up to `longest`. The counters live in
their own table (models.Counter), shared by every web process and host, where no cache
eviction can reset them. No library does this for us (django-ratelimit counts fixed
windows in the cache, django-axes guards only the password form), so it is written
here, small.
"""

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Counter


@dataclass(frozen=True)
class Throttle:
    """`scope` names what is counted; each call names the identities it counts against,
    e.g. `wait_seconds(account="bob@…", address="192.0.2.1")`. Delays in seconds."""

    scope: str
    free: int = 5
    first_delay: int = 2
    longest: int = 15 * 60
    window: int = 60 * 60  # counters are forgotten this long after the last attempt

    def _key(self, kind: str, identity: str) -> str:
        digest = hashlib.sha256(identity.strip().lower().encode()).hexdigest()[:40]
        return f"{self.scope}:{kind}:{digest}"[:100]

    def _keys(self, identities: dict) -> list[str]:
        return [self._key(kind, str(value)) for kind, value in identities.items() if value]

    def wait_seconds(self, **identities: str | None) -> int:
        """Seconds the caller must still wait before another attempt (0: go ahead)."""
        now = timezone.now()
        blocked = Counter.objects.filter(
            key__in=self._keys(identities), expires_at__gt=now, blocked_until__gt=now
        ).values_list("blocked_until", flat=True)
        return max([0, *(int((until - now).total_seconds()) + 1 for until in blocked)])

    def record(self, **identities: str | None) -> int:
        """Counts one attempt against every identity given; returns the highest count
        reached (so the caller can act when a limit is first crossed)."""
        now = timezone.now()
        highest = 0
        for key in self._keys(identities):
            highest = max(highest, self._count(key, now))
        return highest

    def reset(self, **identities: str | None) -> None:
        """Forgets the attempts of these identities (after a success)."""
        Counter.objects.filter(key__in=self._keys(identities)).delete()

    def _count(self, key: str, now) -> int:
        with _locked_counter(key, now, now + timedelta(seconds=self.window + self.longest)) as counter:
            counter.count += 1
            # The window restarts with every attempt: it ends a while after the last one.
            counter.expires_at = now + timedelta(seconds=self.window + self.longest)
            counter.blocked_until = None
            if counter.count >= self.free:
                delay = min(self.first_delay * 2 ** (counter.count - self.free), self.longest)
                counter.blocked_until = now + timedelta(seconds=delay)
            return counter.count


@dataclass(frozen=True)
class Quota:
    """At most `limit` actions in each `period` (seconds) for each identity: a window
    that opens with the first action and ends `period` later, e.g. tickets a person may
    open in an hour. Unlike a Throttle it counts what succeeded, not what failed. The
    limit is read from the setting named `setting` each time (it is configurable)."""

    scope: str
    setting: str
    period: int = 60 * 60

    @property
    def limit(self) -> int:
        return getattr(settings, self.setting)

    def _keys(self, identities: dict) -> list[str]:
        return Throttle(self.scope)._keys(identities)

    def wait_seconds(self, **identities: str | int | None) -> int:
        """Seconds until one more action is allowed for all of these identities (0: now)."""
        now = timezone.now()
        full = Counter.objects.filter(key__in=self._keys(identities), expires_at__gt=now, count__gte=self.limit)
        ends = full.values_list("expires_at", flat=True)
        return max([0, *(int((end - now).total_seconds()) + 1 for end in ends)])

    def record(self, **identities: str | int | None) -> None:
        """Counts one action against every identity given."""
        now = timezone.now()
        for key in self._keys(identities):
            with _locked_counter(key, now, now + timedelta(seconds=self.period)) as counter:
                counter.count += 1


@contextmanager
def _locked_counter(key: str, now, expires_at):
    """The counter `key` under a row lock, made (empty) if missing or started afresh if its
    window is over; saved when the block ends without an error."""
    with transaction.atomic():
        counter = Counter.objects.select_for_update().filter(key=key).first()
        if counter is None:
            try:
                with transaction.atomic():
                    counter = Counter.objects.create(key=key, count=0, expires_at=expires_at)
            except IntegrityError:  # another process counted the first attempt meanwhile
                counter = Counter.objects.select_for_update().get(key=key)
        if counter.expires_at <= now:
            counter.count, counter.blocked_until, counter.expires_at = 0, None, expires_at
        yield counter
        counter.save(update_fields=["count", "expires_at", "blocked_until"])


def prune_expired(now=None) -> int:
    """Deletes the counters whose window is over; returns how many (a periodic job)."""
    deleted, _ = Counter.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
