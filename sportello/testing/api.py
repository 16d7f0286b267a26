"""Calling the REST API in tests: tokens for the personas, and a client that sends them."""

from django.test import Client

from sportello.api import services
from sportello.lib.audit import COMMAND_LINE


def make_token(user, tenant=None, *, scope="write", days=30, company=False) -> str:
    """A new token's secret: `user`'s own (in `tenant`, or at the desk), or with `company`
    a service account's of `tenant`, made by `user`, its administrator."""
    create = services.create_company_token if company else services.create_personal_token
    _token, secret = create(user, tenant, name="test token", scope=scope, days=days, audit=COMMAND_LINE)
    return secret


class ApiClient(Client):
    """A test client that sends `Authorization: Bearer <secret>` with every request."""

    def __init__(self, secret: str | None = None, **defaults):
        if secret:
            defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
        super().__init__(**defaults)
