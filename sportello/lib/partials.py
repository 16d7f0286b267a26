"""Jinja2 for the partials repeated once per row: the ticket lists' rows, the chat's lines
and the options of a select.

Django's template engine resolves every variable, filter and tag one node at a time:
about 50 µs for a list row, so a page of 25 rows or a chat of 200 messages spent more in
its loop than in all the rest of the page. Jinja2 compiles a template to Python code and
writes the same row in a fifth of that. Only these partials use it; the pages around them
stay Django templates and call them through a tag (`render_partial`).

The partials live in each app's `jinja2/` folder. Autoescape is on, as in Django's
templates; `_()` is Django's gettext, so `makemessages` finds `{% set x = _("…") %}` as it
does in Django templates (labels are translated once, before the loop, not on every row).
"""

from django.template import engines
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from jinja2 import Environment, StrictUndefined

from .humanize import file_size, time_since


def local_minute(moment, tz=None) -> str:
    """`moment` in the time zone `tz` (the current one if None) as the lists show it:
    31/12/2026 13:05. A page's partial passes `tz`, read once, rather than looking up the
    current time zone for each of its rows."""
    return moment.astimezone(tz or timezone.get_current_timezone()).strftime("%d/%m/%Y %H:%M")


def iso_seconds(moment, tz=None) -> str:
    """`moment` for a `<time datetime>`: ISO 8601 in the time zone `tz` (the current one if
    None), whole seconds (the HTML standard allows at most three decimals; none are needed)."""
    return moment.astimezone(tz or timezone.get_current_timezone()).replace(microsecond=0).isoformat()


def environment(**options) -> Environment:
    """The Jinja2 environment of the partials (TEMPLATES' OPTIONS["environment"])."""
    # Escaping always on, whatever the settings say; a misspelt name fails loudly (Django's
    # backend would pass its own `undefined`, which writes nothing).
    options.pop("autoescape", None)
    options["undefined"] = StrictUndefined
    env = Environment(autoescape=True, **options)
    env.globals["_"] = gettext
    env.filters.update(
        {
            "local_minute": local_minute,
            "iso_seconds": iso_seconds,
            "time_since": time_since,
            "file_size": file_size,
            # Django's escaping, for the partials that stand for Django templates every form
            # includes (partials/field.html…): an apostrophe written &#x27; as before, not &#39;.
            "django_escape": conditional_escape,
        }
    )
    return env


def render_partial(name: str, context: dict) -> SafeString:
    """Renders the Jinja2 partial `name` with `context` and returns markup for a Django
    template. Every value was escaped by Jinja2's autoescape (or is already safe)."""
    return mark_safe(engines["jinja2"].env.get_template(name).render(context))  # noqa: S308 - autoescaped by Jinja2
