"""Reading the support mailbox over IMAP (imap-tools), for the periodic task.

Each poll takes up to INBOUND_IMAP_BATCH messages of INBOUND_IMAP_FOLDER, stores each one
(services.receive, committed) and only then acknowledges it as INBOUND_IMAP_PROCESSED
says: moved to INBOUND_IMAP_PROCESSED_FOLDER, deleted, or marked read. A crash between the
two leaves the message in the folder: the next poll stores it again, which its
Message-ID turns into nothing, and acknowledges it. A message over INBOUND_MAX_BYTES
(the server tells its size first) is fetched as its headers only.
"""

import logging
from contextlib import contextmanager

from django.conf import settings
from django.db import connection
from imap_tools import AND, BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted, MailMessage, MailMessageFlags

from . import services
from .models import InboundEmail

logger = logging.getLogger(__name__)

# One poller at a time, whatever the number of workers (a PostgreSQL advisory lock's key).
_POLL_LOCK = 0x5350_4D41_494C  # "SPMAIL"


class RawMessage(MailMessage):
    """A fetched message kept as the server's bytes: it is parsed later, by the task."""

    def __init__(self, fetch_data: list) -> None:
        self.raw, self._raw_uid_data, self._raw_flag_data = self._get_message_data_parts(fetch_data)


def _connect() -> BaseMailBox:
    host, port, timeout = settings.INBOUND_IMAP_HOST, settings.INBOUND_IMAP_PORT, settings.INBOUND_IMAP_TIMEOUT
    kind = {"ssl": MailBox, "starttls": MailBoxStartTls, "none": MailBoxUnencrypted}[settings.INBOUND_IMAP_SECURITY]
    box = kind(host, port, timeout=timeout)
    box.email_message_class = RawMessage
    return box.login(settings.INBOUND_IMAP_USER, settings.INBOUND_IMAP_PASSWORD, settings.INBOUND_IMAP_FOLDER)


@contextmanager
def _only_poller():
    """True when this process may poll now (no other holds the lock)."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_POLL_LOCK])
        mine = cursor.fetchone()[0]
    try:
        yield mine
    finally:
        if mine:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_POLL_LOCK])


def poll_mailbox() -> dict[str, int]:
    """Stores and acknowledges the waiting messages of the mailbox; returns how many were
    "stored", were "already" stored, and were "too large" (kept as headers). Does nothing
    when INBOUND_IMAP_HOST is not set. Raises imap-tools' and the socket's errors when the
    server cannot be reached or refuses (the next poll tries again)."""
    counts = {"stored": 0, "already": 0, "too_large": 0}
    if not settings.INBOUND_IMAP_HOST:
        return counts
    with _only_poller() as mine:
        if not mine:
            return counts
        with _connect() as box:
            if settings.INBOUND_IMAP_PROCESSED == "move" and not box.folder.exists(
                settings.INBOUND_IMAP_PROCESSED_FOLDER
            ):
                box.folder.create(settings.INBOUND_IMAP_PROCESSED_FOLDER)
            criteria = AND(seen=False) if settings.INBOUND_IMAP_PROCESSED == "seen" else AND(all=True)
            heads = list(box.fetch(criteria, mark_seen=False, headers_only=True, limit=settings.INBOUND_IMAP_BATCH))
            for head in heads:
                too_large = head.size_rfc822 > settings.INBOUND_MAX_BYTES
                message = head if too_large else next(box.fetch(uid_list=[head.uid], mark_seen=False), None)
                if message is None:  # gone meanwhile (another client took it)
                    continue
                stored = services.receive(
                    message.raw,
                    source=InboundEmail.Source.IMAP,
                    size=head.size_rfc822 or len(message.raw),
                    headers_only=too_large,
                )
                counts["stored" if stored else "already"] += 1
                counts["too_large"] += too_large
                _acknowledge(box, head.uid)
    if any(counts.values()):
        logger.info("Mailbox polled: %s", counts)
    return counts


def _acknowledge(box: BaseMailBox, uid: str) -> None:
    action = settings.INBOUND_IMAP_PROCESSED
    if action == "move":
        box.move(uid, settings.INBOUND_IMAP_PROCESSED_FOLDER)
    elif action == "delete":
        box.delete(uid)
    else:
        box.flag(uid, MailMessageFlags.SEEN, True)
