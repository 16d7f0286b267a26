"""Background tasks of the tickets app."""

from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from sportello.workers.schedule import every

from . import meaning, services
from .models import PendingUpload


@task(queue_name="default")
def notify_operators(kind: str, ticket_id: int, message_id: int) -> int:
    """Kept for the tasks an earlier release enqueued: gathers the operators' notice of a
    new ticket or a customer's reply (see services.notify_operators)."""
    return services.notify_operators(kind, ticket_id, message_id)


@task(queue_name="default")
def embed_closed_ticket(ticket_id: int) -> bool:
    """Stores the meaning of a ticket that closed, for "Già risolto?" (meaning.embed_ticket)."""
    return meaning.embed_ticket(ticket_id)


@every(timedelta(hours=1))
@task(queue_name="default")
def prune_pending_uploads() -> int:
    """Deletes the files kept from forms sent with errors that were never sent again
    within PENDING_UPLOAD_HOURS, with their stored files; returns how many."""
    cutoff = timezone.now() - timedelta(hours=settings.PENDING_UPLOAD_HOURS)
    deleted = 0
    for upload in PendingUpload.objects.filter(created_at__lt=cutoff).order_by("id")[:5000]:
        upload.file.storage.delete(upload.file.name)
        upload.delete()
        deleted += 1
    return deleted
