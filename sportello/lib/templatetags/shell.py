"""The page shell's pieces written by Jinja2 partials (sportello/jinja2/, see lib/partials.py):
`{% app_top %}`, the signed-in layout's top bar, menu and messages; `{% messages_html %}` and
`{% language_form_html where %}`, for the public layout; `{% form_errors_html %}`,
`{% filter_summary_html %}` and `{% cursor_pagination_html %}`, the Django partials' of the
same names, which the lists' bodies (Jinja2 too) include directly.

The top bar, the user menu, the language form and the left menu are a few dozen tags and
variables, the same on every page, that Jinja2 writes for less than Django's engine
(docs/performance.md, "Issue 20, the page shell in Jinja2"). Every page still extends the
Django layouts (base.html, layouts/app.html), which call these tags."""

from functools import lru_cache

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.html import format_html

from sportello.lib.partials import render_django_escaped

from .menu import menu_section

register = template.Library()


def _csrf_input(context) -> str:
    """What `{% csrf_token %}` writes, with the page's own token (the same in every form)."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return ""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


def _languages() -> tuple[tuple[str, str], ...]:
    """settings.LANGUAGES, each name in its own language (the language form's options)."""
    return _named_in_own_language(tuple(settings.LANGUAGES))


@lru_cache(maxsize=4)
def _named_in_own_language(languages: tuple) -> tuple[tuple[str, str], ...]:
    # The same on every page: worked out once per process (and per LANGUAGES), not by
    # switching the active language for each option of every request.
    named = []
    for code, name in languages:
        with translation.override(code):
            named.append((code, str(name)))
    return tuple(named)


def _shell_context(context, where: str) -> dict:
    return {
        "request": context["request"],
        "messages": context.get("messages", ()),
        "csrf_input": _csrf_input(context),
        "languages": _languages(),
        "language_code": translation.get_language(),
        "where": where,
    }


def page_context(context, **values) -> dict:
    """The Django template's `context` as a plain dict for a Jinja2 partial that stands for a
    page's body (the ticket list's, the queue's), with `csrf_input` and `values` added."""
    return {**context.flatten(), "csrf_input": _csrf_input(context), **values}


@register.simple_tag(takes_context=True)
def app_top(context):
    """layouts/app.html's body up to the page's content: the top bar with the company and
    the user menu, the left menu with the page's entry marked, the request's messages."""
    values = _shell_context(context, "menu")
    values["menu"] = _menu(context["request"], menu_section(context))
    return render_django_escaped("layouts/app_top.html", values)


def _menu(request, section: str) -> str:
    """The left menu (partials/menu.html) for the person of `request`, `section` marked."""
    tenant, user = request.tenant, request.user
    is_administrator = bool(tenant) and request.membership.is_administrator
    return _menu_html(
        translation.get_language(), get_script_prefix(), section, bool(tenant), is_administrator,
        user.is_operator, user.is_staff,
    )  # fmt: skip


@lru_cache(maxsize=256)
def _menu_html(language, script_prefix, section, has_tenant, is_administrator, is_operator, is_staff) -> str:
    # The menu depends only on these (the addresses on the script prefix, the words on the
    # language): written once per process for each, not on every page.
    return render_django_escaped(
        "partials/menu.html",
        {
            "section": section,
            "has_tenant": has_tenant,
            "is_administrator": is_administrator,
            "is_operator": is_operator,
            "is_staff": is_staff,
        },
    )


@receiver(setting_changed)
def _forget_menus(setting, **kwargs) -> None:
    # A test that changes the URLs, the languages or the static files' settings.
    _menu_html.cache_clear()


@register.simple_tag(takes_context=True)
def messages_html(context):
    """The request's messages (partials/messages.html)."""
    return render_django_escaped("partials/messages.html", _shell_context(context, ""))


@register.simple_tag(takes_context=True)
def language_form_html(context, where: str = ""):
    """The language form (partials/language_form.html); `where` names its select."""
    return render_django_escaped("partials/language_form.html", _shell_context(context, where))


@register.simple_tag(takes_context=True)
def form_errors_html(context):
    """The error summary of the context's `form` (partials/form_errors.html)."""
    return render_django_escaped("partials/form_errors.html", {"form": context["form"]})


@register.simple_tag(takes_context=True)
def filter_summary_html(context):
    """The summary line of a filter panel: the context's `title` and `form`."""
    return render_django_escaped("partials/filter_summary.html", {"title": context["title"], "form": context["form"]})


@register.simple_tag(takes_context=True)
def cursor_pagination_html(context):
    """The previous and next links of a keyset page: the context's `page` and `query`."""
    return render_django_escaped(
        "partials/cursor_pagination.html", {"page": context["page"], "query": context.get("query", "")}
    )
