"""Heartbeats and leases: how the workers tell a dead colleague from a busy one.

A task is at least once: the worker that claims it marks it RUNNING with its id; if that
worker stops writing its heartbeat for longer than the lease, any other worker puts the
task back to READY and it runs again. The code tasks run is written to be safe to run
twice (see notifications.services for e-mail).
"""

import logging
import os
import socket
from datetime import timedelta

from django.conf import settings
from django.db.models.functions import Now
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)


def beat(worker_id: str, queues: list[str]) -> None:
    """Records that the worker `worker_id` (serving `queues`) is alive, now by the database's clock."""
    if not WorkerHeartbeat.objects.filter(worker_id=worker_id).update(last_seen=Now()):
        WorkerHeartbeat.objects.create(
            worker_id=worker_id,
            host=socket.gethostname()[:255],
            pid=os.getpid(),
            queues=",".join(queues)[:255],
            started_at=Now(),
            last_seen=Now(),
        )


def forget(worker_id: str) -> None:
    """Removes the heartbeat of a worker that stops cleanly (it has finished its task)."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def _lease() -> timedelta:
    return timedelta(seconds=settings.WORKER_LEASE_SECONDS)


def tasks_past_lease() -> list[str]:
    """Ids of the tasks RUNNING for longer than the lease whose worker has not been seen
    within it: their worker died (or lost its host) while running them."""
    lease = _lease()
    live = set(WorkerHeartbeat.objects.live(lease).values_list("worker_id", flat=True))
    running = DBTaskResult.objects.running().filter(started_at__lt=timezone.now() - lease)
    return [
        str(task_id)
        for task_id, worker_ids in running.values_list("id", "worker_ids")
        if not worker_ids or worker_ids[-1] not in live
    ]


def recover_expired_leases() -> list[str]:
    """Puts back to READY every task whose lease has expired (see tasks_past_lease) and
    returns their ids. Any worker may call it at any time: a task that finished meanwhile
    is left alone."""
    expired = tasks_past_lease()
    if expired:
        DBTaskResult.objects.filter(id__in=expired, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY
        )
        logger.warning("Tasks %s were running on workers not seen for %s: they will run again", expired, _lease())
    return expired


def queues_without_worker(queues: list[str] | None = None) -> list[str]:
    """The task queues (settings.TASKS) that no live worker serves."""
    queues = queues if queues is not None else settings.TASKS["default"]["QUEUES"]
    served: set[str] = set()
    for names in WorkerHeartbeat.objects.live().values_list("queues", flat=True):
        served.update(names.split(","))
    if "*" in served:
        return []
    return [queue for queue in queues if queue not in served]
