"""The portal is not a mail relay: quotas on what a customer and a company may send
(issue 14, item 6), with a clear message when one is reached."""

from datetime import timedelta

import pytest
from django.test import Client

from sportello.testing.fixtures import make_ticket, sign_in
from sportello.tickets.models import Message, Ticket
from sportello.tickets.tests.test_new_ticket import ticket_data

pytestmark = [pytest.mark.django_db, pytest.mark.faults]


def test_a_person_opens_at_most_the_hourly_quota_of_tickets(bob, acme, settings, clock):

    settings.TICKETS_PER_PERSON_PER_HOUR = limit = 3
    client = sign_in(Client(), bob, acme)
    answers = [client.post("/tickets/new/", ticket_data(title=f"Domanda {n}")).status_code for n in range(limit + 2)]

    assert answers == [302] * limit + [400, 400]
    assert Ticket.objects.count() == limit
    refused = client.post("/tickets/new/", ticket_data(title="Ancora una"))
    assert "il massimo che il portale accetta" in refused.text
    assert 'value="Ancora una"' in refused.text, "what was typed is kept"
    clock.shift(timedelta(hours=1))
    assert client.post("/tickets/new/", ticket_data(title="Dopo un'ora")).status_code == 302


def test_the_wait_is_told_in_whole_minutes_rounded_up(bob, acme, settings, clock):
    settings.TICKETS_PER_PERSON_PER_HOUR = 1
    client = sign_in(Client(), bob, acme)
    client.post("/tickets/new/", ticket_data(title="Domanda"))
    clock.shift(timedelta(seconds=30))  # 59 minutes 30 seconds left

    refused = client.post("/tickets/new/", ticket_data(title="Ancora una"))

    assert refused.status_code == 400 and "60 minuti" in refused.text


def test_a_company_has_a_quota_of_its_own_across_its_people(bob, alice, acme, globex, eve, settings):
    settings.TICKETS_PER_COMPANY_PER_HOUR = 2
    for person in (bob, alice):
        sign_in(Client(), person, acme).post("/tickets/new/", ticket_data())
    refused = sign_in(Client(), alice, acme).post("/tickets/new/", ticket_data(title="Oltre la quota"))
    allowed = sign_in(Client(), eve, globex).post("/tickets/new/", ticket_data(title="Altra azienda"))

    assert refused.status_code == 400 and not Ticket.objects.filter(title="Oltre la quota").exists()
    assert allowed.status_code == 302


def test_replies_have_an_hourly_quota_per_person(bob, acme, settings):
    settings.REPLIES_PER_PERSON_PER_HOUR = 2
    ticket = make_ticket(acme, bob)
    client = sign_in(Client(), bob, acme)
    for number in range(2):
        assert client.post(f"/tickets/{ticket.pk}/reply/", {"body": f"Risposta {number}"}).status_code == 302

    response = client.post(f"/tickets/{ticket.pk}/reply/", {"body": "Oltre la quota"})

    assert response.status_code == 400
    assert "Oltre la quota" in response.text
    assert not Message.objects.filter(body="Oltre la quota").exists()


def test_a_companys_invitations_have_a_daily_quota(alice, acme, settings, clock):
    settings.INVITATIONS_PER_COMPANY_PER_DAY = 2
    for number in range(2):
        sign_in(Client(), alice, acme).post(
            "/tenant/invitations/new/", {"email": f"nuovo{number}@acme.example.com", "role": "technician"}
        )

    clock.shift(timedelta(minutes=59, seconds=59))
    response = sign_in(Client(), alice, acme).post(
        "/tenant/invitations/new/", {"email": "uno.in.piu@acme.example.com", "role": "technician"}
    )

    assert response.status_code == 400
    assert "inviato oggi 2 inviti" in response.text
    # The day's window opened with the first invitation: 23 hours and a second to go, said
    # in whole hours, rounded up.
    assert "riprova tra 24 ore" in response.text
    clock.shift(timedelta(seconds=2))  # now a second short of 23 hours
    response = sign_in(Client(), alice, acme).post(
        "/tenant/invitations/new/", {"email": "uno.in.piu@acme.example.com", "role": "technician"}
    )
    assert "riprova tra 23 ore" in response.text
