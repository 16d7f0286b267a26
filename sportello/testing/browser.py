"""Helpers for the browser tests."""

from django.conf import settings
from django.test import Client

from .fixtures import sign_in


def sign_in_browser(context, live_server, user, tenant=None) -> None:
    """Gives the browser `context` a session of `user` (both factors done), working for
    `tenant`: for tests about something other than signing in."""
    client = sign_in(Client(), user, tenant)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
