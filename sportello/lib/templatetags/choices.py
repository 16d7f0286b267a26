"""`{% options choices current %}`: the <option>s of a select.

Django's select widget renders every option through a template of its own; the desk's
operator filter and the reply's contact person have hundreds, so the options are a
Jinja2 partial (partials/options.html, see sportello/lib/partials.py)."""

from django import template

from sportello.lib.partials import render_partial

register = template.Library()


@register.simple_tag
def options(choices, current):
    """`choices`: (value, label) pairs; `current`: the chosen value (compared as text)."""
    pairs = [("" if value is None else str(value), label) for value, label in choices]
    chosen = "" if current is None else str(current)
    return render_partial("partials/options.html", {"choices": pairs, "current": chosen})
