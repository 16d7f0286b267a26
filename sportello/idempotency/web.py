"""The form side of one-time keys: the field's name and reading it from a request."""

from .services import clean_key

FIELD = "submission_key"


def key_of(request) -> str | None:
    """The one-time key a form posted (see templatetags/idempotency.py), or None."""
    return clean_key(request.POST.get(FIELD))
