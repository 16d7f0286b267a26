"""`{% menu_section as section %}`: which entry of the left menu the current page belongs to.
`{% fixed_url name %}`: the address of a page without arguments, for the menu and top bar.
`{% fixed_static path %}`: the address of a static file, for the head of every page.

Each URL name belongs to the section of its namespace (`tickets:detail` to "tickets"),
unless it is listed below, for the namespaces whose pages fall under several entries."""

from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse

register = template.Library()

SECTION_OF_NAMESPACE = {
    "dashboard": "dashboard",
    "tickets": "tickets",
    "tenants": "tenant",
    "desk": "queue",
    "notifications": "emails",
}
SECTION_OF_URL_NAME = {
    "tickets:new": "new_ticket",
    "desk:companies": "companies",
    "desk:company": "companies",
    "desk:company_new": "companies",
    "desk:company_set_active": "companies",
    "desk:operators": "operators",
    "desk:operator_areas": "operators",
    "desk:security_log": "desk_log",
    **{
        f"api:company_{name}": "tenant"
        for name in ("tokens", "revoke_token", "webhooks", "webhook", "webhook_remove", "webhook_enable", "send_again")
    },
    **{
        f"api:vendor_{name}": "webhooks"
        for name in ("webhooks", "webhook", "webhook_remove", "webhook_enable", "send_again")
    },
}


@register.simple_tag(takes_context=True)
def menu_section(context) -> str:
    """The section of the page being shown ("" outside the menu's pages)."""
    match = getattr(context.get("request"), "resolver_match", None)
    if match is None:
        return ""
    return SECTION_OF_URL_NAME.get(match.view_name) or SECTION_OF_NAMESPACE.get(match.namespace, "")


@register.simple_tag
def fixed_url(name: str) -> str:
    """`{% url name %}` for a URL without arguments, reversed once per process and script
    prefix: the menu, the top bar and the head of every page write the same dozen, and
    reversing them was 5% of a list page's time."""
    return _reversed(name, get_script_prefix())


@lru_cache(maxsize=64)
def _reversed(name: str, prefix: str) -> str:
    return reverse(name)


@register.simple_tag
def fixed_static(path: str) -> str:
    """`{% static path %}`, worked out once per process: with the manifest storage each is a
    lookup of the hashed name, a quote and a join, and the head of every page writes six."""
    return _static(path)


@lru_cache(maxsize=64)
def _static(path: str) -> str:
    return static(path)


@receiver(setting_changed)
def _forget_static(setting, **kwargs) -> None:
    if setting in ("STORAGES", "STATIC_URL"):
        _static.cache_clear()
