"""Runs the queued background tasks inside the test, with django-tasks-db's own worker code."""

from django.db import transaction
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_ready_tasks(max_tasks: int = 1000) -> int:
    """Runs every task that is due now (including those the tasks enqueue), one at a time
    as a worker would, and returns how many ran. Tasks scheduled for later stay queued
    until the clock reaches them."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    ran = 0
    while ran < max_tasks:
        with transaction.atomic():
            task = DBTaskResult.objects.ready().get_locked()
            if task is None:
                return ran
            task.claim(worker.worker_id)
        worker.run_task(task)
        ran += 1
    return ran
