"""Runs the queued background tasks inside the test, with the workers' own code
(sportello.workers.worker), one at a time; the fault tests run real worker processes."""

from django.db import transaction
from django_tasks_db.models import DBTaskResult

from sportello.workers.worker import Worker


def in_process_worker(queues: tuple[str, ...] = ()) -> Worker:
    """A worker to call `run_task()` on within the test (no heartbeat thread, no loop)."""
    return Worker(
        queue_names=list(queues) or ["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
        heartbeat_seconds=1,
    )


def run_ready_tasks(max_tasks: int = 1000, queues: tuple[str, ...] = ()) -> int:
    """Runs every task that is due now (including those the tasks enqueue), one at a time
    as a worker would, and returns how many ran; only those of `queues` when given. Tasks
    scheduled for later stay queued until the clock reaches them."""
    worker = in_process_worker(queues)
    ran = 0
    while ran < max_tasks:
        with transaction.atomic():
            ready = DBTaskResult.objects.ready()
            task = (ready.filter(queue_name__in=queues) if queues else ready).get_locked()
            if task is None:
                return ran
            task.claim(worker.worker_id)
        worker.run_task(task)
        ran += 1
    return ran
