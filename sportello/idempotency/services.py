"""Claiming and remembering one-time keys (see models.py).

A service that creates something calls, inside its transaction:

    earlier = idempotency.claim(actor, key, "tickets.open_ticket")
    if earlier is not None:
        return Ticket.objects.get(pk=earlier["ticket"])
    ...                      # do the work
    idempotency.remember(actor, key, "tickets.open_ticket", {"ticket": ticket.pk})

A concurrent request with the same key waits on the unique index until the first one
commits (then it gets the first result) or rolls back (then it does the work itself).
"""

import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sportello.lib.errors import RuleViolation

from .models import IdempotencyKey

# Keys are the client's: a UUID from the form, or whatever an API client sends (the IETF
# draft "The Idempotency-Key HTTP Header Field" suggests a UUID). Printable ASCII only.
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


class KeyReused(RuleViolation):
    """The same key came with another action or another request body."""

    code = "idempotency-key-reused"


def clean_key(value) -> str | None:
    """The key as given, if it is one (1 to 255 printable ASCII characters), else None:
    a request without a usable key is simply not protected against repeats."""
    if isinstance(value, str) and _KEY.match(value):
        return value
    return None


def claim(actor, key: str | None, action: str, *, fingerprint: str = "") -> dict | None:
    """Claims `key` for `actor`'s `action`, inside the caller's transaction.

    Returns None when the key is new (or absent): the caller does the work and calls
    remember(). Returns the result stored by the first request when the key was used
    before for the same action. Raises KeyReused when the key was used for another
    action or, when both have one, with another `fingerprint` (a digest of the request).
    """
    key = clean_key(key)
    if key is None or actor is None:
        return None
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(actor=actor, key=key, action=action, fingerprint=fingerprint)
    except IntegrityError:
        earlier = IdempotencyKey.objects.get(actor=actor, key=key)
        if earlier.action != action or (fingerprint and earlier.fingerprint and earlier.fingerprint != fingerprint):
            raise KeyReused(
                _("This request was already sent with the same key for something else: reload the page and try again.")
            ) from None
        return earlier.result if earlier.result is not None else {}
    return None


def remember(actor, key: str | None, action: str, result: dict) -> None:
    """Stores what the action made (ids, as JSON) under the key claimed by claim()."""
    key = clean_key(key)
    if key is None or actor is None:
        return
    IdempotencyKey.objects.filter(actor=actor, key=key, action=action).update(result=result)
