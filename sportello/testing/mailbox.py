"""What the tests read e-mail through: deliver what is queued, then look at what arrived."""

import re

from .smtp import ReceivedEmail, SMTPServer
from .tasks import run_ready_tasks


class Mailbox:
    def __init__(self, server: SMTPServer):
        self.server = server

    def deliver(self) -> int:
        """Runs the queued e-mail tasks that are due (as the worker would)."""
        return run_ready_tasks()

    def all(self) -> list[ReceivedEmail]:
        self.deliver()
        return self.server.received

    def to(self, address: str) -> list[ReceivedEmail]:
        address = address.lower()
        return [mail for mail in self.all() if address in [to.lower() for to in mail.envelope_to]]

    def last(self, address: str, subject: str = "") -> ReceivedEmail:
        matching = [mail for mail in self.to(address) if subject.lower() in mail.subject.lower()]
        assert matching, (
            f"no e-mail to {address} with {subject!r} in the subject; got {[m.subject for m in self.to(address)]}"
        )
        return matching[-1]

    def code(self, address: str) -> str:
        """The 6-digit code of the latest sign-in code e-mail to `address`."""
        mail = self.last(address, subject="")
        codes = [m for m in self.to(address) if re.search(r"\b\d{6}\b", m.subject)]
        assert codes, f"no code e-mail to {address}; last was {mail.subject!r}"
        return re.search(r"\b(\d{6})\b", codes[-1].subject).group(1)
