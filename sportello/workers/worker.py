"""The task worker: django-tasks-db's, made to survive transient faults.

django-tasks-db's loop stops for good on the first database error that is not "database
is locked", keeps no heartbeat, and leaves a task RUNNING forever when its process dies.
This worker keeps its claim query and its task signals, and adds:

- a database that drops the connection, restarts or fails over (OperationalError or
  InterfaceError anywhere in the loop) closes the connection, waits with a growing,
  jittered delay (at most MAX_BACKOFF seconds) and tries again: it never exits for it;
- a task interrupted by such a fault is put back to READY, to run again (at most
  MAX_CLAIMS times in all), instead of being recorded as failed;
- a heartbeat thread (sportello.workers.services.beat) and, between tasks, the recovery
  of tasks whose worker's lease expired and the periodic jobs (schedule.enqueue_due_jobs).
"""

import logging
import random
import threading
import time
from collections.abc import Callable
from functools import partial

from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.tasks import TaskContext
from django.tasks.signals import task_finished, task_started
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from . import schedule, services

logger = logging.getLogger(__name__)

DATABASE_FAULTS = (OperationalError, InterfaceError)
MAX_BACKOFF = 30.0
# A task put back this many times (database faults, expired leases) is recorded as failed.
MAX_CLAIMS = 10


def close_connection() -> None:
    """Drops this thread's database connection, so the next query opens a fresh one."""
    try:
        connection.close()
    except Exception:  # the connection is already broken; closing it may fail too
        logger.debug("closing a broken database connection failed", exc_info=True)


class Backoff:
    """Growing, jittered pauses between tries after a fault: 0.5 s, 1 s, 2 s … up to `longest`."""

    def __init__(self, first: float = 0.5, longest: float = MAX_BACKOFF):
        self.first, self.longest, self.failures = first, longest, 0

    def next_delay(self) -> float:
        delay = min(self.first * 2**self.failures, self.longest)
        self.failures += 1
        return delay * random.uniform(0.75, 1.25)  # noqa: S311 - jitter, not secrecy

    def reset(self) -> None:
        self.failures = 0


class Heartbeat(threading.Thread):
    """Writes the worker's heartbeat every `interval` seconds, on a connection of its own,
    whatever the worker's task is doing; a fault only costs one beat."""

    daemon = True

    def __init__(self, worker_id: str, queues: list[str], interval: float):
        super().__init__(name=f"heartbeat {worker_id}")
        self.worker_id, self.queues, self.interval = worker_id, queues, interval
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while True:
                try:
                    services.beat(self.worker_id, self.queues)
                except DATABASE_FAULTS as error:
                    logger.warning("Heartbeat of %s not written (%s); trying again", self.worker_id, error)
                    close_connection()
                except Exception:  # the heartbeat thread must not die
                    logger.exception("Heartbeat of %s failed", self.worker_id)
                if self.stopped.wait(self.interval):
                    return
        finally:
            close_connection()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=self.interval + 5)


class Worker(DatabaseWorker):
    def __init__(self, *, heartbeat_seconds: float, **options):
        super().__init__(**options)
        self.heartbeat_seconds = heartbeat_seconds
        self.backoff = Backoff()
        self._next_housekeeping = 0.0

    def shutdown(self, signum, frame) -> None:
        """The first TERM or INT lets the current task and the clean-up finish (the loop
        ends at its next turn, a pause ends at once); a second one exits at once."""
        if not self.running:
            super().shutdown(signum, frame)
            return
        logger.warning("Worker %s received %s: stopping after its current task", self.worker_id, signum)
        self.running = False

    def pause(self, seconds: float) -> None:
        """Sleeps `seconds`, or less when the worker is asked to stop."""
        until = time.monotonic() + seconds
        while self.running and (left := until - time.monotonic()) > 0:
            time.sleep(min(left, 0.2))

    def run(self) -> None:
        logger.info("Starting worker %s on queues %s", self.worker_id, ",".join(self.queue_names))
        heartbeat = Heartbeat(self.worker_id, self.queue_names, self.heartbeat_seconds)
        heartbeat.start()
        try:
            if self.startup_delay and self.interval:
                self.pause(random.random())  # noqa: S311 - spreads workers started together
            while self.running:
                try:
                    task_result = self._step()
                except DATABASE_FAULTS as error:
                    self._lost_database(error)
                    continue
                except Exception:  # a worker never exits for a fault: it logs it and waits
                    logger.exception("Worker %s: unexpected error; going on", self.worker_id)
                    self.pause(self.backoff.next_delay())
                    continue
                self.backoff.reset()
                if self.batch and task_result is None:
                    logger.info("No more tasks for worker %s: exiting", self.worker_id)
                    return
                if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                    logger.info("Worker %s ran %d tasks: exiting", self.worker_id, self._run_tasks)
                    return
                if task_result is None:
                    self.pause(self.interval)
        finally:
            heartbeat.stop()
            self._forget()

    def _step(self) -> DBTaskResult | None:
        """Housekeeping when due, then claims and runs one task; returns it, or None."""
        close_old_connections()
        if time.monotonic() >= self._next_housekeeping:
            services.recover_expired_leases()
            schedule.enqueue_due_jobs()
            self._next_housekeeping = time.monotonic() + self.heartbeat_seconds
        task_result = self._claim()
        if task_result is not None:
            self.run_task(task_result)
        return task_result

    def _claim(self) -> DBTaskResult | None:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            task_result = tasks.get_locked()
            if task_result is not None:
                task_result.claim(self.worker_id)
        return task_result

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """Runs the task and records its outcome, waiting for the database if it must."""
        self.running_task = True
        try:
            try:
                task = db_task_result.task
                task_result = db_task_result.task_result
                task_started.send(sender=type(task.get_backend()), task_result=task_result)
                arguments = (TaskContext(task_result=task_result),) if task.takes_context else ()
                value = task.call(*arguments, *task_result.args, **task_result.kwargs)
            except DATABASE_FAULTS as error:
                self._lost_database(error)
                if len(db_task_result.worker_ids) >= MAX_CLAIMS:
                    self._until_recorded(partial(db_task_result.set_failed, error))
                else:
                    logger.warning("Task %s met a database fault (%s): it will run again", db_task_result.id, error)
                    self._until_recorded(partial(self._put_back, db_task_result))
                return
            except (KeyboardInterrupt, SystemExit):
                self._until_recorded(partial(self._put_back, db_task_result))
                raise
            except Exception as error:  # noqa: BLE001 - the task's own failure is its outcome
                logger.warning("Task %s failed: %r", db_task_result.id, error)
                self._until_recorded(partial(db_task_result.set_failed, error))
            else:
                self._until_recorded(partial(self._set_successful, db_task_result, value))
            self._announce_finished(db_task_result)
        finally:
            self.running_task = False
            self._run_tasks += 1

    @staticmethod
    def _set_successful(db_task_result: DBTaskResult, value) -> None:
        try:
            db_task_result.set_successful(value)
        except DATABASE_FAULTS:
            raise
        except Exception as error:  # noqa: BLE001 - e.g. a return value that is not JSON
            db_task_result.set_failed(error)

    @staticmethod
    def _put_back(db_task_result: DBTaskResult) -> None:
        DBTaskResult.objects.filter(id=db_task_result.id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY
        )

    def _until_recorded(self, record: Callable[[], None]) -> None:
        """Retries `record` through database faults until it succeeds. If the worker is
        asked to stop first, the task stays RUNNING and its lease brings it back."""
        while True:
            try:
                record()
                self.backoff.reset()
                return
            except DATABASE_FAULTS as error:
                if not self.running:
                    logger.error("Worker %s stops before recording a task (%s)", self.worker_id, error)
                    return
                self._lost_database(error)

    def _announce_finished(self, db_task_result: DBTaskResult) -> None:
        try:
            task_finished.send(sender=type(db_task_result.task.get_backend()), task_result=db_task_result.task_result)
        except Exception:  # e.g. a task path that no longer imports
            logger.exception("Task %s: task_finished could not be sent", db_task_result.id)

    def _lost_database(self, error: Exception) -> None:
        delay = self.backoff.next_delay()
        logger.warning("Worker %s lost the database (%s); trying again in %.1f s", self.worker_id, error, delay)
        close_connection()
        self.pause(delay)

    def _forget(self) -> None:
        try:
            services.forget(self.worker_id)
        except Exception:  # noqa: BLE001 - at exit the database may be gone; the lease covers it
            logger.warning("Worker %s could not remove its heartbeat", self.worker_id)
        close_connection()
