"""Periodic jobs of the one-time keys: a key protects against repeats for a while, not forever."""

from datetime import timedelta

from django.conf import settings
from django.tasks import task

from sportello.workers.retention import cutoff, delete_in_batches
from sportello.workers.schedule import every

from .models import IdempotencyKey


@every(timedelta(hours=1))
@task(queue_name="default")
def prune_old_keys() -> int:
    """Deletes one-time keys older than IDEMPOTENCY_KEY_DAYS: a form or an API request
    sent again after that is a new request."""
    return delete_in_batches(IdempotencyKey.objects.filter(created_at__lt=cutoff(settings.IDEMPOTENCY_KEY_DAYS)))
