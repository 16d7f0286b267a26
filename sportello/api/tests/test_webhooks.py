"""Webhooks: Standard Webhooks deliveries through the task queue to a real receiver on
loopback, retried, disabled after the last failure, and never to a private address
unless allowed (SSRF)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tasks_db.models import DBTaskResult

from sportello.api import services, webhooks
from sportello.api.models import Event, WebhookDelivery, WebhookEndpoint
from sportello.api.targets import TargetRefused
from sportello.lib.audit import COMMAND_LINE
from sportello.testing.fixtures import make_ticket, sign_in
from sportello.testing.tasks import run_ready_tasks
from sportello.testing.webhooks import WebhookReceiver
from sportello.tickets import services as tickets

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(alice, acme, webhook_receiver):
    registered = services.register_endpoint(
        alice, acme, url=webhook_receiver.url, events=Event.values, audit=COMMAND_LINE
    )
    webhook_receiver.secret = registered.secret
    return registered


def run_webhook_tasks() -> int:
    return run_ready_tasks(queues=("default",))


def test_a_new_ticket_reaches_the_receiver_signed_as_standard_webhooks_say(endpoint, webhook_receiver, acme, bob):
    ticket = make_ticket(acme, bob, title="Stampa DDT")
    run_webhook_tasks()

    [received] = webhook_receiver.received
    assert received.verified
    assert received.path == "/hooks/sportello"
    assert received.headers["webhook-id"] == WebhookDelivery.objects.get().webhook_id
    assert received.payload["type"] == "ticket.created"
    assert received.payload["data"]["ticket"]["number"] == ticket.pk
    assert received.payload["data"]["ticket"]["url"] == f"{settings.SITE_URL}/tickets/{ticket.pk}/"
    assert received.payload["data"]["message"]["body"] == ticket.description
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED and delivery.last_status_code == 200


def test_the_delivery_is_written_and_enqueued_in_the_transaction_of_the_change(endpoint, acme, bob):
    make_ticket(acme, bob)

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert DBTaskResult.objects.filter(id=delivery.task_id).exists()


def test_each_event_of_a_ticket_is_told(endpoint, webhook_receiver, acme, bob, oscar, clock):
    ticket = make_ticket(acme, bob)
    tickets.reply_as_operator(oscar, ticket, body="Ecco la risposta")
    tickets.change_status(oscar, ticket, "postponed")
    clock.shift(timedelta(minutes=settings.TICKET_CLOSE_AFTER_MINUTES + 1))
    tickets.reply_as_customer(bob, ticket, body="Grazie, risolto", close=True)
    run_webhook_tasks()

    events = [(r.payload["type"], r.payload["data"].get("old_status")) for r in webhook_receiver.received]
    assert events == [
        ("ticket.created", None),
        ("ticket.replied", None),
        ("ticket.status_changed", "unassigned"),
        ("ticket.status_changed", "waiting"),
        ("ticket.replied", None),
        ("ticket.closed", "postponed"),
    ]
    assert all(received.verified for received in webhook_receiver.received)


def test_an_internal_note_never_reaches_a_webhook(endpoint, webhook_receiver, ticket, oscar):
    run_webhook_tasks()
    webhook_receiver.received.clear()

    tickets.reply_as_operator(oscar, ticket, body="Solo per noi: il cliente non paga", internal=True)
    run_webhook_tasks()

    assert webhook_receiver.received == []
    assert not WebhookDelivery.objects.filter(payload__contains="non paga").exists()


def test_a_company_endpoint_hears_only_of_its_company_and_the_vendors_of_all(
    endpoint, webhook_receiver, acme, globex, bob, eve, victor
):
    vendor = services.register_endpoint(
        victor, None, url=webhook_receiver.url + "/vendor", events=[Event.TICKET_CREATED], audit=COMMAND_LINE
    )
    make_ticket(globex, eve, title="Globex secret")

    assert not WebhookDelivery.objects.filter(endpoint=endpoint).exists()
    assert WebhookDelivery.objects.filter(endpoint=vendor).count() == 1


def test_a_failed_delivery_is_tried_again_after_a_500_and_after_the_receiver_was_down(
    endpoint, webhook_receiver, ticket, clock
):
    webhook_receiver.answers = [500]
    run_webhook_tasks()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert delivery.last_response == "receiver broke"

    webhook_receiver.stop()
    clock.shift(webhooks.RETRY_DELAYS[0])
    run_webhook_tasks()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 2, None)
    assert "Connection refused" in delivery.last_error or "NewConnectionError" in delivery.last_error

    webhook_receiver.start()
    clock.shift(webhooks.RETRY_DELAYS[1])
    run_webhook_tasks()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("succeeded", 3)
    ids = {received.headers["webhook-id"] for received in webhook_receiver.received}
    assert ids == {delivery.webhook_id} and all(r.verified for r in webhook_receiver.received)


def test_an_endpoint_is_disabled_after_the_last_failure_and_its_author_is_told(
    endpoint, webhook_receiver, ticket, alice, clock, mailbox, settings
):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    webhook_receiver.answers = [500] * 3
    run_webhook_tasks()
    for delay in webhooks.RETRY_DELAYS[:2]:
        clock.shift(delay)
        run_webhook_tasks()

    endpoint.refresh_from_db()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and delivery.attempts == 3
    assert not endpoint.is_active and endpoint.disabled_at is not None
    assert len(webhook_receiver.received) == 3
    email = mailbox.last(alice.email, "webhook")
    assert webhook_receiver.url in email.text and "/tenant/webhooks/" in email.text

    # Disabled: a new event is not even written for it; turned back on, a failed one is sent again.
    make_ticket(ticket.tenant, ticket.requester)
    assert WebhookDelivery.objects.count() == 1
    client = sign_in(Client(), alice, ticket.tenant)
    client.post(f"/tenant/webhooks/{endpoint.public_id}/enable/")
    client.post(f"/tenant/webhooks/deliveries/{delivery.public_id}/send/")
    run_webhook_tasks()
    delivery.refresh_from_db()
    assert delivery.status == "succeeded"


def test_a_redirect_is_not_followed(endpoint, webhook_receiver, ticket):
    webhook_receiver.redirect_to = "http://169.254.169.254/latest/meta-data/"
    run_webhook_tasks()

    delivery = WebhookDelivery.objects.get()
    assert delivery.last_status_code == 307 and delivery.status == "pending"
    assert len(webhook_receiver.received) == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hooks",
        "https://localhost/hooks",
        "https://10.0.0.7/hooks",
        "https://192.168.1.1/hooks",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hooks",
        "https://[::ffff:127.0.0.1]/hooks",
        "ftp://example.com/hooks",
        "https://user:secret@example.com/hooks",
    ],
)
def test_a_private_or_local_target_is_refused(alice, acme, url):
    with pytest.raises(TargetRefused):
        services.register_endpoint(alice, acme, url=url, events=Event.values, audit=COMMAND_LINE)
    assert not WebhookEndpoint.objects.exists()


def test_a_target_is_checked_again_at_delivery(endpoint, webhook_receiver, ticket, settings):
    """The name may point elsewhere by now (DNS rebinding): the address used is checked."""
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    run_webhook_tasks()

    delivery = WebhookDelivery.objects.get()
    assert webhook_receiver.received == []
    assert delivery.status == "pending" and "rete privata o locale" in delivery.last_error


def test_the_registration_page_refuses_a_private_address_with_a_message(alice, acme):
    response = sign_in(Client(), alice, acme).post(
        "/tenant/webhooks/", {"url": "https://127.0.0.1/hooks", "events": Event.values}
    )

    assert response.status_code == 400
    assert "rete privata o locale" in response.text
    assert not WebhookEndpoint.objects.exists()


def test_a_delivery_whose_task_was_lost_is_enqueued_by_the_sweep(endpoint, webhook_receiver, ticket, clock):
    DBTaskResult.objects.all().delete()
    clock.shift(timedelta(minutes=2))

    assert webhooks.sweep_lost() == 1
    assert webhooks.sweep_lost() == 0  # its task is waiting now
    run_webhook_tasks()

    assert WebhookDelivery.objects.get().status == "succeeded"
    assert len(webhook_receiver.received) == 1


def test_the_webhook_page_lists_the_deliveries_with_their_last_answer(endpoint, webhook_receiver, ticket, alice):
    webhook_receiver.answers = [503]
    run_webhook_tasks()

    page = sign_in(Client(), alice, ticket.tenant).get(f"/tenant/webhooks/{endpoint.public_id}/")

    assert page.status_code == 200
    assert "HTTP 503" in page.text and "receiver broke" in page.text
    assert endpoint.secret in page.text


def test_attachments_are_named_in_the_event_not_sent(endpoint, webhook_receiver, ticket, bob):
    tickets.reply_as_customer(bob, ticket, body="Il log", files=[SimpleUploadedFile("erp.log", b"x" * 10)])
    run_webhook_tasks()

    reply = webhook_receiver.received[-1].payload["data"]["message"]
    assert [(a["name"], a["size"]) for a in reply["attachments"]] == [("erp.log", 10)]


@pytest.mark.parametrize("name", ["localhost", "elsewhere.example.com"])
def test_over_https_the_receivers_certificate_must_be_its_hosts(name, acme, alice, bob, settings, tmp_path):
    """The connection goes to the checked address, yet TLS checks the host's name: a
    certificate for another name is refused."""
    receiver = WebhookReceiver(tls_name=name, tls_dir=tmp_path)
    receiver.start()
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    settings.WEBHOOK_CA_CERTS = receiver.certificate
    try:
        endpoint = services.register_endpoint(alice, acme, url=receiver.url, events=Event.values, audit=COMMAND_LINE)
        receiver.secret = endpoint.secret
        make_ticket(acme, bob)
        run_webhook_tasks()
    finally:
        receiver.stop()

    delivery = WebhookDelivery.objects.get()
    if name == "localhost":
        assert delivery.status == "succeeded" and [r.verified for r in receiver.received] == [True]
    else:
        assert delivery.status == "pending" and receiver.received == []
        assert "certificate" in delivery.last_error.lower() or "hostname" in delivery.last_error.lower()
