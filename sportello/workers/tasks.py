"""Periodic jobs of the workers app: the task queue's own housekeeping."""

from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat
from .retention import cutoff, delete_in_batches
from .schedule import every

# A worker that stopped without removing its heartbeat (killed, or its host died) is
# shown in the admin this long, then forgotten.
STOPPED_WORKER_DAYS = 1


@every(timedelta(hours=1))
@task(queue_name="default")
def prune_task_results() -> int:
    """Deletes finished (successful or failed) task results older than
    TASK_RESULT_RETENTION_DAYS, as django-tasks-db's prune_db_task_results does, in batches."""
    finished = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff(settings.TASK_RESULT_RETENTION_DAYS))
    return delete_in_batches(finished)


@every(timedelta(hours=1))
@task(queue_name="default")
def prune_stopped_workers() -> int:
    """Deletes the heartbeats of workers not seen for STOPPED_WORKER_DAYS."""
    return WorkerHeartbeat.objects.filter(last_seen__lt=cutoff(STOPPED_WORKER_DAYS)).delete()[0]
