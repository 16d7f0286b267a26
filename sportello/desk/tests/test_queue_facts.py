"""The queue's counts and operators, kept in the shared cache: once stale, one reader works
them out again while the others keep showing what was there (lib.shared_cache)."""

import pickle
import time
from datetime import timedelta

import pytest
from django.core.cache import cache

from sportello.accounts.models import User
from sportello.desk import queue
from sportello.desk.queue import COUNTS_CACHE_SECONDS, OPERATORS_CACHE_SECONDS, queue_facts
from sportello.testing.fixtures import make_ticket, make_user
from sportello.tickets.models import Status


@pytest.fixture(autouse=True)
def empty_cache(db):
    cache.clear()
    yield
    cache.clear()


def test_when_several_readers_find_the_counts_stale_one_works_them_out(monkeypatch, clock, acme, bob):
    make_ticket(acme, bob)
    before, _operators = queue_facts()
    make_ticket(acme, bob)
    clock.shift(timedelta(seconds=COUNTS_CACHE_SECONDS + 1))
    counted = queue._count
    work, seen_meanwhile = [], []

    def count_while_others_read():
        work.append("count")
        # The other workers' pages, while this one counts: none counts again.
        seen_meanwhile.extend(queue_facts()[0] for _reader in range(3))
        return counted()

    monkeypatch.setattr(queue, "_count", count_while_others_read)
    after, _operators = queue_facts()

    assert work == ["count"]
    assert seen_meanwhile == [before] * 3
    assert before[Status.UNASSIGNED] == 1
    assert after[Status.UNASSIGNED] == 2
    assert queue_facts()[0] == after and work == ["count"], "fresh again: read, not counted"


def test_stale_operators_are_worked_out_again_by_one_reader(monkeypatch, clock, oscar):
    queue_facts()
    # Made an operator without the signal that forgets the lists at once (as by SQL).
    User.objects.filter(pk=make_user("nora@vendor.example.com", "Nora", "Nuova").pk).update(is_operator=True)
    clock.shift(timedelta(seconds=OPERATORS_CACHE_SECONDS + 1))
    listed = queue._operator_choices
    work, seen_meanwhile = [], []

    def list_while_others_read():
        work.append("list")
        seen_meanwhile.extend(queue_facts()[1] for _reader in range(2))
        return listed()

    monkeypatch.setattr(queue, "_operator_choices", list_while_others_read)
    _counts, operators = queue_facts()

    assert work == ["list"]
    assert all("Nora Nuova" not in dict(names).values() for names in seen_meanwhile)
    assert "Nora Nuova" in dict(operators).values()


def test_counts_gone_from_the_cache_are_worked_out_by_whoever_reads_them(monkeypatch, acme, bob):
    make_ticket(acme, bob)
    work = []
    counted = queue._count
    monkeypatch.setattr(queue, "_count", lambda: work.append("count") or counted())

    assert queue_facts()[0][Status.UNASSIGNED] == 1
    assert queue_facts()[0][Status.UNASSIGNED] == 1
    assert work == ["count"]


def test_the_same_entry_read_again_is_not_unpickled_again(oscar):
    first = queue_facts()

    assert queue_facts()[1] is first[1] and queue_facts()[0] is first[0]


def test_an_entry_another_process_wrote_is_read_not_the_value_this_one_read_last(oscar):
    _counts, operators = queue_facts()
    assert [name for _pk, name in operators] == ["Oscar Orlando"]
    # Another process worked the operators out anew (a renamed one) and wrote them.
    theirs = [(oscar.pk, "Oscar Rinominato")]
    cache.set(queue.OPERATORS_KEY, (pickle.dumps(theirs), time.time() + 60), 120)

    assert queue_facts()[1] == theirs
