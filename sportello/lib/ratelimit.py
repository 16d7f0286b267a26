"""Growing delays for repeated attempts (sign-in, codes, password recovery).

State lives in Django's cache, which Sportello configures as a table of the shared
database, so every web process sees the same counters. After `free` attempts in a
window, the next must wait `first_delay` seconds, and each further one twice as
long as the one before, up to `longest`. No library does this (django-ratelimit counts fixed windows, django-axes
only guards the password form), so it is written here, small.
"""

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone


@dataclass(frozen=True)
class Throttle:
    scope: str
    free: int = 5
    first_delay: int = 2  # seconds
    longest: int = 15 * 60
    window: int = 60 * 60  # counters are forgotten this long after the last attempt

    def _key(self, kind: str, identity: str) -> str:
        digest = hashlib.sha256(identity.strip().lower().encode()).hexdigest()[:32]
        return f"throttle:{self.scope}:{kind}:{digest}"

    def wait_seconds(self, **identities: str | None) -> int:
        """Seconds the caller must still wait before another attempt (0: go ahead)."""
        now = timezone.now().timestamp()
        keys = [self._key(kind, value) for kind, value in identities.items() if value]
        waits = [state[1] - now for state in cache.get_many(keys).values() if state]
        return max([0, *[int(wait) + 1 for wait in waits if wait > 0]])

    def record(self, **identities: str | None) -> None:
        """Counts one attempt against every identity given (an account, an address)."""
        now = timezone.now().timestamp()
        for kind, value in identities.items():
            if not value:
                continue
            key = self._key(kind, value)
            count, _blocked_until = cache.get(key) or (0, 0)
            count += 1
            blocked_until = 0
            if count >= self.free:
                blocked_until = now + min(self.first_delay * 2 ** (count - self.free), self.longest)
            cache.set(key, (count, blocked_until), timeout=self.window + self.longest)

    def reset(self, **identities: str | None) -> None:
        cache.delete_many([self._key(kind, value) for kind, value in identities.items() if value])
