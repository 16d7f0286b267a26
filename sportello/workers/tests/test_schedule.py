"""Periodic jobs: each occurrence enqueued once, however many workers look."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sportello.testing.tasks import run_ready_tasks
from sportello.workers import schedule
from sportello.workers.models import ScheduledJob
from sportello.workers.tasks import prune_task_results

RETENTION_JOBS = {
    "sportello.accounts.tasks.prune_expired_sessions",
    "sportello.accounts.tasks.prune_old_login_codes",
    "sportello.accounts.tasks.prune_expired_trusted_devices",
    "sportello.accounts.tasks.prune_old_security_events",
    "sportello.notifications.tasks.prune_old_emails",
    "sportello.notifications.tasks.sweep_waiting_emails",
    "sportello.workers.tasks.prune_task_results",
    "sportello.workers.tasks.prune_stopped_workers",
}


def test_every_app_declares_its_jobs_in_its_tasks_module():
    assert set(schedule.registered_jobs()) >= RETENTION_JOBS


@pytest.mark.django_db
def test_a_due_job_is_enqueued_once_and_moved_to_its_next_time():
    now = timezone.now()

    assert set(schedule.enqueue_due_jobs(now)) == set(schedule.registered_jobs())
    assert schedule.enqueue_due_jobs(now) == []

    row = ScheduledJob.objects.get(name=prune_task_results.module_path)
    assert row.next_run_at == now + timedelta(hours=1)
    assert DBTaskResult.objects.filter(task_path=prune_task_results.module_path).count() == 1


@pytest.mark.django_db
def test_an_occurrence_is_skipped_while_the_previous_one_still_waits_for_a_worker():
    now = timezone.now()
    schedule.enqueue_due_jobs(now)

    assert prune_task_results.module_path not in schedule.enqueue_due_jobs(now + timedelta(hours=2))
    run_ready_tasks()
    assert prune_task_results.module_path in schedule.enqueue_due_jobs(now + timedelta(hours=4))
    assert DBTaskResult.objects.filter(task_path=prune_task_results.module_path).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_job_another_worker_is_enqueuing_is_left_to_it():
    schedule.enqueue_due_jobs(timezone.now() - timedelta(days=1))
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                list(ScheduledJob.objects.select_for_update())
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(10)
        assert schedule.enqueue_due_jobs(timezone.now() + timedelta(days=1)) == []
    finally:
        release.set()
        thread.join()
