"""A task whose worker died runs again; a task hit by a database fault is not lost."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sportello.testing.tasks import in_process_worker
from sportello.testing.workers import make_heartbeat
from sportello.workers import services
from sportello.workers.models import WorkerHeartbeat
from sportello.workers.worker import MAX_CLAIMS

from .sample_tasks import hold_the_database, meet_a_database_fault


def running_task(worker_id: str, started_ago: timedelta) -> DBTaskResult:
    task = hold_the_database.enqueue(0).db_result
    task.claim(worker_id)
    DBTaskResult.objects.filter(id=task.id).update(started_at=timezone.now() - started_ago)
    return task


def status(task: DBTaskResult) -> str:
    return DBTaskResult.objects.get(id=task.id).status


@pytest.mark.django_db
def test_a_task_whose_worker_stopped_beating_runs_again_after_the_lease(settings):
    settings.WORKER_LEASE_SECONDS = 60
    make_heartbeat("dead", seen_ago=timedelta(seconds=61))
    make_heartbeat("alive", seen_ago=timedelta(seconds=5))
    abandoned = running_task("dead", started_ago=timedelta(minutes=5))
    busy = running_task("alive", started_ago=timedelta(hours=2))
    unknown = running_task("never-seen", started_ago=timedelta(minutes=5))
    just_claimed = running_task("not-yet-beating", started_ago=timedelta(seconds=10))

    assert sorted(services.recover_expired_leases()) == sorted([str(abandoned.id), str(unknown.id)])

    assert status(abandoned) == status(unknown) == "READY"
    assert status(busy) == status(just_claimed) == "RUNNING"
    assert services.recover_expired_leases() == []


@pytest.mark.django_db(transaction=True)
def test_a_task_interrupted_by_a_database_fault_is_put_back_not_failed():
    task = meet_a_database_fault.enqueue().db_result
    task.claim("tests")

    in_process_worker().run_task(task)

    task.refresh_from_db()
    assert task.status == "READY", "it runs again once the database answers"


@pytest.mark.django_db(transaction=True)
def test_a_task_that_keeps_meeting_database_faults_fails_in_the_end():
    task = meet_a_database_fault.enqueue().db_result
    DBTaskResult.objects.filter(id=task.id).update(worker_ids=["earlier"] * (MAX_CLAIMS - 1))
    task.refresh_from_db()
    task.claim("tests")

    in_process_worker().run_task(task)

    task.refresh_from_db()
    assert task.status == "FAILED"
    assert task.exception_class_path == "django.db.utils.OperationalError"


@pytest.mark.django_db
def test_a_heartbeat_is_written_then_refreshed_and_removed_at_a_clean_exit():
    services.beat("w1", ["priority"])
    first = WorkerHeartbeat.objects.get()
    services.beat("w1", ["priority"])

    assert WorkerHeartbeat.objects.get().last_seen >= first.last_seen
    assert first.queue_names == ["priority"]
    services.forget("w1")
    assert not WorkerHeartbeat.objects.exists()
