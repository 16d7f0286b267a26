"""Background tasks of the tickets app."""

from django.tasks import task

from . import services


@task(queue_name="default")
def notify_operators(kind: str, ticket_id: int, message_id: int) -> int:
    """Kept for the tasks an earlier release enqueued: gathers the operators' notice of a
    new ticket or a customer's reply (see services.notify_operators)."""
    return services.notify_operators(kind, ticket_id, message_id)
