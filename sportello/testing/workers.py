"""Workers for the tests: heartbeats written by hand, and real worker processes.

`WorkerProcess` runs `manage.py run_worker` as a separate process against the test
database (the test must use `transactional_db`, so that the process sees committed rows),
with its own settings in its environment; the `worker_processes` fixture starts them and
always stops them, even when the test fails.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from sportello.workers.models import WorkerHeartbeat

ROOT = Path(__file__).resolve().parents[2]


def make_heartbeat(worker_id: str, queues: str = "*", seen_ago: timedelta = timedelta()) -> WorkerHeartbeat:
    """A heartbeat row as a worker serving `queues` would have written it `seen_ago` ago."""
    seen = timezone.now() - seen_ago
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id, host="tests", pid=0, queues=queues, started_at=seen, last_seen=seen
    )


def wait_for(condition: Callable[[], object], timeout: float = 20, message: str = "") -> object:
    """Polls `condition` every 0.05 s until it returns something true; fails after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.05)
    pytest.fail(f"gave up after {timeout} s waiting for {message or condition}")


def database_address() -> tuple[str, int]:
    database = connection.settings_dict
    return database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432)


def test_database_url(port: int | None = None) -> str:
    """The test database's URL, through another port (a proxy's) when given."""
    database = connection.settings_dict
    host, default_port = database_address()
    return f"postgres://{database['USER'] or 'postgres'}@{host}:{port or default_port}/{database['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


class WorkerProcess:
    """`manage.py run_worker` in a process of its own, its output in `log_path`."""

    def __init__(self, log_dir: Path, worker_id: str, queues: str, smtp_port: int, **environment):
        self.worker_id, self.queues = worker_id, queues
        self.log_path = log_dir / f"{worker_id}.log"
        self.environment = {
            **os.environ,
            "DATABASE_URL": test_database_url(),
            "SECRET_KEY": settings.SECRET_KEY,
            "DEBUG": "false",
            "MAIL_BACKEND": "smtp",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp_port),
            "SMTP_TIMEOUT": "5",
            "WORKER_HEARTBEAT_SECONDS": "1",
            "WORKER_LEASE_SECONDS": "3",
            "LOG_LEVEL": "INFO",
            **{name: str(value) for name, value in environment.items()},
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> "WorkerProcess":
        command = [sys.executable, "manage.py", "run_worker", "--queue-name", self.queues]
        command += ["--worker-id", self.worker_id, "--interval", "0.1", "--no-startup-delay", "-v", "1"]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                command, cwd=ROOT, env=self.environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        return self

    @property
    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """kill -9: no clean-up of any kind, as when a machine or a process dies."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.is_running:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def heartbeat(self) -> WorkerHeartbeat | None:
        return WorkerHeartbeat.objects.filter(worker_id=self.worker_id).first()

    def wait_until_beating(self) -> WorkerHeartbeat:
        return wait_for(self.heartbeat, message=f"a heartbeat from {self.worker_id}\n{self.log()}")

    def end_database_connections(self) -> int:
        """pg_terminate_backend on this worker's own connections (found by their
        application_name, in this test database: another pytest-xdist worker's test may
        run a worker of the same name) and no other; returns how many were ended."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = %s AND datname = current_database() AND pid <> pg_backend_pid()",
                [f"sportello-worker {self.worker_id}"[:63]],
            )
            return cursor.fetchone()[0]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@pytest.fixture
def worker_processes(transactional_db, tmp_path):
    """Starts worker processes: `worker_processes(worker_id, queues, smtp_port, **env)`;
    stops every one of them when the test ends, whatever its outcome, and shows their log
    when it failed."""
    started: list[WorkerProcess] = []

    def start(worker_id: str, queues: str, smtp_port: int, **environment) -> WorkerProcess:
        worker = WorkerProcess(tmp_path, worker_id, queues, smtp_port, **environment).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    for worker in started:
        sys.stderr.write(f"--- log of {worker.worker_id} ---\n{worker.log()}\n")
