"""Digests are durable work (DESIGN.md, "Work that must happen"): a row written with the
change and a task due when the window closes; the sweep sends what a lost task or a dead
worker left; sent once however often it is tried; never in the way of the e-mails a person
is waiting for."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from sportello.accounts import emails as account_emails
from sportello.desk.models import OperatorArea
from sportello.notifications import services, tasks
from sportello.notifications.models import Digest, Notice, OutboundEmail
from sportello.testing.fixtures import make_ticket, make_user
from sportello.testing.smtp import SMTPServer
from sportello.testing.tasks import run_ready_tasks
from sportello.testing.workers import wait_for
from sportello.tickets import services as tickets
from sportello.tickets.models import Area

pytestmark = pytest.mark.django_db

WINDOW = timedelta(minutes=2)


@pytest.fixture
def window(settings):
    settings.NOTIFICATION_WINDOW_SECONDS = int(WINDOW.total_seconds())


def digest_tasks():
    return DBTaskResult.objects.filter(task_path=tasks.send_digest.module_path)


def test_a_ticket_event_writes_a_digest_and_a_task_due_when_its_window_closes(window, acme, bob, oscar, clock):
    ticket = make_ticket(acme, bob)

    digest = Digest.objects.get()
    assert digest.closes_at == digest.opened_at + WINDOW
    assert list(Notice.objects.values_list("category", flat=True)) == ["ticket_opened", "new_ticket"]
    [task] = digest_tasks()
    assert task.run_after == digest.closes_at and task.args_kwargs["args"] == [digest.pk]
    tickets.take(oscar, ticket)
    assert Digest.objects.count() == 1 and digest_tasks().count() == 1, "the open digest takes the notice"
    assert OutboundEmail.objects.count() == 0


def test_sign_in_codes_are_not_held_by_an_open_window(window, acme, bob, oscar, ticket, mailbox, clock):
    tickets.reply_as_operator(oscar, ticket, body="Risposta in arrivo")

    account_emails.send_login_code(bob, "123456")

    assert [mail.subject for mail in mailbox.to(bob.email)] == ["Il tuo codice di accesso: 123456"]
    clock.shift(WINDOW)
    assert len(mailbox.to(bob.email)) == 2


def test_a_digest_whose_task_was_lost_is_sent_by_the_sweep_once(window, acme, bob, oscar, ticket, mailbox, clock):
    tickets.reply_as_operator(oscar, ticket, body="Risposta persa?")
    digest_tasks().delete()  # as if the task had been lost
    assert tasks.send_overdue_digests.call() == 0, "the window is still open"

    clock.shift(WINDOW)
    assert tasks.send_overdue_digests.call() == 1
    assert tasks.send_overdue_digests.call() == 0

    assert [mail.subject for mail in mailbox.to(bob.email)] == [
        f"Nuova risposta sul ticket #{ticket.pk}: {ticket.title}"
    ]
    assert Digest.objects.get().sent_at is not None


def test_a_digest_tried_twice_writes_its_emails_once(window, acme, bob, oscar, ticket, mailbox, clock):
    tickets.reply_as_operator(oscar, ticket, body="Una volta sola")
    digest = Digest.objects.get()
    clock.shift(WINDOW)

    assert services.send_digest(digest.pk) == 1, "to Bob; Oscar answered, so he saw the new ticket"
    assert services.send_digest(digest.pk) is None
    tasks.send_digest.enqueue(digest.pk)
    run_ready_tasks()

    assert len(mailbox.to(bob.email)) == 1
    assert OutboundEmail.objects.count() == 1


def test_a_digest_whose_worker_died_while_writing_it_is_written_by_the_next_try(
    window, acme, bob, oscar, ticket, mailbox, clock, monkeypatch
):
    """The e-mails and the "sent" mark are one transaction: a worker that dies between
    them (here: an error while writing the e-mails) leaves the digest unsent."""
    tickets.reply_as_operator(oscar, ticket, body="Dopo il guasto")
    clock.shift(WINDOW)
    digest = Digest.objects.get()

    def dies(*args, **kwargs):
        OutboundEmail.objects.create(kind="partial", to="x@example.com", subject="s", body_text="", body_html="")
        raise SystemExit("the worker died")

    with monkeypatch.context() as patch:
        patch.setattr("sportello.tickets.emails.send_email", dies)
        with pytest.raises(SystemExit):
            services.send_digest(digest.pk)

    assert OutboundEmail.objects.count() == 0 and Digest.objects.unsent().exists()
    digest_tasks().delete()
    assert tasks.send_overdue_digests.call() == 1
    assert len(mailbox.to(bob.email)) == 1


def test_a_digest_of_a_ticket_deleted_meanwhile_goes_with_it(window, acme, bob, ticket, clock):
    ticket.delete()

    clock.shift(WINDOW)
    assert run_ready_tasks() >= 1
    assert not Digest.objects.exists() and OutboundEmail.objects.count() == 0


def test_the_operators_of_an_area_are_written_to_with_one_rendering_per_language(window, acme, bob, clock):
    for number in range(30):
        language = "en" if number % 3 == 0 else "it"
        operator = make_user(f"op{number}@vendor.example.com", is_operator=True, language=language)
        OperatorArea.objects.create(user=operator, area=Area.SYSTEMS)
    make_ticket(acme, bob, area=Area.SYSTEMS)
    clock.shift(WINDOW)
    rendered = []

    def count(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(count)
    try:
        services.send_digest(Digest.objects.get().pk)
    finally:
        template_rendered.disconnect(count)

    emails = OutboundEmail.objects.filter(kind="ticket_new_for_operators")
    assert emails.count() == 30
    assert set(emails.values_list("language", flat=True)) == {"it", "en"}
    assert rendered.count("emails/ticket_new_for_operators/body.html") == 2, "once per language"


def queries_to_send_a_new_ticket_to(operators: int, acme, bob) -> int:
    for number in range(operators):
        make_user(f"area{operators}-{number}@vendor.example.com", is_operator=True)
    make_ticket(acme, bob, area=Area.SYSTEMS)
    digest = Digest.objects.unsent().get()
    with CaptureQueriesContext(connection) as queries:
        services.send_digest(digest.pk)
    return len(queries)


def test_the_queries_to_write_a_digest_do_not_grow_with_the_operators_told(window, acme, bob, clock):
    few = queries_to_send_a_new_ticket_to(3, acme, bob)
    many = queries_to_send_a_new_ticket_to(40, acme, bob)

    assert OutboundEmail.objects.filter(kind="ticket_new_for_operators").count() == 3 + (3 + 40)
    assert few == many


def test_sent_digests_are_deleted_after_a_day_and_open_ones_never(window, acme, bob, oscar, ticket, clock):
    tickets.reply_as_operator(oscar, ticket, body="Vecchia")
    clock.shift(WINDOW)
    run_ready_tasks()
    tickets.reply_as_operator(oscar, ticket, body="Nuova")

    clock.shift(timedelta(days=1, seconds=1))
    assert services.prune_sent_digests() == 1
    assert Digest.objects.count() == 1 and Digest.objects.unsent().exists()
    assert list(Notice.objects.values_list("message__body", flat=True)) == ["Nuova"]


@pytest.mark.faults
def test_a_digest_waiting_when_its_worker_is_killed_is_sent_once_by_the_next_worker(
    worker_processes, settings, acme, bob, oscar
):
    """Real worker processes (a heartbeat of 1 s, a lease of 3 s): kill -9 the worker while
    the window is open; the worker started after it sends the e-mail once."""
    settings.NOTIFICATION_WINDOW_SECONDS = 3
    smtp = SMTPServer()
    smtp.start()
    try:
        doomed = worker_processes("digest-killed", "*", smtp.port)
        doomed.wait_until_beating()
        ticket = make_ticket(acme, bob, title="Durevole")
        tickets.reply_as_operator(oscar, ticket, body="Arriverà")
        doomed.kill()

        worker_processes("digest-next", "*", smtp.port)
        wait_for(lambda: not Digest.objects.unsent().exists(), timeout=30, message="the digest sent")
        wait_for(lambda: not OutboundEmail.objects.waiting().exists(), message="its e-mail delivered")

        [mail] = smtp.received
        assert mail.envelope_to == [bob.email], "Oscar, who answered, is not told of the new ticket"
        assert mail.subject == f"Nuova risposta sul ticket #{ticket.pk}: Durevole"
        assert "> Arriverà" in mail.text and "> Ricevo uno scarto" in mail.text, "the reply, then the receipt"
    finally:
        smtp.stop()
