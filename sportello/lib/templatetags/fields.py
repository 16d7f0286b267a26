"""Template helpers of form fields: a field with its label, help and errors (the partials
`partials/field.html`, `radio_field.html` and `select_field.html`), where an error summary's
link for a field points, a field shown disabled.

The three partials are written in Jinja2 (sportello/jinja2/partials/, see lib/partials.py)
and called from the Django partials of the same names, which every form includes: a filter
panel renders ten fields on every view of the list or the queue, and Django's engine took
a tenth of the page's time to resolve their few dozen variables and tags. Their <input>s are
written by `widget`, the same markup as Django's form renderer for a quarter of the time."""

from functools import lru_cache

from django import template
from django.utils.translation import get_language

from sportello.lib.partials import render_django_escaped, render_partial

from .choices import options

register = template.Library()


# The templates of Django's widgets that are its input.html and nothing else (django/forms/
# jinja2/django/forms/widgets/): those `widget` writes with partials/input.html.
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "checkbox", "color", "date", "datetime", "email", "hidden", "number", "password", "search", "tel", "text",
        "time", "url",
    )
)  # fmt: skip


def widget(bound_field):
    """What `{{ bound_field }}` writes (BoundField.as_widget): an <input> written by
    partials/input.html from the context Django's widget gives its template, attributes and
    value as Django works them out; any other widget by Django's form renderer. Going through
    the renderer (its template lookup, context and engine) cost three times what writing the
    input does, for each field of every form."""
    field = bound_field.field
    if field.widget.template_name not in _INPUT_TEMPLATES or field.localize or field.show_hidden_initial:
        return str(bound_field)
    attrs = bound_field.build_widget_attrs({}, field.widget)
    if bound_field.auto_id and "id" not in field.widget.attrs:
        attrs.setdefault("id", bound_field.auto_id)
    context = field.widget.get_context(bound_field.html_name, bound_field.value(), attrs)
    return render_partial("partials/input.html", context)


def filter_fields(template_name: str, form, **values) -> str:
    """The fields of a list's filter panel: the Jinja2 partial `template_name` rendered with
    `form` and `values` (Django's escaping, as the page bodies). A panel is shown on every
    view of the list or the queue, mostly with the same few sets of filters, and its HTML
    depends only on the form's class, the values submitted for its fields, `values` and the
    language: so it is written once per process for each (an LRU of 64 panels; the desk's
    500 operators are part of `values`, and a change to them makes a new panel). A form
    with errors, whose messages are its own, is written each time. `values` must be
    hashable (pairs as tuples)."""
    if form.is_bound and form.errors:
        return render_django_escaped(template_name, {"form": form, **values})
    submitted = tuple((name, _submitted(form.data, name)) for name in form.fields) if form.is_bound else None
    key = (template_name, get_language(), type(form), submitted, tuple(sorted(values.items())))
    try:
        return _panel(_Panel(key, form, values))
    except TypeError:  # a value that cannot be part of a key
        return render_django_escaped(template_name, {"form": form, **values})


def _submitted(data, name: str) -> tuple:
    if hasattr(data, "getlist"):  # a QueryDict: every value given for the name
        return tuple(data.getlist(name))
    return (data[name],) if name in data else ()


class _Panel:
    """A panel to write: compared and hashed by its key; the form and values it carries are
    those of the first request that had to write it."""

    def __init__(self, key: tuple, form, values: dict):
        self.key, self.form, self.values = key, form, values

    def __hash__(self):
        return hash(self.key)

    def __eq__(self, other):
        return isinstance(other, _Panel) and self.key == other.key


@lru_cache(maxsize=64)
def _panel(panel: _Panel) -> str:
    return render_django_escaped(panel.key[0], {"form": panel.form, **panel.values})


def field(bound_field, extra_label=None):
    """`partials/field.html` for `bound_field` (and `extra_label`, for a checkbox)."""
    return render_partial("partials/field.html", {"field": bound_field, "extra_label": extra_label})


def radio_field(bound_field, legend_class=None):
    """`partials/radio_field.html` for `bound_field` (and `legend_class`)."""
    value = bound_field.value()
    return render_partial(
        "partials/radio_field.html",
        {
            "field": bound_field,
            "name": bound_field.html_name,
            "current": "" if value is None else f"{value}",
            "legend_class": legend_class,
        },
    )


def select_field(bound_field, choices=None, form_id=None, button=None):
    """`partials/select_field.html` for `bound_field`: its options from `choices` (pairs) or
    the field's own; `form_id` and `button` when given."""
    return render_partial(
        "partials/select_field.html",
        {
            "field": bound_field,
            "options": options(choices or bound_field.field.choices, bound_field.value()),
            "form_id": form_id,
            "button": button,
        },
    )


# The Django partials of the same names call these tags; Jinja2 partials (the filter panels)
# call the functions above, which the partials' environment names alike.


@register.simple_tag(takes_context=True)
def field_html(context):
    """`partials/field.html`: the context's `field` (and `extra_label`, for a checkbox)."""
    return field(context["field"], context.get("extra_label"))


@register.simple_tag(takes_context=True)
def radio_field_html(context):
    """`partials/radio_field.html`: the context's `field` (and `legend_class`)."""
    return radio_field(context["field"], context.get("legend_class"))


@register.simple_tag(takes_context=True)
def select_field_html(context):
    """`partials/select_field.html`: the context's `field`, its options from `choices` (pairs)
    or the field's own, and `form_id` and `button` when given."""
    return select_field(context["field"], context.get("choices"), context.get("form_id"), context.get("button"))


@register.filter
def error_target(field) -> str:
    """The id of the control a person lands on from the error summary: the field's own
    input, or the first option of a group of radio buttons or checkboxes."""
    if field.field.widget.use_fieldset:
        return f"{field.auto_id}_0"
    return field.id_for_label


@register.filter
def disabled(field, described_by: str = ""):
    """The field's widget, disabled, described by the element of id `described_by` (what
    says why, or until when)."""
    attrs = {"disabled": True}
    if described_by:
        attrs["aria-describedby"] = described_by
    return field.as_widget(attrs=attrs)
