"""The push alternative to polling: an LMTP server of the portal's own (RFC 2033).

The organisation's mail server (Postfix, Exim, …) receives the mail from the internet,
filters it, checks SPF/DKIM/DMARC, writes its Authentication-Results, and hands the
messages for the support address to `manage.py run_lmtp` over LMTP, the protocol of
final delivery, as it would to a mailbox server. The portal answers "250" only once the
message is stored (services.receive, committed); until then, and whenever it cannot
store (a database outage), it answers "451", and the mail server keeps the message in its
queue and tries again: nothing is lost, and nothing waits in the portal's memory.

One recipient per transaction: LMTP answers DATA once per recipient, and a second one is
told "452" (try it in another transaction, RFC 5321 §4.5.3.1.10), so every answer is
right for its one recipient. Recipients other than the support address and its
plus-addresses are refused ("550"). Messages over INBOUND_MAX_BYTES are refused while
they stream ("552"), and their sender is told by their own mail server.

There is no authentication: listen on loopback or a private network that only the mail
server reaches (INBOUND_LMTP_HOST, INBOUND_LMTP_PORT).
"""

import asyncio
import logging
import signal

from aiosmtpd.lmtp import LMTP
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections

from . import addresses, services
from .models import InboundEmail

logger = logging.getLogger(__name__)


def _is_ours(address: str) -> bool:
    support = settings.INBOUND_EMAIL_ADDRESS
    if not support:
        return True
    address = address.strip().lower()
    return address == support or addresses.is_plus_address(address)


def _store(content: bytes, mail_from: str, rcpt_tos: list[str]) -> None:
    close_old_connections()  # as a request would: a connection that died or aged is replaced
    try:
        services.receive(content, source=InboundEmail.Source.LMTP, envelope_from=mail_from, envelope_to=rcpt_tos)
    finally:
        close_old_connections()


class IntakeHandler:
    """aiosmtpd's handler: checks each recipient, stores each message."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if envelope.rcpt_tos:
            return "452 4.5.3 One recipient per message: send the others again"
        if not _is_ours(address):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        try:
            await sync_to_async(_store, thread_sensitive=True)(
                envelope.original_content, envelope.mail_from or "", list(envelope.rcpt_tos)
            )
        except Exception:
            logger.exception("An incoming message could not be stored; the mail server will send it again")
            return "451 4.3.0 Cannot store the message now, try again later"
        return "250 2.0.0 Stored"


def make_server() -> LMTP:
    return LMTP(
        IntakeHandler(),
        data_size_limit=settings.INBOUND_MAX_BYTES,
        enable_SMTPUTF8=True,
        decode_data=False,
        hostname=(settings.INBOUND_EMAIL_ADDRESS.rpartition("@")[2] or "sportello"),
        ident="Sportello LMTP",
    )


def serve(host: str, port: int, ready=None) -> None:
    """Listens on `host`:`port` until SIGTERM or SIGINT; calls `ready()` once listening."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(make_server, host, port))
    for sign in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sign, loop.stop)
    logger.info("LMTP intake listening on %s:%s", host, port)
    if ready is not None:
        ready()
    try:
        loop.run_forever()
    finally:
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.close()
