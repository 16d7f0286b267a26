"""Background tasks of the notifications app: thin wrappers around the services."""

from django.tasks import task

from . import services


@task(queue_name="email")
def deliver_email(email_id: int) -> str:
    return services.deliver(email_id)
