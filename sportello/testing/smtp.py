"""A real SMTP server on loopback for the tests, and a mailbox that reads what it received."""

import asyncio
import contextlib
import email
import email.policy
import re
import socket
import threading
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope


@dataclass
class ReceivedEmail:
    """One message as the SMTP server received it."""

    envelope_to: list[str]
    message: email.message.EmailMessage
    peer: tuple = field(default=(), compare=False)  # the client's (address, port): one per connection

    @property
    def to(self) -> str:
        return self.message["To"]

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(preferencelist=("html",)).get_content()

    def links(self) -> list[str]:
        return re.findall(r"https?://[^\s<>\"']+", self.text)


class _Collector:
    def __init__(self, delay: float = 0.0):
        self.received: list[ReceivedEmail] = []
        self.refuse: dict[str, str] = {}  # address → SMTP answer, to simulate refusals
        self.delay = delay  # seconds before each message is accepted, to simulate a slow server
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope: Envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return self.refuse[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope: Envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.received.append(ReceivedEmail(list(envelope.rcpt_tos), message, tuple(session.peer)))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SMTPServer:
    """aiosmtpd on 127.0.0.1, which tests may stop and start again to simulate an outage."""

    def __init__(self, delay: float = 0.0):
        self.port = free_port()
        self.collector = _Collector(delay)
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self) -> list[ReceivedEmail]:
        with self.collector.lock:
            return list(self.collector.received)

    def refuse(self, address: str, answer: str) -> None:
        self.collector.refuse[address.lower()] = answer


class SilentSMTPServer:
    """A server on loopback that accepts connections and never says a word: the hung SMTP
    server of issue 14. `connections` counts the clients that reached it."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.connected = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            self.accepted.append(client)
            self.connected.set()

    @property
    def connections(self) -> int:
        return len(self.accepted)

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        self.listener.close()
        self.thread.join(timeout=5)
        for client in self.accepted:
            client.close()
