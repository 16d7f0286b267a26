"""Who hears of what about a ticket (R12), and what each e-mail says."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client

from sportello.accounts.models import ContactAddress
from sportello.desk.models import OperatorArea
from sportello.testing.fixtures import make_ticket, make_user
from sportello.tickets import services
from sportello.tickets.models import Area, Status

pytestmark = pytest.mark.django_db


def test_a_new_ticket_is_told_to_the_customer_and_to_the_operators(bob, acme, oscar, mailbox):
    ticket = make_ticket(acme, bob, title="Stampa DDT", description="Non stampa il DDT 42")

    customer = mailbox.last(bob.email, f"#{ticket.pk}")
    assert customer.subject == f"Ticket #{ticket.pk} aperto: Stampa DDT"
    assert "> Non stampa il DDT 42" in customer.text
    assert f"{settings.SITE_URL}/tickets/{ticket.pk}/" in customer.links()
    operator = mailbox.last(oscar.email, "Nuovo ticket")
    assert "ACME S.r.l." in operator.text and f"{settings.SITE_URL}/desk/tickets/{ticket.pk}/" in operator.links()


def test_a_changed_email_gets_the_notifications_once_confirmed_and_the_account_always(bob, acme, mailbox):
    """R6's "both addresses", but the other one only after its reader agreed: the portal
    is not a relay of a ticket's text to any address typed in the form."""
    ticket = make_ticket(acme, bob, email="ufficio@acme.example.com")

    [confirmation] = mailbox.to("ufficio@acme.example.com")
    assert "Conferma" in confirmation.subject and ticket.title not in confirmation.text
    assert ticket.customer_addresses() == [bob.email]
    [link] = [link for link in confirmation.links() if "/addresses/confirm/" in link]
    client = Client()
    page = client.get(link.removeprefix(settings.SITE_URL))
    assert page.status_code == 200 and "ufficio@acme.example.com" in page.text
    client.post(link.removeprefix(settings.SITE_URL))

    assert ticket.customer_addresses() == ["ufficio@acme.example.com", bob.email]
    services.reply_as_operator(make_user("op@vendor.example.com", is_operator=True), ticket, body="Eccoci")
    assert mailbox.last("ufficio@acme.example.com", "Nuova risposta")


def test_a_confirmation_link_that_was_altered_or_is_too_old_confirms_nothing(bob, acme, mailbox, clock):
    make_ticket(acme, bob, email="ufficio@acme.example.com")
    [link] = [link for link in mailbox.last("ufficio@acme.example.com").links() if "/confirm/" in link]
    path = link.removeprefix(settings.SITE_URL)

    altered = Client().post(path.replace("/confirm/", "/confirm/x"))
    clock.shift(timedelta(days=settings.CONTACT_ADDRESS_CONFIRM_DAYS, seconds=1))
    expired = Client().post(path)

    assert altered.status_code == expired.status_code == 400
    assert not ContactAddress.objects.confirmed().exists()


def test_confirmations_are_sent_once_a_day_per_address_and_a_few_addresses_a_day(bob, acme, mailbox):
    for _ in range(3):
        make_ticket(acme, bob, email="ufficio@acme.example.com")
    for number in range(settings.CONTACT_CONFIRMATIONS_PER_DAY + 3):
        make_ticket(acme, bob, email=f"altro{number}@example.net")

    assert len(mailbox.to("ufficio@acme.example.com")) == 1
    others = [mail for mail in mailbox.all() if mail.envelope_to[0].startswith("altro")]
    assert len(others) == settings.CONTACT_CONFIRMATIONS_PER_DAY - 1


def test_the_quota_of_addresses_to_confirm_lasts_a_whole_day(bob, acme, mailbox, clock):
    for number in range(settings.CONTACT_CONFIRMATIONS_PER_DAY + 1):
        make_ticket(acme, bob, email=f"altro{number}@example.net")
    assert not mailbox.to(f"altro{settings.CONTACT_CONFIRMATIONS_PER_DAY}@example.net"), "the quota is full"

    clock.shift(timedelta(hours=23, minutes=30))
    make_ticket(acme, bob, email="ancora@example.net")
    assert not mailbox.to("ancora@example.net"), "the day has not ended: the quota still holds"

    clock.shift(timedelta(minutes=31))
    make_ticket(acme, bob, email="domani@example.net")
    assert mailbox.to("domani@example.net")


def test_an_unconfirmed_address_is_asked_again_once_its_day_is_over(bob, acme, mailbox, clock):
    make_ticket(acme, bob, email="ufficio@acme.example.com")
    clock.shift(timedelta(hours=23))
    make_ticket(acme, bob, email="ufficio@acme.example.com")
    assert len(mailbox.to("ufficio@acme.example.com")) == 1

    clock.shift(timedelta(hours=2))
    make_ticket(acme, bob, email="ufficio@acme.example.com")

    assert len(mailbox.to("ufficio@acme.example.com")) == 2


def test_operators_hear_of_unassigned_tickets_of_their_areas_then_only_the_assignee(bob, acme, oscar, mailbox):
    systems = make_user("sys@vendor.example.com", "Sara", "Sistemi", is_operator=True)
    OperatorArea.objects.create(user=systems, area=Area.SYSTEMS)
    admin_ops = make_user("adm@vendor.example.com", "Ada", "Amministrativa", is_operator=True)
    OperatorArea.objects.create(user=admin_ops, area=Area.ADMINISTRATIVE)

    ticket = make_ticket(acme, bob, area=Area.SYSTEMS)
    assert mailbox.to(systems.email) and mailbox.to(oscar.email), "oscar has no area: he serves all"
    assert not mailbox.to(admin_ops.email)

    services.take(systems, ticket)
    services.reply_as_customer(bob, ticket, body="Aggiornamento")
    replies = [m for m in mailbox.all() if "Risposta del cliente" in m.subject]
    assert [m.envelope_to for m in replies] == [[systems.email]]


def test_the_customer_hears_of_operator_replies_status_changes_and_closing(bob, acme, ticket, oscar, mailbox):
    services.reply_as_operator(oscar, ticket, body="Verifichiamo il registro.")
    assert "> Verifichiamo il registro." in mailbox.last(bob.email, "Nuova risposta").text
    assert "Stato del ticket: In attesa" in mailbox.last(bob.email, "Nuova risposta").text
    services.change_status(oscar, ticket, Status.IN_DEVELOPMENT)
    services.change_status(oscar, ticket, Status.CLOSED)

    subjects = [m.subject for m in mailbox.to(bob.email)]
    assert subjects[1:] == [
        f"Nuova risposta sul ticket #{ticket.pk}: {ticket.title}",
        f"Il ticket #{ticket.pk} ora è “In Sviluppo”: {ticket.title}",
        f"Ticket #{ticket.pk} chiuso: {ticket.title}",
    ]


def test_internal_notes_reach_no_email(bob, acme, ticket, oscar, mailbox):
    before = len(mailbox.all())
    services.reply_as_operator(oscar, ticket, body="NOTA-SEGRETA sul cliente", internal=True)

    assert len(mailbox.all()) == before
    services.reply_as_operator(oscar, ticket, body="Risposta pubblica")
    services.change_status(oscar, ticket, Status.CLOSED)
    for mail in mailbox.all():
        assert "NOTA-SEGRETA" not in mail.text and "NOTA-SEGRETA" not in mail.html
