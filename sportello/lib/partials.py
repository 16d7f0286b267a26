"""Jinja2 for the partials repeated once per row (the ticket lists' rows, the chat's lines,
the options of a select) and for the page shell that every signed-in page repeats (the top
bar, the menu, the messages: lib/templatetags/shell.py).

Django's template engine resolves every variable, filter and tag one node at a time:
about 50 µs for a list row, so a page of 25 rows or a chat of 200 messages spent more in
its loop than in all the rest of the page. Jinja2 compiles a template to Python code and
writes the same row in a fifth of that. Only these partials use it; the pages around them
stay Django templates and call them through a tag (`render_partial`, or
`render_django_escaped` for those that stand for whole Django templates and must write the
same bytes: Django's escaping in every `{{ … }}`, translations as `{% translate %}` gives them).

The partials live in each app's `jinja2/` folder. Autoescape is on, as in Django's
templates; `_()` is Django's gettext, so `makemessages` finds `{% set x = _("…") %}` as it
does in Django templates (labels are translated once, before the loop, not on every row).
"""

import html
from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import engines
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext
from jinja2 import Environment, StrictUndefined, Template

try:
    from markupsafe._speedups import _escape_inner
except ImportError:  # pragma: no cover - the pure Python build of markupsafe
    from markupsafe._native import _escape_inner

from .humanize import file_size, time_since


def local_minute(moment, tz=None) -> str:
    """`moment` in the time zone `tz` (the current one if None) as the lists show it:
    31/12/2026 13:05. A page's partial passes `tz`, read once, rather than looking up the
    current time zone for each of its rows."""
    return moment.astimezone(tz or timezone.get_current_timezone()).strftime("%d/%m/%Y %H:%M")


def local_date(moment, tz=None) -> str:
    """`moment`'s day in the time zone `tz` (the current one if None): 31/12/2026."""
    return moment.astimezone(tz or timezone.get_current_timezone()).strftime("%d/%m/%Y")


def iso_seconds(moment, tz=None) -> str:
    """`moment` for a `<time datetime>`: ISO 8601 in the time zone `tz` (the current one if
    None), whole seconds (the HTML standard allows at most three decimals; none are needed)."""
    return moment.astimezone(tz or timezone.get_current_timezone()).replace(microsecond=0).isoformat()


def url(name: str, *args) -> str:
    """`{% url name arg… %}`: the address of the page `name` with positional `args`."""
    return reverse(name, args=args)


# A number no ticket or attachment has, replaced in a reversed URL by each row's own.
NUMBER_PLACEHOLDER = "2147483647"
UUID_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"


def url_maker(name: str, placeholder: str = NUMBER_PLACEHOLDER):
    """A function giving the URL `name` for one row's key, reversed once per page (a row's
    key in place of `placeholder`) rather than once per row."""
    before, _sep, after = reverse(name, args=[placeholder]).partition(placeholder)
    return lambda key: f"{before}{key}{after}"


def fill(message: str, **values) -> SafeString:
    """A translated `message` with its placeholders filled, as Django's `{% blocktranslate
    with name=value %}` writes it: the values escaped Django's way, the message as it is."""
    filled = message % {name: django_escape(value) for name, value in values.items()}
    return mark_safe(filled)  # noqa: S308 - the portal's own message, its values escaped


def django_escape(value) -> str:
    """What Django's conditional_escape() gives for `value` (lazy text translated, text with
    __html__ as that says, anything else escaped as Django escapes: an apostrophe &#x27;, a
    double quote &quot;), without the wrapper Django's escape() has to keep lazy text lazy,
    which conditional_escape() never hands it: the wrapper cost three times the escaping, for
    each of the hundred values a page's partials write through it."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return SafeString(html.escape(str(value)))


def translated(message: str) -> SafeString:
    """`message` translated into the active language, as safe text (Django's `{% translate %}`)."""
    return mark_safe(gettext(message))  # noqa: S308 - the portal's own catalogue


def _written(value) -> str:
    """markupsafe's escape() as a partial's `{{ … }}` uses it: the pieces a template writes
    are joined into one text and lose their type, so each is written as escape() writes
    it (text escaped, safe text as its __html__() gives it, anything else as text) without
    the Markup that escape() makes of it, a Python call of its own for each of the five
    hundred values a page of rows writes."""
    if type(value) is str:
        return _escape_inner(value)
    safe = getattr(value, "__html__", None)
    if safe is not None:  # escape() makes a Markup of what __html__() gives
        return safe()
    return _escape_inner(str(value))


class _PartialTemplate(Template):
    """A partial compiled by Jinja2 whose `{{ … }}` write through _written(): Jinja2's
    compiled code calls the `escape` its module imported from jinja2.runtime, which is
    markupsafe's (lib/tests/test_partials.py checks that the rows write what they wrote
    with markupsafe's escape())."""

    @classmethod
    def _from_namespace(cls, environment, namespace, globals):
        namespace["escape"] = _written
        return super()._from_namespace(environment, namespace, globals)


def environment(**options) -> Environment:
    """The Jinja2 environment of the partials (TEMPLATES' OPTIONS["environment"])."""
    # Escaping always on, whatever the settings say; a misspelt name fails loudly (Django's
    # backend would pass its own `undefined`, which writes nothing).
    options.pop("autoescape", None)
    options["undefined"] = StrictUndefined
    env = Environment(autoescape=True, **options)
    env.template_class = _PartialTemplate
    env.globals["_"] = gettext
    # The tags every page's shell uses, the same functions as in Django templates.
    from .templatetags import fields
    from .templatetags.icons import icon
    from .templatetags.listing import active_filters
    from .templatetags.menu import fixed_static, fixed_url
    from .templatetags.text import one_full_stop

    env.globals.update(
        icon=icon,
        fixed_url=fixed_url,
        fixed_static=fixed_static,
        url=url,
        field=fields.field,
        widget=fields.widget,
        radio_field=fields.radio_field,
        select_field=fields.select_field,
        active_filters=active_filters,
    )
    env.filters.update(one_full_stop=one_full_stop, error_target=fields.error_target, disabled=fields.disabled)
    env.filters.update(
        {
            "local_minute": local_minute,
            "local_date": local_date,
            "iso_seconds": iso_seconds,
            "time_since": time_since,
            "file_size": file_size,
            # Django's escaping, for the partials that stand for Django templates every form
            # includes (partials/field.html…): an apostrophe written &#x27; as before, not &#39;.
            "django_escape": django_escape,
            "fill": fill,
        }
    )
    # The environment of the partials that stand for whole Django templates (the page shell,
    # the lists' filter panels): an overlay, sharing loader, globals and filters, whose
    # `{{ … }}` are escaped as Django escapes them (an apostrophe &#x27;, a double quote
    # &quot;), so that the HTML is the same byte for byte without a filter on each value.
    # Its `_()` returns safe text, as `{% translate %}` does: a translation is ours, not input.
    env.django_escaped = env.overlay(finalize=django_escape)
    env.django_escaped.globals = {**env.globals, "_": translated}
    return env


def render_partial(name: str, context: dict) -> SafeString:
    """Renders the Jinja2 partial `name` with `context` and returns markup for a Django
    template. Every value was escaped by Jinja2's autoescape (or is already safe)."""
    template = engines["jinja2"].env.get_template(name)
    return mark_safe(template.render({**context, "_": translator(safe=False)}))  # noqa: S308 - autoescaped by Jinja2


def render_django_escaped(name: str, context: dict) -> SafeString:
    """As `render_partial`, for the partials that stand for whole Django templates (the page
    shell, the lists' filter panels): every `{{ … }}` is escaped as Django escapes it."""
    template = engines["jinja2"].env.django_escaped.get_template(name)
    return mark_safe(template.render({**context, "_": translator(safe=True)}))  # noqa: S308 - escaped


def translator(*, safe: bool):
    """The `_()` of a partial rendered now: gettext() in the active language, or with `safe`
    translated() (the partials that stand for Django templates), each message translated
    once per process and language."""
    return _catalogue(get_language(), safe).__getitem__


class _Catalogue(dict):
    """The translations a partial's `_()` gives in one language, each message translated
    the first time a partial asks for it: a page's partials ask for about eighty, and
    Django's gettext() looks up the active language (a context-local read) and its
    catalogue for each, which cost more than writing the text."""

    def __init__(self, translate):
        super().__init__()
        self.translate = translate

    def __missing__(self, message: str):
        found = self[message] = self.translate(message)
        return found


@lru_cache(maxsize=16)
def _catalogue(language: str | None, safe: bool) -> _Catalogue:
    """`language`'s catalogue (the active language, in which any message missing from it is
    then translated); `safe`: translations as safe text, as `{% translate %}` gives them."""
    return _Catalogue(translated if safe else gettext)


@receiver(setting_changed)
def _forget_translations(setting, **kwargs) -> None:
    # A test that changes the languages or where their catalogues are.
    if setting in ("LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"):
        _catalogue.cache_clear()
