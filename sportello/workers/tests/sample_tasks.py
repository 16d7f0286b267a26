"""Tasks that only the workers' tests enqueue."""

from django.db import OperationalError, connection
from django.tasks import task


@task(queue_name="default")
def meet_a_database_fault() -> None:
    raise OperationalError("terminating connection due to administrator command")


@task(queue_name="default")
def hold_the_database(seconds: float) -> float:
    """Keeps the worker's connection busy for `seconds`, then answers: a task long enough
    to end its connection in the middle of."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [seconds])
    return seconds
