"""Background tasks of the incoming e-mail: thin wrappers around the services."""

from datetime import timedelta

from django.conf import settings
from django.tasks import task

from sportello.workers.schedule import every

from . import imap, services


@every(timedelta(seconds=settings.INBOUND_IMAP_POLL_SECONDS))
@task(queue_name="default")
def poll_mailbox() -> dict[str, int]:
    """Stores the waiting messages of the support mailbox (nothing without INBOUND_IMAP_HOST)."""
    return imap.poll_mailbox()


@task(queue_name="default")
def process_inbound_email(inbound_id: int) -> str:
    """Processes one stored message (see services.process); returns its outcome."""
    return services.process(inbound_id)


@every(timedelta(minutes=1))
@task(queue_name="default")
def sweep_inbound_emails() -> int:
    """Enqueues a task for the stored messages that no task processed in time."""
    return services.sweep()


@every(timedelta(hours=1))
@task(queue_name="default")
def prune_inbound_emails() -> int:
    """Deletes the messages past INBOUND_RETENTION_DAYS."""
    return services.prune_old_messages()
