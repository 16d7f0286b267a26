"""Background tasks of the API app: thin wrappers around webhooks.py."""

from datetime import timedelta

from django.tasks import task

from sportello.workers.schedule import every

from . import webhooks


@task(queue_name="default")
def deliver_webhook(delivery_id: int) -> str:
    """One attempt at a webhook delivery (see webhooks.deliver)."""
    return webhooks.deliver(delivery_id)


@every(timedelta(minutes=1))
@task(queue_name="default")
def sweep_webhook_deliveries() -> int:
    """Enqueues the waiting deliveries whose task was lost."""
    return webhooks.sweep_lost()


@every(timedelta(hours=1))
@task(queue_name="default")
def prune_webhook_deliveries() -> int:
    """Deletes deliveries past WEBHOOK_RETENTION_DAYS."""
    return webhooks.prune_old_deliveries()
