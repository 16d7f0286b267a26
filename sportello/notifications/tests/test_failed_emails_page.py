"""Operators see the e-mails that failed for good and send them again."""

import pytest
from django.test import Client

from sportello.notifications.models import OutboundEmail
from sportello.notifications.services import send_email
from sportello.testing.tasks import run_ready_tasks

pytestmark = pytest.mark.django_db


def test_an_operator_sees_a_refused_email_and_sends_it_again(client, oscar, login, mailbox, smtp_server):
    smtp_server.refuse("wrong@example.com", "550 5.1.1 No such user")
    send_email(kind="login_code", to="wrong@example.com", context={"code": "1", "minutes": 1})
    run_ready_tasks()
    [email] = OutboundEmail.objects.failed()
    login(client, oscar)

    page = client.get("/desk/emails/").text
    assert "wrong@example.com" in page and "550" in page

    smtp_server.collector.refuse.clear()
    client.post(f"/desk/emails/{email.public_id}/send-again/")

    assert len(mailbox.to("wrong@example.com")) == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert "Ogni e-mail è stata consegnata" in client.get("/desk/emails/").text


def test_customers_cannot_see_or_resend_emails(alice, acme, login):
    email = OutboundEmail.objects.create(
        kind="x", to="a@example.com", subject="s", body_text="t", body_html="h", language="it", status="failed"
    )
    customer = login(Client(), alice, acme)

    assert customer.get("/desk/emails/").status_code == 403
    assert customer.post(f"/desk/emails/{email.public_id}/send-again/").status_code == 403
    email.refresh_from_db()
    assert email.status == "failed"
