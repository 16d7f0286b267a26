"""Rate-limit counters: growing delays, kept where nothing evicts them (issue 14, item 11)."""

import threading
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connections

from sportello.ratelimits.models import Counter
from sportello.ratelimits.throttles import Quota, Throttle, prune_expired

pytestmark = [pytest.mark.django_db, pytest.mark.faults]


def test_after_the_free_attempts_each_waits_twice_as_long(clock):
    throttle = Throttle("test", free=3, first_delay=2, longest=60)
    waits = []
    for _ in range(6):
        throttle.record(account="bob@acme.example.com")
        waits.append(throttle.wait_seconds(account="bob@acme.example.com"))

    assert waits == [0, 0, 3, 5, 9, 17]  # 2, 4, 8, 16 s, rounded up to the next second


def test_the_wait_ends_and_the_counters_are_forgotten_after_the_window(clock):
    throttle = Throttle("test", free=1, first_delay=10, longest=10, window=60)
    throttle.record(address="192.0.2.1")
    assert throttle.wait_seconds(address="192.0.2.1") == 11

    clock.shift(timedelta(seconds=11))
    assert throttle.wait_seconds(address="192.0.2.1") == 0
    clock.shift(timedelta(seconds=60))
    assert prune_expired() == 1
    assert throttle.record(address="192.0.2.1") == 1


def test_counters_survive_a_thousand_other_keys(settings, clock):
    """A cache culls entries when it is full; the counters are not in the cache. The clock
    stands still: on a busy machine the 16 s delays could end before the last check."""
    settings.CACHES = {"default": {**settings.CACHES["default"], "OPTIONS": {"MAX_ENTRIES": 300}}}
    throttle = Throttle("sign-in", free=5)
    blocked = [f"victim{n}@acme.example.com" for n in range(30)]
    for account in blocked:
        for _ in range(8):
            throttle.record(account=account)
    for n in range(1000):
        throttle.record(account=f"someone-else-{n}@example.com")
        cache.set(f"filler-{n}", n)

    assert all(throttle.wait_seconds(account=account) > 0 for account in blocked)
    assert Counter.objects.count() == 1030


@pytest.mark.django_db(transaction=True)
def test_attempts_made_at_the_same_moment_are_all_counted():
    throttle = Throttle("code-account", free=100)
    start = threading.Barrier(10)

    def attempt():
        try:
            start.wait(10)
            for _ in range(5):
                throttle.record(account="bob@acme.example.com")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert Counter.objects.get().count == 50


def test_identities_are_stored_as_digests_never_as_typed():
    Throttle("sign-in").record(account="bob@acme.example.com", address="192.0.2.1")

    keys = list(Counter.objects.values_list("key", flat=True))
    assert len(keys) == 2
    assert not any("bob" in key or "192.0.2" in key for key in keys)


def test_a_quota_allows_its_limit_in_each_period(clock, settings):
    settings.TEST_QUOTA = 3
    quota = Quota("tickets", "TEST_QUOTA", period=3600)
    waits = []
    for _ in range(4):
        waits.append(quota.wait_seconds(person=7, company=3))
        if not waits[-1]:
            quota.record(person=7, company=3)

    assert waits[:3] == [0, 0, 0]
    assert 3590 < waits[3] <= 3601
    assert quota.wait_seconds(person=8) == 0, "another person has a quota of their own"
    clock.shift(timedelta(hours=1))
    assert quota.wait_seconds(person=7, company=3) == 0
