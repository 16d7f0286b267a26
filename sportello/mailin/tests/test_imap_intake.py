"""Answering by e-mail through a real mailbox: Dovecot on loopback (IMAP), the periodic task
that polls it, the task that processes each message, and the notifications through a real
SMTP server. The replies come from .eml files shaped like Gmail's, Outlook's, Thunderbird's
and Apple Mail's, addressed with what the portal's own notification said (Reply-To,
Message-ID)."""

from datetime import timedelta

import pytest

from sportello.accounts.models import SecurityEvent
from sportello.mailin import services, tasks
from sportello.mailin.addresses import reply_address
from sportello.mailin.models import InboundEmail
from sportello.notifications.models import OutboundEmail
from sportello.testing.fixtures import make_ticket
from sportello.testing.tasks import run_ready_tasks
from sportello.tickets import services as tickets
from sportello.tickets.models import Area, Message, Priority, Status, Ticket

from .conftest import MEGABYTE, eml

pytestmark = pytest.mark.django_db


def notification_for(mailbox, person, ticket):
    """The last e-mail about `ticket` that reached `person` through the SMTP server."""
    return mailbox.last(person.email, f"#{ticket.pk}")


def answering(notification, person, ticket) -> dict:
    """The .eml placeholders of an answer to `notification`, as a mail client writes it."""
    return {
        "FROM": person.email,
        "REPLY_TO": notification.message["Reply-To"],
        "IN_REPLY_TO": notification.message["Message-ID"].strip("<>"),
        "TICKET": ticket.pk,
    }


def deliver(server, *messages: bytes) -> None:
    with server.mailbox() as box:
        for raw in messages:
            box.append(raw, "INBOX")


def poll_and_process() -> None:
    """What the workers do: the periodic poll, then the tasks it enqueued (processing, e-mails)."""
    tasks.poll_mailbox.call()
    run_ready_tasks()


def folder_sizes(server) -> dict[str, int]:
    with server.mailbox() as box:
        sizes = {}
        for folder in box.folder.list():
            box.folder.set(folder.name)
            sizes[folder.name] = len(box.uids())
        return sizes


def customer_replies(ticket) -> list[Message]:
    """The requester's replies, after the description that opened the ticket."""
    messages = ticket.messages.filter(kind=Message.Kind.REPLY, author=ticket.requester_id)
    return list(messages.order_by("created_at", "id"))[1:]


@pytest.fixture
def answered_ticket(acme, bob, oscar, mailbox):
    """A ticket of Bob's that Oscar answered: Bob holds the e-mail with his reply address."""
    ticket = make_ticket(acme, bob)
    tickets.reply_as_operator(oscar, ticket, body="Ci può mandare il file dell'esito ricevuto dallo SdI?")
    return ticket


def test_a_gmail_reply_lands_as_a_clean_message_with_its_attachment_and_the_operators_are_told(
    imap_server, mailbox, answered_ticket, bob, oscar
):
    notification = notification_for(mailbox, bob, answered_ticket)
    assert notification.message["Reply-To"] == reply_address(answered_ticket, bob)
    deliver(imap_server, eml("gmail_reply_it", **answering(notification, bob, answered_ticket)))

    poll_and_process()

    [reply] = customer_replies(answered_ticket)
    assert reply.author == bob and not reply.is_internal
    assert reply.body == (
        "Buongiorno,\nho riprovato stamattina: lo scarto della fattura F/1025 è ancora lì.\n"
        "Vi allego il PDF dell'esito che ci ha restituito lo SdI.\n\nGrazie,\nBob"
    )
    [attachment] = reply.attachments.all()
    assert (attachment.original_name, attachment.size) == ("esito_SdI_F1025.pdf", 3 * MEGABYTE)
    told = mailbox.last(oscar.email, f"#{answered_ticket.pk}")
    assert "> Grazie," in told.text and "Il giorno lun 3 mar" not in told.text
    assert told.message["Reply-To"] == reply_address(answered_ticket, oscar)
    assert folder_sizes(imap_server) == {"INBOX": 0, "Processed": 1}
    inbound = InboundEmail.objects.get()
    assert (inbound.status, inbound.outcome, inbound.ticket_message) == ("processed", "reply", reply)
    assert inbound.authentication == {"dkim": "pass", "spf": "pass", "dmarc": "pass"}


def test_an_outlook_reply_lands_with_its_inline_image_and_the_file_over_the_limit_is_named_and_told(
    imap_server, mailbox, answered_ticket, bob
):
    notification = notification_for(mailbox, bob, answered_ticket)
    deliver(imap_server, eml("outlook_reply_en", **answering(notification, bob, answered_ticket)))

    poll_and_process()

    [reply] = customer_replies(answered_ticket)
    assert reply.body.startswith("Hello,\n\nThe rejection is still there this morning.")
    assert "From:" not in reply.body and "Kind regards" not in reply.body
    assert "registro_IVA_2025-02.xlsx (5,0\xa0MB)" in reply.body  # the note, in Bob's language
    assert [a.original_name for a in reply.attachments.all()] == ["image001.png"]
    told = OutboundEmail.objects.get(kind="mailin_files_left_out", to=bob.email)
    assert "registro_IVA_2025-02.xlsx" in told.body_text
    assert "registro_IVA_2025-02.xlsx" in mailbox.last(bob.email, told.subject[:20]).text


def test_a_thunderbird_reply_in_italian_lands_clean(imap_server, mailbox, answered_ticket, bob):
    notification = notification_for(mailbox, bob, answered_ticket)
    deliver(imap_server, eml("thunderbird_reply_it", **answering(notification, bob, answered_ticket)))

    poll_and_process()

    [reply] = customer_replies(answered_ticket)
    assert reply.body.endswith("Per me potete chiudere il ticket.\n\nBob")
    assert "Via Roma" not in reply.body and "ha scritto" not in reply.body


def test_an_operator_answering_by_mail_replies_as_operator_and_the_customer_is_told(
    imap_server, mailbox, acme, bob, oscar
):
    ticket = make_ticket(acme, bob)
    notification = notification_for(mailbox, oscar, ticket)
    deliver(imap_server, eml("apple_mail_reply_en", **answering(notification, oscar, ticket)))

    poll_and_process()

    reply = ticket.messages.filter(author=oscar).get(kind=Message.Kind.REPLY)
    assert not reply.is_internal
    assert reply.body.startswith("Hi Bob,\nthe fix for the rejected invoices")
    assert "iPhone" not in reply.body
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.status) == (oscar, Status.WAITING)
    assert "the fix for the rejected invoices" in mailbox.last(bob.email, f"#{ticket.pk}").text


def test_the_same_mail_delivered_twice_makes_one_message(imap_server, mailbox, answered_ticket, bob):
    notification = notification_for(mailbox, bob, answered_ticket)
    raw = eml("thunderbird_reply_it", **answering(notification, bob, answered_ticket))
    deliver(imap_server, raw, raw)
    poll_and_process()
    deliver(imap_server, raw)  # again, after the first was processed
    poll_and_process()

    assert len(customer_replies(answered_ticket)) == 1
    assert InboundEmail.objects.count() == 1
    assert folder_sizes(imap_server) == {"INBOX": 0, "Processed": 3}


def test_a_forged_or_altered_reply_address_makes_nothing(imap_server, mailbox, answered_ticket, bob):
    values = answering(notification_for(mailbox, bob, answered_ticket), bob, answered_ticket)
    real = values["REPLY_TO"]
    other_ticket = real.replace(f"+{answered_ticket.pk}.", f"+{answered_ticket.pk + 1}.")
    local, _, domain = real.partition("@")
    other_signature = local[:-1] + ("a" if local[-1] != "a" else "b") + "@" + domain
    for forged in (other_ticket, other_signature, f"assistenza+{answered_ticket.pk}@sportello.example.com"):
        deliver(imap_server, eml("thunderbird_reply_it", **{**values, "REPLY_TO": forged}))
    sent = OutboundEmail.objects.count()

    poll_and_process()

    assert customer_replies(answered_ticket) == []
    assert OutboundEmail.objects.count() == sent
    assert set(InboundEmail.objects.values_list("status", "outcome")) == {("refused", "forged-reply-address")}
    events = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.MAIL_REFUSED, channel="mail")
    assert events.count() == 3 and {event.user for event in events} == {bob}


def test_a_mail_from_another_companys_person_makes_nothing(imap_server, mailbox, answered_ticket, bob, eve):
    values = answering(notification_for(mailbox, bob, answered_ticket), bob, answered_ticket)
    deliver(
        imap_server,
        eml("gmail_reply_it", **{**values, "FROM": eve.email}),  # Bob's address, Eve's From
        eml("gmail_reply_it", **{**values, "FROM": eve.email, "REPLY_TO": reply_address(answered_ticket, eve)}),
    )
    sent = OutboundEmail.objects.count()

    poll_and_process()

    assert customer_replies(answered_ticket) == []
    assert OutboundEmail.objects.count() == sent
    assert sorted(InboundEmail.objects.values_list("outcome", flat=True)) == ["not-member", "sender-mismatch"]
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.MAIL_REFUSED, user=eve).count() == 2


def test_an_auto_reply_and_a_bounce_make_nothing(imap_server, mailbox, answered_ticket, bob):
    values = answering(notification_for(mailbox, bob, answered_ticket), bob, answered_ticket)
    deliver(imap_server, eml("auto_reply_it", **values), eml("bounce", **values))
    sent = OutboundEmail.objects.count()

    poll_and_process()

    assert customer_replies(answered_ticket) == []
    assert OutboundEmail.objects.count() == sent
    assert sorted(InboundEmail.objects.values_list("status", "outcome")) == [
        ("ignored", "auto-reply"),
        ("ignored", "bounce"),
    ]


def test_a_new_request_by_mail_opens_a_ticket_with_the_defaults(imap_server, mailbox, acme, bob, oscar, settings):
    settings.INBOUND_DEFAULT_AREA = Area.SYSTEMS
    deliver(imap_server, eml("new_request_it", FROM=bob.email))

    poll_and_process()

    ticket = Ticket.objects.for_tenant(acme).get()
    assert (ticket.requester, ticket.title) == (bob, "Errore nella stampa del registro IVA")
    assert (ticket.priority, ticket.area, ticket.status) == (Priority.NORMAL, Area.SYSTEMS, Status.UNASSIGNED)
    assert ticket.description.endswith("Allego la schermata.") and "Cordiali saluti" not in ticket.description
    [first] = ticket.messages.all()
    assert [a.original_name for a in first.attachments.all()] == ["errore_registro.png"]
    assert mailbox.last(bob.email, f"#{ticket.pk}").message["Reply-To"] == reply_address(ticket, bob)
    assert mailbox.last(oscar.email, f"#{ticket.pk}")


def test_a_message_is_stored_first_and_nothing_is_lost_when_processing_fails(
    imap_server, mailbox, answered_ticket, bob, monkeypatch, clock
):
    deliver(
        imap_server,
        eml("thunderbird_reply_it", **answering(notification_for(mailbox, bob, answered_ticket), bob, answered_ticket)),
    )

    def broken(inbound):
        raise RuntimeError("a bug in the processing")

    with monkeypatch.context() as patch:
        patch.setattr(services, "_handle", broken)
        poll_and_process()

    inbound = InboundEmail.objects.get()
    assert (inbound.status, inbound.attempts) == ("received", 1)
    assert "a bug in the processing" in inbound.last_error
    assert folder_sizes(imap_server) == {"INBOX": 0, "Processed": 1}  # stored, so acknowledged
    assert customer_replies(answered_ticket) == []

    clock.shift(timedelta(minutes=2))
    tasks.sweep_inbound_emails.call()
    run_ready_tasks()

    inbound.refresh_from_db()
    assert (inbound.status, inbound.outcome) == ("processed", "reply")
    assert len(customer_replies(answered_ticket)) == 1


@pytest.mark.parametrize(("action", "expected"), [("delete", {"INBOX": 0}), ("seen", {"INBOX": 1})])
def test_processed_mail_is_deleted_or_marked_read_as_configured(
    imap_server, mailbox, answered_ticket, bob, settings, action, expected
):
    settings.INBOUND_IMAP_PROCESSED = action
    deliver(
        imap_server,
        eml("thunderbird_reply_it", **answering(notification_for(mailbox, bob, answered_ticket), bob, answered_ticket)),
    )

    poll_and_process()
    poll_and_process()  # a read message is not taken again

    assert folder_sizes(imap_server) == expected
    assert len(customer_replies(answered_ticket)) == 1
    assert InboundEmail.objects.count() == 1


def test_a_message_over_the_size_limit_is_kept_as_headers_and_its_sender_told(
    imap_server, mailbox, answered_ticket, bob, settings
):
    settings.INBOUND_MAX_BYTES = 1 * MEGABYTE
    deliver(
        imap_server,
        eml("gmail_reply_it", **answering(notification_for(mailbox, bob, answered_ticket), bob, answered_ticket)),
    )

    poll_and_process()

    inbound = InboundEmail.objects.get()
    assert inbound.is_truncated and len(inbound.raw) < 10_000 and inbound.size > 4 * MEGABYTE
    assert (inbound.status, inbound.outcome) == ("refused", "too-large")
    assert customer_replies(answered_ticket) == []
    told = OutboundEmail.objects.get(kind="mailin_refused", to=bob.email)
    assert "1 MB" in told.body_text
    assert folder_sizes(imap_server) == {"INBOX": 0, "Processed": 1}
