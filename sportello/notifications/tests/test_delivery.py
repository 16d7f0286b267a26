from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sportello.notifications.models import OutboundEmail
from sportello.notifications.services import oldest_waiting_age, send_again, send_email
from sportello.testing.tasks import run_ready_tasks

pytestmark = pytest.mark.django_db


def send_login_code_like_email(to="someone@example.com", queue=OutboundEmail.Queue.EMAIL, language="it"):
    return send_email(
        kind="login_code", to=to, context={"code": "123456", "minutes": 10}, language=language, queue=queue
    )


def test_an_email_is_rendered_enqueued_and_delivered_through_smtp(mailbox):
    [email] = send_login_code_like_email()

    assert email.status == OutboundEmail.Status.WAITING
    assert mailbox.server.received == []
    [received] = mailbox.to("someone@example.com")
    assert "123456" in received.subject
    assert "123456" in received.text
    assert "123456" in received.html
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 1


def test_an_email_enqueued_inside_a_rolled_back_transaction_is_never_sent(mailbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_login_code_like_email()
        raise RuntimeError("the change that caused the e-mail fails")

    assert OutboundEmail.objects.count() == 0
    assert DBTaskResult.objects.count() == 0
    assert mailbox.all() == []


def test_an_email_survives_an_smtp_outage_and_is_delivered_once(mailbox, smtp_server):
    smtp_server.stop()
    with time_machine.travel(timezone.localtime(), tick=False) as clock:
        [email] = send_login_code_like_email()
        assert run_ready_tasks() == 1

        email.refresh_from_db()
        assert email.status == OutboundEmail.Status.WAITING
        assert email.attempts == 1
        assert "Connection" in email.last_error or "refused" in email.last_error.lower()
        assert email.next_attempt_at == timezone.now() + timedelta(minutes=1)
        assert run_ready_tasks() == 0, "the retry waits for its time"

        smtp_server.start()
        clock.shift(timedelta(minutes=1))
        assert len(mailbox.to("someone@example.com")) == 1
        clock.shift(timedelta(hours=1))
        assert len(mailbox.to("someone@example.com")) == 1, "delivered once, not again"

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 2


def test_retries_grow_and_stop_after_the_retry_window(settings, smtp_server):
    settings.EMAIL_RETRY_HOURS = 24
    smtp_server.stop()
    delays = []
    with time_machine.travel(timezone.localtime(), tick=False) as clock:
        [email] = send_login_code_like_email()
        # 24 hours are about 30 tries; a retry that never gives up fails the test, not the suite.
        for _ in range(60):
            run_ready_tasks()
            email.refresh_from_db()
            if email.status != OutboundEmail.Status.WAITING:
                break
            delays.append(email.next_attempt_at - timezone.now())
            clock.move_to(timezone.localtime(email.next_attempt_at))
        else:
            pytest.fail("still waiting to be sent again after 60 tries")

    assert delays[:7] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60)]
    assert set(delays[7:]) == {timedelta(hours=1)}
    assert sum(delays, timedelta()) >= timedelta(hours=23)
    assert email.status == OutboundEmail.Status.FAILED
    assert email.last_error


def test_a_permanent_refusal_is_not_retried_and_is_recorded(mailbox, smtp_server):
    smtp_server.refuse("gone@example.com", "550 5.1.1 No such user")
    [email] = send_login_code_like_email(to="gone@example.com")

    run_ready_tasks()

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == 1
    assert "550" in email.last_error
    assert DBTaskResult.objects.filter(status="READY").count() == 0


def test_a_temporary_refusal_is_retried(mailbox, smtp_server):
    smtp_server.refuse("busy@example.com", "450 4.2.1 Mailbox busy, try later")
    [email] = send_login_code_like_email(to="busy@example.com")

    run_ready_tasks()

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.WAITING
    assert "450" in email.last_error
    assert email.next_attempt_at is not None


def test_a_failed_email_can_be_sent_again(mailbox, smtp_server):
    smtp_server.refuse("fixed@example.com", "550 No such user")
    [email] = send_login_code_like_email(to="fixed@example.com")
    run_ready_tasks()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED

    smtp_server.collector.refuse.clear()
    send_again(email)

    assert len(mailbox.to("fixed@example.com")) == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT


def test_each_recipient_gets_an_email_of_its_own(mailbox):
    emails = send_email(
        kind="login_code",
        to=["a@example.com", "B@example.com", "b@example.com", ""],
        context={"code": "1", "minutes": 1},
    )

    assert [e.to for e in emails] == ["a@example.com", "B@example.com"]
    assert len(mailbox.all()) == 2


def test_priority_emails_go_on_a_queue_of_their_own(db):
    send_login_code_like_email(queue=OutboundEmail.Queue.PRIORITY)
    send_login_code_like_email()

    assert sorted(DBTaskResult.objects.values_list("queue_name", flat=True)) == ["email", "priority"]


def test_the_email_is_written_in_the_recipients_language(mailbox):
    send_login_code_like_email(to="it@example.com", language="it")
    send_login_code_like_email(to="en@example.com", language="en")

    assert "codice" in mailbox.last("it@example.com").subject.lower()
    assert "code" in mailbox.last("en@example.com").subject.lower()
    assert "codice" not in mailbox.last("en@example.com").subject.lower()


def test_the_plain_text_part_is_not_html_escaped(mailbox):
    send_email(
        kind="invitation",
        to="x@example.com",
        context={
            "tenant_name": "Rossi & Figli <S.n.c.>",
            "role": "Tecnico",
            "inviter": "",
            "is_new_account": False,
            "landing_path": "/",
        },
    )

    received = mailbox.last("x@example.com")
    assert "Rossi & Figli <S.n.c.>" in received.text
    assert "Rossi &amp; Figli &lt;S.n.c.&gt;" in received.html


def test_the_oldest_waiting_email_age_is_measured_from_its_queueing(db):
    assert oldest_waiting_age() is None
    with time_machine.travel(timezone.localtime(), tick=False) as clock:
        send_login_code_like_email()
        clock.shift(timedelta(minutes=7))
        send_login_code_like_email()
        assert oldest_waiting_age() == timedelta(minutes=7)
