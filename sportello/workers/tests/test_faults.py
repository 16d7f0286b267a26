"""The fault suite (issue 14): real `run_worker` processes against the test database and SMTP
servers on loopback, with the faults of production injected.

Each test takes seconds: the workers run with a heartbeat of 1 s and a lease of 3 s. The
figures of each run (e-mails and tasks expected, delivered, duplicated) are printed and
written to var/test-results/faults.json; docs/reliability.md quotes the last run.
"""

import json
import time
from collections import Counter

import pytest
from django_tasks_db.models import DBTaskResult

from sportello.notifications.models import OutboundEmail
from sportello.notifications.services import send_email
from sportello.testing.proxy import TCPProxy
from sportello.testing.smtp import SMTPServer
from sportello.testing.workers import ROOT, database_address, test_database_url, wait_for
from sportello.workers import schedule

from .sample_tasks import hold_the_database

pytestmark = pytest.mark.faults

FIGURES = ROOT / "var" / "test-results" / "faults.json"


def record(test: str, **figures) -> None:
    print(f"{test}: {figures}")
    FIGURES.parent.mkdir(parents=True, exist_ok=True)
    recorded = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
    recorded[test] = figures
    FIGURES.write_text(json.dumps(recorded, indent=2, sort_keys=True))


def send_to(count: int, queue: str = OutboundEmail.Queue.EMAIL) -> list[OutboundEmail]:
    addresses = [f"operator{number}@example.com" for number in range(count)]
    return send_email(kind="login_code", to=addresses, context={"code": "271828", "minutes": 10}, queue=queue)


def all_sent(emails: list[OutboundEmail]) -> bool:
    return OutboundEmail.objects.filter(pk__in=[e.pk for e in emails], status="sent").count() == len(emails)


def task_status(task_id) -> str:
    return DBTaskResult.objects.get(id=task_id).status


@pytest.fixture
def smtp():
    server = SMTPServer(delay=0.01)
    server.start()
    yield server
    server.stop()


def abandoned_task_reported(client):
    answer = client.get("/healthz")
    return answer if answer.status_code == 503 and "tasks" in answer.json()["failed"] else None


def test_a_worker_whose_database_connections_are_ended_goes_on_and_finishes_its_tasks(worker_processes, smtp):
    worker = worker_processes("faults-terminated", "default,email", smtp.port)
    worker.wait_until_beating()
    ended = [worker.end_database_connections()]  # while it waits for work

    held = hold_the_database.enqueue(1.5).id
    wait_for(lambda: task_status(held) == "RUNNING", message="the long task to start")
    ended.append(worker.end_database_connections())  # in the middle of a task
    emails = send_to(60)
    wait_for(lambda: len(smtp.received) >= 10, message="the first e-mails")
    ended.append(worker.end_database_connections())  # in the middle of sending
    wait_for(lambda: all_sent(emails), timeout=30, message=f"every e-mail sent\n{worker.log()}")
    wait_for(lambda: task_status(held) == "SUCCESSFUL", message="the long task to run again and finish")

    assert all(count >= 1 for count in ended), f"connections ended each time: {ended}"
    assert worker.is_running, worker.log()
    assert "lost the database" in worker.log()
    received = Counter(mail.message["Message-ID"] for mail in smtp.received)
    assert set(received) == {email.message_id for email in emails}, "every e-mail arrived"
    duplicates = received.total() - len(received)
    assert duplicates <= 1, "only an e-mail whose connection ended between the SMTP answer and the commit"
    # Every e-mail is out, but a delivery task the faults re-enqueued may still be finishing
    # (it then finds nothing to send): the worker must end with no task left, none failed.
    unfinished = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exclude(
        task_path__in=schedule.registered_jobs()
    )
    wait_for(lambda: not unfinished.exists(), message=f"the worker to finish every task\n{worker.log()}")
    assert not DBTaskResult.objects.filter(status="FAILED").exclude(task_path__in=schedule.registered_jobs())
    record(
        "database_connections_ended",
        connections_ended=sum(ended),
        emails_expected=len(emails),
        emails_delivered=len(received),
        duplicates=duplicates,
        tasks_expected=1,
        tasks_completed=int(task_status(held) == "SUCCESSFUL"),
    )


def test_a_worker_waits_out_a_database_outage_and_goes_on(worker_processes, smtp):
    database = TCPProxy(database_address())  # the worker reaches PostgreSQL only through it
    try:
        worker = worker_processes(
            "faults-outage", "default,email", smtp.port, DATABASE_URL=test_database_url(database.port)
        )
        worker.wait_until_beating()
        dropped = database.cut()  # a restart or a failover: connections drop, new ones are refused
        emails = send_to(20)  # meanwhile the portal, on its own connection, goes on
        wait_for(lambda: worker.log().count("lost the database") >= 2, message="the worker to try again")
        assert worker.is_running
        database.restore()
        wait_for(lambda: all_sent(emails), message=f"every e-mail sent after the outage\n{worker.log()}")
    finally:
        database.stop()

    assert dropped >= 1
    assert worker.is_running
    received = Counter(mail.message["Message-ID"] for mail in smtp.received)
    assert set(received) == {email.message_id for email in emails}
    record(
        "database_outage",
        emails_expected=len(emails),
        emails_delivered=len(received),
        duplicates=received.total() - len(received),
    )


def test_an_email_whose_worker_is_killed_mid_send_is_delivered_once_after_the_lease(
    worker_processes, smtp, silent_smtp_server, client, settings
):
    settings.WORKER_LEASE_SECONDS = 3  # as the worker processes, for /healthz in this process
    doomed = worker_processes("faults-killed", "*", silent_smtp_server.port, SMTP_TIMEOUT=60)
    doomed.wait_until_beating()
    [email] = send_to(1)
    assert silent_smtp_server.connected.wait(20), doomed.log()
    [task_id] = DBTaskResult.objects.filter(status="RUNNING", queue_name="email").values_list("id", flat=True)

    doomed.kill()
    unhealthy = wait_for(lambda: abandoned_task_reported(client), message="/healthz to notice")
    rescuer = worker_processes("faults-rescuer", "*", smtp.port)
    wait_for(lambda: all_sent([email]), message=f"the e-mail sent by the next worker\n{rescuer.log()}")
    wait_for(lambda: client.get("/healthz").status_code == 200, message="/healthz to recover")

    assert unhealthy.json()["failed"] == ["workers", "tasks"]
    assert unhealthy.json()["tasks"] == "1 task(s) RUNNING past their lease of 3 s"
    received = [mail.message["Message-ID"] for mail in smtp.received]
    assert received == [email.message_id], "delivered exactly once, to the working server"
    email.refresh_from_db()
    assert email.attempts == 1, "the killed attempt rolled back with its transaction"
    # The worker records the task's outcome just after the e-mail's "sent" mark: wait for it.
    wait_for(lambda: task_status(task_id) == "SUCCESSFUL", message=f"the task recorded\n{rescuer.log()}")
    assert DBTaskResult.objects.get(id=task_id).worker_ids == ["faults-killed", "faults-rescuer"]
    record(
        "worker_killed_mid_send",
        emails_expected=1,
        emails_delivered=len(set(received)),
        duplicates=len(received) - len(set(received)),
        tasks_expected=1,
        tasks_completed=1,
    )


def test_two_workers_enqueue_each_periodic_job_once_and_run_it(worker_processes, smtp):
    jobs = set(schedule.registered_jobs())
    first = worker_processes("faults-first", "default,email", smtp.port)
    second = worker_processes("faults-second", "priority", smtp.port)
    first.wait_until_beating()
    second.wait_until_beating()

    def jobs_done():
        done = DBTaskResult.objects.filter(task_path__in=jobs, status="SUCCESSFUL").values_list("task_path", flat=True)
        return set(done) == jobs

    wait_for(jobs_done, message=f"every job to run\n{first.log()}\n{second.log()}")
    time.sleep(2 * int(first.environment["WORKER_HEARTBEAT_SECONDS"]))  # more ticks of both workers

    enqueued = Counter(DBTaskResult.objects.filter(task_path__in=jobs).values_list("task_path", flat=True))
    assert enqueued == dict.fromkeys(jobs, 1)
    first.stop()
    assert first.process.returncode == 0, "TERM stops a worker cleanly"
    assert first.heartbeat() is None, "and it takes its heartbeat away"
    record("periodic_jobs_with_two_workers", tasks_expected=len(jobs), tasks_completed=len(jobs), duplicates=0)


def test_the_priority_worker_delivers_codes_while_notifications_wait_in_a_backlog(worker_processes, smtp):
    backlog = send_to(400)
    code = send_email(
        kind="login_code",
        to="waiting@example.com",
        context={"code": "314159", "minutes": 10},
        queue=OutboundEmail.Queue.PRIORITY,
    )
    worker_processes("faults-priority", OutboundEmail.Queue.PRIORITY, smtp.port)

    wait_for(lambda: all_sent(code), message="the code")

    assert [mail.envelope_to for mail in smtp.received] == [["waiting@example.com"]]
    assert OutboundEmail.objects.filter(pk__in=[e.pk for e in backlog], status="waiting").count() == 400
