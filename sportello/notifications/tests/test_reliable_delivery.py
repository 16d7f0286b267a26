"""Delivery that survives faults and keeps up with fan-out (issue 14, items 2, 8, 12)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sportello.accounts import emails as account_emails
from sportello.notifications import tasks
from sportello.notifications.models import OutboundEmail
from sportello.notifications.services import EMAILS_PER_TASK, deliver_waiting, prune_old_emails, send_email
from sportello.tenants import emails as tenant_emails
from sportello.tenants.models import Invitation
from sportello.testing.tasks import run_ready_tasks

pytestmark = pytest.mark.django_db

WAITING_TASKS = {"status__in": ["READY", "RUNNING"]}


def notify(addresses, queue=OutboundEmail.Queue.EMAIL):
    return send_email(kind="login_code", to=addresses, context={"code": "424242", "minutes": 10}, queue=queue)


def addresses(count: int, domain: str = "example.com") -> list[str]:
    return [f"operator{n}@{domain}" for n in range(count)]


def test_a_fan_out_is_sent_over_one_smtp_connection(mailbox):
    notify(addresses(40))

    received = mailbox.all()

    assert len(received) == 40
    assert len({mail.peer for mail in received}) == 1, "one connection for the whole batch"
    assert OutboundEmail.objects.waiting().count() == 0


def test_a_large_fan_out_is_split_into_tasks_that_several_workers_can_share(db):
    notify(addresses(EMAILS_PER_TASK + 1))

    assert DBTaskResult.objects.filter(task_path=tasks.deliver_waiting_emails.module_path).count() == 2


def test_every_email_has_a_stable_message_id_on_the_portals_own_domain(mailbox, settings):
    settings.SITE_URL = "https://assistenza.example.it"
    [email] = notify("someone@example.com")

    [received] = mailbox.to("someone@example.com")

    assert received.message["Message-ID"] == f"<{email.public_id}@assistenza.example.it>"
    assert email.message_id == received.message["Message-ID"], "the same on every attempt"


def test_an_email_already_sent_is_not_sent_again_by_a_second_task(mailbox):
    notify("once@example.com")
    assert len(mailbox.to("once@example.com")) == 1

    tasks.deliver_waiting_emails.enqueue(OutboundEmail.Queue.EMAIL)
    tasks.deliver_email.enqueue(OutboundEmail.objects.get().pk)

    assert run_ready_tasks() == 2
    assert len(mailbox.to("once@example.com")) == 1


def test_an_unreachable_server_ends_the_round_after_one_try(smtp_server):
    smtp_server.stop()
    notify(addresses(5))

    assert run_ready_tasks() == 1

    attempts = sorted(OutboundEmail.objects.values_list("attempts", flat=True))
    assert attempts == [0, 0, 0, 0, 1], "the server is down: the other four are not tried"
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after == OutboundEmail.objects.get(attempts=1).next_attempt_at


def test_a_server_that_accepts_and_never_answers_times_out_and_the_email_is_retried(silent_smtp_server):
    [email] = notify("patient@example.com")

    run_ready_tasks()

    email.refresh_from_db()
    assert silent_smtp_server.connections == 1
    assert email.status == OutboundEmail.Status.WAITING
    assert email.attempts == 1
    assert "timed out" in email.last_error
    assert email.next_attempt_at > timezone.now()


def test_the_sweep_finds_a_waiting_email_that_no_task_would_deliver(mailbox):
    [email] = notify("lost@example.com")
    DBTaskResult.objects.all().delete()  # as if its task had been lost

    assert tasks.sweep_waiting_emails.call() == [OutboundEmail.Queue.EMAIL]
    assert tasks.sweep_waiting_emails.call() == [], "a task is coming now: nothing more to enqueue"
    assert len(mailbox.to("lost@example.com")) == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT


def test_the_sweep_leaves_alone_emails_whose_task_is_coming(db):
    notify("on-time@example.com")

    assert tasks.sweep_waiting_emails.call() == []
    assert DBTaskResult.objects.filter(**WAITING_TASKS).count() == 1


def test_the_sweep_schedules_a_waiting_retry_whose_task_was_lost(smtp_server, clock):
    smtp_server.stop()
    [email] = notify("later@example.com")
    run_ready_tasks()
    DBTaskResult.objects.all().delete()

    assert tasks.sweep_waiting_emails.call() == [OutboundEmail.Queue.EMAIL]

    email.refresh_from_db()
    assert DBTaskResult.objects.get(status="READY").run_after == email.next_attempt_at, "not before its time"


def test_emails_a_person_waits_for_are_not_delayed_by_a_backlog_of_notifications(mailbox, alice):
    notify(addresses(300))
    account_emails.send_login_code(alice, "135790")
    account_emails.send_password_reset(alice, "/account/reset/x/y/")
    account_emails.send_temporary_credentials(alice, "Temporary-password-1")

    run_ready_tasks(queues=(OutboundEmail.Queue.PRIORITY,))

    assert len(mailbox.server.received) == 3, "the priority worker sent only its own queue"
    assert OutboundEmail.objects.filter(queue=OutboundEmail.Queue.PRIORITY).count() == 3
    assert OutboundEmail.objects.waiting().count() == 300


def test_the_invitation_goes_on_the_priority_queue(alice, bob, acme):
    invitation = Invitation.objects.create(tenant=acme, email=bob.email, invited_by=alice)

    tenant_emails.send_invitation(invitation, bob)

    assert OutboundEmail.objects.get(kind="invitation").queue == OutboundEmail.Queue.PRIORITY


def test_sent_and_failed_emails_are_deleted_past_their_retention_and_nothing_else(db, settings):
    settings.EMAIL_RETENTION_DAYS = 30
    settings.FAILED_EMAIL_RETENTION_DAYS = 90
    now = timezone.now()
    sent_old, sent_recent, failed_old, failed_recent, waiting_old = notify(addresses(5))
    OutboundEmail.objects.filter(pk__in=[sent_old.pk, sent_recent.pk]).update(status="sent")
    OutboundEmail.objects.filter(pk=sent_old.pk).update(sent_at=now - timedelta(days=31))
    OutboundEmail.objects.filter(pk=sent_recent.pk).update(sent_at=now - timedelta(days=29))
    OutboundEmail.objects.filter(pk__in=[failed_old.pk, failed_recent.pk]).update(status="failed")
    OutboundEmail.objects.filter(pk=failed_old.pk).update(last_attempt_at=now - timedelta(days=91))
    OutboundEmail.objects.filter(pk=failed_recent.pk).update(last_attempt_at=now - timedelta(days=89))
    OutboundEmail.objects.filter(pk=waiting_old.pk).update(created_at=now - timedelta(days=400))

    assert prune_old_emails() == {"sent": 1, "failed": 1}

    kept = set(OutboundEmail.objects.values_list("pk", flat=True))
    assert kept == {sent_recent.pk, failed_recent.pk, waiting_old.pk}


def test_delivery_runs_a_fixed_number_of_queries_per_email(mailbox, django_assert_max_num_queries):
    notify(addresses(20))

    # Per e-mail: the asynchronous-commit switch, its lock, its mark, and the savepoint
    # pair its transaction becomes inside the test's own; then the round's end.
    with django_assert_max_num_queries(20 * 5 + 6):
        assert deliver_waiting(OutboundEmail.Queue.EMAIL) == {"sent": 20}


def test_an_email_written_by_a_clock_ahead_of_the_workers_is_sent_at_once(mailbox):
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        notify("ahead@example.com")

    assert len(mailbox.to("ahead@example.com")) == 1
