"""`manage.py run_worker`: the task worker to run in production (see sportello.workers.worker).

It takes django-tasks-db's `db_worker` options (`--queue-name`, `--interval`, `--worker-id`,
…). Run one with `--queue-name priority` and at least one with `--queue-name default,email`,
each under a supervisor that starts it again when it exits (deploy/systemd/).
"""

import os
import socket

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands import db_worker

from sportello.workers.worker import Worker


def default_worker_id() -> str:
    """host:pid:random, at most 64 characters (django-tasks-db's limit): readable in the
    admin and in pg_stat_activity, and unique across restarts."""
    suffix = f":{os.getpid()}:{get_random_string(6)}"
    return socket.gethostname()[: 64 - len(suffix)] + suffix


class Command(db_worker.Command):
    help = "Runs a task worker that survives database and SMTP faults, with a heartbeat and the periodic jobs."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(worker_id=default_worker_id(), reload=False)

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        exclude_queues: str,
        reload: bool,
        batch: bool,
        **options,
    ) -> None:
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        self._configure_database(options["worker_id"])
        worker = Worker(
            queue_names=queue_names,
            excluded_queue_names=excluded_queue_names,
            interval=options["interval"],
            batch=batch,
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            heartbeat_seconds=settings.WORKER_HEARTBEAT_SECONDS,
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()

    @staticmethod
    def _configure_database(worker_id: str) -> None:
        """Names the worker's connections after it (so an operator, or the fault tests, can
        find them in pg_stat_activity) and bounds how long one statement may run."""
        database = settings.DATABASES["default"]
        if database["ENGINE"] != "django.db.backends.postgresql":
            return
        options = database.setdefault("OPTIONS", {})
        options["application_name"] = f"sportello-worker {worker_id}"[:63]
        if settings.WORKER_STATEMENT_TIMEOUT:
            timeout = f"-c statement_timeout={settings.WORKER_STATEMENT_TIMEOUT * 1000}"
            options["options"] = f"{options.get('options', '')} {timeout}".strip()
