"""Periodic jobs of the rate limits: counters whose window is over are forgotten."""

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from sportello.workers.retention import delete_in_batches
from sportello.workers.schedule import every

from .models import Counter


@every(timedelta(hours=1))
@task(queue_name="default")
def prune_expired_counters() -> int:
    """Deletes the counters whose window ended (they no longer limit anything)."""
    return delete_in_batches(Counter.objects.filter(expires_at__lte=timezone.now()))
