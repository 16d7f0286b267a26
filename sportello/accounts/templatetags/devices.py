"""Template helpers of the trusted devices."""

from django import template
from django.conf import settings

from sportello.accounts.models import hash_device_token

register = template.Library()


@register.simple_tag(takes_context=True)
def this_device_hash(context) -> str:
    """The token hash of the trusted device the current browser is ("" for none): the
    profile marks that row "questo dispositivo"."""
    request = context.get("request")
    token = request.COOKIES.get(settings.TRUSTED_DEVICE_COOKIE_NAME) if request is not None else None
    return hash_device_token(token) if token else ""
