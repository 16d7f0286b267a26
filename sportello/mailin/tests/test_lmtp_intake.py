"""The push alternative: `manage.py run_lmtp` in a process of its own, against the test
database, taking deliveries from an LMTP client (Python's smtplib, as a mail server would)."""

import os
import signal
import smtplib
import subprocess
import sys

import pytest
from django.conf import settings

from sportello.mailin.addresses import reply_address
from sportello.mailin.models import InboundEmail
from sportello.testing.fixtures import make_ticket
from sportello.testing.smtp import free_port
from sportello.testing.tasks import run_ready_tasks
from sportello.testing.workers import ROOT, test_database_url, wait_for
from sportello.tickets.models import Message

from .conftest import AUTHSERV_ID, SUPPORT, eml

LIMIT = 256 * 1024


@pytest.fixture
def lmtp_server(transactional_db, tmp_path):
    """`manage.py run_lmtp` on a free loopback port; stopped when the test ends, whatever
    its outcome, and its log shown."""
    port = free_port()
    log_path = tmp_path / "lmtp.log"
    environment = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "false",
        "INBOUND_EMAIL_ADDRESS": SUPPORT,
        "INBOUND_AUTHSERV_ID": AUTHSERV_ID,
        "INBOUND_MAX_BYTES": str(LIMIT),
    }
    command = [sys.executable, "manage.py", "run_lmtp", "--host", "127.0.0.1", "--port", str(port)]
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_for(lambda: "ready" in log_path.read_text() or process.poll() is not None, message="run_lmtp to listen")
        assert process.poll() is None, log_path.read_text()
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        sys.stderr.write(f"--- log of run_lmtp ---\n{log_path.read_text()}\n")


def test_a_reply_delivered_over_lmtp_is_stored_and_becomes_a_message(lmtp_server, acme, bob, mailbox):
    ticket = make_ticket(acme, bob)
    address = reply_address(ticket, bob)
    raw = eml("thunderbird_reply_it", FROM=bob.email, REPLY_TO=address, TICKET=ticket.pk)

    with smtplib.LMTP("127.0.0.1", lmtp_server) as client:
        refused = client.sendmail(bob.email, [address], raw)

    assert refused == {}
    inbound = InboundEmail.objects.get()
    assert (inbound.source, inbound.envelope_from, inbound.envelope_to) == ("lmtp", bob.email, [address])
    assert bytes(inbound.raw) == raw
    run_ready_tasks()
    inbound.refresh_from_db()
    assert inbound.outcome == "reply"
    assert ticket.messages.filter(author=bob, kind=Message.Kind.REPLY).count() == 2


def test_the_lmtp_server_takes_one_recipient_per_message_and_only_the_support_addresses(lmtp_server, acme, bob):
    ticket = make_ticket(acme, bob)
    with smtplib.LMTP("127.0.0.1", lmtp_server) as client:
        client.ehlo()
        assert client.mail(bob.email)[0] == 250
        assert client.rcpt("someone@elsewhere.example.com")[0] == 550
        assert client.rcpt(reply_address(ticket, bob))[0] == 250
        assert client.rcpt(SUPPORT)[0] == 452


def test_a_message_over_the_limit_is_refused_while_it_streams(lmtp_server, acme, bob):
    ticket = make_ticket(acme, bob)
    address = reply_address(ticket, bob)
    raw = eml("gmail_reply_it", FROM=bob.email, REPLY_TO=address, TICKET=ticket.pk)
    assert len(raw) > LIMIT

    with smtplib.LMTP("127.0.0.1", lmtp_server) as client, pytest.raises(smtplib.SMTPException) as refused:
        client.sendmail(bob.email, [address], raw)

    assert "552" in str(refused.value)
    assert not InboundEmail.objects.exists()


def test_a_bounce_over_lmtp_has_a_null_sender_and_makes_nothing(lmtp_server, acme, bob, mailbox):
    ticket = make_ticket(acme, bob)
    address = reply_address(ticket, bob)
    raw = eml("thunderbird_reply_it", FROM=bob.email, REPLY_TO=address, TICKET=ticket.pk)

    with smtplib.LMTP("127.0.0.1", lmtp_server) as client:
        client.sendmail("<>", [address], raw)
    run_ready_tasks()

    assert InboundEmail.objects.get().outcome == "bounce"
    assert ticket.messages.filter(author=bob, kind=Message.Kind.REPLY).count() == 1
