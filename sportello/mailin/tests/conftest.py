"""Fixtures of the e-mail intake: the .eml files of tests/fixtures/, filled in at test time,
a real IMAP server (Dovecot) and the settings that point the portal at it.

The .eml files are shaped like what Gmail, Outlook, Thunderbird and Apple Mail send
(headers, MIME structure, quoting, signatures); their `${NAME}` placeholders take the
addresses, Message-IDs and ticket numbers of the test, and the large attachments, which
are made at test time (random bytes, base64) rather than kept in the repository.
"""

import base64
import os
import uuid
from pathlib import Path
from string import Template

import pytest

from sportello.testing.imap import DovecotServer

FIXTURES = Path(__file__).parent / "fixtures"
SUPPORT = "assistenza@sportello.example.com"
AUTHSERV_ID = "mx.vendor.example.com"
MEGABYTE = 1024 * 1024


def attachment_base64(size: int) -> str:
    """`size` random bytes as the base64 lines of a MIME part (76 characters each)."""
    text = base64.b64encode(os.urandom(size)).decode()
    return "\n".join(text[i : i + 76] for i in range(0, len(text), 76))


def eml(name: str, **values) -> bytes:
    """The fixture `name` (without .eml) with its placeholders filled, with CRLF line ends
    as on the wire. Unnamed placeholders get the defaults: a fresh Message-ID, a passing
    DMARC verdict from the trusted server, the support address."""
    text = (FIXTURES / f"{name}.eml").read_text()
    defaults = {
        "MESSAGE_ID": f"{uuid.uuid4().hex}@mail.example.net",
        "IN_REPLY_TO": f"{uuid.uuid4()}@elsewhere.example.net",
        "AUTHSERV_ID": AUTHSERV_ID,
        "DMARC": "pass",
        "SUPPORT": SUPPORT,
    }
    if "${ATTACHMENT_3MB}" in text:
        defaults["ATTACHMENT_3MB"] = attachment_base64(3 * MEGABYTE)
    if "${ATTACHMENT_5MB}" in text:
        defaults["ATTACHMENT_5MB"] = attachment_base64(5 * MEGABYTE)
    filled = Template(text).safe_substitute({**defaults, **{key: str(value) for key, value in values.items()}})
    return filled.replace("\r\n", "\n").replace("\n", "\r\n").encode()


@pytest.fixture(autouse=True)
def mail_settings(settings):
    """The support address and the trusted receiving server of these tests."""
    settings.INBOUND_EMAIL_ADDRESS = SUPPORT
    settings.INBOUND_AUTHSERV_ID = AUTHSERV_ID
    return settings


@pytest.fixture(scope="session")
def dovecot():
    """A real IMAP server on loopback for the whole session, always stopped at the end."""
    server = DovecotServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def imap_server(dovecot, settings):
    """The Dovecot server with an empty mailbox, and the portal's intake pointed at it."""
    dovecot.empty()
    settings.INBOUND_IMAP_HOST = "127.0.0.1"
    settings.INBOUND_IMAP_PORT = dovecot.port
    settings.INBOUND_IMAP_SECURITY = "none"
    settings.INBOUND_IMAP_USER = dovecot.user
    settings.INBOUND_IMAP_PASSWORD = dovecot.password
    settings.INBOUND_IMAP_FOLDER = "INBOX"
    settings.INBOUND_IMAP_PROCESSED = "move"
    settings.INBOUND_IMAP_PROCESSED_FOLDER = "Processed"
    return dovecot
