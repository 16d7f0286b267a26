"""Each retention job removes what is past its age, and nothing else (issue 14, item 10)."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sportello.accounts import tasks as account_tasks
from sportello.accounts.models import LoginCode, SecurityEvent, TrustedDevice
from sportello.testing.workers import make_heartbeat
from sportello.workers import tasks as worker_tasks
from sportello.workers.models import WorkerHeartbeat
from sportello.workers.retention import delete_in_batches

from .sample_tasks import hold_the_database

pytestmark = pytest.mark.django_db


def ago(**delta) -> timezone.datetime:
    return timezone.now() - timedelta(**delta)


def task_result(status: str, finished_ago: timedelta | None) -> str:
    task = hold_the_database.enqueue(0).db_result
    finished_at = timezone.now() - finished_ago if finished_ago else None
    DBTaskResult.objects.filter(id=task.id).update(status=status, finished_at=finished_at)
    return str(task.id)


def remaining(model, **filters) -> set:
    return {str(pk) for pk in model.objects.filter(**filters).values_list("pk", flat=True)}


def test_finished_task_results_are_pruned_past_their_retention(settings):
    settings.TASK_RESULT_RETENTION_DAYS = 7
    old_success = task_result("SUCCESSFUL", timedelta(days=8))
    old_failure = task_result("FAILED", timedelta(days=8))
    recent = task_result("SUCCESSFUL", timedelta(days=6))
    waiting = task_result("READY", None)
    running = task_result("RUNNING", None)
    DBTaskResult.objects.filter(id__in=[waiting, running]).update(enqueued_at=ago(days=30))

    assert worker_tasks.prune_task_results.call() == 2

    assert remaining(DBTaskResult) == {recent, waiting, running}
    assert old_success not in remaining(DBTaskResult) and old_failure not in remaining(DBTaskResult)


def test_heartbeats_of_workers_gone_for_a_day_are_pruned():
    make_heartbeat("gone", seen_ago=timedelta(days=1, minutes=1))
    make_heartbeat("recent", seen_ago=timedelta(hours=23))

    assert worker_tasks.prune_stopped_workers.call() == 1
    assert remaining(WorkerHeartbeat) == {"recent"}


def test_expired_sessions_are_pruned_and_live_ones_kept():
    Session.objects.create(session_key="expired", session_data="", expire_date=ago(seconds=1))
    Session.objects.create(session_key="live", session_data="", expire_date=ago(seconds=-60))

    assert account_tasks.prune_expired_sessions.call() == 1
    assert remaining(Session) == {"live"}


def test_login_codes_are_pruned_past_their_retention(settings, alice):
    settings.LOGIN_CODE_RETENTION_DAYS = 7
    old = LoginCode.objects.create(user=alice, code_hash="x", created_at=ago(days=7, minutes=1), expires_at=ago(days=7))
    recent = LoginCode.objects.create(user=alice, code_hash="y", created_at=ago(days=6), expires_at=ago(days=6))

    assert account_tasks.prune_old_login_codes.call() == 1
    assert remaining(LoginCode) == {str(recent.pk)}
    assert str(old.pk) not in remaining(LoginCode)


def test_expired_trusted_devices_are_pruned_and_valid_ones_kept(alice):
    TrustedDevice.objects.create(user=alice, token_hash="expired", expires_at=ago(seconds=1))
    valid = TrustedDevice.objects.create(user=alice, token_hash="valid", expires_at=ago(days=-1))

    assert account_tasks.prune_expired_trusted_devices.call() == 1
    assert remaining(TrustedDevice) == {str(valid.pk)}


def test_security_log_entries_are_pruned_past_their_retention(settings, alice):
    settings.SECURITY_LOG_RETENTION_DAYS = 365
    kind = SecurityEvent.Kind.ACCOUNT_ACTIVATED
    SecurityEvent.objects.create(kind=kind, user=alice, created_at=ago(days=366))
    kept = SecurityEvent.objects.create(kind=kind, user=alice, created_at=ago(days=364))

    assert account_tasks.prune_old_security_events.call() == 1
    assert remaining(SecurityEvent) == {str(kept.pk)}


def test_deleting_in_batches_deletes_every_row_of_the_queryset_and_only_those(alice):
    for number in range(7):
        SecurityEvent.objects.create(kind=SecurityEvent.Kind.ACCOUNT_ACTIVATED, user=alice, detail=str(number))

    assert delete_in_batches(SecurityEvent.objects.exclude(detail="3"), batch_size=2) == 6
    assert list(SecurityEvent.objects.values_list("detail", flat=True)) == ["3"]


def test_rate_limit_counters_are_pruned_when_their_window_is_over():
    from sportello.ratelimits import tasks as ratelimit_tasks
    from sportello.ratelimits.models import Counter

    over = Counter.objects.create(key="a", count=3, expires_at=ago(seconds=1))
    running = Counter.objects.create(key="b", count=3, expires_at=timezone.now() + timedelta(minutes=5))

    assert ratelimit_tasks.prune_expired_counters.call() == 1
    assert remaining(Counter) == {str(running.pk)} and str(over.pk) not in remaining(Counter)


def test_one_time_keys_are_pruned_past_their_days(settings, bob):
    from sportello.idempotency import tasks as idempotency_tasks
    from sportello.idempotency.models import IdempotencyKey

    settings.IDEMPOTENCY_KEY_DAYS = 7
    old = IdempotencyKey.objects.create(actor=bob, key="old", action="x", created_at=ago(days=8))
    recent = IdempotencyKey.objects.create(actor=bob, key="recent", action="x", created_at=ago(days=6))

    assert idempotency_tasks.prune_old_keys.call() == 1
    assert remaining(IdempotencyKey) == {str(recent.pk)} and str(old.pk) not in remaining(IdempotencyKey)


def test_unconfirmed_addresses_are_pruned_once_their_link_has_expired(settings, bob):
    from sportello.accounts.models import ContactAddress

    settings.CONTACT_ADDRESS_CONFIRM_DAYS = 7
    stale = ContactAddress.objects.create(
        user=bob, email="a@x.example", created_at=ago(days=8), last_sent_at=ago(days=8)
    )
    asked_again = ContactAddress.objects.create(
        user=bob, email="b@x.example", created_at=ago(days=30), last_sent_at=ago(days=2)
    )
    confirmed = ContactAddress.objects.create(
        user=bob, email="c@x.example", created_at=ago(days=30), confirmed_at=ago(days=29)
    )

    assert account_tasks.prune_unconfirmed_addresses.call() == 1
    assert remaining(ContactAddress) == {str(asked_again.pk), str(confirmed.pk)} and str(stale.pk) not in remaining(
        ContactAddress
    )
