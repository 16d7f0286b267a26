"""The same form submitted twice does it once (issue 14, item 3).

Each form that creates or changes something carries a one-time key; posting it twice
(a second click on a slow connection, a replay) answers like the first and leaves one
row and one set of e-mails. Posting it again with another key is a new request, which
shows that the tests below can tell one from two.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.db.models.signals import pre_save
from django.test import Client

from sportello.accounts.models import User
from sportello.idempotency.models import IdempotencyKey
from sportello.idempotency.services import KeyReused, claim
from sportello.notifications.models import Notice, OutboundEmail
from sportello.tenants.models import Invitation, Role, Tenant
from sportello.testing.fixtures import make_ticket, sign_in
from sportello.tickets.models import Message, Priority, Ticket
from sportello.tickets.tests.test_new_ticket import ticket_data

pytestmark = [pytest.mark.django_db, pytest.mark.faults]


def twice(client, url, data, key="k-" + "1" * 30):
    first = client.post(url, {**data, "submission_key": key})
    second = client.post(url, {**data, "submission_key": key})
    return first, second


def outgoing() -> int:
    """E-mails written plus the tickets' notices gathered for the e-mails to come."""
    return OutboundEmail.objects.count() + Notice.objects.count()


def test_a_new_ticket_posted_twice_opens_one_ticket_and_sends_its_emails_once(bob, acme):
    client = sign_in(Client(), bob, acme)

    first, second = twice(client, "/tickets/new/", ticket_data())

    assert first.status_code == second.status_code == 302
    assert first.url == second.url == f"/tickets/{Ticket.objects.get().pk}/"
    assert Notice.objects.filter(category="ticket_opened").count() == 1
    client.post("/tickets/new/", {**ticket_data(), "submission_key": "another-key"})
    assert Ticket.objects.count() == 2


@pytest.mark.parametrize("close", [False, True])
def test_a_reply_posted_twice_is_saved_and_sent_once(bob, acme, clock, close):
    clock.shift(-timedelta(minutes=10))
    ticket, control = make_ticket(acme, bob), make_ticket(acme, bob)
    clock.shift(timedelta(minutes=10))
    client = sign_in(Client(), bob, acme)
    data = {"body": "Any news?", "priority": Priority.HIGH, **({"close": "on"} if close else {})}

    before = outgoing()
    first, second = twice(client, f"/tickets/{ticket.pk}/reply/", data)
    sent_for_two_posts = outgoing() - before
    before = outgoing()
    client.post(f"/tickets/{control.pk}/reply/", {**data, "submission_key": "control"})
    sent_for_one_post = outgoing() - before

    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert Message.objects.filter(ticket=ticket, kind=Message.Kind.REPLY, body="Any news?").count() == 1
    events = Message.objects.filter(ticket=ticket, kind=Message.Kind.EVENT)
    assert events.filter(event=Message.Event.PRIORITY).count() == 1
    assert events.filter(event=Message.Event.STATUS).count() == (1 if close else 0)
    assert sent_for_two_posts == sent_for_one_post > 0


def test_an_operators_reply_and_note_posted_twice_are_saved_and_sent_once(oscar, ticket):
    client = sign_in(Client(), oscar)
    for internal in (False, True):
        emails_before = outgoing()
        data = {"body": f"Answer, internal={internal}", **({"internal": "on"} if internal else {})}

        first, second = twice(client, f"/desk/tickets/{ticket.pk}/reply/", data, key=f"key-{internal}")

        assert first.status_code == second.status_code == 302
        assert Message.objects.filter(body=data["body"]).count() == 1
        sent = outgoing() - emails_before
        assert sent == (0 if internal else 1)


def test_take_assign_and_status_posted_twice_record_one_event_each(oscar, victor, ticket):
    client = sign_in(Client(), oscar)

    twice(client, f"/desk/tickets/{ticket.pk}/take/", {}, key="take")
    twice(client, f"/desk/tickets/{ticket.pk}/status/", {"status": "postponed"}, key="status")
    twice(client, f"/desk/tickets/{ticket.pk}/assign/", {"operator": victor.pk}, key="assign")

    events = Message.objects.filter(ticket=ticket, kind=Message.Kind.EVENT)
    assert list(events.order_by("id").values_list("event", "new_value")) == [
        ("assignee", "Oscar Orlando"),
        ("status", "waiting"),
        ("status", "postponed"),
        ("assignee", "Victor Valli"),
    ]
    # The status change of the take and of "postponed", Victor's assignment: each told once.
    told = list(Notice.objects.values_list("category", flat=True)[2:])
    assert told == ["status_changed", "status_changed", "assigned"]


def test_an_invitation_posted_twice_invites_once_and_sent_again_twice_sends_once(alice, acme):
    client = sign_in(Client(), alice, acme)
    data = {"email": "newcomer@acme.example.com", "role": Role.TECHNICIAN}

    first, second = twice(client, "/tenant/invitations/new/", data, key="invite")

    assert first.status_code == second.status_code == 302
    assert Invitation.objects.filter(email="newcomer@acme.example.com").count() == 1
    sent = OutboundEmail.objects.filter(to="newcomer@acme.example.com").count()
    assert sent == 2  # the manual's two e-mails: temporary credentials and the invitation
    invitation = Invitation.objects.get(email="newcomer@acme.example.com")
    twice(client, f"/tenant/invitations/{invitation.public_id}/resend/", {}, key="resend")
    assert OutboundEmail.objects.filter(to="newcomer@acme.example.com").count() == sent + 2


def test_onboarding_and_operator_invitations_posted_twice_create_once(victor):
    client = sign_in(Client(), victor)

    twice(client, "/desk/companies/new/", {"name": "Initech S.r.l.", "vat_number": "IT01234560124",
                                           "admin_email": "boss@initech.example.com"}, key="company")  # fmt: skip
    twice(client, "/desk/operators/", {"email": "new-operator@vendor.example.com", "areas": ["systems"]}, key="op")

    assert Tenant.objects.filter(name="Initech S.r.l.").count() == 1
    assert Invitation.objects.filter(email="boss@initech.example.com").count() == 1
    assert User.objects.filter(email="new-operator@vendor.example.com").count() == 1
    assert OutboundEmail.objects.filter(to="new-operator@vendor.example.com").count() == 1


def test_every_form_that_changes_a_ticket_or_a_company_carries_a_key(alice, bob, acme, oscar, victor, ticket):
    pages = [
        (sign_in(Client(), bob, acme), "/tickets/new/", 1),
        (sign_in(Client(), bob, acme), f"/tickets/{ticket.pk}/", 1),
        (sign_in(Client(), alice, acme), "/tenant/invitations/", 1),
        (sign_in(Client(), oscar), f"/desk/tickets/{ticket.pk}/", 4),
        (sign_in(Client(), victor), "/desk/companies/new/", 1),
        (sign_in(Client(), victor), "/desk/operators/", 1),
    ]
    for client, url, forms in pages:
        assert client.get(url).text.count('name="submission_key"') >= forms, url


def test_a_key_used_for_another_action_is_refused(bob, acme):
    claim(bob, "same-key", "tickets.open")
    with pytest.raises(KeyReused):
        claim(bob, "same-key", "tickets.reply")


def test_keys_are_per_person(bob, alice, acme):
    for person in (bob, alice):
        sign_in(Client(), person, acme).post("/tickets/new/", {**ticket_data(), "submission_key": "shared"})

    assert Ticket.objects.count() == 2
    assert IdempotencyKey.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_submissions_in_flight_at_once_open_one_ticket(acme, bob):
    """The second request waits on the key's unique index while the first is still in its
    transaction, then answers with the first's ticket."""
    results = {}
    second_started = threading.Event()

    def post(name):
        try:
            client = sign_in(Client(), bob, acme)
            if name == "second":
                second_started.set()
            results[name] = client.post("/tickets/new/", {**ticket_data(), "submission_key": "in-flight"})
        finally:
            connections.close_all()

    def hold_the_first_transaction(sender, instance, **kwargs):
        # Runs inside the first request's transaction, after its key is claimed: start the
        # second request and wait until PostgreSQL shows it waiting for that key's lock.
        if threading.current_thread().name != "first":
            return
        second = threading.Thread(target=post, args=("second",), name="second")
        second.start()
        second_started.wait(10)
        _wait_until_a_backend_waits_for_a_lock()
        results["second_thread"] = second

    pre_save.connect(hold_the_first_transaction, sender=Ticket, weak=False)
    try:
        first = threading.Thread(target=post, args=("first",), name="first")
        first.start()
        first.join(30)
        results["second_thread"].join(30)
    finally:
        pre_save.disconnect(hold_the_first_transaction, sender=Ticket)

    assert Ticket.objects.count() == 1
    ticket = Ticket.objects.get()
    assert results["first"].url == results["second"].url == f"/tickets/{ticket.pk}/"
    assert Notice.objects.filter(category="ticket_opened").count() == 1


def _wait_until_a_backend_waits_for_a_lock(attempts: int = 500) -> None:
    with connection.cursor() as cursor:
        for _ in range(attempts):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            threading.Event().wait(0.01)
    raise AssertionError("the second request never waited for the first one's key")
