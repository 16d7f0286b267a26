"""Periodic jobs, run by the workers themselves (no cron).

An app declares a job in its `tasks.py`, above the task it runs:

    @every(timedelta(hours=1))
    @task(queue_name="default")
    def prune_old_things() -> int: ...

Between tasks, every worker calls `enqueue_due_jobs()`: the one that locks a due
`ScheduledJob` row enqueues the task on its queue, and whichever worker serves that
queue runs it, so the outcome is kept like any task's.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import ScheduledJob


@dataclass(frozen=True)
class PeriodicJob:
    task: Task
    interval: timedelta

    @property
    def name(self) -> str:
        return self.task.module_path


_registry: dict[str, PeriodicJob] = {}


def every(interval: timedelta):
    """Registers the task below as a job to enqueue every `interval` (a timedelta)."""

    def register(task: Task) -> Task:
        _registry[task.module_path] = PeriodicJob(task, interval)
        return task

    return register


def registered_jobs() -> dict[str, PeriodicJob]:
    """Every job declared in the installed apps' `tasks` modules, by name."""
    autodiscover_modules("tasks")
    return dict(_registry)


def enqueue_due_jobs(now: datetime | None = None) -> list[str]:
    """Enqueues each job whose time has come and moves it to its next time; returns the
    names enqueued. Safe to call from any number of workers at once (row locks, SKIP
    LOCKED). An occurrence whose previous task has not run yet is skipped, so jobs do not
    pile up while no worker serves their queue."""
    jobs = registered_jobs()
    now = now or timezone.now()
    ScheduledJob.objects.bulk_create([ScheduledJob(name=name, next_run_at=now) for name in jobs], ignore_conflicts=True)
    enqueued = []
    with transaction.atomic():
        due = ScheduledJob.objects.filter(name__in=jobs, next_run_at__lte=now).select_for_update(skip_locked=True)
        for row in due:
            job = jobs[row.name]
            if not _still_pending(row.last_task_id):
                row.last_task_id = job.task.enqueue().id
                row.last_enqueued_at = now
                enqueued.append(row.name)
            row.next_run_at = now + job.interval
            row.save()
    return enqueued


def _still_pending(task_id) -> bool:
    if task_id is None:
        return False
    pending = (TaskResultStatus.READY, TaskResultStatus.RUNNING)
    return DBTaskResult.objects.filter(id=task_id, status__in=pending).exists()
