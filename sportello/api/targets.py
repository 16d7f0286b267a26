"""Where a webhook may be sent: a guard against server-side request forgery.

A webhook's address is typed by a customer, and the portal's workers would send to it
from inside the vendor's network. So the address's host is resolved, and every address
it resolves to must be a public one (OWASP ASVS 5.0 V1.3.6, "SSRF"), unless
WEBHOOK_ALLOW_PRIVATE_TARGETS says the vendor wants receivers on its own network. The
check is made when the endpoint is registered and again at every delivery, on the
addresses the connection then uses (a name may resolve elsewhere later: DNS rebinding).
Public receivers need HTTPS; plain HTTP is accepted only for private ones, when allowed.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from sportello.lib.errors import RuleViolation


class TargetRefused(RuleViolation):
    """A webhook address the portal will not send to."""

    code = "webhook-target-refused"


@dataclass(frozen=True)
class Target:
    """A checked address: connect to one of `addresses` (IPs, in the resolver's order),
    speaking to `host` by name."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def _is_private(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def resolve(url: str) -> Target:
    """Checks `url` and resolves its host now. Returns the Target to connect to (the first
    acceptable address). Raises TargetRefused, with the reason in the current language,
    for an address that is not http(s), has credentials, does not resolve, or resolves
    (even in part) to a private, loopback, link-local or reserved address while
    WEBHOOK_ALLOW_PRIVATE_TARGETS is off, or is plain HTTP to a public address."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise TargetRefused(_("Enter a valid address, such as https://example.com/hooks.")) from None
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.username or parts.password:
        raise TargetRefused(_("Enter an https:// address without a user name or password."))
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise TargetRefused(_("%(host)s cannot be found.") % {"host": parts.hostname}) from None
    addresses = [ipaddress.ip_address(entry[4][0].split("%")[0]) for entry in found]
    private = any(_is_private(address) for address in addresses)
    if private and not settings.WEBHOOK_ALLOW_PRIVATE_TARGETS:
        raise TargetRefused(
            _("%(host)s is an address of a private or local network: webhooks go only to public addresses.")
            % {"host": parts.hostname}
        )
    if parts.scheme != "https" and not private:
        raise TargetRefused(_("Webhooks to a public address need https://."))
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(parts.scheme, parts.hostname, port, path, tuple(dict.fromkeys(str(a) for a in addresses)))
