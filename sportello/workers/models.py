"""What the workers write about themselves: who is alive, and when each periodic job runs next."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeatQuerySet(models.QuerySet):
    def live(self, lease: timedelta | None = None):
        """Workers seen within the lease (WORKER_LEASE_SECONDS), by the database's clock."""
        lease = lease or timedelta(seconds=settings.WORKER_LEASE_SECONDS)
        return self.filter(last_seen__gte=Now() - lease)


class WorkerHeartbeat(models.Model):
    """One running worker process, rewritten every WORKER_HEARTBEAT_SECONDS by a thread of its own.

    A task whose worker has not written here for WORKER_LEASE_SECONDS is taken to be
    abandoned (the process died, or its host did) and runs again elsewhere. Times come from
    the database's clock, so workers on hosts whose clocks disagree still agree on it.
    """

    worker_id = models.CharField(_("worker"), max_length=64, primary_key=True)
    host = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    queues = models.CharField(_("queues"), max_length=255, help_text=_("Comma-separated; * is every queue."))
    started_at = models.DateTimeField(_("started on"))
    last_seen = models.DateTimeField(_("last seen"), db_index=True)

    objects = WorkerHeartbeatQuerySet.as_manager()

    class Meta:
        ordering = ["-last_seen"]
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.queues})"

    @property
    def queue_names(self) -> list[str]:
        return self.queues.split(",")


class ScheduledJob(models.Model):
    """When a periodic job (see sportello.workers.schedule) is next due.

    Every worker looks here between tasks; the one that locks a due row (FOR UPDATE SKIP
    LOCKED) enqueues the job and moves `next_run_at`, so each occurrence is enqueued once
    however many workers run. `last_task_id` keeps an occurrence from being enqueued
    while the previous one still waits for a worker.
    """

    name = models.CharField(_("job"), max_length=200, primary_key=True)
    next_run_at = models.DateTimeField(_("next run"))
    last_enqueued_at = models.DateTimeField(_("last enqueued"), null=True, blank=True)
    last_task_id = models.UUIDField(_("last task"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self) -> str:
        return self.name
