"""The notifications a reply by mail answers: each recipient's own reply address as
Reply-To, a footer that invites the answer, and the header that keeps auto-responders
quiet (RFC 3834)."""

import pytest
from django.utils import timezone

from sportello.accounts.models import ContactAddress
from sportello.mailin.addresses import reply_address
from sportello.notifications.models import OutboundEmail
from sportello.testing.fixtures import make_ticket
from sportello.tickets import services as tickets

pytestmark = pytest.mark.django_db

DO_NOT_REPLY = "non rispondere"
PLEASE_REPLY = "Puoi rispondere a questa e-mail"


def test_each_recipient_of_a_ticket_email_gets_a_reply_address_of_their_own(acme, alice, bob, oscar, mailbox):
    ticket = make_ticket(acme, bob)
    tickets.reply_as_customer(bob, ticket, body="La persona di riferimento è Alice.", contact_person=alice)

    tickets.reply_as_operator(oscar, ticket, body="Ricevuto, grazie.")

    for person in (bob, alice):
        email = mailbox.last(person.email, "Nuova risposta")
        assert email.message["Reply-To"] == reply_address(ticket, person)
        assert email.message["Auto-Submitted"] == "auto-generated"
        assert PLEASE_REPLY in email.text and DO_NOT_REPLY not in email.text
        assert PLEASE_REPLY in email.html
    assert reply_address(ticket, bob) != reply_address(ticket, alice)
    stored = OutboundEmail.objects.get(kind="ticket_operator_reply", to=alice.email)
    assert stored.reply_to == reply_address(ticket, alice)


def test_each_operator_told_of_a_customer_reply_gets_a_reply_address_of_their_own(acme, bob, oscar, victor, mailbox):
    ticket = make_ticket(acme, bob)

    for operator in (oscar, victor):
        email = mailbox.last(operator.email, f"#{ticket.pk}")
        assert email.message["Reply-To"] == reply_address(ticket, operator)


def test_the_ticket_s_confirmed_other_address_answers_as_the_requester(acme, bob, mailbox):
    ContactAddress.objects.create(user=bob, email="ufficio@acme.example.com", confirmed_at=timezone.now())
    ticket = make_ticket(acme, bob, email="ufficio@acme.example.com")

    email = mailbox.last("ufficio@acme.example.com", f"#{ticket.pk}")
    assert email.message["Reply-To"] == reply_address(ticket, bob)


def test_without_a_support_address_there_is_no_reply_to_and_the_footer_says_not_to_reply(acme, bob, mailbox, settings):
    settings.INBOUND_EMAIL_ADDRESS = ""

    ticket = make_ticket(acme, bob)

    email = mailbox.last(bob.email, f"#{ticket.pk}")
    assert email.message["Reply-To"] is None
    assert DO_NOT_REPLY in email.text and PLEASE_REPLY not in email.text
    assert OutboundEmail.objects.get(kind="ticket_opened").reply_to == ""
