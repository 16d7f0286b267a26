"""Where a change comes from, as the security log records it.

The channel that received the request (a page, the API, the mail intake, the command
line, the portal itself) builds one `Audit` and hands it to the services, which never
see a request: the same service serves every channel.
"""

from dataclasses import dataclass

from .http import client_ip, user_agent


@dataclass(frozen=True)
class Audit:
    """`channel` is one of CHANNELS; `ip_address` the client's address (None when there is
    no client, as for a task); `user_agent` the client's User-Agent header (at most 1,000
    characters)."""

    channel: str = "system"
    ip_address: str | None = None
    user_agent: str = ""

    @classmethod
    def of(cls, request, channel: str = "web") -> "Audit":
        """The audit context of an HTTP request: its client address (after NUM_PROXIES
        trusted proxies) and User-Agent."""
        return cls(channel=channel, ip_address=client_ip(request), user_agent=user_agent(request))


CHANNELS = ("web", "api", "mail", "cli", "system")
#: Changes the portal makes by itself (tasks, periodic jobs).
SYSTEM = Audit("system")
#: Changes made with manage.py commands.
COMMAND_LINE = Audit("cli")
