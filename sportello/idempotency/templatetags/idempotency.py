"""`{% submission_key %}`: the hidden field that makes a form's submission one-time."""

import uuid

from django import template
from django.utils.html import format_html

from sportello.idempotency.web import FIELD

register = template.Library()


@register.simple_tag
def submission_key() -> str:
    """A hidden input with a fresh random key: the service that handles the form stores
    it, so the same submission sent twice (a double click, the browser's resend) is done
    once. A form shown again after an error gets a new one; the failed submission
    stored nothing."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, uuid.uuid4().hex)
