"""Background tasks of the notifications app: thin wrappers around the services."""

from datetime import timedelta

from django.tasks import TaskContext, task

from sportello.workers.schedule import every

from . import services
from .models import OutboundEmail


@task(queue_name="email", takes_context=True)
def deliver_waiting_emails(context: TaskContext, queue: str) -> dict[str, int]:
    """Sends the due e-mails of `queue` (see services.deliver_waiting)."""
    return services.deliver_waiting(queue, task_id=context.task_result.id)


@task(queue_name="email")
def deliver_email(email_id: int) -> dict[str, int]:
    """One task per e-mail, as enqueued before delivery went by queue: kept so that such
    tasks still waiting when a new release starts deliver their e-mail (and the others due)."""
    email = OutboundEmail.objects.filter(pk=email_id).only("queue").first()
    return services.deliver_waiting(email.queue) if email else {}


@every(timedelta(minutes=1))
@task(queue_name="default")
def sweep_waiting_emails() -> list[str]:
    """Finds e-mails waiting with no task that would deliver them, and enqueues one
    (issue 14, item 2). Returns the queues it enqueued a task for."""
    return [queue for queue in OutboundEmail.Queue.values if services.schedule_delivery(queue)]


@every(timedelta(hours=1))
@task(queue_name="default")
def prune_old_emails() -> dict[str, int]:
    """Deletes sent and failed e-mails, bodies and all, past their retention."""
    return services.prune_old_emails()


@task(queue_name="email")
def send_digest(digest_id: int) -> int | None:
    """Writes a digest's e-mails when its window closes (see services.send_digest)."""
    return services.send_digest(digest_id)


@every(timedelta(minutes=1))
@task(queue_name="default")
def send_overdue_digests() -> int:
    """Sends the digests whose window has closed and whose task was lost; returns how many."""
    return services.send_due_digests()


@every(timedelta(hours=1))
@task(queue_name="default")
def prune_sent_digests() -> int:
    """Deletes the digests (and their notices) sent more than a day ago."""
    return services.prune_sent_digests()
