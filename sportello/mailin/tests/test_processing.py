"""What a stored message may do: the tickets' rules hold by mail as on the pages, and
whoever is not the person the reply address was made for gets nothing done."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sportello.accounts.models import ContactAddress, SecurityEvent
from sportello.mailin import services
from sportello.mailin.addresses import reply_address
from sportello.mailin.models import InboundEmail
from sportello.notifications.models import OutboundEmail
from sportello.tenants.models import Membership, Role
from sportello.testing.fixtures import make_ticket
from sportello.testing.tasks import run_ready_tasks
from sportello.tickets import services as tickets
from sportello.tickets.models import Message, Status, Ticket

from .conftest import SUPPORT, eml

pytestmark = pytest.mark.django_db


def arrive(raw: bytes) -> InboundEmail:
    """A message stored as the intake stores it, then processed by the worker's tasks."""
    inbound = services.receive(raw, source=InboundEmail.Source.IMAP)
    run_ready_tasks()
    inbound.refresh_from_db()
    return inbound


def reply_from(person, ticket, fixture="thunderbird_reply_it", **values) -> bytes:
    return eml(fixture, FROM=person.email, REPLY_TO=reply_address(ticket, person), TICKET=ticket.pk, **values)


def replies_by(person, ticket) -> int:
    return ticket.messages.filter(kind=Message.Kind.REPLY, author=person).count()


@pytest.fixture
def ticket(acme, bob, mailbox):
    return make_ticket(acme, bob)


def test_a_reply_by_mail_reopens_a_ticket_closed_within_the_days(ticket, bob, oscar, clock):
    tickets.change_status(oscar, ticket, Status.CLOSED)
    clock.shift(timedelta(days=settings.TICKET_REOPEN_DAYS - 1))

    inbound = arrive(reply_from(bob, ticket))

    ticket.refresh_from_db()
    assert (inbound.outcome, ticket.status) == ("reply", Status.UNASSIGNED)
    assert replies_by(bob, ticket) == 2


def test_a_reply_after_the_reopening_period_is_refused_and_its_sender_told_why(ticket, bob, oscar, clock, mailbox):
    tickets.change_status(oscar, ticket, Status.CLOSED)
    clock.shift(timedelta(days=settings.TICKET_REOPEN_DAYS + 1))

    inbound = arrive(reply_from(bob, ticket))

    ticket.refresh_from_db()
    assert (inbound.status, inbound.outcome, ticket.status) == ("refused", "rule:reopen-period-over", Status.CLOSED)
    assert replies_by(bob, ticket) == 1
    told = OutboundEmail.objects.get(kind="mailin_refused", to=bob.email)
    assert f"#{ticket.pk}" in told.body_text and str(settings.TICKET_REOPEN_DAYS) in told.body_text
    assert told.language == "it" and not told.reply_to
    assert mailbox.last(bob.email, told.subject[:15]).message["Auto-Submitted"] == "auto-generated"


def test_a_reply_that_lost_its_reply_address_is_recognised_by_the_email_it_answers(ticket, bob, mailbox):
    notification = mailbox.last(bob.email, f"#{ticket.pk}")

    inbound = arrive(
        eml(
            "gmail_reply_it",
            FROM=bob.email,
            REPLY_TO=SUPPORT,
            TICKET=ticket.pk,
            IN_REPLY_TO=notification.message["Message-ID"].strip("<>"),
        )
    )

    assert (inbound.outcome, inbound.ticket) == ("reply", ticket)
    assert replies_by(bob, ticket) == 2


def test_answering_someone_elses_email_by_its_message_id_makes_nothing(ticket, bob, eve, mailbox):
    notification = mailbox.last(bob.email, f"#{ticket.pk}")
    raw = eml(
        "gmail_reply_it",
        FROM=eve.email,
        REPLY_TO=SUPPORT,
        TICKET=ticket.pk,
        IN_REPLY_TO=notification.message["Message-ID"].strip("<>"),
    )

    inbound = arrive(raw)

    assert (inbound.status, inbound.outcome) == ("refused", "sender-mismatch")
    assert not ticket.messages.filter(author=eve).exists()


def test_a_reply_failing_dmarc_is_refused_and_logged(ticket, bob):
    inbound = arrive(reply_from(bob, ticket, DMARC="fail"))

    assert (inbound.status, inbound.outcome) == ("refused", "dmarc-fail")
    assert inbound.authentication["dmarc"] == "fail"
    assert replies_by(bob, ticket) == 1
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.MAIL_REFUSED, user=bob, detail="dmarc-fail").exists()


def test_verdicts_of_a_server_that_is_not_trusted_are_not_believed(ticket, bob):
    inbound = arrive(reply_from(bob, ticket, AUTHSERV_ID="mx.attacker.example.net", DMARC="fail"))

    assert (inbound.outcome, inbound.authentication) == ("reply", {})


def test_each_sender_may_send_only_so_many_mails_an_hour(ticket, bob, settings):
    settings.INBOUND_PER_SENDER_PER_HOUR = 2

    outcomes = [arrive(reply_from(bob, ticket)).outcome for _ in range(3)]

    assert outcomes == ["reply", "reply", "rate-limited"]
    assert replies_by(bob, ticket) == 3


def test_the_portals_own_quotas_hold_by_mail(ticket, bob, settings):
    settings.REPLIES_PER_PERSON_PER_HOUR = 1

    outcomes = [arrive(reply_from(bob, ticket)).outcome for _ in range(2)]

    assert outcomes == ["reply", "rule:quota-reached"]
    assert OutboundEmail.objects.filter(kind="mailin_refused", to=bob.email).count() == 1


def test_a_customer_who_left_the_company_cannot_answer_by_mail(ticket, bob, acme):
    Membership.objects.filter(tenant=acme, user=bob).delete()

    inbound = arrive(reply_from(bob, ticket))

    assert (inbound.status, inbound.outcome) == ("refused", "not-member")
    assert replies_by(bob, ticket) == 1


def test_a_reply_from_the_requesters_confirmed_other_address_is_theirs(ticket, bob):
    ContactAddress.objects.create(user=bob, email="ufficio@acme.example.com", confirmed_at=timezone.now())
    raw = eml(
        "thunderbird_reply_it", FROM="ufficio@acme.example.com", REPLY_TO=reply_address(ticket, bob), TICKET=ticket.pk
    )

    assert arrive(raw).outcome == "reply"
    assert replies_by(bob, ticket) == 2


def test_an_unconfirmed_other_address_is_not_the_requesters(ticket, bob):
    ContactAddress.objects.create(user=bob, email="ufficio@acme.example.com")
    raw = eml(
        "thunderbird_reply_it", FROM="ufficio@acme.example.com", REPLY_TO=reply_address(ticket, bob), TICKET=ticket.pk
    )

    assert arrive(raw).outcome == "sender-mismatch"


def test_processing_a_message_twice_makes_one_message(ticket, bob):
    inbound = arrive(reply_from(bob, ticket))
    assert services.process(inbound.pk) == ""  # done already

    # Even started afresh (a worker that died after its services committed), the
    # services' idempotency key, the Message-ID, gives back the first reply.
    InboundEmail.objects.filter(pk=inbound.pk).update(status=InboundEmail.Status.RECEIVED)
    assert services.process(inbound.pk) == "reply"

    assert replies_by(bob, ticket) == 2
    assert InboundEmail.objects.get(pk=inbound.pk).ticket_message == ticket.messages.filter(author=bob).last()


def test_lists_and_our_own_mail_coming_back_are_ignored(ticket, bob):
    def with_header(line: bytes) -> bytes:
        return reply_from(bob, ticket).replace(b"\r\nUser-Agent:", b"\r\n" + line + b"\r\nUser-Agent:")

    listed = with_header(b"List-Id: <clienti.acme.example.com>")
    ours = with_header(b"X-Sportello-Email: 7d7ae9c4-5b0e-4c43-a3a4-5a8f1d1f4c52")
    bulk = with_header(b"Precedence: bulk")

    assert [arrive(message).outcome for message in (listed, ours, bulk)] == ["list", "own-mail", "list"]
    assert replies_by(bob, ticket) == 1


def test_a_new_request_from_a_person_of_several_companies_gets_the_link_to_the_form(bob, globex, mailbox):
    Membership.objects.create(tenant=globex, user=bob, role=Role.TECHNICIAN)

    inbound = arrive(eml("new_request_it", FROM=bob.email))

    assert inbound.outcome == "several-companies"
    assert not Ticket.objects.exists()
    answer = mailbox.last(bob.email, "Errore nella stampa")
    assert f"{settings.SITE_URL}/tickets/new/" in answer.links()


def test_a_new_request_from_an_unknown_sender_gets_nothing_back_but_a_security_log_entry(db, mailbox):
    inbound = arrive(eml("new_request_it", FROM="stranger@example.org"))

    assert (inbound.status, inbound.outcome) == ("refused", "unknown-sender")
    assert not Ticket.objects.exists() and not OutboundEmail.objects.exists()
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.MAIL_REFUSED)
    assert (event.email, event.channel, event.user) == ("stranger@example.org", "mail", None)


def test_an_operator_writing_to_the_support_address_opens_nothing(oscar, mailbox):
    assert arrive(eml("new_request_it", FROM=oscar.email)).outcome == "no-company"
    assert not Ticket.objects.exists()


def test_the_sweep_sends_a_task_for_a_message_whose_task_was_lost(ticket, bob, clock):
    inbound = services.receive(reply_from(bob, ticket), source=InboundEmail.Source.IMAP)
    DBTaskResult.objects.filter(task_path__endswith="process_inbound_email").delete()
    assert services.sweep() == 0  # its task may still be on its way
    clock.shift(services.TASK_GRACE + timedelta(seconds=1))

    assert services.sweep() == 1
    run_ready_tasks()

    inbound.refresh_from_db()
    assert inbound.outcome == "reply"


def test_old_messages_are_deleted_after_their_retention_but_never_one_still_waiting(ticket, bob, clock, settings):
    processed = arrive(reply_from(bob, ticket))
    waiting = services.receive(reply_from(bob, ticket), source=InboundEmail.Source.IMAP)
    clock.shift(timedelta(days=settings.INBOUND_RETENTION_DAYS + 1))

    assert services.prune_old_messages() == 1
    assert list(InboundEmail.objects.values_list("pk", flat=True)) == [waiting.pk]
    assert processed.pk != waiting.pk


def test_the_admin_lists_incoming_mail_and_processes_a_failed_one_again(ticket, bob, client, victor):
    inbound = services.receive(reply_from(bob, ticket), source=InboundEmail.Source.IMAP)
    InboundEmail.objects.filter(pk=inbound.pk).update(status=InboundEmail.Status.FAILED, attempts=8)
    victor.is_superuser = True
    victor.save()
    client.force_login(victor)

    assert client.get("/admin/mailin/inboundemail/").status_code == 200
    assert client.get(f"/admin/mailin/inboundemail/{inbound.pk}/change/").status_code == 200
    client.post(
        "/admin/mailin/inboundemail/", {"action": "process_again", "_selected_action": [inbound.pk]}, follow=True
    )
    run_ready_tasks()

    inbound.refresh_from_db()
    assert (inbound.status, inbound.outcome) == ("processed", "reply")
