"""Values worked out now and then and kept in the shared cache for every process, refreshed
ahead by one process at a time.

A value kept with a plain expiry vanishes for everyone at once, and every process that reads
it in the next moment (four web workers at a hundred pages a second: several) works it out
anew, all together, which is a queue page's slow tail. Here a value is kept with a moment of
its own after which it is stale, and kept as long again: the first process to find it stale
takes a short lock (`cache.add`, atomic in every cache backend) and works it out, while the
others go on serving the stale value until the new one is there.

A value is kept pickled inside the entry, and each process keeps the last value it read
under each key with the pickle it came from: the same pickle read again (every request,
until the value is worked out anew) is not unpickled again. The desk's queue read its 500
operators' names and its counts back from the pickle on every view."""

import pickle
import time
from collections.abc import Callable

from django.core.cache import cache

# How long the process that took the lock has to store the new value before another may
# try: longer than working out any value here takes, shorter than any value stays fresh.
REFRESH_LOCK_SECONDS = 10


def refreshed_ahead[T](key: str, compute: Callable[[], T], fresh_seconds: int, *, entry=None) -> T:
    """The value kept under `key`, worked out by `compute()` when there is none, or when it is
    older than `fresh_seconds` and no other process is already working it out.

    `entry` is what the cache holds under `key` when the caller has read it already (with
    other keys, in one `cache.get_many`); None reads it here. Deleting the key (a value that
    must change at once) makes the next reader work it out."""
    if entry is None:
        entry = cache.get(key)
    if entry is not None:
        kept, fresh_until = entry
        if time.time() < fresh_until or not cache.add(f"{key}:refreshing", True, REFRESH_LOCK_SECONDS):
            return _value_of(key, kept)
    value = compute()
    kept = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    _last_read[key] = (kept, value)
    cache.set(key, (kept, time.time() + fresh_seconds), 2 * fresh_seconds)
    return value


# The last value this process read under each key, with the pickle it was read from.
_last_read: dict[str, tuple[bytes, object]] = {}


def _value_of(key: str, kept: bytes):
    """The value pickled as `kept`: the one read last under `key` when it came from the same
    pickle (the same object again, which its readers never change), else unpickled."""
    last = _last_read.get(key)
    if last is not None and last[0] == kept:
        return last[1]
    value = pickle.loads(kept)  # noqa: S301 - our own cache's entry, as the cache backends unpickle it
    _last_read[key] = (kept, value)
    return value
