"""Reply addresses: where a person's answer to a ticket's e-mail goes.

Every notification about a ticket carries, as its Reply-To, a plus-address of the
support address (INBOUND_EMAIL_ADDRESS) made for that ticket and that recipient:

    support+<ticket>.<recipient>.<signature>@example.com

`<ticket>` is the ticket's number, `<recipient>` the recipient's account number in base
36, `<signature>` 80 bits of an HMAC-SHA256 of both under SECRET_KEY (with a salt of its
own), in lower-case base 32, since some mail servers lower-case addresses. Nobody can
write a valid address for another ticket or another person without the key (OWASP ASVS
v5 11.2: keyed MACs for integrity); an address made under a key moved to
SECRET_KEY_FALLBACKS stays valid while the key is listed there. The whole local part
stays under RFC 5321's 64 characters for support local parts of up to 20 characters.
"""

import base64
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "sportello.mailin.reply-address"
SIGNATURE_LENGTH = 16  # base-32 characters: 80 bits

_REPLY = re.compile(
    r"^(?P<local>[^+@\s]+)\+(?P<ticket>[1-9][0-9]{0,11})\.(?P<tag>[0-9a-z]{1,13})\.(?P<signature>[a-z2-7]+)"
    r"@(?P<domain>[^@\s]+)$"
)


@dataclass(frozen=True)
class ReplyTarget:
    """What a valid reply address stands for: a ticket and the person it was sent to."""

    ticket_id: int
    recipient_id: int


def _support_parts() -> tuple[str, str] | None:
    address = settings.INBOUND_EMAIL_ADDRESS
    if not address:
        return None
    local, _, domain = address.rpartition("@")
    return local, domain


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, remainder = divmod(number, 36)
        text = digits[remainder] + text
        if number == 0:
            return text


def _signature(ticket_id: int, tag: str, secret: str) -> str:
    digest = salted_hmac(SALT, f"{ticket_id}.{tag}", secret=secret, algorithm="sha256").digest()
    return base64.b32encode(digest).decode().lower()[:SIGNATURE_LENGTH]


def reply_address(ticket, recipient) -> str:
    """The Reply-To for e-mails about `ticket` (a Ticket or its number) sent to `recipient`
    (a User). Empty when INBOUND_EMAIL_ADDRESS is not set: e-mail answers are then off."""
    parts = _support_parts()
    if parts is None:
        return ""
    local, domain = parts
    ticket_id = getattr(ticket, "pk", ticket)
    tag = _base36(recipient.pk)
    return f"{local}+{ticket_id}.{tag}.{_signature(ticket_id, tag, settings.SECRET_KEY)}@{domain}"


def is_plus_address(address: str) -> bool:
    """Whether `address` is a plus-address of the support address: a reply address,
    valid or not (a forged or altered one is refused, never taken for a new request)."""
    parts = _support_parts()
    if parts is None:
        return False
    local, domain = parts
    name, _, host = (address or "").strip().lower().rpartition("@")
    return host == domain and name.startswith(local + "+")


def verify(address: str) -> ReplyTarget | None:
    """The ticket and recipient of a reply address, or None when it is not one of ours or
    its signature does not match (forged, altered, or made under a key no longer listed)."""
    parts = _support_parts()
    match = _REPLY.match((address or "").strip().lower())
    if parts is None or match is None or (match["local"], match["domain"]) != parts:
        return None
    ticket_id, tag = int(match["ticket"]), match["tag"]
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    if not any(constant_time_compare(_signature(ticket_id, tag, key), match["signature"]) for key in keys):
        return None
    return ReplyTarget(ticket_id=ticket_id, recipient_id=int(tag, 36))


def reply_addresses(ticket, people: Iterable) -> dict[str, str]:
    """{each person's e-mail address (lower case): their reply address for `ticket`}, for
    `notifications.services.send_email(reply_to=…)`. Empty when e-mail answers are off."""
    if _support_parts() is None:
        return {}
    return {person.email.lower(): reply_address(ticket, person) for person in people}


def customer_reply_addresses(ticket) -> dict[str, str]:
    """Reply addresses for the customer's e-mails about `ticket` (Ticket.customer_addresses()):
    the requester's and the contact person's; the ticket's other address is the requester's."""
    addresses = reply_addresses(ticket, [ticket.requester, ticket.contact_person])
    if addresses and ticket.email:
        addresses.setdefault(ticket.email.lower(), reply_address(ticket, ticket.requester))
    return addresses
